import assert from 'node:assert/strict';

export { prng } from '../../helpers/prng';

export function randInt(rand: () => number, maxExclusive: number): number {
	return Math.floor(rand() * maxExclusive);
}

export function randU32(rand: () => number): number {
	return (randInt(rand, 0x10000) * 0x10000 + randInt(rand, 0x10000)) >>> 0;
}

export function randBytes(rand: () => number, n: number): Uint8Array {
	const b = new Uint8Array(n);
	for (let i = 0; i < n; i++) b[i] = randInt(rand, 256);
	return b;
}

export function hex(s: string): Buffer {
	return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

interface Serializable {
	size(): number;
	serialize(): Buffer;
	serializeInto(b: Uint8Array, offset: number): number;
}

type Parse<T> = (b: Uint8Array, offset?: number, length?: number) => T | undefined;

/** Parse, serialize back to identical bytes, and the same through serializeInto at an offset. */
export function assertRoundTrip<T extends Serializable>(parse: Parse<T>, bytes: Uint8Array): T {
	const packet = parse(bytes);
	assert.ok(packet, 'parses');
	assert.equal(packet.size(), bytes.length);
	assert.deepEqual(packet.serialize(), Buffer.from(bytes));
	const big = Buffer.alloc(bytes.length + 7, 0xee);
	assert.equal(packet.serializeInto(big, 3), bytes.length);
	assert.deepEqual(big.subarray(3, 3 + bytes.length), Buffer.from(bytes));
	// Parsing in place inside a bigger buffer gives the same object.
	assert.deepEqual(parse(big, 3, bytes.length), packet);
	return packet;
}

/**
 * Malformed variants of a valid packet that every parser must refuse (RFC 3550 6.4.1 header
 * rules), and bit flips that it must survive without throwing.
 */
export function assertRejectsMalformed<T extends Serializable>(parse: Parse<T>, good: Uint8Array): void {
	const b = Buffer.from(good);
	for (let n = 0; n < b.length; n++) assert.equal(parse(b.subarray(0, n)), undefined, `truncated to ${n}`);
	for (const version of [0, 1, 3]) {
		const v = Buffer.from(b);
		v[0] = (v[0] & 0x3f) | (version << 6);
		assert.equal(parse(v), undefined, `version ${version}`);
	}
	const longer = Buffer.from(b);
	longer.writeUInt16BE(longer.readUInt16BE(2) + 1, 2);
	assert.equal(parse(longer), undefined, 'length field too big');
	const extended = Buffer.concat([b, Buffer.alloc(4)]);
	assert.equal(parse(extended), undefined, 'bytes beyond the length field');
	const zeroPad = Buffer.from(b);
	zeroPad[0] |= 0x20;
	zeroPad[zeroPad.length - 1] = 0;
	assert.equal(parse(zeroPad), undefined, 'P bit with a zero padding count');
	const hugePad = Buffer.from(b);
	hugePad[0] |= 0x20;
	hugePad[hugePad.length - 1] = 255;
	if (hugePad.length - 4 < 255) assert.equal(parse(hugePad), undefined, 'padding past the header');
	// Every single bit flip: no throw, and whatever parses is stable under serialize + parse.
	for (let bit = 0; bit < b.length * 8; bit++) {
		const f = Buffer.from(b);
		f[bit >>> 3] ^= 0x80 >>> (bit & 7);
		const p = parse(f);
		if (p) assertStable(parse, p);
	}
}

/** serialize(parse(x)) parses back to the same object and bytes. */
export function assertStable<T extends Serializable>(parse: Parse<T>, packet: T): void {
	const bytes = packet.serialize();
	const again = parse(bytes);
	assert.deepEqual(again, packet);
	assert.deepEqual(again!.serialize(), bytes);
}
