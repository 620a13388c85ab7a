const HISTORY = 64;

/**
 * Remembers the verdict (forward/drop, or a small number) of recent frames by a 32-bit key (the RTP timestamp, or
 * the timestamp mixed with a spatial layer id), so every packet of a frame gets its frame's
 * verdict even when it comes late (reordering, a producer-side NACK repair). Frames older than
 * the 64 last decided are treated as dropped (their neighbours are long gone).
 */
export class FrameVerdicts {
	private readonly keys = new Float64Array(HISTORY);
	private readonly verdicts = new Uint8Array(HISTORY);
	private count = 0;
	private head = 0;

	clear(): void {
		this.count = 0;
		this.head = 0;
	}

	/** The verdict stored (0..255; true = 1, false = 0), -1 = unknown. Newest first. */
	get(key: number): number {
		for (let k = 0, i = this.head; k < this.count; k++) {
			i = (i + HISTORY - 1) % HISTORY;
			if (this.keys[i] === key) {
				return this.verdicts[i]!;
			}
		}

		return -1;
	}

	set(key: number, verdict: boolean | number): void {
		this.keys[this.head] = key;
		this.verdicts[this.head] = typeof verdict === 'number' ? verdict : verdict ? 1 : 0;
		this.head = (this.head + 1) % HISTORY;
		if (this.count < HISTORY) {
			this.count++;
		}
	}
}

/** Whether RTP timestamp `a` is after `b` (RFC 3550 serial arithmetic on 32 bits). */
export function isTimestampNewer(a: number, b: number): boolean {
	const d = (a - b) >>> 0;

	return d !== 0 && d < 0x80000000;
}
