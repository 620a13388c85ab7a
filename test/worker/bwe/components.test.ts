// The estimator's parts alone: packet grouping, trendline detector and adaptive threshold
// (draft-ietf-rmcat-gcc-02 5.2-5.4), AIMD (5.5), throughput estimators, probe result
// estimator, probe controller, loss-based control (section 6).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcknowledgedBitrateEstimator } from '../../../src/worker/bwe/AcknowledgedBitrateEstimator';
import { AimdRateControl, RateControlState } from '../../../src/worker/bwe/AimdRateControl';
import { InterArrival } from '../../../src/worker/bwe/InterArrival';
import { LossBasedControl } from '../../../src/worker/bwe/LossBasedControl';
import { ProbeBitrateEstimator } from '../../../src/worker/bwe/ProbeBitrateEstimator';
import { ProbeController } from '../../../src/worker/bwe/ProbeController';
import { RobustThroughputEstimator } from '../../../src/worker/bwe/RobustThroughputEstimator';
import { BandwidthUsage, TrendlineEstimator } from '../../../src/worker/bwe/TrendlineEstimator';

describe('InterArrival (draft 5.2 grouping)', () => {
	it('packets sent within 5 ms form one group; deltas are between group ends', () => {
		const ia = new InterArrival(5);
		// Group 1: sent 0, 1, 2 ms; group 2: sent 10, 11 ms; group 3 starts at 20 ms.
		assert.equal(ia.computeDeltas(0, 100, 1000), false);
		assert.equal(ia.computeDeltas(1, 101, 1000), false);
		assert.equal(ia.computeDeltas(2, 103, 1000), false);
		assert.equal(ia.computeDeltas(10, 112, 500), false); // closes group 1 (no previous yet)
		assert.equal(ia.computeDeltas(11, 115, 500), false);
		assert.equal(ia.computeDeltas(20, 121, 700), true); // closes group 2
		assert.equal(ia.sendDeltaMs, 11 - 2);
		assert.equal(ia.arrivalDeltaMs, 115 - 103);
		assert.equal(ia.sizeDelta, 1000 - 3000);
	});

	it('a packet sent before the current group started is skipped', () => {
		const ia = new InterArrival(5);
		ia.computeDeltas(10, 100, 100);
		assert.equal(ia.computeDeltas(5, 101, 100), false);
	});

	it('a burst arriving back to back joins the group although sent later (propagation delta < 0)', () => {
		const ia = new InterArrival(5);
		ia.computeDeltas(0, 100, 100);
		ia.computeDeltas(20, 200, 100); // new group
		// Sent 10 ms later but arrives 1 ms later: it queued behind the previous one.
		assert.equal(ia.computeDeltas(30, 201, 100), false);
		assert.equal(ia.computeDeltas(60, 240, 100), true);
		assert.equal(ia.sendDeltaMs, 30 - 0);
	});
});

describe('TrendlineEstimator (draft 5.3-5.4)', () => {
	function feed(t: TrendlineEstimator, n: number, extraDelayPerGroup: number, start = 0): BandwidthUsage {
		let s: BandwidthUsage = BandwidthUsage.Normal;
		for (let i = 0; i < n; i++) s = t.update(10 + extraDelayPerGroup, 10, start + i * 10);
		return s;
	}

	it('constant delay is normal; a growing queue is overusing; a draining one underusing', () => {
		const t = new TrendlineEstimator();
		assert.equal(feed(t, 100, 0), BandwidthUsage.Normal);
		assert.equal(feed(t, 30, 1, 1000), BandwidthUsage.Overusing); // +1 ms per 10 ms group: 10 % over
		const d = new TrendlineEstimator();
		feed(d, 100, 0);
		assert.equal(feed(d, 40, -1, 1000), BandwidthUsage.Underusing);
	});

	it('needs more than 10 ms over the threshold on two samples before signalling overuse', () => {
		const t = new TrendlineEstimator();
		feed(t, 100, 0);
		// Two strongly positive samples: the window (20) still fits a modest slope.
		t.update(60, 10, 1000);
		assert.notEqual(t.state, BandwidthUsage.Overusing);
	});

	it('the threshold adapts (k_up 0.0087, k_down 0.039) within [6, 600]', () => {
		const t = new TrendlineEstimator();
		assert.equal(t.threshold, 12.5);
		feed(t, 200, 0);
		assert.equal(t.threshold, 6); // |trend| ~ 0 pulls it down to the floor
		// Noise just above the threshold pushes it up, slowly.
		const n = new TrendlineEstimator();
		let x = 0;
		for (let i = 0; i < 400; i++) {
			x = i % 2 === 0 ? 4 : -4;
			n.update(10 + x, 10, i * 10);
		}
		assert.ok(n.threshold >= 6 && n.threshold <= 600);
	});

	it('uses the configured constants', () => {
		const t = new TrendlineEstimator();
		assert.equal(t.windowSize, 20);
		assert.equal(t.smoothingCoef, 0.9);
		assert.equal(t.thresholdGain, 4);
		assert.equal(t.kUp, 0.0087);
		assert.equal(t.kDown, 0.039);
	});
});

describe('AimdRateControl (draft 5.5)', () => {
	it('overuse: 0.85 x acknowledged throughput, then hold', () => {
		const a = new AimdRateControl(1000000, 30000, Infinity);
		a.update(BandwidthUsage.Overusing, 900000, 1000);
		assert.equal(a.bitrate, 0.85 * 900000);
		assert.equal(a.state, RateControlState.Hold);
		// Never an increase on overuse.
		a.update(BandwidthUsage.Overusing, 2000000, 2000);
		assert.ok(a.bitrate <= 0.85 * 900000 + 1);
	});

	it('far from the capacity: multiplicative 8 %/s; near it: additive', () => {
		const a = new AimdRateControl(500000, 30000, Infinity);
		a.update(BandwidthUsage.Normal, 500000, 0); // hold -> increase (+1 kbps floor, as libwebrtc)
		assert.equal(a.bitrate, 501000);
		a.update(BandwidthUsage.Normal, 500000, 1000);
		assert.ok(Math.abs(a.bitrate - 501000 * 1.08) < 1, String(a.bitrate));
		// Overuse at 1 Mbps sets the link capacity estimate; near it, increase is additive.
		const b = new AimdRateControl(1000000, 30000, Infinity);
		b.update(BandwidthUsage.Overusing, 1000000, 0);
		b.rttMs = 100;
		b.update(BandwidthUsage.Normal, 990000, 100);
		const before = b.bitrate;
		const rate = b.nearMaxIncreaseRate(); // about one packet per response time
		b.update(BandwidthUsage.Normal, 990000, 1100);
		const perSecond = b.bitrate - before;
		assert.ok(Math.abs(perSecond - rate) < 1, `${perSecond} vs ${rate}`);
		assert.ok(perSecond < 0.03 * before, `additive step ${perSecond}`);
	});

	it('increase is limited to 1.5 x throughput + 10 kbps; underuse holds', () => {
		const a = new AimdRateControl(1000000, 30000, Infinity);
		a.update(BandwidthUsage.Normal, 100000, 0);
		a.update(BandwidthUsage.Normal, 100000, 1000);
		assert.equal(a.bitrate, 1000000); // already above 160 kbps: no increase
		a.update(BandwidthUsage.Underusing, 100000, 2000);
		assert.equal(a.state, RateControlState.Hold);
	});

	it('clamps to [min, max]', () => {
		const a = new AimdRateControl(1000000, 300000, 1200000);
		a.update(BandwidthUsage.Overusing, 100000, 0);
		assert.equal(a.bitrate, 300000);
		a.setEstimate(5000000, 10);
		assert.equal(a.bitrate, 1200000);
	});
});

describe('throughput estimators', () => {
	it('AcknowledgedBitrateEstimator converges on a steady 2 Mbps', () => {
		const e = new AcknowledgedBitrateEstimator();
		for (let i = 0; i < 2000; i++) e.update(i * 4.8, 1200); // 1200 B every 4.8 ms
		assert.ok(Math.abs(e.bitrate - 2000000) < 0.03 * 2000000, String(e.bitrate));
	});

	it('RobustThroughputEstimator follows a rate drop within one 500 ms window', () => {
		const e = new RobustThroughputEstimator();
		let t = 0;
		for (let i = 0; i < 500; i++) e.update(t, t + 20, 1200), (t += 4.8); // 2 Mbps
		assert.ok(Math.abs(e.bitrate - 2000000) < 0.02 * 2000000);
		for (let i = 0; i < 60; i++) e.update(t, t + 20, 1200), (t += 12); // 800 kbps for 720 ms
		assert.ok(Math.abs(e.bitrate - 800000) < 0.05 * 800000, String(e.bitrate));
	});
});

describe('ProbeBitrateEstimator', () => {
	const spec = { id: 1, bitrate: 4000000, minProbes: 5, minBytes: 7500 };

	it('a cluster squeezed by a 1 Mbps bottleneck gives 95 % of the receive rate', () => {
		const p = new ProbeBitrateEstimator();
		let result = 0;
		// Sent every 2.4 ms (4 Mbps), received every 9.6 ms (1 Mbps).
		for (let i = 0; i < 8; i++) result = p.handleProbe(spec, i * 2.4, 50 + i * 9.6, 1200);
		assert.ok(Math.abs(result - 0.95 * 1000000) < 1000, String(result));
		assert.equal(p.fetchResult(), result);
		assert.equal(p.fetchResult(), 0);
	});

	it('an unsaturated link gives min(send, receive); too few packets give nothing', () => {
		const p = new ProbeBitrateEstimator();
		assert.equal(p.handleProbe(spec, 0, 50, 1200), 0);
		let result = 0;
		for (let i = 1; i < 8; i++) result = p.handleProbe(spec, i * 2.4, 50 + i * 2.4, 1200);
		assert.ok(Math.abs(result - 4000000) < 1000, String(result));
	});

	it('receive/send ratio above 2 is invalid', () => {
		const p = new ProbeBitrateEstimator();
		let result = 0;
		for (let i = 0; i < 8; i++) result = p.handleProbe(spec, i * 10, 50 + i * 2, 1200);
		assert.equal(result, 0);
	});
});

describe('ProbeController', () => {
	it('start: 3x and 6x; probe further at 2x while results exceed 70 % of the rate probed', () => {
		const c = new ProbeController();
		c.start(1000000, Infinity, 0);
		assert.deepEqual(
			c.pending.map((s) => s.bitrate),
			[3000000, 6000000],
		);
		c.pop();
		c.pop();
		c.onEstimate(5000000, Infinity, false, 200); // > 0.7 x 6 Mbps
		assert.equal(c.pop()?.bitrate, 10000000);
		c.onEstimate(6000000, Infinity, false, 400); // < 0.7 x 10 Mbps: stop
		assert.equal(c.pop(), undefined);
	});

	it('stops waiting for a result after 1 s', () => {
		const c = new ProbeController();
		c.start(1000000, Infinity, 0);
		c.onEstimate(1000000, Infinity, false, 1500);
		assert.equal(c.isWaitingForResult, false);
	});

	it('periodic probing while application-limited: 2x every 5 s, probing further while results keep up', () => {
		const c = new ProbeController();
		c.start(300000, 2000000, 0);
		c.pop();
		c.pop();
		c.onEstimate(250000, 2000000, false, 1500); // start probes done (waited > 1 s)
		c.process(250000, 2000000, true, 4000);
		assert.equal(c.pop(), undefined); // < 5 s after the last probe
		c.process(250000, 2000000, true, 5000);
		assert.equal(c.pop()?.bitrate, 500000);
		// The squeeze is over: the result keeps up with the probe, so probe further (libwebrtc's
		// periodic ALR probe chains too) rather than wait another 5 s.
		c.onEstimate(480000, 2000000, false, 5200);
		assert.equal(c.pop()?.bitrate, 960000);
		c.onEstimate(600000, 2000000, false, 5400); // < 0.7 x 960 kbps: the link is found
		assert.equal(c.pop(), undefined);
		c.process(600000, 2000000, false, 12000); // not application-limited: no periodic probe
		assert.equal(c.pop(), undefined);
	});

	it('raising the ceiling that held the estimate probes toward the new one', () => {
		const c = new ProbeController();
		c.start(1000000, 1000000, 0);
		c.pop();
		c.onEstimate(1000000, 1000000, false, 2000);
		c.onMaxBitrateRaised(1000000, 1000000, 3000000, 3000);
		assert.equal(c.pop()?.bitrate, 2000000);
	});
});

describe('LossBasedControl (draft section 6)', () => {
	it('> 10 %: x (1 - 0.5 loss) at most once per 300 ms + RTT; 2-10 %: hold; < 2 %: +8 % per second', () => {
		const l = new LossBasedControl();
		l.rttMs = 100;
		l.onLoss(0.2, 1000000, 1000000, 0);
		assert.equal(l.limit, 900000);
		l.onLoss(0.2, 900000, 1000000, 300);
		assert.equal(l.limit, 900000); // 300 < 300 + 100
		l.onLoss(0.2, 900000, 1000000, 400);
		assert.equal(l.limit, 810000);
		l.onLoss(0.05, 810000, 1000000, 1000);
		assert.equal(l.limit, 810000);
		l.onLoss(0.01, 810000, 1000000, 1400);
		assert.equal(l.limit, 810000 * 1.08 + 1000);
		l.onLoss(0, 875000, 1000000, 1900); // within a second of the last step
		assert.equal(l.limit, 810000 * 1.08 + 1000);
		l.onLoss(0, 875000, 900000, 2400); // back above the delay-based estimate: no limit
		assert.equal(l.limit, Infinity);
	});

	it('transport-cc losses are evaluated per window of >= 20 packets and >= 500 ms', () => {
		const l = new LossBasedControl();
		l.onPacketsLost(5, 10, 1000000, 1000000, 0); // 10 packets: not yet
		l.onPacketsLost(0, 10, 1000000, 1000000, 100); // 20 packets in 100 ms: not yet
		assert.equal(l.limit, Infinity);
		l.onPacketsLost(0, 0, 1000000, 1000000, 600); // 25 % of 20 over 600 ms
		assert.equal(l.limit, 1000000 * (1 - 0.5 * 0.25));
		assert.equal(l.lastLoss, 0.25);
	});

	it('a probe result lifts a limit left low by earlier loss (libwebrtc SetSendBitrate on probes)', () => {
		const l = new LossBasedControl();
		l.onLoss(0.5, 600000, 600000, 0); // a squeeze: 600 kbps x 0.75
		assert.equal(l.limit, 450000);
		l.onProbeResult(900000); // the path carried 900 kbps
		assert.equal(l.limit, 900000);
		l.onProbeResult(300000); // a lower probe does not tighten it (the delay-based part takes it)
		assert.equal(l.limit, 900000);
		const free = new LossBasedControl();
		free.onProbeResult(900000);
		assert.equal(free.limit, Infinity); // not limiting stays not limiting
	});

	it('2-10 % loss freezes the limit only while a queue stands', () => {
		const l = new LossBasedControl();
		l.onLoss(0.05, 1000000, 1200000, 0, 2); // empty queue: random loss, no freeze
		assert.equal(l.limit, Infinity);
		l.onLoss(0.05, 1000000, 1200000, 100, 40); // 40 ms of queue: ours, freeze
		assert.equal(l.limit, 1000000);
	});
});
