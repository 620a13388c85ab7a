/**
 * Loss-based bound of the send-side estimate (draft-ietf-rmcat-gcc-02 section 6; libwebrtc
 * SendSideBandwidthEstimation, "v1"): packet loss in RTCP receiver reports, or counted from
 * transport-cc feedback over at least 20 packets, moves a limit on the estimate:
 *
 *   loss > 10 %  -> limit = min(limit, estimate) x (1 - 0.5 x loss), at most once per
 *                   300 ms + RTT (the reports after a decrease still show the old loss);
 *   loss < 2 %   -> limit x 1.08 + 1 kbps, at most once per second (libwebrtc: 8 % over the
 *                   lowest value of the last second), and it stops limiting once it is back
 *                   above the delay-based estimate;
 *   otherwise    -> hold: the limit freezes at the current estimate, when a queue stands
 *                   (queueing delay >= 10 ms, from transport-cc one-way delays).
 *
 * The limit starts unset (Infinity): loss below 10 % never pulls the estimate down, it only
 * stops it from growing (a full drop-tail queue shows loss but no delay gradient). Transport-cc
 * losses are counted over windows of at least 20 packets and 500 ms: shorter windows make 5 %
 * random loss look like 0 % or 15 % by chance. If no feedback arrives
 * for 4.5 s while sending, the limit drops to 80 % of the estimate (once per 4.5 s).
 */

const LOW_LOSS = 0.02;
const HIGH_LOSS = 0.1;
const DECREASE_INTERVAL_MS = 300;
const INCREASE_FACTOR = 1.08;
const INCREASE_INTERVAL_MS = 1000;
const LIMIT_NUM_PACKETS = 20;
const LOSS_WINDOW_MS = 500;
/** Queueing delay above which loss in the 2-10 % band counts as our own congestion. */
const QUEUE_DELAY_FOR_CONGESTION_MS = 10;
export const FEEDBACK_TIMEOUT_MS = 4500;

export class LossBasedControl {
	/** Bits per second; Infinity when loss does not limit. */
	limit: number;
	rttMs: number;
	/** Last evaluated loss fraction (0..1). */
	lastLoss: number;
	private lostAcc: number;
	private expectedAcc: number;
	private lastIncreaseMs: number;
	private lastDecreaseMs: number;
	private lastTimeoutMs: number;
	private windowStartMs: number;

	constructor() {
		this.limit = Infinity;
		this.rttMs = 200;
		this.lastLoss = 0;
		this.lostAcc = 0;
		this.expectedAcc = 0;
		this.lastIncreaseMs = -Infinity;
		this.lastDecreaseMs = -Infinity;
		this.lastTimeoutMs = -Infinity;
		this.windowStartMs = 0;
	}

	/** Losses counted from one transport-cc feedback; evaluated per >= 20 packets. */
	onPacketsLost(
		lost: number,
		expected: number,
		estimate: number,
		delayBased: number,
		nowMs: number,
		queueDelayMs = Infinity,
	): void {
		if (this.expectedAcc === 0) this.windowStartMs = nowMs;
		this.lostAcc += lost;
		this.expectedAcc += expected;
		if (this.expectedAcc < LIMIT_NUM_PACKETS || nowMs - this.windowStartMs < LOSS_WINDOW_MS) return;
		const fraction = this.lostAcc > 0 ? this.lostAcc / this.expectedAcc : 0;
		this.lostAcc = 0;
		this.expectedAcc = 0;
		this.onLoss(fraction, estimate, delayBased, nowMs, queueDelayMs);
	}

	/** One loss fraction (0..1) from a receiver report or a transport-cc window. */
	onLoss(fraction: number, estimate: number, delayBased: number, nowMs: number, queueDelayMs = Infinity): void {
		this.lastLoss = fraction;
		if (fraction < LOW_LOSS) {
			// One step per second: a burst of clean reports must not compound.
			if (this.limit !== Infinity && nowMs - this.lastIncreaseMs >= INCREASE_INTERVAL_MS) {
				this.limit = this.limit * INCREASE_FACTOR + 1000;
				this.lastIncreaseMs = nowMs;
				if (this.limit >= delayBased) this.limit = Infinity;
			}
		} else if (fraction <= HIGH_LOSS) {
			// Hold (the draft keeps As_hat): freeze at the current estimate while a queue stands,
			// or a delay-based part that sees no gradient in a full drop-tail queue would climb
			// into more loss. Loss with an empty queue is not ours (radio, policers): freezing
			// there would pin the rate wherever the loss was first seen.
			if (queueDelayMs >= QUEUE_DELAY_FOR_CONGESTION_MS && estimate < this.limit) this.limit = estimate;
		} else {
			if (nowMs - this.lastDecreaseMs >= DECREASE_INTERVAL_MS + this.rttMs) {
				this.limit = Math.min(this.limit, estimate) * (1 - 0.5 * fraction);
				this.lastDecreaseMs = nowMs;
				// The next step up starts a second after the cut.
				this.lastIncreaseMs = nowMs;
			}
		}
	}

	/**
	 * A probe measured `bitrate` of headroom: as libwebrtc's SetSendBitrate on a probe result,
	 * it becomes the loss-based estimate too, so a limit left low by earlier loss (a squeeze
	 * that is over) does not hold the estimate to 8 %/s under what the path just carried.
	 */
	onProbeResult(bitrate: number): void {
		if (this.limit < bitrate) this.limit = bitrate;
	}

	/** No feedback for a while although packets went out: back off by 20 %. */
	onFeedbackTimeout(estimate: number, nowMs: number): void {
		if (nowMs - this.lastTimeoutMs < FEEDBACK_TIMEOUT_MS) return;
		this.lastTimeoutMs = nowMs;
		this.limit = Math.min(this.limit, estimate) * 0.8;
		this.lastIncreaseMs = nowMs;
	}
}
