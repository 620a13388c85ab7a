import { Prng } from '../../helpers/prng';

/** A random valid RTP packet as plain fields, and an encoder written apart from RtpPacket. */
export interface PacketModel {
	marker: boolean;
	payloadType: number;
	sequenceNumber: number;
	timestamp: number;
	ssrc: number;
	csrcs: number[];
	/** 0 none, 1 one-byte, 2 two-byte. */
	form: number;
	appBits: number;
	exts: Map<number, Buffer>;
	payload: Buffer;
	paddingLength: number;
}

export function randomModel(rng: Prng, maxPayload = 200): PacketModel {
	const form = rng.int(3);
	const exts = new Map<number, Buffer>();
	// Now and then more distinct two-byte ids than the packet's initial index holds.
	const n = form === 0 ? 0 : form === 2 && rng.int(8) === 0 ? rng.int(30) : rng.int(6);
	for (let k = 0; k < n; k++) {
		const id = form === 1 ? rng.range(1, 14) : rng.range(1, 255);
		const len = form === 1 ? rng.range(1, 16) : rng.range(0, 40);
		exts.set(id, rng.bytes(len));
	}
	const csrcs: number[] = [];
	const cc = rng.int(4) === 0 ? rng.int(16) : 0;
	for (let k = 0; k < cc; k++) csrcs.push(rng.u32());
	return {
		marker: rng.bool(),
		payloadType: rng.int(128),
		sequenceNumber: rng.int(65536),
		timestamp: rng.u32(),
		ssrc: rng.u32(),
		csrcs,
		form,
		appBits: form === 2 ? rng.int(16) : 0,
		exts,
		payload: rng.bytes(rng.int(maxPayload)),
		paddingLength: rng.int(3) === 0 ? rng.range(1, 255) : 0,
	};
}

/** RFC 3550 §5.1 / RFC 8285 §4 encoding, with random padding octets between elements. */
export function encodeModel(m: PacketModel, rng: Prng): Buffer {
	const parts: Buffer[] = [];
	const head = Buffer.alloc(12 + m.csrcs.length * 4);
	head[0] = 0x80 | (m.paddingLength > 0 ? 0x20 : 0) | (m.form !== 0 ? 0x10 : 0) | m.csrcs.length;
	head[1] = (m.marker ? 0x80 : 0) | m.payloadType;
	head.writeUInt16BE(m.sequenceNumber, 2);
	head.writeUInt32BE(m.timestamp, 4);
	head.writeUInt32BE(m.ssrc, 8);
	m.csrcs.forEach((c, k) => head.writeUInt32BE(c, 12 + k * 4));
	parts.push(head);
	if (m.form !== 0) {
		const elems: number[] = [];
		for (const [id, value] of m.exts) {
			const pad = rng.int(4) === 0 ? rng.int(3) : 0;
			for (let k = 0; k < pad; k++) elems.push(0);
			if (m.form === 1) elems.push((id << 4) | (value.length - 1));
			else elems.push(id, value.length);
			elems.push(...value);
		}
		while (elems.length % 4 !== 0) elems.push(0);
		const block = Buffer.alloc(4);
		block.writeUInt16BE(m.form === 1 ? 0xbede : 0x1000 | m.appBits, 0);
		block.writeUInt16BE(elems.length / 4, 2);
		parts.push(block, Buffer.from(elems));
	}
	parts.push(m.payload);
	if (m.paddingLength > 0) {
		const pad = Buffer.alloc(m.paddingLength);
		pad[m.paddingLength - 1] = m.paddingLength;
		parts.push(pad);
	}
	return Buffer.concat(parts);
}
