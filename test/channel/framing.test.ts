import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { encodeFrame, FrameReader, MAX_FRAME_LENGTH } from '../../src/channel/framing';

test('frames survive any split of the byte stream, Buffers stay binary', () => {
	const messages = [
		{ t: 'req', id: 1, method: 'worker.dump', handlerId: '' },
		{ t: 'ntf', event: 'producer.send', handlerId: 'x', data: Buffer.from([0x80, 0x60, 0, 1, 255]) },
		{ t: 'res', id: 1, ok: true, data: { nested: [1, 'two', null] } },
	];
	const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));

	// Binary payload is carried as raw bytes (5 bytes), not base64 text.
	assert.ok(encodeFrame(messages[1]).includes(Buffer.from([0x80, 0x60, 0, 1, 255])));

	for (let chunkSize = 1; chunkSize <= stream.length; chunkSize++) {
		const reader = new FrameReader();
		const got: any[] = [];

		for (let i = 0; i < stream.length; i += chunkSize) {
			reader.push(stream.subarray(i, i + chunkSize), (m) => got.push(m));
		}
		assert.equal(got.length, 3, `chunk ${chunkSize}`);
		assert.deepEqual(got[0], messages[0]);
		assert.ok(Buffer.isBuffer(got[1].data));
		assert.deepEqual([...got[1].data], [0x80, 0x60, 0, 1, 255]);
		assert.deepEqual(got[2], messages[2]);
	}
});

test('an absurd frame length is refused instead of buffered forever', () => {
	const reader = new FrameReader();
	const header = Buffer.alloc(4);

	header.writeUInt32BE(MAX_FRAME_LENGTH + 1);
	assert.throws(() => reader.push(header, () => {}), /too large/);
});
