import type { RtpPacket } from './rtpPacket.js';

/**
 * Playout delay (http://www.webrtc.org/experiments/rtp-hdrext/playout-delay): 3 bytes, a
 * 12-bit minimum then a 12-bit maximum, each in 10 ms units (0 to 40.95 s).
 */
export const PLAYOUT_DELAY_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';

export interface PlayoutDelay {
	minMs: number;
	maxMs: number;
}

export function getPlayoutDelay(packet: RtpPacket, id: number): PlayoutDelay | undefined {
	const o = packet.getExtensionOffset(id, 3);
	if (o < 0) return undefined;
	const b = packet.buffer;
	const v = (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
	return { minMs: (v >>> 12) * 10, maxMs: (v & 0xfff) * 10 };
}

/** Delays in ms, rounded to 10 ms, each 0-40950. */
export function setPlayoutDelay(packet: RtpPacket, id: number, minMs: number, maxMs: number): void {
	const min = Math.round(minMs / 10);
	const max = Math.round(maxMs / 10);
	if (!(min >= 0 && min <= 0xfff && max >= 0 && max <= 0xfff)) {
		throw new RangeError('playout delay must be 0-40950 ms');
	}
	const o = packet.reserveExtension(id, 3);
	const b = packet.buffer;
	b[o] = min >>> 4;
	b[o + 1] = ((min & 0x0f) << 4) | (max >>> 8);
	b[o + 2] = max;
}
