import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHmac } from 'node:crypto';
import {
	deriveSessionKeys, estimateRoc, parseMasterKey, ReplayWindow, rtpHeaderLength, SrtpFailure, SrtpOutput, SrtpSession,
	type SrtpCryptoSuite,
} from '../../../src/proto/srtp/index.js';

const SUITES: SrtpCryptoSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];
const KEY_LEN: Record<SrtpCryptoSuite, number> = {
	AES_CM_128_HMAC_SHA1_80: 30, AES_CM_128_HMAC_SHA1_32: 30, AEAD_AES_128_GCM: 28, AEAD_AES_256_GCM: 44,
};

function keyFor(suite: SrtpCryptoSuite, seed = 1): string {
	const b = Buffer.alloc(KEY_LEN[suite]);
	for (let i = 0; i < b.length; i++) {
		b[i] = (i * 31 + seed * 7) & 0xff;
	}
	return b.toString('base64');
}

function rtp(seq: number, ssrc: number, payloadLen: number, opts: { csrc?: number; extWords?: number } = {}): Buffer {
	const cc = opts.csrc ?? 0;
	const ext = opts.extWords;
	const hdr = 12 + cc * 4 + (ext !== undefined ? 4 + ext * 4 : 0);
	const b = Buffer.alloc(hdr + payloadLen);
	b[0] = 0x80 | (ext !== undefined ? 0x10 : 0) | cc;
	b[1] = 96;
	b.writeUInt16BE(seq & 0xffff, 2);
	b.writeUInt32BE(seq * 960 >>> 0, 4);
	b.writeUInt32BE(ssrc, 8);
	if (ext !== undefined) {
		b.writeUInt16BE(0xbede, 12 + cc * 4);
		b.writeUInt16BE(ext, 14 + cc * 4);
	}
	for (let i = 12; i < hdr; i++) {
		if (i >= 16 + cc * 4 || i < 12 + cc * 4) b[i] = (b[i]! | (i & 0x7f));
	}
	for (let i = hdr; i < b.length; i++) {
		b[i] = (i * 13 + seq) & 0xff;
	}
	return b;
}

function rtcp(ssrc: number, bodyLen: number): Buffer {
	const b = Buffer.alloc(8 + bodyLen);
	b[0] = 0x80;
	b[1] = 200;
	b.writeUInt16BE(((8 + bodyLen) >> 2) - 1, 2);
	b.writeUInt32BE(ssrc, 4);
	for (let i = 8; i < b.length; i++) b[i] = i & 0xff;
	return b;
}

test('RFC 3711 sections 3.1/4.1.1/4.2: AES-CM + HMAC-SHA1 output equals an independent createCipheriv(aes-128-ctr) + createHmac construction', () => {
	for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
		const { masterKey, masterSalt } = parseMasterKey(suite, keyFor(suite));
		const keys = deriveSessionKeys(suite, masterKey, masterSalt);
		const tagLen = suite.endsWith('80') ? 10 : 4;
		const session = new SrtpSession(suite, keyFor(suite));
		for (const [seq, len, opts] of [[1, 1200, {}], [2, 0, {}], [3, 7, { csrc: 2 }], [4, 301, { extWords: 3 }], [5, 1, { csrc: 1, extWords: 1 }]] as const) {
			const pkt = rtp(seq, 0xcafebabe, len, opts);
			const copy = Buffer.from(pkt);
			const out = session.protectRtp(pkt)!;
			assert.deepEqual(pkt, copy, 'protect leaves its input alone');
			const hdr = rtpHeaderLength(pkt, pkt.length);
			const iv = Buffer.alloc(16);
			keys.rtpSalt.copy(iv, 0);
			iv.writeUInt32BE((iv.readUInt32BE(4) ^ 0xcafebabe) >>> 0, 4);
			iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
			const c = createCipheriv('aes-128-ctr', keys.rtpKey, iv);
			const expectedBody = Buffer.concat([pkt.subarray(0, hdr), c.update(pkt.subarray(hdr)), c.final()]);
			const tag = createHmac('sha1', keys.rtpAuthKey).update(expectedBody).update(Buffer.alloc(4)).digest().subarray(0, tagLen);
			assert.deepEqual(out, Buffer.concat([expectedBody, tag]), `${suite} seq ${seq}`);
		}
		// ROC > 0: the ROC is XORed into IV bytes 8..11 and appended to the authenticated data.
		const late = new SrtpSession(suite, keyFor(suite));
		late.setRoc(0x0badf00d, 0x10203, 9);
		const pkt = rtp(10, 0x0badf00d, 100);
		const ivr = Buffer.alloc(16);
		keys.rtpSalt.copy(ivr, 0);
		ivr.writeUInt32BE((ivr.readUInt32BE(4) ^ 0x0badf00d) >>> 0, 4);
		ivr.writeUInt32BE((ivr.readUInt32BE(8) ^ 0x10203) >>> 0, 8);
		ivr.writeUInt16BE(ivr.readUInt16BE(12) ^ 10, 12);
		const cr = createCipheriv('aes-128-ctr', keys.rtpKey, ivr);
		const bodyR = Buffer.concat([pkt.subarray(0, 12), cr.update(pkt.subarray(12)), cr.final()]);
		const rocBytes = Buffer.from([0, 1, 2, 3]);
		const tagR = createHmac('sha1', keys.rtpAuthKey).update(bodyR).update(rocBytes).digest().subarray(0, tagLen);
		assert.deepEqual(late.protectRtp(pkt), Buffer.concat([bodyR, tagR]), `${suite} with ROC 0x10203`);
		// SRTCP: header clear, body encrypted, E||index, 80-bit tag for both suites.
		const sr = rtcp(0x01020304, 40);
		const out = session.protectRtcp(sr)!;
		assert.equal(out.length, sr.length + 4 + 10);
		const iv = Buffer.alloc(16);
		keys.rtcpSalt.copy(iv, 0);
		iv.writeUInt32BE((iv.readUInt32BE(4) ^ 0x01020304) >>> 0, 4);
		const c = createCipheriv('aes-128-ctr', keys.rtcpKey, iv);
		const body = Buffer.concat([sr.subarray(0, 8), c.update(sr.subarray(8)), c.final(), Buffer.from([0x80, 0, 0, 0])]);
		const tag = createHmac('sha1', keys.rtcpAuthKey).update(body).digest().subarray(0, 10);
		assert.deepEqual(out, Buffer.concat([body, tag]));
	}
});

for (const suite of SUITES) {
	test(`${suite}: RTP and RTCP round trip, in-place unprotect, tamper and replay rejection`, () => {
		const tx = new SrtpSession(suite, keyFor(suite));
		const rx = new SrtpSession(suite, Buffer.from(keyFor(suite), 'base64'));
		for (let seq = 100; seq < 140; seq++) {
			const pkt = rtp(seq, 1234, (seq * 37) % 1300, { csrc: seq % 3, extWords: seq % 2 ? seq % 5 : undefined });
			const srtp = tx.protectRtp(pkt)!;
			assert.equal(srtp.length, pkt.length + tx.rtpOverhead);
			const copy = Buffer.from(srtp);
			const back = rx.unprotectRtp(srtp)!;
			assert.deepEqual(back, pkt);
			assert.equal(back.buffer, srtp.buffer, 'unprotect returns a view of its input');
			assert.equal(rx.unprotectRtp(copy), undefined);
			assert.equal(rx.lastFailure, SrtpFailure.Replay);
		}
		const pkt = tx.protectRtp(rtp(140, 1234, 50))!;
		for (const at of [1, 5, 9, 20, pkt.length - 1]) {
			const bad = Buffer.from(pkt);
			bad[at] ^= 0x10;
			assert.equal(rx.unprotectRtp(bad), undefined, `flip at ${at}`);
			assert.ok(rx.lastFailure === SrtpFailure.AuthFailed || rx.lastFailure === SrtpFailure.Replay);
		}
		assert.ok(rx.unprotectRtp(pkt), 'failures left no state behind');

		for (let i = 0; i < 5; i++) {
			const sr = rtcp(0xabcdef01, 20 + i * 4);
			const srtcp = tx.protectRtcp(sr)!;
			assert.equal(srtcp.length, sr.length + tx.rtcpOverhead);
			const copy = Buffer.from(srtcp);
			assert.deepEqual(rx.unprotectRtcp(srtcp), sr);
			assert.equal(rx.unprotectRtcp(copy), undefined);
			assert.equal(rx.lastFailure, SrtpFailure.Replay);
		}
		const bad = tx.protectRtcp(rtcp(0xabcdef01, 8))!;
		bad[9] ^= 1;
		assert.equal(rx.unprotectRtcp(bad), undefined);
		assert.equal(rx.lastFailure, SrtpFailure.AuthFailed);
		// A wrong key never authenticates.
		const other = new SrtpSession(suite, keyFor(suite, 2));
		assert.equal(other.unprotectRtp(tx.protectRtp(rtp(141, 1234, 10))!), undefined);
		assert.equal(other.lastFailure, SrtpFailure.AuthFailed);
	});
}

test('network input: too short and malformed packets give failure codes, never throw', () => {
	for (const suite of SUITES) {
		const s = new SrtpSession(suite, keyFor(suite));
		for (const b of [Buffer.alloc(0), Buffer.alloc(5), Buffer.alloc(12 + 3)]) {
			assert.equal(s.unprotectRtp(b), undefined);
			assert.equal(s.lastFailure, SrtpFailure.TooShort);
			assert.equal(s.unprotectRtcp(b), undefined);
			assert.equal(s.lastFailure, SrtpFailure.TooShort);
		}
		assert.equal(s.protectRtp(Buffer.alloc(4)), undefined);
		assert.equal(s.lastFailure, SrtpFailure.TooShort);
		const v1 = Buffer.alloc(40);
		v1[0] = 0x40;
		assert.equal(s.unprotectRtp(v1), undefined);
		assert.equal(s.lastFailure, SrtpFailure.Malformed);
		assert.equal(s.unprotectRtcp(v1), undefined);
		assert.equal(s.lastFailure, SrtpFailure.Malformed);
		const csrcOverrun = Buffer.alloc(40);
		csrcOverrun[0] = 0x8f;
		assert.equal(s.protectRtp(csrcOverrun), undefined);
		assert.equal(s.lastFailure, SrtpFailure.Malformed);
		const extOverrun = Buffer.alloc(40);
		extOverrun[0] = 0x90;
		extOverrun.writeUInt16BE(100, 14);
		assert.equal(s.unprotectRtp(extOverrun), undefined);
		assert.equal(s.lastFailure, SrtpFailure.Malformed);
	}
});

test('key material: base64 or Buffer of key||salt, wrong sizes and suites throw TypeError', () => {
	assert.throws(() => new SrtpSession('AES_CM_128_HMAC_SHA1_80', Buffer.alloc(29)), TypeError);
	assert.throws(() => new SrtpSession('AEAD_AES_256_GCM', keyFor('AEAD_AES_128_GCM')), TypeError);
	assert.throws(() => new SrtpSession('NOPE' as SrtpCryptoSuite, keyFor('AEAD_AES_128_GCM')), TypeError);
	assert.throws(() => new SrtpSession('AES_CM_128_HMAC_SHA1_80', '!!notbase64!!'), TypeError);
	assert.throws(() => new SrtpSession('AES_CM_128_HMAC_SHA1_80', keyFor('AES_CM_128_HMAC_SHA1_80'), { replayWindowSize: 100 }), TypeError);
	const p = parseMasterKey('AEAD_AES_128_GCM', keyFor('AEAD_AES_128_GCM'));
	assert.equal(p.masterKey.length, 16);
	assert.equal(p.masterSalt.length, 12);
});

test('RFC 3711 appendix A: ROC estimate', () => {
	assert.equal(estimateRoc(0, 100, 101), 0);
	assert.equal(estimateRoc(0, 65535, 0), 1);
	assert.equal(estimateRoc(3, 65000, 10), 4);
	assert.equal(estimateRoc(4, 10, 65000), 3);
	assert.equal(estimateRoc(0, 10, 65000), -1);
	assert.equal(estimateRoc(2, 40000, 10000), 2);
	assert.equal(estimateRoc(2, 40000, 7000), 3);
});

for (const [suite, start, count, roc] of [
	['AES_CM_128_HMAC_SHA1_80', 65000, 67000, 2],
	['AES_CM_128_HMAC_SHA1_32', 63000, 5000, 1],
	['AEAD_AES_128_GCM', 63000, 5000, 1],
	['AEAD_AES_256_GCM', 63000, 5000, 1],
] as const) {
	test(`${suite}: RFC 3711 3.3.1 rollover across ${roc} sequence wrap(s) with reordering and late packets`, () => {
		const tx = new SrtpSession(suite, keyFor(suite));
		const rx = new SrtpSession(suite, keyFor(suite));
		const ssrc = 0x55667788;
		// Sent in order, delivered with local shuffles; unprotect decrypts protectedPkts in place,
		// `sent` keeps the wire bytes.
		const protectedPkts: Buffer[] = [];
		const sent: Buffer[] = [];
		const plain: Buffer[] = [];
		let delivered = 0;
		const deliver = (i: number): void => {
			const out = rx.unprotectRtp(protectedPkts[i]!);
			assert.ok(out, `packet ${i} (seq ${(start + i) & 0xffff}) failed: ${rx.lastFailure}`);
			assert.deepEqual(out, plain[i]);
			delivered++;
		};
		for (let i = 0; i < count; i++) {
			const p = rtp(start + i, ssrc, 4 + (i % 7));
			plain.push(p);
			const out = tx.protectRtp(p)!;
			protectedPkts.push(out);
			sent.push(Buffer.from(out));
		}
		assert.equal(tx.getRoc(ssrc), roc);
		// Swap neighbours in blocks of 8 (reordering right across each wrap) and deliver some
		// packets 200 late.
		const late: number[] = [];
		for (let i = 0; i < count; i += 8) {
			const order = [1, 0, 3, 2, 5, 4, 7, 6].map((k) => i + k).filter((k) => k < count);
			for (const k of order) {
				if (k % 997 === 0) late.push(k);
				else deliver(k);
			}
			while (late.length && late[0]! + 200 <= i) deliver(late.shift()!);
		}
		while (late.length) deliver(late.shift()!);
		assert.equal(delivered, count);
		assert.equal(rx.getRoc(ssrc), roc);
		// A retransmission of a pre-wrap packet protected now gets its original ROC back.
		const re = tx.protectRtp(plain[count - 300]!)!;
		assert.deepEqual(re, sent[count - 300]);
		// Older than the window: rejected as replay without decrypting.
		assert.equal(rx.unprotectRtp(Buffer.from(sent[10]!)), undefined);
		assert.equal(rx.lastFailure, SrtpFailure.Replay);
	});
}

test('SRTCP: per-SSRC 31-bit index, E flag set, replay window with reordering', () => {
	for (const suite of SUITES) {
		const tx = new SrtpSession(suite, keyFor(suite));
		const rx = new SrtpSession(suite, keyFor(suite));
		const a: Buffer[] = [];
		for (let i = 0; i < 300; i++) a.push(tx.protectRtcp(rtcp(7, 16))!);
		const b = tx.protectRtcp(rtcp(8, 16))!;
		const trailerAt = suite.startsWith('AEAD') ? b.length - 4 : b.length - 14;
		assert.equal(b.readUInt32BE(trailerAt), 0x80000000, 'first packet of an SSRC: E=1, index 0');
		assert.equal(a[299]!.readUInt32BE(trailerAt), 0x80000000 + 299);
		const order = [...a.keys()].reverse().slice(0, 100).concat([...a.keys()].slice(0, 100));
		const accepted = order.filter((i) => rx.unprotectRtcp(Buffer.from(a[i]!)) !== undefined).length;
		// Indices 299..200 pass (descending, within the window); 0..99 are then window-old? No:
		// window is 1024, so all 100 of them pass too. Then each replayed copy fails.
		assert.equal(accepted, 200);
		assert.equal(rx.unprotectRtcp(Buffer.from(a[250]!)), undefined);
		assert.equal(rx.lastFailure, SrtpFailure.Replay);
		const small = new SrtpSession(suite, keyFor(suite), { replayWindowSize: 64 });
		assert.ok(small.unprotectRtcp(Buffer.from(a[299]!)));
		assert.equal(small.unprotectRtcp(Buffer.from(a[200]!)), undefined, 'older than a 64-packet window');
		assert.equal(small.lastFailure, SrtpFailure.Replay);
		assert.ok(small.unprotectRtcp(Buffer.from(a[240]!)));
		assert.ok(rx.unprotectRtcp(b));
	}
});

test('SRTCP with the E flag clear (RFC 3711 3.4): authenticated only, accepted unencrypted', () => {
	const suite = 'AES_CM_128_HMAC_SHA1_80';
	const { masterKey, masterSalt } = parseMasterKey(suite, keyFor(suite));
	const keys = deriveSessionKeys(suite, masterKey, masterSalt);
	const sr = rtcp(99, 24);
	const body = Buffer.concat([sr, Buffer.from([0, 0, 0, 5])]);
	const pkt = Buffer.concat([body, createHmac('sha1', keys.rtcpAuthKey).update(body).digest().subarray(0, 10)]);
	const rx = new SrtpSession(suite, keyFor(suite));
	assert.deepEqual(rx.unprotectRtcp(pkt), sr);
});

test('ReplayWindow (RFC 3711 3.3.2): bitmap ring keeps exactly `size` indices', () => {
	const w = new ReplayWindow(64);
	assert.ok(w.check(0));
	w.accept(1000);
	assert.ok(!w.check(1000));
	assert.ok(w.check(999));
	assert.ok(w.check(937));
	assert.ok(!w.check(936), '64 behind the top is outside');
	w.accept(990);
	assert.ok(!w.check(990));
	w.accept(1063);
	assert.ok(!w.check(1000), 'still inside the window and seen');
	assert.ok(w.check(1001), 'cleared when the window slid');
	w.accept(1064);
	assert.ok(!w.check(1000), 'now outside');
	w.accept(5000000000000);
	assert.ok(w.check(4999999999999));
	assert.ok(!w.check(5000000000000));
	assert.ok(!w.check(4999999999936));
	assert.equal(w.highest, 5000000000000);
});

test('fuzz: random bytes and random mutations of valid packets never throw (seeded)', () => {
	let seed = 0x2545f491;
	const rnd = (): number => {
		seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
		return (seed >>> 0) / 0x100000000;
	};
	for (const suite of SUITES) {
		const tx = new SrtpSession(suite, keyFor(suite));
		const rx = new SrtpSession(suite, keyFor(suite));
		let ok = 0;
		for (let i = 0; i < 1500; i++) {
			const kind = i % 4;
			let pkt: Buffer;
			if (kind === 0) {
				pkt = Buffer.alloc(Math.floor(rnd() * 80));
				for (let k = 0; k < pkt.length; k++) pkt[k] = rnd() * 256;
			} else if (kind === 1) {
				pkt = tx.protectRtp(rtp(i, 42, Math.floor(rnd() * 300), { csrc: i % 3 }))!;
				const n = 1 + Math.floor(rnd() * 3);
				for (let k = 0; k < n; k++) pkt[Math.floor(rnd() * pkt.length)] ^= 1 + Math.floor(rnd() * 255);
			} else if (kind === 2) {
				pkt = tx.protectRtcp(rtcp(43, 4 * Math.floor(rnd() * 20)))!;
				pkt = pkt.subarray(0, Math.floor(rnd() * pkt.length));
			} else {
				pkt = tx.protectRtp(rtp(i, 44, Math.floor(rnd() * 100)))!;
			}
			const r1 = rx.unprotectRtp(Buffer.from(pkt));
			const r2 = rx.unprotectRtcp(Buffer.from(pkt));
			tx.protectRtp(Buffer.from(pkt));
			tx.protectRtcp(Buffer.from(pkt));
			if (kind === 3) {
				assert.ok(r1, 'an untouched packet passes');
				ok++;
			} else if (r1 === undefined && r2 === undefined) {
				assert.notEqual(rx.lastFailure, SrtpFailure.None);
			}
		}
		assert.ok(ok > 300);
	}
});

test('RFC 3711 4.1.1/4.2: send-side keystream batching equals a per-packet createCipheriv(aes-128-ctr) + createHmac reference (seeded: gaps, retransmissions, length changes, ROC wraps, interleaved SSRCs)', () => {
	let seed = 0x1b873593;
	const rnd = (): number => {
		seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
		return (seed >>> 0) / 0x100000000;
	};
	for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
		const { masterKey, masterSalt } = parseMasterKey(suite, keyFor(suite));
		const keys = deriveSessionKeys(suite, masterKey, masterSalt);
		const tagLen = suite.endsWith('80') ? 10 : 4;
		const reference = (pkt: Buffer, ssrc: number, index: number): Buffer => {
			const roc = Math.floor(index / 0x10000), seq = index % 0x10000;
			const hdr = rtpHeaderLength(pkt, pkt.length);
			const iv = Buffer.alloc(16);
			keys.rtpSalt.copy(iv, 0);
			iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
			iv.writeUInt32BE((iv.readUInt32BE(8) ^ roc) >>> 0, 8);
			iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
			const c = createCipheriv('aes-128-ctr', keys.rtpKey, iv);
			const body = Buffer.concat([pkt.subarray(0, hdr), c.update(pkt.subarray(hdr)), c.final()]);
			const rocBytes = Buffer.alloc(4);
			rocBytes.writeUInt32BE(roc);
			const tag = createHmac('sha1', keys.rtpAuthKey).update(body).update(rocBytes).digest().subarray(0, tagLen);
			return Buffer.concat([body, tag]);
		};
		const tx = new SrtpSession(suite, keyFor(suite));
		// Three streams sharing the session (and so the counter layout): a video-like one starting
		// just before a SEQ wrap, an audio-like one, and one whose ROC is set out of band.
		const streams = [
			{ ssrc: 0x11111111, next: 65400, sizes: [1200, 1100, 300, 1188, 1400, 2100, 3000] },
			{ ssrc: 0x22222222, next: 100, sizes: [160, 3, 0, 161, 80] },
			{ ssrc: 0x33333333, next: 7 * 0x10000 + 65530, sizes: [500, 1200, 17] },
		];
		tx.setRoc(0x33333333, 7, 65529);
		const sent: { ssrc: number; index: number; pkt: Buffer }[] = [];
		for (let i = 0; i < 4000; i++) {
			const st = streams[Math.floor(rnd() * streams.length)]!;
			const r = rnd();
			let pkt: Buffer, index: number;
			if (r < 0.08 && sent.length > 0) {
				// Retransmission of one of the last 500 packets, same SEQ (and so same ROC).
				const old = sent[Math.max(0, sent.length - 1 - Math.floor(rnd() * 500))]!;
				assert.deepEqual(tx.protectRtp(old.pkt), reference(old.pkt, old.ssrc, old.index), `retransmission ${i}`);
				continue;
			}
			if (r < 0.12) {
				// Gap: packets lost before the sender (or a jump forward).
				st.next += 1 + Math.floor(rnd() * (r < 0.1 ? 5 : 3000));
			}
			index = st.next++;
			const size = rnd() < 0.8 ? st.sizes[0]! : st.sizes[Math.floor(rnd() * st.sizes.length)]!;
			pkt = rtp(index % 0x10000, st.ssrc, size, i % 5 === 0 ? { csrc: 1, extWords: 2 } : {});
			const copy = Buffer.from(pkt);
			assert.deepEqual(tx.protectRtp(pkt), reference(pkt, st.ssrc, index), `packet ${i} ssrc ${st.ssrc.toString(16)} index ${index} size ${size}`);
			assert.deepEqual(pkt, copy, 'input untouched');
			sent.push({ ssrc: st.ssrc, index, pkt });
		}
		assert.equal(tx.getRoc(0x11111111)! >= 1, true, 'the first stream wrapped');
		// Stream restart far behind the batch (setRoc back to 0): not taken for a retransmission forever.
		tx.setRoc(0x11111111, 0, 9);
		for (let seq = 10; seq < 80; seq++) {
			const pkt = rtp(seq, 0x11111111, 1200);
			assert.deepEqual(tx.protectRtp(pkt), reference(pkt, 0x11111111, seq), `after restart seq ${seq}`);
		}
	}
});

test('protectRtp(packet, into): the same bytes as a fresh output, written into `into` when it fits, else a buffer of its own', () => {
	for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
		const a = new SrtpSession(suite, keyFor(suite));
		const b = new SrtpSession(suite, keyFor(suite));
		const into = Buffer.alloc(1300);
		for (let seq = 0; seq < 200; seq++) {
			// 1,200 bytes fit; 1,290 + tag does not (for _80) and must not be truncated.
			const pkt = rtp(seq, 0x4444, seq % 7 === 0 ? 1278 : 1188);
			const fresh = a.protectRtp(pkt)!;
			const reused = b.protectRtp(pkt, into)!;
			assert.deepEqual(reused, fresh, `seq ${seq}`);
			assert.equal(reused.buffer === into.buffer, fresh.length <= into.length, `seq ${seq}: written into \`into\` iff it fits`);
			// The next call may overwrite `into`: a result taken from it is only valid until then.
			if (reused.buffer === into.buffer) {
				assert.equal(reused.byteOffset, into.byteOffset);
			}
		}
	}
});

test('AES-CM receive keystream prefetch: losses, reordering, size changes and forged packets decrypt as sent', () => {
	// The receiver prefetches the keystream of the next packet indices once a stream runs in
	// order; every path around the batch (a late packet, a jump past it, a payload longer than
	// the slots, a forgery in between) must still give back exactly what was sent.
	const suite = 'AES_CM_128_HMAC_SHA1_80';
	const tx = new SrtpSession(suite, keyFor(suite, 3));
	const rx = new SrtpSession(suite, keyFor(suite, 3));
	const ssrc = 0x0badcafe;
	let rnd = 12345;
	const next = (n: number): number => {
		rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
		return rnd % n;
	};
	const plain: Buffer[] = [];
	const wire: Buffer[] = [];
	for (let i = 0; i < 3000; i++) {
		// Mostly 1,200-byte media, some audio-sized, now and then one longer than any before.
		const size = i % 500 === 499 ? 1400 : next(4) === 0 ? 160 : 1200;
		const p = rtp(40000 + i, ssrc, size, { extWords: i % 3 === 0 ? 2 : undefined });
		for (let k = p.length - size; k < p.length; k++) p[k] = next(256);
		plain.push(p);
		wire.push(tx.protectRtp(p)!);
	}
	let delivered = 0;
	const late: number[] = [];
	for (let i = 0; i < wire.length; i++) {
		const r = next(100);
		if (r < 3) continue; // lost
		if (r < 6) {
			late.push(i);
			continue;
		}
		if (r < 8) {
			// A forgery of the next index in between: rejected, and changes nothing.
			const forged = Buffer.from(wire[Math.min(i + 1, wire.length - 1)]!);
			forged[forged.length - 20] ^= 0x40;
			assert.equal(rx.unprotectRtp(forged), undefined);
		}
		const out = rx.unprotectRtp(Buffer.from(wire[i]!));
		assert.ok(out, `packet ${i}: ${rx.lastFailure}`);
		assert.ok(out.equals(plain[i]!), `packet ${i} decrypted differently`);
		delivered++;
		if (late.length > 0 && next(4) === 0) {
			const k = late.shift()!;
			const back = rx.unprotectRtp(Buffer.from(wire[k]!));
			assert.ok(back?.equals(plain[k]!), `late packet ${k}`);
			delivered++;
		}
	}
	assert.ok(delivered > 2700);
});

for (const suite of SUITES) {
	test(`${suite}: protectRtpInto() writes what protectRtp() returns, into the caller's output, across a wrap and resends`, () => {
		const byCopy = new SrtpSession(suite, keyFor(suite, 5));
		const byOutput = new SrtpSession(suite, keyFor(suite, 5));
		const mixed = new SrtpSession(suite, keyFor(suite, 5));
		const output = new SrtpOutput(1500);
		const rx = new SrtpSession(suite, keyFor(suite, 5));
		const ssrc = 0x1234abcd;
		const sent: Buffer[] = [];
		for (let i = 0; i < 700; i++) {
			// Across the 16-bit wrap, sizes from empty payloads to 1,400 bytes, one header extension
			// in three (a 4-byte-misaligned header in none: RTP headers are whole words), and now
			// and then a resend of an earlier packet (its pre-wrap ROC must come back).
			const k = i % 50 === 49 ? i - 40 : i;
			const p = rtp(65300 + k, ssrc, (k * 37) % 1401, { extWords: k % 3 === 0 ? 1 : undefined });
			const expected = byCopy.protectRtp(p)!;
			const got = byOutput.protectRtpInto(p, output)!;
			assert.ok(got.equals(expected), `packet ${i}`);
			assert.equal(got.buffer, output.buffer.buffer, 'a view of the output');
			const alt = i % 2 === 0 ? mixed.protectRtp(p)! : mixed.protectRtpInto(p, output)!;
			assert.ok(alt.equals(expected), `mixed calls, packet ${i}`);
			if (k === i) sent.push(Buffer.from(expected));
		}
		assert.equal(byOutput.getRoc(ssrc), byCopy.getRoc(ssrc));
		for (const wire of sent.slice(0, 100)) assert.ok(rx.unprotectRtp(Buffer.from(wire)), rx.lastFailure.toString());
		// Too long for the output: refused, and nothing written past it.
		const small = new SrtpOutput(200);
		assert.equal(byOutput.protectRtpInto(rtp(1, ssrc, 400), small), undefined);
		assert.equal(byOutput.lastFailure, SrtpFailure.TooLong);
		assert.equal(byOutput.protectRtpInto(Buffer.from([0x80, 0x60]), output), undefined);
		assert.equal(byOutput.lastFailure, SrtpFailure.TooShort);
	});
}

test('AES-CM receive keystream prefetch: only for streams past 32 packets, at most 32 streams per session; the rest still decrypt', () => {
	const suite = 'AES_CM_128_HMAC_SHA1_80';
	const tx = new SrtpSession(suite, keyFor(suite, 9));
	const rx = new SrtpSession(suite, keyFor(suite, 9));
	const prefetching = (): number => (rx as unknown as { rxKeystreams: number }).rxKeystreams;
	// 40 streams of 40 packets each (a peer with the key inventing SSRCs), interleaved.
	for (let i = 0; i < 40; i++) {
		for (let ssrc = 1; ssrc <= 40; ssrc++) {
			const p = rtp(1000 + i, ssrc, 1200);
			p.fill(ssrc + i, 12);
			const out = rx.unprotectRtp(tx.protectRtp(p)!);
			assert.ok(out?.equals(p), `ssrc ${ssrc} packet ${i}`);
		}
		assert.equal(prefetching(), i + 1 < 32 ? 0 : 32, `after ${i + 1} packets each`);
	}
	// Forgetting a stream frees its place for another.
	rx.removeSsrc(5);
	for (let i = 0; i < 40; i++) {
		const p = rtp(2000 + i, 77, 1200);
		assert.ok(rx.unprotectRtp(tx.protectRtp(p)!)?.equals(p));
	}
	assert.equal(prefetching(), 32);
});
