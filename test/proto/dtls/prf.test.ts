/** TLS 1.2 PRF (RFC 5246 section 5) and what derives from it: key block, Finished, exporter. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { exportKeyingMaterial, extendedMasterSecret, finishedVerifyData, keyExpansion, masterSecret, prf } from '../../../src/proto/dtls/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Published TLS 1.2 PRF vectors (IETF TLS list, https://www.ietf.org/mail-archive/web/tls/current/msg03416.html);
// both also reproduced with `openssl kdf -kdfopt digest:SHA256|SHA384 ... TLS1-PRF`.
test('PRF SHA-256 test vector (100 bytes)', () => {
	const out = prf('sha256', hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
	assert.equal(
		out.toString('hex'),
		'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66'
	);
});

test('PRF SHA-384 test vector (148 bytes)', () => {
	const out = prf('sha384', hex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', hex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
	assert.equal(
		out.toString('hex'),
		'7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f'
	);
});

test('PRF output is a prefix of any longer output (P_hash iterates A(i))', () => {
	const secret = hex('0102030405');
	const seed = hex('aabbcc');
	for (const n of [1, 31, 32, 33, 64, 65, 200]) assert.deepEqual(prf('sha256', secret, 'x', seed, n), prf('sha256', secret, 'x', seed, 200).subarray(0, n));
});

test('master secret labels and seeds (RFC 5246 8.1, RFC 7627 4)', () => {
	const pms = Buffer.alloc(32, 7);
	const cr = Buffer.alloc(32, 1);
	const sr = Buffer.alloc(32, 2);
	assert.deepEqual(masterSecret('sha256', pms, cr, sr), prf('sha256', pms, 'master secret', Buffer.concat([cr, sr]), 48));
	const sessionHash = createHash('sha384').update('transcript').digest();
	assert.deepEqual(extendedMasterSecret('sha384', pms, sessionHash), prf('sha384', pms, 'extended master secret', sessionHash, 48));
});

test('key expansion: server_random first, keys then 4-byte implicit IVs (RFC 5246 6.3, RFC 5288 3)', () => {
	const ms = Buffer.alloc(48, 9);
	const cr = Buffer.alloc(32, 1);
	const sr = Buffer.alloc(32, 2);
	for (const keyLength of [16, 32]) {
		const block = prf('sha256', ms, 'key expansion', Buffer.concat([sr, cr]), 2 * keyLength + 8);
		const k = keyExpansion('sha256', ms, cr, sr, keyLength);
		assert.deepEqual(Buffer.concat([k.clientWriteKey, k.serverWriteKey, k.clientWriteIv, k.serverWriteIv]), block);
		assert.equal(k.clientWriteIv.length, 4);
	}
});

test('Finished verify_data is 12 bytes over Hash(handshake_messages) (RFC 5246 7.4.9)', () => {
	const ms = Buffer.alloc(48, 3);
	const msgs = Buffer.from('messages');
	const v = finishedVerifyData('sha256', ms, 'client finished', msgs);
	assert.equal(v.length, 12);
	assert.deepEqual(v, prf('sha256', ms, 'client finished', createHash('sha256').update(msgs).digest(), 12));
	assert.notDeepEqual(v, finishedVerifyData('sha256', ms, 'server finished', msgs));
});

test('exporter without and with context (RFC 5705 4)', () => {
	const ms = Buffer.alloc(48, 5);
	const cr = Buffer.alloc(32, 1);
	const sr = Buffer.alloc(32, 2);
	assert.deepEqual(exportKeyingMaterial('sha256', ms, 'EXTRACTOR-dtls_srtp', cr, sr, 60), prf('sha256', ms, 'EXTRACTOR-dtls_srtp', Buffer.concat([cr, sr]), 60));
	assert.deepEqual(
		exportKeyingMaterial('sha256', ms, 'L', cr, sr, 20, Buffer.from('ctx')),
		prf('sha256', ms, 'L', Buffer.concat([cr, sr, Buffer.from([0, 3]), Buffer.from('ctx')]), 20)
	);
});
