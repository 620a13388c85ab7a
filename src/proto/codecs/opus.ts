// Opus RTP payload (RFC 7587): one Opus packet whose TOC byte and framing follow RFC 6716 §3.
// Used to spot DTX packets so a consumer with `ignoreDtx` can skip them.
//
// Parsers read through `length` and integer indexing alone, never throw, and return
// `undefined` on malformed input.

export interface OpusToc {
	/** config (0..31), RFC 6716 §3.1 Table 2. */
	config: number;
	mode: 'silk' | 'hybrid' | 'celt';
	stereo: boolean;
	/** Frame count code c (0..3). */
	code: number;
	/** Number of frames in the packet (RFC 6716 §3.2). */
	frameCount: number;
	/** Duration of one frame in microseconds. */
	frameDurationUs: number;
}

// Frame sizes per config, RFC 6716 §3.1 Table 2 (microseconds).
const SILK_US = [10000, 20000, 40000, 60000];
const CELT_US = [2500, 5000, 10000, 20000];

/** Parses the TOC byte and frame count (RFC 6716 §3.1-3.2). */
export function parseOpusToc(payload: Uint8Array): OpusToc | undefined {
	const len = payload.length;

	if (len < 1) {
		return undefined;
	}

	const toc = payload[0];
	const config = toc >> 3;
	const code = toc & 0x03;
	let mode: OpusToc['mode'];
	let frameDurationUs: number;

	if (config < 12) {
		mode = 'silk';
		frameDurationUs = SILK_US[config & 3];
	} else if (config < 16) {
		mode = 'hybrid';
		frameDurationUs = config & 1 ? 20000 : 10000;
	} else {
		mode = 'celt';
		frameDurationUs = CELT_US[config & 3];
	}

	let frameCount: number;

	if (code === 0) {
		frameCount = 1;
	} else if (code === 1 || code === 2) {
		frameCount = 2;
	} else {
		// Code 3 carries a frame count byte; M=0 is invalid and so is more than 120 ms (R5).
		if (len < 2) {
			return undefined;
		}

		frameCount = payload[1] & 0x3f;

		if (frameCount === 0 || frameCount * frameDurationUs > 120000) {
			return undefined;
		}
	}

	return { config, mode, stereo: (toc & 0x04) !== 0, code, frameCount, frameDurationUs };
}

/**
 * Whether the payload is a DTX (discontinuous transmission) packet. libopus sends 1- or 2-byte
 * packets while in DTX (a TOC with an empty frame, or one holding comfort noise / the DTX
 * flag), and libwebrtc classifies any payload of 2 bytes or fewer as DTX; frames of zero
 * length carry no audio either (RFC 6716 §3.2.1). Returns `undefined` for an empty payload.
 */
export function isOpusDtx(payload: Uint8Array): boolean | undefined {
	const len = payload.length;

	if (len < 1) {
		return undefined;
	}

	if (len <= 2) {
		return true;
	}

	const code = payload[0] & 0x03;

	// Codes 0-2 with more than 2 bytes carry at least one non-empty frame.
	if (code === 3) {
		// TOC, frame count byte, optional padding; all frames empty means no audio.
		const m = payload[1];
		const vbr = (m & 0x80) !== 0;
		const padded = (m & 0x40) !== 0;
		const count = m & 0x3f;
		let i = 2;
		let padding = 0;

		if (padded) {
			// Padding length: bytes of 255 add 254 each, the first other byte ends it (§3.2.5).
			let b = 255;

			while (b === 255) {
				if (i >= len) {
					return undefined;
				}

				b = payload[i++];
				padding += b === 255 ? 254 : b;
			}
		}

		if (vbr) {
			// count-1 frame lengths follow; DTX only if each is 0 (one byte each then).
			for (let k = 0; k < count - 1; k++) {
				if (i >= len) {
					return undefined;
				}

				if (payload[i++] !== 0) {
					return false;
				}
			}
		}

		return len - i - padding <= 0;
	}

	return false;
}
