import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateCalculator } from '../../../src/worker/feedback/RateCalculator';
import { SCORE_HISTORY_LENGTH, ScoreHistory, intervalScore } from '../../../src/worker/feedback/Score';

test('score history: weighted average, newest weighs most (mediasoup example [1,2,3,4] -> 3)', () => {
	const h = new ScoreHistory(10);
	h.add(1);
	assert.equal(h.score, 1);
	h.add(2);
	h.add(3);
	assert.equal(h.score, 2, '(1 + 2*2 + 3*3) / 6 = 2.33');
	assert.equal(h.add(4), true, 'changed');
	assert.equal(h.score, 3, '(1 + 4 + 9 + 16) / 10 = 3');
});

test('score history keeps the last 24 samples', () => {
	const h = new ScoreHistory(10);
	for (let i = 0; i < 100; i++) h.add(0);
	for (let i = 0; i < SCORE_HISTORY_LENGTH; i++) h.add(10);
	assert.equal(h.score, 10, 'the zeros fell out');
	assert.equal(h.reset(0), true);
	assert.equal(h.score, 0);
	h.add(8);
	assert.equal(h.score, 8, 'reset forgets the history');
});

test('interval score: no loss 10, 10% loss 6 (receiver) / 7 (sender), total loss 0', () => {
	assert.equal(intervalScore(100, 0, 0, 0, false), 10);
	// Receiver side: ((90 - 10) / 90)^4 = 0.624 -> 6.
	assert.equal(intervalScore(90, 10, 0, 0, false), 6);
	// Sender side: ((100 - 10) / 100)^4 = 0.656 -> 7.
	assert.equal(intervalScore(100, 10, 0, 0, true), 7);
	assert.equal(intervalScore(0, 10, 0, 0, false), 0);
	assert.equal(intervalScore(10, 10, 0, 0, false), 0);
});

test('interval score: repairs forgive part of the loss', () => {
	// 10 lost, 10 repaired with 10 resends: weight (1/1.1)^4 = 0.683; lost = trunc(10 - 6.83) = 3.
	assert.equal(intervalScore(100, 10, 10, 10, true), 9);
	// Same repairs that took 20 resends forgive half as much: trunc(10 - 3.4) = 6 -> 0.94^4 = 0.78.
	assert.equal(intervalScore(100, 10, 10, 20, true), 8);
	// Without RTX, repaired > lost means the resends were the losses.
	assert.equal(intervalScore(100, 2, 5, 5, false), intervalScore(100, 5, 5, 5, false));
});

test('rate calculator: bits per second over the window, buckets expire', () => {
	const r = new RateCalculator(1000, 10);
	for (let t = 0; t < 1000; t += 10) r.update(125, t); // 100 x 125 B in 1 s = 100 kbps
	assert.equal(r.getRate(999), 100000);
	assert.equal(r.getRate(1499), 50000, 'half the window expired');
	assert.equal(r.getRate(5000), 0);
	assert.equal(r.packetCount, 100);
	assert.equal(r.byteCount, 12500);
});

test('rate calculator: buckets allocated by the first update; 0 before, and the same rates after', () => {
	const r = new RateCalculator(1000, 10);
	assert.equal(r.allocated, false);
	assert.equal(r.getRate(500), 0, 'nothing counted');
	r.reset();
	assert.equal(r.getRate(5000), 0);
	assert.equal(r.allocated, false, 'reads and reset allocate nothing');
	// Reads before the first update move the window on without losing anything counted later.
	r.update(1000, 5050);
	assert.equal(r.allocated, true);
	assert.equal(r.getRate(5099), 8000, '1000 B in the 1 s window');
	r.update(1000, 5950);
	assert.equal(r.getRate(5999), 16000);
	assert.equal(r.getRate(6099), 8000, 'the first bucket expired');
	assert.equal(r.getRate(9000), 0);
	assert.equal(r.packetCount, 2);
	assert.equal(r.byteCount, 2000);
	r.update(500, 9010);
	assert.equal(r.getRate(9010), 4000, 'counts again after a quiet spell');
});
