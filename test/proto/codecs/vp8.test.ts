import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import {
	createVp8Descriptor,
	isVp8KeyFrame,
	parseVp8Descriptor,
	setVp8PictureId,
	setVp8Tl0PicIdx,
	Vp8PictureIdRewriter,
	type Vp8Descriptor,
} from '../../../src/proto/codecs/vp8.js';
import { forEachTruncation, fuzz, guarded, hex } from './helpers.js';

interface Vp8Fields {
	n?: boolean;
	s?: boolean;
	pid?: number;
	pictureId?: number;
	long?: boolean;
	tl0?: number;
	tid?: number;
	y?: boolean;
	keyIdx?: number;
	payload?: number[];
}

// Builds a descriptor per the RFC 7741 §4.2 figure.
function vp8(f: Vp8Fields): Uint8Array {
	const out: number[] = [];
	const ext = f.pictureId !== undefined || f.tl0 !== undefined || f.tid !== undefined || f.keyIdx !== undefined;

	out.push((ext ? 0x80 : 0) | (f.n ? 0x20 : 0) | (f.s ? 0x10 : 0) | (f.pid ?? 0));

	if (ext) {
		out.push(
			(f.pictureId !== undefined ? 0x80 : 0) |
				(f.tl0 !== undefined ? 0x40 : 0) |
				(f.tid !== undefined ? 0x20 : 0) |
				(f.keyIdx !== undefined ? 0x10 : 0)
		);

		if (f.pictureId !== undefined) {
			if (f.long) {
				out.push(0x80 | (f.pictureId >> 8), f.pictureId & 0xff);
			} else {
				out.push(f.pictureId);
			}
		}

		if (f.tl0 !== undefined) {
			out.push(f.tl0);
		}

		if (f.tid !== undefined || f.keyIdx !== undefined) {
			out.push(((f.tid ?? 0) << 6) | (f.y ? 0x20 : 0) | (f.keyIdx ?? 0));
		}
	}

	out.push(...(f.payload ?? [0x01]));

	return Uint8Array.from(out);
}

// Key frame payload header (P=0) + RFC 6386 §9.1 start code and 640x480.
const KEY_HEADER = [0x50, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];

test('RFC 7741 §4.2: minimal descriptor (X=0) and §4.3 key frame with RFC 6386 §9.1 size', () => {
	const d = parseVp8Descriptor(vp8({ s: true, payload: KEY_HEADER }));

	assert.ok(d);
	assert.equal(d.extended, false);
	assert.equal(d.startOfPartition, true);
	assert.equal(d.partitionIndex, 0);
	assert.equal(d.headerLength, 1);
	assert.equal(d.isKeyFrame, true);
	assert.equal(d.width, 640);
	assert.equal(d.height, 480);
	assert.equal(d.horizontalScale, 0);
	assert.equal(d.hasPictureId, false);
	assert.equal(d.pictureIdOffset, -1);
});

test('RFC 7741 §4.2: every extension field (I with M=1, L, T, Y, K)', () => {
	const d = parseVp8Descriptor(
		vp8({ n: true, s: true, pictureId: 0x1234, long: true, tl0: 0x56, tid: 2, y: true, keyIdx: 0x11 })
	);

	assert.ok(d);
	assert.equal(d.extended, true);
	assert.equal(d.nonReference, true);
	assert.equal(d.hasPictureId, true);
	assert.equal(d.pictureId, 0x1234);
	assert.equal(d.pictureIdLength, 2);
	assert.equal(d.pictureIdOffset, 2);
	assert.equal(d.hasTl0PicIdx, true);
	assert.equal(d.tl0PicIdx, 0x56);
	assert.equal(d.tl0PicIdxOffset, 4);
	assert.equal(d.hasTid, true);
	assert.equal(d.tid, 2);
	assert.equal(d.layerSync, true);
	assert.equal(d.hasKeyIdx, true);
	assert.equal(d.keyIdx, 0x11);
	assert.equal(d.headerLength, 6);
	// P bit of the payload header (0x01) is 1: an interframe.
	assert.equal(d.isKeyFrame, false);
});

test('RFC 7741 §4.2: 7-bit picture id (M=0), T without K, K without T', () => {
	let d = parseVp8Descriptor(vp8({ pictureId: 0x7f, tid: 3 }));

	assert.ok(d);
	assert.equal(d.pictureId, 0x7f);
	assert.equal(d.pictureIdLength, 1);
	assert.equal(d.tid, 3);
	assert.equal(d.hasKeyIdx, false);
	assert.equal(d.keyIdx, 0);
	assert.equal(d.headerLength, 4);

	d = parseVp8Descriptor(vp8({ keyIdx: 31 }));
	assert.ok(d);
	assert.equal(d.hasTid, false);
	assert.equal(d.tid, 0);
	assert.equal(d.keyIdx, 31);
	assert.equal(d.headerLength, 3);

	// X=1 with no I/L/T/K bits is legal: just the extension octet.
	d = parseVp8Descriptor(hex('80 00 01'));
	assert.ok(d);
	assert.equal(d.headerLength, 2);
});

test('RFC 7741 §4.3: key frame needs S=1, PID=0 and P=0', () => {
	assert.equal(parseVp8Descriptor(vp8({ s: true, pid: 1, payload: KEY_HEADER }))?.isKeyFrame, false);
	assert.equal(parseVp8Descriptor(vp8({ s: false, payload: KEY_HEADER }))?.isKeyFrame, false);
	assert.equal(parseVp8Descriptor(vp8({ s: true, payload: [0x51] }))?.isKeyFrame, false);
	// P=0 but too short for the size: still a key frame, size unknown.
	const d = parseVp8Descriptor(vp8({ s: true, payload: [0x50] }));

	assert.equal(d?.isKeyFrame, true);
	assert.equal(d?.width, 0);
	assert.equal(isVp8KeyFrame(vp8({ s: true, pictureId: 300, long: true, tl0: 1, tid: 0, payload: KEY_HEADER })), true);
	assert.equal(isVp8KeyFrame(vp8({ s: true, pictureId: 3, payload: [0x51] })), false);
});

test('malformed: every truncation of a descriptor fails cleanly; no payload byte is malformed', () => {
	const full = vp8({ s: true, pictureId: 0x1234, long: true, tl0: 9, tid: 1, keyIdx: 2, payload: [0x50] });

	forEachTruncation(full, (b) => {
		assert.equal(parseVp8Descriptor(b), undefined);
		assert.equal(isVp8KeyFrame(b), false);
	});
	assert.ok(parseVp8Descriptor(guarded(full)));
	assert.equal(parseVp8Descriptor(new Uint8Array(0)), undefined);
});

test('a reused output object is fully reset between packets', () => {
	const out = createVp8Descriptor();

	parseVp8Descriptor(vp8({ s: true, pictureId: 5, tl0: 3, tid: 1, keyIdx: 4, payload: KEY_HEADER }), out);

	const d = parseVp8Descriptor(vp8({ payload: [0x01] }), out);

	assert.equal(d, out);
	assert.deepEqual(out, { ...createVp8Descriptor(), headerLength: 1 });
});

test('parse accepts a Buffer subarray view (offsets are relative to the view)', () => {
	const packet = Buffer.concat([Buffer.alloc(12, 0xee), Buffer.from(vp8({ pictureId: 0x2345, long: true, tl0: 7 }))]);
	const view = packet.subarray(12);
	const d = parseVp8Descriptor(view);

	assert.ok(d);
	assert.equal(d.pictureId, 0x2345);
	assert.ok(setVp8PictureId(view, d, 0x0102));
	assert.equal(packet[14], 0x81);
	assert.equal(packet[15], 0x02);
	assert.equal(packet[11], 0xee);
});

test('rewrite round trips keep the M form and touch nothing else', () => {
	const long = vp8({ s: true, pictureId: 0x1234, long: true, tl0: 0x56, tid: 1, payload: [0x01, 0xaa] });
	const before = Uint8Array.from(long);
	const d = parseVp8Descriptor(long) as Vp8Descriptor;

	assert.ok(setVp8PictureId(long, d, 0x7abc));
	assert.ok(setVp8Tl0PicIdx(long, d, 0x1ff));

	const again = parseVp8Descriptor(long);

	assert.equal(again?.pictureId, 0x7abc);
	assert.equal(again?.pictureIdLength, 2);
	assert.equal(again?.tl0PicIdx, 0xff);

	for (const k of [0, 1, 5, 6, 7]) {
		assert.equal(long[k], before[k]);
	}

	const short = vp8({ pictureId: 0x10 });
	const ds = parseVp8Descriptor(short) as Vp8Descriptor;

	assert.ok(setVp8PictureId(short, ds, 300));
	assert.equal(parseVp8Descriptor(short)?.pictureId, 300 & 0x7f);
	assert.equal(parseVp8Descriptor(short)?.pictureIdLength, 1);
	// Absent fields are refused.
	assert.equal(setVp8Tl0PicIdx(short, ds, 1), false);

	const none = vp8({});

	assert.equal(setVp8PictureId(none, parseVp8Descriptor(none) as Vp8Descriptor, 1), false);

	// Writing back every value restores the original bytes.
	for (let id = 0; id < 0x8000; id += 97) {
		const b = vp8({ pictureId: id, long: true, tl0: id & 0xff });
		const copy = Uint8Array.from(b);
		const dd = parseVp8Descriptor(b) as Vp8Descriptor;

		setVp8PictureId(b, dd, 0);
		setVp8Tl0PicIdx(b, dd, 0);
		setVp8PictureId(b, dd, id);
		setVp8Tl0PicIdx(b, dd, id & 0xff);
		assert.deepEqual(b, copy);
	}
});

// Runs packets through the rewriter; returns [pictureId, tl0] per forwarded packet.
function forward(
	rw: Vp8PictureIdRewriter,
	pkts: Array<{ id: number; tl0?: number; long?: boolean; drop?: boolean; sync?: boolean }>
): Array<[number, number]> {
	const res: Array<[number, number]> = [];

	for (const p of pkts) {
		if (p.sync) {
			rw.sync();
		}

		const b = vp8({ pictureId: p.id, long: p.long ?? true, tl0: p.tl0 ?? 0 });
		const d = parseVp8Descriptor(b) as Vp8Descriptor;

		if (p.drop) {
			rw.dropFrame(d);
			continue;
		}

		assert.ok(rw.rewrite(b, d));

		const o = parseVp8Descriptor(b) as Vp8Descriptor;

		res.push([o.pictureId, o.tl0PicIdx]);
	}

	return res;
}

test('Vp8PictureIdRewriter: one stream, nothing dropped, passes through', () => {
	const rw = new Vp8PictureIdRewriter();

	assert.deepEqual(
		forward(rw, [{ id: 7, tl0: 1 }, { id: 7, tl0: 1 }, { id: 8, tl0: 1 }, { id: 9, tl0: 2 }]),
		[[7, 1], [7, 1], [8, 1], [9, 2]]
	);
	assert.equal(rw.lastPictureId, 9);
	assert.equal(rw.lastTl0PicIdx, 2);
});

test('Vp8PictureIdRewriter: dropped frames (temporal layer filtering) leave no gap', () => {
	const rw = new Vp8PictureIdRewriter();
	// L1T2: TID 1 frames (odd ids) dropped, two packets each.
	const out = forward(rw, [
		{ id: 100, tl0: 10 },
		{ id: 101, tl0: 10, drop: true },
		{ id: 101, tl0: 10, drop: true },
		{ id: 102, tl0: 11 },
		{ id: 102, tl0: 11 },
		{ id: 103, tl0: 11, drop: true },
		{ id: 104, tl0: 12 },
	]);

	assert.deepEqual(out, [[100, 10], [101, 11], [101, 11], [102, 12]]);
});

test('Vp8PictureIdRewriter: layer switch continues picture id and TL0PICIDX', () => {
	const rw = new Vp8PictureIdRewriter();
	const out = forward(rw, [
		{ id: 500, tl0: 200 },
		{ id: 501, tl0: 201 },
		{ id: 20000, tl0: 7, sync: true },
		{ id: 20001, tl0: 7 },
		{ id: 20002, tl0: 8 },
		// Back to the first stream, which has moved on meanwhile.
		{ id: 510, tl0: 205, sync: true },
		{ id: 511, tl0: 206 },
	]);

	assert.deepEqual(out, [[500, 200], [501, 201], [502, 202], [503, 202], [504, 203], [505, 204], [506, 205]]);
});

test('Vp8PictureIdRewriter: the first frame after a switch dropped', () => {
	const rw = new Vp8PictureIdRewriter();
	const out = forward(rw, [
		{ id: 50, tl0: 1 },
		{ id: 900, tl0: 9, sync: true, drop: true },
		{ id: 901, tl0: 10 },
	]);

	assert.deepEqual(out, [[50, 1], [51, 2]]);
});

test('Vp8PictureIdRewriter: 15-bit and 7-bit wrap', () => {
	let rw = new Vp8PictureIdRewriter();

	assert.deepEqual(
		forward(rw, [{ id: 32766 }, { id: 32767, drop: true }, { id: 0 }, { id: 1 }]).map((x) => x[0]),
		[32766, 32767, 0]
	);

	// A 7-bit stream that wraps at 128 after a switch from a 15-bit one: output keeps counting
	// in the receiver's space (written in 7-bit form, so modulo 128).
	rw = new Vp8PictureIdRewriter();

	const out = forward(rw, [
		{ id: 1000 },
		{ id: 126, long: false, sync: true },
		{ id: 127, long: false },
		{ id: 0, long: false },
		{ id: 1, long: false, drop: true },
		{ id: 2, long: false },
	]).map((x) => x[0]);

	assert.deepEqual(out, [1000, 1001 & 0x7f, 1002 & 0x7f, 1003 & 0x7f, 1004 & 0x7f]);
	assert.equal(rw.lastPictureId, 1004);
});

test('Vp8PictureIdRewriter: a reordered packet maps as its frame did', () => {
	const rw = new Vp8PictureIdRewriter();
	const out = forward(rw, [
		{ id: 10 },
		{ id: 11, drop: true },
		{ id: 12 },
		{ id: 13, drop: true },
		{ id: 14 },
		// Late packets of frames 12 and 10.
		{ id: 12 },
		{ id: 10 },
	]).map((x) => x[0]);

	assert.deepEqual(out, [10, 11, 12, 11, 10]);
	// A late packet does not move the newest id.
	assert.equal(rw.lastPictureId, 12);
});

test('Vp8PictureIdRewriter: packets without picture id are left alone; reset', () => {
	const rw = new Vp8PictureIdRewriter();
	const b = vp8({ tl0: 3 });

	assert.equal(rw.rewrite(b, parseVp8Descriptor(b) as Vp8Descriptor), false);
	rw.dropFrame(parseVp8Descriptor(b) as Vp8Descriptor);
	forward(rw, [{ id: 1 }, { id: 2, drop: true }]);
	rw.reset();
	assert.deepEqual(forward(rw, [{ id: 77, tl0: 5 }]), [[77, 5]]);
});

const SEEDS = [
	vp8({ s: true, payload: KEY_HEADER }),
	vp8({ n: true, s: true, pictureId: 0x1234, long: true, tl0: 0x56, tid: 2, y: true, keyIdx: 0x11 }),
	vp8({ pictureId: 5, tid: 1 }),
	vp8({ keyIdx: 3, payload: KEY_HEADER }),
];

test('fuzz: 100,000 random and mutated descriptors, no throw, no out-of-range access', () => {
	const out = createVp8Descriptor();
	const parsed = fuzz(0x7741, 100_000, SEEDS, (b) => {
		const d = parseVp8Descriptor(b, out);

		assert.equal(isVp8KeyFrame(b), d !== undefined && d.isKeyFrame);

		if (d) {
			assert.ok(d.headerLength >= 1 && d.headerLength < b.length);
			assert.ok(d.pictureId >= 0 && d.pictureId < 0x8000);
			// In-place writes stay inside the descriptor.
			setVp8PictureId(b, d, 0x7fff);
			setVp8Tl0PicIdx(b, d, 0xff);
		}

		return d;
	});

	assert.ok(parsed > 40_000, `parsed ${parsed}`);
});

test('fuzz: rewriter under 100,000 random operations keeps ids in range', () => {
	const rw = new Vp8PictureIdRewriter();
	const d = createVp8Descriptor();
	let n = 0;

	fuzz(0x7742, 100_000, SEEDS, (b) => {
		if (!parseVp8Descriptor(b, d)) {
			return false;
		}

		n++;

		if (n % 97 === 0) {
			rw.sync();
		}

		if (b[b.length - 1] & 1) {
			rw.dropFrame(d);
		} else if (rw.rewrite(b, d)) {
			assert.ok(rw.lastPictureId >= 0 && rw.lastPictureId < 0x8000);
			assert.ok(rw.lastTl0PicIdx >= -1 && rw.lastTl0PicIdx < 0x100);
		}

		return true;
	});
});

test('Vp8PictureIdRewriter: a dropped TL0 frame (T bit set) takes its TL0PICIDX out too; map() writes nothing', () => {
	const rw = new Vp8PictureIdRewriter();
	const frame = (id: number, tl0: number, tid: number) => {
		const b = vp8({ pictureId: id, long: true, tl0, tid });

		return { b, d: parseVp8Descriptor(b) as Vp8Descriptor };
	};
	const out: Array<[number, number]> = [];

	for (const [id, tl0, tid, drop] of [
		[10, 50, 0, false],
		[11, 50, 1, false],
		[12, 51, 0, true],
		[13, 51, 1, true],
		[14, 52, 0, false],
		[15, 52, 1, false],
	] as const) {
		const { b, d } = frame(id, tl0, tid);

		if (drop) {
			rw.dropFrame(d);
			continue;
		}

		const before = Buffer.from(b);

		assert.ok(rw.map(d));
		assert.deepEqual(Buffer.from(b), before, 'map() leaves the payload alone');
		out.push([rw.outPictureId, rw.outTl0PicIdx]);
	}

	// RFC 7741 §4.2: TL0PICIDX increments once per TL0 frame the receiver gets.
	assert.deepEqual(out, [[10, 50], [11, 50], [12, 51], [13, 51]]);
});
