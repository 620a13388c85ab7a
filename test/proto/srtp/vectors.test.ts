import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
	AesCmKeystream, deriveKey, deriveSessionKeys, HmacSha1, SRTP_LABEL, SrtpSession, type SrtpSessionKeys,
} from '../../../src/proto/srtp/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('RFC 3711 B.2: AES-CM keystream segment, including the blocks at counter FEFF..FF01', () => {
	const cm = new AesCmKeystream(hex('2B7E151628AED2A6ABF7158809CF4F3C'));
	const iv = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
	assert.equal(
		cm.generateFromIv(iv, 48).toString('hex').toUpperCase(),
		'E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0',
	);
	const start = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF');
	assert.equal(
		cm.generateFromIv(start, 48).toString('hex').toUpperCase(),
		'EC8CDF7398607CB0F2D21675EA9EA1E4362B7C3C6773516318A077D7FC5073AE6A2CC3787889374FBEB4C81B17BA6C44',
	);
});

test('RFC 3711 B.3: key derivation (cipher key, salt, auth key)', () => {
	const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
	const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');
	const prf = new AesCmKeystream(masterKey);
	assert.equal(deriveKey(prf, masterSalt, SRTP_LABEL.rtpEncryption, 16).toString('hex').toUpperCase(),
		'C61E7A93744F39EE10734AFE3FF7A087');
	assert.equal(deriveKey(prf, masterSalt, SRTP_LABEL.rtpSalt, 14).toString('hex').toUpperCase(),
		'30CBBC08863D8C85D49DB34A9AE1');
	assert.equal(deriveKey(prf, masterSalt, SRTP_LABEL.rtpAuthentication, 20).toString('hex').toUpperCase(),
		'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
	const keys = deriveSessionKeys('AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt);
	assert.equal(keys.rtpKey.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
	assert.equal(keys.rtpAuthKey.length, 20);
	assert.equal(keys.rtcpSalt.length, 14);
	// GCM suites: 96-bit session salts, no auth key (RFC 7714 section 11).
	const gcm = deriveSessionKeys('AEAD_AES_256_GCM', Buffer.alloc(32, 7), Buffer.alloc(12, 9));
	assert.equal(gcm.rtpKey.length, 32);
	assert.equal(gcm.rtpSalt.length, 12);
	assert.equal(gcm.rtpAuthKey.length, 0);
});

test('RFC 2104 HMAC-SHA1 with the precomputed outer state matches createHmac', () => {
	for (const keyLen of [0, 1, 20, 64]) {
		const key = Buffer.alloc(keyLen, 0xab);
		const mac = new HmacSha1(key);
		for (const n of [0, 1, 55, 56, 63, 64, 65, 1300]) {
			const msg = Buffer.alloc(n, n & 0xff);
			assert.deepEqual(mac.compute(msg), createHmac('sha1', key).update(msg).digest(), `key ${keyLen} msg ${n}`);
		}
	}
	// RFC 2202 test case 2.
	assert.equal(new HmacSha1(Buffer.from('Jefe')).compute(Buffer.from('what do ya want for nothing?')).toString('hex'),
		'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79');
});

// RFC 7714 sections 16-17 give session keys ("Key", "Salt"), applied below the KDF.
const KEY_128 = hex('000102030405060708090a0b0c0d0e0f');
const KEY_256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
const SALT = hex('517569642070726f2071756f'); // "Quid pro quo"

function gcmKeys(key: Buffer): SrtpSessionKeys {
	return { rtpKey: key, rtpAuthKey: Buffer.alloc(0), rtpSalt: SALT, rtcpKey: key, rtcpAuthKey: Buffer.alloc(0), rtcpSalt: SALT };
}

// Section 16: RTP header 8040f17b 8041f8d3 5501a0b2, payload "Gallia est omnis divisa in partes tres".
const RTP = hex('8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573');

const srtpCases = [
	{ section: '16.1.1/16.1.2', suite: 'AEAD_AES_128_GCM', key: KEY_128,
		srtp: '8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce' },
	{ section: '16.2.1/16.2.2', suite: 'AEAD_AES_256_GCM', key: KEY_256,
		srtp: '8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13' },
] as const;

for (const c of srtpCases) {
	test(`RFC 7714 ${c.section}: SRTP ${c.suite} encryption and decryption`, () => {
		const tx = SrtpSession.fromSessionKeys(c.suite, gcmKeys(c.key));
		assert.equal(tx.protectRtp(RTP)!.toString('hex'), c.srtp);
		const rx = SrtpSession.fromSessionKeys(c.suite, gcmKeys(c.key));
		const pkt = hex(c.srtp);
		assert.equal(rx.unprotectRtp(pkt)!.toString('hex'), RTP.toString('hex'));
		const tampered = hex(c.srtp);
		tampered[20] ^= 1;
		assert.equal(SrtpSession.fromSessionKeys(c.suite, gcmKeys(c.key)).unprotectRtp(tampered), undefined);
	});
}

// Section 17: the sender report of SSRC "Mars" the subsections encrypt, SRTCP index 0x5d4.
const RTCP = hex('81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef');

const srtcpCases = [
	{ section: '17.1', suite: 'AEAD_AES_128_GCM', key: KEY_128,
		srtcp: '81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4' },
	{ section: '17.2', suite: 'AEAD_AES_256_GCM', key: KEY_256,
		srtcp: '81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4' },
] as const;

for (const c of srtcpCases) {
	test(`RFC 7714 ${c.section}: SRTCP ${c.suite} encryption and decryption`, () => {
		const rx = SrtpSession.fromSessionKeys(c.suite, gcmKeys(c.key));
		assert.equal(rx.unprotectRtcp(hex(c.srtcp))!.toString('hex'), RTCP.toString('hex'));
		// The sender counts SRTCP indices from 0 (RFC 3711 section 3.3.1); wind it to 0x5d4.
		const tx = SrtpSession.fromSessionKeys(c.suite, gcmKeys(c.key));
		for (let i = 0; i < 0x5d4; i++) {
			tx.protectRtcp(RTCP);
		}
		assert.equal(tx.protectRtcp(RTCP)!.toString('hex'), c.srtcp);
	});
}

test('RFC 7714 17.3: SRTCP AEAD_AES_128_GCM authenticated but not encrypted (E flag clear)', () => {
	const tagged = hex('81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4');
	const rx = SrtpSession.fromSessionKeys('AEAD_AES_128_GCM', gcmKeys(KEY_128));
	assert.equal(rx.unprotectRtcp(Buffer.from(tagged))!.toString('hex'), RTCP.toString('hex'));
	const bad = Buffer.from(tagged);
	bad[10] ^= 0x40;
	assert.equal(SrtpSession.fromSessionKeys('AEAD_AES_128_GCM', gcmKeys(KEY_128)).unprotectRtcp(bad), undefined);
});
