import type { RtpPacket } from './rtpPacket.js';
import { getStringExtension, setStringExtension } from './stringExtension.js';

/**
 * RTP stream identifiers (RFC 8852 §3): `rid` names a simulcast encoding; `repaired-rid`
 * (§3.2), sent on a redundancy stream such as RTX, names the encoding it repairs.
 */
export const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
export const REPAIRED_RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';

export function getRid(packet: RtpPacket, id: number): string | undefined {
	return getStringExtension(packet, id);
}

export function setRid(packet: RtpPacket, id: number, rid: string): void {
	setStringExtension(packet, id, rid);
}

export function getRepairedRid(packet: RtpPacket, id: number): string | undefined {
	return getStringExtension(packet, id);
}

export function setRepairedRid(packet: RtpPacket, id: number, rid: string): void {
	setStringExtension(packet, id, rid);
}
