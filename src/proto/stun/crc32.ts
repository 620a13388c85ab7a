import * as zlib from 'node:zlib';

// zlib.crc32 exists from Node 20.15 / 22.2; the table below keeps older Node 20 releases working.
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
	// ISO-HDLC CRC-32 (the one RFC 5389 section 15.5 names), reflected polynomial 0xEDB88320.
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
}

/** Table-driven CRC-32 of data[start, end). Exported so tests can compare it with zlib's. */
export function crc32Table(data: Uint8Array, start = 0, end = data.length): number {
	const t = (table ??= makeTable());
	let c = 0xffffffff;
	for (let i = start; i < end; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 of data[start, end), unsigned. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
	if (nativeCrc32) return nativeCrc32(data.subarray(start, end)) >>> 0;
	return crc32Table(data, start, end);
}
