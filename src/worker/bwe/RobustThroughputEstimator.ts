/**
 * Recent acknowledged throughput over a window of received packets (libwebrtc goog_cc
 * RobustThroughputEstimator): the last 500 ms of arrivals, at least 20 packets, at most 500.
 * Rate = min(bytes / send span, bytes / receive span) with the first (last) packet's bytes left
 * out of the receive (send) side, since N packets span only N - 1 gaps, and with the largest
 * receive gap replaced by the second largest (one stall should not halve the rate). Unlike the
 * Bayesian estimator it follows a capacity drop within one window, which is what the AIMD
 * decrease needs: backing off to 0.85 x a stale throughput would take several overuse rounds.
 */

const CAPACITY = 512; // a power of two: indices wrap with a mask
const MASK = CAPACITY - 1;
const WINDOW_MS = 500;
const MIN_PACKETS = 20;
const MAX_PACKETS = 500;

export class RobustThroughputEstimator {
	private readonly sendMs = new Float64Array(CAPACITY);
	private readonly recvMs = new Float64Array(CAPACITY);
	private readonly sizes = new Float64Array(CAPACITY);
	private head = 0;
	private count = 0;

	/** One acknowledged packet, in arrival order. */
	update(sendMs: number, arrivalMs: number, size: number): void {
		const i = (this.head + this.count) & MASK;
		this.sendMs[i] = sendMs;
		this.recvMs[i] = arrivalMs;
		this.sizes[i] = size;
		if (this.count < CAPACITY) this.count++;
		else this.head = (this.head + 1) & MASK;
		while (
			this.count > MAX_PACKETS ||
			(this.count > MIN_PACKETS && arrivalMs - this.recvMs[this.head] > WINDOW_MS)
		) {
			this.head = (this.head + 1) & MASK;
			this.count--;
		}
	}

	/** Bits per second, or 0 with fewer than 20 packets. */
	get bitrate(): number {
		const n = this.count;
		if (n < MIN_PACKETS) return 0;
		let largestGap = 0;
		let secondGap = 0;
		let minSend = Infinity;
		let maxSend = -Infinity;
		let minRecv = Infinity;
		let maxRecv = -Infinity;
		let bytes = 0;
		let prevRecv = 0;
		for (let k = 0; k < n; k++) {
			const i = (this.head + k) & MASK;
			const s = this.sendMs[i];
			const r = this.recvMs[i];
			if (k > 0) {
				const gap = r - prevRecv;
				if (gap > largestGap) {
					secondGap = largestGap;
					largestGap = gap;
				} else if (gap > secondGap) {
					secondGap = gap;
				}
			}
			prevRecv = r;
			if (s < minSend) minSend = s;
			if (s > maxSend) maxSend = s;
			if (r < minRecv) minRecv = r;
			if (r > maxRecv) maxRecv = r;
			bytes += this.sizes[i];
		}
		const recvBytes = bytes - this.sizes[this.head];
		const sendBytes = bytes - this.sizes[(this.head + n - 1) & MASK];
		const sendDuration = Math.max(maxSend - minSend, 1);
		const recvDuration = Math.max(maxRecv - minRecv - largestGap + secondGap, 1);
		return Math.min((sendBytes * 8000) / sendDuration, (recvBytes * 8000) / recvDuration);
	}
}
