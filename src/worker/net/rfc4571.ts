/**
 * RFC 4571 framing of RTP/RTCP (and ICE/DTLS, RFC 6544) over TCP: each packet
 * is preceded by its length as a 16-bit big-endian unsigned integer.
 * Pure: bytes in, packets out.
 */

/** Largest packet a 16-bit length can describe (RFC 4571 section 2). */
export const RFC4571_MAX_PACKET_LENGTH = 65535;

/** The 2-byte length prefix followed by the packet. Throws if the packet cannot be framed. */
export function frameRfc4571(packet: Uint8Array): Buffer {
	if (packet.length > RFC4571_MAX_PACKET_LENGTH) {
		throw new RangeError(`packet too large for RFC 4571 framing (${packet.length} bytes)`);
	}

	const frame = Buffer.allocUnsafe(2 + packet.length);

	frame.writeUInt16BE(packet.length, 0);
	frame.set(packet, 2);

	return frame;
}

/**
 * Reassembles packets from a TCP byte stream. Never throws: a zero-length
 * frame is skipped (it carries nothing; RFC 4571 does not forbid it).
 */
export class Rfc4571Reader {
	#pending: Buffer | undefined = undefined;

	/** Bytes waiting for the rest of their packet. */
	get pendingLength(): number {
		return this.#pending?.length ?? 0;
	}

	/** Calls `onPacket` for every packet this chunk completes (views into the chunk when possible). */
	push(chunk: Buffer, onPacket: (packet: Buffer) => void): void {
		let buf = chunk;

		if (this.#pending) {
			buf = Buffer.concat([this.#pending, chunk]);
			this.#pending = undefined;
		}

		let offset = 0;

		while (buf.length - offset >= 2) {
			const length = buf.readUInt16BE(offset);

			if (buf.length - offset - 2 < length) {
				break;
			}

			if (length > 0) {
				onPacket(buf.subarray(offset + 2, offset + 2 + length));
			}
			offset += 2 + length;
		}

		if (offset < buf.length) {
			// Copy: the chunk's memory may be reused by the stream.
			this.#pending = Buffer.from(buf.subarray(offset));
		}
	}
}
