import { createHmac, timingSafeEqual } from 'node:crypto';
import { STUN_FINGERPRINT_XOR, STUN_HEADER_LENGTH } from './constants';
import { crc32 } from './crc32';
import type { StunMessage } from './message';

const headerScratch = Buffer.alloc(4);

/**
 * HMAC-SHA1 of buf[0, integrityOffset) where the header length is rewritten to end just after
 * a MESSAGE-INTEGRITY at integrityOffset (RFC 5389 section 15.4): attributes that follow it,
 * FINGERPRINT included, are left out of the length. `key` is the short-term password (RFC 5389
 * section 15.4: SASLprep'd; ICE passwords are ASCII so the UTF-8 bytes are the key) or a
 * ready key Buffer (e.g. the long-term MD5(username ":" realm ":" password)).
 */
export function computeMessageIntegrity(buf: Uint8Array, integrityOffset: number, key: string | Buffer): Buffer {
	const adjusted = integrityOffset - STUN_HEADER_LENGTH + 24;
	headerScratch[0] = buf[0];
	headerScratch[1] = buf[1];
	headerScratch[2] = adjusted >>> 8;
	headerScratch[3] = adjusted & 0xff;
	return createHmac('sha1', key).update(headerScratch).update(buf.subarray(4, integrityOffset)).digest();
}

/** True when the message has a MESSAGE-INTEGRITY that matches this password (or key). */
export function checkMessageIntegrity(msg: StunMessage, password: string | Buffer): boolean {
	const offset = msg.messageIntegrityOffset;
	if (offset < 0) return false;
	const expected = computeMessageIntegrity(msg.raw, offset, password);
	return timingSafeEqual(expected, msg.raw.subarray(offset + 4, offset + 24));
}

/** RFC 5389 section 15.5: CRC-32 of the message up to FINGERPRINT, XOR 0x5354554e. */
export function computeFingerprint(buf: Uint8Array, fingerprintOffset: number): number {
	return (crc32(buf, 0, fingerprintOffset) ^ STUN_FINGERPRINT_XOR) >>> 0;
}

/** True when the message has a FINGERPRINT and it matches. */
export function checkFingerprint(msg: StunMessage): boolean {
	const offset = msg.fingerprintOffset;
	if (offset < 0) return false;
	return computeFingerprint(msg.raw, offset) === msg.raw.readUInt32BE(offset + 4);
}
