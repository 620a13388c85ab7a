// VP8 RTP payload descriptor (RFC 7741 §4.2) and payload header (RFC 7741 §4.3).
//
// Input is the RTP payload only (no RTP header). Parsers read through `length` and integer
// indexing alone (no methods), never throw, and return `undefined` on malformed input.

/** Parsed VP8 payload descriptor. Create with `createVp8Descriptor()` to reuse one per stream. */
export interface Vp8Descriptor {
	/** X: extended control bits present. */
	extended: boolean;
	/** N: non-reference frame (may be discarded without affecting other frames). */
	nonReference: boolean;
	/** S: start of a VP8 partition. */
	startOfPartition: boolean;
	/** PID: partition index (0..7). */
	partitionIndex: number;
	/** I: picture id present. */
	hasPictureId: boolean;
	/** Picture id (7 or 15 bits); 0 when absent. */
	pictureId: number;
	/** 1 (M=0, 7-bit form), 2 (M=1, 15-bit form), 0 when absent. */
	pictureIdLength: number;
	/** Byte offset of the picture id within the payload; -1 when absent. */
	pictureIdOffset: number;
	/** L: TL0PICIDX present. */
	hasTl0PicIdx: boolean;
	tl0PicIdx: number;
	/** Byte offset of TL0PICIDX within the payload; -1 when absent. */
	tl0PicIdxOffset: number;
	/** T: TID (and Y) present. */
	hasTid: boolean;
	/** Temporal layer index; 0 when absent. */
	tid: number;
	/** Y: layer sync (frame depends only on TL0 frames). */
	layerSync: boolean;
	/** K: KEYIDX present. */
	hasKeyIdx: boolean;
	keyIdx: number;
	/** Descriptor length in bytes: the VP8 payload (header or partition data) starts here. */
	headerLength: number;
	/** First packet of a key frame: S=1, PID=0 and the payload header's P bit is 0. */
	isKeyFrame: boolean;
	/** Key frame dimensions (RFC 6386 §9.1) when this packet carries them, else 0. */
	width: number;
	height: number;
	/** Key frame scaling bits (RFC 6386 §9.1), else 0. */
	horizontalScale: number;
	verticalScale: number;
}

export function createVp8Descriptor(): Vp8Descriptor {
	return {
		extended: false,
		nonReference: false,
		startOfPartition: false,
		partitionIndex: 0,
		hasPictureId: false,
		pictureId: 0,
		pictureIdLength: 0,
		pictureIdOffset: -1,
		hasTl0PicIdx: false,
		tl0PicIdx: 0,
		tl0PicIdxOffset: -1,
		hasTid: false,
		tid: 0,
		layerSync: false,
		hasKeyIdx: false,
		keyIdx: 0,
		headerLength: 0,
		isKeyFrame: false,
		width: 0,
		height: 0,
		horizontalScale: 0,
		verticalScale: 0,
	};
}

/**
 * Parses the VP8 payload descriptor at the start of `payload`. When `out` is given it is filled
 * and returned (no allocation); on failure it may be partly written and `undefined` is returned.
 * A descriptor with no VP8 payload byte after it is malformed (RFC 7741 §4.1: a packet carries
 * at least one byte of VP8 data).
 */
export function parseVp8Descriptor(
	payload: Uint8Array,
	out: Vp8Descriptor = createVp8Descriptor()
): Vp8Descriptor | undefined {
	const len = payload.length;

	if (len < 1) {
		return undefined;
	}

	const b0 = payload[0];
	let i = 1;

	out.extended = (b0 & 0x80) !== 0;
	out.nonReference = (b0 & 0x20) !== 0;
	out.startOfPartition = (b0 & 0x10) !== 0;
	out.partitionIndex = b0 & 0x07;
	out.hasPictureId = false;
	out.pictureId = 0;
	out.pictureIdLength = 0;
	out.pictureIdOffset = -1;
	out.hasTl0PicIdx = false;
	out.tl0PicIdx = 0;
	out.tl0PicIdxOffset = -1;
	out.hasTid = false;
	out.tid = 0;
	out.layerSync = false;
	out.hasKeyIdx = false;
	out.keyIdx = 0;
	out.isKeyFrame = false;
	out.width = 0;
	out.height = 0;
	out.horizontalScale = 0;
	out.verticalScale = 0;

	if (out.extended) {
		if (i >= len) {
			return undefined;
		}

		const x = payload[i++];

		out.hasPictureId = (x & 0x80) !== 0;
		out.hasTl0PicIdx = (x & 0x40) !== 0;
		out.hasTid = (x & 0x20) !== 0;
		out.hasKeyIdx = (x & 0x10) !== 0;

		if (out.hasPictureId) {
			if (i >= len) {
				return undefined;
			}

			out.pictureIdOffset = i;

			const p0 = payload[i++];

			// M bit: the picture id continues in the next octet (15-bit form).
			if (p0 & 0x80) {
				if (i >= len) {
					return undefined;
				}

				out.pictureId = ((p0 & 0x7f) << 8) | payload[i++];
				out.pictureIdLength = 2;
			} else {
				out.pictureId = p0;
				out.pictureIdLength = 1;
			}
		}

		if (out.hasTl0PicIdx) {
			if (i >= len) {
				return undefined;
			}

			out.tl0PicIdxOffset = i;
			out.tl0PicIdx = payload[i++];
		}

		// One octet carries TID/Y and KEYIDX; it is present if either T or K is set.
		if (out.hasTid || out.hasKeyIdx) {
			if (i >= len) {
				return undefined;
			}

			const tk = payload[i++];

			if (out.hasTid) {
				out.tid = tk >> 6;
				out.layerSync = (tk & 0x20) !== 0;
			}

			if (out.hasKeyIdx) {
				out.keyIdx = tk & 0x1f;
			}
		}
	}

	if (i >= len) {
		return undefined;
	}

	out.headerLength = i;

	// The VP8 payload header is only present at the start of partition 0 (RFC 7741 §4.3);
	// its P bit (inverse key frame flag) is 0 for key frames.
	if (out.startOfPartition && out.partitionIndex === 0 && (payload[i] & 0x01) === 0) {
		out.isKeyFrame = true;

		// RFC 6386 §9.1: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height
		// (little endian) each with a 2-bit scale.
		if (
			len >= i + 10 &&
			payload[i + 3] === 0x9d &&
			payload[i + 4] === 0x01 &&
			payload[i + 5] === 0x2a
		) {
			const w = payload[i + 6] | (payload[i + 7] << 8);
			const h = payload[i + 8] | (payload[i + 9] << 8);

			out.width = w & 0x3fff;
			out.horizontalScale = w >> 14;
			out.height = h & 0x3fff;
			out.verticalScale = h >> 14;
		}
	}

	return out;
}

/** Whether `payload` is the first packet of a VP8 key frame; false for malformed input. */
export function isVp8KeyFrame(payload: Uint8Array): boolean {
	const len = payload.length;

	if (len < 1) {
		return false;
	}

	const b0 = payload[0];

	// Only S=1, PID=0 packets carry the payload header.
	if ((b0 & 0x17) !== 0x10) {
		return false;
	}

	let i = 1;

	if (b0 & 0x80) {
		if (i >= len) {
			return false;
		}

		const x = payload[i++];

		if (x & 0x80) {
			if (i >= len) {
				return false;
			}

			i += payload[i] & 0x80 ? 2 : 1;
		}

		if (x & 0x40) {
			i++;
		}

		if (x & 0x30) {
			i++;
		}
	}

	return i < len && (payload[i] & 0x01) === 0;
}

/**
 * Writes `pictureId` into the descriptor in place, keeping its 7- or 15-bit form (the M bit is
 * preserved; the 7-bit form keeps the low 7 bits). Returns false if the descriptor has no
 * picture id or the payload is too short.
 */
export function setVp8PictureId(payload: Uint8Array, desc: Vp8Descriptor, pictureId: number): boolean {
	const o = desc.pictureIdOffset;

	if (o < 0 || o + desc.pictureIdLength > payload.length) {
		return false;
	}

	if (desc.pictureIdLength === 2) {
		payload[o] = 0x80 | ((pictureId >> 8) & 0x7f);
		payload[o + 1] = pictureId & 0xff;
		desc.pictureId = pictureId & 0x7fff;
	} else {
		payload[o] = pictureId & 0x7f;
		desc.pictureId = pictureId & 0x7f;
	}

	return true;
}

/** Writes TL0PICIDX into the descriptor in place. Returns false if it has none. */
export function setVp8Tl0PicIdx(payload: Uint8Array, desc: Vp8Descriptor, tl0PicIdx: number): boolean {
	const o = desc.tl0PicIdxOffset;

	if (o < 0 || o >= payload.length) {
		return false;
	}

	payload[o] = tl0PicIdx & 0xff;
	desc.tl0PicIdx = tl0PicIdx & 0xff;

	return true;
}

const DROP_HISTORY = 64;

/**
 * Keeps the picture id and TL0PICIDX seen by one receiver continuous while the sender side
 * switches between input streams (simulcast layers) and drops frames (temporal layers).
 *
 * A receiver (libwebrtc's VP8 reference finder) treats a gap in picture ids as lost frames and
 * waits for them, so every frame the SFU does not forward must be removed from the id sequence,
 * and a new input stream must continue right after the last id sent.
 *
 * Use per forwarded packet: `rewrite(payload, desc)` (or `map(desc)`, which leaves the ids to
 * write in `outPictureId`/`outTl0PicIdx` for a caller writing into a copy); per packet not
 * forwarded because its frame is dropped: `dropFrame(desc)`; before the first packet of a new
 * input stream: `sync()`. A dropped TL0 frame (T and L present, TID 0) also takes its TL0PICIDX
 * out of the sequence.
 * A frame's packets all carry the same picture id, so calls for the same frame are idempotent.
 * Older (reordered) packets are mapped using a window of the last 64 dropped frames.
 */
export class Vp8PictureIdRewriter {
	/** Picture id (15-bit) of the newest frame written; -1 before any. */
	lastPictureId: number;
	/** TL0PICIDX of the newest frame written; -1 before any. */
	lastTl0PicIdx: number;
	/** What the last `map()` gave this packet (-1 when it has no such field). */
	outPictureId: number;
	outTl0PicIdx: number;

	private started: boolean;
	private syncPending: boolean;
	private tl0SyncPending: boolean;
	// Extended (unwrapped) input picture id of the newest frame seen (forwarded or dropped).
	private lastInExt: number;
	// out = inExt - offset + (number of remembered drops newer than inExt), modulo 2^15.
	private offset: number;
	private tl0Offset: number;
	private readonly drops: Float64Array;
	private dropCount: number;
	private dropHead: number;

	constructor() {
		this.lastPictureId = -1;
		this.lastTl0PicIdx = -1;
		this.outPictureId = -1;
		this.outTl0PicIdx = -1;
		this.started = false;
		this.syncPending = false;
		this.tl0SyncPending = false;
		this.lastInExt = 0;
		this.offset = 0;
		this.tl0Offset = 0;
		this.drops = new Float64Array(DROP_HISTORY);
		this.dropCount = 0;
		this.dropHead = 0;
	}

	/** Forgets everything: the next frame passes through unchanged. */
	reset(): void {
		this.lastPictureId = -1;
		this.lastTl0PicIdx = -1;
		this.started = false;
		this.syncPending = false;
		this.tl0SyncPending = false;
		this.lastInExt = 0;
		this.offset = 0;
		this.tl0Offset = 0;
		this.dropCount = 0;
		this.dropHead = 0;
	}

	/** The next frame comes from a new input stream: continue ids after the last ones sent. */
	sync(): void {
		if (this.started) {
			this.syncPending = true;
			this.tl0SyncPending = true;
		}
	}

	/** The frame of this packet is not forwarded: later frames close the gap. */
	dropFrame(desc: Vp8Descriptor): void {
		if (!desc.hasPictureId) {
			return;
		}

		const inId = desc.pictureId;

		if (!this.started || this.syncPending) {
			// The first frame of a (new) stream is dropped: its successor takes the next id.
			const lastOut = this.started ? this.lastPictureId : inId;

			this.started = true;
			this.syncPending = false;
			this.lastInExt = inId;
			this.offset = inId - lastOut;
			this.dropCount = 0;
			this.dropHead = 0;
			this.pushDrop(inId);

			return;
		}

		const delta = this.deltaFromLast(inId, desc.pictureIdLength);

		if (delta <= 0) {
			// Same frame (already handled) or an older one: nothing changes for later frames.
			return;
		}

		this.lastInExt += delta;
		this.offset += 1;
		this.pushDrop(this.lastInExt);
		// A dropped TL0 frame: its TL0PICIDX never reaches the receiver either (later frames
		// reference the next TL0 frame, which takes its index).
		if (desc.hasTid && desc.tid === 0 && desc.hasTl0PicIdx && !this.tl0SyncPending) {
			this.tl0Offset = (this.tl0Offset + 1) & 0xff;
		}
	}

	/**
	 * Maps this packet's picture id and TL0PICIDX and writes them in place. Returns false if the
	 * descriptor has no picture id (nothing to keep continuous).
	 */
	rewrite(payload: Uint8Array, desc: Vp8Descriptor): boolean {
		if (!this.map(desc)) {
			return false;
		}

		setVp8PictureId(payload, desc, this.outPictureId);
		if (this.outTl0PicIdx >= 0) {
			setVp8Tl0PicIdx(payload, desc, this.outTl0PicIdx);
		}

		return true;
	}

	/**
	 * As `rewrite()`, without writing: the ids for this packet are left in `outPictureId` and
	 * `outTl0PicIdx` (-1 when the descriptor has no TL0PICIDX); `desc` is not changed.
	 */
	map(desc: Vp8Descriptor): boolean {
		this.outPictureId = -1;
		this.outTl0PicIdx = -1;
		if (!desc.hasPictureId) {
			return false;
		}

		const inId = desc.pictureId;
		let outId: number;

		if (!this.started) {
			this.started = true;
			this.lastInExt = inId;
			this.offset = 0;
			outId = inId;
			this.lastPictureId = outId;
		} else if (this.syncPending) {
			this.syncPending = false;
			this.lastInExt = inId;
			this.offset = inId - this.lastPictureId - 1;
			this.dropCount = 0;
			this.dropHead = 0;
			outId = (this.lastPictureId + 1) & 0x7fff;
			this.lastPictureId = outId;
		} else {
			const delta = this.deltaFromLast(inId, desc.pictureIdLength);
			const ext = this.lastInExt + delta;
			let restored = 0;

			if (delta < 0) {
				// A reordered packet: drops after it must not shift it.
				restored = this.dropsNewerThan(ext);
			} else {
				this.lastInExt = ext;
			}

			outId = mod15(ext - this.offset + restored);

			if (delta >= 0) {
				this.lastPictureId = outId;
			}
		}

		// The 7-bit form carries the low bits only.
		this.outPictureId = desc.pictureIdLength === 2 ? outId & 0x7fff : outId & 0x7f;

		if (desc.hasTl0PicIdx) {
			const inTl0 = desc.tl0PicIdx;

			if (this.tl0SyncPending) {
				this.tl0SyncPending = false;
				this.tl0Offset = this.lastTl0PicIdx < 0 ? 0 : (inTl0 - this.lastTl0PicIdx - 1) & 0xff;
			}

			const outTl0 = (inTl0 - this.tl0Offset) & 0xff;

			this.outTl0PicIdx = outTl0;

			if (this.lastTl0PicIdx < 0 || ((outTl0 - this.lastTl0PicIdx) & 0xff) < 0x80) {
				this.lastTl0PicIdx = outTl0;
			}
		}

		return true;
	}

	private deltaFromLast(inId: number, idLength: number): number {
		// Compare in the input's own id space: 7-bit ids wrap at 128, 15-bit ones at 32768.
		const modulus = idLength === 2 ? 0x8000 : 0x80;
		const mask = modulus - 1;
		let delta = (inId - this.lastInExt) & mask;

		if (delta >= modulus >> 1) {
			delta -= modulus;
		}

		return delta;
	}

	private pushDrop(ext: number): void {
		this.drops[this.dropHead] = ext;
		this.dropHead = (this.dropHead + 1) % DROP_HISTORY;

		if (this.dropCount < DROP_HISTORY) {
			this.dropCount++;
		}
	}

	private dropsNewerThan(ext: number): number {
		let n = 0;

		for (let k = 0; k < this.dropCount; k++) {
			if (this.drops[k] > ext) {
				n++;
			}
		}

		return n;
	}
}

function mod15(x: number): number {
	return ((x % 0x8000) + 0x8000) % 0x8000;
}
