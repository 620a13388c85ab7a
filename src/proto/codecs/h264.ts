// H.264 RTP payload (RFC 6184 §5.6-5.8): single NAL unit, STAP-A/STAP-B aggregation and
// FU-A/FU-B fragmentation, for key frame detection; plus picture size from a sequence
// parameter set (ITU-T H.264 §7.3.2.1.1) when the SPS is carried whole.
//
// Input is the RTP payload only. Parsers read through `length` and integer indexing alone,
// never throw, and return `undefined` on malformed input.

export const H264_NAL_SLICE = 1;
export const H264_NAL_IDR = 5;
export const H264_NAL_SEI = 6;
export const H264_NAL_SPS = 7;
export const H264_NAL_PPS = 8;
export const H264_NAL_STAP_A = 24;
export const H264_NAL_STAP_B = 25;
export const H264_NAL_MTAP16 = 26;
export const H264_NAL_MTAP24 = 27;
export const H264_NAL_FU_A = 28;
export const H264_NAL_FU_B = 29;

export interface H264PayloadInfo {
	/** Type of the payload's own NAL header: 1..23 single NAL, 24 STAP-A, 28 FU-A, ... */
	packetType: number;
	/** The packet holds the start of an IDR slice (type 5). */
	hasIdr: boolean;
	/** The packet holds a whole (or the start of a) sequence parameter set. */
	hasSps: boolean;
	/** The packet holds a whole (or the start of a) picture parameter set. */
	hasPps: boolean;
	/**
	 * A receiver can start decoding here: an IDR slice start, or an SPS (which the encoder sends
	 * right before the IDR; switching at the SPS hands the receiver its parameter sets too).
	 */
	isKeyFrame: boolean;
	/** From a whole SPS in this packet, when it parses; else 0. */
	width: number;
	height: number;
}

export function createH264PayloadInfo(): H264PayloadInfo {
	return {
		packetType: 0,
		hasIdr: false,
		hasSps: false,
		hasPps: false,
		isKeyFrame: false,
		width: 0,
		height: 0,
	};
}

/**
 * Inspects an H.264 RTP payload. With `parseSps`, a whole SPS in the packet is decoded for the
 * picture size (costs an exp-Golomb walk; leave it off on the hot path).
 */
export function parseH264Payload(
	payload: Uint8Array,
	out: H264PayloadInfo = createH264PayloadInfo(),
	parseSps = false
): H264PayloadInfo | undefined {
	const len = payload.length;

	if (len < 1) {
		return undefined;
	}

	const h = payload[0];

	// forbidden_zero_bit set: a syntax violation (RFC 6184 §5.3), drop it.
	if (h & 0x80) {
		return undefined;
	}

	const type = h & 0x1f;

	out.packetType = type;
	out.hasIdr = false;
	out.hasSps = false;
	out.hasPps = false;
	out.isKeyFrame = false;
	out.width = 0;
	out.height = 0;

	if (type >= 1 && type <= 23) {
		noteNal(out, type);

		if (parseSps && type === H264_NAL_SPS) {
			readSpsInto(payload, 0, len, out);
		}
	} else if (type === H264_NAL_STAP_A || type === H264_NAL_STAP_B) {
		// STAP-B carries a 16-bit DON before the first unit (RFC 6184 §5.7.1).
		let i = type === H264_NAL_STAP_A ? 1 : 3;

		if (i >= len) {
			return undefined;
		}

		while (i < len) {
			if (i + 2 > len) {
				return undefined;
			}

			const size = (payload[i] << 8) | payload[i + 1];

			i += 2;

			if (size === 0 || i + size > len) {
				return undefined;
			}

			const nalType = payload[i] & 0x1f;

			noteNal(out, nalType);

			if (parseSps && nalType === H264_NAL_SPS && out.width === 0) {
				readSpsInto(payload, i, i + size, out);
			}

			i += size;
		}
	} else if (type === H264_NAL_FU_A || type === H264_NAL_FU_B) {
		// FU header: S E R Type (RFC 6184 §5.8); FU-B adds a DON after it.
		const need = type === H264_NAL_FU_A ? 2 : 4;

		if (len < need + 1) {
			return undefined;
		}

		const fu = payload[1];

		// S and E both set is invalid (RFC 6184 §5.8).
		if ((fu & 0xc0) === 0xc0) {
			return undefined;
		}

		if (fu & 0x80) {
			noteNal(out, fu & 0x1f);
		}
	} else if (type === H264_NAL_MTAP16 || type === H264_NAL_MTAP24) {
		// Interleaved mode only; WebRTC never sends it. Nothing to report.
	} else {
		// 0 and 30-31 are undefined/reserved.
		return undefined;
	}

	out.isKeyFrame = out.hasIdr || out.hasSps;

	return out;
}

function noteNal(out: H264PayloadInfo, nalType: number): void {
	if (nalType === H264_NAL_IDR) {
		out.hasIdr = true;
	} else if (nalType === H264_NAL_SPS) {
		out.hasSps = true;
	} else if (nalType === H264_NAL_PPS) {
		out.hasPps = true;
	}
}

/** Whether the payload starts (or carries parameter sets for) a key frame. */
export function isH264KeyFrame(payload: Uint8Array): boolean {
	const info = parseH264Payload(payload, scratchInfo);

	return info !== undefined && info.isKeyFrame;
}

const scratchInfo = createH264PayloadInfo();

/**
 * Decodes the picture size from one SPS NAL unit (`payload[start..end)`, starting at its NAL
 * header). Returns `undefined` if it is not an SPS or does not parse.
 */
export function parseH264SpsSize(
	payload: Uint8Array,
	start = 0,
	end = payload.length
): { width: number; height: number } | undefined {
	const info = createH264PayloadInfo();

	if (start < 0 || end > payload.length || start >= end || (payload[start] & 0x1f) !== H264_NAL_SPS) {
		return undefined;
	}

	if (!readSpsInto(payload, start, end, info)) {
		return undefined;
	}

	return { width: info.width, height: info.height };
}

// Bit reader over an RBSP: skips emulation prevention bytes (00 00 03 -> 00 00) as it goes.
class RbspReader {
	buf: Uint8Array;
	pos: number;
	end: number;
	zeros: number;
	cur: number;
	bitsLeft: number;
	overrun: boolean;

	constructor(buf: Uint8Array, start: number, end: number) {
		this.buf = buf;
		this.pos = start;
		this.end = end;
		this.zeros = 0;
		this.cur = 0;
		this.bitsLeft = 0;
		this.overrun = false;
	}

	private nextByte(): boolean {
		if (this.pos >= this.end) {
			this.overrun = true;

			return false;
		}

		let b = this.buf[this.pos++];

		if (this.zeros >= 2 && b === 0x03) {
			this.zeros = 0;

			if (this.pos >= this.end) {
				this.overrun = true;

				return false;
			}

			b = this.buf[this.pos++];
		}

		this.zeros = b === 0 ? this.zeros + 1 : 0;
		this.cur = b;
		this.bitsLeft = 8;

		return true;
	}

	bit(): number {
		if (this.bitsLeft === 0 && !this.nextByte()) {
			return 0;
		}

		this.bitsLeft--;

		return (this.cur >> this.bitsLeft) & 1;
	}

	bits(n: number): number {
		let v = 0;

		for (let k = 0; k < n; k++) {
			v = v * 2 + this.bit();
		}

		return v;
	}

	// ue(v), ITU-T H.264 §9.1; more than 31 leading zeros cannot be a valid SPS value.
	ue(): number {
		let zeros = 0;

		while (this.bit() === 0) {
			if (this.overrun || ++zeros > 31) {
				this.overrun = true;

				return 0;
			}
		}

		return 2 ** zeros - 1 + this.bits(zeros);
	}

	se(): number {
		const k = this.ue();

		return k & 1 ? (k + 1) / 2 : -(k / 2);
	}
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function readSpsInto(payload: Uint8Array, start: number, end: number, out: H264PayloadInfo): boolean {
	// Skip the NAL header byte.
	const r = new RbspReader(payload, start + 1, end);
	const profileIdc = r.bits(8);

	r.bits(16); // constraint flags, level_idc
	r.ue(); // seq_parameter_set_id

	let chromaFormatIdc = 1;
	let separateColourPlane = 0;

	if (HIGH_PROFILES.has(profileIdc)) {
		chromaFormatIdc = r.ue();

		if (chromaFormatIdc > 3) {
			return false;
		}

		if (chromaFormatIdc === 3) {
			separateColourPlane = r.bit();
		}

		r.ue(); // bit_depth_luma_minus8
		r.ue(); // bit_depth_chroma_minus8
		r.bit(); // qpprime_y_zero_transform_bypass_flag

		if (r.bit()) {
			// seq_scaling_matrix_present_flag
			const lists = chromaFormatIdc !== 3 ? 8 : 12;

			for (let k = 0; k < lists && !r.overrun; k++) {
				if (r.bit()) {
					skipScalingList(r, k < 6 ? 16 : 64);
				}
			}
		}
	}

	r.ue(); // log2_max_frame_num_minus4

	const pocType = r.ue();

	if (pocType === 0) {
		r.ue(); // log2_max_pic_order_cnt_lsb_minus4
	} else if (pocType === 1) {
		r.bit(); // delta_pic_order_always_zero_flag
		r.se(); // offset_for_non_ref_pic
		r.se(); // offset_for_top_to_bottom_field

		const cycle = r.ue();

		if (cycle > 255) {
			return false;
		}

		for (let k = 0; k < cycle && !r.overrun; k++) {
			r.se();
		}
	} else if (pocType !== 2) {
		return false;
	}

	r.ue(); // max_num_ref_frames
	r.bit(); // gaps_in_frame_num_value_allowed_flag

	const widthMbs = r.ue() + 1;
	const heightMapUnits = r.ue() + 1;
	const frameMbsOnly = r.bit();

	if (!frameMbsOnly) {
		r.bit(); // mb_adaptive_frame_field_flag
	}

	r.bit(); // direct_8x8_inference_flag

	let cropLeft = 0;
	let cropRight = 0;
	let cropTop = 0;
	let cropBottom = 0;

	if (r.bit()) {
		cropLeft = r.ue();
		cropRight = r.ue();
		cropTop = r.ue();
		cropBottom = r.ue();
	}

	if (r.overrun) {
		return false;
	}

	// Crop units, ITU-T H.264 §7.4.2.1.1 (frame_crop_*_offset semantics).
	const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
	let cropUnitX = 1;
	let cropUnitY = 2 - frameMbsOnly;

	if (chromaArrayType !== 0) {
		const subWidthC = chromaFormatIdc === 3 ? 1 : 2;
		const subHeightC = chromaFormatIdc === 1 ? 2 : 1;

		cropUnitX = subWidthC;
		cropUnitY = subHeightC * (2 - frameMbsOnly);
	}

	const width = widthMbs * 16 - cropUnitX * (cropLeft + cropRight);
	const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (cropTop + cropBottom);

	if (width <= 0 || height <= 0 || width > 0xffff || height > 0xffff) {
		return false;
	}

	out.width = width;
	out.height = height;

	return true;
}

function skipScalingList(r: RbspReader, size: number): void {
	let last = 8;
	let next = 8;

	for (let j = 0; j < size && !r.overrun; j++) {
		if (next !== 0) {
			next = (last + r.se() + 256) % 256;
		}

		last = next === 0 ? last : next;
	}
}
