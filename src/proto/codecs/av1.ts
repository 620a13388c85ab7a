// AV1 RTP payload: aggregation header and OBU elements ("RTP Payload Format For AV1",
// AOMedia, §4.4-4.5), with OBU headers read per AV1 bitstream spec §5.3.
//
// Input is the RTP payload only. Parsers read through `length` and integer indexing alone,
// never throw, and return `undefined` on malformed input.

export const AV1_OBU_SEQUENCE_HEADER = 1;
export const AV1_OBU_TEMPORAL_DELIMITER = 2;
export const AV1_OBU_FRAME_HEADER = 3;
export const AV1_OBU_TILE_GROUP = 4;
export const AV1_OBU_METADATA = 5;
export const AV1_OBU_FRAME = 6;

export interface Av1PayloadInfo {
	/** Z: the first OBU element continues an OBU from the previous packet. */
	continuation: boolean;
	/** Y: the last OBU element continues in the next packet. */
	continues: boolean;
	/** W: number of OBU elements (0: each has a length field). */
	w: number;
	/** N: first packet of a coded video sequence. */
	newCodedVideoSequence: boolean;
	/** N=1: a receiver can start decoding here (a key frame starts the sequence). */
	isKeyFrame: boolean;
	/** Number of OBU elements found. */
	obuCount: number;
	/** An OBU element that starts an OBU is a sequence header. */
	hasSequenceHeader: boolean;
	/** From the first OBU header with an extension in this packet; -1 when none. */
	temporalId: number;
	spatialId: number;
}

export function createAv1PayloadInfo(): Av1PayloadInfo {
	return {
		continuation: false,
		continues: false,
		w: 0,
		newCodedVideoSequence: false,
		isKeyFrame: false,
		obuCount: 0,
		hasSequenceHeader: false,
		temporalId: -1,
		spatialId: -1,
	};
}

/**
 * Parses the aggregation header and walks the OBU elements checking their leb128 lengths.
 * Returns `undefined` if a length runs past the payload or the header is inconsistent
 * (N=1 with Z=1, or W elements not matching).
 */
export function parseAv1Payload(
	payload: Uint8Array,
	out: Av1PayloadInfo = createAv1PayloadInfo()
): Av1PayloadInfo | undefined {
	const len = payload.length;

	if (len < 2) {
		return undefined;
	}

	const h = payload[0];

	out.continuation = (h & 0x80) !== 0;
	out.continues = (h & 0x40) !== 0;
	out.w = (h >> 4) & 0x03;
	out.newCodedVideoSequence = (h & 0x08) !== 0;
	out.isKeyFrame = out.newCodedVideoSequence;
	out.obuCount = 0;
	out.hasSequenceHeader = false;
	out.temporalId = -1;
	out.spatialId = -1;

	// "if N equals 1 then Z must equal 0" (§4.4).
	if (out.newCodedVideoSequence && out.continuation) {
		return undefined;
	}

	let i = 1;

	while (i < len) {
		let size: number;
		const isLast = out.w !== 0 && out.obuCount === out.w - 1;

		if (isLast) {
			size = len - i;
		} else {
			// leb128 (AV1 spec §4.10.5), at most 8 bytes.
			size = 0;

			let k = 0;
			let b: number;

			do {
				if (i >= len || k === 8) {
					return undefined;
				}

				b = payload[i++];
				size += (b & 0x7f) * 2 ** (7 * k);
				k++;
			} while (b & 0x80);

			if (size === 0 || size > len - i) {
				return undefined;
			}
		}

		// Only elements that start an OBU carry an OBU header.
		if (!(out.obuCount === 0 && out.continuation)) {
			const oh = payload[i];

			// obu_forbidden_bit
			if (oh & 0x80) {
				return undefined;
			}

			const obuType = (oh >> 3) & 0x0f;

			if (obuType === AV1_OBU_SEQUENCE_HEADER) {
				out.hasSequenceHeader = true;
			}

			if (oh & 0x04 && out.temporalId < 0 && i + 1 < i + size) {
				const ext = payload[i + 1];

				out.temporalId = ext >> 5;
				out.spatialId = (ext >> 3) & 0x03;
			}
		}

		out.obuCount++;
		i += size;

		if (isLast) {
			break;
		}
	}

	if (out.w !== 0 && out.obuCount !== out.w) {
		return undefined;
	}

	return out;
}

/** Whether the packet starts a new coded video sequence (N=1), i.e. a key frame. */
export function isAv1KeyFrame(payload: Uint8Array): boolean {
	return payload.length >= 2 && (payload[0] & 0x88) === 0x08;
}
