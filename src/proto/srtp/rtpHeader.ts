/**
 * Just enough RTP (RFC 3550 section 5.1) to find where the payload starts: fixed header, CSRC
 * list and header extension length (RFC 8285 profiles alike). Returns -1 when the header does
 * not fit in `length` bytes or the version is not 2.
 */
export function rtpHeaderLength(buf: Uint8Array, length: number): number {
	if (length < 12) {
		return -1;
	}
	const b0 = buf[0]!;
	if ((b0 & 0xc0) !== 0x80) {
		return -1;
	}
	let n = 12 + ((b0 & 0x0f) << 2);
	if ((b0 & 0x10) !== 0) {
		if (length < n + 4) {
			return -1;
		}
		n += 4 + (((buf[n + 2]! << 8) | buf[n + 3]!) << 2);
	}
	return n <= length ? n : -1;
}
