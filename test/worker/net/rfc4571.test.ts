import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { frameRfc4571, Rfc4571Reader, RFC4571_MAX_PACKET_LENGTH } from '../../../src/worker/net/rfc4571';

// RFC 4571 section 2: every packet is preceded by a 16-bit unsigned LENGTH in
// network byte order, counting the packet bytes only.

test('frameRfc4571() prefixes the big-endian 16-bit length (RFC 4571 section 2)', () => {
	assert.deepEqual(frameRfc4571(Buffer.from([0xaa, 0xbb, 0xcc])), Buffer.from([0x00, 0x03, 0xaa, 0xbb, 0xcc]));
	assert.deepEqual(frameRfc4571(Buffer.alloc(0)), Buffer.from([0x00, 0x00]));

	const max = frameRfc4571(Buffer.alloc(RFC4571_MAX_PACKET_LENGTH, 1));

	assert.equal(max.readUInt16BE(0), 0xffff);
	assert.throws(() => frameRfc4571(Buffer.alloc(RFC4571_MAX_PACKET_LENGTH + 1)), RangeError);
});

test('Rfc4571Reader reassembles packets split and merged in any way', () => {
	const packets = [Buffer.from('first'), Buffer.alloc(1500, 7), Buffer.from([1]), Buffer.alloc(300, 9)];
	const stream = Buffer.concat(packets.map((p) => frameRfc4571(p)));

	// Every split point of the stream into two chunks, then byte by byte.
	for (let split = 0; split <= stream.length; split += 97) {
		const reader = new Rfc4571Reader();
		const out: Buffer[] = [];

		reader.push(stream.subarray(0, split), (p) => out.push(Buffer.from(p)));
		reader.push(stream.subarray(split), (p) => out.push(Buffer.from(p)));
		assert.deepEqual(out, packets, `split at ${split}`);
		assert.equal(reader.pendingLength, 0);
	}

	const reader = new Rfc4571Reader();
	const out: Buffer[] = [];

	for (let i = 0; i < stream.length; ++i) {
		reader.push(stream.subarray(i, i + 1), (p) => out.push(Buffer.from(p)));
	}
	assert.deepEqual(out, packets);
});

test('Rfc4571Reader never throws: zero-length frames are skipped, partial data waits', () => {
	const reader = new Rfc4571Reader();
	const out: Buffer[] = [];

	reader.push(Buffer.from([0x00, 0x00, 0x00, 0x02, 0x01]), (p) => out.push(Buffer.from(p)));
	assert.equal(out.length, 0);
	assert.equal(reader.pendingLength, 3);
	reader.push(Buffer.from([0x02]), (p) => out.push(Buffer.from(p)));
	assert.deepEqual(out, [Buffer.from([1, 2])]);

	// Seeded fuzz: random chunks of random bytes.
	let seed = 42;
	const rand = (): number => {
		seed = (seed * 1103515245 + 12345) & 0x7fffffff;

		return seed;
	};

	for (let i = 0; i < 2000; ++i) {
		const chunk = Buffer.alloc(rand() % 64);

		for (let j = 0; j < chunk.length; ++j) {
			chunk[j] = rand() & 0xff;
		}
		reader.push(chunk, () => {});
	}
	assert.ok(reader.pendingLength <= 2 + 0xffff);
});
