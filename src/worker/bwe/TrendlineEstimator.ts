/**
 * Delay-gradient detector (draft-ietf-rmcat-gcc-02 sections 5.3-5.5, in the trendline form that
 * libwebrtc's goog_cc uses instead of the draft's Kalman filter):
 *
 * - every inter-group delay variation d = arrivalDelta - sendDelta is accumulated and smoothed
 *   exponentially (coefficient 0.9);
 * - a least-squares line is fitted through the last `windowSize` (20) points of
 *   (arrival time, smoothed accumulated delay); its slope estimates (send rate - capacity) /
 *   capacity: > 0 while a queue fills, < 0 while it drains;
 * - the slope times min(deltas, 60) times the threshold gain (4) is compared with an adaptive
 *   threshold gamma (section 5.4): above it for more than 10 ms over at least two deltas, with a
 *   non-falling slope, is "overusing"; below -gamma is "underusing"; else "normal";
 * - gamma follows |modified trend| with k_up = 0.0087 / k_down = 0.039 per ms (dt capped at
 *   100 ms), clamped to [6, 600], and ignores spikes more than 15 above it (section 5.4), so the
 *   detector neither starves against concurrent TCP flows nor fires on noise.
 */

export const BandwidthUsage = { Normal: 0, Underusing: 1, Overusing: 2 } as const;
export type BandwidthUsage = (typeof BandwidthUsage)[keyof typeof BandwidthUsage];

export function bandwidthUsageName(u: BandwidthUsage): 'normal' | 'underusing' | 'overusing' {
	return u === BandwidthUsage.Overusing ? 'overusing' : u === BandwidthUsage.Underusing ? 'underusing' : 'normal';
}

const MAX_ADAPT_OFFSET = 15;
const OVERUSING_TIME_THRESHOLD_MS = 10;
const MIN_NUM_DELTAS = 60;
const DELTA_COUNTER_MAX = 1000;
const MAX_THRESHOLD_DT_MS = 100;

export interface TrendlineOptions {
	windowSize?: number;
	smoothingCoef?: number;
	thresholdGain?: number;
	kUp?: number;
	kDown?: number;
	initialThreshold?: number;
}

export class TrendlineEstimator {
	readonly windowSize: number;
	readonly smoothingCoef: number;
	readonly thresholdGain: number;
	readonly kUp: number;
	readonly kDown: number;
	/** The adaptive threshold gamma. */
	threshold: number;
	/** Last fitted slope and the value compared against the threshold. */
	trend: number;
	modifiedTrend: number;
	state: BandwidthUsage;

	private numDeltas: number;
	private firstArrivalMs: number;
	private accumulatedDelay: number;
	private smoothedDelay: number;
	// Ring buffer of (x = arrival ms since first, y = smoothed delay).
	private readonly xs: Float64Array;
	private readonly ys: Float64Array;
	private head: number;
	private count: number;
	private timeOverUsing: number;
	private overuseCounter: number;
	private lastThresholdUpdateMs: number;

	constructor(options: TrendlineOptions = {}) {
		this.windowSize = options.windowSize ?? 20;
		this.smoothingCoef = options.smoothingCoef ?? 0.9;
		this.thresholdGain = options.thresholdGain ?? 4;
		this.kUp = options.kUp ?? 0.0087;
		this.kDown = options.kDown ?? 0.039;
		this.threshold = options.initialThreshold ?? 12.5;
		this.trend = 0;
		this.modifiedTrend = 0;
		this.state = BandwidthUsage.Normal;
		this.numDeltas = 0;
		this.firstArrivalMs = -1;
		this.accumulatedDelay = 0;
		this.smoothedDelay = 0;
		this.xs = new Float64Array(this.windowSize);
		this.ys = new Float64Array(this.windowSize);
		this.head = 0;
		this.count = 0;
		this.timeOverUsing = -1;
		this.overuseCounter = 0;
		this.lastThresholdUpdateMs = -1;
	}

	/** One group-pair sample from InterArrival; `arrivalMs` is the later group's arrival time. */
	update(arrivalDeltaMs: number, sendDeltaMs: number, arrivalMs: number): BandwidthUsage {
		const delta = arrivalDeltaMs - sendDeltaMs;
		if (this.numDeltas < DELTA_COUNTER_MAX) this.numDeltas++;
		if (this.firstArrivalMs < 0) this.firstArrivalMs = arrivalMs;
		this.accumulatedDelay += delta;
		this.smoothedDelay = this.smoothingCoef * this.smoothedDelay + (1 - this.smoothingCoef) * this.accumulatedDelay;

		const n = this.windowSize;
		this.xs[this.head] = arrivalMs - this.firstArrivalMs;
		this.ys[this.head] = this.smoothedDelay;
		this.head = this.head + 1 === n ? 0 : this.head + 1;
		if (this.count < n) this.count++;

		let trend = this.trend;
		if (this.count === n) {
			const slope = this.fitSlope();
			if (slope === slope) trend = slope; // NaN: all x equal, keep the previous trend
		}
		this.detect(trend, sendDeltaMs, arrivalMs);
		return this.state;
	}

	private fitSlope(): number {
		const n = this.count;
		let sx = 0;
		let sy = 0;
		for (let i = 0; i < n; i++) {
			sx += this.xs[i];
			sy += this.ys[i];
		}
		const mx = sx / n;
		const my = sy / n;
		let num = 0;
		let den = 0;
		for (let i = 0; i < n; i++) {
			const dx = this.xs[i] - mx;
			num += dx * (this.ys[i] - my);
			den += dx * dx;
		}
		return den === 0 ? NaN : num / den;
	}

	private detect(trend: number, sendDeltaMs: number, nowMs: number): void {
		if (this.numDeltas < 2) {
			this.state = BandwidthUsage.Normal;
			return;
		}
		const modified = Math.min(this.numDeltas, MIN_NUM_DELTAS) * trend * this.thresholdGain;
		this.modifiedTrend = modified;
		if (modified > this.threshold) {
			// Assume we have been over-using for half of the time since the previous sample.
			this.timeOverUsing = this.timeOverUsing < 0 ? sendDeltaMs / 2 : this.timeOverUsing + sendDeltaMs;
			this.overuseCounter++;
			if (this.timeOverUsing > OVERUSING_TIME_THRESHOLD_MS && this.overuseCounter > 1 && trend >= this.trend) {
				this.timeOverUsing = 0;
				this.overuseCounter = 0;
				this.state = BandwidthUsage.Overusing;
			}
		} else if (modified < -this.threshold) {
			this.timeOverUsing = -1;
			this.overuseCounter = 0;
			this.state = BandwidthUsage.Underusing;
		} else {
			this.timeOverUsing = -1;
			this.overuseCounter = 0;
			this.state = BandwidthUsage.Normal;
		}
		this.trend = trend;
		this.updateThreshold(modified, nowMs);
	}

	private updateThreshold(modified: number, nowMs: number): void {
		if (this.lastThresholdUpdateMs < 0) this.lastThresholdUpdateMs = nowMs;
		const abs = Math.abs(modified);
		if (abs > this.threshold + MAX_ADAPT_OFFSET) {
			// A sudden capacity drop: do not let the threshold chase the spike.
			this.lastThresholdUpdateMs = nowMs;
			return;
		}
		const k = abs < this.threshold ? this.kDown : this.kUp;
		const dt = Math.min(nowMs - this.lastThresholdUpdateMs, MAX_THRESHOLD_DT_MS);
		this.threshold += k * (abs - this.threshold) * dt;
		if (this.threshold < 6) this.threshold = 6;
		else if (this.threshold > 600) this.threshold = 600;
		this.lastThresholdUpdateMs = nowMs;
	}
}
