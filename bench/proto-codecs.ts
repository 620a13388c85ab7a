// proto/codecs hot-path costs: VP8 descriptor parse and picture id rewrite per packet, plus the
// other codecs' key frame checks. Prints ns/op (best of 5 runs); asserts nothing.
// Run: npx tsc -p . && node dist/bench/proto-codecs.js
// Figures are per call on one core; compare against the baseline line printed first.

import {
	Av1DependencyDescriptorParser,
	createAv1DependencyDescriptor,
	createH264PayloadInfo,
	createVp8Descriptor,
	createVp9Descriptor,
	isOpusDtx,
	parseAv1Payload,
	createAv1PayloadInfo,
	parseH264Payload,
	parseVp8Descriptor,
	parseVp9Descriptor,
	setVp8PictureId,
	setVp8Tl0PicIdx,
	Vp8PictureIdRewriter,
} from '../src/proto/codecs/index.js';

const ITERATIONS = 2_000_000;

function bench(name: string, fn: (i: number) => void): void {
	for (let i = 0; i < 200_000; i++) {
		fn(i);
	}

	let best = Infinity;

	for (let run = 0; run < 5; run++) {
		const t0 = process.hrtime.bigint();

		for (let i = 0; i < ITERATIONS; i++) {
			fn(i);
		}

		const ns = Number(process.hrtime.bigint() - t0) / ITERATIONS;

		best = Math.min(best, ns);
	}

	console.log(`${name.padEnd(52)} ${best.toFixed(1).padStart(7)} ns/op`);
}

// A 1200-byte RTP payload view inside a packet buffer, as the worker sees it.
const packet = Buffer.alloc(1212);
const vp8 = packet.subarray(12);

// X=1 S=1; I (M=1, 15-bit), L, T: the descriptor Chrome sends with temporal layers.
vp8.set([0x90, 0xe0, 0x92, 0x34, 0x56, 0x40, 0x01]);

const desc = createVp8Descriptor();
let sink = 0;

// The cost of the harness itself (closure call + loop); subtract it mentally on a busy host.
bench('baseline: empty closure', (i) => {
	sink += i & 1;
});

bench('vp8 parseVp8Descriptor (reused out)', () => {
	sink += parseVp8Descriptor(vp8, desc)!.pictureId;
});

bench('vp8 parse + setVp8PictureId + setVp8Tl0PicIdx', (i) => {
	const d = parseVp8Descriptor(vp8, desc)!;

	setVp8PictureId(vp8, d, i & 0x7fff);
	setVp8Tl0PicIdx(vp8, d, i & 0xff);
});

const rewriter = new Vp8PictureIdRewriter();

bench('vp8 parse + Vp8PictureIdRewriter (1 in 4 dropped)', (i) => {
	vp8[2] = 0x80 | ((i >> 8) & 0x7f);
	vp8[3] = i & 0xff;

	const d = parseVp8Descriptor(vp8, desc)!;

	if ((i & 3) === 3) {
		rewriter.dropFrame(d);
	} else {
		rewriter.rewrite(vp8, d);
	}
});

const vp9 = packet.subarray(12);
const vp9Desc = createVp9Descriptor();

vp9.set([0xac, 0x92, 0x34, 0x20, 0x07]);

bench('vp9 parseVp9Descriptor (non-flexible, L)', () => {
	sink += parseVp9Descriptor(vp9, vp9Desc)!.tid;
});

const h264 = packet.subarray(12);
const h264Info = createH264PayloadInfo();

h264.set([0x7c, 0x85]);

bench('h264 parseH264Payload (FU-A)', () => {
	sink += parseH264Payload(h264, h264Info)!.isKeyFrame ? 1 : 0;
});

const av1 = Buffer.alloc(1200, 0x30);

av1.set([0x10, 0x30]);

const av1Info = createAv1PayloadInfo();

bench('av1 parseAv1Payload (W=1)', () => {
	sink += parseAv1Payload(av1, av1Info)!.obuCount;
});

const ddParser = new Av1DependencyDescriptorParser();
const ddOut = createAv1DependencyDescriptor();

// L1T1-style structure: one template, one decode target, no chains (id offset 0).
ddParser.parse(Uint8Array.from([0xc0, 0x00, 0x00, 0x80, 0x00, 0x0c, 0x80]), ddOut);

const ddMandatory = Uint8Array.from([0xc0, 0x00, 0x01]);

bench('av1 dependency descriptor, 3-byte form', () => {
	sink += ddParser.parse(ddMandatory, ddOut)!.temporalId;
});

const opus = Uint8Array.from([0xfc, 0xff, 0xfe, 0x01]);

bench('opus isOpusDtx', () => {
	sink += isOpusDtx(opus) ? 1 : 0;
});

if (sink === 0.5) {
	console.log(sink);
}
