import type { RtpPacket } from './rtpPacket.js';

/**
 * abs-send-time (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time): 3 bytes, the
 * send time in seconds as unsigned 6.18 fixed point, so it wraps every 64 s. Used by the
 * REMB bandwidth estimator.
 */
export const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';

/** The raw 24-bit value, or `undefined` if absent or shorter than 3 bytes. */
export function getAbsSendTime(packet: RtpPacket, id: number): number | undefined {
	const o = packet.getExtensionOffset(id, 3);
	if (o < 0) return undefined;
	const b = packet.buffer;
	return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
}

/** Writes a raw 24-bit value (see `absSendTimeFromMs`). */
export function setAbsSendTime(packet: RtpPacket, id: number, value: number): void {
	const o = packet.reserveExtension(id, 3);
	const b = packet.buffer;
	b[o] = value >>> 16;
	b[o + 1] = value >>> 8;
	b[o + 2] = value;
}

/** 6.18 fixed point of a time in milliseconds (any epoch), modulo 64 s. */
export function absSendTimeFromMs(ms: number): number {
	return Math.round((ms * 262144) / 1000) % 0x1000000;
}

/** Milliseconds (0 to just under 64000) of a raw 24-bit value. */
export function absSendTimeToMs(value: number): number {
	return (value * 1000) / 262144;
}
