import type { RtpPacket } from './rtpPacket.js';

/**
 * Transmission time offset (RFC 5450 §3, urn:ietf:params:rtp-hdrext:toffset): 24-bit signed
 * offset, in RTP timestamp units, of the send time from the packet's RTP timestamp.
 */
export const TRANSMISSION_OFFSET_URI = 'urn:ietf:params:rtp-hdrext:toffset';

export function getTransmissionOffset(packet: RtpPacket, id: number): number | undefined {
	const o = packet.getExtensionOffset(id, 3);
	if (o < 0) return undefined;
	const b = packet.buffer;
	// Sign-extend from 24 bits.
	return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8)) >> 8;
}

/** `offset` in -8388608 .. 8388607. */
export function setTransmissionOffset(packet: RtpPacket, id: number, offset: number): void {
	if (!(offset >= -0x800000 && offset <= 0x7fffff)) throw new RangeError('toffset is 24-bit signed');
	const o = packet.reserveExtension(id, 3);
	const b = packet.buffer;
	b[o] = offset >> 16;
	b[o + 1] = offset >> 8;
	b[o + 2] = offset;
}
