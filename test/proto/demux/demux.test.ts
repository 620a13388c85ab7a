import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyPacket, isDtls, isRtcp, isRtp, isRtpOrRtcp, isStun, PacketKind } from '../../../src/proto/demux';

test('RFC 7983 §7: every first-byte value', () => {
	for (let b = 0; b < 256; b++) {
		const kind = classifyPacket(Buffer.from([b, 0x60]));
		let expected: PacketKind = PacketKind.Unknown;
		if (b <= 3) expected = PacketKind.Stun;
		else if (b >= 16 && b <= 19) expected = PacketKind.Zrtp;
		else if (b >= 20 && b <= 63) expected = PacketKind.Dtls;
		else if (b >= 64 && b <= 79) expected = PacketKind.TurnChannel;
		else if (b >= 128 && b <= 191) expected = PacketKind.Rtp;
		assert.equal(kind, expected, `first byte ${b}`);
	}
});

test('RFC 5761 §4: second byte 192-223 is RTCP', () => {
	for (let b = 0; b < 256; b++) {
		const kind = classifyPacket(Buffer.from([0x80, b]));
		assert.equal(kind, b >= 192 && b <= 223 ? PacketKind.Rtcp : PacketKind.Rtp, `second byte ${b}`);
	}
	// RTCP SR (200), RR (201), SDES (202), BYE (203), APP (204), RTPFB (205), PSFB (206).
	for (const pt of [200, 201, 202, 203, 204, 205, 206]) assert.ok(isRtcp(Buffer.from([0x81, pt, 0, 1])));
	// RTP PT 96 with the marker bit: 0xe0 = 224, still RTP.
	assert.ok(isRtp(Buffer.from([0x80, 0xe0])));
	// RTP PT 72 with the marker bit would collide (200): RFC 5761 forbids PT 64-95.
	assert.ok(isRtcp(Buffer.from([0x80, 0x80 | 72])));
});

test('real first bytes: STUN binding request, DTLS ClientHello, RTP, RTCP', () => {
	assert.equal(classifyPacket(Buffer.from('000100002112a442', 'hex')), PacketKind.Stun);
	assert.equal(classifyPacket(Buffer.from('16fefd0000000000', 'hex')), PacketKind.Dtls);
	assert.equal(classifyPacket(Buffer.from('9060698fd9c293da', 'hex')), PacketKind.Rtp);
	assert.equal(classifyPacket(Buffer.from('80c80006aaaaaaaa', 'hex')), PacketKind.Rtcp);
	assert.ok(isStun(Buffer.from([1])));
	assert.ok(isDtls(Buffer.from([23])));
	assert.ok(isRtpOrRtcp(Buffer.from([0xbf])));
});

test('short input', () => {
	assert.equal(classifyPacket(Buffer.alloc(0)), PacketKind.Unknown);
	assert.equal(classifyPacket(Buffer.from([0x80])), PacketKind.Unknown);
	assert.equal(isStun(Buffer.alloc(0)), false);
	assert.equal(isRtp(Buffer.from([0x80])), false);
	assert.equal(isRtcp(Buffer.from([0x80])), false);
});
