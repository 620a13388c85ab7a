/**
 * The 0-10 stream score as mediasoup computes it (worker RtpStream / RtpStreamRecv /
 * RtpStreamSend): each report interval yields one sample from the delivered ratio, and the
 * published score is a weighted average of the last 24 samples, the newest weighing most
 * (weights 1, 2, 3, ...).
 */

/** How many interval samples the average keeps (mediasoup's ScoreHistogramLength). */
export const SCORE_HISTORY_LENGTH = 24;

/**
 * One interval's sample. `received` is what arrived (receiver side) or was sent (sender side)
 * in the interval, `lost` what the interval lost, `repaired` / `retransmitted` the packets
 * recovered and resent in the interval. Retransmissions that repaired a loss forgive part of it,
 * weighted down the larger the repaired share is and the more resends it took:
 *   weight = (1 / (1 + repaired/received))^4 * repaired/retransmitted
 *   score  = round(((received - (lost - repaired * weight)) / received)^4 * 10)
 * `hasRtx`: when repaired > lost, RTX means the excess repairs were of packets counted
 * elsewhere (clamp repaired); without RTX the in-band resends are the losses (raise lost).
 */
export function intervalScore(
	received: number,
	lost: number,
	repaired: number,
	retransmitted: number,
	hasRtx: boolean
): number {
	if (received <= 0) return 0;
	if (lost < 0) lost = 0;
	if (lost > received) lost = received;
	if (repaired > lost) {
		if (hasRtx) repaired = lost;
		else lost = repaired;
		if (lost > received) lost = received;
	}
	if (retransmitted < repaired) retransmitted = repaired;
	const repairedRatio = repaired / received;
	let repairedWeight = Math.pow(1 / (repairedRatio + 1), 4);
	if (retransmitted > 0) repairedWeight *= repaired / retransmitted;
	// mediasoup keeps `lost` as an unsigned integer, so the forgiven part is truncated.
	lost = Math.max(0, Math.trunc(lost - repaired * repairedWeight));
	const deliveredRatio = (received - lost) / received;
	return Math.round(Math.pow(deliveredRatio, 4) * 10);
}

/** The weighted score history. Fixed arrays: no allocation per sample. */
export class ScoreHistory {
	score: number;
	private readonly samples: Uint8Array;
	private count: number;
	private start: number;

	constructor(initialScore = 10) {
		this.score = initialScore;
		this.samples = new Uint8Array(SCORE_HISTORY_LENGTH);
		this.count = 0;
		this.start = 0;
	}

	/** Adds a sample; returns true when the published score changed. */
	add(sample: number): boolean {
		const n = SCORE_HISTORY_LENGTH;
		if (this.count === n) {
			this.samples[this.start] = sample;
			this.start = (this.start + 1) % n;
		} else {
			this.samples[(this.start + this.count) % n] = sample;
			this.count++;
		}
		let weights = 0;
		let total = 0;
		for (let i = 0; i < this.count; i++) {
			const w = i + 1;
			weights += w;
			total += w * this.samples[(this.start + i) % n];
		}
		const previous = this.score;
		this.score = Math.round(total / weights);
		return this.score !== previous;
	}

	/** Forgets the history and sets the score (inactivity, resumption); true if it changed. */
	reset(score: number): boolean {
		this.count = 0;
		this.start = 0;
		const previous = this.score;
		this.score = score;
		return score !== previous;
	}
}
