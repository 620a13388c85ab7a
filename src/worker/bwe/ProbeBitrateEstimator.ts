/**
 * Turns the feedback of one probe cluster into a bitrate (libwebrtc goog_cc
 * ProbeBitrateEstimator). A cluster is a short burst sent at a chosen rate; once at least 80 %
 * of its packets and bytes are acknowledged, send rate = bytes (minus the last one sent) over
 * the send interval and receive rate = bytes (minus the first one received) over the receive
 * interval. If the link could not carry the burst, packets queue and the receive rate is the
 * capacity. The result is min(send, receive), or 95 % of the receive rate when it is clearly
 * below the send rate (the capacity was found: aim just under it). Ratios above 2 or intervals
 * outside (0, 1 s] are measurement errors and give nothing.
 */

const MIN_RECEIVED_PROBES_RATIO = 0.8;
const MIN_RECEIVED_BYTES_RATIO = 0.8;
const MAX_VALID_RATIO = 2;
const MIN_RATIO_FOR_UNSATURATED_LINK = 0.9;
const TARGET_UTILIZATION_FRACTION = 0.95;
const MAX_CLUSTER_HISTORY_MS = 1000;
const MAX_PROBE_INTERVAL_MS = 1000;

export interface ProbeClusterSpec {
	id: number;
	bitrate: number;
	minProbes: number;
	minBytes: number;
}

class Cluster {
	firstSend = Infinity;
	lastSend = -Infinity;
	firstReceive = Infinity;
	lastReceive = -Infinity;
	sizeLastSend = 0;
	sizeFirstReceive = 0;
	sizeTotal = 0;
	numProbes = 0;
}

export class ProbeBitrateEstimator {
	/** The last result, kept until `fetchResult()`. */
	private result: number;
	private readonly clusters = new Map<number, Cluster>();

	constructor() {
		this.result = 0;
	}

	/**
	 * One acknowledged probe packet. `spec` is the cluster it belonged to (min probes/bytes).
	 * Returns the cluster's bitrate once it is measurable, else 0.
	 */
	handleProbe(spec: ProbeClusterSpec, sendMs: number, arrivalMs: number, size: number): number {
		this.eraseOld(arrivalMs);
		let c = this.clusters.get(spec.id);
		if (c === undefined) {
			c = new Cluster();
			this.clusters.set(spec.id, c);
		}
		if (sendMs < c.firstSend) c.firstSend = sendMs;
		if (sendMs > c.lastSend) {
			c.lastSend = sendMs;
			c.sizeLastSend = size;
		}
		if (arrivalMs < c.firstReceive) {
			c.firstReceive = arrivalMs;
			c.sizeFirstReceive = size;
		}
		if (arrivalMs > c.lastReceive) c.lastReceive = arrivalMs;
		c.sizeTotal += size;
		c.numProbes++;

		if (c.numProbes < spec.minProbes * MIN_RECEIVED_PROBES_RATIO) return 0;
		if (c.sizeTotal < spec.minBytes * MIN_RECEIVED_BYTES_RATIO) return 0;
		const sendInterval = c.lastSend - c.firstSend;
		const receiveInterval = c.lastReceive - c.firstReceive;
		if (
			sendInterval <= 0 ||
			sendInterval > MAX_PROBE_INTERVAL_MS ||
			receiveInterval <= 0 ||
			receiveInterval > MAX_PROBE_INTERVAL_MS
		) {
			return 0;
		}
		// The interval does not include the time the last packet took to send (the first to
		// arrive), so that packet's bytes are not part of the rate.
		const sendRate = ((c.sizeTotal - c.sizeLastSend) * 8000) / sendInterval;
		const receiveRate = ((c.sizeTotal - c.sizeFirstReceive) * 8000) / receiveInterval;
		if (receiveRate / sendRate > MAX_VALID_RATIO) return 0;
		let res = Math.min(sendRate, receiveRate);
		if (receiveRate < MIN_RATIO_FOR_UNSATURATED_LINK * sendRate) res = TARGET_UTILIZATION_FRACTION * receiveRate;
		this.result = res;
		return res;
	}

	/** The latest probe result (bps) since the last call, or 0. */
	fetchResult(): number {
		const r = this.result;
		this.result = 0;
		return r;
	}

	private eraseOld(nowMs: number): void {
		for (const [id, c] of this.clusters) {
			if (c.lastReceive + MAX_CLUSTER_HISTORY_MS < nowMs) this.clusters.delete(id);
		}
	}
}
