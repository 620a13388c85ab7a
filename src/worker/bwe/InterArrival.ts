/**
 * Packet grouping for the delay-based detector (draft-ietf-rmcat-gcc-02 section 5.2; libwebrtc
 * goog_cc InterArrivalDelta): packets sent within `groupLengthMs` (5 ms) of the first packet of a
 * group form one group, since a pacer or encoder emits a frame as a burst and only the time the
 * whole burst took to arrive says anything about the queue. A packet that arrives within 5 ms of
 * the previous one while its propagation delta is negative (it caught up with the queue) still
 * belongs to the current burst, up to 100 ms of bursting.
 *
 * For each completed pair of groups it yields the send-time delta, the arrival-time delta (both
 * between the last packets of the groups) and the size delta. Times are milliseconds (floats).
 */

const BURST_DELTA_THRESHOLD_MS = 5;
const MAX_BURST_DURATION_MS = 100;
/** libwebrtc resets after this many consecutive groups whose arrival order went backwards. */
const REORDERED_RESET_THRESHOLD = 3;

export class InterArrival {
	readonly groupLengthMs: number;
	/** Results of the last `computeDeltas()` that returned true. */
	sendDeltaMs: number;
	arrivalDeltaMs: number;
	sizeDelta: number;

	// Current group.
	private curFirstSend: number;
	private curSend: number;
	private curFirstArrival: number;
	private curComplete: number;
	private curSize: number;
	// Previous (completed) group; prevComplete < 0 means none.
	private prevSend: number;
	private prevComplete: number;
	private prevSize: number;
	private reordered: number;

	constructor(groupLengthMs = 5) {
		this.groupLengthMs = groupLengthMs;
		this.sendDeltaMs = 0;
		this.arrivalDeltaMs = 0;
		this.sizeDelta = 0;
		this.curFirstSend = -1;
		this.curSend = -1;
		this.curFirstArrival = -1;
		this.curComplete = -1;
		this.curSize = 0;
		this.prevSend = -1;
		this.prevComplete = -1;
		this.prevSize = 0;
		this.reordered = 0;
	}

	reset(): void {
		this.curFirstSend = -1;
		this.curSend = -1;
		this.curFirstArrival = -1;
		this.curComplete = -1;
		this.curSize = 0;
		this.prevSend = -1;
		this.prevComplete = -1;
		this.prevSize = 0;
		this.reordered = 0;
	}

	/**
	 * Adds one received packet (in arrival order). Returns true when a group pair completed; the
	 * deltas are then in `sendDeltaMs`, `arrivalDeltaMs` and `sizeDelta`.
	 */
	computeDeltas(sendMs: number, arrivalMs: number, size: number): boolean {
		let computed = false;
		if (this.curFirstSend < 0) {
			// First packet ever: nothing to compare with yet.
			this.curFirstSend = sendMs;
			this.curSend = sendMs;
			this.curFirstArrival = arrivalMs;
		} else if (sendMs < this.curFirstSend) {
			// Sent before the current group started: reordered, skip it.
			return false;
		} else if (this.isNewGroup(sendMs, arrivalMs)) {
			if (this.prevComplete >= 0) {
				const sendDelta = this.curSend - this.prevSend;
				const arrivalDelta = this.curComplete - this.prevComplete;
				if (arrivalDelta < 0) {
					// The groups swapped places on the way.
					if (++this.reordered >= REORDERED_RESET_THRESHOLD) this.reset();
					return false;
				}
				this.reordered = 0;
				this.sendDeltaMs = sendDelta;
				this.arrivalDeltaMs = arrivalDelta;
				this.sizeDelta = this.curSize - this.prevSize;
				computed = true;
			}
			this.prevSend = this.curSend;
			this.prevComplete = this.curComplete;
			this.prevSize = this.curSize;
			this.curFirstSend = sendMs;
			this.curSend = sendMs;
			this.curFirstArrival = arrivalMs;
			this.curSize = 0;
		} else if (sendMs > this.curSend) {
			this.curSend = sendMs;
		}
		this.curSize += size;
		this.curComplete = arrivalMs;
		return computed;
	}

	private isNewGroup(sendMs: number, arrivalMs: number): boolean {
		if (this.belongsToBurst(sendMs, arrivalMs)) return false;
		return sendMs - this.curFirstSend > this.groupLengthMs;
	}

	private belongsToBurst(sendMs: number, arrivalMs: number): boolean {
		const arrivalDelta = arrivalMs - this.curComplete;
		const sendDelta = sendMs - this.curSend;
		if (sendDelta === 0) return true;
		const propagationDelta = arrivalDelta - sendDelta;
		return (
			propagationDelta < 0 &&
			arrivalDelta <= BURST_DELTA_THRESHOLD_MS &&
			arrivalMs - this.curFirstArrival < MAX_BURST_DURATION_MS
		);
	}
}
