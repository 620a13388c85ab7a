const SLOT_MS = 100;
const SLOTS = 10;

/**
 * Bitrate over the last second, in 100 ms slots (the window mediasoup's
 * RateCalculator uses by default). Allocation free on update.
 *
 * The slots are allocated by the first update: a transport keeps six of these
 * and most see no traffic at all (the RTP and RTX receive rates of a transport
 * that only sends, the RTX rates without NACK), while each one allocated costs
 * an off-heap typed array (~0.5 KiB with its ArrayBuffer and backing store).
 */
export class RateCalculator {
	/** Bytes of slot i at [i], the id (time / SLOT_MS, floored) of what it holds at [SLOTS + i]. */
	#slots: Float64Array | undefined = undefined;

	update(bytes: number, nowMs: number): void {
		const slotId = Math.floor(nowMs / SLOT_MS);
		const index = slotId % SLOTS;
		const slots = this.#slots ?? this.#allocate();

		if (slots[SLOTS + index] !== slotId) {
			slots[SLOTS + index] = slotId;
			slots[index] = 0;
		}
		slots[index]! += bytes;
	}

	/** Bits per second over the window ending now. */
	getRate(nowMs: number): number {
		const slots = this.#slots;

		if (slots === undefined) {
			return 0;
		}

		const slotId = Math.floor(nowMs / SLOT_MS);
		let bytes = 0;

		for (let i = 0; i < SLOTS; ++i) {
			if (slots[SLOTS + i]! > slotId - SLOTS) {
				bytes += slots[i]!;
			}
		}

		return Math.round((bytes * 8 * 1000) / (SLOTS * SLOT_MS));
	}

	/** Whether an update allocated the slots yet (tests). */
	get allocated(): boolean {
		return this.#slots !== undefined;
	}

	#allocate(): Float64Array {
		const slots = new Float64Array(2 * SLOTS);

		slots.fill(-1, SLOTS);
		this.#slots = slots;

		return slots;
	}
}
