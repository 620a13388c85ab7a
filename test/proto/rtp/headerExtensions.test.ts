import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtensionForm, RtpPacket } from '../../../src/proto/rtp';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const HDR = '90000001 00000002 00000003';

// RFC 8285 §4.2 figure: one-byte block of length 3 holding a 1-byte element, a 2-byte
// element, two padding octets and a 4-byte element (ids 1, 2, 3 here).
const RFC8285_ONE_BYTE = `${HDR} bede0003 10aa 21bbcc 0000 33ddeeff11 c0ffee`;
// RFC 8285 §4.3 figure: two-byte block of length 3 holding a 0-byte element, a 1-byte
// element, one padding octet and a 4-byte element.
const RFC8285_TWO_BYTE = `${HDR} 10000003 0100 0201aa 00 0304bbccddee c0ffee`;

test('RFC 8285 §4.2: one-byte header example', () => {
	const p = RtpPacket.parse(hex(RFC8285_ONE_BYTE))!;
	assert.equal(p.extensionForm, ExtensionForm.OneByte);
	assert.equal(p.extensionCount, 3);
	assert.deepEqual(p.getExtension(1), hex('aa'));
	assert.deepEqual(p.getExtension(2), hex('bbcc'));
	assert.deepEqual(p.getExtension(3), hex('ddeeff11'));
	assert.equal(p.getExtension(4), undefined);
	assert.equal(p.getExtensionOffset(4), -1);
	assert.deepEqual([0, 1, 2].map((k) => p.extensionIdAt(k)), [1, 2, 3]);
	assert.deepEqual(p.payload, hex('c0ffee'));
});

test('RFC 8285 §4.3: two-byte header example, zero-length element', () => {
	const p = RtpPacket.parse(hex(RFC8285_TWO_BYTE))!;
	assert.equal(p.extensionForm, ExtensionForm.TwoByte);
	assert.equal(p.extensionCount, 3);
	assert.equal(p.hasExtensionId(1), true);
	assert.deepEqual(p.getExtension(1), hex(''));
	assert.deepEqual(p.getExtension(2), hex('aa'));
	assert.deepEqual(p.getExtension(3), hex('bbccddee'));
	assert.deepEqual(p.payload, hex('c0ffee'));
});

test('RFC 8285 §4.3: appbits 0x100x are the two-byte form and are kept on rebuild', () => {
	const p = RtpPacket.parse(hex(`${HDR} 100a0001 0101aa00`))!;
	assert.equal(p.extensionForm, ExtensionForm.TwoByte);
	assert.equal(p.extensionProfile, 0x100a);
	p.setExtension(2, hex('bbcc'));
	assert.equal(p.extensionProfile, 0x100a);
	assert.deepEqual(p.serialize(), hex(`${HDR} 100a0002 0101aa 0202bbcc 00`));
});

test('RFC 8285 §4.2: id 15 stops processing, earlier elements kept', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0002 10aa f3 112233 44 00`))!;
	assert.equal(p.extensionCount, 1);
	assert.deepEqual(p.getExtension(1), hex('aa'));
	// A non-padding byte with id 0 cannot be an element either.
	const q = RtpPacket.parse(hex(`${HDR} bede0001 10aa 05 00`))!;
	assert.equal(q.extensionCount, 1);
});

test('RFC 3550 §5.3.1: other profiles are opaque', () => {
	const p = RtpPacket.parse(hex(`${HDR} abcd0001 11223344 ff`))!;
	assert.equal(p.extensionForm, ExtensionForm.Other);
	assert.equal(p.extensionProfile, 0xabcd);
	assert.equal(p.extensionCount, 0);
	assert.equal(p.getExtension(1), undefined);
	assert.deepEqual(p.payload, hex('ff'));
	p.remapExtensionIds(new Uint8Array(256));
	assert.equal(p.setExtensionForm(ExtensionForm.TwoByte), false);
	assert.deepEqual(p.serialize(), hex(`${HDR} abcd0001 11223344 ff`));
});

test('duplicate ids: the first wins; a rebuild drops the rest', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0001 10aa 10bb`))!;
	assert.equal(p.hasDuplicateExtensions, true);
	assert.deepEqual(p.getExtension(1), hex('aa'));
	p.removeExtension(1);
	assert.equal(p.hasExtension, false);
	assert.deepEqual(p.serialize(), hex('80000001 00000002 00000003'));
});

test('setExtension with the same length writes in place', () => {
	const buf = hex(RFC8285_ONE_BYTE);
	const p = RtpPacket.parse(buf)!;
	p.setExtension(2, hex('1234'));
	assert.equal(p.buffer, buf);
	assert.deepEqual(buf, hex(`${HDR} bede0003 10aa 211234 0000 33ddeeff11 c0ffee`));
});

test('growing a value moves the payload; beyond the buffer a new Buffer is allocated', () => {
	const buf = hex(RFC8285_ONE_BYTE);
	const before = Buffer.from(buf);
	const p = RtpPacket.parse(buf)!;
	p.setExtension(1, hex('aabbccdd'));
	assert.notEqual(p.buffer, buf);
	assert.deepEqual(buf, before);
	// Rebuilt compactly: padding octets squeezed out, block padded to 32 bits.
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0004 13aabbccdd 21bbcc 33ddeeff11 000000 c0ffee`));
	assert.deepEqual(p.payload, hex('c0ffee'));
});

test('growing inside spare capacity stays in the same Buffer', () => {
	const slab = Buffer.alloc(200);
	const pkt = hex(RFC8285_ONE_BYTE);
	pkt.copy(slab);
	const p = RtpPacket.parse(slab, pkt.length)!;
	p.setExtension(7, hex('0102030405'));
	assert.equal(p.buffer, slab);
	assert.deepEqual(p.getExtension(7), hex('0102030405'));
	assert.deepEqual(p.getExtension(3), hex('ddeeff11'));
	assert.deepEqual(p.payload, hex('c0ffee'));
	assert.ok(RtpPacket.parse(Buffer.from(p.serialize())));
});

test('shrinking a value', () => {
	const p = RtpPacket.parse(hex(RFC8285_ONE_BYTE))!;
	p.setExtension(3, hex('01'));
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0002 10aa 21bbcc 3001 00 c0ffee`));
});

test('removeExtension turns the element into padding octets in place', () => {
	const buf = hex(RFC8285_ONE_BYTE);
	const p = RtpPacket.parse(buf)!;
	assert.equal(p.removeExtension(2), true);
	assert.equal(p.removeExtension(2), false);
	assert.equal(p.buffer, buf);
	assert.deepEqual(buf, hex(`${HDR} bede0003 10aa 000000 0000 33ddeeff11 c0ffee`));
	assert.deepEqual([p.extensionCount, p.extensionIdAt(0), p.extensionIdAt(1)], [2, 1, 3]);
	assert.deepEqual(RtpPacket.parse(buf)!.getExtension(3), hex('ddeeff11'));
	p.clearExtensions();
	assert.deepEqual(p.serialize(), hex(`80000001 00000002 00000003 c0ffee`));
});

test('RFC 8285 §4.2 limits: id > 14 or value > 16 bytes switches to the two-byte form', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0001 10aa0000 ff`))!;
	p.setExtension(15, hex('bb'));
	assert.equal(p.extensionForm, ExtensionForm.TwoByte);
	assert.deepEqual(p.serialize(), hex(`${HDR} 10000002 0101aa 0f01bb 0000 ff`));
	assert.equal(p.setExtensionForm(ExtensionForm.OneByte), false);
	p.removeExtension(15);
	assert.equal(p.setExtensionForm(ExtensionForm.OneByte), true);
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0001 10aa0000 ff`));
	const long = Buffer.alloc(17, 7);
	p.setExtension(2, long);
	assert.equal(p.extensionForm, ExtensionForm.TwoByte);
	assert.deepEqual(p.getExtension(2), long);
	p.setExtension(3, hex(''));
	assert.deepEqual(p.getExtension(3), hex(''));
	assert.ok(RtpPacket.parse(Buffer.from(p.serialize())));
	assert.throws(() => p.setExtension(0, hex('00')), RangeError);
	assert.throws(() => p.setExtension(256, hex('00')), RangeError);
	assert.throws(() => p.setExtension(1, Buffer.alloc(256)), RangeError);
});

test('adding the first extension to a packet without one', () => {
	const p = RtpPacket.parse(hex('a0000001 00000002 00000003 c0ffee 0002'))!;
	p.setExtension(4, hex('1122'));
	assert.deepEqual(p.serialize(), hex('b0000001 00000002 00000003 bede0001 41112200 c0ffee 0002'));
	assert.equal(p.paddingLength, 2);
});

test('remapExtensionIds: in place, with drops and collisions', () => {
	const buf = hex(RFC8285_ONE_BYTE);
	const p = RtpPacket.parse(buf)!;
	const table = new Uint8Array(256);
	table[1] = 2;
	table[2] = 1;
	table[3] = 0; // not negotiated for this consumer
	p.remapExtensionIds(table);
	assert.equal(p.buffer, buf);
	assert.deepEqual(buf, hex(`${HDR} bede0003 20aa 11bbcc 0000 0000000000 c0ffee`));
	assert.deepEqual(p.getExtension(2), hex('aa'));
	assert.deepEqual(p.getExtension(1), hex('bbcc'));
	assert.equal(p.hasExtensionId(3), false);
	const q = RtpPacket.parse(hex(RFC8285_ONE_BYTE))!;
	table.fill(0);
	table[1] = 5;
	table[2] = 5;
	table[3] = 6;
	q.remapExtensionIds(table);
	assert.deepEqual(q.getExtension(5), hex('aa'));
	assert.deepEqual(q.getExtension(6), hex('ddeeff11'));
	assert.equal(q.extensionCount, 2);
});

test('remapExtensionIds to ids above 14 rebuilds in the two-byte form', () => {
	const p = RtpPacket.parse(hex(RFC8285_ONE_BYTE))!;
	const table = new Uint8Array(256);
	table[1] = 200;
	table[3] = 3;
	p.remapExtensionIds(table);
	assert.deepEqual(p.serialize(), hex(`${HDR} 10000003 c801aa 0304ddeeff11 000000 c0ffee`));
	// And back down: the two-byte block stays two-byte when remapped in place.
	table.fill(0);
	table[200] = 1;
	table[3] = 2;
	p.remapExtensionIds(table);
	assert.deepEqual(p.serialize(), hex(`${HDR} 10000003 0101aa 0204ddeeff11 000000 c0ffee`));
	assert.equal(p.setExtensionForm(ExtensionForm.OneByte), true);
	assert.deepEqual(p.serialize(), hex(`${HDR} bede0002 10aa 23ddeeff11 00 c0ffee`));
});

test('RFC 8285 §4.3: more distinct ids than the initial index holds', () => {
	const exts = [];
	for (let id = 1; id <= 40; id++) exts.push({ id: id * 6, value: Buffer.from([id, id]) });
	const p = RtpPacket.create({ payloadType: 96, sequenceNumber: 1, timestamp: 2, ssrc: 3, extensions: exts, payload: hex('c0ffee') });
	const q = new RtpPacket();
	assert.ok(q.parse(Buffer.from(p.serialize())));
	assert.equal(q.extensionCount, 40);
	for (let id = 1; id <= 40; id++) assert.deepEqual(q.getExtension(id * 6), Buffer.from([id, id]));
	assert.equal(q.removeExtension(6), true);
	assert.equal(q.extensionCount, 39);
	assert.deepEqual(q.getExtension(240), Buffer.from([40, 40]));
	// The grown index keeps working when the object is reused for a small packet.
	assert.ok(q.parse(hex(RFC8285_ONE_BYTE)));
	assert.deepEqual(q.getExtension(3), hex('ddeeff11'));
	assert.equal(q.getExtension(240), undefined);
});

test('two-byte duplicates: first wins', () => {
	const p = RtpPacket.parse(hex(`${HDR} 10000002 0501aa 0501bb 0000`))!;
	assert.equal(p.hasDuplicateExtensions, true);
	assert.equal(p.extensionCount, 1);
	assert.deepEqual(p.getExtension(5), hex('aa'));
});

test('getExtensionOffset(id, minLength) and the index accessors', () => {
	const p = RtpPacket.parse(hex(RFC8285_ONE_BYTE))!;
	assert.equal(p.getExtensionOffset(2), 19);
	assert.equal(p.getExtensionOffset(2, 2), 19);
	assert.equal(p.getExtensionOffset(2, 3), -1);
	const k = p.findExtension(3);
	assert.equal(k, 2);
	assert.equal(p.extensionOffsetAt(k), 24);
	assert.equal(p.extensionLengthAt(k), 4);
	assert.equal(p.findExtension(9), -1);
	assert.equal(p.getExtensionLength(9), 0);
});
