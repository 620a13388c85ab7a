import { ReportBlock } from '../../proto/rtcp/reportblock';
import { compactNtp, msToQ16 } from './ntp';
import { RateCalculator } from './RateCalculator';
import { ScoreHistory, intervalScore } from './Score';

/** RFC 3550 appendix A.1 constants. */
export const MIN_SEQUENTIAL = 2;
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
const RTP_SEQ_MOD = 0x10000;

/** What `receivePacket` made of a packet. */
export const RECV_OK = 0;
/** Still on probation (RFC 3550 A.1): not counted; the source is not yet validated. */
export const RECV_PROBATION = 1;
/** A very large jump (or very late packet): not counted; a second one in sequence re-syncs. */
export const RECV_BAD_SEQ = 2;
/** Counted (RFC 3550 counts duplicates as received) but the payload was seen before. */
export const RECV_DUPLICATE = 3;

/** RTP inactivity timeouts of mediasoup's RtpStreamRecv (ms): the score drops to 0 after it. */
export const INACTIVITY_TIMEOUT_MS = 1500;
export const INACTIVITY_TIMEOUT_DTX_MS = 5000;

// Duplicate detection window (in packets) behind the highest sequence number.
const DUP_WINDOW = 1024;

export interface RtpStreamRecvOptions {
	ssrc: number;
	/** Codec clock rate (Hz), for jitter. 0 disables jitter. */
	clockRate: number;
	spatialLayers?: number;
	temporalLayers?: number;
	/** RTX is negotiated (affects how the score treats repairs). */
	useRtx?: boolean;
	/** DTX may pause the stream: longer inactivity timeout and bitrate window. */
	useDtx?: boolean;
	/** RFC 3550 A.1 MIN_SEQUENTIAL (1 = accept the first packet). */
	minSequential?: number;
	maxDropout?: number;
	/** RFC 3550 A.1 uses 100; mediasoup uses 1500 to tolerate NACK-era reordering. */
	maxMisorder?: number;
	/** Bitrate window (ms); mediasoup uses 2500 (6000 with DTX). */
	bitrateWindowMs?: number;
}

/**
 * Receive-side statistics of one RTP stream (a producer's encoding): RFC 3550 appendix A.1
 * sequence validation with probation and 16-bit wraparound, A.3 loss and fraction lost per
 * report interval, A.8 interarrival jitter, bitrate per spatial/temporal layer, repaired /
 * retransmitted / duplicate counters, the report block with LSR/DLSR, and mediasoup's 0-10
 * score (one sample per sender report received, 0 on inactivity).
 *
 * No clock reads: every call that needs time takes `nowMs` (any monotonic millisecond clock,
 * the same for all calls).
 */
export class RtpStreamRecv {
	readonly ssrc: number;
	readonly clockRate: number;
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	readonly useRtx: boolean;
	readonly inactivityTimeoutMs: number;
	private readonly minSequential: number;
	private readonly maxDropout: number;
	private readonly maxMisorder: number;

	// RFC 3550 A.1 source state.
	private started: boolean;
	private probation: number;
	private maxSeq: number;
	private cycles: number;
	private baseSeq: number;
	private badSeq: number;
	/** Packets counted as received (RFC 3550 `received`, duplicates included). */
	packetsReceived: number;
	/**
	 * Media packets counted since the stream began (stats' packetCount, like mediasoup's
	 * transmission counter): unlike packetsReceived, not restarted when a sequence jump
	 * re-synchronises the RFC 3550 counters.
	 */
	packetCount: number;
	bytesReceived: number;
	private expectedPrior: number;
	private receivedPrior: number;

	// Jitter (A.8), in timestamp units.
	private jitterValue: number;
	private hasTransit: boolean;
	private lastTs: number;
	private lastArrivalMs: number;

	// Counters.
	packetsDiscarded: number;
	packetsRetransmitted: number;
	packetsRepaired: number;
	packetsDuplicated: number;
	/** Last fraction lost computed for a report (0-255, i.e. /256). */
	fractionLost: number;

	// Duplicate window: one bit per extended sequence number (mod DUP_WINDOW).
	private readonly seen: Uint32Array;

	// Bitrate per layer, [spatial * temporalLayers + temporal].
	private readonly layerRates: RateCalculator[];

	// Last SR received.
	private lastSrCompact: number;
	private lastSrReceivedMs: number;
	/** NTP (ms) and RTP timestamp of the last SR: the mapping for A/V sync. */
	lastSrNtpSeconds: number;
	lastSrNtpFraction: number;
	lastSrRtpTimestamp: number;
	private hasSr: boolean;

	// Score.
	private readonly scoreHistory: ScoreHistory;
	private expectedPriorScore: number;
	private receivedPriorScore: number;
	private repairedPriorScore: number;
	private retransmittedPriorScore: number;
	private lastPacketMs: number;
	/** True once inactivity was detected and until the next packet. */
	inactive: boolean;

	constructor(options: RtpStreamRecvOptions) {
		this.ssrc = options.ssrc >>> 0;
		this.clockRate = options.clockRate;
		this.spatialLayers = Math.max(1, options.spatialLayers ?? 1);
		this.temporalLayers = Math.max(1, options.temporalLayers ?? 1);
		this.useRtx = options.useRtx ?? false;
		this.inactivityTimeoutMs = options.useDtx ? INACTIVITY_TIMEOUT_DTX_MS : INACTIVITY_TIMEOUT_MS;
		this.minSequential = Math.max(1, options.minSequential ?? MIN_SEQUENTIAL);
		this.maxDropout = options.maxDropout ?? MAX_DROPOUT;
		this.maxMisorder = options.maxMisorder ?? MAX_MISORDER;
		this.started = false;
		this.probation = 0;
		this.maxSeq = 0;
		this.cycles = 0;
		this.baseSeq = 0;
		this.badSeq = RTP_SEQ_MOD + 1;
		this.packetsReceived = 0;
		this.packetCount = 0;
		this.bytesReceived = 0;
		this.expectedPrior = 0;
		this.receivedPrior = 0;
		this.jitterValue = 0;
		this.hasTransit = false;
		this.lastTs = 0;
		this.lastArrivalMs = 0;
		this.packetsDiscarded = 0;
		this.packetsRetransmitted = 0;
		this.packetsRepaired = 0;
		this.packetsDuplicated = 0;
		this.fractionLost = 0;
		this.seen = new Uint32Array(DUP_WINDOW / 32);
		const windowMs = options.bitrateWindowMs ?? (options.useDtx ? 6000 : 2500);
		this.layerRates = [];
		for (let i = 0; i < this.spatialLayers * this.temporalLayers; i++) {
			this.layerRates.push(new RateCalculator(windowMs, 25));
		}
		this.lastSrCompact = 0;
		this.lastSrReceivedMs = 0;
		this.lastSrNtpSeconds = 0;
		this.lastSrNtpFraction = 0;
		this.lastSrRtpTimestamp = 0;
		this.hasSr = false;
		this.scoreHistory = new ScoreHistory(10);
		this.expectedPriorScore = 0;
		this.receivedPriorScore = 0;
		this.repairedPriorScore = 0;
		this.retransmittedPriorScore = 0;
		this.lastPacketMs = 0;
		this.inactive = false;
	}

	/** Current 0-10 score. */
	get score(): number {
		return this.scoreHistory.score;
	}

	/** Extended highest sequence number received (cycles + max seq), RFC 3550 A.3. */
	get extendedHighestSeq(): number {
		return this.cycles + this.maxSeq;
	}

	/** Packets expected so far (A.3): extended max - base + 1; 0 before validation. */
	get packetsExpected(): number {
		if (!this.started || this.probation > 0) return 0;
		return this.cycles + this.maxSeq - this.baseSeq + 1;
	}

	/** Cumulative packets lost (A.3), signed: duplicates can make it negative. */
	get packetsLost(): number {
		return this.packetsExpected - this.packetsReceived;
	}

	/** Interarrival jitter in timestamp units (A.8), as reported. */
	get jitter(): number {
		return Math.floor(this.jitterValue);
	}

	/**
	 * A media packet of this stream (not RTX). `size` is the whole RTP packet in bytes; layers
	 * are clamped to the configured counts. Returns RECV_OK / RECV_DUPLICATE when counted,
	 * RECV_PROBATION or RECV_BAD_SEQ when not (mediasoup drops bad-seq packets; forwarding
	 * probation packets is the caller's choice). A counted packet revives an inactive stream
	 * (score back to 10, as mediasoup): compare `score` before and after to notify.
	 */
	receivePacket(seq: number, timestamp: number, size: number, nowMs: number, spatialLayer = 0, temporalLayer = 0): number {
		const result = this.updateSeq(seq & 0xffff);
		if (result === RECV_PROBATION || result === RECV_BAD_SEQ) return result;
		this.packetsReceived++;
		this.packetCount++;
		this.bytesReceived += size;
		this.updateJitter(timestamp >>> 0, nowMs);
		this.layerRate(spatialLayer, temporalLayer).update(size, nowMs);
		this.markActive(nowMs);
		return result;
	}

	/**
	 * A packet recovered from RTX (already decapsulated: original seq and timestamp). It is a
	 * retransmission; `repaired` says the NackGenerator had it on its list (it repaired a loss),
	 * which also counts its bytes in the bitrate. Not counted as received for loss statistics:
	 * the original stream lost it (as mediasoup reports). Returns false for a bad sequence number.
	 */
	receiveRtxPacket(seq: number, size: number, nowMs: number, repaired: boolean, spatialLayer = 0, temporalLayer = 0): boolean {
		if (!this.started || this.probation > 0) return false;
		const udelta = ((seq & 0xffff) - this.maxSeq) & 0xffff;
		// The RFC A.1 window: newer within dropout, or older within misorder.
		if (udelta >= this.maxDropout && udelta <= RTP_SEQ_MOD - this.maxMisorder) return false;
		this.packetsRetransmitted++;
		if (repaired) {
			this.packetsRepaired++;
			this.layerRate(spatialLayer, temporalLayer).update(size, nowMs);
			this.markActive(nowMs);
		}
		return true;
	}

	/**
	 * Without RTX, a NACKed packet comes back in-band through `receivePacket`; when the
	 * NackGenerator says it was on its list, call this to count it retransmitted and repaired.
	 */
	packetRecoveredInBand(): void {
		this.packetsRetransmitted++;
		this.packetsRepaired++;
	}

	/** Bits per second of all layers. */
	getBitrate(nowMs: number): number {
		let rate = 0;
		for (let i = 0; i < this.layerRates.length; i++) rate += this.layerRates[i].getRate(nowMs);
		return rate;
	}

	/**
	 * Bits per second needed to receive up to (spatial, temporal): every temporal layer of lower
	 * spatial layers plus temporal layers 0..t of spatial layer s. 0 when that very layer has
	 * no traffic (as mediasoup: the layer is not being received).
	 */
	getLayerBitrate(nowMs: number, spatialLayer: number, temporalLayer: number): number {
		const s = Math.min(spatialLayer, this.spatialLayers - 1);
		const t = Math.min(temporalLayer, this.temporalLayers - 1);
		if (this.layerRates[s * this.temporalLayers + t].getRate(nowMs) === 0) return 0;
		let rate = 0;
		for (let i = 0; i < s * this.temporalLayers; i++) rate += this.layerRates[i].getRate(nowMs);
		for (let j = 0; j <= t; j++) rate += this.layerRates[s * this.temporalLayers + j].getRate(nowMs);
		return rate;
	}

	/** Bits per second of exactly one layer. */
	getSingleLayerBitrate(nowMs: number, spatialLayer: number, temporalLayer: number): number {
		return this.layerRate(spatialLayer, temporalLayer).getRate(nowMs);
	}

	/**
	 * Records a sender report from the remote (its NTP timestamp halves and RTP timestamp):
	 * LSR/DLSR for our next report, the NTP/RTP mapping, and one score sample (mediasoup
	 * scores a received stream once per SR). Returns true when the score changed.
	 */
	receiveSenderReport(ntpSeconds: number, ntpFraction: number, rtpTimestamp: number, nowMs: number): boolean {
		this.lastSrCompact = compactNtp(ntpSeconds, ntpFraction);
		this.lastSrReceivedMs = nowMs;
		this.lastSrNtpSeconds = ntpSeconds >>> 0;
		this.lastSrNtpFraction = ntpFraction >>> 0;
		this.lastSrRtpTimestamp = rtpTimestamp >>> 0;
		this.hasSr = true;
		return this.updateScore();
	}

	/**
	 * Fills a report block for this stream (RFC 3550 6.4.1, A.3): fraction lost since the
	 * previous report, cumulative loss, extended highest seq, jitter, LSR and DLSR. Call once
	 * per report sent: it closes the loss interval. Pass a block to reuse it.
	 */
	getReportBlock(nowMs: number, block: ReportBlock = new ReportBlock()): ReportBlock {
		const expected = this.packetsExpected;
		const expectedInterval = expected - this.expectedPrior;
		this.expectedPrior = expected;
		const receivedInterval = this.packetsReceived - this.receivedPrior;
		this.receivedPrior = this.packetsReceived;
		const lostInterval = expectedInterval - receivedInterval;
		// A.3: integer division of lost * 256 by expected, 0 when nothing (or less) was lost.
		this.fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
		if (this.fractionLost > 255) this.fractionLost = 255;
		block.ssrc = this.ssrc;
		block.fractionLost = this.fractionLost;
		block.cumulativeLost = this.packetsLost;
		block.highestSequenceNumber = (this.cycles + this.maxSeq) >>> 0;
		block.jitter = this.jitter >>> 0;
		if (this.hasSr) {
			block.lastSr = this.lastSrCompact;
			block.delaySinceLastSr = msToQ16(nowMs - this.lastSrReceivedMs);
		} else {
			block.lastSr = 0;
			block.delaySinceLastSr = 0;
		}
		return block;
	}

	/**
	 * One score sample for the interval since the previous one (mediasoup RtpStreamRecv):
	 * expected vs received media packets, with repairs forgiving part of the loss. Called by
	 * `receiveSenderReport`; call it yourself on a report timer for senders that send no SR.
	 * Returns true when the score changed.
	 */
	updateScore(): boolean {
		const totalExpected = this.packetsExpected;
		const expected = totalExpected - this.expectedPriorScore;
		this.expectedPriorScore = totalExpected;
		const received = this.packetsReceived - this.receivedPriorScore;
		this.receivedPriorScore = this.packetsReceived;
		const repaired = this.packetsRepaired - this.repairedPriorScore;
		this.repairedPriorScore = this.packetsRepaired;
		const retransmitted = this.packetsRetransmitted - this.retransmittedPriorScore;
		this.retransmittedPriorScore = this.packetsRetransmitted;
		if (this.inactive) return false;
		if (expected <= 0) return this.scoreHistory.add(10);
		const lost = expected > received ? expected - received : 0;
		return this.scoreHistory.add(intervalScore(received, lost, repaired, retransmitted, this.useRtx));
	}

	/**
	 * The engine's periodic check (every few hundred ms is enough): after `inactivityTimeoutMs`
	 * without packets the stream is inactive and its score 0. Returns true when the score changed.
	 */
	onTimer(nowMs: number): boolean {
		if (this.inactive || !this.started) return false;
		if (nowMs - this.lastPacketMs < this.inactivityTimeoutMs) return false;
		this.inactive = true;
		return this.scoreHistory.reset(0);
	}

	/**
	 * Pausing resets jitter (mediasoup does: the gap would read as jitter). The inactivity check
	 * is the caller's to stop.
	 */
	pause(): void {
		this.hasTransit = false;
		this.jitterValue = 0;
	}

	private markActive(nowMs: number): void {
		this.lastPacketMs = nowMs;
		if (this.inactive) {
			this.inactive = false;
			this.scoreHistory.reset(10);
		}
	}

	private layerRate(spatialLayer: number, temporalLayer: number): RateCalculator {
		let s = spatialLayer | 0;
		let t = temporalLayer | 0;
		if (s >= this.spatialLayers) s = this.spatialLayers - 1;
		else if (s < 0) s = 0;
		if (t >= this.temporalLayers) t = this.temporalLayers - 1;
		else if (t < 0) t = 0;
		return this.layerRates[s * this.temporalLayers + t];
	}

	/** RFC 3550 A.1 update_seq, plus duplicate detection. */
	private updateSeq(seq: number): number {
		if (!this.started) {
			// A.1: "the structure is initialized ... s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL".
			this.started = true;
			this.initSeq(seq);
			this.maxSeq = (seq - 1) & 0xffff;
			this.probation = this.minSequential;
		}
		const udelta = (seq - this.maxSeq) & 0xffff;
		if (this.probation > 0) {
			if (seq === ((this.maxSeq + 1) & 0xffff)) {
				this.probation--;
				this.maxSeq = seq;
				if (this.probation === 0) {
					this.initSeq(seq);
					this.markSeen(seq);
					return RECV_OK;
				}
			} else {
				this.probation = this.minSequential - 1;
				this.maxSeq = seq;
			}
			return RECV_PROBATION;
		}
		if (udelta < this.maxDropout) {
			if (udelta === 0) {
				this.packetsDuplicated++;
				return RECV_DUPLICATE;
			}
			// In order, with a permissible gap; a smaller seq means the 16-bit counter wrapped.
			if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
			this.advanceSeen(udelta);
			this.maxSeq = seq;
			this.markSeen(seq);
			return RECV_OK;
		}
		if (udelta <= RTP_SEQ_MOD - this.maxMisorder) {
			// A very large jump: two sequential packets mean the sender restarted; re-sync.
			if (seq === this.badSeq) {
				this.initSeq(seq);
				this.markSeen(seq);
				return RECV_OK;
			}
			this.badSeq = (seq + 1) & 0xffff;
			this.packetsDiscarded++;
			return RECV_BAD_SEQ;
		}
		// Duplicate or reordered packet (behind max by less than maxMisorder).
		const behind = RTP_SEQ_MOD - udelta;
		if (behind < DUP_WINDOW && this.isSeen(seq)) {
			this.packetsDuplicated++;
			return RECV_DUPLICATE;
		}
		this.markSeen(seq);
		return RECV_OK;
	}

	/** A.1 init_seq: counters restart from `seq` (the prior-interval state too). */
	private initSeq(seq: number): void {
		this.baseSeq = seq;
		this.maxSeq = seq;
		this.badSeq = RTP_SEQ_MOD + 1;
		this.cycles = 0;
		this.packetsReceived = 0;
		this.receivedPrior = 0;
		this.expectedPrior = 0;
		this.expectedPriorScore = 0;
		this.receivedPriorScore = 0;
		this.seen.fill(0);
		this.hasTransit = false;
	}

	private isSeen(seq: number): boolean {
		const i = seq % DUP_WINDOW;
		return (this.seen[i >>> 5] & (1 << (i & 31))) !== 0;
	}

	private markSeen(seq: number): void {
		const i = seq % DUP_WINDOW;
		this.seen[i >>> 5] |= 1 << (i & 31);
	}

	/** Clears the bits the window gains when max advances by `udelta`. */
	private advanceSeen(udelta: number): void {
		if (udelta >= DUP_WINDOW) {
			this.seen.fill(0);
			return;
		}
		for (let k = 1; k <= udelta; k++) {
			const i = (this.maxSeq + k) % DUP_WINDOW;
			this.seen[i >>> 5] &= ~(1 << (i & 31));
		}
	}

	/**
	 * A.8: J += (|D(i-1, i)| - J) / 16, D from arrival times converted to timestamp units.
	 * Differences are taken pairwise (timestamp delta as signed 32-bit) so neither the RTP
	 * timestamp wrap nor the clock origin matter.
	 */
	private updateJitter(timestamp: number, nowMs: number): void {
		if (this.clockRate <= 0) return;
		if (this.hasTransit) {
			const tsDelta = (timestamp - this.lastTs) | 0;
			const arrivalDelta = ((nowMs - this.lastArrivalMs) * this.clockRate) / 1000;
			let d = arrivalDelta - tsDelta;
			if (d < 0) d = -d;
			this.jitterValue += (d - this.jitterValue) / 16;
		}
		this.hasTransit = true;
		this.lastTs = timestamp;
		this.lastArrivalMs = nowMs;
	}
}
