import type { RtpPacket } from './rtpPacket.js';

/**
 * Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2):
 * 16 bits, one counter across every stream of the transport, echoed in transport-cc
 * feedback. Version 02 may append 2 bytes of feedback request; they are ignored here.
 */
export const TRANSPORT_CC_URI =
	'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

export function getTransportSequenceNumber(packet: RtpPacket, id: number): number | undefined {
	const o = packet.getExtensionOffset(id, 2);
	if (o < 0) return undefined;
	const b = packet.buffer;
	return (b[o] << 8) | b[o + 1];
}

export function setTransportSequenceNumber(packet: RtpPacket, id: number, seq: number): void {
	const o = packet.reserveExtension(id, 2);
	const b = packet.buffer;
	b[o] = seq >>> 8;
	b[o + 1] = seq;
}
