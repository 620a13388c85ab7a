/**
 * Bytes per second over a sliding window, in fixed buckets (no allocation after the first update:
 * the buckets wait for it, as many calculators never count anything, e.g. the retransmission
 * rate of a stream nobody asks resends of, and each costs an off-heap typed array).
 *
 * The window is `windowMs` long, split into `bucketCount` buckets; a bucket expires as a whole,
 * so the rate is exact to one bucket width. `getRate(nowMs)` is bits per second over the window
 * (the same convention as mediasoup's RateCalculator: bytes * 8000 / windowMs).
 */
export class RateCalculator {
	readonly windowMs: number;
	readonly bucketMs: number;
	private readonly bucketCount: number;
	/** Allocated by the first update. */
	private buckets: Float64Array | undefined;
	/** Index (time / bucketMs, floored) of the newest bucket written. */
	private newestIndex: number;
	private total: number;
	/** Packets and bytes ever counted (not windowed). */
	packetCount: number;
	byteCount: number;

	constructor(windowMs = 1000, bucketCount = 10) {
		if (!(windowMs > 0) || !(bucketCount >= 1)) throw new RangeError('invalid rate window');
		this.windowMs = windowMs;
		this.bucketMs = windowMs / bucketCount;
		this.bucketCount = bucketCount;
		this.buckets = undefined;
		this.newestIndex = -Infinity;
		this.total = 0;
		this.packetCount = 0;
		this.byteCount = 0;
	}

	update(bytes: number, nowMs: number): void {
		this.advance(nowMs);
		const n = this.bucketCount;
		const buckets = this.buckets ?? (this.buckets = new Float64Array(n));
		const index = Math.floor(nowMs / this.bucketMs);
		// A packet stamped before the newest bucket (clock passed out of order) lands in the
		// newest one: a rate cannot be rewritten backwards.
		const slot = (index < this.newestIndex ? this.newestIndex : index) % n;
		buckets[slot] += bytes;
		this.total += bytes;
		this.packetCount++;
		this.byteCount += bytes;
	}

	/** Bits per second over the last window. */
	getRate(nowMs: number): number {
		this.advance(nowMs);
		return Math.round((this.total * 8000) / this.windowMs);
	}

	/** Whether an update allocated the buckets yet (tests). */
	get allocated(): boolean {
		return this.buckets !== undefined;
	}

	reset(): void {
		this.buckets?.fill(0);
		this.total = 0;
		this.newestIndex = -Infinity;
	}

	/** Expires buckets that fell out of the window ending at `nowMs`. */
	private advance(nowMs: number): void {
		const index = Math.floor(nowMs / this.bucketMs);
		if (index <= this.newestIndex) return;
		const buckets = this.buckets;
		const n = this.bucketCount;
		// Before the first update there is nothing to expire.
		if (buckets !== undefined) {
			if (index - this.newestIndex >= n) {
				buckets.fill(0);
				this.total = 0;
			} else {
				for (let i = this.newestIndex + 1; i <= index; i++) {
					const slot = i % n;
					this.total -= buckets[slot];
					buckets[slot] = 0;
				}
			}
		}
		this.newestIndex = index;
	}
}
