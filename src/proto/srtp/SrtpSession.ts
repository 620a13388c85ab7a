import { createCipheriv, createDecipheriv, createSecretKey, type CipherGCM, type DecipherGCM, type KeyObject } from 'node:crypto';
import { AesCmKeystream, PacketKeystream, RECV_KEYSTREAM_MAX_BYTES, xorInPlace } from './AesCmKeystream.js';
import { HmacSha1 } from './HmacSha1.js';
import { deriveSessionKeys, type SrtpSessionKeys } from './kdf.js';
import { ReplayWindow } from './ReplayWindow.js';
import { estimateRoc, RtpStreamState } from './rollover.js';
import { rtpHeaderLength } from './rtpHeader.js';
import { parseMasterKey, SRTP_SUITES, type SrtpCryptoSuite, type SrtpSuiteParams } from './suites.js';

/** Why the last call returned undefined (`SrtpSession.lastFailure`). */
export const SrtpFailure = {
	None: 0,
	/** Shorter than header + index + tag. */
	TooShort: 1,
	/** Not RTP/RTCP version 2, or the RTP header runs past the packet. */
	Malformed: 2,
	/** Tag mismatch (HMAC) or GCM authentication failure. */
	AuthFailed: 3,
	/** Index already received or older than the replay window. */
	Replay: 4,
	/** protectRtpInto: the protected packet would not fit the output. */
	TooLong: 5,
} as const;
export type SrtpFailureCode = typeof SrtpFailure[keyof typeof SrtpFailure];

export interface SrtpSessionOptions {
	/** Replay window in packets, a power of two >= 64 (default 1024, as mediasoup configures libsrtp). */
	replayWindowSize?: number;
}

/** SRTCP trailer word: E flag (encrypted) and the 31-bit index (RFC 3711 section 3.4). */
const E_FLAG = 0x80000000;

// unprotect* and protectRtcp hash K^ipad || packet || ROC in one native call; this module-wide
// scratch holds that layout (JavaScript runs one packet at a time, so sessions can share it), and
// its subarrays are cached by length (creating one costs about as much as hashing 300 bytes).
let scratch = Buffer.allocUnsafeSlow(2048);
/**
 * hashViews[n] = scratch[0..n): K^ipad || message. View caches are sized up front: an empty array
 * first written at index ~1,200 turns into a dictionary (a hashed lookup per packet).
 */
let hashViews = new Array<Buffer | undefined>(scratch.length + 1);

function scratchFor(bytes: number): Buffer {
	if (scratch.length < bytes) {
		scratch = Buffer.allocUnsafeSlow(Math.max(bytes, scratch.length * 2));
		hashViews = new Array<Buffer | undefined>(scratch.length + 1);
	}
	return scratch;
}

// protectRtp's output Buffers are slices of a 64 KiB slab, as Buffer.allocUnsafe slices its 8 KiB
// pool: that pool holds only six 1.2 KB packets, and replacing it made each allocation cost as
// much as hashing 200 bytes. The price is the same as the pool's: a slice kept alive keeps its
// slab alive.
const SLAB_SIZE = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabUsed = 0;

function outputBuffer(n: number): Buffer {
	if (slabUsed + n > SLAB_SIZE) {
		if (n > SLAB_SIZE >>> 2) {
			return Buffer.allocUnsafe(n);
		}
		slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
		slabUsed = 0;
	}
	const b = slab.subarray(slabUsed, slabUsed + n);
	// 8-byte aligned, like the pool's slices.
	slabUsed = (slabUsed + n + 7) & ~7;
	return b;
}

function hashView(n: number): Buffer {
	return hashViews[n] ?? (hashViews[n] = scratch.subarray(0, n));
}

/** Bytes in front of an SrtpOutput's packet: room for the HMAC's K^ipad block. */
const OUTPUT_HEADROOM = 64;

/**
 * A reusable output buffer for protectRtpInto(), owned by one sender that is done with each
 * result before the next call (a synchronous UDP send). The packet is protected in place at
 * buffer[64 ..): K^ipad goes in the 64 bytes in front of it, so the HMAC input (K^ipad ||
 * packet || ROC) is contiguous without a scratch copy, and the tag then overwrites the ROC.
 * Views of the buffer are cached by length, so a protected packet costs no allocation.
 */
export class SrtpOutput {
	buffer: Buffer;
	/** Int32 view of the whole buffer (own ArrayBuffer: aligned) for the keystream XOR. */
	words: Int32Array;
	/** The K^ipad buffer[0..64) holds. */
	ipad: Buffer | null;
	private readonly hashViews: (Buffer | undefined)[];
	private readonly packetViews: (Buffer | undefined)[];

	constructor(maxPacket = 1500) {
		const size = (OUTPUT_HEADROOM + maxPacket + 16 + 4 + 3) & ~3;
		this.buffer = Buffer.allocUnsafeSlow(size);
		this.words = new Int32Array(this.buffer.buffer, 0, size >>> 2);
		this.ipad = null;
		this.hashViews = new Array<Buffer | undefined>(size + 1);
		this.packetViews = new Array<Buffer | undefined>(size + 1);
	}

	/**
	 * A new buffer of the same size, for when something (a queued send) still holds the current
	 * one; the view caches are emptied, not reallocated.
	 */
	renew(): void {
		this.buffer = Buffer.allocUnsafeSlow(this.buffer.length);
		this.words = new Int32Array(this.buffer.buffer, 0, this.buffer.length >>> 2);
		this.ipad = null;
		this.hashViews.fill(undefined);
		this.packetViews.fill(undefined);
	}

	/** Protected packets this output can hold (input length + tag). */
	get capacity(): number {
		return this.buffer.length - OUTPUT_HEADROOM - 4;
	}

	/** buffer[0 .. n): K^ipad || message. */
	hashView(n: number): Buffer {
		return this.hashViews[n] ?? (this.hashViews[n] = this.buffer.subarray(0, n));
	}

	/** The protected packet of length n. */
	packetView(n: number): Buffer {
		return this.packetViews[n] ?? (this.packetViews[n] = this.buffer.subarray(OUTPUT_HEADROOM, OUTPUT_HEADROOM + n));
	}
}

// protectRtp (a new Buffer per packet) protects in this output first: JavaScript runs one packet
// at a time, so every session can share it.
let scratchOutput = new SrtpOutput(2048);

function scratchOutputFor(protectedLength: number): SrtpOutput {
	if (scratchOutput.capacity < protectedLength) {
		scratchOutput = new SrtpOutput(protectedLength * 2);
	}
	return scratchOutput;
}

function readU32(b: Uint8Array, o: number): number {
	return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
	b[o] = v >>> 24;
	b[o + 1] = v >>> 16;
	b[o + 2] = v >>> 8;
	b[o + 3] = v;
}

interface Transform {
	/** Encrypts and tags RTP; input untouched. `ks` is the stream's keystream batch (AES-CM only). */
	protectRtp(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, ks: PacketKeystream | null, into: Buffer | undefined): Buffer;
	/**
	 * As protectRtp, into `output` (its capacity checked by the caller); returns the protected
	 * length. Undefined on transforms without an in-place construction (the session copies).
	 */
	protectRtpInto?(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, ks: PacketKeystream | null, output: SrtpOutput): number;
	/** A keystream batch for a new sending stream, or null when the transform has no use for one. */
	newKeystream(maxBytes?: number): PacketKeystream | null;
	/** Verifies and decrypts in place; returns the payload end or -1 on auth failure. */
	unprotectRtp(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, ks: PacketKeystream | null): number;
	protectRtcp(packet: Buffer, len: number, ssrc: number, index: number): Buffer;
	/** `len` is the whole SRTCP packet; returns the RTCP length or -1. */
	unprotectRtcp(packet: Buffer, len: number, ssrc: number, trailer: number): number;
}

/** AES_CM_128_HMAC_SHA1_80/_32: RFC 3711 sections 4.1.1 (AES-CM) and 4.2.1 (HMAC-SHA1). */
class AesCmHmacTransform implements Transform {
	private readonly rtpCipher: AesCmKeystream;
	private readonly rtcpCipher: AesCmKeystream;
	private readonly rtpAuth: HmacSha1;
	private readonly rtcpAuth: HmacSha1;
	private readonly rtpTagLength: number;
	private readonly rtcpTagLength: number;
	// Session salts as big-endian words; the 112-bit salt fills bytes 0..13 of the IV.
	private readonly rs0: number; private readonly rs1: number; private readonly rs2: number; private readonly rs3: number;
	private readonly cs0: number; private readonly cs1: number; private readonly cs2: number; private readonly cs3: number;

	constructor(params: SrtpSuiteParams, keys: SrtpSessionKeys) {
		this.rtpCipher = new AesCmKeystream(keys.rtpKey);
		this.rtcpCipher = new AesCmKeystream(keys.rtcpKey);
		this.rtpAuth = new HmacSha1(keys.rtpAuthKey);
		this.rtcpAuth = new HmacSha1(keys.rtcpAuthKey);
		this.rtpTagLength = params.rtpTagLength;
		this.rtcpTagLength = params.rtcpTagLength;
		const r = Buffer.alloc(16), c = Buffer.alloc(16);
		keys.rtpSalt.copy(r);
		keys.rtcpSalt.copy(c);
		this.rs0 = readU32(r, 0); this.rs1 = readU32(r, 4); this.rs2 = readU32(r, 8); this.rs3 = readU32(r, 12);
		this.cs0 = readU32(c, 0); this.cs1 = readU32(c, 4); this.cs2 = readU32(c, 8); this.cs3 = readU32(c, 12);
	}

	newKeystream(maxBytes?: number): PacketKeystream {
		return new PacketKeystream(maxBytes);
	}

	/** `packet.length === len`. */
	/** `packet.length === len`. Protected in the module's scratch output, then copied out. */
	protectRtp(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, cache: PacketKeystream | null, into: Buffer | undefined): Buffer {
		const scratchOut = scratchOutputFor(len + this.rtpTagLength);
		const n = this.protectRtpInto(packet, len, hdr, ssrc, roc, seq, cache, scratchOut);
		const out = into !== undefined && into.length >= n ? into.subarray(0, n) : outputBuffer(n);
		out.set(scratchOut.packetView(n), 0);
		return out;
	}

	protectRtpInto(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, cache: PacketKeystream | null, output: SrtpOutput): number {
		const tagLen = this.rtpTagLength;
		const o = output.buffer;
		const auth = this.rtpAuth;
		if (output.ipad !== auth.ipad) {
			o.set(auth.ipad, 0);
			output.ipad = auth.ipad;
		}
		o.set(packet, OUTPUT_HEADROOM);
		const payloadLen = len - hdr;
		if (payloadLen > 0) {
			let at = cache === null ? -1 : cache.lookup(this.rtpCipher, this.rs0, this.rs1 ^ ssrc, this.rs2, this.rs3, roc, seq, payloadLen);
			let bytes: Buffer, words: Int32Array;
			if (at >= 0) {
				bytes = cache!.bytes;
				words = cache!.words;
			} else {
				bytes = this.rtpCipher.generate(this.rs0, this.rs1 ^ ssrc, this.rs2 ^ roc, this.rs3 ^ (seq << 16), payloadLen);
				if ((bytes.byteOffset & 3) !== 0) {
					bytes = Buffer.from(bytes);
				}
				words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
				at = 0;
			}
			const start = OUTPUT_HEADROOM + hdr;
			const n = payloadLen >>> 2;
			if ((hdr & 3) === 0) {
				const d = output.words;
				const base = start >>> 2, k = at >>> 2;
				for (let w = 0; w < n; w++) {
					d[base + w] ^= words[k + w]!;
				}
			} else {
				for (let i = 0; i < n << 2; i++) {
					o[start + i] ^= bytes[at + i]!;
				}
			}
			for (let i = n << 2; i < payloadLen; i++) {
				o[start + i] ^= bytes[at + i]!;
			}
		}
		// Authenticated portion || ROC (RFC 3711 section 4.2); the tag then takes the ROC's place.
		writeU32(o, OUTPUT_HEADROOM + len, roc);
		auth.computePrefixedInto(output.hashView(OUTPUT_HEADROOM + len + 4), o, OUTPUT_HEADROOM + len, tagLen);
		return len + tagLen;
	}

	unprotectRtp(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, cache: PacketKeystream | null): number {
		const tagLen = this.rtpTagLength;
		const end = len - tagLen;
		const s = scratchFor(64 + end + 4);
		this.rtpAuth.ipad.copy(s, 0);
		packet.copy(s, 64, 0, end);
		writeU32(s, 64 + end, roc);
		this.rtpAuth.computePrefixed(hashView(64 + end + 4));
		// Authenticate before decrypting (RFC 3711 section 3.3 step 5-6).
		if (!this.rtpAuth.equals(packet, end, tagLen)) {
			return -1;
		}
		const payloadLen = end - hdr;
		if (payloadLen > 0) {
			const at = cache === null ? -1 : cache.lookup(this.rtpCipher, this.rs0, this.rs1 ^ ssrc, this.rs2, this.rs3, roc, seq, payloadLen);
			if (at >= 0) {
				xorInPlace(packet, hdr, at === 0 ? cache!.bytes : cache!.bytes.subarray(at), payloadLen);
			} else {
				const ks = this.rtpCipher.generate(this.rs0, this.rs1 ^ ssrc, this.rs2 ^ roc, this.rs3 ^ (seq << 16), payloadLen);
				xorInPlace(packet, hdr, ks, payloadLen);
			}
		}
		return end;
	}

	protectRtcp(packet: Buffer, len: number, ssrc: number, index: number): Buffer {
		const tagLen = this.rtcpTagLength;
		const s = scratchFor(64 + len + 4);
		this.rtcpAuth.ipad.copy(s, 0);
		packet.copy(s, 64, 0, len);
		const bodyLen = len - 8;
		if (bodyLen > 0) {
			// SRTCP IV: same form with the 31-bit SRTCP index as i (RFC 3711 section 4.1.1).
			const ks = this.rtcpCipher.generate(this.cs0, this.cs1 ^ ssrc, this.cs2 ^ (index >>> 16), this.cs3 ^ (index << 16), bodyLen);
			xorInPlace(s, 64 + 8, ks, bodyLen);
		}
		writeU32(s, 64 + len, (E_FLAG | index) >>> 0);
		this.rtcpAuth.computePrefixed(s.subarray(0, 64 + len + 4));
		const out = Buffer.allocUnsafe(len + 4 + tagLen);
		s.copy(out, 0, 64, 64 + len + 4);
		this.rtcpAuth.mac.copy(out, len + 4, 0, tagLen);
		return out;
	}

	unprotectRtcp(packet: Buffer, len: number, ssrc: number, trailer: number): number {
		const tagLen = this.rtcpTagLength;
		const authEnd = len - tagLen;
		const s = scratchFor(64 + authEnd);
		this.rtcpAuth.ipad.copy(s, 0);
		packet.copy(s, 64, 0, authEnd);
		this.rtcpAuth.computePrefixed(s.subarray(0, 64 + authEnd));
		if (!this.rtcpAuth.equals(packet, authEnd, tagLen)) {
			return -1;
		}
		const rtcpLen = authEnd - 4;
		const bodyLen = rtcpLen - 8;
		if ((trailer & E_FLAG) !== 0 && bodyLen > 0) {
			const index = trailer & 0x7fffffff;
			const ks = this.rtcpCipher.generate(this.cs0, this.cs1 ^ ssrc, this.cs2 ^ (index >>> 16), this.cs3 ^ (index << 16), bodyLen);
			xorInPlace(packet, 8, ks, bodyLen);
		}
		return rtcpLen;
	}
}

/** AEAD_AES_128_GCM / AEAD_AES_256_GCM with 16-byte tags (RFC 7714 sections 8-9). */
class AesGcmTransform implements Transform {
	private readonly algorithm: 'aes-128-gcm' | 'aes-256-gcm';
	private readonly rtpKey: KeyObject;
	private readonly rtcpKey: KeyObject;
	private readonly rtpSalt: Buffer;
	private readonly rtcpSalt: Buffer;
	private readonly iv: Buffer;
	private readonly aad: Buffer;

	constructor(params: SrtpSuiteParams, keys: SrtpSessionKeys) {
		this.algorithm = params.masterKeyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm';
		this.rtpKey = createSecretKey(keys.rtpKey);
		this.rtcpKey = createSecretKey(keys.rtcpKey);
		this.rtpSalt = Buffer.from(keys.rtpSalt);
		this.rtcpSalt = Buffer.from(keys.rtcpSalt);
		this.iv = Buffer.alloc(12);
		this.aad = Buffer.alloc(12);
	}

	/** RFC 7714 section 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt. */
	private rtpIv(ssrc: number, roc: number, seq: number): Buffer {
		const iv = this.iv, salt = this.rtpSalt;
		iv[0] = salt[0]!;
		iv[1] = salt[1]!;
		writeU32(iv, 2, ssrc ^ readU32(salt, 2));
		writeU32(iv, 6, roc ^ readU32(salt, 6));
		iv[10] = (seq >>> 8) ^ salt[10]!;
		iv[11] = (seq & 0xff) ^ salt[11]!;
		return iv;
	}

	/** RFC 7714 section 9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt. */
	private rtcpIv(ssrc: number, index: number): Buffer {
		const iv = this.iv, salt = this.rtcpSalt;
		iv[0] = salt[0]!;
		iv[1] = salt[1]!;
		writeU32(iv, 2, ssrc ^ readU32(salt, 2));
		iv[6] = salt[6]!;
		iv[7] = salt[7]!;
		writeU32(iv, 8, index ^ readU32(salt, 8));
		return iv;
	}

	newKeystream(): null {
		return null;
	}

	protectRtp(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number): Buffer {
		const c = createCipheriv(this.algorithm, this.rtpKey, this.rtpIv(ssrc, roc, seq), { authTagLength: 16 }) as CipherGCM;
		// AAD is the whole RTP header, CSRCs and extension included (RFC 7714 section 8.2).
		c.setAAD(packet.subarray(0, hdr));
		const enc = c.update(packet.subarray(hdr, len));
		c.final();
		const out = Buffer.allocUnsafe(len + 16);
		packet.copy(out, 0, 0, hdr);
		enc.copy(out, hdr);
		c.getAuthTag().copy(out, len);
		return out;
	}

	unprotectRtp(packet: Buffer, len: number, hdr: number, ssrc: number, roc: number, seq: number, _cache: PacketKeystream | null): number {
		const end = len - 16;
		const d = createDecipheriv(this.algorithm, this.rtpKey, this.rtpIv(ssrc, roc, seq), { authTagLength: 16 }) as DecipherGCM;
		d.setAuthTag(packet.subarray(end, len));
		d.setAAD(packet.subarray(0, hdr));
		const plain = d.update(packet.subarray(hdr, end));
		// GCM checks the tag in final(); the plaintext is only copied out after it passed.
		try {
			d.final();
		} catch {
			return -1;
		}
		plain.copy(packet, hdr);
		return end;
	}

	protectRtcp(packet: Buffer, len: number, ssrc: number, index: number): Buffer {
		const trailer = (E_FLAG | index) >>> 0;
		const c = createCipheriv(this.algorithm, this.rtcpKey, this.rtcpIv(ssrc, index), { authTagLength: 16 }) as CipherGCM;
		// AAD = first 8 octets || E flag and SRTCP index (RFC 7714 section 9.2).
		const aad = this.aad;
		packet.copy(aad, 0, 0, 8);
		writeU32(aad, 8, trailer);
		c.setAAD(aad);
		const enc = c.update(packet.subarray(8, len));
		c.final();
		// Wire order: header || ciphertext || tag || E+index (RFC 7714 section 9, figure 3).
		const out = Buffer.allocUnsafe(len + 16 + 4);
		packet.copy(out, 0, 0, 8);
		enc.copy(out, 8);
		c.getAuthTag().copy(out, len);
		writeU32(out, len + 16, trailer);
		return out;
	}

	unprotectRtcp(packet: Buffer, len: number, ssrc: number, trailer: number): number {
		const index = trailer & 0x7fffffff;
		const tagStart = len - 20;
		const d = createDecipheriv(this.algorithm, this.rtcpKey, this.rtcpIv(ssrc, index), { authTagLength: 16 }) as DecipherGCM;
		d.setAuthTag(packet.subarray(tagStart, len - 4));
		let plain: Buffer | undefined;
		if ((trailer & E_FLAG) !== 0) {
			const aad = this.aad;
			packet.copy(aad, 0, 0, 8);
			writeU32(aad, 8, trailer);
			d.setAAD(aad);
			plain = d.update(packet.subarray(8, tagStart));
		} else {
			// Unencrypted SRTCP: the whole packet and the trailer are AAD, no plaintext
			// (RFC 7714 section 9.3).
			d.setAAD(Buffer.concat([packet.subarray(0, tagStart), packet.subarray(len - 4, len)]));
		}
		try {
			d.final();
		} catch {
			return -1;
		}
		if (plain) {
			plain.copy(packet, 8);
		}
		return tagStart;
	}
}

/** Per-SSRC SRTCP state. */
class RtcpStreamState {
	/** Next SRTCP index to send (RFC 3711 section 3.3.1: starts at 0, mod 2^31). */
	nextIndex: number;
	window: ReplayWindow | null;

	constructor() {
		this.nextIndex = 0;
		this.window = null;
	}
}

class RtpSendState extends RtpStreamState {
	readonly keystream: PacketKeystream | null;

	constructor(firstSeq: number, roc: number, keystream: PacketKeystream | null) {
		super(firstSeq, roc);
		this.keystream = keystream;
	}
}

/**
 * A receiving stream prefetches keystream (up to RECV_KEYSTREAM_MAX_BYTES) once it has proven
 * itself with this many authenticated packets, and a session does so for this many streams at
 * most: a peer holding the key could otherwise make it keep ~20 KB for every SSRC it invents.
 */
const RECV_KEYSTREAM_AFTER = 32;
const MAX_RECV_KEYSTREAMS = 32;

class RtpRecvState extends RtpStreamState {
	readonly window: ReplayWindow;
	keystream: PacketKeystream | null;
	/** Packets authenticated while without a keystream. */
	packets: number;

	constructor(firstSeq: number, windowSize: number) {
		super(firstSeq);
		this.window = new ReplayWindow(windowSize);
		this.keystream = null;
		this.packets = 0;
	}
}

/**
 * SRTP/SRTCP for one direction of one DTLS-SRTP or SDES association: create one for sending
 * (protect*) and another, with the peer's key, for receiving (unprotect*). Keeps per-SSRC
 * rollover counters, SRTCP indices and replay windows.
 *
 * Buffers: protect* never modify their input and return a new Buffer (header || encrypted
 * payload || tag, one pooled allocation; AES-CM RTP output is a slice of a shared 64 KiB slab,
 * so keeping one alive keeps the slab alive). With AES-CM, each sending SSRC prefetches the
 * keystream of its next packets (up to ~39 KB, see PacketKeystream). unprotect* authenticate, then decrypt the caller's
 * Buffer in place and return a view of it without the tag (and SRTCP trailer); on failure the
 * input is left untouched, they return undefined and `lastFailure` says why. No method throws
 * on packet contents.
 */
export class SrtpSession {
	readonly suite: SrtpCryptoSuite;
	lastFailure: SrtpFailureCode;
	private readonly params: SrtpSuiteParams;
	private readonly transform: Transform;
	private readonly windowSize: number;
	private readonly txRtp: Map<number, RtpSendState>;
	private readonly rxRtp: Map<number, RtpRecvState>;
	private readonly txRtcp: Map<number, RtcpStreamState>;
	private readonly rxRtcp: Map<number, RtcpStreamState>;

	/**
	 * @param keyMaterial master key || master salt, as mediasoup's `keyBase64` (base64 string) or
	 *   raw bytes.
	 */
	constructor(suite: SrtpCryptoSuite, keyMaterial: string | Buffer | Uint8Array, options?: SrtpSessionOptions);
	constructor(suite: SrtpCryptoSuite, keyMaterial: string | Buffer | Uint8Array | null, options: SrtpSessionOptions | undefined, sessionKeys: SrtpSessionKeys);
	constructor(
		suite: SrtpCryptoSuite,
		keyMaterial: string | Buffer | Uint8Array | null,
		options: SrtpSessionOptions = {},
		sessionKeys?: SrtpSessionKeys,
	) {
		const params = SRTP_SUITES[suite];
		if (!params) {
			throw new TypeError(`unknown SRTP crypto suite ${String(suite)}`);
		}
		this.suite = suite;
		this.params = params;
		this.windowSize = options.replayWindowSize ?? 1024;
		// Validates the size up front.
		new ReplayWindow(this.windowSize);
		let keys = sessionKeys;
		if (!keys) {
			const { masterKey, masterSalt } = parseMasterKey(suite, keyMaterial ?? '');
			keys = deriveSessionKeys(suite, masterKey, masterSalt);
		}
		this.transform = params.aead ? new AesGcmTransform(params, keys) : new AesCmHmacTransform(params, keys);
		this.lastFailure = SrtpFailure.None;
		this.txRtp = new Map();
		this.rxRtp = new Map();
		this.txRtcp = new Map();
		this.rxRtcp = new Map();
	}

	/** A session from already derived session keys (test vectors such as RFC 7714's). */
	static fromSessionKeys(suite: SrtpCryptoSuite, keys: SrtpSessionKeys, options?: SrtpSessionOptions): SrtpSession {
		return new SrtpSession(suite, null, options, keys);
	}

	/** Bytes protect adds to an RTP packet. */
	get rtpOverhead(): number {
		return this.params.rtpTagLength;
	}

	/** Bytes protect adds to an RTCP packet (index word + tag). */
	get rtcpOverhead(): number {
		return 4 + this.params.rtcpTagLength;
	}

	/** Forgets an SSRC's rollover counter, SRTCP index and replay windows. */
	removeSsrc(ssrc: number): void {
		this.txRtp.delete(ssrc);
		this.dropRecv(ssrc);
		this.txRtcp.delete(ssrc);
		this.rxRtcp.delete(ssrc);
	}

	/** Receive streams holding a keystream prefetch (at most MAX_RECV_KEYSTREAMS). */
	private rxKeystreams = 0;

	private dropRecv(ssrc: number): void {
		if (this.rxRtp.get(ssrc)?.keystream != null) {
			this.rxKeystreams--;
		}
		this.rxRtp.delete(ssrc);
	}

	/** The rollover counter the sender uses for `ssrc` (RFC 3711 section 3.3.1), or undefined. */
	getRoc(ssrc: number): number | undefined {
		return this.txRtp.get(ssrc)?.roc ?? this.rxRtp.get(ssrc)?.roc;
	}

	/**
	 * Sets the rollover counter of a stream that starts mid-way (e.g. signalled out of band);
	 * `seq` is the highest sequence number already sent with it.
	 */
	setRoc(ssrc: number, roc: number, seq: number): void {
		const tx = this.txRtp.get(ssrc);
		if (tx) {
			tx.roc = roc >>> 0;
			tx.sl = seq & 0xffff;
		} else {
			this.txRtp.set(ssrc, new RtpSendState(seq & 0xffff, roc >>> 0, this.transform.newKeystream()));
		}
		this.dropRecv(ssrc);
		const rx = new RtpRecvState(seq & 0xffff, this.windowSize);
		rx.roc = roc >>> 0;
		this.rxRtp.set(ssrc, rx);
	}

	/**
	 * Encrypts and authenticates one RTP packet (left untouched). The result is a new buffer, or
	 * a view of `into` when given and large enough (length + tag): a caller that is done with
	 * each result before the next call (a synchronous UDP send) saves an allocation per packet.
	 */
	protectRtp(packet: Buffer, into?: Buffer): Buffer | undefined {
		return this.protect(packet, null, into);
	}

	/**
	 * As protectRtp, into `output` (see SrtpOutput): returns a view of it holding the protected
	 * packet, valid until the next call with the same output; undefined on failure (see
	 * `lastFailure`) or when the packet does not fit (`SrtpFailure.TooLong`).
	 */
	protectRtpInto(packet: Buffer, output: SrtpOutput): Buffer | undefined {
		if (packet.length + this.params.rtpTagLength > output.capacity) {
			this.lastFailure = SrtpFailure.TooLong;
			return undefined;
		}
		if (this.transform.protectRtpInto === undefined) {
			const out = this.protectRtp(packet);
			if (out === undefined) {
				return undefined;
			}
			out.copy(output.buffer, OUTPUT_HEADROOM);
			return output.packetView(out.length);
		}
		return this.protect(packet, output, undefined);
	}

	/**
	 * protectRtp (output null: a new buffer or a view of `into`) and protectRtpInto (a transform
	 * with protectRtpInto, into `output`): the header check, the stream's state and its ROC (the
	 * sender estimates too, so retransmissions of packets from before a wrap get the ROC they were
	 * first sent with).
	 */
	private protect(packet: Buffer, output: SrtpOutput | null, into: Buffer | undefined): Buffer | undefined {
		const len = packet.length;
		const hdr = rtpHeaderLength(packet, len);
		if (hdr < 0) {
			this.lastFailure = len < 12 ? SrtpFailure.TooShort : SrtpFailure.Malformed;
			return undefined;
		}
		const seq = (packet[2]! << 8) | packet[3]!;
		const ssrc = readU32(packet, 8);
		let st = this.txRtp.get(ssrc);
		if (st === undefined) {
			st = new RtpSendState(seq, 0, this.transform.newKeystream());
			this.txRtp.set(ssrc, st);
		}
		let v = estimateRoc(st.roc, st.sl, seq);
		if (v < 0) {
			v = 0;
		}
		st.update(v, seq);
		this.lastFailure = SrtpFailure.None;
		const roc = v >>> 0;
		return output === null
			? this.transform.protectRtp(packet, len, hdr, ssrc, roc, seq, st.keystream, into)
			: output.packetView(this.transform.protectRtpInto!(packet, len, hdr, ssrc, roc, seq, st.keystream, output));
	}

	unprotectRtp(packet: Buffer): Buffer | undefined {
		const len = packet.length;
		const tagLen = this.params.rtpTagLength;
		if (len < 12 + tagLen) {
			this.lastFailure = SrtpFailure.TooShort;
			return undefined;
		}
		const hdr = rtpHeaderLength(packet, len - tagLen);
		if (hdr < 0) {
			this.lastFailure = SrtpFailure.Malformed;
			return undefined;
		}
		const seq = (packet[2]! << 8) | packet[3]!;
		const ssrc = readU32(packet, 8);
		const st = this.rxRtp.get(ssrc);
		let v = 0;
		if (st !== undefined) {
			v = estimateRoc(st.roc, st.sl, seq);
			// Before the stream's first packet, or too far back to be anything but a replay.
			if (v < 0 || !st.window.check(v * 0x10000 + seq)) {
				this.lastFailure = SrtpFailure.Replay;
				return undefined;
			}
		}
		const end = this.transform.unprotectRtp(packet, len, hdr, ssrc, v >>> 0, seq, st === undefined ? null : st.keystream);
		if (end < 0) {
			this.lastFailure = SrtpFailure.AuthFailed;
			return undefined;
		}
		if (st === undefined) {
			const ns = new RtpRecvState(seq, this.windowSize);
			ns.packets = 1;
			ns.window.accept(seq);
			this.rxRtp.set(ssrc, ns);
		} else {
			st.window.accept(v * 0x10000 + seq);
			st.update(v, seq);
			if (st.keystream === null && ++st.packets >= RECV_KEYSTREAM_AFTER && this.rxKeystreams < MAX_RECV_KEYSTREAMS) {
				st.keystream = this.transform.newKeystream(RECV_KEYSTREAM_MAX_BYTES);
				if (st.keystream !== null) {
					this.rxKeystreams++;
				}
			}
		}
		this.lastFailure = SrtpFailure.None;
		return packet.subarray(0, end);
	}

	/** Encrypts the whole compound packet after its first 8 octets; E flag always set. */
	protectRtcp(packet: Buffer): Buffer | undefined {
		const len = packet.length;
		if (len < 8) {
			this.lastFailure = SrtpFailure.TooShort;
			return undefined;
		}
		if ((packet[0]! & 0xc0) !== 0x80) {
			this.lastFailure = SrtpFailure.Malformed;
			return undefined;
		}
		const ssrc = readU32(packet, 4);
		let st = this.txRtcp.get(ssrc);
		if (st === undefined) {
			st = new RtcpStreamState();
			this.txRtcp.set(ssrc, st);
		}
		const index = st.nextIndex;
		st.nextIndex = (index + 1) & 0x7fffffff;
		this.lastFailure = SrtpFailure.None;
		return this.transform.protectRtcp(packet, len, ssrc, index);
	}

	unprotectRtcp(packet: Buffer): Buffer | undefined {
		const len = packet.length;
		if (len < 8 + 4 + this.params.rtcpTagLength) {
			this.lastFailure = SrtpFailure.TooShort;
			return undefined;
		}
		if ((packet[0]! & 0xc0) !== 0x80) {
			this.lastFailure = SrtpFailure.Malformed;
			return undefined;
		}
		const ssrc = readU32(packet, 4);
		// AES-CM: E+index precedes the tag; GCM: it is the last word (RFC 7714 section 9).
		const trailerAt = this.params.aead ? len - 4 : len - this.params.rtcpTagLength - 4;
		const trailer = readU32(packet, trailerAt);
		const index = trailer & 0x7fffffff;
		const st = this.rxRtcp.get(ssrc);
		if (st !== undefined && !st.window!.check(index)) {
			this.lastFailure = SrtpFailure.Replay;
			return undefined;
		}
		const rtcpLen = this.transform.unprotectRtcp(packet, len, ssrc, trailer);
		if (rtcpLen < 0) {
			this.lastFailure = SrtpFailure.AuthFailed;
			return undefined;
		}
		if (st === undefined) {
			const ns = new RtcpStreamState();
			ns.window = new ReplayWindow(this.windowSize);
			ns.window.accept(index);
			this.rxRtcp.set(ssrc, ns);
		} else {
			st.window!.accept(index);
		}
		this.lastFailure = SrtpFailure.None;
		return packet.subarray(0, rtcpLen);
	}
}
