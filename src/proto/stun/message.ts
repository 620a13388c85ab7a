import { formatIPv4, formatIPv6, type StunAddress } from './address';
import {
	STUN_HEADER_LENGTH,
	STUN_MAGIC_COOKIE,
	StunAttribute,
	decodeMessageClass,
	decodeMessageMethod,
	type StunClass,
} from './constants';

/**
 * A parsed STUN message. Fields of attributes that were absent are undefined. Buffers
 * (`transactionId`, tie breakers) are views into `raw`, not copies.
 */
export class StunMessage {
	readonly raw: Buffer;
	/** The 14-bit message type as on the wire. */
	readonly type: number;
	readonly method: number;
	readonly messageClass: StunClass;
	/** 12 bytes. */
	readonly transactionId: Buffer;
	username: string | undefined;
	realm: string | undefined;
	nonce: string | undefined;
	software: string | undefined;
	/** ERROR-CODE as class * 100 + number (e.g. 487). */
	errorCode: number | undefined;
	errorReason: string | undefined;
	/** Contents of an UNKNOWN-ATTRIBUTES attribute (in a 420 response). */
	unknownAttributes: number[] | undefined;
	mappedAddress: StunAddress | undefined;
	xorMappedAddress: StunAddress | undefined;
	priority: number | undefined;
	useCandidate: boolean;
	/** 64-bit tie breaker, 8 bytes. */
	iceControlling: Buffer | undefined;
	iceControlled: Buffer | undefined;
	/** Renomination value (24 bits). */
	nomination: number | undefined;
	/** Offset in `raw` of the MESSAGE-INTEGRITY attribute header, -1 when absent. */
	messageIntegrityOffset: number;
	/** Offset in `raw` of the FINGERPRINT attribute header, -1 when absent. */
	fingerprintOffset: number;
	/**
	 * Comprehension-required attribute types (< 0x8000) this parser does not know, for a 420
	 * response (RFC 5389 section 7.3.1); undefined when there are none.
	 */
	unknownComprehensionRequired: number[] | undefined;

	constructor(raw: Buffer, type: number) {
		this.raw = raw;
		this.type = type;
		this.method = decodeMessageMethod(type);
		this.messageClass = decodeMessageClass(type);
		this.transactionId = raw.subarray(8, 20);
		this.username = undefined;
		this.realm = undefined;
		this.nonce = undefined;
		this.software = undefined;
		this.errorCode = undefined;
		this.errorReason = undefined;
		this.unknownAttributes = undefined;
		this.mappedAddress = undefined;
		this.xorMappedAddress = undefined;
		this.priority = undefined;
		this.useCandidate = false;
		this.iceControlling = undefined;
		this.iceControlled = undefined;
		this.nomination = undefined;
		this.messageIntegrityOffset = -1;
		this.fingerprintOffset = -1;
		this.unknownComprehensionRequired = undefined;
	}
}

/**
 * RFC 7983 section 7: STUN's first byte is 0-3; plus RFC 5389's magic cookie and a 4-aligned
 * length. A cheap demux test; `parseStunMessage` does the full validation.
 */
export function isStunMessage(buf: Uint8Array): boolean {
	return (
		buf.length >= STUN_HEADER_LENGTH &&
		buf[0] < 4 &&
		(buf[3] & 3) === 0 &&
		buf[4] === 0x21 &&
		buf[5] === 0x12 &&
		buf[6] === 0xa4 &&
		buf[7] === 0x42
	);
}

function decodeAddress(buf: Buffer, offset: number, length: number, xor: boolean): StunAddress | undefined {
	// RFC 5389 sections 15.1 and 15.2: reserved byte, family, port, address.
	if (length < 4) return undefined;
	const family = buf[offset + 1];
	let port = buf.readUInt16BE(offset + 2);
	if (xor) port ^= STUN_MAGIC_COOKIE >>> 16;
	if (family === 0x01) {
		if (length !== 8) return undefined;
		if (!xor) return { family: 'IPv4', address: formatIPv4(buf, offset + 4), port };
		const a = new Uint8Array(4);
		for (let i = 0; i < 4; i++) a[i] = buf[offset + 4 + i] ^ buf[4 + i];
		return { family: 'IPv4', address: formatIPv4(a, 0), port };
	}
	if (family === 0x02) {
		if (length !== 20) return undefined;
		if (!xor) return { family: 'IPv6', address: formatIPv6(buf, offset + 4), port };
		// XORed with the magic cookie followed by the transaction id: header bytes 4..19.
		const a = new Uint8Array(16);
		for (let i = 0; i < 16; i++) a[i] = buf[offset + 4 + i] ^ buf[4 + i];
		return { family: 'IPv6', address: formatIPv6(a, 0), port };
	}
	return undefined;
}

/** Returns false when a known attribute is malformed. */
function decodeAttribute(msg: StunMessage, buf: Buffer, attrType: number, offset: number, value: number, length: number): boolean {
	switch (attrType) {
		case StunAttribute.Username:
			// RFC 5389 section 15.3: fewer than 513 bytes.
			if (length > 513) return false;
			msg.username ??= buf.toString('utf8', value, value + length);
			return true;
		case StunAttribute.MessageIntegrity:
			if (length !== 20) return false;
			msg.messageIntegrityOffset = offset;
			return true;
		case StunAttribute.Fingerprint:
			if (length !== 4) return false;
			msg.fingerprintOffset = offset;
			return true;
		case StunAttribute.Priority:
			if (length !== 4) return false;
			msg.priority ??= buf.readUInt32BE(value);
			return true;
		case StunAttribute.UseCandidate:
			if (length !== 0) return false;
			msg.useCandidate = true;
			return true;
		case StunAttribute.IceControlling:
			if (length !== 8) return false;
			msg.iceControlling ??= buf.subarray(value, value + 8);
			return true;
		case StunAttribute.IceControlled:
			if (length !== 8) return false;
			msg.iceControlled ??= buf.subarray(value, value + 8);
			return true;
		case StunAttribute.Nomination:
			// draft-thatcher-ice-renomination section 4: 24 bits in the 3 least significant bytes.
			if (length !== 4) return false;
			msg.nomination ??= buf.readUInt32BE(value) & 0xffffff;
			return true;
		case StunAttribute.XorMappedAddress: {
			if (msg.xorMappedAddress) return true;
			const a = decodeAddress(buf, value, length, true);
			msg.xorMappedAddress = a;
			return a !== undefined;
		}
		case StunAttribute.MappedAddress: {
			if (msg.mappedAddress) return true;
			const a = decodeAddress(buf, value, length, false);
			msg.mappedAddress = a;
			return a !== undefined;
		}
		case StunAttribute.ErrorCode: {
			// RFC 5389 section 15.6: 21 reserved bits, class (3-6) in 3 bits, number (0-99) in 8 bits.
			if (length < 4) return false;
			const cls = buf[value + 2] & 0x07;
			const num = buf[value + 3];
			if (cls < 3 || cls > 6 || num > 99) return false;
			if (msg.errorCode === undefined) {
				msg.errorCode = cls * 100 + num;
				msg.errorReason = buf.toString('utf8', value + 4, value + length);
			}
			return true;
		}
		case StunAttribute.UnknownAttributes: {
			if (length & 1) return false;
			if (msg.unknownAttributes) return true;
			const list: number[] = [];
			for (let i = 0; i < length; i += 2) list.push(buf.readUInt16BE(value + i));
			msg.unknownAttributes = list;
			return true;
		}
		case StunAttribute.Realm:
			msg.realm ??= buf.toString('utf8', value, value + length);
			return true;
		case StunAttribute.Nonce:
			msg.nonce ??= buf.toString('utf8', value, value + length);
			return true;
		case StunAttribute.Software:
			msg.software ??= buf.toString('utf8', value, value + length);
			return true;
		default:
			// RFC 5389 section 15: 0x0000-0x7FFF are comprehension-required; the rest may be skipped.
			if (attrType < 0x8000) (msg.unknownComprehensionRequired ??= []).push(attrType);
			return true;
	}
}

/**
 * Parses one whole STUN message (a UDP datagram, or one RFC 4571 frame). Returns undefined,
 * never throws, on anything malformed: top bits set, bad magic cookie, length not a multiple
 * of 4 or not matching the buffer, attribute overrun, a known attribute of the wrong size, or
 * an attribute after FINGERPRINT.
 */
export function parseStunMessage(buf: Buffer): StunMessage | undefined {
	const len = buf.length;
	if (len < STUN_HEADER_LENGTH) return undefined;
	// RFC 5389 section 6: the two most significant bits are zero.
	if ((buf[0] & 0xc0) !== 0) return undefined;
	const bodyLength = (buf[2] << 8) | buf[3];
	if ((bodyLength & 3) !== 0 || bodyLength + STUN_HEADER_LENGTH !== len) return undefined;
	if (buf.readUInt32BE(4) !== STUN_MAGIC_COOKIE) return undefined;
	const msg = new StunMessage(buf, (buf[0] << 8) | buf[1]);
	let offset = STUN_HEADER_LENGTH;
	while (offset < len) {
		// Attributes start 4-aligned and the body length is a multiple of 4, so a header fits.
		const attrType = (buf[offset] << 8) | buf[offset + 1];
		const attrLength = (buf[offset + 2] << 8) | buf[offset + 3];
		const value = offset + 4;
		const next = value + ((attrLength + 3) & ~3);
		if (next > len) return undefined;
		// RFC 5389 section 15.5: FINGERPRINT is the last attribute.
		if (msg.fingerprintOffset >= 0) return undefined;
		if (msg.messageIntegrityOffset >= 0 && attrType !== StunAttribute.Fingerprint) {
			// RFC 5389 section 15.4: everything after MESSAGE-INTEGRITY but FINGERPRINT is ignored.
			offset = next;
			continue;
		}
		if (!decodeAttribute(msg, buf, attrType, offset, value, attrLength)) return undefined;
		offset = next;
	}
	return msg;
}
