import { Remb } from '../../proto/rtcp/remb';
import { RateCalculator } from './RateCalculator';

/**
 * Basic receiver-side REMB (draft-alvestrand-rmcat-remb-03): the incoming media bitrate over a
 * sliding window, given headroom so the sender may grow, capped by the transport's
 * `setMaxIncomingBitrate`. Not a delay-based estimator (no overuse detection): it tells the
 * sender "about what you send now, plus headroom, never above the cap".
 */

export interface RembCalculatorOptions {
	windowMs?: number;
	/** REMB = incoming * (1 + headroom) (default 0.5). */
	headroom?: number;
	/** Never advertise less than this (bps, default 30000), so a quiet start can ramp up. */
	minBitrate?: number;
	/** 0 = no cap. */
	maxIncomingBitrate?: number;
	/** How often to send a REMB (default 1000 ms), and early on a drop of this fraction. */
	intervalMs?: number;
	dropFraction?: number;
}

export class RembCalculator {
	readonly headroom: number;
	readonly minBitrate: number;
	readonly intervalMs: number;
	readonly dropFraction: number;
	maxIncomingBitrate: number;
	private readonly rate: RateCalculator;
	private lastSentMs: number;
	private lastSentBitrate: number;

	constructor(options: RembCalculatorOptions = {}) {
		this.rate = new RateCalculator(options.windowMs ?? 1000, 20);
		this.headroom = options.headroom ?? 0.5;
		this.minBitrate = options.minBitrate ?? 30000;
		this.maxIncomingBitrate = options.maxIncomingBitrate ?? 0;
		this.intervalMs = options.intervalMs ?? 1000;
		this.dropFraction = options.dropFraction ?? 0.03;
		this.lastSentMs = -Infinity;
		this.lastSentBitrate = 0;
	}

	/** Transport.setMaxIncomingBitrate(): 0 removes the cap. */
	setMaxIncomingBitrate(bitrate: number): void {
		this.maxIncomingBitrate = bitrate > 0 ? bitrate : 0;
	}

	/** An incoming media packet (whole RTP size in bytes). */
	onPacket(size: number, nowMs: number): void {
		this.rate.update(size, nowMs);
	}

	/** Incoming bitrate (bps) over the window. */
	getIncomingBitrate(nowMs: number): number {
		return this.rate.getRate(nowMs);
	}

	/** The bitrate to advertise now. */
	getEstimate(nowMs: number): number {
		let estimate = Math.max(this.minBitrate, Math.round(this.rate.getRate(nowMs) * (1 + this.headroom)));
		if (this.maxIncomingBitrate > 0 && estimate > this.maxIncomingBitrate) estimate = this.maxIncomingBitrate;
		return estimate;
	}

	/**
	 * A REMB for `ssrcs` when one is due (the interval passed, or the estimate fell by more
	 * than `dropFraction` since the last one sent), else undefined.
	 */
	onTimer(nowMs: number, senderSsrc: number, ssrcs: number[]): Remb | undefined {
		const estimate = this.getEstimate(nowMs);
		const due =
			nowMs - this.lastSentMs >= this.intervalMs ||
			(this.lastSentBitrate > 0 && estimate < this.lastSentBitrate * (1 - this.dropFraction));
		if (!due) return undefined;
		this.lastSentMs = nowMs;
		this.lastSentBitrate = estimate;
		return new Remb({ senderSsrc, mediaSsrc: 0, bitrate: estimate, ssrcs: ssrcs.slice() });
	}
}
