const SLOT_MS = 100;
const SLOTS = 10;

/**
 * Bitrate over the last second, in 100 ms slots (the window mediasoup's
 * RateCalculator uses by default). Allocation free on update.
 */
export class RateCalculator {
	readonly #bytes = new Float64Array(SLOTS);
	readonly #slotIds = new Float64Array(SLOTS).fill(-1);

	update(bytes: number, nowMs: number): void {
		const slotId = Math.floor(nowMs / SLOT_MS);
		const index = slotId % SLOTS;

		if (this.#slotIds[index] !== slotId) {
			this.#slotIds[index] = slotId;
			this.#bytes[index] = 0;
		}
		this.#bytes[index]! += bytes;
	}

	/** Bits per second over the window ending now. */
	getRate(nowMs: number): number {
		const slotId = Math.floor(nowMs / SLOT_MS);
		let bytes = 0;

		for (let i = 0; i < SLOTS; ++i) {
			if (this.#slotIds[i]! > slotId - SLOTS) {
				bytes += this.#bytes[i]!;
			}
		}

		return Math.round((bytes * 8 * 1000) / (SLOTS * SLOT_MS));
	}
}
