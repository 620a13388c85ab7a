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

	reset(data: Uint8Array): void {
		this.data = data;
		this.bitPos = 0;
		this.bitLen = data.length * 8;
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
	 * Parses one descriptor. `out` is filled and returned when given (its arrays are reused).
	 * Returns `undefined` if the data is malformed (too short, fields past its end, a
	 * structure that cannot be addressed).
	 */
	parse(
		data: Uint8Array,
		out: Av1DependencyDescriptor = createAv1DependencyDescriptor()
	): Av1DependencyDescriptor | undefined {
		const sz = data.length;

		// The mandatory fields take 3 bytes.
		if (sz < 3) {
			return undefined;
		}

		const r = this.reader;

		r.reset(data);

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
