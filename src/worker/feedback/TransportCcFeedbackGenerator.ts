import { TCC_LOST, TransportCcBuilder, type TransportCcFeedback } from '../../proto/rtcp/transportcc';

/**
 * Receive-side transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1): records the arrival time of
 * every packet carrying the transport-wide sequence number extension and reports them in
 * transport-cc feedback packets built with proto/rtcp's TransportCcBuilder.
 *
 * Feedback goes out every `intervalMs` (the engine calls `onTimer`), or as soon as
 * `maxPacketsPerFeedback` sequence numbers are waiting (returned by `onPacket`). Sequence
 * numbers are unwrapped, so 65535 -> 0 is just the next one; packets arriving out of order are
 * placed where they belong as long as their feedback was not sent yet; later ones are counted
 * (`packetsTooLate`) and dropped: the feedback that reported them lost is already gone. A
 * feedback too large for `maxSize` is split; the gap before a split is reported lost in the
 * next packet so the sender sees every sequence number.
 */

export const TCC_FEEDBACK_INTERVAL_MS = 100;

export interface TransportCcFeedbackGeneratorOptions {
	senderSsrc?: number;
	/** The media source SSRC field; libwebrtc puts the first media SSRC here, 0 is fine too. */
	mediaSsrc?: number;
	intervalMs?: number;
	/** Send early once this many sequence numbers are pending (default 400). */
	maxPacketsPerFeedback?: number;
	/** Largest feedback packet in bytes (default 1200). */
	maxSize?: number;
}

// Arrival window (sequence numbers); a bigger jump restarts the window.
const WINDOW_BITS = 13;
const WINDOW = 1 << WINDOW_BITS;
const WMASK = WINDOW - 1;

export class TransportCcFeedbackGenerator {
	readonly intervalMs: number;
	readonly maxPacketsPerFeedback: number;
	/** Feedback packets built so far. */
	feedbackCount: number;
	packetsTooLate: number;
	packetsDuplicated: number;

	private readonly builder: TransportCcBuilder;
	/** Arrival time (µs) by extended seq & WMASK, -1 = not received. */
	private readonly arrivals: Float64Array;
	private started: boolean;
	/** First extended seq not yet reported, and highest received. */
	private nextExt: number;
	private highestExt: number;
	private highestSeq: number;
	private lastFeedbackMs: number;

	constructor(options: TransportCcFeedbackGeneratorOptions = {}) {
		this.intervalMs = options.intervalMs ?? TCC_FEEDBACK_INTERVAL_MS;
		this.maxPacketsPerFeedback = Math.min(options.maxPacketsPerFeedback ?? 400, WINDOW / 2);
		this.builder = new TransportCcBuilder({
			senderSsrc: options.senderSsrc ?? 0,
			mediaSsrc: options.mediaSsrc ?? 0,
			maxSize: options.maxSize ?? 1200,
		});
		this.feedbackCount = 0;
		this.packetsTooLate = 0;
		this.packetsDuplicated = 0;
		this.arrivals = new Float64Array(WINDOW).fill(-1);
		this.started = false;
		this.nextExt = 0;
		this.highestExt = 0;
		this.highestSeq = 0;
		this.lastFeedbackMs = -Infinity;
	}

	/**
	 * The media source SSRC of the next feedback. libwebrtc hands a transport-cc feedback only
	 * to the RTP module whose SSRCs (media, RTX, FlexFEC) include it and drops it otherwise, so
	 * 0 or an SSRC the sender does not own means no feedback at all: its congestion window
	 * fills and pushback holds the encoder at 30 kbps. The SSRC of a packet just received is
	 * always one of the sender's (mediasoup does the same).
	 */
	set mediaSsrc(ssrc: number) {
		this.builder.mediaSsrc = ssrc >>> 0;
	}

	get mediaSsrc(): number {
		return this.builder.mediaSsrc;
	}

	/** Sequence numbers waiting to be reported. */
	get pendingCount(): number {
		return this.started ? this.highestExt - this.nextExt + 1 : 0;
	}

	/**
	 * A packet with transport-wide sequence number `seq` arrived at `arrivalUs` (microseconds,
	 * any fixed origin). Returns feedback to send now when the count threshold is reached, else
	 * undefined.
	 */
	onPacket(seq: number, arrivalUs: number, nowMs: number): TransportCcFeedback[] | undefined {
		seq &= 0xffff;
		if (!this.started) {
			this.started = true;
			this.nextExt = seq;
			this.highestExt = seq;
			this.highestSeq = seq;
			this.arrivals[seq & WMASK] = arrivalUs;
			return undefined;
		}
		const ext = this.highestExt + (((seq - this.highestSeq) << 16) >> 16);
		if (ext < this.nextExt) {
			this.packetsTooLate++;
			return undefined;
		}
		if (ext > this.highestExt) {
			if (ext - this.nextExt >= WINDOW) {
				// Too far ahead to keep the unreported ones: report what we have, restart at ext.
				const flushed = this.flush(nowMs);
				this.nextExt = ext;
				this.highestExt = ext;
				this.highestSeq = seq;
				this.arrivals[ext & WMASK] = arrivalUs;
				return flushed.length > 0 ? flushed : undefined;
			}
			for (let e = this.highestExt + 1; e < ext; e++) this.arrivals[e & WMASK] = -1;
			this.highestExt = ext;
			this.highestSeq = seq;
		} else if (this.arrivals[ext & WMASK] >= 0) {
			this.packetsDuplicated++;
			return undefined;
		}
		this.arrivals[ext & WMASK] = arrivalUs;
		if (this.highestExt - this.nextExt + 1 >= this.maxPacketsPerFeedback) {
			const fb = this.flush(nowMs);
			return fb.length > 0 ? fb : undefined;
		}
		return undefined;
	}

	/** Builds feedback when the interval has passed and packets wait (else an empty array). */
	onTimer(nowMs: number): TransportCcFeedback[] {
		if (nowMs - this.lastFeedbackMs < this.intervalMs) return [];
		return this.flush(nowMs);
	}

	/** Builds feedback for everything pending now, whatever the interval. */
	flush(nowMs: number): TransportCcFeedback[] {
		const out: TransportCcFeedback[] = [];
		if (!this.started || this.nextExt > this.highestExt) return out;
		this.lastFeedbackMs = nowMs;
		const b = this.builder;
		let lastAdded = -1;
		// A feedback starts at a received packet (the draft's base seq); leading losses were
		// already reported or will be reported after a split.
		for (let e = this.nextExt; e <= this.highestExt; e++) {
			const arrival = this.arrivals[e & WMASK];
			if (arrival < 0) continue;
			if (!b.add(e & 0xffff, arrival)) {
				if (!b.isEmpty) {
					out.push(b.build());
					b.reset();
					this.feedbackCount++;
					// The losses between the split and this packet open the next feedback.
					if (lastAdded >= 0 && e - lastAdded > 1) b.add((lastAdded + 1) & 0xffff, TCC_LOST);
				}
				if (!b.add(e & 0xffff, arrival)) continue;
			}
			lastAdded = e;
		}
		if (!b.isEmpty) {
			out.push(b.build());
			b.reset();
			this.feedbackCount++;
		}
		for (let e = this.nextExt; e <= this.highestExt; e++) this.arrivals[e & WMASK] = -1;
		this.nextExt = this.highestExt + 1;
		return out;
	}
}
