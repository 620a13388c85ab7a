/**
 * Throughput the receiver acknowledged through transport-cc feedback (libwebrtc goog_cc
 * AcknowledgedBitrateEstimator / BitrateEstimator): bytes of received packets summed over
 * windows of receive time (500 ms for the first sample, then 150 ms), each window a sample fed
 * to a one-dimensional Bayesian filter. A sample far from the estimate gets a large variance
 * (uncertainty scale 10), so a single burst or stall moves the estimate little, while a
 * sustained change moves it within a few windows. This is the rate AIMD backs off from
 * (0.85 x acknowledged) and the ceiling of its increase (1.5 x acknowledged + 10 kbps).
 */

const INITIAL_WINDOW_MS = 500;
const WINDOW_MS = 150;
const UNCERTAINTY_SCALE = 10;

export class AcknowledgedBitrateEstimator {
	/** Current estimate in kbps, -1 before the first sample. */
	private estimateKbps: number;
	private estimateVar: number;
	private sum: number;
	private currentWindowMs: number;
	private prevTimeMs: number;

	constructor() {
		this.estimateKbps = -1;
		this.estimateVar = 50;
		this.sum = 0;
		this.currentWindowMs = 0;
		this.prevTimeMs = -1;
	}

	/** Bits per second, or 0 before the first window closed. */
	get bitrate(): number {
		return this.estimateKbps < 0 ? 0 : this.estimateKbps * 1000;
	}

	/** One acknowledged packet of `bytes` received at `arrivalMs` (receiver clock). */
	update(arrivalMs: number, bytes: number): void {
		const windowMs = this.estimateKbps < 0 ? INITIAL_WINDOW_MS : WINDOW_MS;
		const sample = this.updateWindow(arrivalMs, bytes, windowMs);
		if (sample < 0) return;
		if (this.estimateKbps < 0) {
			this.estimateKbps = sample;
			return;
		}
		const uncertainty = (UNCERTAINTY_SCALE * Math.abs(this.estimateKbps - sample)) / this.estimateKbps;
		const sampleVar = uncertainty * uncertainty;
		// The estimate's own variance grows between samples: the link changes over time.
		const predVar = this.estimateVar + 5;
		this.estimateKbps = (sampleVar * this.estimateKbps + predVar * sample) / (sampleVar + predVar);
		this.estimateVar = (sampleVar * predVar) / (sampleVar + predVar);
	}

	/** Widen the variance so the next samples can move the estimate fast (after probing/ALR). */
	expectFastRateChange(): void {
		this.estimateVar += 200;
	}

	private updateWindow(nowMs: number, bytes: number, windowMs: number): number {
		if (nowMs < this.prevTimeMs) {
			// Time went backwards (receiver clock reset): start over.
			this.prevTimeMs = -1;
			this.sum = 0;
			this.currentWindowMs = 0;
		}
		if (this.prevTimeMs >= 0) {
			this.currentWindowMs += nowMs - this.prevTimeMs;
			// Nothing received for a whole window: the old bytes say nothing about now.
			if (nowMs - this.prevTimeMs > windowMs) {
				this.sum = 0;
				this.currentWindowMs %= windowMs;
			}
		}
		this.prevTimeMs = nowMs;
		let sample = -1;
		if (this.currentWindowMs >= windowMs) {
			sample = (8 * this.sum) / windowMs;
			this.currentWindowMs -= windowMs;
			this.sum = 0;
		}
		this.sum += bytes;
		return sample;
	}
}
