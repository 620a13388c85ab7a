/**
 * Decides when to probe and at what rate (libwebrtc goog_cc ProbeController):
 *
 * - at start, two clusters at 3x and 6x the start bitrate (exponential probing), so a call does
 *   not spend its first seconds ramping 8 % per second;
 * - while probing, a result above 70 % of the rate probed asks for another cluster at 2x the
 *   new estimate ("probe further"), until a result falls short or the ceiling is reached;
 * - while application-limited, after recovering from an overuse that cut the estimate below
 *   66 % of what it was, within 5 s of the drop, one cluster at 85 % of the old estimate (a
 *   transient dip need not cost 10 s of additive increase; libwebrtc also does this only in
 *   ALR: a sender that fills the link learns it from its own media);
 * - while application-limited (the caller says so), one cluster at 2x the estimate every 5 s,
 *   so the estimate stays validated although media alone cannot fill the link (probing
 *   further while the results keep up);
 * - when the ceiling (max outgoing / desired bitrate) is raised above an estimate it was
 *   holding down, one cluster toward the new ceiling.
 *
 * A cluster is { id, bitrate, minProbes: 5, minBytes: bitrate x 15 ms }. The sender (pacer)
 * sends everything in the cluster at `bitrate` for at least that many packets and bytes, using
 * padding or RTX where media is short, tagging each packet with the cluster id.
 */

import type { ProbeClusterSpec } from './ProbeBitrateEstimator';

const MIN_PROBE_PACKETS = 5;
const MIN_PROBE_DURATION_MS = 15;
const FURTHER_PROBE_THRESHOLD = 0.7;
const MAX_WAITING_FOR_PROBE_RESULT_MS = 1000;
const BITRATE_DROP_THRESHOLD = 0.66;
const BITRATE_DROP_TIMEOUT_MS = 5000;
const PROBE_FRACTION_AFTER_DROP = 0.85;
const MIN_TIME_BETWEEN_DROP_PROBES_MS = 5000;
const ALR_PROBING_INTERVAL_MS = 5000;
/** Probing far below this is pointless: the media itself covers it. */
const MIN_PROBE_BITRATE = 50000;

export class ProbeController {
	readonly firstMultiplier: number;
	readonly secondMultiplier: number;
	/** Clusters proposed and not yet taken by the sender. */
	readonly pending: ProbeClusterSpec[];
	/** Every cluster created, by id, until `forget()`; the estimator looks specs up here. */
	readonly clusters: Map<number, ProbeClusterSpec>;
	probesSent: number;

	private nextId: number;
	private started: boolean;
	private waiting: boolean;
	private waitingSinceMs: number;
	private minBitrateToProbeFurther: number;
	private lastProbeMs: number;
	private highestEstimate: number;
	private highestEstimateMs: number;
	private dropBitrate: number;
	private dropMs: number;
	private lastDropProbeMs: number;
	private appLimited: boolean;

	constructor(firstMultiplier = 3, secondMultiplier = 6) {
		this.firstMultiplier = firstMultiplier;
		this.secondMultiplier = secondMultiplier;
		this.pending = [];
		this.clusters = new Map();
		this.probesSent = 0;
		this.nextId = 1;
		this.started = false;
		this.waiting = false;
		this.waitingSinceMs = 0;
		this.minBitrateToProbeFurther = Infinity;
		this.lastProbeMs = -Infinity;
		this.highestEstimate = 0;
		this.highestEstimateMs = 0;
		this.dropBitrate = 0;
		this.dropMs = -Infinity;
		this.lastDropProbeMs = -Infinity;
		this.appLimited = false;
	}

	get isWaitingForResult(): boolean {
		return this.waiting;
	}

	/** Exponential probing at start; call once the transport is connected. */
	start(startBitrate: number, maxBitrate: number, nowMs: number): void {
		if (this.started) return;
		this.started = true;
		this.initiate(nowMs, maxBitrate, startBitrate * this.firstMultiplier, startBitrate * this.secondMultiplier);
	}

	get isStarted(): boolean {
		return this.started;
	}

	/**
	 * A new estimate. `recoveredFromOveruse` is true when the delay detector left overuse/
	 * underuse for normal after a decrease.
	 */
	onEstimate(estimate: number, maxBitrate: number, recoveredFromOveruse: boolean, nowMs: number): void {
		if (this.waiting) {
			if (nowMs - this.waitingSinceMs > MAX_WAITING_FOR_PROBE_RESULT_MS) {
				this.waiting = false;
			} else if (estimate > this.minBitrateToProbeFurther && estimate < maxBitrate) {
				this.initiate(nowMs, maxBitrate, 2 * estimate);
			}
		}
		// Remember the highest recent estimate to recognise a large drop.
		if (estimate >= this.highestEstimate || nowMs - this.highestEstimateMs > BITRATE_DROP_TIMEOUT_MS) {
			this.highestEstimate = estimate;
			this.highestEstimateMs = nowMs;
		} else if (estimate < BITRATE_DROP_THRESHOLD * this.highestEstimate && this.dropBitrate === 0) {
			this.dropBitrate = this.highestEstimate;
			this.dropMs = nowMs;
		}
		if (this.dropBitrate > 0) {
			if (nowMs - this.dropMs > BITRATE_DROP_TIMEOUT_MS) {
				this.dropBitrate = 0;
			} else if (
				recoveredFromOveruse &&
				this.appLimited &&
				!this.waiting &&
				this.pending.length === 0 &&
				nowMs - this.lastDropProbeMs >= MIN_TIME_BETWEEN_DROP_PROBES_MS
			) {
				this.lastDropProbeMs = nowMs;
				const target = PROBE_FRACTION_AFTER_DROP * this.dropBitrate;
				this.dropBitrate = 0;
				if (target > estimate) this.initiateOnce(nowMs, maxBitrate, target);
			}
		}
	}

	/** Periodic work: ALR probing. `appLimited` = media alone stays well under the estimate. */
	process(estimate: number, maxBitrate: number, appLimited: boolean, nowMs: number): void {
		this.appLimited = appLimited;
		if (this.waiting && nowMs - this.waitingSinceMs > MAX_WAITING_FOR_PROBE_RESULT_MS) this.waiting = false;
		if (!this.started || this.waiting || this.pending.length > 0) return;
		if (appLimited && nowMs - this.lastProbeMs >= ALR_PROBING_INTERVAL_MS && estimate < maxBitrate) {
			// With "probe further", as libwebrtc's periodic ALR probe: once a squeeze is over,
			// the first probe's success chains to 2x again instead of waiting 5 s more.
			this.initiate(nowMs, maxBitrate, 2 * estimate);
		}
	}

	/** The ceiling went from `oldMax` to `newMax`; probe if it was what held the estimate. */
	onMaxBitrateRaised(estimate: number, oldMax: number, newMax: number, nowMs: number): void {
		if (!this.started || newMax <= oldMax) return;
		if (estimate >= 0.9 * oldMax && estimate < newMax) {
			this.initiate(nowMs, newMax, Math.min(newMax, 2 * estimate));
		}
	}

	/** The next cluster for the sender, or undefined. */
	pop(): ProbeClusterSpec | undefined {
		const c = this.pending.shift();
		if (c !== undefined) this.probesSent++;
		return c;
	}

	/** Drops specs of clusters older than the newest `keep` (their feedback is long past). */
	forget(keep = 16): void {
		const oldest = this.nextId - keep;
		for (const id of this.clusters.keys()) if (id < oldest) this.clusters.delete(id);
	}

	/** One-off probe (no "probe further" chain). */
	private initiateOnce(nowMs: number, maxBitrate: number, bitrate: number): void {
		this.initiate(nowMs, maxBitrate, bitrate);
		this.waiting = false;
	}

	private initiate(nowMs: number, maxBitrate: number, ...bitrates: number[]): void {
		let last = 0;
		for (let b of bitrates) {
			if (b > maxBitrate) b = maxBitrate;
			if (b < MIN_PROBE_BITRATE || b <= last) continue;
			const spec: ProbeClusterSpec = {
				id: this.nextId++,
				bitrate: Math.round(b),
				minProbes: MIN_PROBE_PACKETS,
				minBytes: Math.ceil((b * MIN_PROBE_DURATION_MS) / 8000),
			};
			this.pending.push(spec);
			this.clusters.set(spec.id, spec);
			last = b;
		}
		this.forget();
		if (last === 0) {
			this.waiting = false;
			return;
		}
		this.lastProbeMs = nowMs;
		this.waiting = true;
		this.waitingSinceMs = nowMs;
		this.minBitrateToProbeFurther = FURTHER_PROBE_THRESHOLD * last;
	}
}
