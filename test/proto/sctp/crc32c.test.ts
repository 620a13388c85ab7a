import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { crc32c, crc32cSimple, sctpChecksum, serializePacket, encodeChunk, parsePacket, verifyChecksum } from '../../../src/proto/sctp';
import { prng } from './sim';

// RFC 3720 appendix B.4 (the CRC32c vectors RFC 3309 / RFC 9260 appendix A refer to):
// the CRC as transmitted, least significant byte first.
const vectors: [string, Buffer, string][] = [
	['32 bytes of zeros', Buffer.alloc(32, 0), 'aa36918a'],
	['32 bytes of 0xff', Buffer.alloc(32, 0xff), '43aba862'],
	['32 incrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), '4e79dd46'],
	['32 decrementing bytes', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), '5cdb3f11'],
];

test('CRC32c: RFC 3720 B.4 vectors (transmitted LSB first)', () => {
	for (const [name, data, hex] of vectors) {
		const le = Buffer.alloc(4);
		le.writeUInt32LE(crc32c(data), 0);
		assert.equal(le.toString('hex'), hex, name);
		assert.equal(crc32cSimple(data), crc32c(data), name);
	}
});

test('CRC32c: the "123456789" check value 0xE3069283', () => {
	assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('CRC32c: slicing-by-4 equals the byte-wise table on random data and offsets', () => {
	const rnd = prng(7);
	for (let i = 0; i < 300; i++) {
		const b = Buffer.alloc(Math.floor(rnd() * 2000));
		for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
		const start = Math.floor(rnd() * (b.length + 1));
		const end = start + Math.floor(rnd() * (b.length - start + 1));
		assert.equal(crc32c(b, start, end), crc32cSimple(b, start, end));
	}
});

test('RFC 9260 6.8: packet checksum computed with the field zeroed, stored little-endian', () => {
	const pkt = serializePacket(5000, 5000, 0x01020304, [encodeChunk({ kind: 'cookie-ack' })]);
	const copy = Buffer.from(pkt);
	copy.writeUInt32LE(0, 8);
	assert.equal(pkt.readUInt32LE(8), crc32c(copy));
	assert.equal(sctpChecksum(pkt), crc32c(copy));
	assert.ok(verifyChecksum(pkt));
	pkt[13] ^= 1;
	assert.equal(verifyChecksum(pkt), false);
	assert.equal(parsePacket(pkt), undefined);
});
