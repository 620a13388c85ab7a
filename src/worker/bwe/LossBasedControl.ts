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
 *   otherwise    -> hold.
 *
 * The limit starts unset (Infinity): random loss below 10 % never pulls the estimate down, it
 * only stops it from growing past what the delay-based part allows. If no feedback arrives
 * for 4.5 s while sending, the limit drops to 80 % of the estimate (once per 4.5 s).
 */

const LOW_LOSS = 0.02;
const HIGH_LOSS = 0.1;
const DECREASE_INTERVAL_MS = 300;
const INCREASE_FACTOR = 1.08;
const INCREASE_INTERVAL_MS = 1000;
const LIMIT_NUM_PACKETS = 20;
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

	constructor() {
		this.limit = Infinity;
		this.rttMs = 200;
		this.lastLoss = 0;
		this.lostAcc = 0;
		this.expectedAcc = 0;
		this.lastIncreaseMs = -Infinity;
		this.lastDecreaseMs = -Infinity;
		this.lastTimeoutMs = -Infinity;
	}

	/** Losses counted from one transport-cc feedback; evaluated per >= 20 packets. */
	onPacketsLost(lost: number, expected: number, estimate: number, delayBased: number, nowMs: number): void {
		this.lostAcc += lost;
		this.expectedAcc += expected;
		if (this.expectedAcc < LIMIT_NUM_PACKETS) return;
		const fraction = this.lostAcc > 0 ? this.lostAcc / this.expectedAcc : 0;
		this.lostAcc = 0;
		this.expectedAcc = 0;
		this.onLoss(fraction, estimate, delayBased, nowMs);
	}

	/** One loss fraction (0..1) from a receiver report or a transport-cc window. */
	onLoss(fraction: number, estimate: number, delayBased: number, nowMs: number): void {
		this.lastLoss = fraction;
		if (fraction < LOW_LOSS) {
			// One step per second: a burst of clean reports must not compound.
			if (this.limit !== Infinity && nowMs - this.lastIncreaseMs >= INCREASE_INTERVAL_MS) {
				this.limit = this.limit * INCREASE_FACTOR + 1000;
				this.lastIncreaseMs = nowMs;
				if (this.limit >= delayBased) this.limit = Infinity;
			}
		} else if (fraction > HIGH_LOSS) {
			if (nowMs - this.lastDecreaseMs >= DECREASE_INTERVAL_MS + this.rttMs) {
				this.limit = Math.min(this.limit, estimate) * (1 - 0.5 * fraction);
				this.lastDecreaseMs = nowMs;
				// The next step up starts a second after the cut.
				this.lastIncreaseMs = nowMs;
			}
		}
	}

	/** No feedback for a while although packets went out: back off by 20 %. */
	onFeedbackTimeout(estimate: number, nowMs: number): void {
		if (nowMs - this.lastTimeoutMs < FEEDBACK_TIMEOUT_MS) return;
		this.lastTimeoutMs = nowMs;
		this.limit = Math.min(this.limit, estimate) * 0.8;
		this.lastIncreaseMs = nowMs;
	}
}
