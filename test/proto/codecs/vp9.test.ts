import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
	createVp9Descriptor,
	isVp9KeyFrame,
	parseVp9Descriptor,
	setVp9PictureId,
	setVp9Tl0PicIdx,
	type Vp9Descriptor,
} from '../../../src/proto/codecs/vp9.js';
import { forEachTruncation, fuzz, guarded } from './helpers.js';

interface Vp9Fields {
	p?: boolean;
	f?: boolean;
	b?: boolean;
	e?: boolean;
	z?: boolean;
	pictureId?: number;
	long?: boolean;
	layer?: { tid: number; u: boolean; sid: number; d: boolean; tl0?: number };
	pDiffs?: number[];
	ss?: { sizes?: Array<[number, number]>; layers?: number; groups?: Array<{ tid: number; u: boolean; pDiffs: number[] }> };
	payload?: number[];
}

// Builds a descriptor per the RFC 9628 §4.2 figures.
function vp9(x: Vp9Fields): Uint8Array {
	const o: number[] = [];

	o.push(
		(x.pictureId !== undefined ? 0x80 : 0) |
			(x.p ? 0x40 : 0) |
			(x.layer ? 0x20 : 0) |
			(x.f ? 0x10 : 0) |
			(x.b ? 0x08 : 0) |
			(x.e ? 0x04 : 0) |
			(x.ss ? 0x02 : 0) |
			(x.z ? 0x01 : 0)
	);

	if (x.pictureId !== undefined) {
		if (x.long) {
			o.push(0x80 | (x.pictureId >> 8), x.pictureId & 0xff);
		} else {
			o.push(x.pictureId);
		}
	}

	if (x.layer) {
		o.push((x.layer.tid << 5) | (x.layer.u ? 0x10 : 0) | (x.layer.sid << 1) | (x.layer.d ? 1 : 0));

		if (!x.f) {
			o.push(x.layer.tl0 ?? 0);
		}
	}

	if (x.f && x.p) {
		const pd = x.pDiffs ?? [1];

		pd.forEach((v, k) => o.push((v << 1) | (k < pd.length - 1 ? 1 : 0)));
	}

	if (x.ss) {
		const sizes = x.ss.sizes;
		const layers = sizes ? sizes.length : x.ss.layers ?? 1;

		o.push(((layers - 1) << 5) | (sizes ? 0x10 : 0) | (x.ss.groups ? 0x08 : 0));

		for (const [w, h] of sizes ?? []) {
			o.push(w >> 8, w & 0xff, h >> 8, h & 0xff);
		}

		if (x.ss.groups) {
			o.push(x.ss.groups.length);

			for (const g of x.ss.groups) {
				o.push((g.tid << 5) | (g.u ? 0x10 : 0) | (g.pDiffs.length << 2), ...g.pDiffs);
			}
		}
	}

	o.push(...(x.payload ?? [0xaa]));

	return Uint8Array.from(o);
}

test('RFC 9628 §4.2: non-flexible key frame with layer indices, TL0PICIDX and SS (§4.2.1)', () => {
	const b = vp9({
		b: true,
		e: true,
		pictureId: 0x1abc,
		long: true,
		layer: { tid: 0, u: false, sid: 0, d: false, tl0: 0x42 },
		ss: {
			sizes: [[320, 180], [640, 360], [1280, 720]],
			groups: [
				{ tid: 0, u: false, pDiffs: [4] },
				{ tid: 2, u: true, pDiffs: [1] },
				{ tid: 1, u: true, pDiffs: [2] },
				{ tid: 2, u: true, pDiffs: [1, 3] },
			],
		},
	});
	const d = parseVp9Descriptor(b);

	assert.ok(d);
	assert.equal(d.hasPictureId, true);
	assert.equal(d.pictureId, 0x1abc);
	assert.equal(d.pictureIdLength, 2);
	assert.equal(d.flexibleMode, false);
	assert.equal(d.interPicturePredicted, false);
	assert.equal(d.startOfFrame, true);
	assert.equal(d.endOfFrame, true);
	assert.equal(d.hasTl0PicIdx, true);
	assert.equal(d.tl0PicIdx, 0x42);
	assert.equal(d.tl0PicIdxOffset, 4);
	assert.equal(d.isKeyFrame, true);
	assert.ok(d.ss);
	assert.equal(d.ss.spatialLayerCount, 3);
	assert.deepEqual(d.ss.widths, [320, 640, 1280]);
	assert.deepEqual(d.ss.heights, [180, 360, 720]);
	assert.deepEqual(d.ss.pictureGroups, [
		{ tid: 0, switchingUpPoint: false, pDiffs: [4] },
		{ tid: 2, switchingUpPoint: true, pDiffs: [1] },
		{ tid: 1, switchingUpPoint: true, pDiffs: [2] },
		{ tid: 2, switchingUpPoint: true, pDiffs: [1, 3] },
	]);
	assert.equal(d.headerLength, b.length - 1);
	assert.equal(isVp9KeyFrame(b), true);
});

test('RFC 9628 §4.2: flexible mode P_DIFFs (up to 3), TID/U/SID/D, Z, no TL0PICIDX', () => {
	const b = vp9({
		p: true,
		f: true,
		b: true,
		z: true,
		pictureId: 0x33,
		layer: { tid: 2, u: true, sid: 1, d: true },
		pDiffs: [1, 2, 127],
	});
	const d = parseVp9Descriptor(b);

	assert.ok(d);
	assert.equal(d.flexibleMode, true);
	assert.equal(d.pictureIdLength, 1);
	assert.equal(d.tid, 2);
	assert.equal(d.switchingUpPoint, true);
	assert.equal(d.sid, 1);
	assert.equal(d.interLayerDependency, true);
	assert.equal(d.notRefForUpperSpatialLayers, true);
	assert.equal(d.hasTl0PicIdx, false);
	assert.deepEqual(d.pDiffs, [1, 2, 127]);
	assert.equal(d.headerLength, 6);
	assert.equal(d.isKeyFrame, false);

	// A fourth P_DIFF (N set on the third) is malformed.
	const four = vp9({ p: true, f: true, pictureId: 1, pDiffs: [1, 1, 1, 1] });

	assert.equal(parseVp9Descriptor(four), undefined);
});

test('RFC 9628 §4.2: key frame is B=1, P=0 at spatial layer 0', () => {
	// Upper spatial layer of a key picture: P=0 but SID=1 (D=1): not where a receiver starts.
	const upper = vp9({ b: true, pictureId: 2, layer: { tid: 0, u: false, sid: 1, d: true, tl0: 0 } });

	assert.equal(parseVp9Descriptor(upper)?.isKeyFrame, false);
	assert.equal(isVp9KeyFrame(upper), false);

	// Not the first packet of the frame.
	const middle = vp9({ pictureId: 2, layer: { tid: 0, u: false, sid: 0, d: false, tl0: 0 } });

	assert.equal(parseVp9Descriptor(middle)?.isKeyFrame, false);

	// No layer indices: SID is 0.
	const plain = vp9({ b: true });

	assert.equal(parseVp9Descriptor(plain)?.isKeyFrame, true);
	assert.equal(isVp9KeyFrame(plain), true);
	assert.equal(isVp9KeyFrame(vp9({ b: true, p: true })), false);
});

test('RFC 9628 §4.2.1: SS with no resolutions and no picture groups', () => {
	const d = parseVp9Descriptor(vp9({ b: true, ss: { layers: 2 } }));

	assert.ok(d?.ss);
	assert.equal(d.ss.spatialLayerCount, 2);
	assert.equal(d.ss.hasResolutions, false);
	assert.deepEqual(d.ss.widths, []);
	assert.equal(d.ss.hasPictureGroups, false);
	assert.equal(d.headerLength, 2);
});

test('malformed: every truncation fails cleanly', () => {
	const all = [
		vp9({
			b: true,
			pictureId: 0x1abc,
			long: true,
			layer: { tid: 0, u: false, sid: 0, d: false, tl0: 1 },
			ss: { sizes: [[320, 180], [640, 360]], groups: [{ tid: 1, u: true, pDiffs: [1, 2] }] },
			payload: [],
		}),
		vp9({ p: true, f: true, pictureId: 9, long: true, layer: { tid: 1, u: false, sid: 2, d: true }, pDiffs: [3, 4], payload: [] }),
	];

	for (const full of all) {
		forEachTruncation(full, (b) => {
			assert.equal(parseVp9Descriptor(b), undefined);
		});
		assert.equal(parseVp9Descriptor(guarded(full))?.headerLength, full.length);
	}
});

test('a reused output object is reset; picture id / TL0PICIDX rewrite round trip', () => {
	const out = createVp9Descriptor();

	parseVp9Descriptor(vp9({ p: true, f: true, pictureId: 1, pDiffs: [1, 2], ss: { layers: 1 } }), out);

	const b = vp9({ pictureId: 0x7ff0, long: true, layer: { tid: 1, u: false, sid: 0, d: false, tl0: 9 } });
	const d = parseVp9Descriptor(b, out) as Vp9Descriptor;

	assert.deepEqual(d.pDiffs, []);
	assert.equal(d.ss, undefined);
	assert.ok(setVp9PictureId(b, d, 0x0102));
	assert.ok(setVp9Tl0PicIdx(b, d, 200));

	const again = parseVp9Descriptor(b);

	assert.equal(again?.pictureId, 0x0102);
	assert.equal(again?.pictureIdLength, 2);
	assert.equal(again?.tl0PicIdx, 200);
	assert.equal(again?.tid, 1);

	const flex = vp9({ f: true, layer: { tid: 0, u: false, sid: 0, d: false } });
	const df = parseVp9Descriptor(flex) as Vp9Descriptor;

	assert.equal(setVp9PictureId(flex, df, 1), false);
	assert.equal(setVp9Tl0PicIdx(flex, df, 1), false);
});

const SEEDS = [
	vp9({ b: true, pictureId: 0x1abc, long: true, layer: { tid: 0, u: false, sid: 0, d: false, tl0: 1 }, ss: { sizes: [[320, 180], [640, 360]], groups: [{ tid: 1, u: true, pDiffs: [1, 2] }] } }),
	vp9({ p: true, f: true, pictureId: 9, long: true, layer: { tid: 1, u: false, sid: 2, d: true }, pDiffs: [3, 4] }),
	vp9({ b: true, e: true, pictureId: 3 }),
];

test('fuzz: 100,000 random and mutated descriptors, no throw, no out-of-range access', () => {
	const out = createVp9Descriptor();
	const parsed = fuzz(0x9628, 100_000, SEEDS, (b) => {
		const d = parseVp9Descriptor(b, out);

		assert.equal(isVp9KeyFrame(b), d !== undefined && d.isKeyFrame);

		if (d) {
			assert.ok(d.headerLength <= b.length);
			assert.ok(d.pDiffs.length <= 3);
			setVp9PictureId(b, d, 0x7fff);
			setVp9Tl0PicIdx(b, d, 0xff);
		}

		return d;
	});

	assert.ok(parsed > 30_000, `parsed ${parsed}`);
});
