/**
 * Rewrites a 16-bit RTP sequence number space so the receiver sees one
 * continuous stream (after mediasoup's SeqManager): `sync()` makes the next
 * input continue right after the last output (resume, key frame wait, stream
 * switch), `drop()` removes an input from the output space (a DTX packet not
 * forwarded), `input()` maps. Reordered packets older than recent drops keep
 * the number they would have had. No allocation per packet.
 */

const DROP_HISTORY = 64;

export class SeqManager {
	/** Last (highest) output sequence number. */
	maxOutput: number;
	private started: boolean;
	/** output = input + base (mod 2^16) for inputs newer than every remembered drop. */
	private base: number;
	/** Extended (unwrapped) highest input seen. */
	private maxInputExt: number;
	private maxInput: number;
	/**
	 * Extended inputs of the last DROP_HISTORY drops (a ring), allocated by the first drop: most
	 * streams never drop one (no DTX skipping, no layer selection).
	 */
	private drops: Float64Array | undefined;
	private dropCount: number;
	private dropHead: number;

	constructor(initialOutput = 0) {
		this.maxOutput = (initialOutput - 1) & 0xffff;
		this.started = false;
		this.base = 0;
		this.maxInputExt = 0;
		this.maxInput = 0;
		this.drops = undefined;
		this.dropCount = 0;
		this.dropHead = 0;
	}

	/** The next input `seq` gets the output after the last one sent. */
	sync(seq: number): void {
		seq &= 0xffff;
		this.base = (this.maxOutput + 1 - seq) & 0xffff;
		this.maxInput = seq;
		this.maxInputExt = seq;
		this.dropCount = 0;
		this.dropHead = 0;
		this.started = true;
	}

	/** Whether a drop allocated the drop history yet (tests). */
	get dropHistoryAllocated(): boolean {
		return this.drops !== undefined;
	}

	/** The packet `seq` is not forwarded: later inputs close the gap. */
	drop(seq: number): void {
		seq &= 0xffff;
		if (!this.started) {
			this.sync(seq);
			// Nothing was output: the next input takes this one's place.
			this.base = (this.base - 1) & 0xffff;
			return;
		}

		const delta = this.delta(seq);

		if (delta <= 0) {
			return;
		}
		this.maxInputExt += delta;
		this.maxInput = seq;
		this.base = (this.base - 1) & 0xffff;
		(this.drops ??= new Float64Array(DROP_HISTORY))[this.dropHead] = this.maxInputExt;
		this.dropHead = (this.dropHead + 1) % DROP_HISTORY;
		if (this.dropCount < DROP_HISTORY) {
			this.dropCount++;
		}
	}

	/** The output sequence number for input `seq`. */
	input(seq: number): number {
		seq &= 0xffff;
		if (!this.started) {
			this.sync(seq);
		}

		const delta = this.delta(seq);
		let output: number;

		if (delta >= 0) {
			this.maxInputExt += delta;
			this.maxInput = seq;
			output = (seq + this.base) & 0xffff;
		} else {
			// Older than the newest input: drops after it did not shift it.
			const ext = this.maxInputExt + delta;
			const drops = this.drops;
			let restored = 0;

			// dropCount > 0 only once drops exists.
			for (let k = 0; k < this.dropCount; k++) {
				if (drops![k]! > ext) {
					restored++;
				}
			}
			output = (seq + this.base + restored) & 0xffff;
		}
		if (((output - this.maxOutput) & 0xffff) < 0x8000) {
			this.maxOutput = output;
		}

		return output;
	}

	private delta(seq: number): number {
		return (((seq - this.maxInput) & 0xffff) << 16) >> 16;
	}
}
