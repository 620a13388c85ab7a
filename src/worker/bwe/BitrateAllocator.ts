/**
 * Shares a transport's available bitrate among its consumers (after mediasoup's
 * Transport::DistributeAvailableOutgoingBitrate, as a pure function). Steps are granted in
 * rounds: consumers by priority, highest first (ties in the caller's order), each going up one
 * layer at a time, `priority` steps per round, a step costing the difference between the next
 * layer's bitrate and the current one. Everyone of a priority gets a first layer before anyone
 * of it gets a second, and a higher priority gets more steps per round.
 *
 * Two modes:
 * - 'ordered' (default): the grant order is fixed and the allocation is its longest prefix
 *   that fits. Monotone: a smaller budget never raises anyone, and what goes first when the
 *   estimate drops is exactly what was granted last: the top layers of the lowest priorities,
 *   base layers last. No layer flaps up (and asks for a key frame) because the budget fell.
 * - 'fill': mediasoup's behaviour: a step that does not fit stops only that consumer, the others
 *   go on, so leftover budget is used by cheaper steps; not monotone in the budget.
 *
 * Layers are given per consumer as a ladder: the entries it can switch to, in increasing
 * bitrate order (e.g. S0T0, S0T1, S0T2, S1T0 ...), already cut at its preferred layers. The
 * result is the ladder index per consumer (-1 = nothing fits: pause/lowest by policy).
 */

export interface LayerRung {
	spatialLayer: number;
	temporalLayer: number;
	/** Bits per second this layer needs (the stream's measured bitrate up to this layer). */
	bitrate: number;
}

export interface AllocatableConsumer {
	id: string;
	/** 1..255, mediasoup's consumer priority (default 1). */
	priority: number;
	ladder: readonly LayerRung[];
}

export interface LayerAllocation {
	id: string;
	/** Index into the ladder, -1 when not even the first rung fits. */
	index: number;
	spatialLayer: number;
	temporalLayer: number;
	/** Bitrate granted (the chosen rung's bitrate, 0 when none). */
	bitrate: number;
}

export interface AllocationResult {
	allocations: LayerAllocation[];
	/** Budget left unused. */
	remaining: number;
	/** Sum of the chosen rungs. */
	used: number;
	/** What all consumers would take at the top of their ladders (mediasoup's desired bitrate). */
	desired: number;
}

export type AllocationMode = 'ordered' | 'fill';

export function allocateBitrate(
	availableBitrate: number,
	consumers: readonly AllocatableConsumer[],
	mode: AllocationMode = 'ordered',
): AllocationResult {
	// Highest priority first; equal priorities keep the caller's order (stable sort).
	const order = consumers.map((_, i) => i).sort((a, b) => (consumers[b].priority | 0) - (consumers[a].priority | 0));
	const index = new Int32Array(consumers.length).fill(-1);
	let remaining = Math.max(0, availableBitrate);
	let desired = 0;
	for (const c of consumers) {
		let top = 0;
		for (const r of c.ladder) if (r.bitrate > top) top = r.bitrate;
		desired += top;
	}
	const fill = mode === 'fill';
	const stopped = new Uint8Array(consumers.length);
	let active = consumers.length;
	outer: while (active > 0) {
		let moved = false;
		for (const ci of order) {
			if (stopped[ci]) continue;
			const c = consumers[ci];
			const steps = Math.max(1, Math.min(255, c.priority | 0));
			for (let s = 0; s < steps; s++) {
				const cur = index[ci];
				const next = cur + 1;
				if (next >= c.ladder.length) {
					stopped[ci] = 1;
					active--;
					break;
				}
				const cost = c.ladder[next].bitrate - (cur >= 0 ? c.ladder[cur].bitrate : 0);
				if (cost > remaining) {
					// Ordered: the first step that does not fit ends the allocation.
					if (!fill) break outer;
					stopped[ci] = 1;
					active--;
					break;
				}
				index[ci] = next;
				remaining -= cost > 0 ? cost : 0;
				moved = true;
			}
		}
		if (!moved) break;
	}
	const allocations: LayerAllocation[] = consumers.map((c, ci) => {
		const i = index[ci];
		const rung = i >= 0 ? c.ladder[i] : undefined;
		return {
			id: c.id,
			index: i,
			spatialLayer: rung ? rung.spatialLayer : -1,
			temporalLayer: rung ? rung.temporalLayer : -1,
			bitrate: rung ? rung.bitrate : 0,
		};
	});
	const used = allocations.reduce((a, x) => a + x.bitrate, 0);
	return { allocations, remaining, used, desired };
}

/**
 * Builds a ladder from per-layer bitrates `bitrates[spatial][temporal]` (cumulative within a
 * spatial layer, as RtpStreamRecv reports them), up to the preferred layers, skipping layers
 * with no traffic (bitrate 0: an encoding the producer does not send right now) and keeping
 * the bitrate increasing.
 */
export function buildLadder(
	bitrates: readonly (readonly number[])[],
	maxSpatialLayer = Infinity,
	maxTemporalLayer = Infinity,
): LayerRung[] {
	const ladder: LayerRung[] = [];
	let last = 0;
	for (let s = 0; s < bitrates.length && s <= maxSpatialLayer; s++) {
		const row = bitrates[s];
		// The preferred temporal layer caps only the preferred spatial layer (mediasoup).
		const tMax = s === maxSpatialLayer ? maxTemporalLayer : Infinity;
		for (let t = 0; t < row.length && t <= tMax; t++) {
			const b = row[t];
			if (!(b > 0) || b <= last) continue;
			ladder.push({ spatialLayer: s, temporalLayer: t, bitrate: b });
			last = b;
		}
	}
	return ladder;
}
