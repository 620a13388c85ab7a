import type { RtpPacket } from './rtpPacket.js';
import { getStringExtension, setStringExtension } from './stringExtension.js';

/**
 * urn:ietf:params:rtp-hdrext:sdes:mid (RFC 8843 §15): the media identification tag that
 * ties an RTP stream to its m= section while its SSRC is not yet signalled.
 */
export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';

export function getMid(packet: RtpPacket, id: number): string | undefined {
	return getStringExtension(packet, id);
}

export function setMid(packet: RtpPacket, id: number, mid: string): void {
	setStringExtension(packet, id, mid);
}
