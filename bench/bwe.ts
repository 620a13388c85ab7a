// worker/bwe costs: one transport-cc feedback of 100 packet results through the send-side
// estimator (send history lookup, acknowledged/robust throughput, grouping, trendline, AIMD,
// loss windows), the per-packet onPacketSent, and one allocation of 3 Mbps over 10 simulcast
// consumers. Prints ns per feedback, per packet result and per call (best of 5); asserts nothing.
// Run: npx tsc -p . && node dist/bench/bwe.js

import { allocateBitrate, buildLadder } from '../src/worker/bwe/BitrateAllocator';
import { SendSideBandwidthEstimator } from '../src/worker/bwe/SendSideBandwidthEstimator';

function bench(name: string, iterations: number, fn: (i: number) => unknown, perOp = 1): void {
	let sink = 0;
	for (let i = 0; i < iterations / 10; i++) if (fn(i)) sink++;
	let best = Infinity;
	for (let run = 0; run < 5; run++) {
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < iterations; i++) if (fn(i)) sink++;
		best = Math.min(best, Number(process.hrtime.bigint() - t0) / iterations);
	}
	const extra = perOp > 1 ? `  (${(best / perOp).toFixed(1)} ns per packet result)` : '';
	console.log(`${name.padEnd(56)} ${best.toFixed(1).padStart(9)} ns/op${extra}${sink < 0 ? '!' : ''}`);
}

{
	// 1000 packets/s of 1200 bytes (9.6 Mbps), feedback every 100 ms with 100 results, 1 % lost,
	// arrival jitter of up to 2 ms so the detector works for real.
	const bwe = new SendSideBandwidthEstimator();
	const results = Array.from({ length: 100 }, () => ({ sequenceNumber: 0, received: true, arrivalUs: 0 }));
	let seq = 0;
	let nowMs = 0;
	let jitter = 1;
	bench(
		'onPacketSent x100 + onTransportCcFeedback(100 results)',
		20000,
		() => {
			for (let k = 0; k < 100; k++) {
				const s = (seq + k) & 0xffff;
				const sendMs = nowMs + k;
				bwe.onPacketSent(s, 1200, sendMs);
				jitter = (jitter * 1103515245 + 12345) & 0x7fffffff;
				const r = results[k];
				r.sequenceNumber = s;
				r.received = jitter % 100 !== 0;
				r.arrivalUs = r.received ? (sendMs + 20 + (jitter % 2000) / 1000) * 1000 : 0;
			}
			seq = (seq + 100) & 0xffff;
			nowMs += 100;
			bwe.onTransportCcFeedback(results, nowMs + 40);
			return bwe.getAvailableBitrate() > 0;
		},
		100,
	);
}

{
	const bwe = new SendSideBandwidthEstimator();
	bench('onPacketSent', 5_000_000, (i) => {
		bwe.onPacketSent(i & 0xffff, 1200, i * 0.1);
		return false;
	});
}

{
	const ladder = buildLadder([
		[60000, 100000, 150000],
		[250000, 400000, 500000],
		[800000, 1200000, 1500000],
	]);
	const consumers = Array.from({ length: 10 }, (_, i) => ({ id: String(i), priority: 1 + (i % 3), ladder }));
	bench('allocateBitrate(3 Mbps, 10 consumers x 9 layers)', 200000, (i) => allocateBitrate(3000000 + (i & 1), consumers).used > 0);
}
