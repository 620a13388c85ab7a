import * as v8 from 'node:v8';

/**
 * Length-prefixed frames over a byte stream: a 4-byte big-endian length
 * followed by one V8-serialized message.
 */

export const MAX_FRAME_LENGTH = 64 * 1024 * 1024;

export function encodeFrame(message: unknown): Buffer {
	const body = v8.serialize(message);
	const frame = Buffer.allocUnsafe(4 + body.length);

	frame.writeUInt32BE(body.length, 0);
	body.copy(frame, 4);

	return frame;
}

/**
 * Accumulates chunks from a stream and yields whole messages. Copies only
 * when a frame straddles chunks.
 */
export class FrameReader {
	#pending: Buffer | undefined = undefined;

	/** Returns the messages completed by this chunk (may be none). */
	push(chunk: Buffer, onMessage: (message: any) => void): void {
		let buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
		let offset = 0;

		this.#pending = undefined;

		while (buf.length - offset >= 4) {
			const length = buf.readUInt32BE(offset);

			if (length > MAX_FRAME_LENGTH) {
				throw new Error(`channel frame too large (${length} bytes)`);
			}

			if (buf.length - offset - 4 < length) {
				break;
			}

			const message = v8.deserialize(buf.subarray(offset + 4, offset + 4 + length));

			offset += 4 + length;
			onMessage(message);
		}

		if (offset < buf.length) {
			this.#pending = Buffer.from(buf.subarray(offset));
		}

		buf = Buffer.alloc(0);
	}
}
