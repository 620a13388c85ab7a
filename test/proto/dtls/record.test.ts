/** Record layer (RFC 6347 4.1): headers, several records per datagram, AES-GCM (RFC 5288), replay window. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { GcmRecordCipher, ReplayWindow, encodePlainRecord, parseRecords } from '../../../src/proto/dtls/index.js';
import { Prng } from '../../helpers/prng.js';

test('several records per datagram, 48-bit sequence numbers', () => {
	const a = encodePlainRecord(22, 0xfefd, 0, 2 ** 48 - 1, Buffer.from('one'));
	const b = encodePlainRecord(21, 0xfeff, 3, 0x0102030405, Buffer.from([1, 0]));
	const { records, malformed } = parseRecords(Buffer.concat([a, b]));
	assert.equal(malformed, 0);
	assert.equal(records.length, 2);
	assert.deepEqual([records[0].type, records[0].version, records[0].epoch, records[0].seq, records[0].fragment.toString()], [22, 0xfefd, 0, 2 ** 48 - 1, 'one']);
	assert.deepEqual([records[1].type, records[1].epoch, records[1].seq], [21, 3, 0x0102030405]);
});

test('a truncated record is counted and the ones before it kept', () => {
	const a = encodePlainRecord(22, 0xfefd, 0, 1, Buffer.from('whole'));
	const b = encodePlainRecord(22, 0xfefd, 0, 2, Buffer.from('cut short'));
	for (let cut = 1; cut < b.length; cut++) {
		const { records, malformed } = parseRecords(Buffer.concat([a, b.subarray(0, cut)]));
		assert.equal(records.length, 1);
		assert.equal(malformed, 1);
	}
	assert.equal(parseRecords(Buffer.alloc(0)).records.length, 0);
});

test('AES-GCM record: nonce = salt | epoch.seq, AAD = epoch.seq | type | version | length (RFC 5288 3)', () => {
	for (const keyLength of [16, 32]) {
		const key = Buffer.alloc(keyLength, 0x11);
		const iv = Buffer.from([1, 2, 3, 4]);
		const sealer = new GcmRecordCipher(key, iv);
		const opener = new GcmRecordCipher(key, iv);
		const plain = Buffer.from('application data over DTLS');
		const rec = sealer.seal(23, 0xfefd, 1, 77, plain);
		assert.equal(rec.length, 13 + 8 + plain.length + 16);
		// The explicit nonce on the wire is the record's own epoch and sequence number.
		assert.deepEqual(rec.subarray(13, 21), rec.subarray(3, 11));
		const parsed = parseRecords(rec).records[0];
		assert.deepEqual(opener.open(parsed), plain);
		// Independent decryption with the nonce and AAD the RFC describes.
		const nonce = Buffer.concat([iv, rec.subarray(13, 21)]);
		const aad = Buffer.concat([rec.subarray(3, 11), Buffer.from([23, 0xfe, 0xfd, 0, plain.length])]);
		const d = createDecipheriv(keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, nonce);
		d.setAAD(aad);
		d.setAuthTag(rec.subarray(rec.length - 16));
		assert.deepEqual(Buffer.concat([d.update(rec.subarray(21, rec.length - 16)), d.final()]), plain);
	}
});

test('AES-GCM record: any altered byte fails to open', () => {
	const c = new GcmRecordCipher(Buffer.alloc(16, 9), Buffer.alloc(4, 8));
	const rec = c.seal(23, 0xfefd, 1, 5, Buffer.from('x'.repeat(40)));
	for (let i = 0; i < rec.length; i++) {
		if (i === 11 || i === 12) continue; // the length field: changes framing, not content
		const bad = Buffer.from(rec);
		bad[i] ^= 0x40;
		const parsed = parseRecords(bad).records[0];
		assert.equal(c.open(parsed), undefined, `byte ${i}`);
	}
	const short = parseRecords(encodePlainRecord(23, 0xfefd, 1, 1, Buffer.alloc(23))).records[0];
	assert.equal(c.open(short), undefined);
});

test('replay window (RFC 6347 4.1.2.6): duplicates and records left of the window are refused', () => {
	const w = new ReplayWindow();
	assert.ok(w.check(0));
	w.mark(0);
	assert.ok(!w.check(0));
	w.mark(100);
	assert.ok(!w.check(36), 'left of the window (100 - 64)');
	assert.ok(w.check(37));
	assert.ok(w.check(99));
	w.mark(99);
	assert.ok(!w.check(99));
	assert.ok(w.check(2 ** 48 - 1));
	w.mark(2 ** 48 - 1);
	assert.ok(!w.check(100));
});

test('replay window against a model over random sequences', () => {
	const prng = new Prng(42);
	const w = new ReplayWindow();
	const seen = new Set<number>();
	let top = -1;
	for (let i = 0; i < 20000; i++) {
		const seq = Math.max(0, top + prng.range(-80, 20));
		const expected = seq > top || (seq > top - 64 && !seen.has(seq));
		assert.equal(w.check(seq), expected, `seq ${seq} top ${top}`);
		if (expected) {
			w.mark(seq);
			seen.add(seq);
			top = Math.max(top, seq);
		}
	}
});
