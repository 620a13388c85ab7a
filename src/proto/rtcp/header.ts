/**
 * The common RTCP header (RFC 3550 section 6.4.1) and byte helpers shared by every packet type.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

export const RTCP_HEADER_LENGTH = 4;

/** Packet types (RFC 3550 section 12.1, RFC 4585 section 6.1, RFC 3611 section 2). */
export const PT_SR = 200;
export const PT_RR = 201;
export const PT_SDES = 202;
export const PT_BYE = 203;
export const PT_APP = 204;
export const PT_RTPFB = 205;
export const PT_PSFB = 206;
export const PT_XR = 207;

/** Transport-layer feedback FMT values (RFC 4585 section 6.2, transport-cc draft section 3.1). */
export const FMT_NACK = 1;
export const FMT_TRANSPORT_CC = 15;
/** Payload-specific feedback FMT values (RFC 4585 section 6.3, RFC 5104 section 4.3, REMB draft). */
export const FMT_PLI = 1;
export const FMT_SLI = 2;
export const FMT_FIR = 4;
export const FMT_AFB = 15;

export function readU16(b: Uint8Array, o: number): number {
	return (b[o] << 8) | b[o + 1];
}

export function readU24(b: Uint8Array, o: number): number {
	return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
}

export function readU32(b: Uint8Array, o: number): number {
	return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

export function writeU16(b: Uint8Array, o: number, v: number): void {
	b[o] = v >>> 8;
	b[o + 1] = v;
}

export function writeU24(b: Uint8Array, o: number, v: number): void {
	b[o] = v >>> 16;
	b[o + 1] = v >>> 8;
	b[o + 2] = v;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
	b[o] = v >>> 24;
	b[o + 1] = v >>> 16;
	b[o + 2] = v >>> 8;
	b[o + 3] = v;
}

/** True when the bytes at `offset` may begin an RTCP packet of version 2 with a whole header. */
export function isRtcpHeader(b: Uint8Array, offset: number): boolean {
	return b.length - offset >= RTCP_HEADER_LENGTH && (b[offset] >>> 6) === 2;
}

/** The 5-bit count / FMT / subtype field. */
export function rtcpCount(b: Uint8Array, offset: number): number {
	return b[offset] & 0x1f;
}

export function rtcpPacketType(b: Uint8Array, offset: number): number {
	return b[offset + 1];
}

/** Whole packet length in bytes, header included (RFC 3550: length field is 32-bit words minus one). */
export function rtcpPacketLength(b: Uint8Array, offset: number): number {
	return (readU16(b, offset + 2) + 1) * 4;
}

/**
 * Checks the header of the single packet at `b[offset, offset + length)` and returns the number of
 * padding octets (0 when the P bit is clear), or -1 when the version, type, length or padding is
 * wrong. RFC 3550 section 6.4.1: the last padding octet counts the padding, itself included, so it
 * is at least 1 and never reaches into the header.
 */
export function checkPacket(b: Uint8Array, offset: number, length: number, pt: number): number {
	if (length < RTCP_HEADER_LENGTH || offset < 0 || offset + length > b.length) return -1;
	if ((b[offset] >>> 6) !== 2 || b[offset + 1] !== pt) return -1;
	if (rtcpPacketLength(b, offset) !== length) return -1;
	if ((b[offset] & 0x20) === 0) return 0;
	const padding = b[offset + length - 1];
	if (padding === 0 || padding > length - RTCP_HEADER_LENGTH) return -1;
	return padding;
}

/**
 * Writes the header of a packet of `totalLength` bytes (a multiple of 4, padding included) and,
 * when `padding` > 0, its padding: zeros ended by the count octet (RFC 3550 section 6.4.1).
 */
export function writeHeader(
	b: Uint8Array,
	offset: number,
	count: number,
	pt: number,
	totalLength: number,
	padding: number
): void {
	if ((totalLength & 3) !== 0 || totalLength < RTCP_HEADER_LENGTH || totalLength > 0x40000) {
		throw new RangeError(`invalid RTCP packet length ${totalLength}`);
	}
	b[offset] = 0x80 | (padding > 0 ? 0x20 : 0) | (count & 0x1f);
	b[offset + 1] = pt;
	writeU16(b, offset + 2, totalLength / 4 - 1);
	if (padding > 0) {
		const end = offset + totalLength;
		b.fill(0, end - padding, end - 1);
		b[end - 1] = padding;
	}
}

/** Padding octets a packet carries: 0, or 1..255 (RFC 3550 section 6.4.1). */
export function checkPadding(padding: number): void {
	if (!Number.isInteger(padding) || padding < 0 || padding > 255) {
		throw new RangeError(`invalid RTCP padding ${padding}`);
	}
}

/**
 * The middle 32 bits of a 64-bit NTP timestamp given as its two 32-bit halves: the "LSR" of a
 * report block and the "LRR" of an XR DLRR sub-block (RFC 3550 section 6.4.1, RFC 3611 4.5).
 */
export function ntpMiddle32(ntpSeconds: number, ntpFraction: number): number {
	return (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;
}

/** Allocates a buffer of `size` bytes (every byte is then written by the serializer). */
export function allocPacket(size: number): Buffer {
	return Buffer.allocUnsafe(size);
}

/**
 * Checks a feedback packet (RFC 4585 section 6.1: common header with FMT, SSRC of packet sender,
 * SSRC of media source) and returns its padding, or -1.
 */
export function checkFeedback(b: Uint8Array, offset: number, length: number, pt: number, fmt: number): number {
	const padding = checkPacket(b, offset, length, pt);
	if (padding < 0 || (b[offset] & 0x1f) !== fmt || length - padding < 12) return -1;
	return padding;
}

/** A copy of `b[start, end)` as a plain Uint8Array, so parsed packets never alias the datagram. */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
	return new Uint8Array(b.subarray(start, end));
}
