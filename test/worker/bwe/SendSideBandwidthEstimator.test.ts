// The send-side estimator against a simulated bottleneck (netsim.ts): convergence on capped
// links, back-off when the capacity falls, random loss, REMB fallback, min/max bounds, probing,
// and the trace/notification rules (draft-ietf-rmcat-gcc-02; mediasoup's
// TransportCongestionControlClient for the bounds, trace and availableBitrate event).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SendSideBandwidthEstimator } from '../../../src/worker/bwe/SendSideBandwidthEstimator';
import { NetSim, type LinkConfig, type SimOptions } from './netsim';

function simulate(link: LinkConfig, untilMs: number, options: SimOptions = {}, bwe = new SendSideBandwidthEstimator()): NetSim {
	return new NetSim(bwe, { queueMs: 100, propagationMs: 20, ...link }, options).run(untilMs);
}

const kbps = (b: number) => `${Math.round(b / 1000)} kbps`;

/** Every 10 s window from `fromMs`: mean within 10 % of capacity; every sample in [lo, hi]. */
function assertConverged(sim: NetSim, capacity: number, fromMs: number, toMs: number, lo = 0.8, hi = 1.1): void {
	for (let t = fromMs; t + 10000 <= toMs; t += 10000) {
		const mean = sim.mean(t, t + 10000);
		assert.ok(
			Math.abs(mean - capacity) <= 0.1 * capacity,
			`mean ${kbps(mean)} over [${t / 1000}, ${t / 1000 + 10}] s is not within 10 % of ${kbps(capacity)}`,
		);
	}
	const min = sim.min(fromMs, toMs);
	const max = sim.max(fromMs, toMs);
	assert.ok(min >= lo * capacity, `min ${kbps(min)} < ${lo} x ${kbps(capacity)}`);
	assert.ok(max <= hi * capacity, `max ${kbps(max)} > ${hi} x ${kbps(capacity)}`);
}

describe('SendSideBandwidthEstimator on a capped link (issue 10 acceptance)', () => {
	for (const capacity of [500000, 1000000, 2500000, 5000000]) {
		it(`converges to within 10 % of ${kbps(capacity)} and stays there`, () => {
			const sim = simulate({ capacityBps: capacity }, 60000);
			// Start 600 kbps; the start probes (3x, 6x) find the capacity quickly.
			const reached = sim.firstAtOrAbove(0.9 * capacity, 0);
			assert.ok(reached <= 3000, `reached 90 % only at ${reached} ms`);
			assertConverged(sim, capacity, 10000, 60000);
			// The queue it leaves behind stays short of the 100 ms drop-tail limit most of the time.
			assert.ok(sim.packetsDropped <= 0.005 * sim.packetsSent, `${sim.packetsDropped} drops`);
		});
	}

	it('backs off within 2 s when the capacity falls 2.5 Mbps -> 800 kbps, then settles near it', () => {
		const sim = simulate({ capacityBps: (t) => (t < 30000 ? 2500000 : 800000) }, 60000);
		const backedOff = sim.firstAtOrBelow(1.1 * 800000, 30000);
		assert.ok(backedOff - 30000 <= 2000, `back-off took ${backedOff - 30000} ms`);
		assertConverged(sim, 800000, 35000, 55000, 0.75, 1.1);
	});

	it('backs off within 2 s when the capacity falls 1 Mbps -> 300 kbps', () => {
		const sim = simulate({ capacityBps: (t) => (t < 20000 ? 1000000 : 300000) }, 40000);
		const backedOff = sim.firstAtOrBelow(1.1 * 300000, 20000);
		assert.ok(backedOff - 20000 <= 2000, `back-off took ${backedOff - 20000} ms`);
		assert.ok(sim.mean(25000, 40000) >= 0.75 * 300000);
	});

	it('climbs again when the capacity comes back (800 kbps -> 2.5 Mbps)', () => {
		const sim = simulate({ capacityBps: (t) => (t < 20000 ? 800000 : 2500000) }, 60000);
		// Without ALR probes the controller ramps multiplicatively (8 %/s) once above the old capacity.
		const reached = sim.firstAtOrAbove(0.9 * 2500000, 20000);
		assert.ok(reached - 20000 <= 25000, `reached 90 % only after ${reached - 20000} ms`);
		assert.ok(sim.max(20000, 60000) <= 1.1 * 2500000);
	});

	for (const capacity of [1000000, 2500000]) {
		it(`with 5 % random loss on ${kbps(capacity)} the loss-based part bounds the rate without collapsing it`, () => {
			const bwe = new SendSideBandwidthEstimator();
			const sim = simulate({ capacityBps: capacity, lossRate: 0.05, seed: 7 }, 60000, { rrIntervalMs: 1000 }, bwe);
			const mean = sim.mean(10000, 60000);
			assert.ok(mean >= 0.6 * capacity, `mean ${kbps(mean)} collapsed`);
			assert.ok(sim.min(10000, 60000) >= 0.45 * capacity, `min ${kbps(sim.min(10000, 60000))}`);
			assert.ok(sim.max(10000, 60000) <= 1.15 * capacity, `max ${kbps(sim.max(10000, 60000))}`);
			// About 5 % of what was sent was reported lost.
			assert.ok(bwe.getPacketLoss() > 0.01 && bwe.getPacketLoss() < 0.12, `loss ${bwe.getPacketLoss()}`);
		});
	}

	it('5 % random loss with an empty queue does not pin the rate where the loss was first seen', () => {
		// 8 Mbps, 5 ms propagation: the loss starts during the start probes.
		const sim = simulate({ capacityBps: 8000000, queueMs: 300, propagationMs: 5, lossRate: 0.05, seed: 305 }, 40000);
		const mean = sim.mean(10000, 40000);
		assert.ok(mean >= 0.7 * 8000000, `mean ${kbps(mean)}`);
	});

	it('a shallow drop-tail queue (50 ms at 8 Mbps): the 2-10 % hold freezes the climb near the capacity', () => {
		// A slow additive overshoot (< 2.5 %/s of slope) fills a full queue without a delay
		// gradient the detector can see; the loss then holds the estimate (without the hold it
		// crept to ~1.07 x capacity with ~7 % loss).
		const sim = simulate({ capacityBps: 8000000, queueMs: 50, propagationMs: 20 }, 40000);
		assert.ok(sim.mean(10000, 40000) <= 1.05 * 8000000, `mean ${kbps(sim.mean(10000, 40000))}`);
		assert.ok(sim.mean(10000, 40000) >= 0.9 * 8000000, `mean ${kbps(sim.mean(10000, 40000))}`);
		assert.ok(sim.packetsDropped < 0.04 * sim.packetsSent, `${sim.packetsDropped} of ${sim.packetsSent} dropped`);
	});

	it('with 25 % random loss the loss-based part pulls the rate well under the link', () => {
		const bwe = new SendSideBandwidthEstimator();
		const sim = simulate({ capacityBps: 2000000, lossRate: 0.25, seed: 3 }, 30000, { rrIntervalMs: 1000 }, bwe);
		assert.ok(sim.mean(10000, 30000) < 0.5 * 2000000, `mean ${kbps(sim.mean(10000, 30000))}`);
		assert.ok(bwe.lossBasedLimit < bwe.delayBasedBitrate);
		assert.ok(sim.min(10000, 30000) >= bwe.getMinOutgoingBitrate());
	});
});

describe('SendSideBandwidthEstimator bounds and fallback', () => {
	it('setMaxOutgoingBitrate caps the estimate on a fast link; raising it lets the estimate climb', () => {
		const bwe = new SendSideBandwidthEstimator({ maxOutgoingBitrate: 700000 });
		const sim = new NetSim(bwe, { capacityBps: 3000000, queueMs: 100, propagationMs: 20 });
		sim.run(20000);
		assert.equal(sim.max(0, 20000), 700000);
		assert.equal(bwe.getAvailableBitrate(), 700000);
		bwe.setMaxOutgoingBitrate(2000000, 20000);
		sim.run(40000);
		assert.ok(sim.mean(30000, 40000) >= 0.85 * 2000000, `mean ${kbps(sim.mean(30000, 40000))}`);
		assert.ok(sim.max(20000, 40000) <= 2000000);
		bwe.setMaxOutgoingBitrate(0, 40000);
		assert.equal(bwe.getMaxOutgoingBitrate(), 0);
	});

	it('setMinOutgoingBitrate is a floor even above the link capacity', () => {
		const bwe = new SendSideBandwidthEstimator({ minOutgoingBitrate: 900000 });
		const sim = simulate({ capacityBps: 500000 }, 15000, {}, bwe);
		assert.ok(sim.min(0, 15000) >= 900000);
		bwe.setMinOutgoingBitrate(0);
		assert.equal(bwe.getMinOutgoingBitrate(), 30000); // mediasoup's minimum
	});

	it('initialAvailableOutgoingBitrate is the start estimate (600000 by default)', () => {
		assert.equal(new SendSideBandwidthEstimator().getAvailableBitrate(), 600000);
		assert.equal(new SendSideBandwidthEstimator({ initialAvailableOutgoingBitrate: 300000 }).getAvailableBitrate(), 300000);
		assert.equal(new SendSideBandwidthEstimator({ initialAvailableOutgoingBitrate: 1000 }).getAvailableBitrate(), 30000);
	});

	it('REMB fallback: without transport-cc the estimate follows REMB, bounded by min/max', () => {
		const bwe = new SendSideBandwidthEstimator({ maxOutgoingBitrate: 1500000 });
		bwe.onRemb(800000, 0);
		assert.equal(bwe.getAvailableBitrate(), 800000);
		assert.equal(bwe.bweType, 'remb');
		bwe.onRemb(5000000, 100);
		assert.equal(bwe.getAvailableBitrate(), 1500000);
		bwe.onRemb(10000, 200);
		assert.equal(bwe.getAvailableBitrate(), 30000);
		bwe.setMinOutgoingBitrate(100000, 300);
		assert.equal(bwe.getAvailableBitrate(), 100000);
		bwe.onRemb(0, 400); // nonsense REMB is ignored
		assert.equal(bwe.getAvailableBitrate(), 100000);
		// No probing in REMB mode: nothing would measure it.
		bwe.process(500);
		assert.equal(bwe.popProbeCluster(), undefined);
		assert.equal(bwe.getTraceInfo().bweType, 'remb');
	});

	it('REMB fallback in the simulator: the sender follows the REMB stream', () => {
		const bwe = new SendSideBandwidthEstimator();
		const sim = simulate({ capacityBps: 5000000 }, 20000, { transportCc: false, rembBps: (t) => (t < 10000 ? 1200000 : 400000) }, bwe);
		assert.equal(sim.mean(2000, 9900), 1200000);
		assert.equal(sim.mean(10500, 20000), 400000);
	});

	it('a REMB is ignored once transport-cc feedback drives the estimate', () => {
		const bwe = new SendSideBandwidthEstimator();
		const sim = simulate({ capacityBps: 1000000 }, 10000, {}, bwe);
		const before = bwe.getAvailableBitrate();
		bwe.onRemb(100000, 10001);
		assert.equal(bwe.getAvailableBitrate(), before);
		assert.equal(bwe.bweType, 'transport-cc');
		assert.ok(sim.bwe.feedbacksReceived > 90);
	});

	it('setDesiredBitrate keeps the estimate under max(initial, 1.35 x desired) as mediasoup does', () => {
		const bwe = new SendSideBandwidthEstimator();
		bwe.setDesiredBitrate(1000000, 0);
		const sim = new NetSim(bwe, { capacityBps: 5000000, queueMs: 100, propagationMs: 20 }, { demandBps: () => 1000000 });
		sim.run(15000);
		assert.ok(sim.max(0, 15000) <= 1350000);
		assert.ok(bwe.getAvailableBitrate() >= 1300000, kbps(bwe.getAvailableBitrate()));
		const info = bwe.getTraceInfo();
		assert.equal(info.maxBitrate, 1350000);
		assert.equal(info.maxPaddingBitrate, Math.round(1350000 * 0.85));
		assert.equal(info.desiredBitrate, 1000000);
	});
});

describe('SendSideBandwidthEstimator probing', () => {
	it('proposes clusters at 3x and 6x the start bitrate on the first process()', () => {
		const bwe = new SendSideBandwidthEstimator();
		assert.equal(bwe.popProbeCluster(), undefined);
		bwe.process(0);
		const a = bwe.popProbeCluster();
		const b = bwe.popProbeCluster();
		assert.ok(a && b);
		assert.equal(a.bitrate, 1800000);
		assert.equal(b.bitrate, 3600000);
		assert.equal(a.minProbes, 5);
		assert.equal(a.minBytes, Math.ceil((1800000 * 15) / 8000)); // 15 ms at the probe rate
		assert.notEqual(a.id, b.id);
		assert.equal(bwe.popProbeCluster(), undefined);
		bwe.process(25);
		assert.equal(bwe.popProbeCluster(), undefined); // only once
	});

	it('probes are capped by max outgoing bitrate', () => {
		const bwe = new SendSideBandwidthEstimator({ maxOutgoingBitrate: 1000000 });
		bwe.process(0);
		const a = bwe.popProbeCluster();
		assert.equal(a?.bitrate, 1000000);
		assert.equal(bwe.popProbeCluster(), undefined); // 6x capped to the same rate: one cluster
	});

	it('start probes and "probe further" find a 10 Mbps link within 2 s', () => {
		const bwe = new SendSideBandwidthEstimator();
		const sim = simulate({ capacityBps: 10000000 }, 10000, {}, bwe);
		const reached = sim.firstAtOrAbove(0.8 * 10000000, 0);
		assert.ok(reached <= 2000, `80 % reached at ${reached} ms`);
		assert.ok(bwe.probeResults >= 3, `${bwe.probeResults} probe results`);
		assert.ok(sim.max(0, 10000) <= 1.1 * 10000000);
	});

	it('a probe result on a slow link lands just under the capacity (95 % of the receive rate)', () => {
		const bwe = new SendSideBandwidthEstimator();
		simulate({ capacityBps: 1000000 }, 1500, {}, bwe);
		assert.ok(bwe.lastProbeBitrate > 0.85 * 1000000 && bwe.lastProbeBitrate <= 1000000, kbps(bwe.lastProbeBitrate));
	});

	it('periodic probing while application-limited', () => {
		const bwe = new SendSideBandwidthEstimator();
		const sim = new NetSim(bwe, { capacityBps: 3000000, queueMs: 100, propagationMs: 20 }, { demandBps: () => 300000 });
		sim.run(3000);
		const probes = bwe.probesSent;
		for (let t = 3000; t < 20000; t += 25) bwe.process(t, true);
		assert.ok(bwe.probesSent === probes && bwe.popProbeCluster() !== undefined);
	});
});

describe('SendSideBandwidthEstimator feedback handling', () => {
	it('handles the 16-bit sequence wrap, duplicate reports and unknown sequence numbers', () => {
		const bwe = new SendSideBandwidthEstimator();
		// 300 packets around the wrap, 1 ms apart, arriving 20 ms later, reported twice.
		const results = [];
		for (let i = 0; i < 300; i++) {
			const seq = (65400 + i) & 0xffff;
			bwe.onPacketSent(seq, 1000, i);
			results.push({ sequenceNumber: seq, received: true, arrivalUs: (i + 20) * 1000 });
		}
		results.push({ sequenceNumber: 1000, received: true, arrivalUs: 400000 }); // never sent
		bwe.onTransportCcFeedback(results, 350);
		assert.equal(bwe.packetsAcked, 300);
		bwe.onTransportCcFeedback(results, 360);
		assert.equal(bwe.packetsAcked, 300);
		assert.equal(bwe.packetsLost, 0);
		// 8 Mbps offered and acknowledged.
		assert.ok(Math.abs(bwe.acknowledgedBitrate - 8000000) < 0.05 * 8000000, kbps(bwe.acknowledgedBitrate));
	});

	it('a packet reported lost and then received counts as late, not lost', () => {
		const bwe = new SendSideBandwidthEstimator();
		for (let i = 0; i < 30; i++) bwe.onPacketSent(i, 1000, i * 10);
		const first = [];
		for (let i = 0; i < 30; i++) first.push({ sequenceNumber: i, received: i !== 5, arrivalUs: i === 5 ? 0 : (i * 10 + 20) * 1000 });
		bwe.onTransportCcFeedback(first, 320);
		assert.equal(bwe.packetsLost, 1);
		bwe.onTransportCcFeedback([{ sequenceNumber: 5, received: true, arrivalUs: 330000 }], 400);
		assert.equal(bwe.packetsAcked, 30);
	});

	it('onReceiverReport: high loss cuts, RTT feeds the controller', () => {
		const bwe = new SendSideBandwidthEstimator({ initialAvailableOutgoingBitrate: 1000000 });
		bwe.onReceiverReport(64, 80, 1000); // 25 % loss
		assert.equal(bwe.rttMs, 80);
		assert.equal(bwe.getAvailableBitrate(), Math.round(1000000 * (1 - 0.5 * 0.25)));
		bwe.onReceiverReport(64, 80, 1100); // too soon (300 ms + RTT)
		assert.equal(bwe.getAvailableBitrate(), 875000);
		bwe.onReceiverReport(0, 80, 2500); // clean: +8 %
		assert.equal(bwe.getAvailableBitrate(), Math.round(875000 * 1.08 + 1000));
	});

	it('with transport-cc, receiver reports give the RTT but not the loss (goog_cc feedback_only, as mediasoup)', () => {
		const bwe = new SendSideBandwidthEstimator({ initialAvailableOutgoingBitrate: 1000000 });
		bwe.onPacketSent(0, 1000, 0);
		bwe.onTransportCcFeedback([{ sequenceNumber: 0, received: true, arrivalUs: 20000 }], 100);
		const before = bwe.getAvailableBitrate();
		bwe.onReceiverReport(128, 80, 1000); // 50 % loss in the RR: transport-cc already counted it
		assert.equal(bwe.rttMs, 80);
		assert.equal(bwe.getAvailableBitrate(), before);
		assert.equal(bwe.lossBasedLimit, Infinity);
	});

	it('takeAvailableBitrateEvent: first, then every second or on a big change (mediasoup)', () => {
		const bwe = new SendSideBandwidthEstimator({ initialAvailableOutgoingBitrate: 1000000 });
		assert.equal(bwe.takeAvailableBitrateEvent(0), true);
		assert.equal(bwe.takeAvailableBitrateEvent(500), false);
		assert.equal(bwe.takeAvailableBitrateEvent(1000), true);
		bwe.onReceiverReport(128, 50, 1100); // 50 % loss: x0.75 -> exactly 75 %, not below
		assert.equal(bwe.takeAvailableBitrateEvent(1200), false);
		bwe.onReceiverReport(128, 50, 1500);
		assert.equal(bwe.takeAvailableBitrateEvent(1600), true);
	});

	it('the trace has mediasoup\'s bwe shape', () => {
		const bwe = new SendSideBandwidthEstimator();
		const trace = bwe.getTrace(1234);
		assert.equal(trace.type, 'bwe');
		assert.equal(trace.direction, 'out');
		assert.equal(trace.timestamp, 1234);
		assert.deepEqual(Object.keys(trace.info).sort(), [
			'availableBitrate',
			'bweType',
			'desiredBitrate',
			'effectiveDesiredBitrate',
			'maxBitrate',
			'maxPaddingBitrate',
			'minBitrate',
			'startBitrate',
		]);
		assert.equal(trace.info.availableBitrate, 600000);
		assert.equal(trace.info.minBitrate, 30000);
		assert.equal(trace.info.bweType, 'transport-cc');
	});

	it('no feedback for 4.5 s while sending: backs off by 20 %', () => {
		const bwe = new SendSideBandwidthEstimator({ initialAvailableOutgoingBitrate: 1000000 });
		bwe.onPacketSent(0, 1000, 0);
		bwe.onTransportCcFeedback([{ sequenceNumber: 0, received: true, arrivalUs: 20000 }], 100);
		const before = bwe.getAvailableBitrate();
		for (let t = 100; t <= 5000; t += 25) {
			bwe.onPacketSent((t / 25) & 0xffff, 1000, t);
			bwe.process(t);
		}
		assert.equal(bwe.getAvailableBitrate(), Math.round(before * 0.8));
	});
});

/**
 * A simulcast consumer as the engine drives it: the allocator picks the highest layer whose
 * bitrate fits the estimate (layer 0 when none does), the switch happens ~400 ms later at the
 * target's key frame; until then the SFU forwards the old layer whatever the estimate (so a
 * squeeze first costs heavy loss), then that layer's bitrate (application-limited: it cannot
 * fill the estimate); the estimator is told the top layer is what is desired.
 */
class SimulcastSender {
	current = 2;
	target = 2;
	switchAt = Infinity;
	readonly switches: { t: number; layer: number }[] = [];

	constructor(
		readonly bwe: SendSideBandwidthEstimator,
		readonly layers: number[],
	) {
		bwe.setDesiredBitrate(layers[layers.length - 1]!, 0);
	}

	/** The engine's timer: allocation, and the switch when its key frame came. */
	onProcess(t: number): void {
		let target = 0;

		for (let l = 0; l < this.layers.length; l++) {
			if (this.layers[l]! <= this.bwe.getAvailableBitrate()) target = l;
		}
		if (target !== this.target) {
			this.target = target;
			this.switchAt = t + 400;
		}
		if (t >= this.switchAt) {
			this.switchAt = Infinity;
			if (this.current !== this.target) {
				this.current = this.target;
				this.switches.push({ t, layer: this.current });
			}
		}
	}

	demand(): number {
		return this.layers[this.current]!;
	}

	/** Layer at time t (from the recorded switches). */
	layerAt(t: number): number {
		let layer = 2;

		for (const s of this.switches) if (s.t <= t) layer = s.layer;
		return layer;
	}
}

describe('SendSideBandwidthEstimator under a simulcast consumer (issue 10: squeeze and climb back)', () => {
	// Chromium's three VP8 layers from a 640x480 camera, as the producer measured them.
	const layers = [140000, 265000, 530000];

	function squeeze(seed: number): { sim: NetSim; sender: SimulcastSender } {
		const bwe = new SendSideBandwidthEstimator();
		const sender = new SimulcastSender(bwe, layers);
		// 5 Mbps, 250 kbps from 20 s to 26 s (the relay of test/simulcast), then 5 Mbps again.
		const sim = new NetSim(
			bwe,
			{ capacityBps: (t) => (t >= 20000 && t < 26000 ? 250000 : 5000000), queueMs: 100, propagationMs: 5, seed },
			{
				demandBps: () => sender.demand(),
				forwarding: true,
				onProcess: (t) => sender.onProcess(t),
				appLimited: () => sender.current < layers.length - 1,
				rrIntervalMs: 1000,
			},
		);

		sim.run(45000);

		return { sim, sender };
	}

	it('falls to layer 0 within 2 s of the squeeze and stays there while it lasts', () => {
		const { sender } = squeeze(1);

		assert.equal(sender.layerAt(19900), 2);
		const fell = sender.switches.find((s) => s.t >= 20000 && s.layer === 0);
		assert.ok(fell && fell.t - 20000 <= 2000, JSON.stringify(sender.switches));
		// No climb into the 250 kbps link while it is squeezed (layer 1 needs 265 kbps).
		assert.ok(!sender.switches.some((s) => s.t > fell.t && s.t < 26000 && s.layer > 0), JSON.stringify(sender.switches));
	});

	// Before: the loss-based limit the squeeze left (~150 kbps) ignored the probes' results and
	// grew 8 %/s, layer 1 came back after 4.5 s and layer 2 after 13 s. Now the first periodic
	// probe after the lift (they come every 5 s) restores it and probes further to the top.
	it('once the squeeze is lifted, probes take it back to the top layer within 6 s (not 8 %/s from the low estimate)', () => {
		const { sim, sender } = squeeze(1);
		const back = sender.switches.find((s) => s.t >= 26000 && s.layer === 2);

		assert.ok(back && back.t - 26000 <= 6000, `${JSON.stringify(sender.switches)} estimate ${sim.window(26000, 45000).filter((_, i) => i % 10 === 0).map((s) => kbps(s.estimate)).join(' ')}`);
	});
});
