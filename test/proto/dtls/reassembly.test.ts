/** Handshake fragments (RFC 6347 4.2.2-4.2.3): several per record, any order, duplicates, overlaps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandshakeReassembler, encodeHandshakeHeader, fragmentMessage, parseHandshakeFragments } from '../../../src/proto/dtls/index.js';
import { Prng } from '../../helpers/prng.js';

test('several fragments in one record payload', () => {
	const body = Buffer.from('0123456789abcdef');
	const payload = Buffer.concat(fragmentMessage(11, 3, body, 5));
	const frags = parseHandshakeFragments(payload)!;
	assert.equal(frags.length, 4);
	assert.deepEqual(frags.map((f) => [f.msgType, f.length, f.messageSeq, f.fragmentOffset, f.fragmentLength]), [
		[11, 16, 3, 0, 5],
		[11, 16, 3, 5, 5],
		[11, 16, 3, 10, 5],
		[11, 16, 3, 15, 1],
	]);
});

test('fragment headers that overrun their record or message are refused', () => {
	assert.equal(parseHandshakeFragments(Buffer.alloc(11)), undefined);
	assert.equal(parseHandshakeFragments(Buffer.concat([encodeHandshakeHeader(1, 10, 0, 0, 10), Buffer.alloc(9)])), undefined);
	assert.equal(parseHandshakeFragments(Buffer.concat([encodeHandshakeHeader(1, 10, 0, 8, 4), Buffer.alloc(4)])), undefined);
	assert.equal(parseHandshakeFragments(Buffer.alloc(0))!.length, 0);
});

test('random fragmentation, overlaps, duplicates and order reassemble exactly, in message_seq order', () => {
	const prng = new Prng(7);
	for (let round = 0; round < 300; round++) {
		const r = new HandshakeReassembler();
		const messages = Array.from({ length: prng.range(1, 5) }, (_, i) => ({ type: prng.range(1, 20), seq: i, body: prng.bytes(prng.range(0, 3000)) }));
		const frags = [];
		for (const m of messages) {
			// Random cut points, plus random overlapping pieces and duplicates.
			let off = 0;
			do {
				const n = Math.min(prng.range(1, 700), m.body.length - off);
				frags.push({ msgType: m.type, length: m.body.length, messageSeq: m.seq, fragmentOffset: off, fragmentLength: n, body: m.body.subarray(off, off + n) });
				off += n;
			} while (off < m.body.length);
			for (let k = prng.int(3); k > 0 && m.body.length > 0; k--) {
				const o = prng.int(m.body.length);
				const n = prng.range(1, m.body.length - o);
				frags.push({ msgType: m.type, length: m.body.length, messageSeq: m.seq, fragmentOffset: o, fragmentLength: n, body: m.body.subarray(o, o + n) });
			}
		}
		for (let i = frags.length - 1; i > 0; i--) {
			const j = prng.int(i + 1);
			[frags[i], frags[j]] = [frags[j], frags[i]];
		}
		const out = [];
		for (const f of frags) {
			// 'old' once its message was delivered (a late duplicate), else 'ok'.
			assert.equal(r.add(f, 0), f.messageSeq < r.nextSeq ? 'old' : 'ok');
			for (let m = r.next(); m; m = r.next()) out.push(m);
		}
		assert.deepEqual(out.map((m) => [m.msgType, m.messageSeq, m.body.toString('hex')]), messages.map((m) => [m.type, m.seq, m.body.toString('hex')]));
		// Anything of an already delivered message_seq is a retransmission.
		assert.equal(r.add(frags[0], 0), 'old');
	}
});

test('a fragment inconsistent with earlier ones replaces them (unauthenticated epoch 0); oversize refused', () => {
	const r = new HandshakeReassembler();
	assert.equal(r.add({ msgType: 1, length: 10, messageSeq: 0, fragmentOffset: 0, fragmentLength: 2, body: Buffer.alloc(2) }, 0), 'ok');
	assert.equal(r.add({ msgType: 1, length: 4, messageSeq: 0, fragmentOffset: 2, fragmentLength: 2, body: Buffer.from([3, 4]) }, 0), 'bad');
	assert.equal(r.next(), undefined);
	assert.equal(r.add({ msgType: 1, length: 4, messageSeq: 0, fragmentOffset: 0, fragmentLength: 2, body: Buffer.from([1, 2]) }, 0), 'ok');
	assert.deepEqual(r.next()?.body, Buffer.from([1, 2, 3, 4]));
	assert.equal(r.add({ msgType: 1, length: 1 << 20, messageSeq: 1, fragmentOffset: 0, fragmentLength: 0, body: Buffer.alloc(0) }, 0), 'bad');
});
