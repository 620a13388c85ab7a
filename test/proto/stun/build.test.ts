import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	StunAttribute,
	StunClass,
	StunMethod,
	buildBindingSuccessResponse,
	buildErrorResponse,
	buildStunMessage,
	checkFingerprint,
	checkMessageIntegrity,
	computeFingerprint,
	computeMessageIntegrity,
	encodeMessageType,
	decodeMessageClass,
	decodeMessageMethod,
	parseStunMessage,
} from '../../../src/proto/stun';
import {
	RFC5769_PASSWORD,
	RFC5769_TRANSACTION_ID,
	sampleIPv4Response,
	sampleIPv6Response,
	sampleRequest,
} from './vectors';

test('RFC 5389 section 6: message type encoding of Binding classes', () => {
	assert.equal(encodeMessageType(StunMethod.Binding, StunClass.Request), 0x0001);
	assert.equal(encodeMessageType(StunMethod.Binding, StunClass.Indication), 0x0011);
	assert.equal(encodeMessageType(StunMethod.Binding, StunClass.SuccessResponse), 0x0101);
	assert.equal(encodeMessageType(StunMethod.Binding, StunClass.ErrorResponse), 0x0111);
	for (let method = 0; method <= 0xfff; method += 7) {
		for (const cls of [0, 1, 2, 3] as const) {
			const t = encodeMessageType(method, cls);
			assert.equal(decodeMessageMethod(t), method);
			assert.equal(decodeMessageClass(t), cls);
		}
	}
});

test('RFC 5769 section 2.2: building the IPv4 response reproduces the vector byte for byte (zero padding)', () => {
	const built = buildStunMessage(
		{
			messageClass: StunClass.SuccessResponse,
			transactionId: RFC5769_TRANSACTION_ID,
			software: 'test vector',
			xorMappedAddress: { address: '192.0.2.1', port: 32853 },
		},
		{ integrityKey: RFC5769_PASSWORD, fingerprint: true }
	);
	// The vector pads SOFTWARE with a space (0x20); padding content is arbitrary (RFC 5389 section 15), we write 0.
	const expected = sampleIPv4Response();
	expected[20 + 4 + 11] = 0;
	assert.deepEqual(built.subarray(0, 52), expected.subarray(0, 52));
	// MESSAGE-INTEGRITY and FINGERPRINT cover that padding byte: recompute them on the zero-padded vector.
	computeMessageIntegrity(expected, 48, RFC5769_PASSWORD).copy(expected, 52);
	expected.writeUInt32BE(computeFingerprint(expected, 72), 76);
	assert.deepEqual(built, expected);
	const msg = parseStunMessage(built);
	assert.ok(msg);
	assert.equal(checkMessageIntegrity(msg, RFC5769_PASSWORD), true);
	assert.equal(checkFingerprint(msg), true);
});

test('RFC 5769 section 2.3: building the IPv6 response matches the XOR-MAPPED-ADDRESS bytes', () => {
	const built = buildStunMessage(
		{
			messageClass: StunClass.SuccessResponse,
			transactionId: RFC5769_TRANSACTION_ID,
			software: 'test vector',
			xorMappedAddress: { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 },
		},
		{ integrityKey: RFC5769_PASSWORD, fingerprint: true }
	);
	const expected = sampleIPv6Response();
	assert.equal(built.length, expected.length);
	assert.deepEqual(built.subarray(0, 35), expected.subarray(0, 35));
	assert.deepEqual(built.subarray(36, 64), expected.subarray(36, 64));
});

test('RFC 5769 section 2.1: rebuilding the request with space padding reproduces integrity and fingerprint', () => {
	const built = buildStunMessage(
		{
			messageClass: StunClass.Request,
			transactionId: RFC5769_TRANSACTION_ID,
			username: 'evtj:h6vY',
			software: 'STUN test client',
			priority: 0x6e0001ff,
			iceControlled: Buffer.from('932ff9b151263b36', 'hex'),
		},
		{ integrityKey: RFC5769_PASSWORD, fingerprint: true }
	);
	// Same attributes, our order; parse both and compare the decoded content.
	const a = parseStunMessage(built);
	const b = parseStunMessage(sampleRequest());
	assert.ok(a && b);
	for (const k of ['username', 'software', 'priority', 'iceControlled', 'method', 'messageClass'] as const) {
		assert.deepEqual(a[k], b[k], k);
	}
	assert.equal(checkMessageIntegrity(a, RFC5769_PASSWORD), true);
	assert.equal(checkFingerprint(a), true);
});

test('round trip: every attribute survives build then parse', () => {
	const tid = Buffer.from('0102030405060708090a0b0c', 'hex');
	const init = {
		messageClass: StunClass.Request,
		transactionId: tid,
		username: 'remoteUfrag:localUfrag',
		realm: 'realm',
		nonce: 'nonce-1',
		priority: 0xfffffffe,
		useCandidate: true,
		iceControlling: Buffer.from('1122334455667788', 'hex'),
		iceControlled: Buffer.from('8877665544332211', 'hex'),
		nomination: 0xabcdef,
		xorMappedAddress: { address: '::ffff:10.1.2.3', port: 1 },
		mappedAddress: { address: '203.0.113.9', port: 65535 },
		software: 'broth \u00e9',
	} as const;
	const buf = buildStunMessage(init, { integrityKey: 'pw', fingerprint: true });
	assert.equal(buf.length % 4, 0);
	const msg = parseStunMessage(buf);
	assert.ok(msg);
	assert.deepEqual(msg.transactionId, tid);
	assert.equal(msg.username, init.username);
	assert.equal(msg.realm, init.realm);
	assert.equal(msg.nonce, init.nonce);
	assert.equal(msg.priority, init.priority);
	assert.equal(msg.useCandidate, true);
	assert.deepEqual(msg.iceControlling, init.iceControlling);
	assert.deepEqual(msg.iceControlled, init.iceControlled);
	assert.equal(msg.nomination, 0xabcdef);
	assert.deepEqual(msg.xorMappedAddress, { family: 'IPv6', address: '::ffff:a01:203', port: 1 });
	assert.deepEqual(msg.mappedAddress, { family: 'IPv4', address: '203.0.113.9', port: 65535 });
	assert.equal(msg.software, init.software);
	assert.equal(checkMessageIntegrity(msg, 'pw'), true);
	assert.equal(checkMessageIntegrity(msg, 'pW'), false);
	assert.equal(checkFingerprint(msg), true);
});

test('round trip: MESSAGE-INTEGRITY without FINGERPRINT, FINGERPRINT without MESSAGE-INTEGRITY, neither', () => {
	const base = { messageClass: StunClass.Indication, transactionId: Buffer.alloc(12, 7) } as const;
	const onlyMi = parseStunMessage(buildStunMessage(base, { integrityKey: 'k' }));
	assert.ok(onlyMi);
	assert.equal(onlyMi.messageClass, StunClass.Indication);
	assert.equal(checkMessageIntegrity(onlyMi, 'k'), true);
	assert.equal(onlyMi.fingerprintOffset, -1);
	const onlyFp = parseStunMessage(buildStunMessage(base, { fingerprint: true }));
	assert.ok(onlyFp);
	assert.equal(checkFingerprint(onlyFp), true);
	assert.equal(onlyFp.messageIntegrityOffset, -1);
	const bare = buildStunMessage(base);
	assert.equal(bare.length, 20);
	assert.ok(parseStunMessage(bare));
});

test('RFC 8445 section 7.3.1: success response echoes the transaction id, XOR-MAPPED-ADDRESS, MI, FINGERPRINT', () => {
	const req = parseStunMessage(sampleRequest());
	assert.ok(req);
	const res = parseStunMessage(
		buildBindingSuccessResponse(req, { family: 'IPv4', address: '198.51.100.7', port: 40000 }, 'localPassword')
	);
	assert.ok(res);
	assert.equal(res.messageClass, StunClass.SuccessResponse);
	assert.equal(res.method, StunMethod.Binding);
	assert.deepEqual(res.transactionId, req.transactionId);
	assert.deepEqual(res.xorMappedAddress, { family: 'IPv4', address: '198.51.100.7', port: 40000 });
	assert.equal(checkMessageIntegrity(res, 'localPassword'), true);
	assert.equal(checkFingerprint(res), true);
	// Raw bytes: attribute order is XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT.
	assert.equal(res.raw.readUInt16BE(20), StunAttribute.XorMappedAddress);
	assert.equal(res.messageIntegrityOffset, 32);
	assert.equal(res.fingerprintOffset, 56);
});

test('RFC 5389 section 10.1.2 / RFC 8445 section 7.3.1.1: error responses 400, 401, 420, 487', () => {
	const req = parseStunMessage(sampleRequest());
	assert.ok(req);
	for (const [code, reason] of [
		[400, 'Bad Request'],
		[401, 'Unauthorized'],
	] as const) {
		const res = parseStunMessage(buildErrorResponse(req, code));
		assert.ok(res);
		assert.equal(res.messageClass, StunClass.ErrorResponse);
		assert.equal(res.errorCode, code);
		assert.equal(res.errorReason, reason);
		assert.equal(res.messageIntegrityOffset, -1);
		assert.equal(checkFingerprint(res), true);
	}
	const unknown = parseStunMessage(buildErrorResponse(req, 420, { unknownAttributes: [0x7777, 0x0002, 0x0003] }));
	assert.ok(unknown);
	assert.equal(unknown.errorCode, 420);
	assert.deepEqual(unknown.unknownAttributes, [0x7777, 0x0002, 0x0003]);
	const conflict = parseStunMessage(buildErrorResponse(req, 487, { password: 'pw', software: 'broth' }));
	assert.ok(conflict);
	assert.equal(conflict.errorCode, 487);
	assert.equal(conflict.errorReason, 'Role Conflict');
	assert.equal(conflict.software, 'broth');
	assert.equal(checkMessageIntegrity(conflict, 'pw'), true);
	assert.equal(checkFingerprint(conflict), true);
	const custom = parseStunMessage(buildErrorResponse(req, 401, { reason: 'Nope' }));
	assert.equal(custom?.errorReason, 'Nope');
});

test('builder rejects invalid input with TypeError', () => {
	const base = { messageClass: StunClass.Request, transactionId: Buffer.alloc(12) } as const;
	assert.throws(() => buildStunMessage({ ...base, transactionId: Buffer.alloc(11) }), TypeError);
	assert.throws(() => buildStunMessage({ ...base, xorMappedAddress: { address: '1.2.3', port: 1 } }), TypeError);
	assert.throws(() => buildStunMessage({ ...base, xorMappedAddress: { address: '1.2.3.4', port: 70000 } }), TypeError);
	assert.throws(
		() => buildStunMessage({ ...base, xorMappedAddress: { family: 'IPv6', address: '1.2.3.4', port: 1 } }),
		TypeError
	);
	assert.throws(() => buildStunMessage({ ...base, iceControlling: Buffer.alloc(4) }), TypeError);
	assert.throws(() => buildStunMessage({ ...base, errorCode: 200 }), TypeError);
	assert.throws(() => buildStunMessage({ ...base, software: 'x'.repeat(70000) }), TypeError);
});
