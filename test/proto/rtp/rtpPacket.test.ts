import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtensionForm, RtpPacket } from '../../../src/proto/rtp';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// V=2 X=1 M=1 PT=96 seq=0x698f ts=0xd9c293da ssrc=0x1c642782, a one-byte block with id 5
// (1 byte 0xaa) and 2 padding octets, then a 4-byte payload.
const BASIC = '90e0698f d9c293da 1c642782 bede0001 50aa0000 9836be88';

test('RFC 3550 §5.1: fixed header fields', () => {
	const p = RtpPacket.parse(hex(BASIC));
	assert.ok(p);
	assert.equal(p.version, 2);
	assert.equal(p.marker, true);
	assert.equal(p.payloadType, 96);
	assert.equal(p.sequenceNumber, 0x698f);
	assert.equal(p.timestamp, 0xd9c293da);
	assert.equal(p.ssrc, 0x1c642782);
	assert.equal(p.csrcCount, 0);
	assert.equal(p.hasPadding, false);
	assert.equal(p.headerLength, 12);
	assert.equal(p.extensionForm, ExtensionForm.OneByte);
	assert.equal(p.extensionProfile, 0xbede);
	assert.equal(p.extensionDataOffset, 16);
	assert.equal(p.extensionDataLength, 4);
	assert.equal(p.payloadOffset, 20);
	assert.equal(p.payloadLength, 4);
	assert.deepEqual(p.payload, hex('9836be88'));
	assert.deepEqual(p.getExtension(5), hex('aa'));
	assert.equal(p.extensionCount, 1);
});

test('parse does not copy: payload and extension values are views', () => {
	const buf = hex(BASIC);
	const p = RtpPacket.parse(buf)!;
	assert.equal(p.buffer, buf);
	assert.equal(p.payload.buffer, buf.buffer);
	buf[20] = 0x11;
	assert.equal(p.payload[0], 0x11);
	assert.equal(p.getExtension(5)!.byteOffset, buf.byteOffset + 17);
});

test('round trip: serialize gives identical bytes', () => {
	const buf = hex(BASIC);
	assert.deepEqual(RtpPacket.parse(buf)!.serialize(), buf);
	const out = Buffer.alloc(30);
	assert.equal(RtpPacket.parse(buf)!.copyTo(out, 2), buf.length);
	assert.deepEqual(out.subarray(2, 2 + buf.length), buf);
});

test('setters write into the buffer in place', () => {
	const buf = hex(BASIC);
	const p = RtpPacket.parse(buf)!;
	p.ssrc = 0xdeadbeef;
	p.payloadType = 111;
	p.sequenceNumber = 0x10001; // wraps to 16 bits
	p.timestamp = 0x100000002; // wraps to 32 bits
	p.marker = false;
	assert.equal(p.buffer, buf);
	assert.deepEqual(buf.subarray(0, 12), hex('906f0001 00000002 deadbeef'));
	p.marker = true;
	p.payloadType = 0;
	assert.equal(buf[1], 0x80);
	assert.deepEqual(buf.subarray(12), hex('bede0001 50aa0000 9836be88'));
});

test('reusing one object: parse(buf) resets the extension index', () => {
	const p = new RtpPacket();
	assert.ok(p.parse(hex(BASIC)));
	assert.ok(p.hasExtensionId(5));
	assert.ok(p.parse(hex('8000 0001 00000002 00000003 ff')));
	assert.equal(p.hasExtensionId(5), false);
	assert.equal(p.extensionCount, 0);
	assert.equal(p.extensionForm, ExtensionForm.None);
	assert.equal(p.payloadLength, 1);
	assert.equal(p.parse(hex('00')), undefined);
	assert.ok(p.parse(hex(BASIC)));
	assert.deepEqual(p.getExtension(5), hex('aa'));
});

test('parse(buf, length): packet shorter than its buffer', () => {
	const slab = Buffer.alloc(1500);
	hex(BASIC).copy(slab);
	const p = RtpPacket.parse(slab, 24)!;
	assert.equal(p.length, 24);
	assert.equal(p.payloadLength, 4);
	assert.equal(p.serialize().length, 24);
	assert.equal(RtpPacket.parse(slab, 1501), undefined);
	assert.equal(RtpPacket.parse(slab, 12.5), undefined);
});

test('malformed input returns undefined', () => {
	const cases: Array<[string, string]> = [
		['empty', ''],
		['11 bytes', '8000000100000002000000'],
		['version 0', '00000001 00000002 00000003'],
		['version 1', '40000001 00000002 00000003'],
		['version 3', 'c0000001 00000002 00000003'],
		['CSRC count overruns', '82000001 00000002 00000003 00000004'],
		['extension header missing', '90000001 00000002 00000003 bede'],
		['extension length overruns', '90000001 00000002 00000003 bede0002 10aa0000'],
		['padding bit, no room for the count', 'a0000001 00000002 00000003'],
		['padding count 0', 'a0000001 00000002 00000003 aabb00'],
		['padding count larger than payload', 'a0000001 00000002 00000003 aabb04'],
		['one-byte element overruns the block', '90000001 00000002 00000003 bede0001 13aabbcc'],
		['two-byte element header cut', '90000001 00000002 00000003 10000001 000000 05'],
		['two-byte element overruns the block', '90000001 00000002 00000003 10000001 0103aabb'],
	];
	for (const [name, h] of cases) {
		assert.equal(RtpPacket.parse(hex(h)), undefined, name);
	}
});

test('RFC 3550 §5.1: padding read, strip, add; padding-only packet', () => {
	// 2-byte payload then 3 padding octets, the last one counting them.
	const p = RtpPacket.parse(hex('a0000001 00000002 00000003 aabb 000003'))!;
	assert.equal(p.hasPadding, true);
	assert.equal(p.paddingLength, 3);
	assert.deepEqual(p.payload, hex('aabb'));
	p.removePadding();
	assert.deepEqual(p.serialize(), hex('80000001 00000002 00000003 aabb'));
	p.addPadding(4);
	assert.deepEqual(p.serialize(), hex('a0000001 00000002 00000003 aabb 00000004'));
	assert.ok(RtpPacket.parse(p.serialize()));
	const only = RtpPacket.parse(hex('a0000001 00000002 00000003 00000004'))!;
	assert.equal(only.payloadLength, 0);
	assert.equal(only.paddingLength, 4);
	assert.throws(() => p.addPadding(0), RangeError);
	assert.throws(() => p.addPadding(256), RangeError);
});

test('RFC 3550 §5.1: CSRCs read and replaced', () => {
	const p = RtpPacket.parse(hex('92000001 00000002 00000003 11111111 22222222 bede0001 10ee0000 cafe'))!;
	assert.equal(p.csrcCount, 2);
	assert.equal(p.getCsrc(0), 0x11111111);
	assert.equal(p.getCsrc(1), 0x22222222);
	assert.throws(() => p.getCsrc(2), RangeError);
	assert.deepEqual(p.getExtension(1), hex('ee'));
	p.setCsrcs([0xffffffff]);
	assert.deepEqual(p.serialize(), hex('91000001 00000002 00000003 ffffffff bede0001 10ee0000 cafe'));
	assert.deepEqual(p.getExtension(1), hex('ee'));
	p.setCsrcs([1, 2, 3]);
	assert.equal(p.csrcCount, 3);
	assert.equal(p.getCsrc(2), 3);
	assert.deepEqual(p.payload, hex('cafe'));
	p.setCsrcs([]);
	assert.deepEqual(p.serialize(), hex('90000001 00000002 00000003 bede0001 10ee0000 cafe'));
});

test('setPayload and splicePayload move padding with the payload', () => {
	const p = RtpPacket.parse(hex('a0000001 00000002 00000003 aabb 0002'))!;
	p.setPayload(hex('010203'));
	assert.deepEqual(p.serialize(), hex('a0000001 00000002 00000003 010203 0002'));
	const o = p.splicePayload(1, 1, 3);
	p.buffer.fill(9, o, o + 3);
	assert.deepEqual(p.serialize(), hex('a0000001 00000002 00000003 01090909 03 0002'));
	assert.throws(() => p.splicePayload(5, 1, 0), RangeError);
});

test('create builds what parse reads back', () => {
	const p = RtpPacket.create({
		payloadType: 100,
		sequenceNumber: 65535,
		timestamp: 0xffffffff,
		ssrc: 1234,
		marker: true,
		csrcs: [7, 8],
		extensions: [
			{ id: 1, value: hex('01') },
			{ id: 14, value: hex('0102030405060708090a0b0c0d0e0f10') },
		],
		payload: hex('deadbeef'),
		paddingLength: 5,
	});
	const q = RtpPacket.parse(Buffer.from(p.serialize()))!;
	assert.equal(q.payloadType, 100);
	assert.equal(q.sequenceNumber, 65535);
	assert.equal(q.timestamp, 0xffffffff);
	assert.equal(q.ssrc, 1234);
	assert.equal(q.marker, true);
	assert.equal(q.getCsrc(1), 8);
	assert.equal(q.extensionForm, ExtensionForm.OneByte);
	assert.deepEqual(q.getExtension(14), hex('0102030405060708090a0b0c0d0e0f10'));
	assert.deepEqual(q.payload, hex('deadbeef'));
	assert.equal(q.paddingLength, 5);
	const t = RtpPacket.create({ payloadType: 1, sequenceNumber: 2, timestamp: 3, ssrc: 4, extensions: [{ id: 1, value: hex('ff') }], twoByteExtensions: true });
	assert.deepEqual(t.serialize(), hex('90010002 00000003 00000004 10000001 0101ff00'));
});

test('clone is a deep copy with spare capacity', () => {
	const p = RtpPacket.parse(hex(BASIC))!;
	const c = p.clone(100);
	assert.notEqual(c.buffer, p.buffer);
	assert.equal(c.buffer.length, 124);
	c.ssrc = 1;
	assert.equal(p.ssrc, 0x1c642782);
	assert.deepEqual(c.getExtension(5), hex('aa'));
});

test('payload: one view while the packet stays as it is; a new parse, setPayload or extension change gives the new payload', () => {
	const p = new RtpPacket();
	const a = Buffer.from('80000001000000020000000311223344', 'hex');
	const b = Buffer.from('8000000100000002000000035566778899', 'hex');
	assert.ok(p.parse(a));
	const first = p.payload;
	assert.equal(p.payload, first, 'the same view on a second read');
	assert.deepEqual([...first], [0x11, 0x22, 0x33, 0x44]);
	// Reused for another packet (the engine's scratch packets are): that packet's payload.
	assert.ok(p.parse(b));
	assert.deepEqual([...p.payload], [0x55, 0x66, 0x77, 0x88, 0x99]);
	// The same buffer again after another: its payload, from the buffer as it is now.
	a[12] = 0xaa;
	assert.ok(p.parse(a));
	assert.deepEqual([...p.payload], [0xaa, 0x22, 0x33, 0x44]);
	p.setPayload(Buffer.from([1, 2]));
	assert.deepEqual([...p.payload], [1, 2]);
	// An extension inserted before the payload moves it.
	p.setExtensionForm(ExtensionForm.OneByte);
	p.setExtension(3, Buffer.from([9]));
	assert.deepEqual([...p.payload], [1, 2]);
	assert.equal(p.payload.byteOffset - p.buffer.byteOffset, p.payloadOffset);
	p.removeExtension(3);
	assert.deepEqual([...p.payload], [1, 2]);
});
