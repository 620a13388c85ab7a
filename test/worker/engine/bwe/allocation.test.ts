// The engine's sharing of a transport's estimate among its consumers (distributeBitrate):
// simulcast layers by estimate, with headroom to go up and none to go down.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UPGRADE_HEADROOM, distributeBitrate, type BweConsumer } from '../../../../src/worker/engine/bwe/allocation';

class FakeConsumer implements BweConsumer {
	readonly type = 'simulcast';
	readonly priority = 1;
	readonly active = true;
	layer = -2;

	constructor(
		readonly id: string,
		readonly bitrates: number[],
	) {}

	layerBitrates(): number[] {
		return this.bitrates;
	}

	sendBitrate(): number {
		return 0;
	}

	setBweSpatialLayer(spatialLayer: number): void {
		this.layer = spatialLayer;
	}
}

describe('distributeBitrate', () => {
	// Chromium's three VP8 layers from its 640x480 camera.
	const layers = [140000, 265000, 530000];

	it('goes up a layer only with UPGRADE_HEADROOM to spare, down as soon as it does not fit', () => {
		const c = new FakeConsumer('a', layers);
		distributeBitrate(200000, [c], 0);
		assert.equal(c.layer, 0);
		// 250 kbps covers layer 1's 265 kbps? No; 290 kbps does, but not with 15 % to spare.
		distributeBitrate(290000, [c], 1000);
		assert.equal(c.layer, 0, 'a squeezed link just over the layer: stay');
		distributeBitrate(Math.ceil(265000 * UPGRADE_HEADROOM), [c], 2000);
		assert.equal(c.layer, 1);
		// Holding it needs no headroom: 270 kbps keeps layer 1.
		distributeBitrate(270000, [c], 3000);
		assert.equal(c.layer, 1);
		distributeBitrate(260000, [c], 4000);
		assert.equal(c.layer, 0, 'down at once');
		// A big rise goes as far up as the headroom allows in one step.
		distributeBitrate(2000000, [c], 5000);
		assert.equal(c.layer, 2);
	});

	it('the headroom is per consumer: what one cannot take yet does not go to the other', () => {
		const a = new FakeConsumer('a', layers);
		const b = new FakeConsumer('b', layers);
		distributeBitrate(300000, [a, b], 0);
		assert.deepEqual([a.layer, b.layer], [0, 0]);
		// 280 + 140 = 420 kbps covers layer 1 for the first, not with headroom: both stay.
		distributeBitrate(420000, [a, b], 1000);
		assert.deepEqual([a.layer, b.layer], [0, 0]);
		distributeBitrate(800000, [a, b], 2000);
		assert.deepEqual([a.layer, b.layer], [1, 1]);
		// The estimate falls: the allocation follows it down with no headroom (monotone).
		distributeBitrate(420000, [a, b], 3000);
		assert.deepEqual([a.layer, b.layer], [1, 0]);
	});
});
