import type { RtpPacket } from './rtpPacket.js';

/**
 * Absolute capture time (http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time):
 * 8 bytes, the capture time as a 64-bit NTP timestamp (Q32.32 seconds since 1900), optionally
 * followed by 8 bytes of estimated capture clock offset (signed Q32.32 seconds). Each 64-bit
 * number is kept as two 32-bit halves to stay clear of BigInt on the hot path.
 */
export const ABS_CAPTURE_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';

/** Reusable result holder for `readAbsCaptureTime`. */
export class AbsCaptureTime {
	/** NTP seconds (unsigned 32-bit). */
	ntpSeconds: number;
	/** NTP fraction of a second (unsigned 32-bit, units of 2^-32 s). */
	ntpFraction: number;
	hasClockOffset: boolean;
	/** Integer part of the clock offset (signed 32-bit). */
	clockOffsetHigh: number;
	/** Fractional part of the clock offset (unsigned 32-bit). */
	clockOffsetLow: number;

	constructor() {
		this.ntpSeconds = 0;
		this.ntpFraction = 0;
		this.hasClockOffset = false;
		this.clockOffsetHigh = 0;
		this.clockOffsetLow = 0;
	}
}

/** Fills `out`; returns false (leaving `out` alone) if absent or not 8 or 16 bytes. */
export function readAbsCaptureTime(packet: RtpPacket, id: number, out: AbsCaptureTime): boolean {
	const k = packet.findExtension(id);
	if (k < 0) return false;
	const len = packet.extensionLengthAt(k);
	if (len !== 8 && len !== 16) return false;
	const o = packet.extensionOffsetAt(k);
	const b = packet.buffer;
	out.ntpSeconds = b.readUInt32BE(o);
	out.ntpFraction = b.readUInt32BE(o + 4);
	out.hasClockOffset = len === 16;
	out.clockOffsetHigh = len === 16 ? b.readInt32BE(o + 8) : 0;
	out.clockOffsetLow = len === 16 ? b.readUInt32BE(o + 12) : 0;
	return true;
}

/** Writes 8 bytes, or 16 when the clock offset halves are given. */
export function setAbsCaptureTime(
	packet: RtpPacket,
	id: number,
	ntpSeconds: number,
	ntpFraction: number,
	clockOffsetHigh?: number,
	clockOffsetLow?: number,
): void {
	const withOffset = clockOffsetHigh !== undefined;
	const o = packet.reserveExtension(id, withOffset ? 16 : 8);
	const b = packet.buffer;
	b.writeUInt32BE(ntpSeconds >>> 0, o);
	b.writeUInt32BE(ntpFraction >>> 0, o + 4);
	if (withOffset) {
		b.writeInt32BE(clockOffsetHigh | 0, o + 8);
		b.writeUInt32BE((clockOffsetLow ?? 0) >>> 0, o + 12);
	}
}

/** NTP timestamp halves to milliseconds since 1900-01-01 (exact to ~0.25 us). */
export function ntpToMs(seconds: number, fraction: number): number {
	return seconds * 1000 + (fraction * 1000) / 4294967296;
}

/** Signed Q32.32 halves to milliseconds. */
export function clockOffsetToMs(high: number, low: number): number {
	return high * 1000 + (low * 1000) / 4294967296;
}
