/**
 * H264 temporal layer selection from the Dependency Descriptor (mediasoup 3.19, PR 1517: the
 * descriptor replaced frame-marking when libwebrtc dropped it) on synthetic streams as Chromium
 * sends an L1T3 H264 encoding: real descriptor bytes of libwebrtc's L1T3 structure ("RTP Payload
 * Format for AV1" appendix A.8.3: decode targets 15/30/60 fps), STAP-A SPS/PPS + FU-A IDR key
 * frames (RFC 6184). Which frames pass for each temporal target, switches up only where the
 * receiver can decode (T0 switch frames, or at once when it has what the target needs), the
 * marker at the end of every forwarded frame, and no descriptor = pass-through.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { H264LayerContext } from '../../../../src/worker/engine/layers/h264';
import { DependencyDescriptorLayerContext } from '../../../../src/worker/engine/layers/dependencyDescriptor';
import { PacketEdit, createLayerContext } from '../../../../src/worker/engine/layers';
import { isH264KeyFrame } from '../../../../src/proto/codecs/h264';
import { DD_ID, L1T3, h264Stream, type H264Frame } from './h264Streams';

function context(temporal: number): H264LayerContext {
	const ctx = new H264LayerContext({ spatialLayers: 1, temporalLayers: 3, ksvc: false, dependencyDescriptorId: DD_ID });

	ctx.targetSpatialLayer = 0;
	ctx.targetTemporalLayer = temporal;

	return ctx;
}

interface Run {
	/** Frames forwarded (tu), each once, in order. */
	tus: number[];
	/** Current layers 's.t' after each frame. */
	current: string[];
}

/**
 * Feeds every packet (targets set before a frame's first packet); checks that each frame
 * passes whole or not at all, and that the marker ends each forwarded frame and only there.
 */
function run(ctx: H264LayerContext, frames: readonly H264Frame[], targets: ReadonlyMap<number, number> = new Map()): Run {
	const tus: number[] = [];
	const current: string[] = [];
	const edit = new PacketEdit();

	for (const f of frames) {
		const t = targets.get(f.tu);

		if (t !== undefined) {
			ctx.targetTemporalLayer = t;
		}

		const verdicts = f.packets.map((p) => {
			edit.reset();

			const forward = ctx.process(p, isH264KeyFrame(p.payload), edit);

			assert.equal(forward ? p.marker || edit.marker : false, forward && p === f.packets[f.packets.length - 1], `marker of frame ${f.tu}`);

			return forward;
		});

		assert.ok(verdicts.every((v) => v === verdicts[0]), `frame ${f.tu} forwarded whole or not at all`);
		if (verdicts[0]) {
			tus.push(f.tu);
		}
		current.push(`${ctx.currentSpatialLayer}.${ctx.currentTemporalLayer}`);
	}

	return { tus, current };
}

/** The receiver decodes every forwarded frame: each reference (frame id - fdiff) was forwarded before it. */
function assertDecodable(frames: readonly H264Frame[], tus: readonly number[]): void {
	const have = new Set<number>();

	for (const tu of tus) {
		const f = frames[tu]!;

		if (!f.key) {
			for (const fdiff of f.fdiffs) {
				assert.ok(have.has(f.frameId - fdiff), `frame ${tu} (T${f.tid}) references ${f.frameId - fdiff}, not forwarded`);
			}
		}
		have.add(f.frameId);
	}
}

const range = (from: number, to: number, pick: (tu: number) => boolean = () => true): number[] =>
	Array.from({ length: to - from }, (_, i) => from + i).filter(pick);

test('createLayerContext: video/H264 gets the dependency descriptor context (AV1\'s, router id by default)', () => {
	const ctx = createLayerContext('video/H264', { spatialLayers: 1, temporalLayers: 3, ksvc: false });

	assert.ok(ctx instanceof H264LayerContext);
	assert.ok(ctx instanceof DependencyDescriptorLayerContext);
	assert.ok(createLayerContext('video/AV1', { spatialLayers: 1, temporalLayers: 3, ksvc: false }) instanceof DependencyDescriptorLayerContext);

	// The router's id of the descriptor (8) is what it reads when none is given.
	const frames = h264Stream(L1T3, 9);

	ctx!.targetSpatialLayer = 0;
	ctx!.targetTemporalLayer = 0;

	const edit = new PacketEdit();
	const tus = frames.filter((f) => f.packets.every((p) => ctx!.process(p, false, edit))).map((f) => f.tu);

	assert.deepEqual(tus, [0, 4, 8]);
});

test('L1T3 H264: temporal targets 2, 1, 0 forward T0-T2 (every frame), T0-T1 (1/2), T0 (1/4); marker on each frame\'s last packet', () => {
	const frames = h264Stream(L1T3, 33);

	for (const t of [2, 1, 0]) {
		const ctx = context(t);
		const r = run(ctx, frames);

		assert.deepEqual(r.tus, range(0, 33, (tu) => frames[tu]!.tid <= t), `target T${t}`);
		assertDecodable(frames, r.tus);
		assert.equal(r.current[32], `0.${t}`);
		assert.equal(ctx.keyFrameNeeded, false);
	}
	// Frame rates for a 30 fps sender: 33 / 17 / 9 frames of 33.
	assert.deepEqual([2, 1, 0].map((t) => run(context(t), frames).tus.length), [33, 17, 9]);
});

test('L1T3 H264: down at once; up at once when the receiver has what the target needs, else at the next T0 (a switch frame)', () => {
	const frames = h264Stream(L1T3, 25);
	// After the IDR (0): 1 T2A, 2 T1, 3 T2B, 4 T0, 5 T2A, 6 T1, 7 T2B, 8 T0, 9 T2A, ...
	const r = run(context(2), frames, new Map([[6, 0], [9, 2], [11, 0], [14, 2], [17, 1], [19, 2]]));

	assertDecodable(frames, r.tus);
	// Down to T0 at frame 6 (a T1): at once.
	assert.deepEqual(r.tus.filter((tu) => tu >= 6 && tu < 9), [8]);
	assert.equal(r.current[6], '0.0');
	// Up to T2 at frame 9 (T2A after the forwarded T0 of 8, referencing it only): the T1 and T2
	// frames the receiver missed before 8 are needed by nothing after that switch frame: at once.
	assert.deepEqual(r.tus.filter((tu) => tu >= 9 && tu < 11), [9, 10]);
	assert.equal(r.current[9], '0.2');
	// Down to T0 at 11, up to T2 asked at 14 (a T1 referencing the T0 of 12): the frames the
	// receiver missed since 12 (13, T2A) are discardable, and 14 is a switch frame for the
	// 60 fps target ('-DS'): at once.
	assert.deepEqual(r.tus.filter((tu) => tu >= 11 && tu < 14), [12]);
	assert.deepEqual(r.tus.filter((tu) => tu >= 14 && tu < 17), [14, 15, 16]);
	assert.equal(r.current[14], '0.2');
	// Down to T1 at 17 (T2A): T2 frames 17 left out; up to T2 at 19 (T2B, referencing the T1
	// of 18, forwarded): at once.
	assert.deepEqual(r.tus.filter((tu) => tu >= 17 && tu < 19), [18]);
	assert.equal(r.current[17], '0.1');
	assert.deepEqual(r.tus.filter((tu) => tu >= 19), range(19, 25));
	assert.equal(r.current[24], '0.2');
});

test('L1T3 H264: an up-switch whose frames reference a dropped frame waits for the next T0', () => {
	const frames = h264Stream(L1T3, 17);
	// T0 only from the start; T2 asked at frame 7 (T2B, referencing the T1 of 6, dropped).
	const r = run(context(0), frames, new Map([[7, 2]]));

	assertDecodable(frames, r.tus);
	// Frame 7 is dropped (its reference 6 is missing): the 60 fps target waits for the T0 of 8,
	// a switch frame for every target, then the receiver gets every frame. Meanwhile it has all
	// the 30 fps target needs (the T1 frame 6 is discardable for it: '-DS'), which it reports.
	assert.deepEqual(r.tus, [0, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
	assert.equal(r.current[6], '0.0');
	assert.equal(r.current[7], '0.1');
	assert.equal(r.current[8], '0.2');

	// Up asked at frame 2 (a T1 referencing the IDR, forwarded): frame 1 (T2A) missed is
	// discardable, 2 is a switch frame for T2: at once.
	const r2 = run(context(0), frames, new Map([[2, 2]]));

	assertDecodable(frames, r2.tus);
	assert.deepEqual(r2.tus, [0, ...range(2, 17)]);
	assert.equal(r2.current[2], '0.2');
});

test('no descriptor (the sender did not negotiate it): every H264 packet passes, every temporal layer is current', () => {
	const frames = h264Stream(L1T3, 9, { ddId: 0 });
	const ctx = context(0);

	assert.equal(ctx.keyFrameNeeded, true, 'nothing forwarded yet');

	const r = run(ctx, frames);

	assert.deepEqual(r.tus, range(0, 9));
	assert.equal(ctx.currentSpatialLayer, 0);
	assert.equal(ctx.currentTemporalLayer, 2);
	assert.equal(ctx.keyFrameNeeded, false);
});

test('simulcast switch: sync() forgets the stream\'s structure and frame numbering; filtering resumes at the new stream\'s IDR', () => {
	// Two encodings, each with its own frame numbers (one far from the other) and timestamps.
	const a = h264Stream(L1T3, 12, { firstFrameNumber: 100, firstSeq: 100, firstTimestamp: 1000, ssrc: 1 });
	const b = h264Stream(L1T3, 24, { firstFrameNumber: 40000, firstSeq: 5000, firstTimestamp: 777000, ssrc: 2, keyTus: [10] });
	const ctx = context(1);
	const ra = run(ctx, a);

	assert.deepEqual(ra.tus, range(0, 12, (tu) => a[tu]!.tid <= 1));
	// The consumer switches to stream b at its IDR (frame 10) and syncs the context there.
	ctx.sync();

	const rb = run(ctx, b.slice(10));

	assert.deepEqual(rb.tus, range(10, 24, (tu) => b[tu]!.tid <= 1));
	assertDecodable(b, rb.tus);
	assert.equal(ctx.currentTemporalLayer, 1);

	// Without the IDR (a delta frame first after sync): nothing passes until one comes.
	const ctx2 = context(2);

	run(ctx2, a.slice(0, 3));
	ctx2.sync();
	assert.deepEqual(run(ctx2, b.slice(11, 14)).tus, []);
	assert.equal(ctx2.keyFrameNeeded, true);
});
