/**
 * VP9 layer selection (RFC 9628 §4.2 descriptor: SID, TID, U, P, B, E) on synthetic L3T3 (full
 * SVC) and L3T3_KEY (K-SVC) streams: which layer frames pass for each target, where spatial and
 * temporal switches happen, and the marker bit at the end of what the receiver gets of a picture.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Vp9LayerContext, readVp9Layers } from '../../../../src/worker/engine/layers/vp9';
import { PacketEdit, createLayerContext, isKsvcMode } from '../../../../src/worker/engine/layers';
import { parseVp9Descriptor } from '../../../../src/proto/codecs/vp9';
import type { RtpPacket } from '../../../../src/proto/rtp/rtpPacket';
import { vp9Stream, type Vp9Picture } from './streams';

interface Out {
	picture: number;
	sid: number;
	tid: number;
	marker: boolean;
}

function run(ctx: Vp9LayerContext, pictures: readonly Vp9Picture[], only?: (p: RtpPacket) => boolean): Out[] {
	const out: Out[] = [];
	const edit = new PacketEdit();

	for (const picture of pictures) {
		for (const packet of picture.packets) {
			if (only !== undefined && !only(packet)) {
				continue;
			}

			const d = parseVp9Descriptor(packet.payload)!;

			edit.reset();
			if (ctx.process(packet, d.isKeyFrame, edit)) {
				out.push({ picture: picture.index, sid: d.sid, tid: d.tid, marker: packet.marker || edit.marker });
			}
		}
	}

	return out;
}

function context(ksvc: boolean, spatial: number, temporal: number): Vp9LayerContext {
	const ctx = new Vp9LayerContext({ spatialLayers: 3, temporalLayers: 3, ksvc });

	ctx.targetSpatialLayer = spatial;
	ctx.targetTemporalLayer = temporal;

	return ctx;
}

/** Per picture forwarded: its spatial layers in order, e.g. '0:012'. */
function shape(out: readonly Out[]): string[] {
	const map = new Map<number, string>();

	for (const o of out) {
		map.set(o.picture, (map.get(o.picture) ?? '') + String(o.sid));
	}

	return [...map].map(([p, sids]) => `${p}:${[...new Set(sids)].join('')}`);
}

/** Exactly one marker per forwarded picture, on its last packet. */
function assertMarkers(out: readonly Out[]): void {
	for (let i = 0; i < out.length; i++) {
		const lastOfPicture = i === out.length - 1 || out[i + 1]!.picture !== out[i]!.picture;

		assert.equal(out[i]!.marker, lastOfPicture, `marker of picture ${out[i]!.picture} sid ${out[i]!.sid}`);
	}
}

test('full SVC at the top layers: everything passes, the sender\'s markers only', () => {
	const pictures = vp9Stream(8);
	const ctx = context(false, 2, 2);
	const out = run(ctx, pictures);

	assert.equal(out.length, 8 * 6);
	assertMarkers(out);
	assert.equal(ctx.currentSpatialLayer, 2);
	assert.equal(ctx.currentTemporalLayer, 2);
	assert.equal(ctx.keyFrameNeeded, false);
});

test('full SVC spatial 0 / 1: upper layer frames dropped, marker at the end of the top one kept', () => {
	const pictures = vp9Stream(8);

	for (const spatial of [0, 1]) {
		const ctx = context(false, spatial, 2);
		const out = run(ctx, pictures);

		assert.ok(out.every((o) => o.sid <= spatial));
		assert.equal(out.length, 8 * 2 * (spatial + 1));
		assertMarkers(out);
		assert.equal(ctx.currentSpatialLayer, spatial);
	}
});

test('K-SVC spatial 1: the key picture\'s layers 0 and 1, then layer 1 alone', () => {
	const pictures = vp9Stream(6, { ksvc: true });
	const ctx = context(true, 1, 2);
	const out = run(ctx, pictures);

	assert.deepEqual(shape(out), ['0:01', '1:1', '2:1', '3:1', '4:1', '5:1']);
	assertMarkers(out);
	assert.equal(ctx.currentSpatialLayer, 1);
});

test('full SVC: down at the next picture without a key frame, up only at a key picture', () => {
	const pictures = vp9Stream(12, { keyPictures: [0, 8] });
	const ctx = context(false, 2, 2);
	const out: Out[] = [];

	out.push(...run(ctx, pictures.slice(0, 2)));
	// Down in the middle of picture 2: picture 2 stays whole.
	out.push(...run(ctx, pictures.slice(2, 3), (p) => parseVp9Descriptor(p.payload)!.sid === 0));
	ctx.targetSpatialLayer = 0;
	assert.equal(ctx.keyFrameNeeded, false);
	out.push(...run(ctx, pictures.slice(2, 3), (p) => parseVp9Descriptor(p.payload)!.sid > 0));
	out.push(...run(ctx, pictures.slice(3, 5)));
	assert.equal(ctx.currentSpatialLayer, 0);
	// Up again: not before the key picture 8.
	ctx.targetSpatialLayer = 2;
	assert.equal(ctx.keyFrameNeeded, true);
	out.push(...run(ctx, pictures.slice(5, 12)));
	assert.deepEqual(shape(out), ['0:012', '1:012', '2:012', '3:0', '4:0', '5:0', '6:0', '7:0', '8:012', '9:012', '10:012', '11:012']);
	assertMarkers(out);
	assert.equal(ctx.keyFrameNeeded, false);
});

test('K-SVC: down and up both wait for a key picture', () => {
	const pictures = vp9Stream(12, { ksvc: true, keyPictures: [0, 5, 9] });
	const ctx = context(true, 2, 2);
	const out: Out[] = [];

	out.push(...run(ctx, pictures.slice(0, 2)));
	ctx.targetSpatialLayer = 0;
	assert.equal(ctx.keyFrameNeeded, true);
	out.push(...run(ctx, pictures.slice(2, 7)));
	ctx.targetSpatialLayer = 1;
	out.push(...run(ctx, pictures.slice(7, 12)));
	assert.deepEqual(shape(out), ['0:012', '1:2', '2:2', '3:2', '4:2', '5:0', '6:0', '7:0', '8:0', '9:01', '10:1', '11:1']);
	assertMarkers(out);
});

test('temporal: target 0 keeps a quarter of the pictures; up at switching-up (U) frames only', () => {
	const pictures = vp9Stream(20);
	const ctx = context(false, 2, 0);
	const out: Out[] = [];

	out.push(...run(ctx, pictures.slice(0, 7)));
	assert.deepEqual([...new Set(out.map((o) => o.picture))], [0, 4]);
	assert.equal(ctx.currentTemporalLayer, 0);
	// Up before picture 7 (TL2, U=0): waits; 9 (TL2, U) and 10 (TL1, U) take both layers up.
	ctx.targetTemporalLayer = 2;
	out.push(...run(ctx, pictures.slice(7, 16)));
	assert.deepEqual([...new Set(out.map((o) => o.picture))], [0, 4, 8, 9, 10, 11, 12, 13, 14, 15]);
	assert.equal(ctx.currentTemporalLayer, 2);
	// Down to 1: TL2 pictures dropped from the next one.
	ctx.targetTemporalLayer = 1;
	out.push(...run(ctx, pictures.slice(16, 20)));
	assert.deepEqual([...new Set(out.map((o) => o.picture))], [0, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18]);
	assert.equal(ctx.currentTemporalLayer, 1);
	assertMarkers(out);
});

test('a picture without the top layer: the sender\'s own marker ends it', () => {
	const pictures = vp9Stream(6, { layersOf: (i) => (i === 3 ? 2 : 3) });
	const out = run(context(false, 2, 2), pictures);

	assert.deepEqual(shape(out), ['0:012', '1:012', '2:012', '3:01', '4:012', '5:012']);
	assertMarkers(out);
});

test('late packets keep their picture\'s verdict; unannounced layers dropped; nothing before a key picture', () => {
	const pictures = vp9Stream(8, { keyPictures: [2] });
	const ctx = context(false, 1, 1);

	// Pictures 0 and 1 precede any key picture: dropped.
	assert.deepEqual(run(ctx, pictures.slice(0, 2)), []);

	const out = run(ctx, pictures.slice(2, 6));

	assert.deepEqual(shape(out), ['2:01', '4:01']);

	// Late: a packet of picture 4 (forwarded) and of picture 5 (TL2, dropped).
	const late = run(ctx, [pictures[4]!, pictures[5]!], (p) => p === pictures[4]!.packets[1] || p === pictures[5]!.packets[0]);

	assert.deepEqual(late.map((o) => o.picture), [4]);

	const two = new Vp9LayerContext({ spatialLayers: 2, temporalLayers: 3, ksvc: false });

	two.targetSpatialLayer = 1;
	two.targetTemporalLayer = 2;
	assert.ok(run(two, vp9Stream(2)).every((o) => o.sid < 2));
});

test('createLayerContext / isKsvcMode / readVp9Layers', () => {
	assert.ok(createLayerContext('video/vp9', { spatialLayers: 3, temporalLayers: 3, ksvc: true }) instanceof Vp9LayerContext);
	assert.equal(isKsvcMode('L3T3_KEY'), true);
	assert.equal(isKsvcMode('L2T3_KEY_SHIFT'), true);
	assert.equal(isKsvcMode('L3T3'), false);
	assert.equal(isKsvcMode('S3T3'), false);

	const picture = vp9Stream(2)[1]!;

	assert.deepEqual(
		picture.packets.map((p) => readVp9Layers(p.payload)),
		picture.sids.map((sid) => sid * 8 + 2),
	);
});
