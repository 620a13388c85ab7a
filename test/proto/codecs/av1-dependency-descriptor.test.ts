import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
	Av1DependencyDescriptorParser,
	createAv1DependencyDescriptor,
	DTI_DISCARDABLE,
	DTI_NOT_PRESENT,
	DTI_REQUIRED,
	DTI_SWITCH,
} from '../../../src/proto/codecs/av1-dependency-descriptor.js';
import { BitWriter, forEachTruncation, fuzz, guarded } from './helpers.js';

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
