/**
 * Send-side bandwidth estimation of one transport, in the manner of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02; libwebrtc goog_cc as mediasoup's TransportCongestionControlClient
 * drives it). Pure: no timers, no clock; every call takes `nowMs` (any monotonic origin, the
 * same for all calls) and the engine drives it from its send path, its RTCP handler and a
 * timer.
 *
 *   onPacketSent(seq, size, sendMs, probeClusterId?)  every packet with a transport-wide seq
 *   onTransportCcFeedback(results, nowMs)             TransportCcFeedback.getPacketResults()
 *   onReceiverReport(fractionLost, rttMs, nowMs)      each RR block about our streams
 *   onRemb(bitrate, nowMs)                            REMB (used while no transport-cc came)
 *   process(nowMs)                                    every 25-100 ms: start/ALR probing, timeouts
 *   popProbeCluster()                                 next probe cluster for the pacer
 *   getAvailableBitrate()                             the estimate, bps
 *
 * The estimate is min(delay-based, loss-based) bounded by [min, max] outgoing bitrate, where
 * the delay-based part is the AIMD controller fed by the trendline detector over packet groups
 * (or the REMB value without transport-cc) and max is the tighter of setMaxOutgoingBitrate()
 * and, once setDesiredBitrate() was called, max(initial, 1.35 x desired) (mediasoup's rule: do
 * not probe or ramp far beyond what the consumers want).
 */

import { AcknowledgedBitrateEstimator } from './AcknowledgedBitrateEstimator';
import { AimdRateControl } from './AimdRateControl';
import { InterArrival } from './InterArrival';
import { FEEDBACK_TIMEOUT_MS, LossBasedControl } from './LossBasedControl';
import { ProbeBitrateEstimator, type ProbeClusterSpec } from './ProbeBitrateEstimator';
import { ProbeController } from './ProbeController';
import { RobustThroughputEstimator } from './RobustThroughputEstimator';
import { BandwidthUsage, TrendlineEstimator } from './TrendlineEstimator';

/** mediasoup's TransportCongestionControlMinOutgoingBitrate. */
export const MIN_OUTGOING_BITRATE = 30000;
export const DEFAULT_INITIAL_AVAILABLE_OUTGOING_BITRATE = 600000;
const MAX_BITRATE_INCREMENT_FACTOR = 1.35;
const MAX_PADDING_BITRATE_FACTOR = 0.85;
const AVAILABLE_BITRATE_EVENT_INTERVAL_MS = 1000;
/** A feedback about a packet sent longer ago than this is stale (the 16-bit seq wrapped). */
const SEND_HISTORY_MAX_AGE_MS = 10000;
const HISTORY_SIZE = 65536;

const SLOT_EMPTY = 0;
const SLOT_SENT = 1;
const SLOT_RECEIVED = 2;
const SLOT_LOST = 3;

export type BweType = 'transport-cc' | 'remb';

/** One packet's fate, as TransportCcFeedback.getPacketResults() returns it. */
export interface PacketResultLike {
	sequenceNumber: number;
	received: boolean;
	arrivalUs: number;
}

export interface SendSideBandwidthEstimatorOptions {
	/** Start estimate, bps (mediasoup's initialAvailableOutgoingBitrate, default 600000). */
	initialAvailableOutgoingBitrate?: number;
	minOutgoingBitrate?: number;
	/** 0 or undefined = unlimited. */
	maxOutgoingBitrate?: number;
	/** Multipliers of the start bitrate for the two initial probe clusters (3 and 6). */
	initialProbeMultipliers?: [number, number];
}

/** The info of a mediasoup `trace` event of type 'bwe'. */
export interface BweTraceInfo {
	bweType: BweType;
	desiredBitrate: number;
	effectiveDesiredBitrate: number;
	minBitrate: number;
	maxBitrate: number;
	startBitrate: number;
	maxPaddingBitrate: number;
	availableBitrate: number;
}

export interface BweTrace {
	type: 'bwe';
	timestamp: number;
	direction: 'out';
	info: BweTraceInfo;
}

export class SendSideBandwidthEstimator {
	readonly initialAvailableBitrate: number;
	/** Counters for stats and tests. */
	feedbacksReceived: number;
	packetsAcked: number;
	packetsLost: number;
	overuseCount: number;
	probeResults: number;
	/** Last probe result in bps (0 = none yet). */
	lastProbeBitrate: number;

	private minBitrate: number;
	private maxOutgoingBitrate: number;
	private desiredBitrate: number;
	private desiredSet: boolean;
	private availableBitrate: number;
	private lastEventBitrate: number;
	private lastEventMs: number;
	private eventCalled: boolean;

	// Send history, a ring indexed by the 16-bit transport-wide seq.
	private readonly sendTimes: Float64Array;
	private readonly sizes: Uint32Array;
	private readonly clusterIds: Int32Array;
	private readonly slotState: Uint8Array;
	private lastSentMs: number;

	private readonly interArrival: InterArrival;
	private readonly trendline: TrendlineEstimator;
	private readonly aimd: AimdRateControl;
	private readonly acked: AcknowledgedBitrateEstimator;
	private readonly throughput: RobustThroughputEstimator;
	private readonly probeEstimator: ProbeBitrateEstimator;
	private readonly probeController: ProbeController;
	private readonly loss: LossBasedControl;

	private transportCcSeen: boolean;
	private rembBitrate: number;
	private lastFeedbackMs: number;
	private prevUsage: BandwidthUsage;
	private packetLoss: number;

	constructor(options: SendSideBandwidthEstimatorOptions = {}) {
		this.minBitrate = Math.max(options.minOutgoingBitrate ?? MIN_OUTGOING_BITRATE, 0) || MIN_OUTGOING_BITRATE;
		this.initialAvailableBitrate = Math.max(
			options.initialAvailableOutgoingBitrate ?? DEFAULT_INITIAL_AVAILABLE_OUTGOING_BITRATE,
			this.minBitrate,
		);
		this.maxOutgoingBitrate = options.maxOutgoingBitrate ?? 0;
		this.desiredBitrate = 0;
		this.desiredSet = false;
		this.feedbacksReceived = 0;
		this.packetsAcked = 0;
		this.packetsLost = 0;
		this.overuseCount = 0;
		this.probeResults = 0;
		this.lastProbeBitrate = 0;

		this.sendTimes = new Float64Array(HISTORY_SIZE);
		this.sizes = new Uint32Array(HISTORY_SIZE);
		this.clusterIds = new Int32Array(HISTORY_SIZE);
		this.slotState = new Uint8Array(HISTORY_SIZE);
		this.lastSentMs = -Infinity;

		this.interArrival = new InterArrival(5);
		this.trendline = new TrendlineEstimator();
		this.aimd = new AimdRateControl(this.initialAvailableBitrate, this.minBitrate, this.maxBitrate());
		this.acked = new AcknowledgedBitrateEstimator();
		this.throughput = new RobustThroughputEstimator();
		this.probeEstimator = new ProbeBitrateEstimator();
		const [m1, m2] = options.initialProbeMultipliers ?? [3, 6];
		this.probeController = new ProbeController(m1, m2);
		this.loss = new LossBasedControl();

		this.transportCcSeen = false;
		this.rembBitrate = 0;
		this.lastFeedbackMs = -Infinity;
		this.prevUsage = BandwidthUsage.Normal;
		this.packetLoss = 0;

		this.availableBitrate = this.bound(this.initialAvailableBitrate);
		this.lastEventBitrate = this.availableBitrate;
		this.lastEventMs = -Infinity;
		this.eventCalled = false;
	}

	/** The estimate, bits per second. */
	getAvailableBitrate(): number {
		return this.availableBitrate;
	}

	/** 'transport-cc' once transport-cc feedback arrived, else 'remb'. */
	get bweType(): BweType {
		return this.transportCcSeen || this.rembBitrate === 0 ? 'transport-cc' : 'remb';
	}

	/** The delay-based (AIMD or REMB) part alone. */
	get delayBasedBitrate(): number {
		return this.transportCcSeen || this.rembBitrate === 0 ? this.aimd.bitrate : this.rembBitrate;
	}

	/** The loss-based limit (Infinity while loss does not limit). */
	get lossBasedLimit(): number {
		return this.loss.limit;
	}

	/**
	 * Acknowledged throughput (bps, 0 before enough feedback): the windowed (robust) rate over
	 * the last 500 ms when it has 20 packets, else the Bayesian estimate.
	 */
	get acknowledgedBitrate(): number {
		return this.throughput.bitrate || this.acked.bitrate;
	}

	/** The delay detector's state. */
	get delayState(): BandwidthUsage {
		return this.trendline.state;
	}

	get threshold(): number {
		return this.trendline.threshold;
	}

	/** Weighted recent transport-cc loss fraction (0..1), mediasoup's rtpPacketLossSent. */
	getPacketLoss(): number {
		return this.packetLoss;
	}

	get rttMs(): number {
		return this.aimd.rttMs;
	}

	get probesSent(): number {
		return this.probeController.probesSent;
	}

	getMinOutgoingBitrate(): number {
		return this.minBitrate;
	}

	/** 0 = none. */
	getMaxOutgoingBitrate(): number {
		return this.maxOutgoingBitrate;
	}

	setMinOutgoingBitrate(bitrate: number, nowMs = 0): void {
		this.minBitrate = bitrate > 0 ? bitrate : MIN_OUTGOING_BITRATE;
		this.aimd.minBitrate = this.minBitrate;
		this.applyBounds(nowMs);
	}

	/** 0 = unlimited. */
	setMaxOutgoingBitrate(bitrate: number, nowMs = 0): void {
		const oldMax = this.maxBitrate();
		this.maxOutgoingBitrate = bitrate > 0 ? bitrate : 0;
		this.applyBounds(nowMs);
		this.probeController.onMaxBitrateRaised(this.availableBitrate, oldMax, this.maxBitrate(), nowMs);
	}

	/**
	 * What the consumers would send with the layers they want (bps). From the first call on,
	 * the estimate is kept under max(initial, 1.35 x desired), as mediasoup does, and probing
	 * happens only toward that; 0 means "nothing to send" (the ceiling falls to the initial).
	 */
	setDesiredBitrate(bitrate: number, nowMs = 0): void {
		const oldMax = this.maxBitrate();
		this.desiredBitrate = Math.max(0, bitrate);
		this.desiredSet = true;
		this.applyBounds(nowMs);
		this.probeController.onMaxBitrateRaised(this.availableBitrate, oldMax, this.maxBitrate(), nowMs);
	}

	/**
	 * A packet carrying transport-wide sequence number `seq` (16 bits) went out. Probe packets
	 * carry the id of the cluster they were sent for.
	 */
	onPacketSent(seq: number, size: number, sendMs: number, probeClusterId = -1): void {
		const slot = seq & 0xffff;
		this.sendTimes[slot] = sendMs;
		this.sizes[slot] = size;
		this.clusterIds[slot] = probeClusterId;
		this.slotState[slot] = SLOT_SENT;
		this.lastSentMs = sendMs;
	}

	/** The packet just reported sent with `seq` was a probe of cluster `probeClusterId`. */
	markProbe(seq: number, probeClusterId: number): void {
		const slot = seq & 0xffff;
		if (this.slotState[slot] === SLOT_SENT) this.clusterIds[slot] = probeClusterId;
	}

	/** One transport-cc feedback (results in sequence order, as getPacketResults() gives them). */
	onTransportCcFeedback(results: ArrayLike<PacketResultLike>, nowMs: number): void {
		this.transportCcSeen = true;
		this.feedbacksReceived++;
		this.lastFeedbackMs = nowMs;
		let lost = 0;
		let expected = 0;
		let maxArrivalMs = -Infinity;
		let minSendPlusWait = Infinity;
		let offsetSum = 0;
		let offsetCount = 0;
		const n = results.length;
		const sendTimes = this.sendTimes;
		const slotState = this.slotState;
		for (let i = 0; i < n; i++) {
			const r = results[i];
			const slot = r.sequenceNumber & 0xffff;
			const state = slotState[slot];
			if (state === SLOT_EMPTY || state === SLOT_RECEIVED) continue;
			const sendMs = sendTimes[slot];
			if (nowMs - sendMs > SEND_HISTORY_MAX_AGE_MS) continue;
			if (!r.received) {
				if (state === SLOT_SENT) {
					slotState[slot] = SLOT_LOST;
					lost++;
					expected++;
				}
				continue;
			}
			// A packet first reported lost and now received was late, not lost.
			if (state === SLOT_SENT) expected++;
			else if (lost > 0) lost--;
			slotState[slot] = SLOT_RECEIVED;
			this.packetsAcked++;
			const size = this.sizes[slot];
			const arrivalMs = r.arrivalUs / 1000;
			if (arrivalMs > maxArrivalMs) maxArrivalMs = arrivalMs;
			// For the RTT: send time plus the wait at the receiver until this feedback (below).
			const t = sendMs - arrivalMs;
			if (t < minSendPlusWait) minSendPlusWait = t;
			offsetSum -= t;
			offsetCount++;
			this.acked.update(arrivalMs, size);
			this.throughput.update(sendMs, arrivalMs, size);
			const clusterId = this.clusterIds[slot];
			if (clusterId >= 0) {
				const spec = this.probeController.clusters.get(clusterId);
				if (spec !== undefined) this.probeEstimator.handleProbe(spec, sendMs, arrivalMs, size);
			}
			if (this.interArrival.computeDeltas(sendMs, arrivalMs, size)) {
				this.trendline.update(this.interArrival.arrivalDeltaMs, this.interArrival.sendDeltaMs, arrivalMs);
			}
		}
		this.packetsLost += lost;
		if (maxArrivalMs > -Infinity) {
			this.updateFeedbackRtt(nowMs - (minSendPlusWait + maxArrivalMs));
			this.updateQueueDelay(-minSendPlusWait, offsetSum / offsetCount, nowMs);
		}
		if (expected > 0) {
			this.updatePacketLoss(lost / expected);
			this.loss.onPacketsLost(lost, expected, this.availableBitrate, this.aimd.bitrate, nowMs, this.queueDelayMs);
		}
		this.updateDelayBased(nowMs);
	}

	/**
	 * A receiver report block about one of our streams: `fractionLost` is RFC 3550's 8-bit
	 * fraction (0-255, ReportBlock.fractionLost); `rttMs` from LSR/DLSR (<= 0: unknown).
	 */
	onReceiverReport(fractionLost: number, rttMs: number, nowMs: number): void {
		if (rttMs > 0) {
			this.rrRttSeen = true;
			this.aimd.rttMs = rttMs;
			this.loss.rttMs = rttMs;
		}
		// With transport-cc the loss comes from its feedback alone (mediasoup runs goog_cc with
		// feedback_only): the receiver report counts the same losses again, over another window,
		// and a squeeze would be cut twice for one loss episode.
		if (this.transportCcSeen) return;
		// Without transport-cc there is no queueing-delay measure: treat a hold as congestion.
		this.loss.onLoss(fractionLost / 256, this.availableBitrate, this.delayBasedBitrate, nowMs, Infinity);
		this.updateEstimate(nowMs);
	}

	/** A REMB from the remote side: the delay-based estimate while transport-cc is absent. */
	onRemb(bitrate: number, nowMs: number): void {
		if (!(bitrate > 0)) return;
		this.rembBitrate = bitrate;
		if (!this.transportCcSeen) this.updateEstimate(nowMs);
	}

	/**
	 * Timer work (every 25-100 ms once the transport is connected): starts the initial probing
	 * on the first call, ALR probing when `appLimited`, and the feedback timeout.
	 */
	process(nowMs: number, appLimited = false): void {
		if (!this.probeController.isStarted) {
			this.probeController.start(this.availableBitrate, this.maxBitrate(), nowMs);
		}
		const appLimitedNow =
			appLimited || (this.desiredSet && this.desiredBitrate > 0 && this.desiredBitrate < 0.65 * this.availableBitrate);
		this.probeController.process(this.availableBitrate, this.maxBitrate(), appLimitedNow, nowMs);
		if (
			this.transportCcSeen &&
			nowMs - this.lastFeedbackMs > FEEDBACK_TIMEOUT_MS &&
			this.lastSentMs > this.lastFeedbackMs
		) {
			this.loss.onFeedbackTimeout(this.availableBitrate, nowMs);
			this.updateEstimate(nowMs);
		}
	}

	/** The next probe cluster to send, or undefined. */
	popProbeCluster(): ProbeClusterSpec | undefined {
		if (this.bweType === 'remb' && this.rembBitrate > 0) return undefined;
		return this.probeController.pop();
	}

	/**
	 * mediasoup's rule for the `availableBitrate` notification: the first estimate, then at
	 * most every second, or at once when it fell under 75 % or rose over 150 % of the last one
	 * notified. Returns true when the engine should notify (and redistribute) now.
	 */
	takeAvailableBitrateEvent(nowMs: number): boolean {
		const now = this.availableBitrate;
		const notify =
			!this.eventCalled ||
			nowMs - this.lastEventMs >= AVAILABLE_BITRATE_EVENT_INTERVAL_MS ||
			now < this.lastEventBitrate * 0.75 ||
			now > this.lastEventBitrate * 1.5;
		if (notify) {
			this.eventCalled = true;
			this.lastEventMs = nowMs;
			this.lastEventBitrate = now;
		}
		return notify;
	}

	/** The info of a 'bwe' trace event (mediasoup's BweTraceInfo). */
	getTraceInfo(): BweTraceInfo {
		const max = this.maxBitrate();
		const maxBitrate = max === Infinity ? 0 : max;
		return {
			bweType: this.bweType,
			desiredBitrate: this.desiredBitrate,
			effectiveDesiredBitrate: this.desiredBitrate,
			minBitrate: this.minBitrate,
			maxBitrate,
			startBitrate: Math.max(this.minBitrate, this.availableBitrate),
			maxPaddingBitrate: Math.round(maxBitrate * MAX_PADDING_BITRATE_FACTOR),
			availableBitrate: this.availableBitrate,
		};
	}

	/** A whole 'bwe' trace event (TransportTraceEventData shape). */
	getTrace(nowMs: number): BweTrace {
		return { type: 'bwe', timestamp: nowMs, direction: 'out', info: this.getTraceInfo() };
	}

	/** The ceiling: max outgoing bitrate and the desired-bitrate rule (Infinity = none). */
	maxBitrate(): number {
		let max = this.maxOutgoingBitrate > 0 ? this.maxOutgoingBitrate : Infinity;
		if (this.desiredSet) {
			const desiredMax = Math.max(this.initialAvailableBitrate, this.desiredBitrate * MAX_BITRATE_INCREMENT_FACTOR);
			if (desiredMax < max) max = desiredMax;
		}
		return Math.max(max, this.minBitrate);
	}

	/**
	 * RTT from transport-cc when no receiver report gave one (libwebrtc's propagation RTT):
	 * now - send time - the time the packet waited at the receiver for this feedback, minimum
	 * per feedback, averaged over the last 32 feedbacks.
	 */
	private updateFeedbackRtt(rttMs: number): void {
		if (!(rttMs > 0)) return;
		const h = this.rttHistory;
		h[this.rttHead] = rttMs;
		this.rttHead = (this.rttHead + 1) % h.length;
		if (this.rttCount < h.length) this.rttCount++;
		if (this.rrRttSeen) return;
		let sum = 0;
		for (let i = 0; i < this.rttCount; i++) sum += h[i];
		const mean = sum / this.rttCount;
		this.aimd.rttMs = mean;
		this.loss.rttMs = mean;
	}

	/**
	 * Queueing delay: the mean one-way offset (arrival - send, clocks unsynchronised) of this
	 * feedback above the smallest offset of the last 10-20 s (the empty-queue baseline).
	 */
	private updateQueueDelay(minOffset: number, meanOffset: number, nowMs: number): void {
		if (nowMs - this.offsetPeriodStartMs >= 10000) {
			this.prevPeriodMinOffset = this.curPeriodMinOffset;
			this.curPeriodMinOffset = Infinity;
			this.offsetPeriodStartMs = nowMs;
		}
		if (minOffset < this.curPeriodMinOffset) this.curPeriodMinOffset = minOffset;
		const base = Math.min(this.curPeriodMinOffset, this.prevPeriodMinOffset);
		this.queueDelayMs = Math.max(0, meanOffset - base);
	}

	/** Estimated queueing delay on the path (ms), from the last feedback. */
	queueDelayMs = 0;
	private curPeriodMinOffset = Infinity;
	private prevPeriodMinOffset = Infinity;
	private offsetPeriodStartMs = -Infinity;

	private readonly rttHistory = new Float64Array(32);
	private rttHead = 0;
	private rttCount = 0;
	private rrRttSeen = false;

	private updateDelayBased(nowMs: number): void {
		const usage = this.trendline.state;
		const ackedBitrate = this.acknowledgedBitrate;
		let probe = this.probeEstimator.fetchResult();
		if (usage === BandwidthUsage.Overusing) {
			if (this.prevUsage !== BandwidthUsage.Overusing) this.overuseCount++;
			if (ackedBitrate > 0) {
				if (this.aimd.timeToReduceFurther(nowMs, ackedBitrate)) this.aimd.update(usage, ackedBitrate, nowMs);
			} else if (this.aimd.timeToReduceFurther(nowMs, this.aimd.bitrate / 2 - 1)) {
				// Overuse before any throughput is known: halve.
				this.aimd.setEstimate(this.aimd.bitrate / 2, nowMs);
			}
		} else if (probe > 0) {
			// A probe may lower the estimate, but not far under what was just delivered.
			if (ackedBitrate > 0 && probe < 0.9 * ackedBitrate) probe = 0.9 * ackedBitrate;
			this.probeResults++;
			this.lastProbeBitrate = probe;
			this.aimd.setEstimate(probe, nowMs);
			this.loss.onProbeResult(probe);
			this.acked.expectFastRateChange();
		} else {
			this.aimd.update(usage, ackedBitrate, nowMs);
		}
		const recovered = this.prevUsage === BandwidthUsage.Underusing && usage === BandwidthUsage.Normal;
		this.prevUsage = usage;
		this.updateEstimate(nowMs);
		this.probeController.onEstimate(this.availableBitrate, this.maxBitrate(), recovered, nowMs);
	}

	private updateEstimate(_nowMs: number): void {
		let estimate = this.delayBasedBitrate;
		if (this.loss.limit < estimate) estimate = this.loss.limit;
		this.availableBitrate = this.bound(estimate);
	}

	private applyBounds(nowMs: number): void {
		const max = this.maxBitrate();
		this.aimd.maxBitrate = max;
		if (this.aimd.bitrate > max) this.aimd.setEstimate(max, nowMs);
		if (this.aimd.bitrate < this.minBitrate) this.aimd.setEstimate(this.minBitrate, nowMs);
		this.updateEstimate(nowMs);
	}

	private bound(bitrate: number): number {
		const max = this.maxBitrate();
		if (bitrate > max) bitrate = max;
		if (bitrate < this.minBitrate) bitrate = this.minBitrate;
		return Math.round(bitrate);
	}

	/** mediasoup's weighted loss history over the last 24 feedbacks, newest weighing most. */
	private readonly lossHistory = new Float64Array(24);
	private lossCount = 0;
	private lossHead = 0;

	private updatePacketLoss(fraction: number): void {
		const h = this.lossHistory;
		h[this.lossHead] = fraction;
		this.lossHead = (this.lossHead + 1) % h.length;
		if (this.lossCount < h.length) this.lossCount++;
		let weight = 0;
		let samples = 0;
		let total = 0;
		// Oldest first: weight 1, 2, 3 ...
		for (let i = 0; i < this.lossCount; i++) {
			const idx = (this.lossHead - this.lossCount + i + h.length) % h.length;
			weight++;
			samples += weight;
			total += weight * h[idx];
		}
		this.packetLoss = total / samples;
	}
}
