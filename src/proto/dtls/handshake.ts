/**
 * DTLS handshake messages: the 12-byte fragment header (RFC 6347 section 4.2.2), reassembly of
 * fragments in any order, and codecs for each message body (RFC 5246 section 7.4, RFC 8422
 * section 5, RFC 5764 section 4.1.1, RFC 7627, RFC 5746). Parsers return undefined, never throw.
 */
import { ExtensionType } from './constants';

export const HANDSHAKE_HEADER_LENGTH = 12;
/** Largest handshake message we reassemble (a long certificate chain fits; bounds memory per peer). */
export const MAX_HANDSHAKE_MESSAGE = 64 * 1024;

/** Bounds-checked reader: a read past the end sets `bad` and yields zeros/empty (no throws). */
export class Reader {
	bad = false;
	constructor(
		readonly buf: Buffer,
		public o = 0,
		readonly end = buf.length
	) {}
	get remaining(): number {
		return this.end - this.o;
	}
	private need(n: number): boolean {
		if (this.bad || this.o + n > this.end) {
			this.bad = true;
			return false;
		}
		return true;
	}
	u8(): number {
		if (!this.need(1)) return 0;
		return this.buf[this.o++];
	}
	u16(): number {
		if (!this.need(2)) return 0;
		const v = this.buf.readUInt16BE(this.o);
		this.o += 2;
		return v;
	}
	u24(): number {
		if (!this.need(3)) return 0;
		const v = this.buf.readUIntBE(this.o, 3);
		this.o += 3;
		return v;
	}
	bytes(n: number): Buffer {
		if (!this.need(n)) return Buffer.alloc(0);
		const v = this.buf.subarray(this.o, this.o + n);
		this.o += n;
		return v;
	}
	vec8(): Buffer {
		return this.bytes(this.u8());
	}
	vec16(): Buffer {
		return this.bytes(this.u16());
	}
	vec24(): Buffer {
		return this.bytes(this.u24());
	}
}

function u16(v: number): Buffer {
	const b = Buffer.allocUnsafe(2);
	b.writeUInt16BE(v);
	return b;
}
function u24(v: number): Buffer {
	const b = Buffer.allocUnsafe(3);
	b.writeUIntBE(v, 0, 3);
	return b;
}
const vec8 = (b: Uint8Array): Buffer => Buffer.concat([Buffer.from([b.length]), b]);
const vec16 = (b: Uint8Array): Buffer => Buffer.concat([u16(b.length), b]);
const vec24 = (b: Uint8Array): Buffer => Buffer.concat([u24(b.length), b]);
const list16 = (values: readonly number[]): Buffer => vec16(Buffer.concat(values.map(u16)));

export interface HandshakeFragment {
	msgType: number;
	length: number;
	messageSeq: number;
	fragmentOffset: number;
	fragmentLength: number;
	body: Buffer;
}

/** RFC 6347 section 4.2.2: splits a handshake record's plaintext into fragments (several may share it). */
export function parseHandshakeFragments(payload: Buffer): HandshakeFragment[] | undefined {
	const out: HandshakeFragment[] = [];
	let o = 0;
	while (o < payload.length) {
		if (payload.length - o < HANDSHAKE_HEADER_LENGTH) return undefined;
		const msgType = payload[o];
		const length = payload.readUIntBE(o + 1, 3);
		const messageSeq = payload.readUInt16BE(o + 4);
		const fragmentOffset = payload.readUIntBE(o + 6, 3);
		const fragmentLength = payload.readUIntBE(o + 9, 3);
		o += HANDSHAKE_HEADER_LENGTH;
		if (o + fragmentLength > payload.length || fragmentOffset + fragmentLength > length) return undefined;
		out.push({ msgType, length, messageSeq, fragmentOffset, fragmentLength, body: payload.subarray(o, o + fragmentLength) });
		o += fragmentLength;
	}
	return out;
}

export function encodeHandshakeHeader(msgType: number, length: number, messageSeq: number, fragmentOffset: number, fragmentLength: number): Buffer {
	const h = Buffer.allocUnsafe(HANDSHAKE_HEADER_LENGTH);
	h[0] = msgType;
	h.writeUIntBE(length, 1, 3);
	h.writeUInt16BE(messageSeq, 4);
	h.writeUIntBE(fragmentOffset, 6, 3);
	h.writeUIntBE(fragmentLength, 9, 3);
	return h;
}

/** The message as one unfragmented handshake (what the transcript hashes, RFC 6347 4.2.6). */
export function encodeWholeMessage(msgType: number, messageSeq: number, body: Uint8Array): Buffer {
	return Buffer.concat([encodeHandshakeHeader(msgType, body.length, messageSeq, 0, body.length), body]);
}

/** Fragments split to fit `maxFragment` body bytes each (RFC 6347 4.2.3). */
export function fragmentMessage(msgType: number, messageSeq: number, body: Buffer, maxFragment: number): Buffer[] {
	const out: Buffer[] = [];
	let off = 0;
	do {
		const n = Math.min(maxFragment, body.length - off);
		out.push(Buffer.concat([encodeHandshakeHeader(msgType, body.length, messageSeq, off, n), body.subarray(off, off + n)]));
		off += n;
	} while (off < body.length);
	return out;
}

export interface AssembledMessage {
	msgType: number;
	messageSeq: number;
	body: Buffer;
	/** Highest record epoch any fragment came in (Finished must come protected). */
	epoch: number;
}

interface Partial {
	msgType: number;
	length: number;
	body: Buffer;
	have: Uint8Array;
	missing: number;
	epoch: number;
}

/**
 * Reassembles handshake messages from fragments that may arrive in any order, duplicated or
 * overlapping (RFC 6347 4.2.3), and hands them out in message_seq order.
 */
export class HandshakeReassembler {
	/** Next message_seq the state machine expects. */
	nextSeq = 0;
	private readonly pending = new Map<number, Partial>();
	/** How far ahead of nextSeq we buffer (a flight is at most 5 messages). */
	static readonly WINDOW = 8;

	reset(nextSeq: number): void {
		this.nextSeq = nextSeq;
		this.pending.clear();
	}

	/**
	 * Adds one fragment. Returns 'old' for a message_seq already consumed (the peer retransmits),
	 * 'bad' when it disagreed with earlier fragments of its message (which it then replaces) or is
	 * too long, 'ok' otherwise.
	 */
	add(f: HandshakeFragment, epoch: number): 'ok' | 'old' | 'bad' {
		if (f.messageSeq < this.nextSeq) return 'old';
		if (f.messageSeq >= this.nextSeq + HandshakeReassembler.WINDOW) return 'ok'; // too far ahead: drop
		if (f.length > MAX_HANDSHAKE_MESSAGE) return 'bad';
		let p = this.pending.get(f.messageSeq);
		let conflict = false;
		if (p !== undefined && (p.msgType !== f.msgType || p.length !== f.length)) {
			// Epoch 0 is unauthenticated: keep the newest view, so that one garbled or forged
			// fragment cannot block the slot for the peer's retransmissions.
			conflict = true;
			p = undefined;
		}
		if (p === undefined) {
			p = { msgType: f.msgType, length: f.length, body: Buffer.alloc(f.length), have: new Uint8Array(f.length), missing: f.length, epoch };
			this.pending.set(f.messageSeq, p);
		}
		if (epoch > p.epoch) p.epoch = epoch;
		f.body.copy(p.body, f.fragmentOffset);
		for (let i = f.fragmentOffset, end = f.fragmentOffset + f.fragmentLength; i < end; i++) {
			if (p.have[i] === 0) {
				p.have[i] = 1;
				p.missing--;
			}
		}
		return conflict ? 'bad' : 'ok';
	}

	/** Forgets a delivered message so that `seq` is expected again (the message was not the peer's). */
	rewind(seq: number): void {
		if (seq === this.nextSeq - 1) this.nextSeq = seq;
	}

	/** The next complete message in order, if any. */
	next(): AssembledMessage | undefined {
		const p = this.pending.get(this.nextSeq);
		if (p === undefined || p.missing !== 0) return undefined;
		this.pending.delete(this.nextSeq);
		return { msgType: p.msgType, messageSeq: this.nextSeq++, body: p.body, epoch: p.epoch };
	}
}

// ---------------------------------------------------------------------------------------------
// Hello messages and extensions

export interface Extension {
	type: number;
	data: Buffer;
}

function parseExtensions(r: Reader): Extension[] | undefined {
	if (r.remaining === 0) return []; // RFC 5246 7.4.1.2: extensions may be absent
	const block = r.vec16();
	if (r.bad || r.remaining !== 0) return undefined;
	const er = new Reader(block);
	const out: Extension[] = [];
	const seen = new Set<number>();
	while (er.remaining > 0) {
		const type = er.u16();
		const data = er.vec16();
		if (er.bad || seen.has(type)) return undefined; // RFC 5246 7.4.1.4: at most one of each type
		seen.add(type);
		out.push({ type, data });
	}
	return out;
}

function encodeExtensions(exts: readonly Extension[]): Buffer {
	return vec16(Buffer.concat(exts.map((e) => Buffer.concat([u16(e.type), vec16(e.data)]))));
}

export interface ClientHello {
	clientVersion: number;
	random: Buffer;
	sessionId: Buffer;
	cookie: Buffer;
	cipherSuites: number[];
	compressionMethods: Buffer;
	extensions: Extension[];
}

export function parseClientHello(body: Buffer): ClientHello | undefined {
	const r = new Reader(body);
	const clientVersion = r.u16();
	const random = r.bytes(32);
	const sessionId = r.vec8();
	const cookie = r.vec8();
	const suites = r.vec16();
	const compressionMethods = r.vec8();
	if (r.bad || sessionId.length > 32 || suites.length % 2 !== 0 || suites.length === 0 || compressionMethods.length === 0) return undefined;
	const extensions = parseExtensions(r);
	if (extensions === undefined) return undefined;
	const cipherSuites: number[] = [];
	for (let i = 0; i < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
	return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

export function encodeClientHello(ch: ClientHello): Buffer {
	return Buffer.concat([
		u16(ch.clientVersion),
		ch.random,
		vec8(ch.sessionId),
		vec8(ch.cookie),
		list16(ch.cipherSuites),
		vec8(ch.compressionMethods),
		encodeExtensions(ch.extensions),
	]);
}

export interface ServerHello {
	serverVersion: number;
	random: Buffer;
	sessionId: Buffer;
	cipherSuite: number;
	compressionMethod: number;
	extensions: Extension[];
}

export function parseServerHello(body: Buffer): ServerHello | undefined {
	const r = new Reader(body);
	const serverVersion = r.u16();
	const random = r.bytes(32);
	const sessionId = r.vec8();
	const cipherSuite = r.u16();
	const compressionMethod = r.u8();
	if (r.bad || sessionId.length > 32) return undefined;
	const extensions = parseExtensions(r);
	if (extensions === undefined) return undefined;
	return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(sh: ServerHello): Buffer {
	return Buffer.concat([
		u16(sh.serverVersion),
		sh.random,
		vec8(sh.sessionId),
		u16(sh.cipherSuite),
		Buffer.from([sh.compressionMethod]),
		sh.extensions.length > 0 ? encodeExtensions(sh.extensions) : Buffer.alloc(0),
	]);
}

/** RFC 6347 section 4.2.1 HelloVerifyRequest. */
export function encodeHelloVerifyRequest(version: number, cookie: Buffer): Buffer {
	return Buffer.concat([u16(version), vec8(cookie)]);
}

export function parseHelloVerifyRequest(body: Buffer): { version: number; cookie: Buffer } | undefined {
	const r = new Reader(body);
	const version = r.u16();
	const cookie = r.vec8();
	if (r.bad || r.remaining !== 0) return undefined;
	return { version, cookie };
}

/** A uint16 list inside a vector with a 16-bit length (supported_groups, signature_algorithms). */
export function parseU16List(data: Buffer): number[] | undefined {
	const r = new Reader(data);
	const list = r.vec16();
	if (r.bad || r.remaining !== 0 || list.length % 2 !== 0) return undefined;
	const out: number[] = [];
	for (let i = 0; i < list.length; i += 2) out.push(list.readUInt16BE(i));
	return out;
}

export const encodeU16List = list16;

/** RFC 5764 section 4.1.1 UseSRTPData: profiles<2..2^16-1> and srtp_mki<0..255>. */
export function parseUseSrtp(data: Buffer): { profiles: number[]; mki: Buffer } | undefined {
	const r = new Reader(data);
	const list = r.vec16();
	const mki = r.vec8();
	if (r.bad || r.remaining !== 0 || list.length % 2 !== 0 || list.length === 0) return undefined;
	const profiles: number[] = [];
	for (let i = 0; i < list.length; i += 2) profiles.push(list.readUInt16BE(i));
	return { profiles, mki };
}

export function encodeUseSrtp(profiles: readonly number[], mki: Buffer = Buffer.alloc(0)): Buffer {
	return Buffer.concat([list16(profiles), vec8(mki)]);
}

export function findExtension(exts: readonly Extension[], type: number): Buffer | undefined {
	for (const e of exts) if (e.type === type) return e.data;
	return undefined;
}

/** RFC 5746 section 3.2: an initial handshake's renegotiation_info carries an empty vector. */
export const EMPTY_RENEGOTIATION_INFO = Buffer.from([0]);

export function isEmptyRenegotiationInfo(data: Buffer): boolean {
	return data.length === 1 && data[0] === 0;
}

export const EC_POINT_FORMATS_UNCOMPRESSED = Buffer.from([1, 0]);

// ---------------------------------------------------------------------------------------------
// Certificates and key exchange

/** RFC 5246 section 7.4.2: certificate_list<0..2^24-1>, each ASN.1Cert<1..2^24-1>. */
export function encodeCertificate(chain: readonly Buffer[]): Buffer {
	return vec24(Buffer.concat(chain.map(vec24)));
}

export function parseCertificate(body: Buffer): Buffer[] | undefined {
	const r = new Reader(body);
	const list = r.vec24();
	if (r.bad || r.remaining !== 0) return undefined;
	const lr = new Reader(list);
	const out: Buffer[] = [];
	while (lr.remaining > 0) {
		const cert = lr.vec24();
		if (lr.bad || cert.length === 0) return undefined;
		out.push(cert);
	}
	return out;
}

/** RFC 8422 section 5.4 ServerECDHParams: curve_type named_curve(3), namedcurve, ECPoint public. */
export function encodeEcdhParams(group: number, publicKey: Buffer): Buffer {
	return Buffer.concat([Buffer.from([3]), u16(group), vec8(publicKey)]);
}

export interface ServerKeyExchange {
	/** The ServerECDHParams bytes (what the signature covers, after the randoms). */
	params: Buffer;
	group: number;
	publicKey: Buffer;
	signatureScheme: number;
	signature: Buffer;
}

export function parseServerKeyExchange(body: Buffer): ServerKeyExchange | undefined {
	const r = new Reader(body);
	const curveType = r.u8();
	const group = r.u16();
	const publicKey = r.vec8();
	const params = body.subarray(0, r.o);
	const signatureScheme = r.u16();
	const signature = r.vec16();
	if (r.bad || r.remaining !== 0 || curveType !== 3 || publicKey.length === 0) return undefined;
	return { params, group, publicKey, signatureScheme, signature };
}

export function encodeDigitallySigned(scheme: number, signature: Buffer): Buffer {
	return Buffer.concat([u16(scheme), vec16(signature)]);
}

export function parseDigitallySigned(body: Buffer): { scheme: number; signature: Buffer } | undefined {
	const r = new Reader(body);
	const scheme = r.u16();
	const signature = r.vec16();
	if (r.bad || r.remaining !== 0) return undefined;
	return { scheme, signature };
}

/** RFC 5246 section 7.4.4 CertificateRequest (TLS 1.2 form). */
export function encodeCertificateRequest(types: readonly number[], schemes: readonly number[]): Buffer {
	return Buffer.concat([vec8(Buffer.from(types)), list16(schemes), vec16(Buffer.alloc(0))]);
}

export function parseCertificateRequest(body: Buffer): { types: number[]; schemes: number[] } | undefined {
	const r = new Reader(body);
	const types = r.vec8();
	const schemes = r.vec16();
	r.vec16(); // certificate_authorities: ignored (WebRTC certificates are self-signed)
	if (r.bad || r.remaining !== 0 || schemes.length % 2 !== 0) return undefined;
	const list: number[] = [];
	for (let i = 0; i < schemes.length; i += 2) list.push(schemes.readUInt16BE(i));
	return { types: [...types], schemes: list };
}

/** RFC 8422 section 5.7 ClientECDiffieHellmanPublic: ECPoint ecdh_Yc<1..255>. */
export function encodeClientKeyExchange(publicKey: Buffer): Buffer {
	return vec8(publicKey);
}

export function parseClientKeyExchange(body: Buffer): Buffer | undefined {
	const r = new Reader(body);
	const point = r.vec8();
	if (r.bad || r.remaining !== 0 || point.length === 0) return undefined;
	return point;
}

export { ExtensionType };
