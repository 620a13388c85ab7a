import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtensionForm, RtpPacket, rtxDecapsulate, rtxEncapsulate } from '../../../src/proto/rtp';
import { encodeModel, PacketModel, randomModel } from './generate';
import { Prng } from '../../helpers/prng';

function assertMatches(p: RtpPacket, m: PacketModel, what: string): void {
	assert.equal(p.marker, m.marker, what);
	assert.equal(p.payloadType, m.payloadType, what);
	assert.equal(p.sequenceNumber, m.sequenceNumber, what);
	assert.equal(p.timestamp, m.timestamp, what);
	assert.equal(p.ssrc, m.ssrc, what);
	assert.equal(p.csrcCount, m.csrcs.length, what);
	for (let k = 0; k < m.csrcs.length; k++) assert.equal(p.getCsrc(k), m.csrcs[k], what);
	assert.equal(p.extensionCount, m.exts.size, what);
	const seen: number[] = [];
	for (let k = 0; k < p.extensionCount; k++) seen.push(p.extensionIdAt(k));
	assert.deepEqual(seen.sort((a, b) => a - b), [...m.exts.keys()].sort((a, b) => a - b), what);
	for (const [id, value] of m.exts) assert.deepEqual(p.getExtension(id), value, `${what} ext ${id}`);
	assert.deepEqual(p.payload, m.payload, what);
	assert.equal(p.paddingLength, m.paddingLength, what);
}

test('generated valid packets parse back to what built them (RFC 3550, RFC 8285)', () => {
	const rng = new Prng(0x5eed0001);
	for (let i = 0; i < 3000; i++) {
		const m = randomModel(rng);
		const bytes = encodeModel(m, rng);
		const p = RtpPacket.parse(bytes);
		assert.ok(p, `packet ${i} did not parse: ${bytes.toString('hex')}`);
		assertMatches(p, m, `packet ${i}`);
		assert.equal(p.extensionForm, [ExtensionForm.None, ExtensionForm.OneByte, ExtensionForm.TwoByte][m.form]);
		assert.deepEqual(p.serialize(), bytes);
		// The builder reaches the same fields.
		const c = RtpPacket.create({
			...m,
			extensions: [...m.exts].map(([id, value]) => ({ id, value })),
			twoByteExtensions: m.form === 2,
		});
		assertMatches(RtpPacket.parse(Buffer.from(c.serialize()))!, m, `create ${i}`);
	}
});

test('random mutation sequences keep the packet equal to a model', () => {
	const rng = new Prng(0x5eed0002);
	const reuse = new RtpPacket();
	for (let i = 0; i < 400; i++) {
		const m = randomModel(rng, 60);
		const bytes = encodeModel(m, rng);
		// Half the time give the packet spare capacity to grow in place.
		let p: RtpPacket;
		if (rng.bool()) {
			const slab = Buffer.alloc(bytes.length + rng.int(64));
			bytes.copy(slab);
			p = RtpPacket.parse(slab, bytes.length)!;
		} else {
			p = reuse.parse(bytes)!;
		}
		for (let step = 0; step < 25; step++) {
			const op = rng.int(9);
			if (op === 0) {
				const id = rng.range(1, 255);
				const value = rng.bytes(rng.int(20));
				if (p.extensionForm === ExtensionForm.Other) continue;
				p.setExtension(id, value);
				m.exts.set(id, value);
			} else if (op === 1 && m.exts.size > 0) {
				const ids = [...m.exts.keys()];
				const id = ids[rng.int(ids.length)];
				assert.equal(p.removeExtension(id), true);
				m.exts.delete(id);
			} else if (op === 2) {
				const table = new Uint8Array(256);
				for (let k = 1; k < 256; k++) table[k] = rng.int(5) === 0 ? 0 : rng.range(1, rng.bool() ? 14 : 255);
				p.remapExtensionIds(table);
				const next = new Map<number, Buffer>();
				for (const [id, value] of m.exts) {
					const to = table[id];
					if (to !== 0) next.set(to, value);
				}
				// When two ids collide, which one wins depends on the element order in the
				// packet (first met), which the model does not track: read it back instead.
				const targets = [...m.exts.keys()].map((id) => table[id]).filter((t) => t !== 0);
				if (new Set(targets).size !== targets.length) {
					// Ambiguous: re-derive the model from the packet itself.
					m.exts = new Map();
					for (let k = 0; k < p.extensionCount; k++) {
						const id = p.extensionIdAt(k);
						m.exts.set(id, Buffer.from(p.getExtension(id)!));
					}
				} else {
					m.exts = next;
				}
			} else if (op === 3) {
				m.payload = rng.bytes(rng.int(80));
				p.setPayload(m.payload);
			} else if (op === 4) {
				p.removePadding();
				m.paddingLength = 0;
			} else if (op === 5) {
				m.paddingLength = rng.range(1, 255);
				p.addPadding(m.paddingLength);
			} else if (op === 6) {
				m.csrcs = [];
				const n = rng.int(16);
				for (let k = 0; k < n; k++) m.csrcs.push(rng.u32());
				p.setCsrcs(m.csrcs);
			} else if (op === 7) {
				m.ssrc = rng.u32();
				m.payloadType = rng.int(128);
				m.sequenceNumber = rng.int(65536);
				m.timestamp = rng.u32();
				m.marker = rng.bool();
				p.ssrc = m.ssrc;
				p.payloadType = m.payloadType;
				p.sequenceNumber = m.sequenceNumber;
				p.timestamp = m.timestamp;
				p.marker = m.marker;
			} else if (op === 8) {
				const osn = m.sequenceNumber;
				rtxEncapsulate(p, 1, 97, 5);
				assert.ok(rtxDecapsulate(p, m.ssrc, m.payloadType));
				assert.equal(p.sequenceNumber, osn);
				m.paddingLength = 0;
			}
			const what = `packet ${i} step ${step} op ${op}`;
			assertMatches(p, m, what);
			const again = RtpPacket.parse(Buffer.from(p.serialize()));
			assert.ok(again, what);
			assertMatches(again, m, `${what} (re-parsed)`);
		}
	}
});
