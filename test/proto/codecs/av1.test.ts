import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { createAv1PayloadInfo, isAv1KeyFrame, parseAv1Payload } from '../../../src/proto/codecs/av1.js';
import { forEachTruncation, fuzz, guarded } from './helpers.js';

function leb128(v: number): number[] {
	const o: number[] = [];

	do {
		let b = v & 0x7f;

		v = Math.floor(v / 128);

		if (v > 0) {
			b |= 0x80;
		}

		o.push(b);
	} while (v > 0);

	return o;
}

// OBU header bytes (AV1 spec §5.3.2): type, optional extension (temporal_id, spatial_id).
const SEQ_HDR = 0x08;
const TD = 0x10;
const FRAME = 0x30;
const frameExt = (tid: number, sid: number) => [0x34, (tid << 5) | (sid << 3)];

function obu(header: number[], size: number): number[] {
	return [...header, ...new Array<number>(size - header.length).fill(0x5a)];
}

// Aggregation header per §4.4: Z Y W N.
function av1(agg: { z?: boolean; y?: boolean; w: number; n?: boolean }, elements: number[][]): Uint8Array {
	const o = [(agg.z ? 0x80 : 0) | (agg.y ? 0x40 : 0) | (agg.w << 4) | (agg.n ? 0x08 : 0)];

	elements.forEach((e, k) => {
		if (agg.w === 0 || k < agg.w - 1) {
			o.push(...leb128(e.length));
		}

		o.push(...e);
	});

	return Uint8Array.from(o);
}

test('AV1 RTP §4.5: the W=2 example (303 bytes: 1 + 2 + 200 + 100)', () => {
	const p = av1({ w: 2 }, [obu([FRAME], 200), obu([FRAME], 100)]);

	assert.equal(p.length, 303);
	assert.equal(p[1], 0xc8);
	assert.equal(p[2], 0x01);

	const i = parseAv1Payload(p);

	assert.ok(i);
	assert.equal(i.w, 2);
	assert.equal(i.obuCount, 2);
	assert.equal(i.isKeyFrame, false);
});

test('AV1 RTP §4.4: N=1 starts a coded video sequence (key frame), sequence header and OBU extension seen', () => {
	const p = av1({ w: 0, n: true }, [obu([TD], 1), obu([SEQ_HDR], 12), obu(frameExt(2, 1), 40)]);
	const i = parseAv1Payload(p);

	assert.ok(i);
	assert.equal(i.newCodedVideoSequence, true);
	assert.equal(i.isKeyFrame, true);
	assert.equal(i.hasSequenceHeader, true);
	assert.equal(i.obuCount, 3);
	assert.equal(i.temporalId, 2);
	assert.equal(i.spatialId, 1);
	assert.equal(isAv1KeyFrame(p), true);
});

test('AV1 RTP §4.4: Z and Y; a continuation element has no OBU header to read', () => {
	// The first element is the middle of an OBU whose bytes look like a forbidden-bit header.
	const p = av1({ z: true, y: true, w: 1 }, [[0xff, 0xff, 0xff]]);
	const i = parseAv1Payload(p);

	assert.ok(i);
	assert.equal(i.continuation, true);
	assert.equal(i.continues, true);
	assert.equal(i.obuCount, 1);
	assert.equal(i.temporalId, -1);
	assert.equal(isAv1KeyFrame(p), false);
	// The same bytes opening an OBU violate obu_forbidden_bit.
	assert.equal(parseAv1Payload(av1({ w: 1 }, [[0xff, 0xff, 0xff]])), undefined);
});

test('malformed: N with Z, W disagreeing with the elements, bad leb128 lengths', () => {
	assert.equal(parseAv1Payload(av1({ z: true, n: true, w: 1 }, [[FRAME, 1]])), undefined);
	assert.equal(isAv1KeyFrame(av1({ z: true, n: true, w: 1 }, [[FRAME, 1]])), false);
	// W=3 but two elements.
	assert.equal(parseAv1Payload(av1({ w: 3 }, [obu([FRAME], 3), obu([FRAME], 3)])), undefined);
	// Length 0, length past the end, 9-byte leb128.
	assert.equal(parseAv1Payload(Uint8Array.from([0x00, 0x00, FRAME])), undefined);
	assert.equal(parseAv1Payload(Uint8Array.from([0x00, 0x05, FRAME])), undefined);
	assert.equal(parseAv1Payload(Uint8Array.from([0x00, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, FRAME])), undefined);
	// Header only.
	assert.equal(parseAv1Payload(Uint8Array.from([0x10])), undefined);
	assert.equal(parseAv1Payload(new Uint8Array(0)), undefined);
});

test('malformed: truncation at every length is valid only at an element boundary (W=0)', () => {
	const full = av1({ w: 0, n: true }, [obu([TD], 1), obu([SEQ_HDR], 12), obu(frameExt(0, 0), 30)]);
	const boundaries = new Set([1 + 1 + 1, 1 + 2 + 1 + 12]);

	forEachTruncation(full, (b) => {
		assert.equal(parseAv1Payload(b) !== undefined, boundaries.has(b.length), `length ${b.length}`);
	});
	assert.ok(parseAv1Payload(guarded(full)));
});

const SEEDS = [
	av1({ w: 0, n: true }, [obu([TD], 1), obu([SEQ_HDR], 12), obu(frameExt(2, 1), 20)]),
	av1({ w: 2 }, [obu([FRAME], 10), obu(frameExt(1, 0), 10)]),
	av1({ z: true, y: true, w: 1 }, [[0xff, 0xff, 0xff]]),
];

test('fuzz: 100,000 random and mutated payloads, no throw, no out-of-range access', () => {
	const out = createAv1PayloadInfo();
	const parsed = fuzz(0xa71, 100_000, SEEDS, (b) => {
		const i = parseAv1Payload(b, out);

		if (i) {
			assert.equal(isAv1KeyFrame(b), i.isKeyFrame);
			assert.ok(i.obuCount >= 1);
		}

		return i;
	});

	assert.ok(parsed > 10_000, `parsed ${parsed}`);
});
