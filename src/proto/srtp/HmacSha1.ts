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

/**
 * One SHA-1 compression (FIPS 180-4 section 6.1.2) of the 16 big-endian words in `block`.
 * Fully unrolled (generated: round t uses W[t mod 16] and the working variables rotate a..e) with
 * the message schedule in 16 locals, W[t] replacing W[t - 16]: about 2-3x faster than a loop over
 * an 80-word array, and it runs once per SRTP packet (the HMAC outer hash).
 * test/proto/srtp/vectors.test.ts checks it against createHmac.
 */
export function sha1Compress(state: Int32Array, block: Int32Array): void {
	let w0 = block[0]! | 0, w1 = block[1]! | 0, w2 = block[2]! | 0, w3 = block[3]! | 0, w4 = block[4]! | 0, w5 = block[5]! | 0, w6 = block[6]! | 0, w7 = block[7]! | 0, w8 = block[8]! | 0, w9 = block[9]! | 0, w10 = block[10]! | 0, w11 = block[11]! | 0, w12 = block[12]! | 0, w13 = block[13]! | 0, w14 = block[14]! | 0, w15 = block[15]! | 0;
	let a = state[0]! | 0, b = state[1]! | 0, c = state[2]! | 0, d = state[3]! | 0, e = state[4]! | 0, x = 0;
	e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w0) | 0; b = (b << 30) | (b >>> 2);
	d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w1) | 0; a = (a << 30) | (a >>> 2);
	c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w2) | 0; e = (e << 30) | (e >>> 2);
	b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w3) | 0; d = (d << 30) | (d >>> 2);
	a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w4) | 0; c = (c << 30) | (c >>> 2);
	e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w5) | 0; b = (b << 30) | (b >>> 2);
	d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w6) | 0; a = (a << 30) | (a >>> 2);
	c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w7) | 0; e = (e << 30) | (e >>> 2);
	b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w8) | 0; d = (d << 30) | (d >>> 2);
	a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w9) | 0; c = (c << 30) | (c >>> 2);
	e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w10) | 0; b = (b << 30) | (b >>> 2);
	d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w11) | 0; a = (a << 30) | (a >>> 2);
	c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w12) | 0; e = (e << 30) | (e >>> 2);
	b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w13) | 0; d = (d << 30) | (d >>> 2);
	a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w14) | 0; c = (c << 30) | (c >>> 2);
	e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w15) | 0; b = (b << 30) | (b >>> 2);
	x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + w0) | 0; a = (a << 30) | (a >>> 2);
	x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + w1) | 0; e = (e << 30) | (e >>> 2);
	x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + w2) | 0; d = (d << 30) | (d >>> 2);
	x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + w3) | 0; c = (c << 30) | (c >>> 2);
	x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w4) | 0; b = (b << 30) | (b >>> 2);
	x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w5) | 0; a = (a << 30) | (a >>> 2);
	x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w6) | 0; e = (e << 30) | (e >>> 2);
	x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w7) | 0; d = (d << 30) | (d >>> 2);
	x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w8) | 0; c = (c << 30) | (c >>> 2);
	x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w9) | 0; b = (b << 30) | (b >>> 2);
	x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w10) | 0; a = (a << 30) | (a >>> 2);
	x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w11) | 0; e = (e << 30) | (e >>> 2);
	x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w12) | 0; d = (d << 30) | (d >>> 2);
	x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w13) | 0; c = (c << 30) | (c >>> 2);
	x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w14) | 0; b = (b << 30) | (b >>> 2);
	x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w15) | 0; a = (a << 30) | (a >>> 2);
	x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w0) | 0; e = (e << 30) | (e >>> 2);
	x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w1) | 0; d = (d << 30) | (d >>> 2);
	x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w2) | 0; c = (c << 30) | (c >>> 2);
	x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w3) | 0; b = (b << 30) | (b >>> 2);
	x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + w4) | 0; a = (a << 30) | (a >>> 2);
	x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + w5) | 0; e = (e << 30) | (e >>> 2);
	x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + w6) | 0; d = (d << 30) | (d >>> 2);
	x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + w7) | 0; c = (c << 30) | (c >>> 2);
	x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w8) | 0; b = (b << 30) | (b >>> 2);
	x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + 0x8f1bbcdc + w9) | 0; a = (a << 30) | (a >>> 2);
	x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + 0x8f1bbcdc + w10) | 0; e = (e << 30) | (e >>> 2);
	x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + 0x8f1bbcdc + w11) | 0; d = (d << 30) | (d >>> 2);
	x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + 0x8f1bbcdc + w12) | 0; c = (c << 30) | (c >>> 2);
	x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w13) | 0; b = (b << 30) | (b >>> 2);
	x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + 0x8f1bbcdc + w14) | 0; a = (a << 30) | (a >>> 2);
	x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + 0x8f1bbcdc + w15) | 0; e = (e << 30) | (e >>> 2);
	x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + 0x8f1bbcdc + w0) | 0; d = (d << 30) | (d >>> 2);
	x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + 0x8f1bbcdc + w1) | 0; c = (c << 30) | (c >>> 2);
	x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w2) | 0; b = (b << 30) | (b >>> 2);
	x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + 0x8f1bbcdc + w3) | 0; a = (a << 30) | (a >>> 2);
	x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + 0x8f1bbcdc + w4) | 0; e = (e << 30) | (e >>> 2);
	x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + 0x8f1bbcdc + w5) | 0; d = (d << 30) | (d >>> 2);
	x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + 0x8f1bbcdc + w6) | 0; c = (c << 30) | (c >>> 2);
	x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w7) | 0; b = (b << 30) | (b >>> 2);
	x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + 0x8f1bbcdc + w8) | 0; a = (a << 30) | (a >>> 2);
	x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + 0x8f1bbcdc + w9) | 0; e = (e << 30) | (e >>> 2);
	x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + 0x8f1bbcdc + w10) | 0; d = (d << 30) | (d >>> 2);
	x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + 0x8f1bbcdc + w11) | 0; c = (c << 30) | (c >>> 2);
	x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w12) | 0; b = (b << 30) | (b >>> 2);
	x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0xca62c1d6 + w13) | 0; a = (a << 30) | (a >>> 2);
	x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0xca62c1d6 + w14) | 0; e = (e << 30) | (e >>> 2);
	x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0xca62c1d6 + w15) | 0; d = (d << 30) | (d >>> 2);
	x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0xca62c1d6 + w0) | 0; c = (c << 30) | (c >>> 2);
	x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w1) | 0; b = (b << 30) | (b >>> 2);
	x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0xca62c1d6 + w2) | 0; a = (a << 30) | (a >>> 2);
	x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0xca62c1d6 + w3) | 0; e = (e << 30) | (e >>> 2);
	x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0xca62c1d6 + w4) | 0; d = (d << 30) | (d >>> 2);
	x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0xca62c1d6 + w5) | 0; c = (c << 30) | (c >>> 2);
	x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w6) | 0; b = (b << 30) | (b >>> 2);
	x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0xca62c1d6 + w7) | 0; a = (a << 30) | (a >>> 2);
	x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0xca62c1d6 + w8) | 0; e = (e << 30) | (e >>> 2);
	x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0xca62c1d6 + w9) | 0; d = (d << 30) | (d >>> 2);
	x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0xca62c1d6 + w10) | 0; c = (c << 30) | (c >>> 2);
	x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31); e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w11) | 0; b = (b << 30) | (b >>> 2);
	x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31); d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0xca62c1d6 + w12) | 0; a = (a << 30) | (a >>> 2);
	x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31); c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0xca62c1d6 + w13) | 0; e = (e << 30) | (e >>> 2);
	x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31); b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0xca62c1d6 + w14) | 0; d = (d << 30) | (d >>> 2);
	x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31); a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0xca62c1d6 + w15) | 0; c = (c << 30) | (c >>> 2);
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
		this.finish(hashLatin1(data));
		const s = this.state;
		const mac = this.mac;
		for (let i = 0, k = 0; i < 5; i++, k += 4) {
			const v = s[i]!;
			mac[k] = v >>> 24;
			mac[k + 1] = v >>> 16;
			mac[k + 2] = v >>> 8;
			mac[k + 3] = v;
		}
	}

	/**
	 * As computePrefixed, but writes the first `tagLength` bytes of the MAC straight into
	 * out[offset..] (`this.mac` is left alone): saves a native copy call per packet.
	 */
	computePrefixedInto(data: Uint8Array, out: Uint8Array, offset: number, tagLength: number): void {
		this.finish(hashLatin1(data));
		const s = this.state;
		for (let i = 0; i < tagLength; i++) {
			out[offset + i] = s[i >>> 2]! >>> (24 - ((i & 3) << 3));
		}
	}

	/** Outer hash: one compression of the inner digest after the precomputed K^opad state. */
	private finish(inner: string): void {
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
