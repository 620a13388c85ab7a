/**
 * NTP timestamps (RFC 3550 section 4) from millisecond clocks, without BigInt.
 *
 * An NTP timestamp is 32 bits of seconds since 1900-01-01 and 32 bits of fraction. Sender
 * reports carry the full 64 bits; LSR/DLSR use the "compact" middle 32 bits (16.16 fixed point,
 * RFC 3550 section 6.4.1), which is what RTT arithmetic works in.
 */

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_S = 2208988800;

/** NTP seconds (mod 2^32) of a millisecond time on the Unix epoch. */
export function ntpSecondsFromMs(ms: number): number {
	return (Math.floor(ms / 1000) + NTP_UNIX_OFFSET_S) >>> 0;
}

/** NTP fraction (units of 2^-32 s) of a millisecond time. */
export function ntpFractionFromMs(ms: number): number {
	const rem = ms - Math.floor(ms / 1000) * 1000;
	return Math.floor((rem / 1000) * 4294967296) >>> 0;
}

/** The middle 32 bits of the 64-bit NTP timestamp of a millisecond time. */
export function compactNtpFromMs(ms: number): number {
	return compactNtp(ntpSecondsFromMs(ms), ntpFractionFromMs(ms));
}

/** The middle 32 bits of a 64-bit NTP timestamp given as its two halves (the LSR field). */
export function compactNtp(seconds: number, fraction: number): number {
	return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** Milliseconds (Unix epoch) of a 64-bit NTP timestamp given as its two halves (era 0). */
export function msFromNtp(seconds: number, fraction: number): number {
	return (seconds - NTP_UNIX_OFFSET_S) * 1000 + (fraction / 4294967296) * 1000;
}

/** A duration in milliseconds as units of 1/65536 s (the DLSR field), rounded, 32-bit. */
export function msToQ16(ms: number): number {
	if (!(ms > 0)) return 0;
	return Math.min(0xffffffff, Math.round((ms * 65536) / 1000)) >>> 0;
}

/** Units of 1/65536 s as milliseconds. */
export function q16ToMs(q: number): number {
	return (q * 1000) / 65536;
}
