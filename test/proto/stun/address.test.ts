import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIPv6, parseIpAddress } from '../../../src/proto/stun';

test('parseIpAddress: IPv4 and IPv6 forms', () => {
	assert.deepEqual(parseIpAddress('192.0.2.1'), Buffer.from([192, 0, 2, 1]));
	assert.deepEqual(parseIpAddress('::'), Buffer.alloc(16));
	assert.deepEqual(parseIpAddress('::1'), Buffer.from('00000000000000000000000000000001', 'hex'));
	assert.deepEqual(parseIpAddress('2001:db8::1'), Buffer.from('20010db8000000000000000000000001', 'hex'));
	assert.deepEqual(parseIpAddress('fe80::1%eth0'), Buffer.from('fe800000000000000000000000000001', 'hex'));
	assert.deepEqual(parseIpAddress('::ffff:192.0.2.1'), Buffer.from('00000000000000000000ffffc0000201', 'hex'));
	assert.deepEqual(
		parseIpAddress('2001:DB8:1234:5678:11:2233:4455:6677'),
		Buffer.from('20010db8123456780011223344556677', 'hex')
	);
	for (const bad of ['', '1.2.3', '1.2.3.256', '1.2.3.4.5', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', ':::', 'g::1', '1:2:3:4:5:6:7::8']) {
		assert.equal(parseIpAddress(bad), undefined, bad);
	}
});

test('RFC 5952 section 4: canonical IPv6 text', () => {
	const f = (hex: string): string => formatIPv6(Buffer.from(hex, 'hex'), 0);
	assert.equal(f('20010db8000000000000000000000001'), '2001:db8::1');
	assert.equal(f('00000000000000000000000000000000'), '::');
	assert.equal(f('00000000000000000000000000000001'), '::1');
	assert.equal(f('20010db8000000010001000100010001'), '2001:db8:0:1:1:1:1:1'); // 4.2.2: no '::' for one group
	assert.equal(f('20010db8000000000001000000000001'), '2001:db8::1:0:0:1'); // 4.2.3: first of equal runs
	assert.equal(f('20010000000000000001000000000001'), '2001::1:0:0:1'); // 4.2.3: the longest run
	for (let i = 0; i < 200; i++) {
		const b = Buffer.alloc(16);
		for (let j = 0; j < 8; j++) if ((i >> (j % 5)) & 1) b.writeUInt16BE((i * 2654435761 + j) & 0xffff, 2 * j);
		assert.deepEqual(parseIpAddress(formatIPv6(b, 0)), b);
	}
});
