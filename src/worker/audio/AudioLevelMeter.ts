/**
 * The measuring half of an AudioLevelObserver, with no timers: the engine feeds
 * it the RFC 6464 audio level of each packet and calls `update()` at the end of
 * every interval.
 *
 * Rules (as mediasoup's worker applies them):
 * - per producer, the levels (-dBov, 0 = loudest .. 127 = silence) received
 *   during the interval are averaged; a producer with fewer than
 *   `MIN_PACKETS_PER_INTERVAL` packets is not reported (too few to mean
 *   anything, e.g. DTX comfort noise);
 * - the average is truncated in -dBov (toward loud) and reported as dBov
 *   (volume = -average), kept if `volume >= threshold`;
 * - at most `maxEntries`, loudest first;
 * - 'silence' once when nobody is above the threshold, not again until
 *   volumes were reported again.
 * Unlike mediasoup (which keys its sorted map by volume) two producers with
 * the same volume are both reported, in the order they were added.
 */
export const MIN_PACKETS_PER_INTERVAL = 10;

export type AudioVolume = { producerId: string; volume: number };

/** What the end of an interval produced: volumes, silence, or nothing to say. */
export type AudioLevelReport = { event: 'volumes'; volumes: AudioVolume[] } | { event: 'silence' } | undefined;

type Entry = {
	sum: number;
	count: number;
	paused: boolean;
	/** Insertion rank, to break ties between equal volumes. */
	rank: number;
};

export class AudioLevelMeter {
	readonly #entries = new Map<string, Entry>();
	#silence = true;
	#nextRank = 0;

	constructor(readonly maxEntries: number, readonly threshold: number) {}

	/** True after 'silence' (and at start) until the next 'volumes'. */
	get silence(): boolean {
		return this.#silence;
	}

	has(producerId: string): boolean {
		return this.#entries.has(producerId);
	}

	addProducer(producerId: string, paused = false): void {
		if (!this.#entries.has(producerId)) {
			this.#entries.set(producerId, { sum: 0, count: 0, paused, rank: this.#nextRank++ });
		}
	}

	removeProducer(producerId: string): void {
		this.#entries.delete(producerId);
	}

	/** A paused producer counts nothing; what it had in this interval is dropped. */
	setProducerPaused(producerId: string, paused: boolean): void {
		const entry = this.#entries.get(producerId);

		if (entry) {
			entry.paused = paused;
			entry.sum = 0;
			entry.count = 0;
		}
	}

	/** One packet's level in -dBov (0..127); ignored for unknown or paused producers. */
	addLevel(producerId: string, level: number): void {
		const entry = this.#entries.get(producerId);

		if (!entry || entry.paused) {
			return;
		}
		entry.sum += level;
		entry.count++;
	}

	/** Drop what was counted in this interval (the observer paused). */
	reset(): void {
		for (const entry of this.#entries.values()) {
			entry.sum = 0;
			entry.count = 0;
		}
	}

	/**
	 * The observer paused: counting stops and, if volumes were the last word,
	 * the application hears 'silence' (mediasoup does the same).
	 */
	pause(): AudioLevelReport {
		this.reset();

		return this.#toSilence();
	}

	/** End of an interval: report and start counting afresh. */
	update(): AudioLevelReport {
		const loud: { producerId: string; volume: number; rank: number }[] = [];

		for (const [producerId, entry] of this.#entries) {
			if (entry.count >= MIN_PACKETS_PER_INTERVAL) {
				// 0 - x, not -x: a level of 0 is volume 0, not -0 (JSON would not care, callers might).
				const volume = 0 - Math.floor(entry.sum / entry.count);

				if (volume >= this.threshold) {
					loud.push({ producerId, volume, rank: entry.rank });
				}
			}
		}
		this.reset();

		if (loud.length === 0) {
			return this.#toSilence();
		}

		loud.sort((a, b) => b.volume - a.volume || a.rank - b.rank);
		this.#silence = false;

		const volumes: AudioVolume[] = [];

		for (let i = 0; i < loud.length && i < this.maxEntries; i++) {
			volumes.push({ producerId: loud[i].producerId, volume: loud[i].volume });
		}

		return { event: 'volumes', volumes };
	}

	#toSilence(): AudioLevelReport {
		if (this.#silence) {
			return undefined;
		}
		this.#silence = true;

		return { event: 'silence' };
	}
}
