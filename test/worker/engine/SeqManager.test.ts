/**
 * The consumer's sequence number rewriting (after mediasoup's SeqManager):
 * continuous output across sync points (resume, key frame waits, stream
 * switches) and drops (DTX), 16-bit wrap (RFC 3550 5.1), reordering.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { SeqManager } from '../../../src/worker/engine/SeqManager';

test('starts at the initial output and follows the input', () => {
	const seq = new SeqManager(1000);

	assert.equal(seq.input(50), 1000);
	assert.equal(seq.input(51), 1001);
	// A gap in the input is a gap in the output (the receiver NACKs it).
	assert.equal(seq.input(54), 1004);
});

test('sync() continues right after the last output, whatever the input jumped', () => {
	const seq = new SeqManager(10);

	seq.input(100);
	seq.input(101);
	seq.sync(40000);
	assert.equal(seq.input(40000), 12);
	assert.equal(seq.input(40001), 13);
});

test('16-bit wrap on both sides', () => {
	const seq = new SeqManager(65534);

	assert.equal(seq.input(65535), 65534);
	assert.equal(seq.input(0), 65535);
	assert.equal(seq.input(1), 0);
	assert.equal(seq.input(2), 1);
});

test('drop() closes the gap for later packets; reordered older packets keep their place', () => {
	const seq = new SeqManager(0);

	assert.equal(seq.input(1), 0);
	assert.equal(seq.input(2), 1);
	seq.drop(3);
	seq.drop(4);
	assert.equal(seq.input(5), 2);
	assert.equal(seq.input(6), 3);
	// An old packet arriving late (before the drops) maps as it would have.
	assert.equal(seq.input(2), 1);
	assert.equal(seq.maxOutput, 3);
});

test('drop() before any output: the next input takes its place', () => {
	const seq = new SeqManager(500);

	seq.drop(7);
	assert.equal(seq.input(8), 500);
});

test('a long run of mixed forwards and drops stays continuous (seeded)', () => {
	const seq = new SeqManager(65000);
	let state = 12345;
	let last = -1;

	for (let input = 60000; input < 60000 + 20000; input++) {
		state = (state * 1103515245 + 12345) >>> 0;
		if (state % 7 === 0) {
			seq.drop(input & 0xffff);
			continue;
		}

		const output = seq.input(input & 0xffff);

		if (last >= 0) {
			assert.equal((output - last) & 0xffff, 1);
		}
		last = output;
	}
});

test('the drop history is allocated by the first drop: mapping (also of reordered packets) is the same before it', () => {
	const seq = new SeqManager(100);

	assert.equal(seq.dropHistoryAllocated, false);
	assert.equal(seq.input(10), 100);
	assert.equal(seq.input(12), 102);
	// Reordered, with no drop ever: the number it would have had.
	assert.equal(seq.input(11), 101);
	seq.sync(500);
	assert.equal(seq.input(500), 103);
	assert.equal(seq.dropHistoryAllocated, false);

	seq.drop(501);
	assert.equal(seq.dropHistoryAllocated, true);
	assert.equal(seq.input(502), 104, 'the drop closed the gap');
	// Reordered behind the drop: it keeps the number it would have had before the drop.
	assert.equal(seq.input(499), 102);
});
