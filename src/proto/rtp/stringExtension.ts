import type { RtpPacket } from './rtpPacket.js';

/**
 * Shared codec of the RTCP-SDES-item-like string extensions (mid, rid, repaired-rid): the
 * value is the UTF-8 text itself, no terminator (RFC 8843 §15, RFC 8852 §3).
 */

/**
 * Reads extension `id` as a string, or `undefined` if absent or empty. A NUL octet ends the
 * string early: some senders pad the value, and a well-formed value never contains one.
 */
export function getStringExtension(packet: RtpPacket, id: number): string | undefined {
	const k = packet.findExtension(id);
	if (k < 0) return undefined;
	const b = packet.buffer;
	const o = packet.extensionOffsetAt(k);
	const end = o + packet.extensionLengthAt(k);
	let n = o;
	while (n < end && b[n] !== 0) n++;
	if (n === o) return undefined;
	return b.toString('utf8', o, n);
}

/** Writes `value` (1-255 UTF-8 bytes; over 16 switches the block to the two-byte form). */
export function setStringExtension(packet: RtpPacket, id: number, value: string): void {
	const len = Buffer.byteLength(value, 'utf8');
	if (len < 1 || len > 255) throw new RangeError('string extension must be 1-255 bytes');
	const o = packet.reserveExtension(id, len);
	packet.buffer.write(value, o, len, 'utf8');
}

/** True if extension `id` holds exactly the bytes `expected` (no string allocation). */
export function stringExtensionEquals(packet: RtpPacket, id: number, expected: Uint8Array): boolean {
	const k = packet.findExtension(id);
	if (k < 0) return false;
	const b = packet.buffer;
	const o = packet.extensionOffsetAt(k);
	let len = packet.extensionLengthAt(k);
	while (len > 0 && b[o + len - 1] === 0) len--;
	if (len !== expected.length || len === 0) return false;
	for (let k = 0; k < len; k++) if (b[o + k] !== expected[k]) return false;
	return true;
}
