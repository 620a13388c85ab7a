/**
 * VP8 layer selection (RFC 7741 §4.2 descriptor: TID, Y, picture id, TL0PICIDX) on synthetic
 * L1T3 streams shaped like libwebrtc's (temporal pattern 0 2 1 2, layer sync on the first TL2
 * and TL1 frame of each 8-frame cycle): which frames pass for each target, where the temporal
 * layer may go up, and that the ids the receiver sees have no gaps (libwebrtc's VP8 reference
 * finder waits for a missing picture id) across drops and simulcast switches.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Vp8LayerContext, readVp8Layers } from '../../../../src/worker/engine/layers/vp8';
import { PacketEdit, createLayerContext } from '../../../../src/worker/engine/layers';
import { parseVp8Descriptor } from '../../../../src/proto/codecs/vp8';
import { RtpPacket } from '../../../../src/proto/rtp/rtpPacket';
import { vp8Stream, type Vp8Frame } from './streams';

interface Out {
	frame: number;
	tid: number;
	pictureId: number;
	tl0PicIdx: number;
}

/** Runs packets through the context; the forwarded ones as the receiver would parse them. */
function run(ctx: Vp8LayerContext, packets: readonly RtpPacket[], frameOf: (p: RtpPacket) => number): Out[] {
	const out: Out[] = [];
	const edit = new PacketEdit();

	for (const packet of packets) {
		const original = Buffer.from(packet.buffer.subarray(0, packet.length));

		edit.reset();
		if (!ctx.process(packet, isFirstOfKeyFrame(packet), edit)) {
			continue;
		}
		// The shared packet is never written.
		assert.deepEqual(packet.buffer.subarray(0, packet.length), original);

		const copy = RtpPacket.parse(Buffer.from(original))!;

		edit.applyTo(copy.buffer, copy.payloadOffset, copy.payloadLength);

		const d = parseVp8Descriptor(copy.payload)!;

		out.push({ frame: frameOf(packet), tid: d.tid, pictureId: d.pictureId, tl0PicIdx: d.tl0PicIdx });
	}

	return out;
}

function isFirstOfKeyFrame(packet: RtpPacket): boolean {
	return parseVp8Descriptor(packet.payload)!.isKeyFrame;
}

function packetsOf(frames: readonly Vp8Frame[]): RtpPacket[] {
	return frames.flatMap((f) => f.packets);
}

function frameIndex(frames: readonly Vp8Frame[]): (p: RtpPacket) => number {
	const map = new Map<number, number>();

	for (const f of frames) {
		map.set(f.timestamp, f.index);
	}

	return (p) => map.get(p.timestamp)!;
}

function context(target: number): Vp8LayerContext {
	const ctx = new Vp8LayerContext({ spatialLayers: 1, temporalLayers: 3, ksvc: false });

	ctx.targetSpatialLayer = 0;
	ctx.targetTemporalLayer = target;

	return ctx;
}

/** Distinct frames forwarded, in order. */
function framesOf(out: readonly Out[]): number[] {
	return [...new Set(out.map((o) => o.frame))];
}

/** Each forwarded frame's picture id is the previous one + 1 (15-bit), TL0PICIDX +1 per TL0 frame. */
function assertContinuous(out: readonly Out[], modulus = 0x8000): void {
	let last: Out | undefined;

	for (const o of out) {
		if (last !== undefined && o.frame !== last.frame) {
			assert.equal(o.pictureId, (last.pictureId + 1) % modulus, `picture id after frame ${last.frame}`);
			assert.equal(o.tl0PicIdx, o.tid === 0 ? (last.tl0PicIdx + 1) & 0xff : last.tl0PicIdx, `TL0PICIDX at frame ${o.frame}`);
		} else if (last !== undefined) {
			assert.equal(o.pictureId, last.pictureId, 'same frame, same id');
		}
		last = o;
	}
}

test('target temporal layer 2: every frame passes with its own ids', () => {
	const frames = vp8Stream(24);
	const out = run(context(2), packetsOf(frames), frameIndex(frames));

	assert.equal(out.length, 48);
	assert.deepEqual(
		out.map((o) => o.pictureId),
		frames.flatMap((f) => [f.pictureId, f.pictureId]),
	);
	assertContinuous(out);
});

test('target temporal layer 0 and 1: only those frames, picture ids and TL0PICIDX without gaps', () => {
	const frames = vp8Stream(32, { firstPictureId: 0x7ff0, firstTl0PicIdx: 0xfd });
	const ctx0 = context(0);
	const out0 = run(ctx0, packetsOf(frames), frameIndex(frames));

	assert.deepEqual(framesOf(out0), frames.filter((f) => f.tid === 0).map((f) => f.index));
	assert.ok(out0.every((o) => o.tid === 0));
	assertContinuous(out0);
	assert.equal(ctx0.currentTemporalLayer, 0);

	const ctx1 = context(1);
	const out1 = run(ctx1, packetsOf(frames), frameIndex(frames));

	assert.deepEqual(framesOf(out1), frames.filter((f) => f.tid <= 1).map((f) => f.index));
	assertContinuous(out1);
	assert.equal(ctx1.currentTemporalLayer, 1);
	// A quarter and half of the frames: 30 fps becomes 7.5 and 15.
	assert.equal(framesOf(out0).length, 8);
	assert.equal(framesOf(out1).length, 16);
});

test('up at a layer sync (Y) frame only, down at the next frame', () => {
	const frames = vp8Stream(40);
	const index = frameIndex(frames);
	const ctx = context(0);
	const out: Out[] = [];

	// Frames 0..10 at layer 0; the target goes up before frame 11 (TL2 without Y).
	out.push(...run(ctx, packetsOf(frames.slice(0, 11)), index));
	ctx.targetTemporalLayer = 2;
	out.push(...run(ctx, packetsOf(frames.slice(11, 24)), index));
	assert.equal(ctx.currentTemporalLayer, 2);
	// Down to 0 in the middle of frame 25 (TL2): that frame ends whole, then TL0 only.
	out.push(...run(ctx, frames[24]!.packets, index));
	out.push(...run(ctx, frames[25]!.packets.slice(0, 1), index));
	ctx.targetTemporalLayer = 0;
	out.push(...run(ctx, frames[25]!.packets.slice(1), index));
	out.push(...run(ctx, packetsOf(frames.slice(26, 40)), index));

	const got = framesOf(out);

	// 11 (TL2), 12 (TL0), 13-15 (no Y) wait; 16 is TL0, 17 (TL2, Y) and 18 (TL1, Y) sync both
	// layers; from there all pass until 25; then TL0 only.
	assert.deepEqual(got, [0, 4, 8, 12, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 32, 36]);
	assert.equal(out.filter((o) => o.frame === 25).length, 2, 'frame 25 whole');
	assert.equal(ctx.currentTemporalLayer, 0);
	assertContinuous(out);
});

test('a TL2 sync frame before the TL1 one: TL2 taken at once, non-sync TL2 frames wait for TL1', () => {
	const frames = vp8Stream(24);
	const index = frameIndex(frames);
	const ctx = context(1);
	const out: Out[] = [];

	out.push(...run(ctx, packetsOf(frames.slice(0, 5)), index));
	// Layer 1 is in sync (frame 2); now up to 2 before frame 5 (TL2 without Y), 9 is TL2 with Y.
	ctx.targetTemporalLayer = 2;
	out.push(...run(ctx, packetsOf(frames.slice(5, 24)), index));
	assert.deepEqual(framesOf(out), [0, 2, 4, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
	assertContinuous(out);
});

test('layer 1 out of sync: a TL2 Y frame passes but later TL2 frames wait until TL1 syncs', () => {
	const frames = vp8Stream(24);
	const index = frameIndex(frames);
	const ctx = context(0);
	const out: Out[] = [];

	out.push(...run(ctx, packetsOf(frames.slice(0, 9)), index));
	ctx.targetTemporalLayer = 2;
	// Frame 9 (TL2, Y) passes; frame 10 (TL1, Y) syncs TL1; 11 (TL2) can pass since 9.
	out.push(...run(ctx, packetsOf(frames.slice(9, 12)), index));
	assert.deepEqual(framesOf(out), [0, 4, 8, 9, 10, 11]);

	// Drop frame 12's successor TL1 path: target 1 loses TL2 sync; back to 2 waits for a Y frame.
	ctx.targetTemporalLayer = 1;
	out.push(...run(ctx, packetsOf(frames.slice(12, 14)), index));
	ctx.targetTemporalLayer = 2;
	out.push(...run(ctx, packetsOf(frames.slice(14, 18)), index));
	// 13 (TL2) dropped at target 1, 15 (TL2, no Y) waits, 17 (TL2, Y) passes.
	assert.deepEqual(framesOf(out), [0, 4, 8, 9, 10, 11, 12, 14, 16, 17]);
	assertContinuous(out);
});

test('a key frame brings every layer up to the target at once', () => {
	const frames = vp8Stream(16, { keyFrames: [0, 12] });
	const index = frameIndex(frames);
	const ctx = context(0);
	const out: Out[] = [];

	out.push(...run(ctx, packetsOf(frames.slice(0, 11)), index));
	ctx.targetTemporalLayer = 2;
	// 11 is TL2 without Y: waits; 12 is a key frame: 13, 14, 15 follow.
	out.push(...run(ctx, packetsOf(frames.slice(11)), index));
	assert.deepEqual(framesOf(out), [0, 4, 8, 12, 13, 14, 15]);
	assert.equal(ctx.currentTemporalLayer, 2);
	assertContinuous(out);
});

test('simulcast switch: sync() continues picture id and TL0PICIDX after the last sent', () => {
	const a = vp8Stream(10, { firstPictureId: 5000, firstTl0PicIdx: 40, ssrc: 1 });
	const b = vp8Stream(10, { firstPictureId: 20000, firstTl0PicIdx: 200, ssrc: 2, firstTimestamp: 777, firstSeq: 9 });
	const ctx = context(1);
	const out: Out[] = [];

	out.push(...run(ctx, packetsOf(a), () => 0));
	// The last one sent: frame 8 (TL0) then frame 9 (TL2) dropped at target 1.
	const last = out[out.length - 1]!;

	ctx.sync();
	out.push(...run(ctx, packetsOf(b), () => 1));

	const first = out.find((o) => o.frame === 1)!;

	assert.equal(first.pictureId, last.pictureId + 1);
	assert.equal(first.tl0PicIdx, (last.tl0PicIdx + 1) & 0xff);
	// Stream b at target 1: its frames 0, 2, 4, 6, 8.
	assert.equal(out.filter((o) => o.frame === 1).length, 10);

	// Frame identity within the switch: consecutive ids over the whole output.
	let prev = out[0]!;

	for (const o of out.slice(1)) {
		if (o.pictureId !== prev.pictureId) {
			assert.equal(o.pictureId, (prev.pictureId + 1) & 0x7fff);
		}
		prev = o;
	}
});

test('late packets: a dropped frame stays dropped, a forwarded one keeps the id it had', () => {
	const frames = vp8Stream(12);
	const index = frameIndex(frames);
	const ctx = context(1);
	const first = run(ctx, [...frames[0]!.packets, ...frames[1]!.packets, frames[2]!.packets[0]!], index);

	// Frame 1 (TL2) dropped; frame 2 (TL1) first packet passed.
	assert.deepEqual(framesOf(first), [0, 2]);

	const later = run(ctx, [...frames[3]!.packets, ...frames[4]!.packets], index);
	// Now the late ones: frame 2's second packet and one of frame 1.
	const late = run(ctx, [frames[2]!.packets[1]!, frames[1]!.packets[1]!], index);

	assert.deepEqual(late.map((o) => o.frame), [2]);
	assert.equal(late[0]!.pictureId, first[first.length - 1]!.pictureId);
	assert.equal(later[0]!.frame, 4);
	assert.equal(later[0]!.pictureId, first[first.length - 1]!.pictureId + 1);
});

test('7-bit picture ids keep their form and wrap at 128', () => {
	const frames = vp8Stream(300, { shortPictureId: true, firstPictureId: 120 });
	const out = run(context(0), packetsOf(frames), frameIndex(frames));

	assert.equal(framesOf(out).length, 75);
	assertContinuous(out, 0x80);
});

test('no TID in the stream (L1T1): everything passes, temporal layer 0', () => {
	const frames = vp8Stream(8, { temporalLayers: 1 });
	const ctx = context(0);
	const out = run(ctx, packetsOf(frames), frameIndex(frames));

	assert.equal(out.length, 16);
	assert.equal(ctx.currentTemporalLayer, 0);
	assert.equal(ctx.currentSpatialLayer, 0);
});

test('nothing targeted yet: nothing passes; reset() continues ids after a pause', () => {
	const frames = vp8Stream(16, { keyFrames: [0, 8] });
	const index = frameIndex(frames);
	const ctx = new Vp8LayerContext({ spatialLayers: 1, temporalLayers: 3, ksvc: false });

	assert.equal(run(ctx, packetsOf(frames.slice(0, 2)), index).length, 0);
	ctx.targetTemporalLayer = 2;

	const before = run(ctx, packetsOf(frames.slice(0, 4)), index);

	ctx.reset();
	assert.equal(ctx.currentTemporalLayer, -1);

	const after = run(ctx, packetsOf(frames.slice(8)), index);

	assert.equal(after[0]!.pictureId, before[before.length - 1]!.pictureId + 1);
	assert.equal(ctx.currentTemporalLayer, 2);
});

test('createLayerContext picks VP8 by mime type; readVp8Layers gives the TID', () => {
	assert.ok(createLayerContext('video/VP8', { spatialLayers: 1, temporalLayers: 3, ksvc: false }) instanceof Vp8LayerContext);

	const frames = vp8Stream(4);

	assert.deepEqual(
		frames.map((f) => readVp8Layers(f.packets[0]!.payload)),
		[0, 2, 1, 2],
	);
	assert.equal(readVp8Layers(new Uint8Array([0x80])), -1);
});
