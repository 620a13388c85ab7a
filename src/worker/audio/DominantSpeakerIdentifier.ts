/**
 * Dominant speaker identification after I. Volfin and I. Cohen, "Dominant
 * speaker identification for multipoint videoconferencing" (Computer Speech and
 * Language 27, 2013), in the form Jitsi and mediasoup run it on RFC 6464 audio
 * levels instead of decoded audio. No timers and no clock: every call takes the
 * time (ms, monotonic) as a parameter.
 *
 * The paper's idea: for each participant, speech activity is scored on three
 * time scales. A level sample every 20 ms is quantised into N1 = 13 sub-bands
 * ("immediates", after removing the participant's noise floor); a medium
 * subunit is 5 immediates (100 ms) and counts how many of them are above
 * MEDIUM_THRESHOLD; the long unit is 10 mediums (1 s) and counts how many
 * mediums are above LONG_THRESHOLD. Each count v out of n is scored as the
 * log-likelihood ratio of speech against non-speech with a binomial model for
 * the count under speech (p = 0.5) and an exponential one under silence
 * (parameter lambda):
 *   score = ln C(n, v) + v ln p + (n - v) ln(1 - p) - ln lambda + lambda v
 * floored at MIN_ACTIVITY_SCORE. Every decision interval (300 ms by default),
 * each other speaker is compared with the current dominant one on the three
 * scales, c_i = ln(score_i(speaker) / score_i(dominant)); it takes the floor
 * only if c1 > C1, c2 > C2 and c3 > C3 (the one with the largest c2 wins). The
 * long scale is what keeps a cough (a few loud 100 ms subunits) from beating
 * someone who has been talking for the last second, and what lets a real
 * speaker win within about a second.
 *
 * Differences from mediasoup 3.x's ActiveSpeakerObserver, on purpose:
 * - With several speakers and none dominant yet (start, or the dominant one
 *   was removed), mediasoup crowns whichever comes first in its map, silent or
 *   not. Here the candidates are compared with a silent reference instead, so
 *   nobody is named until somebody actually speaks. A lone speaker is named at
 *   once, as in mediasoup.
 * - A speaker paused for being idle an hour wakes up with its next level.
 */

/** Sub-bands of the immediate scale, mediums per long, immediates per medium. */
export const N1 = 13;
export const N2 = 5;
export const N3 = 10;
/** Thresholds on ln(score ratio) for immediate, medium and long scales. */
export const C1 = 3;
export const C2 = 2;
export const C3 = 0;
/** An immediate counts toward its medium when above this sub-band. */
export const MEDIUM_THRESHOLD = 7;
/** A medium counts toward the long when above this count (i.e. all 5 immediates active). */
export const LONG_THRESHOLD = 4;
/** Exponential (silence) model parameters of the three scales. */
export const LAMBDA_IMMEDIATE = 0.78;
export const LAMBDA_MEDIUM = 24;
export const LAMBDA_LONG = 47;
export const P = 0.5;
export const MIN_ACTIVITY_SCORE = 1e-10;
/** The algorithm expects one level every 20 ms. */
export const SAMPLE_PERIOD_MS = 20;
/** No level for this long: count silence (DTX, loss, paused sender). */
export const LEVEL_IDLE_TIMEOUT_MS = 40;
/** No level for this long: the speaker stops competing (unless dominant). */
export const SPEAKER_IDLE_TIMEOUT_MS = 60 * 60 * 1000;
export const MIN_LEVEL = 0;
export const MAX_LEVEL = 127;
/** 15 s of samples before the noise floor estimate may rise. */
export const MIN_LEVEL_WINDOW_LEN = (15 * 1000) / SAMPLE_PERIOD_MS;
export const SUBUNIT_LENGTH_N1 = Math.floor((MAX_LEVEL - MIN_LEVEL + N1 - 1) / N1);
export const IMMEDIATE_BUFF_LEN = N3 * N2;
export const LEVELS_BUFF_LEN = N3 * N2;

export function binomialCoefficient(n: number, r: number): number {
	const m = n - r;

	if (r < m) {
		r = m;
	}

	let t = 1;

	for (let i = n, j = 1; i > r; i--, j++) {
		// Exact: the product of j consecutive integers is divisible by j!.
		t = (t * i) / j;
	}

	return t;
}

/** Log-likelihood ratio of speech for v active subunits out of n (floored). */
export function activityScore(v: number, n: number, p: number, lambda: number): number {
	const score = Math.log(binomialCoefficient(n, v)) + v * Math.log(p) + (n - v) * Math.log(1 - p) - Math.log(lambda) + lambda * v;

	return score < MIN_ACTIVITY_SCORE ? MIN_ACTIVITY_SCORE : score;
}

/** Counts, per big subunit, the littles above the threshold; true if any count changed. */
function computeBigs(littles: Uint8Array, bigs: Uint8Array, threshold: number): boolean {
	const perBig = littles.length / bigs.length;
	let changed = false;

	for (let b = 0, l = 0; b < bigs.length; b++) {
		let sum = 0;

		for (const end = l + perBig; l < end; l++) {
			if (littles[l] > threshold) {
				sum++;
			}
		}
		if (bigs[b] !== sum) {
			bigs[b] = sum;
			changed = true;
		}
	}

	return changed;
}

/** One participant's level history and activity scores. */
export class Speaker {
	immediateScore = MIN_ACTIVITY_SCORE;
	mediumScore = MIN_ACTIVITY_SCORE;
	longScore = MIN_ACTIVITY_SCORE;
	/** Producer paused: does not compete. */
	paused = false;
	/** Idle for SPEAKER_IDLE_TIMEOUT_MS: does not compete until its next level. */
	idle = false;
	lastLevelTime: number;
	/** Noise floor estimate (volume, 0 = none yet). */
	minLevel = MIN_LEVEL;
	#nextMinLevel = MIN_LEVEL;
	#nextMinLevelWindowLen = 0;
	/** Circular buffer of volumes (127 - dBov level), one per 20 ms. */
	readonly #levels = new Uint8Array(LEVELS_BUFF_LEN);
	#nextLevelIndex = 0;
	/** Most recent first. */
	readonly immediates = new Uint8Array(IMMEDIATE_BUFF_LEN);
	readonly mediums = new Uint8Array(N3);
	readonly longs = new Uint8Array(1);

	constructor(now: number) {
		this.lastLevelTime = now;
	}

	/**
	 * A volume (0 = silence .. 127 = loudest, i.e. 127 minus the RFC 6464 level).
	 * Fills one sample per 20 ms elapsed since the previous one (at least one),
	 * so that DTX or a longer packetisation time keep the time scale.
	 */
	levelChanged(volume: number, now: number): void {
		if (now < this.lastLevelTime) {
			return;
		}

		const elapsed = now - this.lastLevelTime;

		this.lastLevelTime = now;

		const b = volume < MIN_LEVEL ? MIN_LEVEL : volume > MAX_LEVEL ? MAX_LEVEL : volume | 0;
		const samples = Math.min(Math.max(Math.floor(elapsed / SAMPLE_PERIOD_MS), 1), LEVELS_BUFF_LEN);

		for (let i = 0; i < samples; i++) {
			this.#levels[this.#nextLevelIndex] = b;
			this.#nextLevelIndex = (this.#nextLevelIndex + 1) % LEVELS_BUFF_LEN;
		}
		this.#updateMinLevel(b);
	}

	/** No level for a while: the time passed counts as silence. */
	levelTimedOut(now: number): void {
		this.levelChanged(MIN_LEVEL, now);
	}

	evalActivityScores(): void {
		if (this.#computeImmediates()) {
			this.immediateScore = activityScore(this.immediates[0], N1, P, LAMBDA_IMMEDIATE);
			if (computeBigs(this.immediates, this.mediums, MEDIUM_THRESHOLD)) {
				this.mediumScore = activityScore(this.mediums[0], N2, P, LAMBDA_MEDIUM);
				if (computeBigs(this.mediums, this.longs, LONG_THRESHOLD)) {
					this.longScore = activityScore(this.longs[0], N3, P, LAMBDA_LONG);
				}
			}
		}
	}

	score(scale: 0 | 1 | 2): number {
		return scale === 0 ? this.immediateScore : scale === 1 ? this.mediumScore : this.longScore;
	}

	#computeImmediates(): boolean {
		// Below the noise floor plus one sub-band counts as nothing.
		const floor = this.minLevel + SUBUNIT_LENGTH_N1;
		let changed = false;

		for (let i = 0; i < IMMEDIATE_BUFF_LEN; i++) {
			const index = (this.#nextLevelIndex - 1 - i + 2 * LEVELS_BUFF_LEN) % LEVELS_BUFF_LEN;
			let level = this.#levels[index];

			if (level < floor) {
				level = MIN_LEVEL;
			}

			const immediate = Math.floor(level / SUBUNIT_LENGTH_N1);

			if (this.immediates[i] !== immediate) {
				this.immediates[i] = immediate;
				changed = true;
			}
		}

		return changed;
	}

	/**
	 * Noise floor tracking: it drops at once to any lower non-zero volume and
	 * rises slowly, to the geometric mean of the current floor and the lowest
	 * volume of the last 15 s.
	 */
	#updateMinLevel(level: number): void {
		if (level === MIN_LEVEL) {
			return;
		}
		if (this.minLevel === MIN_LEVEL || this.minLevel > level) {
			this.minLevel = level;
			this.#nextMinLevel = MIN_LEVEL;
			this.#nextMinLevelWindowLen = 0;

			return;
		}
		if (this.#nextMinLevel === MIN_LEVEL) {
			this.#nextMinLevel = level;
			this.#nextMinLevelWindowLen = 1;

			return;
		}
		if (this.#nextMinLevel > level) {
			this.#nextMinLevel = level;
		}
		this.#nextMinLevelWindowLen++;
		if (this.#nextMinLevelWindowLen >= MIN_LEVEL_WINDOW_LEN) {
			const newMinLevel = Math.sqrt(this.minLevel * this.#nextMinLevel);

			this.minLevel = Math.floor(Math.min(Math.max(newMinLevel, MIN_LEVEL), MAX_LEVEL));
			this.#nextMinLevel = MIN_LEVEL;
			this.#nextMinLevelWindowLen = 0;
		}
	}
}

/** Stands for "nobody" when no one is dominant yet: every score at the floor. */
const SILENT_REFERENCE = {
	score(): number {
		return MIN_ACTIVITY_SCORE;
	},
};

export class DominantSpeakerIdentifier {
	readonly speakers = new Map<string, Speaker>();
	#dominantId: string | undefined = undefined;
	#lastIdleCheck: number | undefined = undefined;

	get dominantId(): string | undefined {
		return this.#dominantId;
	}

	addSpeaker(id: string, now: number, paused = false): void {
		if (this.speakers.has(id)) {
			return;
		}

		const speaker = new Speaker(now);

		speaker.paused = paused;
		this.speakers.set(id, speaker);
	}

	/** Returns the new dominant speaker if removing the dominant one named another. */
	removeSpeaker(id: string, now: number): string | undefined {
		if (!this.speakers.delete(id)) {
			return undefined;
		}
		if (id === this.#dominantId) {
			this.#dominantId = undefined;

			return this.update(now);
		}

		return undefined;
	}

	setSpeakerPaused(id: string, paused: boolean): void {
		const speaker = this.speakers.get(id);

		if (speaker) {
			speaker.paused = paused;
		}
	}

	/** An RFC 6464 level (-dBov: 0 loudest, 127 silence) from this speaker. */
	levelChanged(id: string, level: number, now: number): void {
		const speaker = this.speakers.get(id);

		if (speaker) {
			speaker.idle = false;
			speaker.levelChanged(MAX_LEVEL - level, now);
		}
	}

	/** The decision, every interval: returns the new dominant speaker's id on a change. */
	update(now: number): string | undefined {
		if (this.#lastIdleCheck === undefined || now - this.#lastIdleCheck >= LEVEL_IDLE_TIMEOUT_MS) {
			if (this.#lastIdleCheck !== undefined) {
				this.#timeoutIdleLevels(now);
			}
			this.#lastIdleCheck = now;
		}
		if (this.speakers.size === 0) {
			return undefined;
		}

		const newDominantId = this.#calculate();

		if (newDominantId !== undefined && newDominantId !== this.#dominantId) {
			this.#dominantId = newDominantId;

			return newDominantId;
		}

		return undefined;
	}

	#calculate(): string | undefined {
		if (this.speakers.size === 1) {
			return this.speakers.keys().next().value;
		}

		const dominant = this.#dominantId === undefined ? undefined : this.speakers.get(this.#dominantId);
		const reference = dominant ?? SILENT_REFERENCE;
		let newDominantId: string | undefined = undefined;
		let newDominantC2 = C2;

		dominant?.evalActivityScores();
		for (const [id, speaker] of this.speakers) {
			if (speaker === dominant || speaker.paused || speaker.idle) {
				continue;
			}
			speaker.evalActivityScores();

			const c1 = Math.log(speaker.score(0) / reference.score(0));
			const c2 = Math.log(speaker.score(1) / reference.score(1));
			const c3 = Math.log(speaker.score(2) / reference.score(2));

			if (c1 > C1 && c2 > C2 && c3 > C3 && c2 > newDominantC2) {
				newDominantC2 = c2;
				newDominantId = id;
			}
		}

		return newDominantId;
	}

	/** Silence for speakers that sent nothing lately (DTX, loss); idle ones stop competing. */
	#timeoutIdleLevels(now: number): void {
		for (const [id, speaker] of this.speakers) {
			const idle = now - speaker.lastLevelTime;

			if (idle > SPEAKER_IDLE_TIMEOUT_MS && id !== this.#dominantId) {
				speaker.idle = true;
			} else if (idle > LEVEL_IDLE_TIMEOUT_MS) {
				speaker.levelTimedOut(now);
			}
		}
	}
}
