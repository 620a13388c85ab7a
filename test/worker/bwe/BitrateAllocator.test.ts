// The priority allocator (mediasoup's Transport::DistributeAvailableOutgoingBitrate as a pure
// function): one layer at a time, by priority, drop order when the budget shrinks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateBitrate, buildLadder, type AllocatableConsumer } from '../../../src/worker/bwe/BitrateAllocator';

// A three-encoding simulcast stream, L1T3 each (cumulative bitrates per temporal layer).
const SIMULCAST = [
	[60000, 100000, 150000],
	[250000, 400000, 500000],
	[800000, 1200000, 1500000],
];

function consumer(id: string, priority = 1, bitrates = SIMULCAST): AllocatableConsumer {
	return { id, priority, ladder: buildLadder(bitrates) };
}

function layers(r: ReturnType<typeof allocateBitrate>): string[] {
	return r.allocations.map((a) => (a.index < 0 ? `${a.id}:-` : `${a.id}:S${a.spatialLayer}T${a.temporalLayer}`));
}

describe('buildLadder', () => {
	it('orders rungs S0T0..S2T2, skips silent layers and caps at the preferred layers', () => {
		const ladder = buildLadder(SIMULCAST);
		assert.equal(ladder.length, 9);
		assert.deepEqual(ladder[3], { spatialLayer: 1, temporalLayer: 0, bitrate: 250000 });
		assert.equal(buildLadder([[60000, 0, 150000], [0, 0, 0]]).length, 2);
		const capped = buildLadder(SIMULCAST, 1, 1);
		assert.deepEqual(
			capped.map((r) => `S${r.spatialLayer}T${r.temporalLayer}`),
			['S0T0', 'S0T1', 'S0T2', 'S1T0', 'S1T1'],
		);
	});
});

describe('allocateBitrate', () => {
	it('everyone gets a base layer before anyone gets a second one', () => {
		const r = allocateBitrate(130000, [consumer('a'), consumer('b')]);
		assert.deepEqual(layers(r), ['a:S0T0', 'b:S0T0']);
		assert.equal(r.used, 120000);
		assert.equal(r.remaining, 10000);
	});

	it('raises one layer at a time, round-robin, until the budget is used', () => {
		const r = allocateBitrate(600000, [consumer('a'), consumer('b')]);
		// a: S0T0 (60k) b: S0T0 (60k), a: S0T1 (+40k) b: S0T1 (+40k), a: S0T2 (+50k) b: S0T2,
		// a: S1T0 (+100k) b: S1T0 (+100k) = 500k; a: S1T1 (+150k) does not fit in 100k.
		assert.deepEqual(layers(r), ['a:S1T0', 'b:S1T0']);
		assert.equal(r.remaining, 100000);
	});

	it('priority: more steps per round for the higher priority, and it goes first', () => {
		const r = allocateBitrate(1000000, [consumer('low', 1), consumer('high', 3)]);
		const high = r.allocations.find((a) => a.id === 'high')!;
		const low = r.allocations.find((a) => a.id === 'low')!;
		assert.ok(high.bitrate > low.bitrate, `${high.bitrate} vs ${low.bitrate}`);
		assert.ok(r.used <= 1000000);
		// With room for only one base layer, the higher priority gets it.
		const tight = allocateBitrate(70000, [consumer('low', 1), consumer('high', 2)]);
		assert.deepEqual(layers(tight), ['low:-', 'high:S0T0']);
	});

	it('when the estimate drops, the lowest priority loses its top layers first, base layers last', () => {
		const cs = [consumer('a', 1), consumer('b', 2), consumer('c', 5)];
		let prev = allocateBitrate(4000000, cs);
		const seen: string[][] = [layers(prev)];
		for (let budget = 3900000; budget >= 0; budget -= 100000) {
			const r = allocateBitrate(budget, cs);
			// Monotone: nobody goes up when the budget goes down.
			for (let i = 0; i < cs.length; i++) assert.ok(r.allocations[i].index <= prev.allocations[i].index);
			prev = r;
			seen.push(layers(r));
		}
		// Somewhere along the way, a is down to its base layer while c still has its top layer.
		assert.ok(seen.some((l) => l[0] === 'a:S0T0' && l[2] === 'c:S2T2'));
		// c is the last one to lose its base layer: when it has lost it, so have a and b.
		for (const l of seen) if (l[2] === 'c:-') assert.deepEqual(l.slice(0, 2), ['a:-', 'b:-']);
		// The lowest priority is the first to lose everything.
		const firstEmpty = seen.findIndex((l) => l.some((x) => x.endsWith(':-')));
		assert.equal(seen[firstEmpty].filter((x) => x.endsWith(':-'))[0].startsWith('a'), true);
	});

	it("'fill' mode (mediasoup's) uses leftover budget for cheaper steps of others", () => {
		const cs = [consumer('a', 1), consumer('b', 2), consumer('c', 5)];
		for (let budget = 0; budget <= 4000000; budget += 50000) {
			const ordered = allocateBitrate(budget, cs);
			const filled = allocateBitrate(budget, cs, 'fill');
			assert.ok(filled.used >= ordered.used);
			assert.ok(filled.used <= budget);
		}
		// 1.8 Mbps: ordered stops at c's S2T2 step (+300k) with 90k left; fill gives a and b more.
		const o = allocateBitrate(1800000, cs);
		const f = allocateBitrate(1800000, cs, 'fill');
		assert.equal(o.remaining, 90000);
		assert.equal(f.remaining, 0);
	});

	it('the budget is never exceeded and desired is the sum of the ladder tops', () => {
		for (let budget = 0; budget <= 5000000; budget += 37000) {
			const r = allocateBitrate(budget, [consumer('a', 1), consumer('b', 4), consumer('c', 2)]);
			assert.ok(r.used <= budget, `used ${r.used} > ${budget}`);
			assert.equal(r.desired, 3 * 1500000);
		}
	});

	it('empty ladders and no consumers', () => {
		assert.deepEqual(allocateBitrate(1000000, []).allocations, []);
		const r = allocateBitrate(1000000, [{ id: 'x', priority: 1, ladder: [] }]);
		assert.equal(r.allocations[0].index, -1);
		assert.equal(r.remaining, 1000000);
	});
});
