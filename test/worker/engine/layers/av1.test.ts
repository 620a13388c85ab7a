/**
 * AV1 layer selection from the Dependency Descriptor ("RTP Payload Format for AV1" appendix A)
 * on synthetic streams with libwebrtc's L1T3, L3T3 and L3T3_KEY structures and real descriptor
 * bytes: which frames pass for each target, where the switches happen, the marker bit at the end
 * of what the receiver gets of each temporal unit, and — checked by a receiver that resolves
 * every forwarded frame's references (frame_number - fdiff, A.8.3) — that no forwarded frame
 * ever depends on one that was not forwarded.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Av1LayerContext, createAv1LayersReader } from '../../../../src/worker/engine/layers/av1';
import { PacketEdit, createLayerContext, packetLayersReader } from '../../../../src/worker/engine/layers';
import { RtpPacket } from '../../../../src/proto/rtp/rtpPacket';
import { DTI_NOT_PRESENT, DTI_SWITCH } from '../../../../src/proto/codecs/av1-dependency-descriptor';
import { prng } from '../../../helpers/prng';
import { DD_ID, L1T3, L3T3, L3T3_KEY, MODES, av1Payload, av1Stream, type Av1Frame, type LibwebrtcMode } from './av1Streams';

interface Out {
	frame: Av1Frame;
	/** Index of the packet in its frame. */
	k: number;
	marker: boolean;
}

interface Run {
	out: Out[];
	/** Current layers after each temporal unit, 's.t'. */
	current: Map<number, string>;
	/** keyFrameNeeded after each temporal unit. */
	keyNeeded: Map<number, boolean>;
}

function context(mode: LibwebrtcMode, spatial: number, temporal: number): Av1LayerContext {
	const ctx = new Av1LayerContext({
		spatialLayers: mode.spatialLayers,
		temporalLayers: mode.temporalLayers,
		ksvc: mode === L3T3_KEY,
		dependencyDescriptorId: DD_ID,
	});

	ctx.targetSpatialLayer = spatial;
	ctx.targetTemporalLayer = temporal;

	return ctx;
}

/**
 * Feeds the frames' packets (in `order` if given: [frame index, packet index]) to the context,
 * setting the target layers given for a temporal unit before its first packet.
 */
function run(
	ctx: Av1LayerContext,
	frames: readonly Av1Frame[],
	targets: ReadonlyMap<number, [number, number]> = new Map(),
	order?: ReadonlyArray<[number, number]>,
): Run {
	const out: Out[] = [];
	const current = new Map<number, string>();
	const keyNeeded = new Map<number, boolean>();
	const edit = new PacketEdit();
	const seq: Array<[number, number]> = order ? [...order] : frames.flatMap((f, i) => f.packets.map((_, k) => [i, k] as [number, number]));
	let lastTu = -1;

	for (const [i, k] of seq) {
		const frame = frames[i]!;

		if (frame.tu !== lastTu) {
			if (lastTu >= 0) {
				current.set(lastTu, `${ctx.currentSpatialLayer}.${ctx.currentTemporalLayer}`);
				keyNeeded.set(lastTu, ctx.keyFrameNeeded);
			}

			const target = targets.get(frame.tu);

			if (target !== undefined) {
				[ctx.targetSpatialLayer, ctx.targetTemporalLayer] = target;
			}
			lastTu = frame.tu;
		}

		const packet = frame.packets[k]!;

		edit.reset();
		if (ctx.process(packet, frame.key && k === 0, edit)) {
			out.push({ frame, k, marker: packet.marker || edit.marker });
		} else {
			assert.ok(edit.empty, 'no edit for a dropped packet');
		}
	}
	current.set(lastTu, `${ctx.currentSpatialLayer}.${ctx.currentTemporalLayer}`);
	keyNeeded.set(lastTu, ctx.keyFrameNeeded);

	return { out, current, keyNeeded };
}

/** Per temporal unit forwarded: the spatial layers of its frames, e.g. '12:01' (in arrival order of the units). */
function shape(out: readonly Out[], from = 0, to = Infinity): string[] {
	const map = new Map<number, Set<number>>();

	for (const o of out) {
		if (o.frame.tu >= from && o.frame.tu < to) {
			map.set(o.frame.tu, (map.get(o.frame.tu) ?? new Set()).add(o.frame.sid));
		}
	}

	return [...map].map(([tu, sids]) => `${tu}:${[...sids].sort().join('')}`);
}

/**
 * The receiver's side: every forwarded frame arrives whole, each of its references
 * (frame id - fdiff, A.8.3) arrived before it (with `reordered`: at all) — the chain back to a
 * key frame is intact — and, in sequence number order, each temporal unit it gets ends with
 * exactly one marker, on its last packet.
 */
function assertReceivable(out: readonly Out[], packetsPerFrame = 2, reordered = false): void {
	const packets = new Map<number, number>();
	const complete = new Set<number>();

	if (reordered) {
		for (const o of out) {
			complete.add(o.frame.frameId);
		}
	}
	for (const o of out) {
		const id = o.frame.frameId;
		const n = (packets.get(id) ?? 0) + 1;

		packets.set(id, n);
		if (n === 1 && !o.frame.key) {
			for (const fdiff of o.frame.fdiffs) {
				assert.ok(
					complete.has(id - fdiff),
					`frame ${id} (tu ${o.frame.tu} S${o.frame.sid}T${o.frame.tid}) references ${id - fdiff}, which the receiver does not have`,
				);
			}
		}
		if (n === packetsPerFrame) {
			complete.add(id);
		}
	}
	for (const [id, n] of packets) {
		assert.equal(n, packetsPerFrame, `frame ${id} forwarded in part`);
	}

	const bySeq = [...out].sort((a, b) => a.frame.packets[a.k]!.sequenceNumber - b.frame.packets[b.k]!.sequenceNumber);

	for (let i = 0; i < bySeq.length; i++) {
		const lastOfTu = i === bySeq.length - 1 || bySeq[i + 1]!.frame.tu !== bySeq[i]!.frame.tu;

		assert.equal(bySeq[i]!.marker, lastOfTu, `marker of tu ${bySeq[i]!.frame.tu} S${bySeq[i]!.frame.sid} packet ${bySeq[i]!.k}`);
	}
}

/** The temporal units of the cycle with temporal id <= t, as '<tu>:<sids>' for tus [from, to). */
function expectShape(frames: readonly Av1Frame[], from: number, to: number, pick: (f: Av1Frame) => boolean): string[] {
	return shape(
		frames.filter((f) => f.tu >= from && f.tu < to && pick(f)).map((frame) => ({ frame, k: 0, marker: false })),
	);
}

test('L1T3 (A.8.3 decode targets 15/30/60 fps): temporal targets 2, 1, 0 forward T0-T2, T0-T1, T0', () => {
	const frames = av1Stream(L1T3, 17);

	for (const t of [2, 1, 0]) {
		const ctx = context(L1T3, 0, t);
		const r = run(ctx, frames);

		assertReceivable(r.out);
		assert.deepEqual(shape(r.out), expectShape(frames, 0, 17, (f) => f.tid <= t), `target T${t}`);
		assert.equal(ctx.currentSpatialLayer, 0);
		assert.equal(ctx.currentTemporalLayer, t);
		assert.equal(ctx.keyFrameNeeded, false);
	}
});

test('L1T3: down at once; up at once while the target is intact, else at its next switch frame', () => {
	const frames = av1Stream(L1T3, 21);
	const ctx = context(L1T3, 0, 2);
	// Cycle after the key (tu 0): tu 1 T2, 2 T1, 3 T2, 4 T0, 5 T2, 6 T1, 7 T2, 8 T0, ...
	const r = run(ctx, frames, new Map([[6, [0, 0]], [11, [0, 2]], [13, [0, 1]], [17, [0, 2]]]));

	assertReceivable(r.out);
	// Down to T0 from tu 6 (a T1 unit) on: nothing but T0.
	assert.deepEqual(shape(r.out, 6, 11), ['8:0']);
	assert.equal(r.current.get(6), '0.0');
	// Up to T2 asked at tu 11 (T2B): its frame references the T1 frame of tu 10, dropped; the
	// 60 fps target lost a frame it requires ('-DS': switch) and comes back at the next frame
	// with a switch indication for it, the T0 of tu 12 ('SSS'). Meanwhile the receiver has all
	// the 30 fps target needs (the T1 frame it missed is discardable for it): it moves there.
	assert.deepEqual(shape(r.out, 11, 13), ['12:0']);
	assert.equal(r.current.get(11), '0.1');
	assert.equal(r.current.get(12), '0.2');
	// Down to T1 at tu 13 (T2A): its T2 frame is left out, and tu 15's.
	assert.deepEqual(shape(r.out, 13, 17), ['14:0', '16:0']);
	assert.equal(r.current.get(13), '0.1');
	// Up to T2 at tu 17 (T2A after a T0): the receiver has everything the 60 fps target needs
	// (the T2 frames it missed are discardable), the switch is immediate.
	assert.deepEqual(shape(r.out, 17, 21), ['17:0', '18:0', '19:0', '20:0']);
	assert.equal(r.current.get(17), '0.2');
});

test('L3T3 full SVC: each target gets its spatial layer and all below it, marker at its end', () => {
	const frames = av1Stream(L3T3, 13);

	for (const [s, t] of [[2, 2], [1, 2], [0, 2], [2, 0], [1, 1], [0, 0]] as const) {
		const ctx = context(L3T3, s, t);
		const r = run(ctx, frames);

		assertReceivable(r.out);
		assert.deepEqual(shape(r.out), expectShape(frames, 0, 13, (f) => f.sid <= s && f.tid <= t), `target ${s}.${t}`);
		assert.equal(`${ctx.currentSpatialLayer}.${ctx.currentTemporalLayer}`, `${s}.${t}`);
	}
});

test('L3T3 full SVC: spatial down at once, up only at a key frame (asked for), temporal up at S2T1', () => {
	const frames = av1Stream(L3T3, 30, { keyTus: [0, 20] });
	const ctx = context(L3T3, 2, 2);
	const r = run(
		ctx,
		frames,
		new Map<number, [number, number]>([
			[3, [1, 2]],
			[7, [2, 2]],
			[22, [2, 1]],
			[26, [2, 2]],
		]),
	);

	assertReceivable(r.out);
	assert.deepEqual(shape(r.out, 0, 3), ['0:012', '1:012', '2:012']);
	// Down to S1 at tu 3: its S2 frames are left out from that unit on, S1 ends it.
	assert.deepEqual(shape(r.out, 3, 7), ['3:01', '4:01', '5:01', '6:01']);
	assert.equal(r.current.get(3), '1.2');
	// Up to S2 from tu 7: S2 delta frames reference earlier S2 frames the receiver lacks; a key
	// frame is needed and comes at tu 20.
	assert.deepEqual(shape(r.out, 7, 20), expectShape(frames, 7, 20, (f) => f.sid <= 1));
	assert.equal(r.keyNeeded.get(7), true);
	assert.equal(r.current.get(19), '1.2');
	assert.deepEqual(shape(r.out, 20, 22), ['20:012', '21:012']);
	assert.equal(r.current.get(20), '2.2');
	assert.equal(r.keyNeeded.get(20), false);
	// Temporal down to T1 at tu 22 (a T1 unit): the T2 units (23, 25) are left out.
	assert.deepEqual(shape(r.out, 22, 26), ['22:012', '24:012']);
	assert.equal(r.current.get(22), '2.1');
	// Up to T2 at tu 26 (T1): the target missed tu 25's S0T2 (required by it): no switch at its
	// S0T1 and S1T1 (required), which pass as the current target needs them; S2T1 is the
	// target's switch frame ('-------DS'): the receiver is there from the next unit on (a unit
	// changes DT only before anything of it is forwarded).
	assert.equal(r.keyNeeded.get(26), false);
	assert.deepEqual(shape(r.out, 26, 30), ['26:012', '27:012', '28:012', '29:012']);
	assert.equal(r.current.get(25), '2.1');
	assert.equal(r.current.get(26), '2.1');
	assert.equal(r.current.get(27), '2.2');
});

test('L3T3_KEY (K-SVC): a target layer gets its own delta frames only; spatial changes wait for a key frame', () => {
	const frames = av1Stream(L3T3_KEY, 30, { keyTus: [0, 10, 20] });

	for (const s of [0, 1, 2]) {
		const r = run(context(L3T3_KEY, s, 2), frames);

		assertReceivable(r.out);
		// Key units: layers 0..s (the upper ones predict from the lower ones); else layer s alone.
		assert.deepEqual(
			shape(r.out),
			expectShape(frames, 0, 30, (f) => (f.tu % 10 === 0 ? f.sid <= s : f.sid === s)),
			`target S${s}`,
		);
	}

	const ctx = context(L3T3_KEY, 2, 2);
	const r = run(ctx, frames, new Map<number, [number, number]>([[5, [0, 2]], [13, [1, 1]]]));

	assertReceivable(r.out);
	// Down to S0 at tu 5: the S0 delta frames since the key were not forwarded (the T0 one of tu 4
	// too, which the next ones reference): S2 goes on until the key frame at tu 10 (asked for),
	// then S0 alone.
	assert.deepEqual(shape(r.out, 4, 10), ['4:2', '5:2', '6:2', '7:2', '8:2', '9:2']);
	assert.equal(r.keyNeeded.get(5), true);
	assert.equal(r.current.get(9), '2.2');
	assert.deepEqual(shape(r.out, 10, 13), ['10:0', '11:0', '12:0']);
	assert.equal(r.current.get(10), '0.2');
	// Up to S1 (T1) at tu 13: waits for the key frame at tu 20; then S0+S1 of the key unit and S1
	// delta frames of T0/T1 units.
	assert.deepEqual(shape(r.out, 13, 20), expectShape(frames, 13, 20, (f) => f.sid === 0 && f.tid <= 1));
	assert.equal(r.current.get(19), '0.1');
	assert.deepEqual(shape(r.out, 20, 30), expectShape(frames, 20, 30, (f) => (f.tu === 20 ? f.sid <= 1 : f.sid === 1 && f.tid <= 1)));
	assert.equal(r.current.get(20), '1.1');

	// A spatial change waiting for its key frame keeps the target's temporal layer: down to S0 T0
	// at tu 5, S2 goes on at T0 only (its T1/T2 frames are left out) until the key frame.
	const capped = run(context(L3T3_KEY, 2, 2), frames, new Map<number, [number, number]>([[5, [0, 0]]]));

	assertReceivable(capped.out);
	assert.deepEqual(shape(capped.out, 5, 12), ['8:2', '10:0']);
	assert.equal(capped.current.get(5), '2.0');
	assert.equal(capped.current.get(10), '0.0');
	assert.equal(capped.keyNeeded.get(5), true);

	// The first T0 unit after a key frame references the key picture only (libwebrtc's K-SVC
	// S0T0 'SSS------', fdiff 12 = the key S0 frame): down to S0 there is possible at once.
	const down = run(context(L3T3_KEY, 2, 2), frames, new Map<number, [number, number]>([[4, [0, 2]]]));

	assertReceivable(down.out);
	assert.deepEqual(shape(down.out, 1, 6), ['1:2', '2:2', '3:2', '4:0', '5:0']);
	assert.equal(down.current.get(4), '0.2');
});

test('receiver simulation: random targets and key frames, every mode, never a frame whose reference was dropped', () => {
	const rand = prng(0xa11);

	for (const mode of MODES) {
		for (let trial = 0; trial < 20; trial++) {
			const tus = 120;
			const keyTus = [0, ...Array.from({ length: 4 }, () => 1 + Math.floor(rand() * (tus - 1)))];
			const frames = av1Stream(mode, tus, {
				keyTus,
				firstFrameNumber: 65536 - 150 + Math.floor(rand() * 100),
				templateIdOffset: Math.floor(rand() * 64),
				packetsPerFrame: 2,
			});
			const targets = new Map<number, [number, number]>();

			for (let tu = 0; tu < tus; tu += 1 + Math.floor(rand() * 8)) {
				targets.set(tu, [Math.floor(rand() * mode.spatialLayers), Math.floor(rand() * mode.temporalLayers)]);
			}

			const ctx = context(mode, 0, 0);
			const r = run(ctx, frames, targets);

			assertReceivable(r.out);

			// Once settled (a key frame after the last target change and a full cycle), the receiver
			// gets exactly the frames of the target's decode target.
			const lastChange = Math.max(...targets.keys());
			const settle = keyTus.filter((k) => k > lastChange).sort((a, b) => a - b)[0];

			if (settle !== undefined && settle + 5 < tus) {
				const [s, t] = targets.get(lastChange)!;
				const dt = Math.min(s, mode.spatialLayers - 1) * mode.temporalLayers + t;

				assert.deepEqual(
					shape(r.out, settle + 1, tus),
					expectShape(frames, settle + 1, tus, (f) => f.dtis[dt] !== DTI_NOT_PRESENT),
					`${mode.name} trial ${trial}`,
				);
				assert.equal(`${ctx.currentSpatialLayer}.${ctx.currentTemporalLayer}`, `${s}.${t}`);
			}
		}
	}
});

test('receiver simulation with reordering upstream (packets up to 4 places late) and random targets', () => {
	const rand = prng(0xa12);

	for (const mode of MODES) {
		for (let trial = 0; trial < 40; trial++) {
			const tus = 100;
			const frames = av1Stream(mode, tus, { keyTus: [0, 30 + Math.floor(rand() * 40)], packetsPerFrame: 3 });
			const order = frames.flatMap((f, i) => f.packets.map((_, k) => [i, k] as [number, number]));

			for (let n = 0; n < order.length / 4; n++) {
				const a = Math.floor(rand() * (order.length - 4));
				const b = a + 1 + Math.floor(rand() * 4);

				[order[a], order[b]] = [order[b]!, order[a]!];
			}

			const targets = new Map<number, [number, number]>();

			for (let tu = 0; tu < tus; tu += 1 + Math.floor(rand() * 10)) {
				targets.set(tu, [Math.floor(rand() * mode.spatialLayers), Math.floor(rand() * mode.temporalLayers)]);
			}

			const r = run(context(mode, 0, 0), frames, targets, order);

			assertReceivable(r.out, 3, true);
			assert.ok(r.out.length > 0);
		}
	}
});

test('late and reordered packets get their frame\'s verdict; a frame repaired after its dependents still passes', () => {
	const frames = av1Stream(L3T3, 16, { keyTus: [0, 12], packetsPerFrame: 3 });
	// Swap the last two packets of every frame, and hold tu 2's S1 frame back behind tu 3's first frame.
	const held = frames.findIndex((g) => g.tu === 2 && g.sid === 1);
	const order: Array<[number, number]> = [];

	frames.forEach((f, i) => {
		if (i === held) {
			return;
		}
		order.push([i, 0], [i, 2], [i, 1]);
		if (f.tu === 3 && f.sid === 0) {
			order.push([held, 0], [held, 1], [held, 2]);
		}
	});

	const ctx = context(L3T3, 1, 2);
	const r = run(ctx, frames, new Map(), order);
	const got = r.out.map((o) => `${o.frame.tu}.${o.frame.sid}.${o.k}${o.marker ? 'M' : ''}`);

	// S1 frames end their unit: the marker goes on their end-of-frame packet (2), arrived second to
	// last; tu 2's S1 frame, late, still gets it.
	assert.deepEqual(got.slice(0, 6), ['0.0.0', '0.0.2', '0.0.1', '0.1.0', '0.1.2M', '0.1.1']);
	assert.ok(got.includes('2.1.2M'));
	assert.equal(r.out.length, 16 * 2 * 3);

	// Every packet of tu 4's S0T0 frame comes late (an upstream repair), after the frames that
	// reference it: the context cannot tell late from lost, and a frame not seen yet will be
	// needed by the same decode target: they pass, and so does the repaired frame.
	const late = frames.findIndex((f) => f.tu === 4 && f.sid === 0);
	const after = frames.findIndex((f) => f.tu === 6 && f.sid === 1);
	const order2: Array<[number, number]> = [];

	frames.forEach((f, i) => {
		if (i !== late) {
			order2.push([i, 0], [i, 1], [i, 2]);
		}
		if (i === after) {
			order2.push([late, 0], [late, 1], [late, 2]);
		}
	});

	const ctx2 = context(L3T3, 1, 2);
	const r2 = run(ctx2, frames, new Map(), order2);

	assert.deepEqual(shape(r2.out), expectShape(frames, 0, 16, (f) => f.sid <= 1));
	assert.ok(r2.out.some((o) => o.frame === frames[late]));
	assert.ok([...r2.keyNeeded.values()].every((v) => !v));
});

test('a switch up in the middle of a temporal unit waits: never two markers in a unit', () => {
	// tu 8 (a T0 unit) carries an S1 frame that references the S0 frame of its unit only (custom
	// fdiffs, as after an encoder restarts a layer): a switch point for the S1 decode targets,
	// reachable without a key frame, but in the middle of a unit the receiver ends at S0.
	const frames = av1Stream(L3T3, 12, {
		custom: ({ tu, sid }) => (tu === 8 && sid === 1 ? { fdiffs: [1], dtis: [0, 0, 0, DTI_SWITCH, DTI_SWITCH, DTI_SWITCH, 3, 3, 3] } : undefined),
	});
	const ctx = context(L3T3, 1, 2);
	const r = run(ctx, frames, new Map<number, [number, number]>([[3, [0, 2]], [8, [1, 2]]]));

	assertReceivable(r.out);
	assert.deepEqual(shape(r.out, 3, 12), ['3:0', '4:0', '5:0', '6:0', '7:0', '8:0', '9:0', '10:0', '11:0']);
	assert.equal(ctx.currentSpatialLayer, 0);
	// The S1 frames after it reference it: S1 comes back at a key frame.
	assert.equal(ctx.keyFrameNeeded, true);
});

test('a new structure at each key frame (other template id offset); a late repair of an older key frame does not replace it', () => {
	const a = av1Stream(L3T3_KEY, 6, { templateIdOffset: 10 });
	const b = av1Stream(L3T3_KEY, 6, { templateIdOffset: 50, firstFrameNumber: a[a.length - 1]!.frameId + 1, firstSeq: 3000, firstTimestamp: 200000 });
	const ctx = context(L3T3_KEY, 1, 2);
	const edit = new PacketEdit();
	const r1 = run(ctx, a);

	assertReceivable(r1.out);

	const r2 = run(ctx, b);

	assertReceivable(r2.out);
	assert.deepEqual(shape(r2.out), expectShape(b, 0, 6, (f) => (f.tu === 0 ? f.sid <= 1 : f.sid === 1)));
	// The first key frame's structure packet again (an upstream repair): its old verdict, and the
	// next frame of b still resolves against b's structure.
	assert.equal(ctx.process(a[0]!.packets[0]!, true, edit), true);

	const next = av1Stream(L3T3_KEY, 7, { templateIdOffset: 50, firstFrameNumber: a[a.length - 1]!.frameId + 1, firstSeq: 3000, firstTimestamp: 200000 });
	const tail = next.filter((f) => f.tu === 6);
	const r3 = run(ctx, tail);

	assert.deepEqual(shape(r3.out), ['6:1']);
});

test('no descriptor (a sender without the extension): every packet passes, every layer is current', () => {
	const ctx = new Av1LayerContext({ spatialLayers: 1, temporalLayers: 3, ksvc: false, dependencyDescriptorId: DD_ID });
	const edit = new PacketEdit();

	ctx.targetSpatialLayer = 0;
	ctx.targetTemporalLayer = 0;

	const packet = RtpPacket.create({ payloadType: 45, sequenceNumber: 1, timestamp: 1, ssrc: 1, payload: av1Payload({ key: true, sid: 0, tid: 0, k: 0, count: 1 }) });

	assert.equal(ctx.process(packet, true, edit), true);
	assert.ok(edit.empty);
	assert.equal(ctx.currentTemporalLayer, 2);
	assert.equal(ctx.keyFrameNeeded, false);

	// Nothing targeted: nothing passes.
	ctx.targetTemporalLayer = -1;
	assert.equal(ctx.process(packet, true, edit), false);
});

test('reset(): selection restarts at a key frame; current layers forgotten', () => {
	const frames = av1Stream(L1T3, 10, { keyTus: [0, 6] });
	const ctx = context(L1T3, 0, 2);

	run(ctx, frames.slice(0, 3));
	assert.equal(ctx.currentTemporalLayer, 2);
	ctx.reset();
	assert.equal(ctx.currentTemporalLayer, -1);
	assert.equal(ctx.keyFrameNeeded, true);

	const r = run(ctx, frames.slice(3));

	assert.deepEqual(shape(r.out), ['6:0', '7:0', '8:0', '9:0']);
	assert.equal(ctx.currentTemporalLayer, 2);
});

test('AV1 layers reader: layers from the OBU extension header; a continuation packet counts in the layer of the OBU it continues', () => {
	const read = createAv1LayersReader();

	assert.equal(read(av1Payload({ key: false, sid: 1, tid: 2, k: 1, count: 2 })), -1, 'nothing known yet');
	assert.equal(read(av1Payload({ key: false, sid: 2, tid: 1, k: 0, count: 3 })), 2 * 8 + 1);
	assert.equal(read(av1Payload({ key: false, sid: 2, tid: 1, k: 1, count: 3 })), 2 * 8 + 1);
	assert.equal(read(av1Payload({ key: false, sid: 2, tid: 1, k: 2, count: 3 })), 2 * 8 + 1);
	assert.equal(read(av1Payload({ key: true, sid: 0, tid: 0, k: 0, count: 2 })), 0);
	assert.equal(read(av1Payload({ key: false, sid: 1, tid: 2, k: 0, count: 2 })), 1 * 8 + 2);
	assert.equal(read(Uint8Array.from([0x10])), 1 * 8 + 2, 'unparsable: the last layer');

	// Per stream: each producer stream gets its own reader.
	const a = packetLayersReader('video/AV1')!;
	const b = packetLayersReader('video/AV1')!;

	a(av1Payload({ key: false, sid: 2, tid: 0, k: 0, count: 2 }));
	assert.equal(b(av1Payload({ key: false, sid: 2, tid: 0, k: 1, count: 2 })), -1);
	assert.equal(a(av1Payload({ key: false, sid: 2, tid: 0, k: 1, count: 2 })), 16);

	// Over a whole L3T3 stream every packet is counted in its frame's layer.
	const frames = av1Stream(L3T3, 8, { packetsPerFrame: 4 });
	const read2 = createAv1LayersReader();

	for (const f of frames) {
		for (const p of f.packets) {
			assert.equal(read2(p.payload), f.sid * 8 + f.tid);
		}
	}
});

test('createLayerContext: video/AV1 gets the dependency descriptor context (router id by default)', () => {
	const ctx = createLayerContext('video/AV1', { spatialLayers: 3, temporalLayers: 3, ksvc: true });

	assert.ok(ctx instanceof Av1LayerContext);
	ctx.targetSpatialLayer = 0;
	ctx.targetTemporalLayer = 2;

	const r = run(ctx, av1Stream(L3T3_KEY, 4));

	assert.deepEqual(shape(r.out), ['0:0', '1:0', '2:0', '3:0']);
});
