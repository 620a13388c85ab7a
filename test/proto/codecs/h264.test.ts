import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
	createH264PayloadInfo,
	isH264KeyFrame,
	parseH264Payload,
	parseH264SpsSize,
} from '../../../src/proto/codecs/h264.js';
import { BitWriter, forEachTruncation, fuzz, guarded, hex } from './helpers.js';

// Inserts emulation prevention bytes (ITU-T H.264 §7.4.1): 00 00 0x (x <= 3) -> 00 00 03 0x.
function escape(rbsp: Uint8Array): Uint8Array {
	const o: number[] = [];
	let zeros = 0;

	for (const b of rbsp) {
		if (zeros >= 2 && b <= 3) {
			o.push(3);
			zeros = 0;
		}

		o.push(b);
		zeros = b === 0 ? zeros + 1 : 0;
	}

	return Uint8Array.from(o);
}

interface SpsFields {
	profile: number;
	chromaFormatIdc?: number;
	scaling?: boolean;
	pocType?: number;
	pocOffsets?: number[];
	widthMbs: number;
	heightMapUnits: number;
	frameMbsOnly?: boolean;
	crop?: [number, number, number, number];
}

// Writes seq_parameter_set_data() (ITU-T H.264 §7.3.2.1.1) as a NAL unit.
function sps(f: SpsFields): Uint8Array {
	const w = new BitWriter();

	w.f(8, f.profile).f(8, 0).f(8, 31).ue(0);

	if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(f.profile)) {
		w.ue(f.chromaFormatIdc ?? 1);

		if ((f.chromaFormatIdc ?? 1) === 3) {
			w.f(1, 0);
		}

		w.ue(0).ue(0).f(1, 0).f(1, f.scaling ? 1 : 0);

		if (f.scaling) {
			// List 0 present with deltas that end early (next_scale 0), list 6 present, others not.
			const lists = (f.chromaFormatIdc ?? 1) !== 3 ? 8 : 12;

			for (let k = 0; k < lists; k++) {
				if (k === 0) {
					w.f(1, 1).se(-8);
				} else if (k === 6) {
					w.f(1, 1);

					for (let j = 0; j < 64; j++) {
						w.se(j === 0 ? 8 : 0);
					}
				} else {
					w.f(1, 0);
				}
			}
		}
	}

	w.ue(0); // log2_max_frame_num_minus4

	const pocType = f.pocType ?? 0;

	w.ue(pocType);

	if (pocType === 0) {
		w.ue(2);
	} else if (pocType === 1) {
		const offs = f.pocOffsets ?? [];

		w.f(1, 0).se(-(2 ** 23)).se(2 ** 23).ue(offs.length);

		for (const v of offs) {
			w.se(v);
		}
	}

	w.ue(1).f(1, 0).ue(f.widthMbs - 1).ue(f.heightMapUnits - 1).f(1, f.frameMbsOnly === false ? 0 : 1);

	if (f.frameMbsOnly === false) {
		w.f(1, 0);
	}

	w.f(1, 1).f(1, f.crop ? 1 : 0);

	if (f.crop) {
		f.crop.forEach((c) => w.ue(c));
	}

	w.f(1, 0).f(1, 1); // vui_parameters_present_flag = 0, rbsp_stop_one_bit

	return Uint8Array.from([0x67, ...escape(w.bytes())]);
}

const SPS_720P = sps({ profile: 66, widthMbs: 80, heightMapUnits: 45 });
const PPS = hex('68 ce 3c 80');
const IDR = hex('65 88 84 00 33 ff');
const SLICE = hex('41 9a 02 04');

function stapA(...nalus: Uint8Array[]): Uint8Array {
	const o: number[] = [0x78];

	for (const n of nalus) {
		o.push(n.length >> 8, n.length & 0xff, ...n);
	}

	return Uint8Array.from(o);
}

test('RFC 6184 §5.6: single NAL unit packets', () => {
	let i = parseH264Payload(IDR);

	assert.ok(i);
	assert.equal(i.packetType, 5);
	assert.equal(i.hasIdr, true);
	assert.equal(i.isKeyFrame, true);

	i = parseH264Payload(SLICE);
	assert.equal(i?.isKeyFrame, false);
	assert.equal(i?.hasIdr, false);

	i = parseH264Payload(SPS_720P);
	assert.equal(i?.hasSps, true);
	assert.equal(i?.isKeyFrame, true);
	assert.equal(i?.width, 0, 'SPS not decoded unless asked');

	i = parseH264Payload(PPS);
	assert.equal(i?.hasPps, true);
	assert.equal(i?.isKeyFrame, false);

	assert.equal(isH264KeyFrame(IDR), true);
	assert.equal(isH264KeyFrame(SLICE), false);
});

test('RFC 6184 §5.7.1: STAP-A with SPS, PPS and IDR; SPS decoded on request', () => {
	const p = stapA(SPS_720P, PPS, IDR);
	const i = parseH264Payload(p, undefined, true);

	assert.ok(i);
	assert.equal(i.packetType, 24);
	assert.equal(i.hasSps, true);
	assert.equal(i.hasPps, true);
	assert.equal(i.hasIdr, true);
	assert.equal(i.isKeyFrame, true);
	assert.equal(i.width, 1280);
	assert.equal(i.height, 720);

	assert.equal(parseH264Payload(stapA(SLICE, SLICE))?.isKeyFrame, false);
	// STAP-B: 16-bit DON first.
	const stapB = Uint8Array.from([0x79, 0x00, 0x07, ...stapA(PPS, IDR).subarray(1)]);

	assert.equal(parseH264Payload(stapB)?.hasIdr, true);
	assert.equal(parseH264Payload(stapB)?.packetType, 25);
});

test('RFC 6184 §5.7.1: STAP-A length checks', () => {
	// Zero-size unit, a length past the end, a dangling length byte, an empty STAP-A.
	assert.equal(parseH264Payload(hex('78 00 00 65')), undefined);
	assert.equal(parseH264Payload(hex('78 00 05 65 88')), undefined);
	assert.equal(parseH264Payload(hex('78 00 01 65 00')), undefined);
	assert.equal(parseH264Payload(hex('78')), undefined);

	// Every truncation either ends at a unit boundary (and is valid) or is refused.
	const full = stapA(SPS_720P, PPS, IDR);
	const boundaries = new Set([1 + 2 + SPS_720P.length, 1 + 2 + SPS_720P.length + 2 + PPS.length]);

	forEachTruncation(full, (b) => {
		const i = parseH264Payload(b, undefined, true);

		assert.equal(i !== undefined, boundaries.has(b.length), `length ${b.length}`);
	});
});

test('RFC 6184 §5.8: FU-A start/middle/end, FU-B, S+E invalid', () => {
	assert.equal(parseH264Payload(hex('7c 85 88 84'))?.isKeyFrame, true);
	assert.equal(parseH264Payload(hex('7c 05 88 84'))?.isKeyFrame, false);
	assert.equal(parseH264Payload(hex('7c 45 88 84'))?.isKeyFrame, false);
	assert.equal(parseH264Payload(hex('7c 81 88 84'))?.isKeyFrame, false);
	assert.equal(parseH264Payload(hex('7c 87 42'))?.hasSps, true);
	assert.equal(parseH264Payload(hex('7c c5 88')), undefined);
	assert.equal(parseH264Payload(hex('7c 85')), undefined);
	assert.equal(parseH264Payload(hex('7d 85 00 01 88'))?.hasIdr, true);
	assert.equal(parseH264Payload(hex('7d 85 00 01')), undefined);
});

test('RFC 6184 §5.3: forbidden bit and undefined types are refused; MTAP reports nothing', () => {
	assert.equal(parseH264Payload(hex('e5 88')), undefined);
	assert.equal(parseH264Payload(hex('00 88')), undefined);
	assert.equal(parseH264Payload(hex('7e 88')), undefined);
	assert.equal(parseH264Payload(hex('7f 88')), undefined);
	assert.equal(parseH264Payload(new Uint8Array(0)), undefined);
	assert.equal(parseH264Payload(hex('7a 00 01'))?.isKeyFrame, false);
});

test('ITU-T H.264 §7.3.2.1.1: SPS picture size (crop, High profile scaling lists, fields, POC type 1)', () => {
	assert.deepEqual(parseH264SpsSize(SPS_720P), { width: 1280, height: 720 });
	// 1080p is coded as 1088 lines with 8 cropped (4 crop units of 2 lines in 4:2:0).
	assert.deepEqual(
		parseH264SpsSize(sps({ profile: 100, scaling: true, widthMbs: 120, heightMapUnits: 68, crop: [0, 0, 0, 4] })),
		{ width: 1920, height: 1080 }
	);
	// 4:4:4 crop units are 1 pixel wide.
	assert.deepEqual(
		parseH264SpsSize(sps({ profile: 244, chromaFormatIdc: 3, scaling: true, widthMbs: 20, heightMapUnits: 15, crop: [1, 1, 0, 0] })),
		{ width: 318, height: 240 }
	);
	// Interlaced: map units are field macroblock pairs, crop units double.
	assert.deepEqual(
		parseH264SpsSize(sps({ profile: 77, widthMbs: 45, heightMapUnits: 18, frameMbsOnly: false, crop: [0, 0, 0, 2] })),
		{ width: 720, height: 568 }
	);

	const poc1 = sps({ profile: 66, pocType: 1, pocOffsets: [-3, 2 ** 20], widthMbs: 40, heightMapUnits: 30 });
	assert.ok(
		poc1.some((b, k) => k >= 2 && b === 3 && poc1[k - 1] === 0 && poc1[k - 2] === 0),
		'vector exercises emulation prevention'
	);
	assert.deepEqual(parseH264SpsSize(poc1), { width: 640, height: 480 });
	assert.equal(parseH264Payload(poc1, undefined, true)?.width, 640);

	// Not an SPS, bad ranges.
	assert.equal(parseH264SpsSize(PPS), undefined);
	assert.equal(parseH264SpsSize(SPS_720P, 0, 0), undefined);
	assert.equal(parseH264SpsSize(SPS_720P, 0, 99), undefined);
});

test('malformed: SPS truncated at every length', () => {
	const full = sps({ profile: 100, scaling: true, widthMbs: 120, heightMapUnits: 68, crop: [0, 0, 0, 4] });

	forEachTruncation(full, (b) => {
		const r = parseH264SpsSize(b);

		// Only the byte holding the stop bit may go.
		if (b.length < full.length - 1) {
			assert.equal(r, undefined, `length ${b.length}`);
		}
	});
	assert.ok(parseH264SpsSize(guarded(full)));
});

const SEEDS = [
	SPS_720P,
	stapA(SPS_720P, PPS, IDR),
	sps({ profile: 100, scaling: true, widthMbs: 120, heightMapUnits: 68, crop: [0, 0, 0, 4] }),
	sps({ profile: 66, pocType: 1, pocOffsets: [-3, 2 ** 20], widthMbs: 40, heightMapUnits: 30 }),
	hex('7c 85 88 84'),
	IDR,
];

test('fuzz: 100,000 random and mutated payloads (SPS decoding on), no throw, no out-of-range access', () => {
	const out = createH264PayloadInfo();
	let sized = 0;
	const parsed = fuzz(0x6184, 100_000, SEEDS, (b) => {
		const i = parseH264Payload(b, out, true);

		if (i) {
			assert.equal(i.isKeyFrame, i.hasIdr || i.hasSps);
			assert.ok(i.width >= 0 && i.width <= 0xffff);

			if (i.width > 0) {
				sized++;
			}
		}

		return i;
	});

	assert.ok(parsed > 20_000, `parsed ${parsed}`);
	assert.ok(sized > 100, `sized ${sized}`);
});

test('fuzz: 100,000 SPS inputs to parseH264SpsSize', () => {
	fuzz(0x6185, 100_000, SEEDS.slice(0, 4), (b) => {
		if (b.length > 0) {
			b[0] = 0x67;
		}

		const r = parseH264SpsSize(b);

		if (r) {
			assert.ok(r.width > 0 && r.height > 0);
		}

		return r;
	});
});

test('Chromium 156 (OpenH264, simulcast, packetization-mode 1) packet shapes: key frame = STAP-A(SPS, PPS) then FU-A(IDR)', () => {
	// Payload heads captured from test/simulcast/h264's page A (through a PlainTransport consumer).
	// A key frame opens with a STAP-A holding the SPS and the PPS (RFC 6184 §5.7.1), then the IDR
	// slice fragmented in FU-As (§5.8); delta frames are FU-As of non-IDR slices, or single NAL
	// units when small.
	const stapR0 = hex('7800136742c00c8c8d71422f2cd41818181e1108dc00000468ce3c80'); // 160x120 layer
	const stapR2 = hex('7800126742c01f8c8d70501ed35060606078442370000468ce3c80'); // 640x480 layer

	for (const [stap, width, height] of [
		[stapR0, 160, 120],
		[stapR2, 640, 480],
	] as const) {
		const info = parseH264Payload(stap, createH264PayloadInfo(), true)!;

		assert.equal(info.packetType, 24);
		assert.equal(info.hasSps && info.hasPps, true);
		assert.equal(info.isKeyFrame, true, 'the switch can start here: the receiver gets the parameter sets first');
		assert.deepEqual([info.width, info.height], [width, height]);
	}
	assert.equal(isH264KeyFrame(hex('7c85b8000280000ff2e1895bd450')), true, 'FU-A start (S) of an IDR slice');
	assert.equal(isH264KeyFrame(hex('7c05018e4100409b36c1')), false, 'FU-A middle of the IDR');
	assert.equal(isH264KeyFrame(hex('7c45a1af1f5f4fbff430')), false, 'FU-A end (E) of the IDR');
	assert.equal(isH264KeyFrame(hex('1c81e0004000be41bf03')), false, 'FU-A start of a non-IDR slice');
	assert.equal(isH264KeyFrame(hex('01e0004000be413fc66a')), false, 'single NAL unit, non-IDR slice');
});
