/**
 * Rate controller of the delay-based estimator (draft-ietf-rmcat-gcc-02 section 5.5; libwebrtc
 * AimdRateControl and LinkCapacityEstimator), a state machine driven by the detector's signal:
 *
 *   overusing  -> Decrease: rate = 0.85 x acknowledged throughput (never an increase), then Hold
 *   underusing -> Hold (the queue drains; do not add to it)
 *   normal     -> Increase (from Hold)
 *
 * Increase is multiplicative (8 % per second) while the link capacity is unknown or the
 * throughput is outside the capacity estimate's +-3 sigma band (above it the estimate is reset,
 * as libwebrtc does; below it, as the draft says, we are far from convergence, e.g. just after
 * a decrease), and additive near the capacity: about
 * one packet per response time (RTT + 100 ms, doubled as libwebrtc does), at least 4 kbps/s. The
 * capacity estimate is an average of the throughputs measured at each overuse. Increase never
 * goes past 1.5 x acknowledged + 10 kbps: an application-limited sender does not inflate it.
 */

const BETA = 0.85;
const DEFAULT_RTT_MS = 200;

export const RateControlState = { Hold: 0, Increase: 1, Decrease: 2 } as const;
export type RateControlState = (typeof RateControlState)[keyof typeof RateControlState];

/** Exponential average of throughput at overuse, with a normalised deviation (kbps). */
export class LinkCapacityEstimator {
	private estimateKbps: number;
	private deviationKbps: number;

	constructor() {
		this.estimateKbps = -1;
		this.deviationKbps = 0.4;
	}

	get hasEstimate(): boolean {
		return this.estimateKbps >= 0;
	}

	/** Bits per second (0 when unknown). */
	get estimate(): number {
		return this.estimateKbps < 0 ? 0 : this.estimateKbps * 1000;
	}

	upperBound(): number {
		return this.estimateKbps < 0 ? Infinity : (this.estimateKbps + 3 * this.deviation()) * 1000;
	}

	lowerBound(): number {
		return this.estimateKbps < 0 ? 0 : Math.max(0, this.estimateKbps - 3 * this.deviation()) * 1000;
	}

	reset(): void {
		this.estimateKbps = -1;
	}

	onOveruseDetected(throughputBps: number): void {
		this.update(throughputBps, 0.05);
	}

	onProbeRate(probeBps: number): void {
		this.update(probeBps, 0.5);
	}

	private update(sampleBps: number, alpha: number): void {
		const sample = sampleBps / 1000;
		this.estimateKbps = this.estimateKbps < 0 ? sample : (1 - alpha) * this.estimateKbps + alpha * sample;
		const norm = Math.max(this.estimateKbps, 1);
		const err = this.estimateKbps - sample;
		this.deviationKbps = (1 - alpha) * this.deviationKbps + (alpha * err * err) / norm;
		// 0.4 ~ 14 kbps and 2.5 ~ 35 kbps of deviation at 500 kbps.
		if (this.deviationKbps < 0.4) this.deviationKbps = 0.4;
		else if (this.deviationKbps > 2.5) this.deviationKbps = 2.5;
	}

	private deviation(): number {
		return Math.sqrt(this.deviationKbps * this.estimateKbps);
	}
}

export class AimdRateControl {
	minBitrate: number;
	maxBitrate: number;
	rttMs: number;
	state: RateControlState;
	/** Current delay-based estimate, bits per second. */
	bitrate: number;
	readonly linkCapacity: LinkCapacityEstimator;

	private lastThroughput: number;
	private timeLastChangeMs: number;
	private timeLastDecreaseMs: number;

	constructor(startBitrate: number, minBitrate: number, maxBitrate: number) {
		this.minBitrate = minBitrate;
		this.maxBitrate = maxBitrate;
		this.rttMs = DEFAULT_RTT_MS;
		this.state = RateControlState.Hold;
		this.bitrate = startBitrate;
		this.linkCapacity = new LinkCapacityEstimator();
		this.lastThroughput = startBitrate;
		this.timeLastChangeMs = -Infinity;
		this.timeLastDecreaseMs = -Infinity;
	}

	/** Overrides the estimate (a probe result, or a new start bitrate). */
	setEstimate(bitrate: number, nowMs: number): void {
		const prev = this.bitrate;
		this.bitrate = this.clamp(bitrate);
		this.timeLastChangeMs = nowMs;
		if (this.bitrate < prev) this.timeLastDecreaseMs = nowMs;
	}

	/**
	 * During overuse, reduce at most once per RTT (clamped 10..200 ms), unless the throughput
	 * fell under half the estimate (a sharp capacity drop).
	 */
	timeToReduceFurther(nowMs: number, throughput: number): boolean {
		const interval = Math.min(Math.max(this.rttMs, 10), 200);
		if (nowMs - this.timeLastChangeMs >= interval) return true;
		return throughput < 0.5 * this.bitrate;
	}

	/** One detector signal; `throughput` is the acknowledged bitrate (0 = unknown). */
	update(usage: number, throughput: number, nowMs: number): number {
		if (throughput > 0) this.lastThroughput = throughput;
		const tput = this.lastThroughput;

		// Overusing = 2, Normal = 0, Underusing = 1 (TrendlineEstimator's BandwidthUsage).
		if (usage === 2) {
			this.state = RateControlState.Decrease;
		} else if (usage === 0) {
			if (this.state === RateControlState.Hold) {
				this.timeLastChangeMs = nowMs;
				this.state = RateControlState.Increase;
			}
		} else {
			this.state = RateControlState.Hold;
		}

		let next = this.bitrate;
		if (this.state === RateControlState.Increase) {
			if (tput > this.linkCapacity.upperBound()) this.linkCapacity.reset();
			const limit = 1.5 * tput + 10000;
			if (this.bitrate < limit) {
				const dtMs = nowMs - this.timeLastChangeMs;
				// Draft section 5.5: additive only while the incoming rate is within 3 sigma of
				// the capacity average; further below (e.g. right after a decrease) it is far
				// from convergence and multiplicative increase applies.
				const nearMax = this.linkCapacity.hasEstimate && tput >= this.linkCapacity.lowerBound();
				const increased = nearMax
					? this.bitrate + this.additiveIncrease(dtMs)
					: this.bitrate + this.multiplicativeIncrease(dtMs);
				next = Math.min(increased, limit);
			}
			this.timeLastChangeMs = nowMs;
		} else if (this.state === RateControlState.Decrease) {
			let decreased = tput * BETA;
			if (decreased > this.bitrate && this.linkCapacity.hasEstimate) {
				decreased = BETA * this.linkCapacity.estimate;
			}
			// Never increase while over-using.
			if (decreased < this.bitrate) next = decreased;
			if (tput < this.linkCapacity.lowerBound()) this.linkCapacity.reset();
			this.linkCapacity.onOveruseDetected(tput);
			// Hold until the queue is drained.
			this.state = RateControlState.Hold;
			this.timeLastChangeMs = nowMs;
			this.timeLastDecreaseMs = nowMs;
		}
		this.bitrate = this.clamp(next);
		return this.bitrate;
	}

	/** Bits per second of additive increase near the link capacity. */
	nearMaxIncreaseRate(): number {
		const frameBits = this.bitrate / 30;
		const packetsPerFrame = Math.ceil(frameBits / (1200 * 8));
		const avgPacketBits = frameBits / packetsPerFrame;
		// Overuse detection takes about 100 ms; libwebrtc doubles the response time with the
		// adaptive threshold so the increase stays below what the detector can follow.
		const responseTimeS = (2 * (this.rttMs + 100)) / 1000;
		return Math.max(4000, avgPacketBits / responseTimeS);
	}

	private additiveIncrease(dtMs: number): number {
		if (!(dtMs > 0)) return 0;
		return this.nearMaxIncreaseRate() * Math.min(dtMs, 1000) / 1000;
	}

	private multiplicativeIncrease(dtMs: number): number {
		const alpha = dtMs === Infinity || !(dtMs >= 0) ? 1.08 : Math.pow(1.08, Math.min(dtMs / 1000, 1));
		return Math.max(this.bitrate * (alpha - 1), 1000);
	}

	private clamp(bitrate: number): number {
		if (bitrate > this.maxBitrate) bitrate = this.maxBitrate;
		if (bitrate < this.minBitrate) bitrate = this.minBitrate;
		return bitrate;
	}
}
