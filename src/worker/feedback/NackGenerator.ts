/**
 * Receive-side generic NACK generation (RFC 4585 section 6.2.1), after mediasoup's
 * NackGenerator: sequence gaps become a list of missing packets, NACKed at once and then again
 * every RTT up to `maxRetries` times; packets that arrive (late or retransmitted) leave the
 * list. The list is bounded: when it would overflow, entries older than the newest key frame
 * are dropped, and if that is not enough the list is cleared and a key frame is the better
 * repair (`keyFrameRequired`).
 *
 * No timers: the engine calls `onTimer(nowMs, rttMs)` every `NACK_TIMER_INTERVAL_MS` while
 * `pending > 0`. Returned arrays are reused by the next call: read (or copy) them at once.
 */

/** How often the engine should call `onTimer` while packets are missing (mediasoup: 40 ms). */
export const NACK_TIMER_INTERVAL_MS = 40;
export const NACK_DEFAULT_RTT_MS = 100;

export interface NackGeneratorOptions {
	/** Most missing packets tracked at once (mediasoup: 1000). */
	maxNackPackets?: number;
	/** Missing packets older than this many sequence numbers are forgotten (mediasoup: 10000). */
	maxPacketAge?: number;
	/** NACKs per packet before giving up (mediasoup: 10). */
	maxRetries?: number;
	/** Wait this long after noticing a gap before the first NACK (reordering tolerance). */
	sendNackDelayMs?: number;
}

// Slot table indexed by extended seq & MASK; must exceed maxPacketAge.
const SLOT_BITS = 14;
const SLOTS = 1 << SLOT_BITS;
const MASK = SLOTS - 1;
const EMPTY_F64 = new Float64Array(0);
const EMPTY_U8 = new Uint8Array(0);
const STATE_NONE = 0;
const STATE_MISSING = 1;
/** Arrived through RTX ahead of the highest seq: never NACK it. */
const STATE_RECOVERED = 2;

export class NackGenerator {
	readonly maxNackPackets: number;
	readonly maxPacketAge: number;
	readonly maxRetries: number;
	readonly sendNackDelayMs: number;

	/** After `onPacket`: the packet was on the NACK list and had been NACKed (a repair). */
	lastPacketWasNacked: boolean;
	/** After `onPacket`: the list overflowed and was cleared; ask the sender for a key frame. */
	keyFrameRequired: boolean;
	/** Missing packets currently tracked. */
	pending: number;
	/** Packets given up after `maxRetries` NACKs, and overflow clears (for stats). */
	packetsAbandoned: number;

	private started: boolean;
	/** Extended (unwrapped) highest sequence number seen. */
	private lastExt: number;
	private lastSeq: number;

	// Per-slot state (validated by slotSeq === extended seq). The tables (34 bytes x SLOTS, about
	// 560 KB) are allocated at the stream's first gap: until then they are empty, every read of
	// them misses, and a stream that never loses a packet (a LAN, or an idle producer of a big
	// room) costs nothing here.
	private slotSeq: Float64Array;
	private slotState: Uint8Array;
	private slotRetries: Uint8Array;
	private slotCreatedMs: Float64Array;
	private slotSentMs: Float64Array;

	// Missing extended seqs in ascending order, as a ring deque; entries whose slot is no longer
	// MISSING are stale and skipped (then dropped) lazily.
	private queue: Float64Array;
	private qHead: number;
	private qLen: number;
	/** Missing entries never NACKed yet: lets onPacket skip the scan when 0. */
	private unsent: number;

	// Extended seqs of recent key frames, ascending.
	private readonly keyFrames: number[];

	private readonly out: number[];

	constructor(options: NackGeneratorOptions = {}) {
		this.maxNackPackets = options.maxNackPackets ?? 1000;
		this.maxPacketAge = Math.min(options.maxPacketAge ?? 10000, SLOTS - 2);
		this.maxRetries = options.maxRetries ?? 10;
		this.sendNackDelayMs = options.sendNackDelayMs ?? 0;
		this.lastPacketWasNacked = false;
		this.keyFrameRequired = false;
		this.pending = 0;
		this.packetsAbandoned = 0;
		this.started = false;
		this.lastExt = 0;
		this.lastSeq = 0;
		this.slotSeq = EMPTY_F64;
		this.slotState = EMPTY_U8;
		this.slotRetries = EMPTY_U8;
		this.slotCreatedMs = EMPTY_F64;
		this.slotSentMs = EMPTY_F64;
		this.queue = EMPTY_F64;
		this.qHead = 0;
		this.qLen = 0;
		this.unsent = 0;
		this.keyFrames = [];
		this.out = [];
	}

	/**
	 * A packet of the stream arrived (`isRecovered`: decapsulated from RTX). Returns the seqs to
	 * NACK right now (gaps it revealed), in order; see `lastPacketWasNacked` and
	 * `keyFrameRequired` for the other outcomes.
	 */
	onPacket(seq: number, isKeyFrame: boolean, isRecovered: boolean, nowMs: number): number[] {
		const out = this.out;
		out.length = 0;
		this.lastPacketWasNacked = false;
		this.keyFrameRequired = false;
		seq &= 0xffff;
		if (!this.started) {
			this.started = true;
			this.lastSeq = seq;
			this.lastExt = seq;
			if (isKeyFrame) this.keyFrames.push(seq);
			return out;
		}
		const delta = ((seq - this.lastSeq) << 16) >> 16;
		if (delta === 0) return out;
		const ext = this.lastExt + delta;
		if (delta < 0) {
			// Late, or a retransmission: take it off the list if it is there.
			const i = ext & MASK;
			if (this.slotSeq[i] === ext && this.slotState[i] === STATE_MISSING) {
				this.lastPacketWasNacked = this.slotRetries[i] !== 0;
				if (this.slotRetries[i] === 0) this.unsent--;
				this.slotState[i] = STATE_NONE;
				this.pending--;
			}
			return out;
		}
		if (isKeyFrame) this.keyFrames.push(ext);
		this.trimKeyFrames(ext);
		if (isRecovered) {
			// Newer than anything seen, yet via RTX: remember it so the gap never NACKs it, but do
			// not move the highest seq (mediasoup does the same).
			const i = ext & MASK;

			this.allocateTables();
			this.slotSeq[i] = ext;
			this.slotState[i] = STATE_RECOVERED;
			return out;
		}
		this.addMissing(this.lastExt + 1, ext, nowMs);
		this.lastExt = ext;
		this.lastSeq = seq;
		if (this.unsent > 0) this.collect(nowMs, 0, true);
		return out;
	}

	/**
	 * Periodic retry: NACKs the packets never NACKed yet (past `sendNackDelayMs`) and those last
	 * NACKed at least one RTT ago (`rttMs` <= 0 means unknown: 100 ms). Packets reaching
	 * `maxRetries` are sent one last time and dropped.
	 */
	onTimer(nowMs: number, rttMs: number): number[] {
		this.out.length = 0;
		if (this.pending > 0) this.collect(nowMs, rttMs > 0 ? rttMs : NACK_DEFAULT_RTT_MS, false);
		return this.out;
	}

	/** Forget everything (stream paused, or re-synced). */
	reset(): void {
		this.started = false;
		this.slotSeq.fill(-1);
		this.slotState.fill(0);
		this.qHead = 0;
		this.qLen = 0;
		this.pending = 0;
		this.unsent = 0;
		this.keyFrames.length = 0;
		this.out.length = 0;
	}

	/** Whether the slot tables exist (after the first gap or recovered packet). */
	get tablesAllocated(): boolean {
		return this.slotSeq.length !== 0;
	}

	private allocateTables(): void {
		if (this.slotSeq.length !== 0) return;
		this.slotSeq = new Float64Array(SLOTS).fill(-1);
		this.slotState = new Uint8Array(SLOTS);
		this.slotRetries = new Uint8Array(SLOTS);
		this.slotCreatedMs = new Float64Array(SLOTS);
		this.slotSentMs = new Float64Array(SLOTS);
		this.queue = new Float64Array(SLOTS);
	}

	private trimKeyFrames(ext: number): void {
		const kf = this.keyFrames;
		let drop = 0;
		while (drop < kf.length && kf[drop] < ext - this.maxPacketAge) drop++;
		if (drop > 0) kf.splice(0, drop);
	}

	/** Adds [from, to) as missing, making room as mediasoup does. */
	private addMissing(from: number, to: number, nowMs: number): void {
		// Drop entries too old to be worth a NACK.
		this.dropBefore(to - this.maxPacketAge);
		const count = to - from;
		if (count <= 0) return;
		this.allocateTables();
		if (this.pending + count > this.maxNackPackets) {
			// Give up on everything before the oldest key frame that still removes something.
			while (this.pending + count > this.maxNackPackets && this.removeUntilKeyFrame()) {}
			if (this.pending + count > this.maxNackPackets) {
				this.packetsAbandoned += this.pending + count;
				this.clearList();
				this.keyFrameRequired = true;
				return;
			}
		}
		for (let ext = from; ext < to; ext++) {
			const i = ext & MASK;
			if (this.slotSeq[i] === ext && this.slotState[i] === STATE_RECOVERED) continue;
			this.slotSeq[i] = ext;
			this.slotState[i] = STATE_MISSING;
			this.slotRetries[i] = 0;
			this.slotCreatedMs[i] = nowMs;
			this.slotSentMs[i] = 0;
			this.queue[(this.qHead + this.qLen) & MASK] = ext;
			this.qLen++;
			this.pending++;
			this.unsent++;
		}
	}

	private removeUntilKeyFrame(): boolean {
		const kf = this.keyFrames;
		while (kf.length > 0) {
			if (this.dropBefore(kf[0]) > 0) return true;
			kf.shift();
		}
		return false;
	}

	/** Removes missing entries with extended seq < `limit`; returns how many live ones went. */
	private dropBefore(limit: number): number {
		let removed = 0;
		while (this.qLen > 0) {
			const ext = this.queue[this.qHead];
			if (ext >= limit) break;
			const i = ext & MASK;
			if (this.slotSeq[i] === ext && this.slotState[i] === STATE_MISSING) {
				this.slotState[i] = STATE_NONE;
				if (this.slotRetries[i] === 0) this.unsent--;
				this.pending--;
				removed++;
			}
			this.qHead = (this.qHead + 1) & MASK;
			this.qLen--;
		}
		this.packetsAbandoned += removed;
		return removed;
	}

	private clearList(): void {
		while (this.qLen > 0) {
			const ext = this.queue[this.qHead];
			const i = ext & MASK;
			if (this.slotSeq[i] === ext && this.slotState[i] === STATE_MISSING) this.slotState[i] = STATE_NONE;
			this.qHead = (this.qHead + 1) & MASK;
			this.qLen--;
		}
		this.pending = 0;
		this.unsent = 0;
	}

	/**
	 * Walks the list once, compacting stale entries, and puts the due seqs in `out`. On a packet
	 * (`onlyUnsent`) only never-NACKed entries are due; on the timer also those whose last NACK
	 * is at least `rttMs` old.
	 */
	private collect(nowMs: number, rttMs: number, onlyUnsent: boolean): void {
		const out = this.out;
		const q = this.queue;
		const n = this.qLen;
		let w = 0;
		for (let r = 0; r < n; r++) {
			const ext = q[(this.qHead + r) & MASK];
			const i = ext & MASK;
			if (this.slotSeq[i] !== ext || this.slotState[i] !== STATE_MISSING) continue;
			let keep = true;
			const retries = this.slotRetries[i];
			const due =
				nowMs - this.slotCreatedMs[i] >= this.sendNackDelayMs &&
				(retries === 0 || (!onlyUnsent && nowMs - this.slotSentMs[i] >= rttMs));
			if (due) {
				out.push(ext & 0xffff);
				if (retries === 0) this.unsent--;
				this.slotRetries[i] = retries + 1;
				this.slotSentMs[i] = nowMs;
				if (retries + 1 >= this.maxRetries) {
					this.slotState[i] = STATE_NONE;
					this.pending--;
					this.packetsAbandoned++;
					keep = false;
				}
			}
			if (keep) q[(this.qHead + w++) & MASK] = ext;
		}
		this.qLen = w;
	}
}
