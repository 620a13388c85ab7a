import { parseIpAddress, type StunAddressInit } from './address';
import {
	STUN_HEADER_LENGTH,
	STUN_MAGIC_COOKIE,
	StunAttribute,
	StunMethod,
	encodeMessageType,
	type StunClass,
} from './constants';
import { computeFingerprint, computeMessageIntegrity } from './integrity';

export interface StunMessageInit {
	/** Defaults to Binding. */
	method?: number;
	messageClass: StunClass;
	/** 12 bytes. */
	transactionId: Uint8Array;
	username?: string;
	realm?: string;
	nonce?: string;
	/** class * 100 + number, 300-699. */
	errorCode?: number;
	errorReason?: string;
	unknownAttributes?: readonly number[];
	xorMappedAddress?: StunAddressInit;
	mappedAddress?: StunAddressInit;
	priority?: number;
	useCandidate?: boolean;
	/** 8-byte tie breakers. */
	iceControlling?: Uint8Array;
	iceControlled?: Uint8Array;
	nomination?: number;
	software?: string;
}

export interface StunBuildOptions {
	/** Adds MESSAGE-INTEGRITY keyed with this short-term password (or key bytes). */
	integrityKey?: string | Buffer;
	/** Adds FINGERPRINT (RFC 8445 section 7.1 wants it on every ICE check and response). */
	fingerprint?: boolean;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function addressBytes(a: StunAddressInit): Buffer {
	const bytes = parseIpAddress(a.address);
	if (!bytes) throw new TypeError(`invalid IP address '${a.address}'`);
	if (a.family !== undefined && a.family !== (bytes.length === 4 ? 'IPv4' : 'IPv6')) {
		throw new TypeError(`address '${a.address}' is not ${a.family}`);
	}
	if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffff) throw new TypeError(`invalid port ${a.port}`);
	return bytes;
}

function writeHeader(buf: Buffer, offset: number, type: number, length: number): number {
	buf.writeUInt16BE(type, offset);
	buf.writeUInt16BE(length, offset + 2);
	return offset + 4;
}

function writeAddress(buf: Buffer, offset: number, type: number, a: StunAddressInit, bytes: Buffer, xor: boolean): number {
	let o = writeHeader(buf, offset, type, 4 + bytes.length);
	buf[o] = 0;
	buf[o + 1] = bytes.length === 4 ? 0x01 : 0x02;
	buf.writeUInt16BE(xor ? a.port ^ (STUN_MAGIC_COOKIE >>> 16) : a.port, o + 2);
	o += 4;
	// RFC 5389 section 15.2: XOR with the magic cookie, then (IPv6) the transaction id, which
	// are header bytes 4..19, already written.
	for (let i = 0; i < bytes.length; i++) buf[o + i] = xor ? bytes[i] ^ buf[4 + i] : bytes[i];
	return o + bytes.length;
}

function writeString(buf: Buffer, offset: number, type: number, value: string): number {
	const n = buf.write(value, offset + 4, 'utf8');
	writeHeader(buf, offset, type, n);
	return offset + 4 + pad4(n);
}

/**
 * Serialises a STUN message. Attributes are written in a fixed order (SOFTWARE first as in RFC 5769,
 * MESSAGE-INTEGRITY then FINGERPRINT last). Throws TypeError on invalid input (this is for our own messages).
 */
export function buildStunMessage(init: StunMessageInit, options?: StunBuildOptions): Buffer {
	if (init.transactionId.length !== 12) throw new TypeError('transactionId must be 12 bytes');
	const method = init.method ?? StunMethod.Binding;
	if (!Number.isInteger(method) || method < 0 || method > 0xfff) throw new TypeError(`invalid method ${method}`);
	let size = STUN_HEADER_LENGTH;
	if (init.username !== undefined) size += 4 + pad4(Buffer.byteLength(init.username));
	if (init.realm !== undefined) size += 4 + pad4(Buffer.byteLength(init.realm));
	if (init.nonce !== undefined) size += 4 + pad4(Buffer.byteLength(init.nonce));
	if (init.errorCode !== undefined) {
		if (!Number.isInteger(init.errorCode) || init.errorCode < 300 || init.errorCode > 699) {
			throw new TypeError(`invalid error code ${init.errorCode}`);
		}
		size += 8 + pad4(Buffer.byteLength(init.errorReason ?? ''));
	}
	if (init.unknownAttributes !== undefined) size += 4 + pad4(2 * init.unknownAttributes.length);
	const xorBytes = init.xorMappedAddress && addressBytes(init.xorMappedAddress);
	if (xorBytes) size += 8 + xorBytes.length;
	const mappedBytes = init.mappedAddress && addressBytes(init.mappedAddress);
	if (mappedBytes) size += 8 + mappedBytes.length;
	if (init.priority !== undefined) size += 8;
	if (init.useCandidate) size += 4;
	if (init.iceControlling !== undefined) {
		if (init.iceControlling.length !== 8) throw new TypeError('iceControlling must be 8 bytes');
		size += 12;
	}
	if (init.iceControlled !== undefined) {
		if (init.iceControlled.length !== 8) throw new TypeError('iceControlled must be 8 bytes');
		size += 12;
	}
	if (init.nomination !== undefined) size += 8;
	if (init.software !== undefined) size += 4 + pad4(Buffer.byteLength(init.software));
	const key = options?.integrityKey;
	const integrityOffset = size;
	if (key !== undefined) size += 24;
	const fingerprintOffset = size;
	if (options?.fingerprint) size += 8;
	if (size - STUN_HEADER_LENGTH > 0xffff) throw new TypeError('STUN message too long');

	const buf = Buffer.alloc(size);
	buf.writeUInt16BE(encodeMessageType(method, init.messageClass), 0);
	buf.writeUInt16BE(size - STUN_HEADER_LENGTH, 2);
	buf.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
	buf.set(init.transactionId, 8);
	let o = STUN_HEADER_LENGTH;
	// SOFTWARE first, as in the RFC 5769 vectors.
	if (init.software !== undefined) o = writeString(buf, o, StunAttribute.Software, init.software);
	if (init.username !== undefined) o = writeString(buf, o, StunAttribute.Username, init.username);
	if (init.realm !== undefined) o = writeString(buf, o, StunAttribute.Realm, init.realm);
	if (init.nonce !== undefined) o = writeString(buf, o, StunAttribute.Nonce, init.nonce);
	if (init.errorCode !== undefined) {
		const n = buf.write(init.errorReason ?? '', o + 8, 'utf8');
		writeHeader(buf, o, StunAttribute.ErrorCode, 4 + n);
		buf[o + 6] = Math.floor(init.errorCode / 100);
		buf[o + 7] = init.errorCode % 100;
		o += 8 + pad4(n);
	}
	if (init.unknownAttributes !== undefined) {
		const list = init.unknownAttributes;
		writeHeader(buf, o, StunAttribute.UnknownAttributes, 2 * list.length);
		for (let i = 0; i < list.length; i++) buf.writeUInt16BE(list[i], o + 4 + 2 * i);
		o += 4 + pad4(2 * list.length);
	}
	if (xorBytes) o = writeAddress(buf, o, StunAttribute.XorMappedAddress, init.xorMappedAddress!, xorBytes, true);
	if (mappedBytes) o = writeAddress(buf, o, StunAttribute.MappedAddress, init.mappedAddress!, mappedBytes, false);
	if (init.priority !== undefined) {
		writeHeader(buf, o, StunAttribute.Priority, 4);
		buf.writeUInt32BE(init.priority >>> 0, o + 4);
		o += 8;
	}
	if (init.useCandidate) o = writeHeader(buf, o, StunAttribute.UseCandidate, 0);
	if (init.iceControlled !== undefined) {
		writeHeader(buf, o, StunAttribute.IceControlled, 8);
		buf.set(init.iceControlled, o + 4);
		o += 12;
	}
	if (init.iceControlling !== undefined) {
		writeHeader(buf, o, StunAttribute.IceControlling, 8);
		buf.set(init.iceControlling, o + 4);
		o += 12;
	}
	if (init.nomination !== undefined) {
		writeHeader(buf, o, StunAttribute.Nomination, 4);
		buf.writeUInt32BE(init.nomination & 0xffffff, o + 4);
		o += 8;
	}
	if (key !== undefined) {
		writeHeader(buf, integrityOffset, StunAttribute.MessageIntegrity, 20);
		computeMessageIntegrity(buf, integrityOffset, key).copy(buf, integrityOffset + 4);
	}
	if (options?.fingerprint) {
		writeHeader(buf, fingerprintOffset, StunAttribute.Fingerprint, 4);
		buf.writeUInt32BE(computeFingerprint(buf, fingerprintOffset), fingerprintOffset + 4);
	}
	return buf;
}
