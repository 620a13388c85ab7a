import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../../src/proto/stun';
import { crc32Table } from '../../../src/proto/stun/crc32';

test('CRC-32 (ISO-HDLC, RFC 5389 section 15.5) check value and agreement of table and native code', () => {
	const check = Buffer.from('123456789');
	assert.equal(crc32(check), 0xcbf43926);
	assert.equal(crc32Table(check), 0xcbf43926);
	assert.equal(crc32(Buffer.alloc(0)), 0);
	let seed = 1;
	for (let n = 0; n < 300; n++) {
		const b = Buffer.alloc(n);
		for (let i = 0; i < n; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
		const start = n >> 2;
		assert.equal(crc32(b, start, n), crc32Table(b, start, n));
	}
});
