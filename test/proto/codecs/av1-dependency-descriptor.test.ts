import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
	Av1DependencyDescriptorParser,
	createAv1DependencyDescriptor,
	createAv1TemplateStructure,
	DTI_DISCARDABLE,
	DTI_NOT_PRESENT,
	DTI_REQUIRED,
	DTI_SWITCH,
	writeAv1DependencyDescriptor,
	type Av1TemplateStructure,
} from '../../../src/proto/codecs/av1-dependency-descriptor.js';
import { MODES, L3T3 as LIBWEBRTC_L3T3 } from './av1-structures.js';
import { BitWriter, forEachTruncation, fuzz, guarded, prng } from './helpers.js';

// write_ns(n, v), Appendix A.8.2.
function ns(w: BitWriter, n: number, v: number): void {
	if (n === 1) {
		return;
	}

	let bits = 0;

	for (let x = n; x !== 0; x >>= 1) {
		bits++;
	}

	const m = (1 << bits) - n;

	if (v < m) {
		w.f(bits - 1, v);
	} else {
		w.f(bits, v + m);
	}
}

interface Structure {
	offset: number;
	dtCnt: number;
	// next_layer_idc after each template but the last (3 is appended).
	layerIdcs: number[];
	dtis: number[][];
	fdiffs: number[][];
	chainCnt: number;
	protectedBy?: number[];
	chainFdiffs?: number[][];
	resolutions?: Array<[number, number]>;
}

interface Descriptor {
	sof?: boolean;
	eof?: boolean;
	templateId: number;
	frameNumber: number;
	structure?: Structure;
	active?: number;
	customDtis?: number[];
	customFdiffs?: number[];
	customChains?: number[];
}

// Serialises dependency_descriptor() per Appendix A.8.2; DtCnt/chain_cnt for custom fields
// come from `ctx` (the structure in force).
function dd(d: Descriptor, ctx?: Structure): Uint8Array {
	const w = new BitWriter();
	const s = d.structure ?? ctx;

	w.f(1, d.sof === false ? 0 : 1).f(1, d.eof === false ? 0 : 1).f(6, d.templateId).f(16, d.frameNumber);

	const extended =
		d.structure !== undefined ||
		d.active !== undefined ||
		d.customDtis !== undefined ||
		d.customFdiffs !== undefined ||
		d.customChains !== undefined;

	if (!extended) {
		return w.bytes();
	}

	w.f(1, d.structure ? 1 : 0)
		.f(1, d.active !== undefined ? 1 : 0)
		.f(1, d.customDtis ? 1 : 0)
		.f(1, d.customFdiffs ? 1 : 0)
		.f(1, d.customChains ? 1 : 0);

	if (d.structure) {
		const t = d.structure;

		w.f(6, t.offset).f(5, t.dtCnt - 1);
		[...t.layerIdcs, 3].forEach((idc) => w.f(2, idc));
		t.dtis.forEach((row) => row.forEach((v) => w.f(2, v)));
		t.fdiffs.forEach((row) => {
			row.forEach((v) => w.f(1, 1).f(4, v - 1));
			w.f(1, 0);
		});
		ns(w, t.dtCnt + 1, t.chainCnt);

		if (t.chainCnt > 0) {
			(t.protectedBy ?? []).forEach((c) => ns(w, t.chainCnt, c));
			(t.chainFdiffs ?? []).forEach((row) => row.forEach((v) => w.f(4, v)));
		}

		w.f(1, t.resolutions ? 1 : 0);
		(t.resolutions ?? []).forEach(([wd, ht]) => w.f(16, wd - 1).f(16, ht - 1));
	}

	if (d.active !== undefined) {
		w.f(s?.dtCnt ?? 0, d.active);
	}

	(d.customDtis ?? []).forEach((v) => w.f(2, v));

	if (d.customFdiffs) {
		for (const v of d.customFdiffs) {
			const size = v - 1 < 16 ? 1 : v - 1 < 256 ? 2 : 3;

			w.f(2, size).f(4 * size, v - 1);
		}

		w.f(2, 0);
	}

	(d.customChains ?? []).forEach((v) => w.f(8, v));

	return w.bytes();
}

// L1T3 with three decode targets (15/30/60 fps) and one chain over the base layer.
const L1T3: Structure = {
	offset: 10,
	dtCnt: 3,
	layerIdcs: [0, 1, 1],
	dtis: [
		[DTI_SWITCH, DTI_SWITCH, DTI_SWITCH],
		[DTI_SWITCH, DTI_SWITCH, DTI_SWITCH],
		[DTI_NOT_PRESENT, DTI_DISCARDABLE, DTI_REQUIRED],
		[DTI_NOT_PRESENT, DTI_NOT_PRESENT, DTI_DISCARDABLE],
	],
	fdiffs: [[], [4], [2], [1]],
	chainCnt: 1,
	protectedBy: [0, 0, 0],
	chainFdiffs: [[0], [4], [2], [1]],
	resolutions: [[640, 360]],
};

// L2T2: spatial layers 0/1, temporal 0/1; four decode targets, two chains.
const L2T2: Structure = {
	offset: 62,
	dtCnt: 4,
	layerIdcs: [0, 1, 2, 0, 1],
	dtis: [
		[DTI_SWITCH, DTI_SWITCH, DTI_SWITCH, DTI_SWITCH],
		[DTI_SWITCH, DTI_SWITCH, DTI_REQUIRED, DTI_REQUIRED],
		[DTI_NOT_PRESENT, DTI_DISCARDABLE, DTI_NOT_PRESENT, DTI_REQUIRED],
		[DTI_NOT_PRESENT, DTI_NOT_PRESENT, DTI_SWITCH, DTI_SWITCH],
		[DTI_NOT_PRESENT, DTI_NOT_PRESENT, DTI_SWITCH, DTI_SWITCH],
		[DTI_NOT_PRESENT, DTI_NOT_PRESENT, DTI_NOT_PRESENT, DTI_DISCARDABLE],
	],
	fdiffs: [[], [4], [2], [1], [4, 1], [2, 1]],
	chainCnt: 2,
	protectedBy: [0, 0, 1, 1],
	chainFdiffs: [[0, 0], [4, 3], [2, 1], [1, 1], [1, 4], [3, 2]],
	resolutions: [[320, 180], [640, 360]],
};

test('A.8.2: a key frame packet carrying the template structure (L1T3)', () => {
	const p = new Av1DependencyDescriptorParser();
	const d = p.parse(dd({ templateId: 10, frameNumber: 1000, structure: L1T3 }));

	assert.ok(d);
	assert.equal(d.startOfFrame, true);
	assert.equal(d.endOfFrame, true);
	assert.equal(d.frameNumber, 1000);
	assert.equal(d.structurePresent, true);
	assert.equal(d.isKeyFrame, true);
	assert.equal(d.dependencyKnown, true);
	assert.equal(d.spatialId, 0);
	assert.equal(d.temporalId, 0);
	assert.deepEqual(d.dtis, [2, 2, 2]);
	assert.deepEqual(d.fdiffs, []);
	assert.deepEqual(d.chainFdiffs, [0]);
	assert.equal(d.width, 640);
	assert.equal(d.height, 360);
	assert.equal(d.activeDecodeTargetsBitmask, 0b111);

	const s = p.structure;

	assert.ok(s);
	assert.equal(s.templateIdOffset, 10);
	assert.equal(s.templateCount, 4);
	assert.deepEqual([...s.templateTemporalIds], [0, 0, 1, 2]);
	assert.deepEqual([...s.templateSpatialIds], [0, 0, 0, 0]);
	assert.deepEqual(s.templateFdiffs, [[], [4], [2], [1]]);
	assert.equal(s.chainCount, 1);
	assert.deepEqual([...s.decodeTargetProtectedBy], [0, 0, 0]);
	// decode_target_layers(): DT0 15 fps (T0), DT1 30 fps (T1), DT2 60 fps (T2).
	assert.deepEqual([...s.decodeTargetTemporalIds], [0, 1, 2]);
	assert.deepEqual([...s.decodeTargetSpatialIds], [0, 0, 0]);
	assert.equal(s.maxTemporalId, 2);
	assert.equal(s.maxSpatialId, 0);
});

test('A.8.2: later packets name templates of the remembered structure (3-byte mandatory form)', () => {
	const p = new Av1DependencyDescriptorParser();

	p.parse(dd({ templateId: 10, frameNumber: 1000, structure: L1T3 }));

	const b = dd({ templateId: 12, frameNumber: 1002, sof: true, eof: false });

	assert.equal(b.length, 3);

	const d = p.parse(b);

	assert.ok(d);
	assert.equal(d.dependencyKnown, true);
	assert.equal(d.temporalId, 1);
	assert.equal(d.spatialId, 0);
	assert.equal(d.endOfFrame, false);
	assert.deepEqual(d.fdiffs, [2]);
	assert.deepEqual(d.dtis, [DTI_NOT_PRESENT, DTI_DISCARDABLE, DTI_REQUIRED]);
	assert.deepEqual(d.chainFdiffs, [2]);
	assert.equal(d.isKeyFrame, false);
	assert.equal(d.structurePresent, false);
});

test('A.8.3: template id outside the structure, or no structure yet: fields unknown, not an error', () => {
	const p = new Av1DependencyDescriptorParser();
	let d = p.parse(dd({ templateId: 11, frameNumber: 5 }));

	assert.ok(d);
	assert.equal(d.dependencyKnown, false);
	assert.equal(d.spatialId, -1);
	assert.equal(d.frameNumber, 5);

	p.parse(dd({ templateId: 10, frameNumber: 6, structure: L1T3 }));
	d = p.parse(dd({ templateId: 14, frameNumber: 7 }));
	assert.ok(d);
	assert.equal(d.dependencyKnown, false);

	// A structure that does not cover the template id sent with it is malformed.
	assert.equal(p.parse(dd({ templateId: 30, frameNumber: 8, structure: L1T3 })), undefined);
});

test('A.8.2: custom DTIs, fdiffs (1-3 nibble sizes) and chains', () => {
	const p = new Av1DependencyDescriptorParser();

	p.parse(dd({ templateId: 10, frameNumber: 0, structure: L1T3 }));

	const d = p.parse(
		dd(
			{
				templateId: 13,
				frameNumber: 9,
				customDtis: [DTI_REQUIRED, DTI_REQUIRED, DTI_SWITCH],
				customFdiffs: [1, 16, 17, 256, 257, 4096],
				customChains: [200],
			},
			L1T3
		)
	);

	assert.ok(d);
	assert.equal(d.temporalId, 2);
	assert.deepEqual(d.dtis, [3, 3, 2]);
	assert.deepEqual(d.fdiffs, [1, 16, 17, 256, 257, 4096]);
	assert.deepEqual(d.chainFdiffs, [200]);
});

test('A.8.2: active decode targets are remembered until changed or a new structure arrives', () => {
	const p = new Av1DependencyDescriptorParser();

	p.parse(dd({ templateId: 10, frameNumber: 0, structure: L1T3, active: 0b001 }));
	assert.equal(p.activeDecodeTargetsBitmask, 0b001);
	assert.equal(p.parse(dd({ templateId: 11, frameNumber: 1 }))?.activeDecodeTargetsBitmask, 0b001);
	assert.equal(p.parse(dd({ templateId: 11, frameNumber: 2, active: 0b011 }, L1T3))?.activeDecodeTargetsBitmask, 0b011);
	assert.equal(p.parse(dd({ templateId: 11, frameNumber: 3 }))?.activeDecodeTargetsBitmask, 0b011);
	assert.equal(p.parse(dd({ templateId: 10, frameNumber: 4, structure: L1T3 }))?.activeDecodeTargetsBitmask, 0b111);

	// Without a structure DtCnt is unknown: the descriptor is returned with what is known.
	const fresh = new Av1DependencyDescriptorParser();
	const d = fresh.parse(dd({ templateId: 11, frameNumber: 3, active: 1 }, L1T3));

	assert.equal(d?.dependencyKnown, false);
	assert.equal(d?.activeDecodeTargetsBitmask, 0);
});

test('A.8.2: L2T2 with template_id_offset wrapping past 63, two chains, per-layer resolutions', () => {
	const p = new Av1DependencyDescriptorParser();
	const key = p.parse(dd({ templateId: 62, frameNumber: 65535, structure: L2T2 }));

	assert.ok(key?.isKeyFrame);
	assert.equal(key.width, 320);

	const s = p.structure;

	assert.ok(s);
	assert.deepEqual([...s.templateSpatialIds], [0, 0, 0, 1, 1, 1]);
	assert.deepEqual([...s.templateTemporalIds], [0, 0, 1, 0, 0, 1]);
	assert.deepEqual([...s.decodeTargetSpatialIds], [0, 0, 1, 1]);
	assert.deepEqual([...s.decodeTargetTemporalIds], [0, 1, 0, 1]);
	assert.deepEqual([...s.decodeTargetProtectedBy], [0, 0, 1, 1]);
	assert.deepEqual(s.renderWidths, [320, 640]);
	assert.deepEqual(s.renderHeights, [180, 360]);

	// Template index 4 is id (62 + 4) % 64 = 2: spatial layer 1 of a delta frame.
	const d = p.parse(dd({ templateId: 2, frameNumber: 0 }));

	assert.ok(d);
	assert.equal(d.spatialId, 1);
	assert.equal(d.temporalId, 0);
	assert.deepEqual(d.fdiffs, [4, 1]);
	assert.deepEqual(d.chainFdiffs, [1, 4]);
	assert.equal(d.width, 640);
	assert.equal(d.height, 360);
});

test('A.8.2 ns(n): the n=5 encodings of the spec table (chain_cnt with DtCnt=4)', () => {
	// Value -> ns(5) bits: 0 "00", 1 "01", 2 "10", 3 "110", 4 "111".
	const expected = ['00', '01', '10', '110', '111'];

	for (let v = 0; v < 5; v++) {
		const w = new BitWriter();

		ns(w, 5, v);
		assert.equal(w.length, expected[v].length);

		const st: Structure = {
			offset: 0,
			dtCnt: 4,
			layerIdcs: [],
			dtis: [[1, 1, 1, 1]],
			fdiffs: [[]],
			chainCnt: v,
			protectedBy: [0, 0, 0, 0].map((_, k) => (v === 0 ? 0 : k % v)),
			chainFdiffs: [new Array<number>(v).fill(3)],
		};
		const p = new Av1DependencyDescriptorParser();
		const d = p.parse(dd({ templateId: 0, frameNumber: 0, structure: st }));

		assert.ok(d, `chain_cnt ${v}`);
		assert.equal(p.structure?.chainCount, v);
		assert.deepEqual([...(p.structure?.decodeTargetProtectedBy ?? [])], v === 0 ? [] : st.protectedBy);
		assert.deepEqual(d.chainFdiffs, new Array<number>(v).fill(3));
	}
});

test('malformed: truncation at every length; a broken structure is not adopted', () => {
	const full = dd({ templateId: 62, frameNumber: 7, structure: L2T2, customFdiffs: [300] });

	forEachTruncation(full, (b) => {
		const p = new Av1DependencyDescriptorParser();
		const d = p.parse(b);

		// Three bytes are a valid mandatory-only descriptor.
		assert.equal(d !== undefined, b.length === 3, `length ${b.length}`);
		assert.equal(p.structure, undefined);
	});

	const p = new Av1DependencyDescriptorParser();

	p.parse(dd({ templateId: 10, frameNumber: 0, structure: L1T3 }));

	const before = p.structure;

	assert.equal(p.parse(guarded(full.slice(0, full.length - 2))), undefined);
	assert.equal(p.structure, before);
	assert.ok(p.parse(guarded(full)));
	assert.notEqual(p.structure, before);
	p.reset();
	assert.equal(p.structure, undefined);
});

test('a reused output object is fully reset', () => {
	const p = new Av1DependencyDescriptorParser();
	const out = createAv1DependencyDescriptor();

	p.parse(dd({ templateId: 10, frameNumber: 0, structure: L1T3 }), out);
	p.reset();

	const d = p.parse(dd({ templateId: 10, frameNumber: 1 }), out);

	assert.deepEqual(d, { ...createAv1DependencyDescriptor(), startOfFrame: true, endOfFrame: true, templateId: 10, frameNumber: 1 });
});

const SEEDS = [
	dd({ templateId: 10, frameNumber: 1000, structure: L1T3 }),
	dd({ templateId: 62, frameNumber: 7, structure: L2T2, active: 5 }),
	dd({ templateId: 12, frameNumber: 1002 }),
	dd({ templateId: 1, frameNumber: 3 }),
	dd({ templateId: 13, frameNumber: 9, customDtis: [3, 3, 2], customFdiffs: [1, 300], customChains: [7] }, L1T3),
];

test('fuzz: 100,000 random and mutated descriptors through one stateful parser', () => {
	const p = new Av1DependencyDescriptorParser();
	const out = createAv1DependencyDescriptor();
	let known = 0;
	const parsed = fuzz(
		0xdd,
		100_000,
		SEEDS,
		(b) => {
			const d = p.parse(b, out);

			if (d?.dependencyKnown) {
				known++;

				const s = p.structure;

				assert.ok(s);
				assert.ok(d.spatialId >= 0 && d.spatialId <= s.maxSpatialId);
				assert.ok(d.temporalId >= 0 && d.temporalId <= s.maxTemporalId);
				assert.equal(d.dtis.length, s.decodeTargetCount);
				assert.equal(d.chainFdiffs.length, s.chainCount);
				assert.ok(s.templateCount <= 64);
			}

			return d;
		},
		40
	);

	assert.ok(parsed > 40_000, `parsed ${parsed}`);
	assert.ok(known > 1_000, `known ${known}`);
});

// ---- Writer (A.8.2 serialisation) ----

/** The test's Structure (rows of the spec's syntax) as the module's structure type. */
function toStructure(st: Structure): Av1TemplateStructure {
	let sid = 0;
	let tid = 0;
	const templates = st.dtis.map((row, k) => {
		if (k > 0) {
			const idc = st.layerIdcs[k - 1];

			if (idc === 1) {
				tid++;
			} else if (idc === 2) {
				sid++;
				tid = 0;
			}
		}

		return { spatialId: sid, temporalId: tid, dtis: row, fdiffs: st.fdiffs[k], chainFdiffs: st.chainFdiffs?.[k] ?? [] };
	});
	const s = createAv1TemplateStructure({
		templateIdOffset: st.offset,
		decodeTargetCount: st.dtCnt,
		templates,
		chainCount: st.chainCnt,
		decodeTargetProtectedBy: st.protectedBy,
		resolutions: st.resolutions,
	});

	assert.ok(s);

	return s;
}

function bits(b: Uint8Array): string {
	return [...b].map((x) => x.toString(2).padStart(8, '0')).join('');
}

test('A.8.2 writer: mandatory fields only take 3 bytes (start/end of frame, template id, frame number)', () => {
	const b = writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: false, templateId: 5, frameNumber: 0x1234 });

	// 1 | 0 | 000101 | 0001001000110100
	assert.deepEqual(b, Uint8Array.from([0x85, 0x12, 0x34]));
});

test('A.8.2 writer: the smallest structure, bit by bit', () => {
	// One decode target, one template (S0T0, DTI switch, no fdiffs), no chains, no resolutions.
	const s = createAv1TemplateStructure({
		decodeTargetCount: 1,
		templates: [{ spatialId: 0, temporalId: 0, dtis: [DTI_SWITCH], fdiffs: [] }],
	});

	assert.ok(s);

	const b = writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 0, frameNumber: 1, attachedStructure: s });

	assert.ok(b);
	assert.equal(
		bits(b),
		[
			'1', '1', '000000', '0000000000000001', // mandatory_descriptor_fields()
			'1', '0', '0', '0', '0', // structure present, no active mask, no custom dtis/fdiffs/chains
			'000000', '00000', // template_id_offset, dt_cnt_minus_one
			'11', // next_layer_idc: no more templates
			'10', // template_dti: switch
			'0', // fdiff_follows_flag
			'0', // chain_cnt = ns(2) = 0: one bit
			'0', // resolutions_present_flag
			'0', // zero padding to the byte
		].join(''),
	);
	assert.equal(b.length, 6);
});

test('A.8.2 writer: byte for byte what the independent test serialiser writes', () => {
	const l1t3 = toStructure(L1T3);
	const l2t2 = toStructure(L2T2);
	const cases: Array<[Uint8Array, Uint8Array | undefined]> = [
		[dd({ templateId: 10, frameNumber: 1000, structure: L1T3 }), writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 10, frameNumber: 1000, attachedStructure: l1t3 })],
		[dd({ templateId: 62, frameNumber: 65535, structure: L2T2, active: 5 }), writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 62, frameNumber: 65535, attachedStructure: l2t2, activeDecodeTargetsBitmask: 5 })],
		[dd({ templateId: 12, frameNumber: 1002, sof: true, eof: false }), writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: false, templateId: 12, frameNumber: 1002 }, l1t3)],
		[
			dd({ templateId: 13, frameNumber: 9, customDtis: [3, 3, 2], customFdiffs: [1, 16, 17, 256, 257, 4096], customChains: [200] }, L1T3),
			writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 13, frameNumber: 9, customDtis: [3, 3, 2], customFdiffs: [1, 16, 17, 256, 257, 4096], customChains: [200] }, l1t3),
		],
		[dd({ templateId: 2, frameNumber: 0, active: 0b0011 }, L2T2), writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 2, frameNumber: 0, activeDecodeTargetsBitmask: 0b0011 }, l2t2)],
	];

	for (const [expected, actual] of cases) {
		assert.deepEqual(actual, expected);
	}
});

test('A.8.2 writer/parser round trip: libwebrtc L1T3, L3T3 and L3T3_KEY structures, every template', () => {
	for (const mode of MODES) {
		for (const offset of [0, 17, 63]) {
			const s = createAv1TemplateStructure({ ...mode.structure, templateIdOffset: offset });

			assert.ok(s, mode.name);

			const p = new Av1DependencyDescriptorParser();
			const key = p.parse(
				writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: false, templateId: offset, frameNumber: 40000, attachedStructure: s })!,
			);

			assert.ok(key?.isKeyFrame, mode.name);
			assert.deepEqual(p.structure, s, `${mode.name}: the parser rebuilds the structure`);

			for (let index = 0; index < s.templateCount; index++) {
				const templateId = (offset + index) % 64;
				const d = p.parse(writeAv1DependencyDescriptor({ startOfFrame: false, endOfFrame: true, templateId, frameNumber: index }, s)!);
				const tpl = mode.structure.templates[index];

				assert.ok(d?.dependencyKnown, `${mode.name} template ${index}`);
				assert.equal(d.spatialId, tpl.spatialId);
				assert.equal(d.temporalId, tpl.temporalId);
				assert.deepEqual(d.dtis, Array.from(tpl.dtis));
				assert.deepEqual(d.fdiffs, Array.from(tpl.fdiffs));
				assert.deepEqual(d.chainFdiffs, Array.from(tpl.chainFdiffs ?? []));
				assert.equal(d.startOfFrame, false);
				assert.equal(d.endOfFrame, true);
			}
		}
	}

	// decode_target_layers() of L3T3: decode target s * 3 + t; per-layer resolutions.
	const p = new Av1DependencyDescriptorParser();
	const s = createAv1TemplateStructure(LIBWEBRTC_L3T3.structure)!;

	p.parse(writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 1, frameNumber: 0, attachedStructure: s })!);
	assert.deepEqual([...p.structure!.decodeTargetSpatialIds], [0, 0, 0, 1, 1, 1, 2, 2, 2]);
	assert.deepEqual([...p.structure!.decodeTargetTemporalIds], [0, 1, 2, 0, 1, 2, 0, 1, 2]);
	assert.deepEqual(p.structure!.renderWidths, [160, 320, 640]);
});

test('A.8.2 writer/parser round trip: random custom fields and active decode targets (seeded)', () => {
	const rand = prng(0xa1);
	const int = (n: number): number => Math.floor(rand() * n);

	for (const mode of MODES) {
		const s = createAv1TemplateStructure(mode.structure)!;
		const p = new Av1DependencyDescriptorParser();

		p.parse(writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 0, frameNumber: 0, attachedStructure: s })!);
		for (let k = 0; k < 500; k++) {
			const fields = {
				startOfFrame: rand() < 0.5,
				endOfFrame: rand() < 0.5,
				templateId: int(s.templateCount),
				frameNumber: int(65536),
				activeDecodeTargetsBitmask: rand() < 0.3 ? int(2 ** s.decodeTargetCount) : undefined,
				customDtis: rand() < 0.3 ? Array.from({ length: s.decodeTargetCount }, () => int(4)) : undefined,
				customFdiffs: rand() < 0.3 ? Array.from({ length: int(5) }, () => 1 + int([16, 256, 4096][int(3)])) : undefined,
				customChains: rand() < 0.3 ? Array.from({ length: s.chainCount }, () => int(256)) : undefined,
			};
			const d = p.parse(writeAv1DependencyDescriptor(fields, s)!);

			assert.ok(d?.dependencyKnown);
			assert.equal(d.frameNumber, fields.frameNumber);
			assert.equal(d.templateId, fields.templateId);
			assert.equal(d.startOfFrame, fields.startOfFrame);
			assert.equal(d.endOfFrame, fields.endOfFrame);
			assert.deepEqual(d.dtis, fields.customDtis ?? Array.from(mode.structure.templates[fields.templateId].dtis));
			assert.deepEqual(d.fdiffs, fields.customFdiffs ?? Array.from(mode.structure.templates[fields.templateId].fdiffs));
			assert.deepEqual(d.chainFdiffs, fields.customChains ?? Array.from(mode.structure.templates[fields.templateId].chainFdiffs ?? []));
			if (fields.activeDecodeTargetsBitmask !== undefined) {
				assert.equal(d.activeDecodeTargetsBitmask, fields.activeDecodeTargetsBitmask);
			}
		}
	}
});

test('A.8.2 writer: values the syntax cannot carry are refused', () => {
	const s = toStructure(L1T3);
	const base = { startOfFrame: true, endOfFrame: true, templateId: 10, frameNumber: 1 };

	assert.equal(writeAv1DependencyDescriptor({ ...base, templateId: 64 }), undefined);
	assert.equal(writeAv1DependencyDescriptor({ ...base, frameNumber: 65536 }), undefined);
	// Custom fields and the active mask need the structure in force (DtCnt, chain_cnt).
	assert.equal(writeAv1DependencyDescriptor({ ...base, customDtis: [1, 1, 1] }), undefined);
	assert.equal(writeAv1DependencyDescriptor({ ...base, customDtis: [1, 1] }, s), undefined);
	assert.equal(writeAv1DependencyDescriptor({ ...base, customChains: [1, 2] }, s), undefined);
	assert.equal(writeAv1DependencyDescriptor({ ...base, customFdiffs: [4097] }, s), undefined);
	assert.equal(writeAv1DependencyDescriptor({ ...base, customFdiffs: [0] }, s), undefined);
	assert.equal(writeAv1DependencyDescriptor({ ...base, activeDecodeTargetsBitmask: 8 }, s), undefined);
	// An attached structure must cover the template id sent with it (the parser rejects it).
	assert.equal(writeAv1DependencyDescriptor({ ...base, templateId: 30, attachedStructure: s }), undefined);

	// Template orders next_layer_idc cannot describe; DTI, fdiff and chain ranges.
	const tpl = (spatialId: number, temporalId: number) => ({ spatialId, temporalId, dtis: [2], fdiffs: [] as number[] });

	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [tpl(0, 1)] }), undefined);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [tpl(0, 0), tpl(0, 2)] }), undefined);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [tpl(0, 0), tpl(0, 1), tpl(0, 0)] }), undefined);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [tpl(0, 0), tpl(1, 1)] }), undefined);
	assert.ok(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [tpl(0, 0), tpl(0, 1), tpl(1, 0), tpl(1, 0)] }));
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [{ ...tpl(0, 0), dtis: [4] }] }), undefined);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [{ ...tpl(0, 0), fdiffs: [17] }] }), undefined);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 2, templates: [tpl(0, 0)] }), undefined);
	assert.equal(
		createAv1TemplateStructure({ decodeTargetCount: 1, chainCount: 1, decodeTargetProtectedBy: [1], templates: [{ ...tpl(0, 0), chainFdiffs: [0] }] }),
		undefined,
	);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: [tpl(0, 0)], resolutions: [[0, 10]] }), undefined);
	assert.equal(createAv1TemplateStructure({ decodeTargetCount: 1, templates: Array.from({ length: 65 }, () => tpl(0, 0)) }), undefined);
});

test('parse(data, out, offset, length): a descriptor inside a larger buffer (an RTP header extension), no copy', () => {
	const s = toStructure(L2T2);
	const key = writeAv1DependencyDescriptor({ startOfFrame: true, endOfFrame: true, templateId: 62, frameNumber: 65535, attachedStructure: s })!;
	const buf = new Uint8Array(7 + key.length + 5).fill(0xff);

	buf.set(key, 7);

	const p = new Av1DependencyDescriptorParser();
	const d = p.parse(guarded(buf), createAv1DependencyDescriptor(), 7, key.length);

	assert.ok(d?.isKeyFrame);
	assert.deepEqual(p.structure, s);

	// The bytes after the window are not read: a truncated window fails like a short buffer.
	assert.equal(new Av1DependencyDescriptorParser().parse(buf, undefined, 7, key.length - 1), undefined);
	// Windows outside the buffer are refused, never read.
	assert.equal(p.parse(guarded(buf), undefined, buf.length - 2, 3), undefined);
	assert.equal(p.parse(guarded(buf), undefined, -1, 3), undefined);

	const three = writeAv1DependencyDescriptor({ startOfFrame: false, endOfFrame: true, templateId: 2, frameNumber: 0 })!;

	buf.set(three, 1);
	assert.equal(p.parse(guarded(buf), undefined, 1, 3)?.spatialId, 1);
});
