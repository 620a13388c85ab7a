import { RtpPacket } from './rtpPacket.js';

/**
 * RTP retransmission payload format (RFC 4588 §4): an RTX packet carries the original
 * sequence number (OSN) in its first 2 payload bytes, then the original payload, on its own
 * SSRC, payload type and sequence number space. Padding is not carried over either way: it
 * belongs to the packet it was sent in, not to the media (and it is stripped before the
 * payload moves, so it costs nothing to copy).
 */

/** In place: `packet` becomes its RTX packet. May reallocate `packet.buffer` (2 bytes more). */
export function rtxEncapsulate(packet: RtpPacket, ssrc: number, payloadType: number, sequenceNumber: number): void {
	packet.removePadding();
	const osn = packet.sequenceNumber;
	const o = packet.splicePayload(0, 0, 2);
	const b = packet.buffer;
	b[o] = osn >>> 8;
	b[o + 1] = osn;
	packet.ssrc = ssrc;
	packet.payloadType = payloadType;
	packet.sequenceNumber = sequenceNumber;
}

/**
 * Writes the RTX packet of `source` (left untouched) into `out`, using `target` if it is big
 * enough, else one new Buffer. Returns `out`.
 */
export function rtxEncapsulateInto(
	source: RtpPacket,
	out: RtpPacket,
	ssrc: number,
	payloadType: number,
	sequenceNumber: number,
	target?: Buffer,
): RtpPacket {
	const src = source.buffer;
	const head = source.payloadOffset;
	const payloadLength = source.payloadLength;
	const length = head + 2 + payloadLength;
	const b = target !== undefined && target.length >= length ? target : Buffer.allocUnsafe(length);
	// The header is a few dozen bytes: a loop beats a native copy call.
	for (let i = 0; i < head; i++) b[i] = src[i];
	b[0] &= ~0x20;
	b[head] = src[2];
	b[head + 1] = src[3];
	src.copy(b, head + 2, head, head + payloadLength);
	// The header and extension block were valid in `source`, so this cannot fail.
	out.parse(b, length);
	out.ssrc = ssrc;
	out.payloadType = payloadType;
	out.sequenceNumber = sequenceNumber;
	return out;
}

/**
 * In place: `packet` (an RTX packet) becomes the original packet, with `ssrc` and
 * `payloadType` of the original stream (the RTX stream's apt). Returns `undefined`, leaving
 * the packet as it was, when the payload is shorter than the 2-byte OSN (e.g. the padding-only
 * RTX packets used for bandwidth probing).
 */
export function rtxDecapsulate(packet: RtpPacket, ssrc: number, payloadType: number): RtpPacket | undefined {
	if (packet.payloadLength < 2) return undefined;
	const o = packet.payloadOffset;
	const b = packet.buffer;
	const osn = (b[o] << 8) | b[o + 1];
	packet.removePadding();
	packet.splicePayload(0, 2, 0);
	packet.ssrc = ssrc;
	packet.payloadType = payloadType;
	packet.sequenceNumber = osn;
	return packet;
}

/** The OSN of an RTX packet without touching it, or -1 if the payload is too short. */
export function rtxOriginalSequenceNumber(packet: RtpPacket): number {
	if (packet.payloadLength < 2) return -1;
	const b = packet.buffer;
	const o = packet.payloadOffset;
	return (b[o] << 8) | b[o + 1];
}
