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
	// What generatePackets last laid out in `counters`, so the next batch of the same stream only
	// rewrites the words that change (word 3 of each block: SEQ; word 2 when the ROC moved).
	private layoutW0: number;
	private layoutW1: number;
	private layoutStride: number;
	private layoutSlots: number;
	private slotW2: Int32Array;

	constructor(key: Buffer) {
		if (key.length !== 16 && key.length !== 32) {
			throw new TypeError('AES-CM key must be 16 or 32 bytes');
		}
		this.ecb = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
		this.ecb.setAutoPadding(false);
		this.counters = Buffer.alloc(0);
		this.counters32 = new Int32Array(0);
		this.layoutW0 = 0;
		this.layoutW1 = 0;
		this.layoutStride = 0;
		this.layoutSlots = 0;
		this.slotW2 = new Int32Array(0);
		this.grow(1536);
	}

	private grow(bytes: number): void {
		const size = (bytes + 15) & ~15;
		// Own ArrayBuffer (not the pool): offset 0, so the Int32Array view is aligned.
		this.counters = Buffer.allocUnsafeSlow(size);
		this.counters32 = new Int32Array(this.counters.buffer, this.counters.byteOffset, size >>> 2);
		this.layoutSlots = 0;
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
		this.layoutSlots = 0;
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

	/**
	 * Keystream for `count` consecutive RTP packet indices starting at ROC `roc`, SEQ `seq`, each
	 * `stride` bytes (a multiple of 16) long, in ONE native call: slot k holds the keystream of
	 * index roc * 2^16 + seq + k. w0, w1 are the first two IV words (salt, salt ^ SSRC); s2, s3 the
	 * last two salt words, to which ROC and SEQ * 2^16 are XORed (RFC 3711 section 4.1.1).
	 */
	generatePackets(w0: number, w1: number, s2: number, s3: number, roc: number, seq: number, count: number, stride: number): Buffer {
		const blocks = stride >>> 4;
		const bytes = count * stride;
		if (this.counters.length < bytes) {
			this.grow(bytes);
		}
		if (LITTLE_ENDIAN) {
			const c = this.counters32;
			const a = bswap32(w0), b = bswap32(w1);
			if (a !== this.layoutW0 || b !== this.layoutW1 || stride !== this.layoutStride) {
				this.layoutSlots = 0;
			}
			const laid = this.layoutSlots;
			if (this.slotW2.length < count) {
				const grown = new Int32Array(Math.max(count, this.slotW2.length * 2));
				grown.set(this.slotW2);
				this.slotW2 = grown;
			}
			const slotW2 = this.slotW2;
			for (let s = 0, k = 0; s < count; s++) {
				const d = bswap32(s2 ^ roc), e = bswap32((s3 ^ (seq << 16)) & 0xffff0000);
				if (s < laid && slotW2[s] === d) {
					// Words 0-2 already hold this slot's IV: only the SEQ bytes change.
					for (let j = 0; j < blocks; j++, k += 4) {
						c[k + 3] = e | ((j & 0xff00) << 8) | ((j & 0xff) << 24);
					}
				} else {
					for (let j = 0; j < blocks; j++, k += 4) {
						c[k] = a;
						c[k + 1] = b;
						c[k + 2] = d;
						c[k + 3] = e | ((j & 0xff00) << 8) | ((j & 0xff) << 24);
					}
					slotW2[s] = d;
				}
				if (++seq === 0x10000) {
					seq = 0;
					roc = (roc + 1) >>> 0;
				}
			}
			this.layoutW0 = a;
			this.layoutW1 = b;
			this.layoutStride = stride;
			this.layoutSlots = Math.max(laid, count);
		} else {
			const c = this.counters;
			for (let s = 0, k = 0; s < count; s++) {
				for (let j = 0; j < blocks; j++, k += 16) {
					c.writeInt32BE(w0 | 0, k);
					c.writeInt32BE(w1 | 0, k + 4);
					c.writeInt32BE((s2 ^ roc) | 0, k + 8);
					c.writeInt32BE((((s3 ^ (seq << 16)) & 0xffff0000) | j) | 0, k + 12);
				}
				if (++seq === 0x10000) {
					seq = 0;
					roc = (roc + 1) >>> 0;
				}
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

/** Largest per-packet keystream kept in a PacketKeystream slot; longer payloads are generated per packet. */
export const SEND_KEYSTREAM_MAX_STRIDE = 2048;
/** Bytes of keystream one PacketKeystream prefetches at most (bounds memory per sending stream). */
const SEND_KEYSTREAM_MAX_BYTES = 32 * 1216;
/**
 * The same bound for a receiving stream: half, since a receiver holds one per remote SSRC and
 * the per-call saving is already mostly there at 16 slots.
 */
export const RECV_KEYSTREAM_MAX_BYTES = 16 * 1216;
const SEND_KEYSTREAM_MIN_COUNT = 4;

/**
 * Keystream prefetched for the next packets of one RTP stream (sending, or receiving: arrivals
 * are as predictable, and unprotect looks the keystream up only after the tag checked out, so
 * forged packets cannot make it generate).
 *
 * Why: one `ecb.update()` costs ~1.5 us of call overhead and allocation whatever its length, as
 * much as the AES work for a 1,200-byte payload. A sender's packet indices are predictable (SEQ
 * increments by one), so the keystream of the next `count` indices is generated in one call
 * (AesCmKeystream.generatePackets), each slot `stride` bytes: the longest payload seen so far,
 * shorter payloads use a prefix of their slot. Retransmissions (an index before `base`) are
 * generated per packet without disturbing the batch. The batch grows from 4 slots, doubling while
 * the stream keeps running in order, so short or sparse streams waste little AES work.
 */
export class PacketKeystream {
	/** Packet index (ROC * 2^16 + SEQ) of slot 0; -1 while empty. */
	base: number;
	count: number;
	/** Bytes per slot, a multiple of 16. */
	stride: number;
	bytes: Buffer;
	words: Int32Array;
	/** Packets generated alone since the last batch hit. */
	private misses: number;
	private readonly maxBytes: number;

	/** @param maxBytes keystream bytes prefetched at most (bench/proto-srtp.ts varies it). */
	constructor(maxBytes = SEND_KEYSTREAM_MAX_BYTES) {
		this.maxBytes = maxBytes;
		this.misses = 0;
		this.base = -1;
		this.count = 0;
		this.stride = 0;
		this.bytes = Buffer.alloc(0);
		this.words = new Int32Array(0);
	}

	/**
	 * Byte offset into `bytes`/`words` of the keystream for `index` (ROC `roc`, SEQ `seq`), at least
	 * `length` bytes long, refilling the batch when `index` is at or past its end; -1 when the
	 * caller should generate this packet's keystream alone (retransmission, or too long).
	 */
	lookup(cipher: AesCmKeystream, w0: number, w1: number, s2: number, s3: number, roc: number, seq: number, length: number): number {
		const index = roc * 0x10000 + seq;
		const slot = index - this.base;
		if (slot >= 0 && slot < this.count && length <= this.stride) {
			this.misses = 0;
			return slot * this.stride;
		}
		if (length > SEND_KEYSTREAM_MAX_STRIDE) {
			return -1;
		}
		// Behind the batch: a retransmission or a late arrival, unless they keep coming (the
		// stream restarted behind it, e.g. setRoc) or it is too far back to be one.
		if (slot < 0 && slot > -0x8000 && this.base >= 0 && ++this.misses <= 16) {
			return -1;
		}
		this.misses = 0;
		const stride = Math.max(this.stride, (length + 15) & ~15);
		const limit = Math.max(1, Math.floor(this.maxBytes / stride));
		let count = this.base < 0 ? SEND_KEYSTREAM_MIN_COUNT : this.count;
		if (slot === this.count) {
			// The stream ran through the whole batch in order: double the next one.
			count *= 2;
		}
		count = Math.min(count, limit);
		let bytes = cipher.generatePackets(w0, w1, s2, s3, roc, seq, count, stride);
		if ((bytes.byteOffset & 3) !== 0) {
			bytes = Buffer.from(bytes);
		}
		this.bytes = bytes;
		this.words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
		this.base = index;
		this.count = count;
		this.stride = stride;
		return 0;
	}
}
