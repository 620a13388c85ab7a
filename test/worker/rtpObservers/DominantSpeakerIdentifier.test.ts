/**
 * DominantSpeakerIdentifier in simulated time: Volfin & Cohen's dominant speaker
 * identification (Computer Speech and Language 27, 2013) as Jitsi and mediasoup
 * run it on RFC 6464 levels, fed with synthetic level sequences (one packet per
 * 20 ms per speaker, decisions every 300 ms unless said otherwise).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
	DominantSpeakerIdentifier,
	LAMBDA_IMMEDIATE,
	LAMBDA_LONG,
	LAMBDA_MEDIUM,
	MIN_ACTIVITY_SCORE,
	N1,
	N2,
	N3,
	SUBUNIT_LENGTH_N1,
	Speaker,
	activityScore,
	binomialCoefficient,
} from '../../../src/worker/audio/DominantSpeakerIdentifier';
import { prng } from '../../helpers/prng';

type Script = (id: string, t: number) => 'talk' | 'quiet' | 'dtx';

type Options = {
	ids: string[];
	script: Script;
	durationMs: number;
	intervalMs?: number;
	seed?: number;
	/** Per-packet arrival jitter, ms (uniform 0..jitter). */
	jitterMs?: number;
};

/**
 * Runs a script: speech is a level around -25 dBov with syllable dips (10% of
 * packets at -60..-90 dBov), quiet is a noise floor around -100 dBov, dtx sends
 * nothing. Returns the decisions ({ t, id }) in time order.
 */
function run({ ids, script, durationMs, intervalMs = 300, seed = 1, jitterMs = 0 }: Options): { t: number; id: string }[] {
	const random = prng(seed);
	const dsi = new DominantSpeakerIdentifier();
	const events: { t: number; id: string }[] = [];
	const arrivals: { t: number; id: string; level: number }[] = [];

	for (const id of ids) {
		dsi.addSpeaker(id, 0);
	}
	for (let t = 20; t <= durationMs; t += 20) {
		for (const id of ids) {
			const state = script(id, t);

			if (state === 'dtx') {
				continue;
			}

			let level: number;

			if (state === 'talk') {
				level = random() < 0.1 ? 60 + Math.floor(random() * 30) : 15 + Math.floor(random() * 20);
			} else {
				level = 95 + Math.floor(random() * 10);
			}
			arrivals.push({ t: t + random() * jitterMs, id, level });
		}
	}
	arrivals.sort((a, b) => a.t - b.t);

	let next = 0;

	for (let t = intervalMs; t <= durationMs; t += intervalMs) {
		while (next < arrivals.length && arrivals[next].t <= t) {
			dsi.levelChanged(arrivals[next].id, arrivals[next].level, arrivals[next].t);
			next++;
		}

		const id = dsi.update(t);

		if (id !== undefined) {
			events.push({ t, id });
		}
	}

	return events;
}

// The acceptance script: A talks 3 s, B coughs 0.2 s, C talks 3 s.
const A_END = 3000;
const COUGH_END = 3200;
const C_END = 6200;

function threeSpeakers(state: 'quiet' | 'dtx'): Script {
	return (id, t) => {
		if (id === 'A' && t <= A_END) return 'talk';
		if (id === 'B' && t > A_END && t <= COUGH_END) return 'talk';
		if (id === 'C' && t > COUGH_END && t <= C_END) return 'talk';

		return state;
	};
}

function assertAThenC(events: { t: number; id: string }[], cStart: number, label: string): void {
	assert.deepEqual(
		events.map((e) => e.id),
		['A', 'C'],
		`${label}: ${JSON.stringify(events)}`,
	);
	assert.ok(events[0].t <= 1500, `${label}: A named at ${events[0].t} ms`);
	assert.ok(events[1].t > cStart && events[1].t - cStart <= 1500, `${label}: C named at ${events[1].t} ms`);
}

test('binomial coefficients and the activity score formula (ln C(n,v) + v ln p + (n-v) ln(1-p) - ln lambda + lambda v)', () => {
	assert.equal(binomialCoefficient(13, 6), 1716);
	assert.equal(binomialCoefficient(10, 5), 252);
	assert.equal(binomialCoefficient(5, 0), 1);
	assert.equal(binomialCoefficient(5, 5), 1);
	assert.equal(binomialCoefficient(13, 1), 13);
	// Nothing active: the silence model wins, the score is floored.
	assert.equal(activityScore(0, N1, 0.5, LAMBDA_IMMEDIATE), MIN_ACTIVITY_SCORE);
	assert.equal(activityScore(0, N2, 0.5, LAMBDA_MEDIUM), MIN_ACTIVITY_SCORE);
	assert.equal(activityScore(0, N3, 0.5, LAMBDA_LONG), MIN_ACTIVITY_SCORE);
	// One active medium subunit: ln 5 + 5 ln 0.5 - ln 24 + 24.
	assert.ok(Math.abs(activityScore(1, N2, 0.5, LAMBDA_MEDIUM) - (Math.log(5) - 5 * Math.LN2 - Math.log(24) + 24)) < 1e-12);
	assert.ok(Math.abs(activityScore(10, N1, 0.5, LAMBDA_IMMEDIATE) - (Math.log(286) - 13 * Math.LN2 - Math.log(0.78) + 7.8)) < 1e-12);
	// Medium and long scores grow with every active subunit (lambda outweighs the binomial).
	for (const [n, lambda] of [[N2, LAMBDA_MEDIUM], [N3, LAMBDA_LONG]]) {
		for (let v = 0; v < n; v++) {
			assert.ok(activityScore(v + 1, n, 0.5, lambda) > activityScore(v, n, 0.5, lambda));
		}
	}
	assert.equal(SUBUNIT_LENGTH_N1, 10);
});

test('Speaker: immediates quantise volume above the noise floor; mediums and longs count active subunits', () => {
	const speaker = new Speaker(0);

	// A noise floor at -107 dBov (volume 20), then 1 s of -20 dBov (volume 107):
	// every immediate is 10, every medium 5, the long 10.
	speaker.levelChanged(20, 20);
	for (let t = 40; t <= 1020; t += 20) {
		speaker.levelChanged(107, t);
	}
	speaker.evalActivityScores();
	assert.equal(speaker.minLevel, 20);
	assert.ok(speaker.immediates.every((v) => v === 10));
	assert.ok(speaker.mediums.every((v) => v === 5));
	assert.equal(speaker.longs[0], 10);

	// Without any quieter level, the speech itself is the noise floor: nothing counts.
	const monotone = new Speaker(0);

	for (let t = 20; t <= 1000; t += 20) {
		monotone.levelChanged(107, t);
	}
	monotone.evalActivityScores();
	assert.equal(monotone.minLevel, 107);
	assert.equal(monotone.longs[0], 0);

	// A quieter level lowers the noise floor at once; levels within a sub-band of it count as nothing.
	const quiet = new Speaker(0);

	for (let t = 20; t <= 200; t += 20) {
		quiet.levelChanged(30, t);
	}
	quiet.levelChanged(35, 220);
	quiet.evalActivityScores();
	assert.equal(quiet.minLevel, 30);
	assert.equal(quiet.immediates[0], 0);
	quiet.levelChanged(45, 240);
	quiet.evalActivityScores();
	assert.equal(quiet.immediates[0], 4);
});

test('Speaker: a gap without packets fills one sample per 20 ms (DTX), at most the window', () => {
	const speaker = new Speaker(0);

	speaker.levelChanged(20, 20);
	for (let t = 40; t <= 1000; t += 20) {
		speaker.levelChanged(107, t);
	}
	speaker.levelChanged(0, 1200); // 200 ms later: 10 samples of silence
	speaker.evalActivityScores();
	assert.deepEqual([...speaker.mediums], [0, 0, 5, 5, 5, 5, 5, 5, 5, 5]);
	speaker.levelTimedOut(60000);
	speaker.evalActivityScores();
	assert.equal(speaker.longs[0], 0);
	assert.equal(speaker.longScore, MIN_ACTIVITY_SCORE);
});

test('three speakers (A talks 3 s, B coughs 0.2 s, C talks 3 s): A then C, never B, each within 1.5 s', () => {
	const events = run({ ids: ['A', 'B', 'C'], script: threeSpeakers('quiet'), durationMs: 8000 });

	assertAThenC(events, COUGH_END, 'noise floor');
	// Figures for the report: how long each switch took.
	console.log(`# A named after ${events[0].t} ms, C after ${events[1].t - COUGH_END} ms`);
});

test('three speakers: whatever order they joined in, with DTX silence, jitter, other seeds and intervals', () => {
	const orders = [['A', 'B', 'C'], ['B', 'C', 'A'], ['C', 'B', 'A'], ['B', 'A', 'C']];
	let worstA = 0;
	let worstC = 0;

	for (const ids of orders) {
		for (const state of ['quiet', 'dtx'] as const) {
			for (const intervalMs of [100, 300, 500]) {
				for (let seed = 1; seed <= 5; seed++) {
					const label = `order ${ids.join('')}, ${state}, interval ${intervalMs}, seed ${seed}`;
					const events = run({ ids, script: threeSpeakers(state), durationMs: 8000, intervalMs, seed, jitterMs: 15 });

					assertAThenC(events, COUGH_END, label);
					worstA = Math.max(worstA, events[0].t);
					worstC = Math.max(worstC, events[1].t - COUGH_END);
				}
			}
		}
	}
	console.log(`# worst over 120 runs: A named after ${worstA} ms, C after ${worstC} ms`);
});

test('a cough while A is talking does not take the floor either', () => {
	const events = run({
		ids: ['A', 'B'],
		script: (id, t) => {
			if (id === 'A') return t <= 4000 ? 'talk' : 'quiet';

			return t > 2000 && t <= 2200 ? 'talk' : 'quiet';
		},
		durationMs: 6000,
	});

	assert.deepEqual(events.map((e) => e.id), ['A']);
});

test('a louder cough (0 dBov) of 0.2 s right after A stops does not take the floor (steady levels, digital silence)', () => {
	const dsi = new DominantSpeakerIdentifier();
	const events: string[] = [];

	dsi.addSpeaker('A', 0);
	dsi.addSpeaker('B', 0);
	for (let t = 20; t <= 6000; t += 20) {
		// A's first packet is its room noise (-110 dBov), then steady speech.
		dsi.levelChanged('A', t === 20 ? 110 : t <= 3000 ? 25 : 127, t);
		dsi.levelChanged('B', t > 3000 && t <= 3200 ? 0 : 127, t);
		if (t % 300 === 0) {
			const id = dsi.update(t);

			if (id) events.push(id);
		}
	}
	assert.deepEqual(events, ['A']);
});

test('nobody is named while all are silent; a lone speaker is named at once (as mediasoup)', () => {
	const silent = run({ ids: ['A', 'B'], script: () => 'quiet', durationMs: 3000 });

	assert.deepEqual(silent, []);

	const dsi = new DominantSpeakerIdentifier();

	dsi.addSpeaker('solo', 0);
	assert.equal(dsi.update(300), 'solo');
	assert.equal(dsi.update(600), undefined);
	assert.equal(dsi.dominantId, 'solo');
});

test('removing the dominant speaker names whoever speaks; paused speakers do not compete', () => {
	const dsi = new DominantSpeakerIdentifier();

	for (const id of ['A', 'B', 'C']) {
		dsi.addSpeaker(id, 0);
	}
	let t = 0;

	const step = (levels: Record<string, number>, ms: number): string[] => {
		const out: string[] = [];

		for (const end = t + ms; t < end; ) {
			t += 20;
			for (const [id, level] of Object.entries(levels)) {
				dsi.levelChanged(id, level, t);
			}
			if (t % 300 === 0) {
				const id = dsi.update(t);

				if (id) out.push(id);
			}
		}

		return out;
	};

	// Room noise first: the noise floor of each speaker (else steady speech is its own floor).
	assert.deepEqual(step({ A: 110, B: 110, C: 110 }, 300), []);
	assert.deepEqual(step({ A: 20, B: 127, C: 127 }, 1200), ['A']);
	// B speaks, but it is paused (its producer): it cannot take the floor.
	dsi.setSpeakerPaused('B', true);
	assert.deepEqual(step({ A: 127, B: 20, C: 127 }, 2700), []);
	dsi.setSpeakerPaused('B', false);
	assert.deepEqual(step({ A: 127, B: 20, C: 127 }, 1200), ['B']);
	// C talks while B, dominant, leaves: C at once.
	step({ A: 127, B: 127, C: 20 }, 300);
	assert.equal(dsi.removeSpeaker('B', t), 'C');
	assert.equal(dsi.dominantId, 'C');
	assert.equal(dsi.removeSpeaker('nobody', t), undefined);
});

test('levels arriving out of time order are ignored', () => {
	const speaker = new Speaker(100);

	speaker.levelChanged(100, 50);
	speaker.evalActivityScores();
	assert.equal(speaker.immediates[0], 0);
	assert.equal(speaker.lastLevelTime, 100);
});
