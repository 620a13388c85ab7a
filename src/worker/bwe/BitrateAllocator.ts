/**
 * Shares a transport's available bitrate among its consumers (mediasoup's
 * Transport::DistributeAvailableOutgoingBitrate, as a pure function): consumers are visited by
 * priority, highest first, in rounds; in each round a consumer may go up one layer at a time,
 * `priority` times, each step costing the difference between its next layer's bitrate and its
 * current one, as long as the step fits in what is left. Rounds repeat until nothing moves.
 *
 * Everyone gets a first layer before anyone gets a second (within a priority level), and a
 * higher priority gets more steps per round. Because the allocation is recomputed from zero
 * every time, a smaller budget removes the increments granted last: the top layers of the
 * lowest-priority consumers go first, base layers last.
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

export function allocateBitrate(availableBitrate: number, consumers: readonly AllocatableConsumer[]): AllocationResult {
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
	for (;;) {
		const before = remaining;
		for (const ci of order) {
			const c = consumers[ci];
			const steps = Math.max(1, Math.min(255, c.priority | 0));
			for (let s = 0; s < steps; s++) {
				const cur = index[ci];
				const next = cur + 1;
				if (next >= c.ladder.length) break;
				const cost = c.ladder[next].bitrate - (cur >= 0 ? c.ladder[cur].bitrate : 0);
				if (cost > remaining) break;
				index[ci] = next;
				remaining -= cost > 0 ? cost : 0;
			}
		}
		if (remaining === before) break;
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
