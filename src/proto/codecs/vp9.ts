// VP9 RTP payload descriptor (RFC 9628 §4.2), flexible and non-flexible modes, with the
// scalability structure (RFC 9628 §4.2.1).
//
// Input is the RTP payload only. Parsers read through `length` and integer indexing alone,
// never throw, and return `undefined` on malformed input.

/** One picture group entry of the scalability structure (RFC 9628 §4.2.1, N_G loop). */
export interface Vp9PictureGroup {
	tid: number;
	switchingUpPoint: boolean;
	/** Reference P_DIFFs (R of them, 0..3). */
	pDiffs: number[];
}

/** Scalability structure (SS, V bit). */
export interface Vp9ScalabilityStructure {
	/** N_S + 1. */
	spatialLayerCount: number;
	/** Y: per-layer resolutions present. */
	hasResolutions: boolean;
	/** One entry per spatial layer when `hasResolutions`, else empty. */
	widths: number[];
	heights: number[];
	/** G: picture group description present. */
	hasPictureGroups: boolean;
	pictureGroups: Vp9PictureGroup[];
}

export interface Vp9Descriptor {
	/** I: picture id present. */
	hasPictureId: boolean;
	/** P: inter-picture predicted frame. */
	interPicturePredicted: boolean;
	/** L: layer indices present. */
	hasLayerIndices: boolean;
	/** F: flexible mode. */
	flexibleMode: boolean;
	/** B: start of a layer frame. */
	startOfFrame: boolean;
	/** E: end of a layer frame. */
	endOfFrame: boolean;
	/** V: scalability structure present. */
	hasScalabilityStructure: boolean;
	/** Z: not used as reference by upper spatial layers. */
	notRefForUpperSpatialLayers: boolean;
	pictureId: number;
	/** 1 (7-bit form), 2 (15-bit form), 0 when absent. */
	pictureIdLength: number;
	pictureIdOffset: number;
	/** Temporal layer id (0 when L=0). */
	tid: number;
	/** U: switching up point. */
	switchingUpPoint: boolean;
	/** Spatial layer id (0 when L=0). */
	sid: number;
	/** D: inter-layer dependency (depends on the lower spatial layer of the same picture). */
	interLayerDependency: boolean;
	/** Non-flexible mode with L=1 only. */
	hasTl0PicIdx: boolean;
	tl0PicIdx: number;
	tl0PicIdxOffset: number;
	/** Flexible mode with P=1: reference picture id differences (1..3). */
	pDiffs: number[];
	/** Present when V=1. */
	ss: Vp9ScalabilityStructure | undefined;
	/** Bytes of descriptor before the VP9 frame data. */
	headerLength: number;
	/**
	 * The packet starts a key frame: B=1, P=0 and spatial layer 0 (RFC 9628 §4.2: a P=0 frame at
	 * the base spatial layer can be decoded without any earlier picture).
	 */
	isKeyFrame: boolean;
}

export function createVp9Descriptor(): Vp9Descriptor {
	return {
		hasPictureId: false,
		interPicturePredicted: false,
		hasLayerIndices: false,
		flexibleMode: false,
		startOfFrame: false,
		endOfFrame: false,
		hasScalabilityStructure: false,
		notRefForUpperSpatialLayers: false,
		pictureId: 0,
		pictureIdLength: 0,
		pictureIdOffset: -1,
		tid: 0,
		switchingUpPoint: false,
		sid: 0,
		interLayerDependency: false,
		hasTl0PicIdx: false,
		tl0PicIdx: 0,
		tl0PicIdxOffset: -1,
		pDiffs: [],
		ss: undefined,
		headerLength: 0,
		isKeyFrame: false,
	};
}

/**
 * Parses the VP9 payload descriptor. `out` is filled and returned when given (its `pDiffs`
 * array is reused; `ss` is allocated only when V=1). Returns `undefined` on malformed input.
 */
export function parseVp9Descriptor(
	payload: Uint8Array,
	out: Vp9Descriptor = createVp9Descriptor()
): Vp9Descriptor | undefined {
	const len = payload.length;

	if (len < 1) {
		return undefined;
	}

	const b0 = payload[0];
	let i = 1;

	out.hasPictureId = (b0 & 0x80) !== 0;
	out.interPicturePredicted = (b0 & 0x40) !== 0;
	out.hasLayerIndices = (b0 & 0x20) !== 0;
	out.flexibleMode = (b0 & 0x10) !== 0;
	out.startOfFrame = (b0 & 0x08) !== 0;
	out.endOfFrame = (b0 & 0x04) !== 0;
	out.hasScalabilityStructure = (b0 & 0x02) !== 0;
	out.notRefForUpperSpatialLayers = (b0 & 0x01) !== 0;
	out.pictureId = 0;
	out.pictureIdLength = 0;
	out.pictureIdOffset = -1;
	out.tid = 0;
	out.switchingUpPoint = false;
	out.sid = 0;
	out.interLayerDependency = false;
	out.hasTl0PicIdx = false;
	out.tl0PicIdx = 0;
	out.tl0PicIdxOffset = -1;
	out.pDiffs.length = 0;
	out.ss = undefined;
	out.isKeyFrame = false;

	if (out.hasPictureId) {
		if (i >= len) {
			return undefined;
		}

		out.pictureIdOffset = i;

		const p0 = payload[i++];

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

	if (out.hasLayerIndices) {
		if (i >= len) {
			return undefined;
		}

		const l = payload[i++];

		out.tid = l >> 5;
		out.switchingUpPoint = (l & 0x10) !== 0;
		out.sid = (l >> 1) & 0x07;
		out.interLayerDependency = (l & 0x01) !== 0;

		// TL0PICIDX exists only in non-flexible mode (RFC 9628 §4.2).
		if (!out.flexibleMode) {
			if (i >= len) {
				return undefined;
			}

			out.hasTl0PicIdx = true;
			out.tl0PicIdxOffset = i;
			out.tl0PicIdx = payload[i++];
		}
	}

	if (out.flexibleMode && out.interPicturePredicted) {
		// Up to three P_DIFFs, each with N (another follows).
		let more = true;

		while (more) {
			if (i >= len || out.pDiffs.length === 3) {
				return undefined;
			}

			const p = payload[i++];

			out.pDiffs.push(p >> 1);
			more = (p & 0x01) !== 0;
		}
	}

	if (out.hasScalabilityStructure) {
		const ssEnd = parseSs(payload, i, out);

		if (ssEnd < 0) {
			return undefined;
		}

		i = ssEnd;
	}

	if (i > len) {
		return undefined;
	}

	out.headerLength = i;
	out.isKeyFrame = out.startOfFrame && !out.interPicturePredicted && out.sid === 0;

	return out;
}

function parseSs(payload: Uint8Array, start: number, out: Vp9Descriptor): number {
	const len = payload.length;
	let i = start;

	if (i >= len) {
		return -1;
	}

	const v = payload[i++];
	const ss: Vp9ScalabilityStructure = {
		spatialLayerCount: (v >> 5) + 1,
		hasResolutions: (v & 0x10) !== 0,
		widths: [],
		heights: [],
		hasPictureGroups: (v & 0x08) !== 0,
		pictureGroups: [],
	};

	if (ss.hasResolutions) {
		if (i + 4 * ss.spatialLayerCount > len) {
			return -1;
		}

		for (let s = 0; s < ss.spatialLayerCount; s++) {
			ss.widths.push((payload[i] << 8) | payload[i + 1]);
			ss.heights.push((payload[i + 2] << 8) | payload[i + 3]);
			i += 4;
		}
	}

	if (ss.hasPictureGroups) {
		if (i >= len) {
			return -1;
		}

		const ng = payload[i++];

		for (let g = 0; g < ng; g++) {
			if (i >= len) {
				return -1;
			}

			const d = payload[i++];
			const r = (d >> 2) & 0x03;

			if (i + r > len) {
				return -1;
			}

			const pDiffs: number[] = [];

			for (let k = 0; k < r; k++) {
				pDiffs.push(payload[i++]);
			}

			ss.pictureGroups.push({ tid: d >> 5, switchingUpPoint: (d & 0x10) !== 0, pDiffs });
		}
	}

	out.ss = ss;

	return i;
}

/** Whether `payload` starts a VP9 key frame (B=1, P=0, SID=0); false for malformed input. */
export function isVp9KeyFrame(payload: Uint8Array): boolean {
	const b0 = payload.length > 0 ? payload[0] : 0;

	// Cheap reject first (B=1 and P=0 needed), then a full parse so malformed input is refused.
	if ((b0 & 0x48) !== 0x08) {
		return false;
	}

	const d = parseVp9Descriptor(payload, scratch);

	return d !== undefined && d.isKeyFrame;
}

const scratch = createVp9Descriptor();

/** Writes the picture id in place, keeping its 7- or 15-bit form. False if absent. */
export function setVp9PictureId(payload: Uint8Array, desc: Vp9Descriptor, pictureId: number): boolean {
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

/** Writes TL0PICIDX in place (non-flexible mode). False if absent. */
export function setVp9Tl0PicIdx(payload: Uint8Array, desc: Vp9Descriptor, tl0PicIdx: number): boolean {
	const o = desc.tl0PicIdxOffset;

	if (o < 0 || o >= payload.length) {
		return false;
	}

	payload[o] = tl0PicIdx & 0xff;
	desc.tl0PicIdx = tl0PicIdx & 0xff;

	return true;
}
