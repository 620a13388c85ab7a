import * as crypto from 'node:crypto';

/**
 * HMAC-SHA1 (RFC 2104) tuned for SRTP's per-packet tags.
 *
 * HMAC = H(K^opad || H(K^ipad || m)). The inner hash runs in OpenSSL over a buffer the caller
 * lays out as K^ipad || m (one native call, string output so no ArrayBuffer is allocated). The
 * outer hash is always one 64-byte block (20-byte digest + padding) after the fixed K^opad block,
 * so we keep the SHA-1 state after K^opad and finish it here with one compression (FIPS 180-4
 * section 6.1.2) instead of a second native call. bench/proto-srtp.ts compares this with
 * createHmac per packet.
 */

const W = new Int32Array(80);

/** One SHA-1 compression (FIPS 180-4 section 6.1.2) of the 16 big-endian words in `block`. */
export function sha1Compress(state: Int32Array, block: Int32Array): void {
	const w = W;
	for (let t = 0; t < 16; t++) {
		w[t] = block[t]!;
	}
	for (let t = 16; t < 80; t++) {
		const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
		w[t] = (x << 1) | (x >>> 31);
	}
	let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!;
	for (let t = 0; t < 20; t++) {
		const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[t]!) | 0;
		e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
	}
	for (let t = 20; t < 40; t++) {
		const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[t]!) | 0;
		e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
	}
	for (let t = 40; t < 60; t++) {
		const tmp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[t]!) | 0;
		e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
	}
	for (let t = 60; t < 80; t++) {
		const tmp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[t]!) | 0;
		e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = tmp;
	}
	state[0] = (state[0]! + a) | 0;
	state[1] = (state[1]! + b) | 0;
	state[2] = (state[2]! + c) | 0;
	state[3] = (state[3]! + d) | 0;
	state[4] = (state[4]! + e) | 0;
}

const SHA1_IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

type OneShot = (data: Uint8Array) => string;

// crypto.hash (Node >= 20.12) skips the Hash object; older 20.x falls back to createHash.
const hashLatin1: OneShot = typeof (crypto as { hash?: unknown }).hash === 'function'
	? (data) => (crypto as unknown as { hash(a: string, d: Uint8Array, e: string): string }).hash('sha1', data, 'latin1')
	: (data) => crypto.createHash('sha1').update(data).digest('binary');

export class HmacSha1 {
	/** K XOR ipad, 64 bytes: the caller puts it in front of the message. */
	readonly ipad: Buffer;
	private readonly outerState: Int32Array;
	private readonly state: Int32Array;
	private readonly block: Int32Array;
	/** Last MAC, as big-endian bytes. */
	readonly mac: Buffer;

	constructor(key: Buffer) {
		if (key.length > 64) {
			throw new TypeError('HMAC-SHA1 keys longer than a block are not used by SRTP');
		}
		this.ipad = Buffer.alloc(64, 0x36);
		const opad = Buffer.alloc(64, 0x5c);
		for (let i = 0; i < key.length; i++) {
			this.ipad[i] ^= key[i]!;
			opad[i] ^= key[i]!;
		}
		this.outerState = Int32Array.from(SHA1_IV);
		this.block = new Int32Array(16);
		for (let i = 0; i < 16; i++) {
			this.block[i] = opad.readInt32BE(i * 4);
		}
		sha1Compress(this.outerState, this.block);
		this.state = new Int32Array(5);
		this.mac = Buffer.alloc(20);
	}

	/**
	 * MAC of data[64..end) where data[0..64) already holds `this.ipad`. The result lands in
	 * `this.mac`.
	 */
	computePrefixed(data: Uint8Array): void {
		const inner = hashLatin1(data);
		const blk = this.block;
		for (let i = 0, k = 0; i < 5; i++, k += 4) {
			blk[i] = (inner.charCodeAt(k) << 24) | (inner.charCodeAt(k + 1) << 16) |
				(inner.charCodeAt(k + 2) << 8) | inner.charCodeAt(k + 3);
		}
		// Padding of a 84-byte message (64 opad + 20 digest): 0x80, zeros, bit length 672.
		blk[5] = 0x80000000 | 0;
		for (let i = 6; i < 15; i++) {
			blk[i] = 0;
		}
		blk[15] = 672;
		const s = this.state;
		s.set(this.outerState);
		sha1Compress(s, blk);
		const mac = this.mac;
		for (let i = 0, k = 0; i < 5; i++, k += 4) {
			const v = s[i]!;
			mac[k] = v >>> 24;
			mac[k + 1] = v >>> 16;
			mac[k + 2] = v >>> 8;
			mac[k + 3] = v;
		}
	}

	/** Convenience (not the hot path): MAC of the concatenation of `parts`. */
	compute(...parts: Uint8Array[]): Buffer {
		const data = Buffer.concat([this.ipad, ...parts]);
		this.computePrefixed(data);
		return Buffer.from(this.mac);
	}

	/**
	 * Compares the first `length` bytes of the last MAC with buf[offset..offset+length) without
	 * an early exit, so the time taken does not depend on where the bytes differ (what
	 * crypto.timingSafeEqual gives, without building two views per packet).
	 */
	equals(buf: Uint8Array, offset: number, length: number): boolean {
		const mac = this.mac;
		let diff = 0;
		for (let i = 0; i < length; i++) {
			diff |= mac[i]! ^ buf[offset + i]!;
		}
		return diff === 0;
	}
}
