import { createCipheriv, type Cipher } from 'node:crypto';
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

function bswap32(v: number): number {
	return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

/**
 * AES in counter mode (RFC 3711 section 4.1.1) built on one long-lived AES-ECB cipher object.
 *
 * Why ECB and not `aes-128-ctr`: a CTR cipher takes its IV at creation, so every packet would
 * pay for createCipheriv (an OpenSSL 3 algorithm fetch and key schedule, several microseconds).
 * The ECB object keeps its key schedule; per packet we only encrypt the counter blocks
 * IV, IV+1, ... (built in a reused buffer) and XOR the result in. bench/proto-srtp.ts measures
 * both. Only the low 16 bits of the counter move (RFC 3711 4.1.1 limits a packet to 2^16
 * blocks), so the high 112 bits of every block are the packet IV.
 */
export class AesCmKeystream {
	private readonly ecb: Cipher;
	private counters: Buffer;
	private counters32: Int32Array;

	constructor(key: Buffer) {
		if (key.length !== 16 && key.length !== 32) {
			throw new TypeError('AES-CM key must be 16 or 32 bytes');
		}
		this.ecb = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
		this.ecb.setAutoPadding(false);
		this.counters = Buffer.alloc(0);
		this.counters32 = new Int32Array(0);
		this.grow(1536);
	}

	private grow(bytes: number): void {
		const size = (bytes + 15) & ~15;
		// Own ArrayBuffer (not the pool): offset 0, so the Int32Array view is aligned.
		this.counters = Buffer.allocUnsafeSlow(size);
		this.counters32 = new Int32Array(this.counters.buffer, this.counters.byteOffset, size >>> 2);
	}

	/**
	 * Keystream for the counter whose four big-endian 32-bit words are w0..w3 (the low 16 bits
	 * of w3 must be zero: they count blocks). Returns a fresh Buffer of at least `length` bytes
	 * (rounded up to whole blocks).
	 */
	generate(w0: number, w1: number, w2: number, w3: number, length: number): Buffer {
		const blocks = (length + 15) >>> 4;
		if (blocks > 0x10000) {
			throw new RangeError('AES-CM keystream limited to 2^16 blocks per IV');
		}
		const bytes = blocks << 4;
		if (this.counters.length < bytes) {
			this.grow(bytes);
		}
		if (LITTLE_ENDIAN) {
			const c = this.counters32;
			const a = bswap32(w0), b = bswap32(w1), d = bswap32(w2), e = bswap32(w3 & 0xffff0000);
			for (let j = 0, k = 0; j < blocks; j++, k += 4) {
				c[k] = a;
				c[k + 1] = b;
				c[k + 2] = d;
				// Bytes 14 and 15 of the block hold the block counter, big-endian.
				c[k + 3] = e | ((j & 0xff00) << 8) | ((j & 0xff) << 24);
			}
		} else {
			const c = this.counters;
			for (let j = 0, k = 0; j < blocks; j++, k += 16) {
				c.writeInt32BE(w0 | 0, k);
				c.writeInt32BE(w1 | 0, k + 4);
				c.writeInt32BE(w2 | 0, k + 8);
				c.writeInt32BE(((w3 & 0xffff0000) | j) | 0, k + 12);
			}
		}
		return this.ecb.update(bytes === this.counters.length ? this.counters : this.counters.subarray(0, bytes));
	}

	/** Keystream for a 16-byte IV (its last two bytes are the starting block counter, normally 0). */
	generateFromIv(iv: Uint8Array, length: number): Buffer {
		const w0 = (iv[0]! << 24) | (iv[1]! << 16) | (iv[2]! << 8) | iv[3]!;
		const w1 = (iv[4]! << 24) | (iv[5]! << 16) | (iv[6]! << 8) | iv[7]!;
		const w2 = (iv[8]! << 24) | (iv[9]! << 16) | (iv[10]! << 8) | iv[11]!;
		const w3 = (iv[12]! << 24) | (iv[13]! << 16);
		const start = (iv[14]! << 8) | iv[15]!;
		if (start === 0) {
			return this.generate(w0, w1, w2, w3, length);
		}
		const all = this.generate(w0, w1, w2, w3, length + (start << 4));
		return all.subarray(start << 4, (start << 4) + length);
	}
}

/**
 * XORs `length` bytes of `ks` (from offset 0) into `buf` at `offset`, in place. Uses 32-bit
 * words when both sides are 4-byte aligned (RTP headers are whole words, so payloads usually are).
 */
export function xorInPlace(buf: Uint8Array, offset: number, ks: Uint8Array, length: number): void {
	let i = 0;
	const words = length >>> 2;
	if (words > 8 && ((buf.byteOffset + offset) & 3) === 0 && (ks.byteOffset & 3) === 0) {
		const d = new Int32Array(buf.buffer, buf.byteOffset + offset, words);
		const s = new Int32Array(ks.buffer, ks.byteOffset, words);
		for (let w = 0; w < words; w++) {
			d[w] ^= s[w]!;
		}
		i = words << 2;
	}
	for (; i < length; i++) {
		buf[offset + i] ^= ks[i]!;
	}
}
