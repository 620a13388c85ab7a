// Dependency Descriptor RTP header extension ("RTP Payload Format For AV1", AOMedia,
// Appendix A.8; URI https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension).
//
// Input is the header extension's data (hdr_length bytes), not the RTP payload. The
// descriptor is stateful: most packets name a template of a structure sent earlier, so a
// receiver keeps the last structure (`Av1DependencyDescriptorParser`). Parsing reads through
// `length` and integer indexing alone, never throws, and returns `undefined` on malformed data.

/** Decode Target Indication values (Table A.1). */
export const DTI_NOT_PRESENT = 0;
export const DTI_DISCARDABLE = 1;
export const DTI_SWITCH = 2;
export const DTI_REQUIRED = 3;

// frame_dependency_template_id is 6 bits: more templates could never be referenced.
const MAX_TEMPLATES = 64;

/** template_dependency_structure() (A.8.2) with its derived values. */
export interface Av1TemplateStructure {
	templateIdOffset: number;
	/** DtCnt. */
	decodeTargetCount: number;
	/** TemplateCnt. */
	templateCount: number;
	/** TemplateSpatialId / TemplateTemporalId, per template index. */
	templateSpatialIds: Uint8Array;
	templateTemporalIds: Uint8Array;
	/** template_dti, row-major: [templateIndex * decodeTargetCount + dtIndex]. */
	templateDtis: Uint8Array;
	/** TemplateFdiff per template index. */
	templateFdiffs: number[][];
	/** chain_cnt. */
	chainCount: number;
	/** decode_target_protected_by, per decode target (empty when chainCount is 0). */
	decodeTargetProtectedBy: Uint8Array;
	/** template_chain_fdiff, row-major: [templateIndex * chainCount + chainIndex]. */
	templateChainFdiffs: Uint8Array;
	/** DecodeTargetSpatialId / DecodeTargetTemporalId per decode target. */
	decodeTargetSpatialIds: Uint8Array;
	decodeTargetTemporalIds: Uint8Array;
	maxSpatialId: number;
	maxTemporalId: number;
	/** max_render_width/height (minus-one fields + 1) per spatial id; empty when absent. */
	renderWidths: number[];
	renderHeights: number[];
}

export interface Av1DependencyDescriptor {
	startOfFrame: boolean;
	endOfFrame: boolean;
	/** frame_dependency_template_id. */
	templateId: number;
	/** 16-bit frame_number. */
	frameNumber: number;
	/** This packet carries a template dependency structure: a new coded video sequence. */
	structurePresent: boolean;
	activeDecodeTargetsPresent: boolean;
	/**
	 * Active decode targets (bit i = decode target i), as last signalled for the current
	 * structure; all targets when a structure arrives. 0 when no structure is known.
	 */
	activeDecodeTargetsBitmask: number;
	customDtis: boolean;
	customFdiffs: boolean;
	customChains: boolean;
	/**
	 * The frame's template resolved against a known structure, so the fields below are valid.
	 * False when no structure is known yet or the template id is outside it (a packet with a
	 * new structure was lost or reordered).
	 */
	dependencyKnown: boolean;
	/** FrameSpatialId / FrameTemporalId; -1 unless `dependencyKnown`. */
	spatialId: number;
	temporalId: number;
	/** frame_dti per decode target. */
	dtis: number[];
	/** Frame differences to the referred frames. */
	fdiffs: number[];
	/** frame_chain_fdiff per chain. */
	chainFdiffs: number[];
	/** FrameMaxWidth / FrameMaxHeight when the structure has resolutions; else 0. */
	width: number;
	height: number;
	/** First packet of a frame that carries a new structure: a key frame. */
	isKeyFrame: boolean;
}

export function createAv1DependencyDescriptor(): Av1DependencyDescriptor {
	return {
		startOfFrame: false,
		endOfFrame: false,
		templateId: 0,
		frameNumber: 0,
		structurePresent: false,
		activeDecodeTargetsPresent: false,
		activeDecodeTargetsBitmask: 0,
		customDtis: false,
		customFdiffs: false,
		customChains: false,
		dependencyKnown: false,
		spatialId: -1,
		temporalId: -1,
		dtis: [],
		fdiffs: [],
		chainFdiffs: [],
		width: 0,
		height: 0,
		isKeyFrame: false,
	};
}

// MSB-first bit reader over data[0..length); reading past the end sets `overrun` and yields 0.
// Each byte is read from the buffer once.
class BitReader {
	data: Uint8Array;
	bitPos: number;
	bitLen: number;
	overrun: boolean;
	cur: number;

	constructor(data: Uint8Array) {
		this.data = data;
		this.bitPos = 0;
		this.bitLen = data.length * 8;
		this.overrun = false;
		this.cur = 0;
	}

	/** Reads data[offset .. offset + length) (the caller checked the bounds). */
	reset(data: Uint8Array, offset = 0, length = data.length): void {
		this.data = data;
		this.bitPos = offset * 8;
		this.bitLen = (offset + length) * 8;
		this.overrun = false;
		this.cur = 0;
	}

	// f(n), A.8.2; n <= 32.
	f(n: number): number {
		if (this.bitPos + n > this.bitLen) {
			this.overrun = true;
			this.bitPos = this.bitLen;

			return 0;
		}

		let v = 0;

		for (let k = 0; k < n; k++) {
			const p = this.bitPos++;
			const shift = 7 - (p & 7);

			if (shift === 7) {
				this.cur = this.data[p >> 3];
			}

			v = v * 2 + ((this.cur >> shift) & 1);
		}

		return v;
	}

	// ns(n), A.8.2: non-symmetric unsigned value in 0..n-1.
	ns(n: number): number {
		let w = 0;

		for (let x = n; x !== 0; x >>= 1) {
			w++;
		}

		const m = (1 << w) - n;
		const v = this.f(w - 1);

		if (v < m) {
			return v;
		}

		return (v << 1) - m + this.f(1);
	}
}

/**
 * Parses Dependency Descriptors of one RTP stream, remembering the latest template dependency
 * structure as a receiver must. The structure is adopted only from a descriptor that parses
 * whole.
 */
export class Av1DependencyDescriptorParser {
	/** The latest structure received, if any. */
	structure: Av1TemplateStructure | undefined;
	/** Active decode targets for the current structure. */
	activeDecodeTargetsBitmask: number;

	// Reused across packets: no allocation per descriptor without a structure.
	private readonly reader: BitReader;

	constructor() {
		this.structure = undefined;
		this.activeDecodeTargetsBitmask = 0;
		this.reader = new BitReader(new Uint8Array(0));
	}

	reset(): void {
		this.structure = undefined;
		this.activeDecodeTargetsBitmask = 0;
	}

	/**
	 * Parses one descriptor: `data`, or its `length` bytes from `offset`. `out` is filled and
	 * returned when given (its arrays are reused). Returns `undefined` if the data is malformed
	 * (too short, fields past its end, a structure that cannot be addressed).
	 */
	parse(
		data: Uint8Array,
		out: Av1DependencyDescriptor = createAv1DependencyDescriptor(),
		offset = 0,
		length = data.length - offset
	): Av1DependencyDescriptor | undefined {
		// A window of a larger buffer (the extension's value inside an RTP packet): no copy.
		if (!(offset >= 0 && length >= 0 && offset + length <= data.length)) {
			return undefined;
		}

		const sz = length;

		// The mandatory fields take 3 bytes.
		if (sz < 3) {
			return undefined;
		}

		const r = this.reader;

		r.reset(data, offset, length);

		out.startOfFrame = r.f(1) === 1;
		out.endOfFrame = r.f(1) === 1;
		out.templateId = r.f(6);
		out.frameNumber = r.f(16);
		out.structurePresent = false;
		out.activeDecodeTargetsPresent = false;
		out.customDtis = false;
		out.customFdiffs = false;
		out.customChains = false;
		out.dependencyKnown = false;
		out.spatialId = -1;
		out.temporalId = -1;
		out.dtis.length = 0;
		out.fdiffs.length = 0;
		out.chainFdiffs.length = 0;
		out.width = 0;
		out.height = 0;
		out.isKeyFrame = false;

		let structure = this.structure;
		let active = this.activeDecodeTargetsBitmask;

		if (sz > 3) {
			out.structurePresent = r.f(1) === 1;
			out.activeDecodeTargetsPresent = r.f(1) === 1;
			out.customDtis = r.f(1) === 1;
			out.customFdiffs = r.f(1) === 1;
			out.customChains = r.f(1) === 1;

			if (out.structurePresent) {
				structure = readStructure(r);

				if (structure === undefined) {
					return undefined;
				}

				active = allTargets(structure.decodeTargetCount);
			}

			if (out.activeDecodeTargetsPresent) {
				if (structure === undefined) {
					// DtCnt unknown: the rest cannot be read.
					out.activeDecodeTargetsBitmask = 0;

					return out;
				}

				active = r.f(structure.decodeTargetCount) >>> 0;
			}
		}

		if (r.overrun) {
			return undefined;
		}

		out.activeDecodeTargetsBitmask = structure === undefined ? 0 : active;

		if (structure !== undefined) {
			const templateIndex = (out.templateId + 64 - structure.templateIdOffset) % 64;

			if (templateIndex < structure.templateCount) {
				if (!readFrameDependency(r, structure, templateIndex, out)) {
					return undefined;
				}

				out.dependencyKnown = true;
			} else if (out.structurePresent) {
				// A structure that does not cover the template id sent along with it.
				return undefined;
			}
		}

		if (r.overrun) {
			return undefined;
		}

		// Commit state only once the whole descriptor has parsed.
		if (out.structurePresent) {
			this.structure = structure;
		}

		if (structure !== undefined) {
			this.activeDecodeTargetsBitmask = active;
		}

		out.isKeyFrame = out.structurePresent && out.startOfFrame;

		return out;
	}
}

function allTargets(dtCnt: number): number {
	return dtCnt >= 32 ? 0xffffffff : (1 << dtCnt) - 1 >>> 0;
}

function readStructure(r: BitReader): Av1TemplateStructure | undefined {
	const templateIdOffset = r.f(6);
	const dtCnt = r.f(5) + 1;

	// template_layers()
	const sids: number[] = [];
	const tids: number[] = [];
	let spatialId = 0;
	let temporalId = 0;
	let maxTemporalId = 0;
	let idc: number;

	do {
		if (sids.length === MAX_TEMPLATES) {
			return undefined;
		}

		sids.push(spatialId);
		tids.push(temporalId);
		idc = r.f(2);

		if (r.overrun) {
			return undefined;
		}

		if (idc === 1) {
			temporalId++;

			if (temporalId > maxTemporalId) {
				maxTemporalId = temporalId;
			}
		} else if (idc === 2) {
			temporalId = 0;
			spatialId++;
		}
	} while (idc !== 3);

	const templateCnt = sids.length;
	const maxSpatialId = spatialId;

	// template_dtis()
	const templateDtis = new Uint8Array(templateCnt * dtCnt);

	for (let k = 0; k < templateDtis.length; k++) {
		templateDtis[k] = r.f(2);
	}

	// template_fdiffs()
	const templateFdiffs: number[][] = [];

	for (let t = 0; t < templateCnt; t++) {
		const fdiffs: number[] = [];

		while (r.f(1) === 1) {
			fdiffs.push(r.f(4) + 1);
		}

		if (r.overrun) {
			return undefined;
		}

		templateFdiffs.push(fdiffs);
	}

	// template_chains()
	const chainCnt = r.ns(dtCnt + 1);
	let protectedBy = new Uint8Array(0);
	let chainFdiffs = new Uint8Array(0);

	if (chainCnt > 0) {
		protectedBy = new Uint8Array(dtCnt);

		for (let d = 0; d < dtCnt; d++) {
			protectedBy[d] = r.ns(chainCnt);
		}

		chainFdiffs = new Uint8Array(templateCnt * chainCnt);

		for (let k = 0; k < chainFdiffs.length; k++) {
			chainFdiffs[k] = r.f(4);
		}
	}

	// decode_target_layers()
	const dtSids = new Uint8Array(dtCnt);
	const dtTids = new Uint8Array(dtCnt);

	for (let d = 0; d < dtCnt; d++) {
		let s = 0;
		let t = 0;

		for (let k = 0; k < templateCnt; k++) {
			if (templateDtis[k * dtCnt + d] !== DTI_NOT_PRESENT) {
				if (sids[k] > s) {
					s = sids[k];
				}

				if (tids[k] > t) {
					t = tids[k];
				}
			}
		}

		dtSids[d] = s;
		dtTids[d] = t;
	}

	const renderWidths: number[] = [];
	const renderHeights: number[] = [];

	// resolutions_present_flag
	if (r.f(1) === 1) {
		for (let s = 0; s <= maxSpatialId; s++) {
			renderWidths.push(r.f(16) + 1);
			renderHeights.push(r.f(16) + 1);
		}
	}

	if (r.overrun) {
		return undefined;
	}

	return {
		templateIdOffset,
		decodeTargetCount: dtCnt,
		templateCount: templateCnt,
		templateSpatialIds: Uint8Array.from(sids),
		templateTemporalIds: Uint8Array.from(tids),
		templateDtis,
		templateFdiffs,
		chainCount: chainCnt,
		decodeTargetProtectedBy: protectedBy,
		templateChainFdiffs: chainFdiffs,
		decodeTargetSpatialIds: dtSids,
		decodeTargetTemporalIds: dtTids,
		maxSpatialId,
		maxTemporalId,
		renderWidths,
		renderHeights,
	};
}

// frame_dependency_definition(), A.8.2.
function readFrameDependency(
	r: BitReader,
	s: Av1TemplateStructure,
	templateIndex: number,
	out: Av1DependencyDescriptor
): boolean {
	out.spatialId = s.templateSpatialIds[templateIndex];
	out.temporalId = s.templateTemporalIds[templateIndex];

	const dtCnt = s.decodeTargetCount;

	if (out.customDtis) {
		for (let d = 0; d < dtCnt; d++) {
			out.dtis.push(r.f(2));
		}
	} else {
		for (let d = 0; d < dtCnt; d++) {
			out.dtis.push(s.templateDtis[templateIndex * dtCnt + d]);
		}
	}

	if (out.customFdiffs) {
		let size = r.f(2);

		while (size !== 0) {
			out.fdiffs.push(r.f(4 * size) + 1);
			size = r.f(2);

			if (r.overrun) {
				return false;
			}
		}
	} else {
		const fd = s.templateFdiffs[templateIndex];

		for (let k = 0; k < fd.length; k++) {
			out.fdiffs.push(fd[k]);
		}
	}

	if (out.customChains) {
		for (let c = 0; c < s.chainCount; c++) {
			out.chainFdiffs.push(r.f(8));
		}
	} else {
		for (let c = 0; c < s.chainCount; c++) {
			out.chainFdiffs.push(s.templateChainFdiffs[templateIndex * s.chainCount + c]);
		}
	}

	if (s.renderWidths.length > out.spatialId) {
		out.width = s.renderWidths[out.spatialId];
		out.height = s.renderHeights[out.spatialId];
	}

	return !r.overrun;
}

// ---- Building and writing descriptors ----

/** One frame dependency template (A.8.2 template_layers/dtis/fdiffs/chains), as a sender defines it. */
export interface Av1FrameTemplate {
	spatialId: number;
	temporalId: number;
	/** DTI per decode target (DTI_* values). */
	dtis: ArrayLike<number>;
	/** Frame differences (1..16) to the referred frames. */
	fdiffs: ArrayLike<number>;
	/** frame_chain_fdiff (0..15) per chain; omitted when the structure has no chains. */
	chainFdiffs?: ArrayLike<number>;
}

export interface Av1StructureInit {
	/** template_id_offset (0..63): template index i is named by id (offset + i) % 64. */
	templateIdOffset?: number;
	/** DtCnt (1..32). */
	decodeTargetCount: number;
	/**
	 * Templates in the order the descriptor lists them: by spatial id, then temporal id, each
	 * step at most one temporal layer up or one spatial layer up to temporal layer 0 (what
	 * next_layer_idc can say).
	 */
	templates: readonly Av1FrameTemplate[];
	/** chain_cnt (0..DtCnt); 0 by default. */
	chainCount?: number;
	/** The chain protecting each decode target (0..chainCount - 1). */
	decodeTargetProtectedBy?: ArrayLike<number>;
	/** [max_render_width, max_render_height] per spatial id 0..max. */
	resolutions?: ReadonlyArray<readonly [number, number]>;
}

function inRange(v: number, min: number, max: number): boolean {
	return Number.isInteger(v) && v >= min && v <= max;
}

/**
 * A template dependency structure with its derived values (what the parser makes of it), for a
 * sender or a test to describe; `undefined` when A.8.2 cannot express it.
 */
export function createAv1TemplateStructure(init: Av1StructureInit): Av1TemplateStructure | undefined {
	const offset = init.templateIdOffset ?? 0;
	const dtCnt = init.decodeTargetCount;
	const chainCnt = init.chainCount ?? 0;
	const templates = init.templates;
	const n = templates.length;

	if (!inRange(offset, 0, 63) || !inRange(dtCnt, 1, 32) || !inRange(chainCnt, 0, dtCnt) || n < 1 || n > MAX_TEMPLATES) {
		return undefined;
	}

	const sids = new Uint8Array(n);
	const tids = new Uint8Array(n);
	const templateDtis = new Uint8Array(n * dtCnt);
	const templateFdiffs: number[][] = [];
	const chainFdiffs = new Uint8Array(n * chainCnt);

	for (let t = 0; t < n; t++) {
		const tpl = templates[t];

		sids[t] = tpl.spatialId;
		tids[t] = tpl.temporalId;
		if (t === 0) {
			if (tpl.spatialId !== 0 || tpl.temporalId !== 0) {
				return undefined;
			}
		} else {
			const sameLayer = tpl.spatialId === sids[t - 1] && tpl.temporalId === tids[t - 1];
			const temporalUp = tpl.spatialId === sids[t - 1] && tpl.temporalId === tids[t - 1] + 1;
			const spatialUp = tpl.spatialId === sids[t - 1] + 1 && tpl.temporalId === 0;

			if (!sameLayer && !temporalUp && !spatialUp) {
				return undefined;
			}
		}
		if (tpl.dtis.length !== dtCnt || (tpl.chainFdiffs?.length ?? 0) !== chainCnt) {
			return undefined;
		}
		for (let d = 0; d < dtCnt; d++) {
			if (!inRange(tpl.dtis[d], 0, 3)) {
				return undefined;
			}
			templateDtis[t * dtCnt + d] = tpl.dtis[d];
		}

		const fdiffs: number[] = [];

		for (let k = 0; k < tpl.fdiffs.length; k++) {
			if (!inRange(tpl.fdiffs[k], 1, 16)) {
				return undefined;
			}
			fdiffs.push(tpl.fdiffs[k]);
		}
		templateFdiffs.push(fdiffs);
		for (let c = 0; c < chainCnt; c++) {
			const v = tpl.chainFdiffs![c];

			if (!inRange(v, 0, 15)) {
				return undefined;
			}
			chainFdiffs[t * chainCnt + c] = v;
		}
	}

	const protectedBy = new Uint8Array(chainCnt > 0 ? dtCnt : 0);

	if (chainCnt > 0) {
		const by = init.decodeTargetProtectedBy;

		if (by === undefined || by.length !== dtCnt) {
			return undefined;
		}
		for (let d = 0; d < dtCnt; d++) {
			if (!inRange(by[d], 0, chainCnt - 1)) {
				return undefined;
			}
			protectedBy[d] = by[d];
		}
	}

	const maxSpatialId = sids[n - 1];
	let maxTemporalId = 0;

	for (let t = 0; t < n; t++) {
		maxTemporalId = Math.max(maxTemporalId, tids[t]);
	}

	// decode_target_layers()
	const dtSids = new Uint8Array(dtCnt);
	const dtTids = new Uint8Array(dtCnt);

	for (let d = 0; d < dtCnt; d++) {
		for (let t = 0; t < n; t++) {
			if (templateDtis[t * dtCnt + d] !== DTI_NOT_PRESENT) {
				dtSids[d] = Math.max(dtSids[d], sids[t]);
				dtTids[d] = Math.max(dtTids[d], tids[t]);
			}
		}
	}

	const renderWidths: number[] = [];
	const renderHeights: number[] = [];

	if (init.resolutions !== undefined) {
		if (init.resolutions.length !== maxSpatialId + 1) {
			return undefined;
		}
		for (const [w, h] of init.resolutions) {
			if (!inRange(w, 1, 65536) || !inRange(h, 1, 65536)) {
				return undefined;
			}
			renderWidths.push(w);
			renderHeights.push(h);
		}
	}

	return {
		templateIdOffset: offset,
		decodeTargetCount: dtCnt,
		templateCount: n,
		templateSpatialIds: sids,
		templateTemporalIds: tids,
		templateDtis,
		templateFdiffs,
		chainCount: chainCnt,
		decodeTargetProtectedBy: protectedBy,
		templateChainFdiffs: chainFdiffs,
		decodeTargetSpatialIds: dtSids,
		decodeTargetTemporalIds: dtTids,
		maxSpatialId,
		maxTemporalId,
		renderWidths,
		renderHeights,
	};
}

/** What a descriptor to write says (A.8.2 dependency_descriptor()). */
export interface Av1DescriptorFields {
	startOfFrame: boolean;
	endOfFrame: boolean;
	/** frame_dependency_template_id (0..63). */
	templateId: number;
	/** frame_number (0..65535). */
	frameNumber: number;
	/** Attach this structure (template_dependency_structure_present_flag = 1). */
	attachedStructure?: Av1TemplateStructure;
	/** Signal active_decode_targets_bitmask (DtCnt bits); left out when undefined. */
	activeDecodeTargetsBitmask?: number;
	/** frame_dti per decode target, replacing the template's. */
	customDtis?: ArrayLike<number>;
	/** Frame differences (1..4096), replacing the template's. */
	customFdiffs?: ArrayLike<number>;
	/** frame_chain_fdiff (0..255) per chain, replacing the template's. */
	customChains?: ArrayLike<number>;
}

// MSB-first bit writer into a growable byte array.
class BitWriter {
	bytes: number[] = [];
	bitPos = 0;

	f(n: number, v: number): void {
		for (let k = n - 1; k >= 0; k--) {
			if ((this.bitPos & 7) === 0) {
				this.bytes.push(0);
			}
			if (Math.floor(v / 2 ** k) % 2 === 1) {
				this.bytes[this.bytes.length - 1] |= 0x80 >> (this.bitPos & 7);
			}
			this.bitPos++;
		}
	}

	// write of ns(n) (A.8.2): the inverse of BitReader.ns().
	ns(n: number, v: number): void {
		let w = 0;

		for (let x = n; x !== 0; x >>= 1) {
			w++;
		}

		const m = (1 << w) - n;

		if (v < m) {
			this.f(w - 1, v);
		} else {
			this.f(w, v + m);
		}
	}
}

/**
 * Serialises a descriptor (A.8.2, zero-padded to whole bytes). `structure` is the one in force
 * for the receiver (needed for custom fields and the active decode targets when none is
 * attached). Only the mandatory 3 bytes are written when nothing else is said. Returns
 * `undefined` for values the syntax cannot carry (or that the parser would reject: a template
 * id the attached structure does not cover, custom fields without a structure).
 */
export function writeAv1DependencyDescriptor(
	d: Av1DescriptorFields,
	structure?: Av1TemplateStructure
): Uint8Array | undefined {
	const s = d.attachedStructure ?? structure;

	if (!inRange(d.templateId, 0, 63) || !inRange(d.frameNumber, 0, 0xffff)) {
		return undefined;
	}

	const w = new BitWriter();

	w.f(1, d.startOfFrame ? 1 : 0);
	w.f(1, d.endOfFrame ? 1 : 0);
	w.f(6, d.templateId);
	w.f(16, d.frameNumber);

	const extended =
		d.attachedStructure !== undefined ||
		d.activeDecodeTargetsBitmask !== undefined ||
		d.customDtis !== undefined ||
		d.customFdiffs !== undefined ||
		d.customChains !== undefined;

	if (!extended) {
		return Uint8Array.from(w.bytes);
	}
	if (s === undefined) {
		return undefined;
	}
	if (d.attachedStructure !== undefined) {
		const index = (d.templateId + 64 - s.templateIdOffset) % 64;

		if (index >= s.templateCount) {
			return undefined;
		}
	}

	w.f(1, d.attachedStructure !== undefined ? 1 : 0);
	w.f(1, d.activeDecodeTargetsBitmask !== undefined ? 1 : 0);
	w.f(1, d.customDtis !== undefined ? 1 : 0);
	w.f(1, d.customFdiffs !== undefined ? 1 : 0);
	w.f(1, d.customChains !== undefined ? 1 : 0);

	if (d.attachedStructure !== undefined) {
		writeStructure(w, s);
	}
	if (d.activeDecodeTargetsBitmask !== undefined) {
		const mask = d.activeDecodeTargetsBitmask;

		if (!inRange(mask, 0, 2 ** s.decodeTargetCount - 1)) {
			return undefined;
		}
		w.f(s.decodeTargetCount, mask);
	}
	if (d.customDtis !== undefined) {
		if (d.customDtis.length !== s.decodeTargetCount) {
			return undefined;
		}
		for (let k = 0; k < d.customDtis.length; k++) {
			if (!inRange(d.customDtis[k], 0, 3)) {
				return undefined;
			}
			w.f(2, d.customDtis[k]);
		}
	}
	if (d.customFdiffs !== undefined) {
		for (let k = 0; k < d.customFdiffs.length; k++) {
			const v = d.customFdiffs[k] - 1;

			if (!inRange(v, 0, 4095)) {
				return undefined;
			}

			// next_fdiff_size: the fewest nibbles that hold fdiff_minus_one.
			const size = v < 16 ? 1 : v < 256 ? 2 : 3;

			w.f(2, size);
			w.f(4 * size, v);
		}
		w.f(2, 0);
	}
	if (d.customChains !== undefined) {
		if (d.customChains.length !== s.chainCount) {
			return undefined;
		}
		for (let k = 0; k < d.customChains.length; k++) {
			if (!inRange(d.customChains[k], 0, 255)) {
				return undefined;
			}
			w.f(8, d.customChains[k]);
		}
	}

	return Uint8Array.from(w.bytes);
}

// template_dependency_structure() (A.8.2) of a structure that createAv1TemplateStructure or the
// parser accepted.
function writeStructure(w: BitWriter, s: Av1TemplateStructure): void {
	const dtCnt = s.decodeTargetCount;
	const n = s.templateCount;

	w.f(6, s.templateIdOffset);
	w.f(5, dtCnt - 1);
	for (let t = 1; t <= n; t++) {
		if (t === n) {
			w.f(2, 3);
		} else if (s.templateSpatialIds[t] > s.templateSpatialIds[t - 1]) {
			w.f(2, 2);
		} else if (s.templateTemporalIds[t] > s.templateTemporalIds[t - 1]) {
			w.f(2, 1);
		} else {
			w.f(2, 0);
		}
	}
	for (let k = 0; k < n * dtCnt; k++) {
		w.f(2, s.templateDtis[k]);
	}
	for (let t = 0; t < n; t++) {
		for (const fdiff of s.templateFdiffs[t]) {
			w.f(1, 1);
			w.f(4, fdiff - 1);
		}
		w.f(1, 0);
	}
	w.ns(dtCnt + 1, s.chainCount);
	if (s.chainCount > 0) {
		for (let dt = 0; dt < dtCnt; dt++) {
			w.ns(s.chainCount, s.decodeTargetProtectedBy[dt]);
		}
		for (let k = 0; k < n * s.chainCount; k++) {
			w.f(4, s.templateChainFdiffs[k]);
		}
	}
	w.f(1, s.renderWidths.length > 0 ? 1 : 0);
	for (let sid = 0; sid < s.renderWidths.length; sid++) {
		w.f(16, s.renderWidths[sid] - 1);
		w.f(16, s.renderHeights[sid] - 1);
	}
}
