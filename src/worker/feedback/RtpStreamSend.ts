import type { ReportBlock } from '../../proto/rtcp/reportblock';
import { SenderReport } from '../../proto/rtcp/senderreport';
import { compactNtpFromMs, ntpFractionFromMs, ntpSecondsFromMs, q16ToMs } from './ntp';
import { RateCalculator } from './RateCalculator';
import { ScoreHistory, intervalScore } from './Score';

export interface RtpStreamSendOptions {
	ssrc: number;
	clockRate: number;
	/** Bitrate window (ms). */
	bitrateWindowMs?: number;
}

/**
 * Send-side statistics of one RTP stream (a consumer's): packets/bytes sent and retransmitted,
 * bitrate, the NTP/RTP mapping for sender reports (RFC 3550 6.4.1), the remote's receiver
 * reports (fraction lost, cumulative loss, jitter, RTT from LSR/DLSR) and mediasoup's 0-10
 * consumer score, one sample per receiver report.
 *
 * `nowMs` is converted to NTP, so pass a wall clock in epoch milliseconds (e.g.
 * `performance.timeOrigin + performance.now()`), the same clock for every call: RTT is the
 * remote echoing our own NTP time back.
 */
export class RtpStreamSend {
	readonly ssrc: number;
	readonly clockRate: number;
	packetsSent: number;
	bytesSent: number;
	packetsRetransmitted: number;
	bytesRetransmitted: number;
	packetsRepaired: number;
	/** From the last receiver report: fraction lost (/256), cumulative lost, jitter (ts units). */
	fractionLost: number;
	packetsLost: number;
	remoteJitter: number;
	/** Round-trip time in ms from the last report carrying an LSR; 0 until known. */
	rttMs: number;
	/** Counters of feedback received from the remote, for stats. */
	nackCount: number;
	nackPacketCount: number;
	pliCount: number;
	firCount: number;

	private readonly rate: RateCalculator;
	private readonly retransmitRate: RateCalculator;
	private started: boolean;
	private maxTs: number;
	private maxTsMs: number;
	/** NTP (epoch ms) and RTP timestamp of the last SR built. */
	lastSrMs: number;
	lastSrRtpTimestamp: number;

	private readonly scoreHistory: ScoreHistory;
	private sentPriorScore: number;
	private lostPriorScore: number;
	private repairedPriorScore: number;
	private retransmittedPriorScore: number;

	constructor(options: RtpStreamSendOptions) {
		this.ssrc = options.ssrc >>> 0;
		this.clockRate = options.clockRate;
		this.packetsSent = 0;
		this.bytesSent = 0;
		this.packetsRetransmitted = 0;
		this.bytesRetransmitted = 0;
		this.packetsRepaired = 0;
		this.fractionLost = 0;
		this.packetsLost = 0;
		this.remoteJitter = 0;
		this.rttMs = 0;
		this.nackCount = 0;
		this.nackPacketCount = 0;
		this.pliCount = 0;
		this.firCount = 0;
		const windowMs = options.bitrateWindowMs ?? 1000;
		this.rate = new RateCalculator(windowMs, 10);
		this.retransmitRate = new RateCalculator(windowMs, 10);
		this.started = false;
		this.maxTs = 0;
		this.maxTsMs = 0;
		this.lastSrMs = 0;
		this.lastSrRtpTimestamp = 0;
		this.scoreHistory = new ScoreHistory(10);
		this.sentPriorScore = 0;
		this.lostPriorScore = 0;
		this.repairedPriorScore = 0;
		this.retransmittedPriorScore = 0;
	}

	get score(): number {
		return this.scoreHistory.score;
	}

	/** A media packet went out (its RTP timestamp, whole size in bytes). */
	onPacketSent(timestamp: number, size: number, nowMs: number): void {
		const ts = timestamp >>> 0;
		// Keep the newest timestamp (serial arithmetic) and when it was sent: SRs extrapolate it.
		if (!this.started || ((ts - this.maxTs) | 0) > 0) {
			this.maxTs = ts;
			this.maxTsMs = nowMs;
			this.started = true;
		}
		this.packetsSent++;
		this.bytesSent += size;
		this.rate.update(size, nowMs);
	}

	/**
	 * A stored packet was resent for a NACK. `firstResend`: its first retransmission (the
	 * RetransmissionBuffer item's `sentTimes === 1`), which counts it repaired as mediasoup does.
	 */
	onPacketRetransmitted(size: number, firstResend: boolean, nowMs: number): void {
		this.packetsRetransmitted++;
		this.bytesRetransmitted += size;
		if (firstResend) this.packetsRepaired++;
		this.retransmitRate.update(size, nowMs);
	}

	/** Media bitrate sent (bps, retransmissions excluded). */
	getBitrate(nowMs: number): number {
		return this.rate.getRate(nowMs);
	}

	getRetransmissionBitrate(nowMs: number): number {
		return this.retransmitRate.getRate(nowMs);
	}

	/**
	 * A sender report for now (RFC 3550 6.4.1): NTP from `nowMs`, and the RTP timestamp of the
	 * newest packet sent extrapolated by the clock rate to this instant, so the receiver can map
	 * both clocks. Undefined before the first packet (nothing to map). Pass `sr` to reuse one.
	 */
	buildSenderReport(nowMs: number, sr?: SenderReport): SenderReport | undefined {
		if (!this.started) return undefined;
		const report = sr ?? new SenderReport();
		const rtpTimestamp = (this.maxTs + Math.round(((nowMs - this.maxTsMs) * this.clockRate) / 1000)) >>> 0;
		report.ssrc = this.ssrc;
		report.ntpSeconds = ntpSecondsFromMs(nowMs);
		report.ntpFraction = ntpFractionFromMs(nowMs);
		report.rtpTimestamp = rtpTimestamp;
		// RFC 3550 6.4.1: counts wrap at 2^32.
		report.packetCount = this.packetsSent >>> 0;
		report.octetCount = this.bytesSent >>> 0;
		this.lastSrMs = nowMs;
		this.lastSrRtpTimestamp = rtpTimestamp;
		return report;
	}

	/**
	 * A report block about this stream from the remote's SR or RR. Takes its loss and jitter,
	 * computes RTT = now - LSR - DLSR (RFC 3550 6.4.1, in 1/65536 s, mod 2^32) when LSR is set
	 * and the result is not negative, and adds one score sample. Returns true when the score
	 * changed.
	 */
	receiveReportBlock(block: ReportBlock, nowMs: number): boolean {
		this.fractionLost = block.fractionLost;
		this.packetsLost = block.cumulativeLost;
		this.remoteJitter = block.jitter;
		if (block.lastSr !== 0) {
			const rtt = (compactNtpFromMs(nowMs) - block.lastSr - block.delaySinceLastSr) >>> 0;
			// Half the 32-bit circle or more is "negative": clocks disagree, ignore.
			if (rtt < 0x80000000) this.rttMs = q16ToMs(rtt);
		}
		return this.updateScore(block.cumulativeLost);
	}

	/** Count a NACK received for this stream (and how many packets it asked for). */
	onNackReceived(requestedPackets: number): void {
		this.nackCount++;
		this.nackPacketCount += requestedPackets;
	}

	onKeyFrameRequestReceived(kind: 'pli' | 'fir'): void {
		if (kind === 'pli') this.pliCount++;
		else this.firCount++;
	}

	/** mediasoup RtpStreamSend::UpdateScore: sent vs lost in the interval between reports. */
	private updateScore(cumulativeLost: number): boolean {
		const sent = this.packetsSent - this.sentPriorScore;
		this.sentPriorScore = this.packetsSent;
		const totalLost = cumulativeLost > 0 ? cumulativeLost : 0;
		const lost = totalLost < this.lostPriorScore ? 0 : totalLost - this.lostPriorScore;
		this.lostPriorScore = totalLost;
		const repaired = this.packetsRepaired - this.repairedPriorScore;
		this.repairedPriorScore = this.packetsRepaired;
		const retransmitted = this.packetsRetransmitted - this.retransmittedPriorScore;
		this.retransmittedPriorScore = this.packetsRetransmitted;
		if (sent === 0) return this.scoreHistory.add(10);
		// On the send side excess repairs are always clamped (they belong to earlier intervals).
		return this.scoreHistory.add(intervalScore(sent, lost, Math.min(repaired, lost), retransmitted, true));
	}

	/** Forget the score history (e.g. on resume); true if the score changed. */
	resetScore(score: number): boolean {
		return this.scoreHistory.reset(score);
	}
}
