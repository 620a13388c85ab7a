/**
 * A network simulator in simulated time for the send-side estimator: a sender pacing packets
 * at the estimator's rate (plus the probe clusters it asks for), a bottleneck link (capacity
 * that may change over time, drop-tail queue bounded in milliseconds, propagation delay,
 * optional random loss from a seeded PRNG), and a receiver running the real
 * TransportCcFeedbackGenerator, whose feedback (serialized and parsed again) returns after the
 * propagation delay. Optionally RTCP receiver reports (fraction lost, RTT) every second.
 * Time advances in 1 ms steps; packet times are exact (fractional ms).
 */

import { TransportCcFeedback } from '../../../src/proto/rtcp/transportcc';
import type { SendSideBandwidthEstimator } from '../../../src/worker/bwe/SendSideBandwidthEstimator';
import type { ProbeClusterSpec } from '../../../src/worker/bwe/ProbeBitrateEstimator';
import { TransportCcFeedbackGenerator } from '../../../src/worker/feedback/TransportCcFeedbackGenerator';

import { prng as mulberry32 } from '../../helpers/prng';

export { mulberry32 };

export interface LinkConfig {
	/** Bits per second, or a function of simulated time (ms). */
	capacityBps: number | ((tMs: number) => number);
	/** Drop-tail: a packet that would wait longer than this in the queue is dropped. */
	queueMs?: number;
	/** One-way propagation delay, both directions. */
	propagationMs?: number;
	/** Random loss probability before the queue. */
	lossRate?: number;
	seed?: number;
}

export interface SimOptions {
	packetSize?: number;
	feedbackIntervalMs?: number;
	/** Send RTCP receiver reports this often (0 = never). */
	rrIntervalMs?: number;
	/** Sample the estimate this often. */
	sampleIntervalMs?: number;
	/** The sender's demand (bps); undefined = always as much as the estimate allows. */
	demandBps?: (tMs: number) => number;
	/** Transport-cc negotiated (else the receiver sends REMB of `rembBps`). */
	transportCc?: boolean;
	rembBps?: (tMs: number) => number;
	/**
	 * The sender sends `demandBps` whatever the estimate (an SFU forwarding a layer: only the
	 * layer choice follows the estimate), instead of min(estimate, demand).
	 */
	forwarding?: boolean;
	/** What the engine passes as process()'s appLimited (consumers held below what they want). */
	appLimited?: (tMs: number) => boolean;
	/** Called before each process() (every 25 ms), e.g. to play the engine's allocator. */
	onProcess?: (tMs: number) => void;
}

export interface Sample {
	t: number;
	estimate: number;
	capacity: number;
}

interface Arrival {
	seq: number;
	/** Unwrapped sequence number. */
	ext: number;
	arrivalMs: number;
}

export class NetSim {
	readonly bwe: SendSideBandwidthEstimator;
	readonly samples: Sample[] = [];
	t = 0;
	packetsSent = 0;
	packetsDropped = 0;
	packetsRandomLost = 0;
	probePacketsSent = 0;
	bytesDelivered = 0;
	maxQueueMs = 0;

	private readonly capacity: (tMs: number) => number;
	private readonly queueMs: number;
	private readonly propMs: number;
	private readonly lossRate: number;
	private readonly random: () => number;
	private readonly packetSize: number;
	private readonly feedbackIntervalMs: number;
	private readonly rrIntervalMs: number;
	private readonly sampleIntervalMs: number;
	private readonly demand: ((tMs: number) => number) | undefined;
	private readonly transportCc: boolean;
	private readonly remb: ((tMs: number) => number) | undefined;
	private readonly appLimited: ((tMs: number) => boolean) | undefined;
	private readonly forwarding: boolean;
	private readonly onProcess: ((tMs: number) => void) | undefined;

	private readonly gen = new TransportCcFeedbackGenerator();
	private readonly arrivals: Arrival[] = [];
	private arrivalHead = 0;
	private readonly feedbacks: { atMs: number; fb: TransportCcFeedback }[] = [];
	private readonly rrs: { atMs: number; fraction: number }[] = [];
	private linkFreeAt = 0;
	private seq = 0;
	private nextSendMs = 0;
	private probe: ProbeClusterSpec | undefined;
	private probeSentPackets = 0;
	private probeSentBytes = 0;
	private nextFeedbackMs: number;
	private nextRrMs: number;
	private nextSampleMs = 0;
	private nextProcessMs = 0;
	private rrReceived = 0;
	private rrBaseSeq = -1;
	private highestReceived = -1;

	constructor(bwe: SendSideBandwidthEstimator, link: LinkConfig, options: SimOptions = {}) {
		this.bwe = bwe;
		const cap = link.capacityBps;
		this.capacity = typeof cap === 'number' ? () => cap : cap;
		this.queueMs = link.queueMs ?? 100;
		this.propMs = link.propagationMs ?? 20;
		this.lossRate = link.lossRate ?? 0;
		this.random = mulberry32(link.seed ?? 1);
		this.packetSize = options.packetSize ?? 1200;
		this.feedbackIntervalMs = options.feedbackIntervalMs ?? 100;
		this.rrIntervalMs = options.rrIntervalMs ?? 0;
		this.sampleIntervalMs = options.sampleIntervalMs ?? 100;
		this.demand = options.demandBps;
		this.transportCc = options.transportCc ?? true;
		this.remb = options.rembBps;
		this.appLimited = options.appLimited;
		this.forwarding = options.forwarding ?? false;
		this.onProcess = options.onProcess;
		this.nextFeedbackMs = this.feedbackIntervalMs;
		this.nextRrMs = this.rrIntervalMs > 0 ? this.rrIntervalMs : Infinity;
	}

	/** Runs until simulated time `untilMs`. */
	run(untilMs: number): this {
		for (; this.t <= untilMs; this.t++) this.step(this.t);
		return this;
	}

	private step(t: number): void {
		if (t >= this.nextProcessMs) {
			this.onProcess?.(t);
			this.bwe.process(t, this.appLimited?.(t) ?? false);
			this.nextProcessMs += 25;
		}
		// Receiver: arrivals up to now.
		while (this.arrivalHead < this.arrivals.length && this.arrivals[this.arrivalHead].arrivalMs <= t) {
			const a = this.arrivals[this.arrivalHead++];
			this.rrReceived++;
			if (a.ext > this.highestReceived) this.highestReceived = a.ext;
			if (this.transportCc) {
				const early = this.gen.onPacket(a.seq, Math.round(a.arrivalMs * 1000), t);
				if (early) for (const fb of early) this.sendFeedback(fb, t);
			}
		}
		if (this.arrivalHead > 4096) {
			this.arrivals.splice(0, this.arrivalHead);
			this.arrivalHead = 0;
		}
		if (t >= this.nextFeedbackMs) {
			this.nextFeedbackMs += this.feedbackIntervalMs;
			if (this.transportCc) for (const fb of this.gen.onTimer(t)) this.sendFeedback(fb, t);
			else if (this.remb) this.bwe.onRemb(this.remb(t), t);
		}
		if (t >= this.nextRrMs) {
			this.nextRrMs += this.rrIntervalMs;
			// RFC 3550 A.3: expected from the highest sequence number received, not packets sent.
			const expected = this.highestReceived - this.rrBaseSeq;
			const fraction = expected > 0 ? Math.max(0, (expected - this.rrReceived) / expected) : 0;
			this.rrBaseSeq = this.highestReceived;
			this.rrReceived = 0;
			this.rrs.push({ atMs: t + this.propMs, fraction });
		}
		// Sender side: feedback and reports that made it back.
		while (this.feedbacks.length > 0 && this.feedbacks[0].atMs <= t) {
			const { fb } = this.feedbacks.shift()!;
			this.bwe.onTransportCcFeedback(fb.getPacketResults(), t);
		}
		while (this.rrs.length > 0 && this.rrs[0].atMs <= t) {
			const { fraction } = this.rrs.shift()!;
			this.bwe.onReceiverReport(Math.min(255, Math.floor(fraction * 256)), 2 * this.propMs, t);
		}
		// Pacer.
		this.pace(t);
		if (t >= this.nextSampleMs) {
			this.nextSampleMs += this.sampleIntervalMs;
			this.samples.push({ t, estimate: this.bwe.getAvailableBitrate(), capacity: this.capacity(t) });
		}
	}

	private sendFeedback(fb: TransportCcFeedback, t: number): void {
		// Through the wire format and back, as the engine will see it.
		const parsed = TransportCcFeedback.parse(fb.serialize());
		if (parsed) this.feedbacks.push({ atMs: t + this.propMs, fb: parsed });
	}

	private pace(t: number): void {
		if (this.nextSendMs < t - 5) this.nextSendMs = t - 5; // no bursts after idle
		while (this.nextSendMs <= t + 1) {
			if (this.probe === undefined) {
				this.probe = this.bwe.popProbeCluster();
				this.probeSentPackets = 0;
				this.probeSentBytes = 0;
			}
			const sendMs = this.nextSendMs;
			if (sendMs > t) break;
			let rate: number;
			let clusterId = -1;
			if (this.probe !== undefined) {
				rate = this.probe.bitrate;
				clusterId = this.probe.id;
			} else {
				rate = this.bwe.getAvailableBitrate();
				if (this.demand) rate = this.forwarding ? this.demand(sendMs) : Math.min(rate, this.demand(sendMs));
				if (rate <= 0) {
					this.nextSendMs = t + 1;
					break;
				}
			}
			const size = this.packetSize;
			this.sendPacket(size, sendMs, clusterId);
			this.nextSendMs = sendMs + (size * 8000) / rate;
			if (this.probe !== undefined) {
				this.probePacketsSent++;
				this.probeSentPackets++;
				this.probeSentBytes += size;
				if (this.probeSentPackets >= this.probe.minProbes && this.probeSentBytes >= this.probe.minBytes) {
					this.probe = undefined;
				}
			}
		}
	}

	private sendPacket(size: number, sendMs: number, clusterId: number): void {
		const seq = this.seq;
		this.seq = (this.seq + 1) & 0xffff;
		this.packetsSent++;
		this.bwe.onPacketSent(seq, size, sendMs, clusterId);
		if (this.lossRate > 0 && this.random() < this.lossRate) {
			this.packetsRandomLost++;
			return;
		}
		const start = Math.max(sendMs, this.linkFreeAt);
		const wait = start - sendMs;
		if (wait > this.queueMs) {
			this.packetsDropped++;
			return;
		}
		if (wait > this.maxQueueMs) this.maxQueueMs = wait;
		this.linkFreeAt = start + (size * 8000) / this.capacity(start);
		this.bytesDelivered += size;
		this.arrivals.push({ seq, ext: this.packetsSent - 1, arrivalMs: this.linkFreeAt + this.propMs });
	}

	// Statistics over the recorded samples.
	window(fromMs: number, toMs: number): Sample[] {
		return this.samples.filter((s) => s.t >= fromMs && s.t <= toMs);
	}

	mean(fromMs: number, toMs: number): number {
		const w = this.window(fromMs, toMs);
		return w.reduce((a, s) => a + s.estimate, 0) / w.length;
	}

	min(fromMs: number, toMs: number): number {
		return Math.min(...this.window(fromMs, toMs).map((s) => s.estimate));
	}

	max(fromMs: number, toMs: number): number {
		return Math.max(...this.window(fromMs, toMs).map((s) => s.estimate));
	}

	/** First sample time >= fromMs with estimate <= bitrate (Infinity if none). */
	firstAtOrBelow(bitrate: number, fromMs: number): number {
		for (const s of this.samples) if (s.t >= fromMs && s.estimate <= bitrate) return s.t;
		return Infinity;
	}

	/** First sample time >= fromMs with estimate >= bitrate (Infinity if none). */
	firstAtOrAbove(bitrate: number, fromMs: number): number {
		for (const s of this.samples) if (s.t >= fromMs && s.estimate >= bitrate) return s.t;
		return Infinity;
	}
}
