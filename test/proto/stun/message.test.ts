import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
	StunAttribute,
	StunClass,
	StunMethod,
	checkFingerprint,
	checkMessageIntegrity,
	isStunMessage,
	parseStunMessage,
} from '../../../src/proto/stun';
import {
	RFC5769_PASSWORD,
	RFC5769_TRANSACTION_ID,
	sampleIPv4Response,
	sampleIPv6Response,
	sampleLongTermRequest,
	sampleRequest,
} from './vectors';

test('RFC 5769 section 2.1: sample request parses, integrity and fingerprint verify', () => {
	const msg = parseStunMessage(sampleRequest());
	assert.ok(msg);
	assert.equal(msg.method, StunMethod.Binding);
	assert.equal(msg.messageClass, StunClass.Request);
	assert.deepEqual(msg.transactionId, RFC5769_TRANSACTION_ID);
	assert.equal(msg.software, 'STUN test client');
	assert.equal(msg.priority, 0x6e0001ff);
	assert.deepEqual(msg.iceControlled, Buffer.from('932ff9b151263b36', 'hex'));
	assert.equal(msg.iceControlling, undefined);
	assert.equal(msg.username, 'evtj:h6vY');
	assert.equal(msg.useCandidate, false);
	assert.equal(msg.unknownComprehensionRequired, undefined);
	assert.equal(checkMessageIntegrity(msg, RFC5769_PASSWORD), true);
	assert.equal(checkMessageIntegrity(msg, 'wrong password'), false);
	assert.equal(checkFingerprint(msg), true);
	assert.equal(isStunMessage(msg.raw), true);
});

test('RFC 5769 section 2.2: IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853', () => {
	const msg = parseStunMessage(sampleIPv4Response());
	assert.ok(msg);
	assert.equal(msg.messageClass, StunClass.SuccessResponse);
	assert.equal(msg.software, 'test vector');
	assert.deepEqual(msg.xorMappedAddress, { family: 'IPv4', address: '192.0.2.1', port: 32853 });
	assert.equal(checkMessageIntegrity(msg, RFC5769_PASSWORD), true);
	assert.equal(checkFingerprint(msg), true);
});

test('RFC 5769 section 2.3: IPv6 response, XOR-MAPPED-ADDRESS XORed with cookie and transaction id', () => {
	const msg = parseStunMessage(sampleIPv6Response());
	assert.ok(msg);
	assert.deepEqual(msg.xorMappedAddress, {
		family: 'IPv6',
		address: '2001:db8:1234:5678:11:2233:4455:6677',
		port: 32853,
	});
	assert.equal(checkMessageIntegrity(msg, RFC5769_PASSWORD), true);
	assert.equal(checkFingerprint(msg), true);
});

test('RFC 5769 section 2.4: long-term request parses; MESSAGE-INTEGRITY verifies with the MD5 key', () => {
	const msg = parseStunMessage(sampleLongTermRequest());
	assert.ok(msg);
	assert.equal(msg.username, '\u30de\u30c8\u30ea\u30c3\u30af\u30b9');
	assert.equal(msg.nonce, 'f//499k954d6OL34oL9FSTvy64sA');
	assert.equal(msg.realm, 'example.org');
	assert.equal(msg.fingerprintOffset, -1);
	assert.equal(checkFingerprint(msg), false);
	// RFC 5389 section 15.4: key = MD5(username ":" realm ":" SASLprep(password)).
	const key = createHash('md5').update(`${msg.username}:example.org:TheMatrIX`, 'utf8').digest();
	assert.equal(checkMessageIntegrity(msg, key), true);
});

test('RFC 5389 section 15.4: MESSAGE-INTEGRITY is over the prefix with the length adjusted, FINGERPRINT excluded', () => {
	// Changing the FINGERPRINT value must not affect MESSAGE-INTEGRITY; changing anything before must.
	const buf = sampleRequest();
	buf[buf.length - 1] ^= 0xff;
	const msg = parseStunMessage(buf);
	assert.ok(msg);
	assert.equal(checkMessageIntegrity(msg, RFC5769_PASSWORD), true);
	assert.equal(checkFingerprint(msg), false);
	const buf2 = sampleRequest();
	buf2[30] ^= 0x01; // inside SOFTWARE
	const msg2 = parseStunMessage(buf2);
	assert.ok(msg2);
	assert.equal(checkMessageIntegrity(msg2, RFC5769_PASSWORD), false);
	assert.equal(checkFingerprint(msg2), false);
});

test('RFC 5389 section 15.4: attributes between MESSAGE-INTEGRITY and FINGERPRINT are ignored', () => {
	const base = sampleRequest();
	// Insert an ICE-CONTROLLING and a USE-CANDIDATE after MESSAGE-INTEGRITY (before FINGERPRINT).
	const extra = Buffer.from('802a0008 0102030405060708 00250000'.replace(/\s+/g, ''), 'hex');
	const fp = base.length - 8;
	const buf = Buffer.concat([base.subarray(0, fp), extra, base.subarray(fp)]);
	buf.writeUInt16BE(buf.length - 20, 2);
	const msg = parseStunMessage(buf);
	assert.ok(msg);
	assert.equal(msg.iceControlling, undefined);
	assert.equal(msg.useCandidate, false);
	assert.equal(checkMessageIntegrity(msg, RFC5769_PASSWORD), true);
	assert.equal(checkFingerprint(msg), false);
});

test('no MESSAGE-INTEGRITY: checkMessageIntegrity is false', () => {
	const msg = parseStunMessage(Buffer.from('000100002112a442000000000000000000000000', 'hex'));
	assert.ok(msg);
	assert.equal(checkMessageIntegrity(msg, 'x'), false);
	assert.equal(checkFingerprint(msg), false);
});

test('RFC 5389 section 15: unknown attributes are skipped; comprehension-required ones are reported', () => {
	// Binding request: unknown 0x7777 (required, 3 bytes + pad), unknown 0xc0de (optional), PRIORITY.
	const buf = Buffer.from(
		'000100182112a442000102030405060708090a0b' + '77770003aabbcc00' + 'c0de000411223344' + '0024000400000001',
		'hex'
	);
	const msg = parseStunMessage(buf);
	assert.ok(msg);
	assert.deepEqual(msg.unknownComprehensionRequired, [0x7777]);
	assert.equal(msg.priority, 1);
});

test('draft-thatcher-ice-renomination section 4: NOMINATION is 24 bits in the low bytes; USE-CANDIDATE; ICE-CONTROLLING', () => {
	const buf = Buffer.from(
		'000100182112a442000102030405060708090a0b' + 'c0010004ff000102' + '00250000' + '802a0008fedcba9876543210',
		'hex'
	);
	const msg = parseStunMessage(buf);
	assert.ok(msg);
	assert.equal(msg.nomination, 0x000102);
	assert.equal(msg.useCandidate, true);
	assert.deepEqual(msg.iceControlling, Buffer.from('fedcba9876543210', 'hex'));
});

test('RFC 5389 section 15.6: ERROR-CODE class and number, reason; section 15.9: UNKNOWN-ATTRIBUTES', () => {
	const buf = Buffer.from(
		'0111001c2112a442000102030405060708090a0b' +
			'0009000f000004265374616c65204e6f6e636500' + // 438 'Stale Nonce' + 1 byte padding
			'000a000477770001',
		'hex'
	);
	const msg = parseStunMessage(buf);
	assert.ok(msg);
	assert.equal(msg.messageClass, StunClass.ErrorResponse);
	assert.equal(msg.errorCode, 438);
	assert.equal(msg.errorReason, 'Stale Nonce');
	assert.deepEqual(msg.unknownAttributes, [0x7777, 0x0001]);
});

test('malformed input returns undefined (RFC 5389 sections 6 and 15)', () => {
	const good = sampleRequest();
	const cases: Array<[string, Buffer]> = [];
	const mutate = (name: string, f: (b: Buffer) => Buffer): void => {
		cases.push([name, f(Buffer.from(good))]);
	};
	cases.push(['empty', Buffer.alloc(0)]);
	cases.push(['19 bytes', good.subarray(0, 19)]);
	mutate('top bits set', (b) => ((b[0] |= 0x40), b));
	mutate('bad magic cookie', (b) => ((b[4] ^= 1), b));
	mutate('length not a multiple of 4', (b) => (b.writeUInt16BE(b.length - 20 - 2, 2), b));
	mutate('length larger than the datagram', (b) => (b.writeUInt16BE(b.length - 20 + 4, 2), b));
	mutate('length smaller than the datagram', (b) => (b.writeUInt16BE(b.length - 20 - 4, 2), b));
	mutate('truncated', (b) => b.subarray(0, b.length - 4));
	mutate('attribute overrun', (b) => (b.writeUInt16BE(0x0100, 22), b));
	mutate('PRIORITY of 5 bytes', (b) => (b.writeUInt16BE(5, 42), b));
	mutate('MESSAGE-INTEGRITY of 16 bytes', (b) => (b.writeUInt16BE(16, 78), b));
	mutate('attribute after FINGERPRINT', (b) => {
		const c = Buffer.concat([b, Buffer.from('0024000400000001', 'hex')]);
		c.writeUInt16BE(c.length - 20, 2);
		return c;
	});
	cases.push([
		'XOR-MAPPED-ADDRESS unknown family',
		Buffer.from('000100082112a442000102030405060708090a0b' + '0020000400030000', 'hex'),
	]);
	cases.push([
		'XOR-MAPPED-ADDRESS IPv4 with IPv6 length',
		Buffer.from('000100182112a442000102030405060708090a0b' + '00200014000100000000000000000000000000000000', 'hex'),
	]);
	cases.push([
		'ERROR-CODE class 7',
		Buffer.from('011100082112a442000102030405060708090a0b' + '0009000400000700', 'hex'),
	]);
	cases.push([
		'ERROR-CODE number 100',
		Buffer.from('011100082112a442000102030405060708090a0b' + '0009000400000464', 'hex'),
	]);
	for (const [name, buf] of cases) {
		assert.equal(parseStunMessage(buf), undefined, name);
	}
});

test('RFC 7983 section 7: isStunMessage rejects DTLS, RTP', () => {
	assert.equal(isStunMessage(Buffer.from('16fefd000000000000000000000000000000000000', 'hex')), false);
	assert.equal(isStunMessage(Buffer.from('80600001000000000000000000000000000000000000', 'hex')), false);
	assert.equal(isStunMessage(Buffer.alloc(4)), false);
	assert.equal(StunAttribute.Nomination, 0xc001);
});
