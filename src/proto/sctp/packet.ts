/**
 * SCTP packets and chunks (RFC 9260 section 3, RFC 3758 FORWARD-TSN, RFC 6525 RE-CONFIG):
 * parse a packet into a common header plus raw chunks, decode each chunk into a typed
 * object, and encode typed chunks back. Parsers never throw: they return undefined.
 */
import { crc32c, sctpChecksum } from './crc32c';

export const ChunkType = {
	DATA: 0,
	INIT: 1,
	INIT_ACK: 2,
	SACK: 3,
	HEARTBEAT: 4,
	HEARTBEAT_ACK: 5,
	ABORT: 6,
	SHUTDOWN: 7,
	SHUTDOWN_ACK: 8,
	ERROR: 9,
	COOKIE_ECHO: 10,
	COOKIE_ACK: 11,
	SHUTDOWN_COMPLETE: 14,
	RECONFIG: 130,
	FORWARD_TSN: 192,
} as const;

export const ParamType = {
	HEARTBEAT_INFO: 1,
	IPV4: 5,
	IPV6: 6,
	STATE_COOKIE: 7,
	UNRECOGNIZED_PARAMETER: 8,
	COOKIE_PRESERVATIVE: 9,
	SUPPORTED_ADDRESS_TYPES: 12,
	OUTGOING_SSN_RESET: 13,
	INCOMING_SSN_RESET: 14,
	SSN_TSN_RESET: 15,
	RECONFIG_RESPONSE: 16,
	ADD_OUTGOING_STREAMS: 17,
	ADD_INCOMING_STREAMS: 18,
	SUPPORTED_EXTENSIONS: 0x8008,
	FORWARD_TSN_SUPPORTED: 0xc000,
} as const;

/** RFC 9260 section 3.3.10 error cause codes. */
export const ErrorCause = {
	INVALID_STREAM_ID: 1,
	MISSING_MANDATORY_PARAMETER: 2,
	STALE_COOKIE: 3,
	OUT_OF_RESOURCE: 4,
	UNRECOGNIZED_CHUNK_TYPE: 6,
	INVALID_MANDATORY_PARAMETER: 7,
	UNRECOGNIZED_PARAMETERS: 8,
	NO_USER_DATA: 9,
	COOKIE_WHILE_SHUTTING_DOWN: 10,
	USER_INITIATED_ABORT: 12,
	PROTOCOL_VIOLATION: 13,
} as const;

/** RFC 6525 section 4.4 re-configuration results. */
export const ReconfigResult = {
	SUCCESS_NOTHING_TO_DO: 0,
	SUCCESS_PERFORMED: 1,
	DENIED: 2,
	ERROR_WRONG_SSN: 3,
	ERROR_REQUEST_IN_PROGRESS: 4,
	ERROR_BAD_SEQUENCE_NUMBER: 5,
	IN_PROGRESS: 6,
} as const;

export const COMMON_HEADER_LENGTH = 12;
export const DATA_CHUNK_HEADER_LENGTH = 16;

export interface RawChunk {
	type: number;
	flags: number;
	/** Chunk value, without the 4-byte chunk header and without padding. */
	value: Buffer;
}

export interface SctpPacket {
	srcPort: number;
	dstPort: number;
	verificationTag: number;
	chunks: RawChunk[];
}

export interface Cause {
	code: number;
	info: Buffer;
}

export interface RawParam {
	type: number;
	value: Buffer;
}

export interface DataChunk {
	kind: 'data';
	unordered: boolean;
	beginning: boolean;
	ending: boolean;
	/** I bit (RFC 7053): the receiver should SACK immediately. */
	immediate: boolean;
	tsn: number;
	streamId: number;
	ssn: number;
	ppid: number;
	userData: Buffer;
}

export interface InitChunk {
	kind: 'init' | 'init-ack';
	initiateTag: number;
	aRwnd: number;
	os: number;
	mis: number;
	initialTsn: number;
	/** INIT ACK only (mandatory there). */
	cookie?: Buffer;
	forwardTsnSupported: boolean;
	/** Chunk types from the Supported Extensions parameter (RFC 5061 4.2.7). */
	supportedExtensions: number[];
	/** Unknown parameters whose type asks for a report (upper bit 01 or 11). */
	unrecognized: RawParam[];
	/** Any other parameter we keep but do not interpret (addresses, ...). */
	other: RawParam[];
}

export interface SackChunk {
	kind: 'sack';
	cumulativeTsnAck: number;
	aRwnd: number;
	/** Gap ack blocks as offsets from cumulativeTsnAck: [start0, end0, start1, end1, ...]. */
	gapBlocks: number[];
	duplicateTsns: number[];
}

export interface HeartbeatChunk {
	kind: 'heartbeat' | 'heartbeat-ack';
	info: Buffer;
}

export interface AbortChunk {
	kind: 'abort' | 'error';
	/** T bit: the verification tag is the sender's own (reflected). ABORT only. */
	tBit: boolean;
	causes: Cause[];
}

export interface ShutdownChunk {
	kind: 'shutdown';
	cumulativeTsnAck: number;
}

export interface EmptyChunk {
	kind: 'shutdown-ack' | 'cookie-ack';
}

export interface ShutdownCompleteChunk {
	kind: 'shutdown-complete';
	tBit: boolean;
}

export interface CookieEchoChunk {
	kind: 'cookie-echo';
	cookie: Buffer;
}

export interface ForwardTsnChunk {
	kind: 'forward-tsn';
	newCumulativeTsn: number;
	streams: { streamId: number; ssn: number }[];
}

export type ReconfigParam =
	| { type: 13; reqSeq: number; respSeq: number; lastTsn: number; streams: number[] }
	| { type: 14; reqSeq: number; streams: number[] }
	| { type: 16; respSeq: number; result: number; senderNextTsn?: number; receiverNextTsn?: number }
	| { type: 0; rawType: number; value: Buffer };

export interface ReconfigChunk {
	kind: 'reconfig';
	params: ReconfigParam[];
}

export interface UnknownChunk {
	kind: 'unknown';
	type: number;
	flags: number;
	value: Buffer;
}

export type Chunk =
	| DataChunk
	| InitChunk
	| SackChunk
	| HeartbeatChunk
	| AbortChunk
	| ShutdownChunk
	| EmptyChunk
	| ShutdownCompleteChunk
	| CookieEchoChunk
	| ForwardTsnChunk
	| ReconfigChunk
	| UnknownChunk;

const pad4 = (n: number): number => (n + 3) & ~3;

/** Whether buf carries a correct SCTP checksum (RFC 9260 6.8). */
export function verifyChecksum(buf: Buffer): boolean {
	if (buf.length < COMMON_HEADER_LENGTH) return false;
	return buf.readUInt32LE(8) === sctpChecksum(buf);
}

/**
 * Splits an SCTP packet into its common header and chunks. Returns undefined when the
 * packet is short, a chunk length is out of bounds or below 4, or (if checkCrc) the
 * CRC32c is wrong. Chunk values are views into buf (no copy).
 */
export function parsePacket(buf: Buffer, checkCrc = true): SctpPacket | undefined {
	if (buf.length < COMMON_HEADER_LENGTH + 4) return undefined;
	if (checkCrc && !verifyChecksum(buf)) return undefined;
	const chunks: RawChunk[] = [];
	let off = COMMON_HEADER_LENGTH;
	while (off + 4 <= buf.length) {
		const type = buf[off];
		const flags = buf[off + 1];
		const length = buf.readUInt16BE(off + 2);
		if (length < 4 || off + length > buf.length) return undefined;
		chunks.push({ type, flags, value: buf.subarray(off + 4, off + length) });
		off += pad4(length);
	}
	// Trailing bytes other than padding up to 3 bytes make the packet malformed.
	if (off < buf.length) return undefined;
	if (chunks.length === 0) return undefined;
	return {
		srcPort: buf.readUInt16BE(0),
		dstPort: buf.readUInt16BE(2),
		verificationTag: buf.readUInt32BE(4),
		chunks,
	};
}

function parseParams(value: Buffer, start: number): RawParam[] | undefined {
	const out: RawParam[] = [];
	let off = start;
	while (off + 4 <= value.length) {
		const type = value.readUInt16BE(off);
		const length = value.readUInt16BE(off + 2);
		if (length < 4 || off + length > value.length) return undefined;
		out.push({ type, value: value.subarray(off + 4, off + length) });
		off += pad4(length);
	}
	return out;
}

function parseCauses(value: Buffer): Cause[] | undefined {
	const params = parseParams(value, 0);
	if (!params) return undefined;
	return params.map((p) => ({ code: p.type, info: p.value }));
}

function decodeInit(raw: RawChunk, kind: 'init' | 'init-ack'): InitChunk | undefined {
	const v = raw.value;
	if (v.length < 16) return undefined;
	const params = parseParams(v, 16);
	if (!params) return undefined;
	const chunk: InitChunk = {
		kind,
		initiateTag: v.readUInt32BE(0),
		aRwnd: v.readUInt32BE(4),
		os: v.readUInt16BE(8),
		mis: v.readUInt16BE(10),
		initialTsn: v.readUInt32BE(12),
		cookie: undefined,
		forwardTsnSupported: false,
		supportedExtensions: [],
		unrecognized: [],
		other: [],
	};
	for (const p of params) {
		switch (p.type) {
			case ParamType.STATE_COOKIE:
				chunk.cookie = p.value;
				break;
			case ParamType.FORWARD_TSN_SUPPORTED:
				chunk.forwardTsnSupported = true;
				break;
			case ParamType.SUPPORTED_EXTENSIONS:
				for (let i = 0; i < p.value.length; i++) chunk.supportedExtensions.push(p.value[i]);
				break;
			case ParamType.IPV4:
			case ParamType.IPV6:
			case ParamType.COOKIE_PRESERVATIVE:
			case ParamType.SUPPORTED_ADDRESS_TYPES:
			case 11: // Host Name Address (deprecated)
				chunk.other.push(p);
				break;
			default: {
				// RFC 9260 3.2.1: the upper two bits say what to do with an unknown parameter.
				const action = p.type >>> 14;
				if (action & 1) chunk.unrecognized.push(p);
				else chunk.other.push(p);
				if ((action & 2) === 0) return chunk; // stop processing further parameters
			}
		}
	}
	return chunk;
}

function decodeReconfigParams(value: Buffer): ReconfigParam[] | undefined {
	const params = parseParams(value, 0);
	if (!params) return undefined;
	const out: ReconfigParam[] = [];
	for (const p of params) {
		const v = p.value;
		switch (p.type) {
			case ParamType.OUTGOING_SSN_RESET: {
				if (v.length < 12 || (v.length - 12) % 2 !== 0) return undefined;
				const streams: number[] = [];
				for (let i = 12; i + 2 <= v.length; i += 2) streams.push(v.readUInt16BE(i));
				out.push({ type: 13, reqSeq: v.readUInt32BE(0), respSeq: v.readUInt32BE(4), lastTsn: v.readUInt32BE(8), streams });
				break;
			}
			case ParamType.INCOMING_SSN_RESET: {
				if (v.length < 4 || (v.length - 4) % 2 !== 0) return undefined;
				const streams: number[] = [];
				for (let i = 4; i + 2 <= v.length; i += 2) streams.push(v.readUInt16BE(i));
				out.push({ type: 14, reqSeq: v.readUInt32BE(0), streams });
				break;
			}
			case ParamType.RECONFIG_RESPONSE: {
				if (v.length !== 8 && v.length !== 16) return undefined;
				const r: ReconfigParam = { type: 16, respSeq: v.readUInt32BE(0), result: v.readUInt32BE(4) };
				if (v.length === 16) {
					r.senderNextTsn = v.readUInt32BE(8);
					r.receiverNextTsn = v.readUInt32BE(12);
				}
				out.push(r);
				break;
			}
			default:
				out.push({ type: 0, rawType: p.type, value: v });
		}
	}
	return out;
}

/** Decodes a DATA chunk (RFC 9260 3.3.1); undefined if malformed (including no user data). */
export function decodeData(raw: RawChunk): DataChunk | undefined {
	const v = raw.value;
	if (v.length < 12) return undefined;
	return {
		kind: 'data',
		unordered: (raw.flags & 0x04) !== 0,
		beginning: (raw.flags & 0x02) !== 0,
		ending: (raw.flags & 0x01) !== 0,
		immediate: (raw.flags & 0x08) !== 0,
		tsn: v.readUInt32BE(0),
		streamId: v.readUInt16BE(4),
		ssn: v.readUInt16BE(6),
		ppid: v.readUInt32BE(8),
		userData: v.subarray(12),
	};
}

/** Decodes any chunk; undefined when the chunk is malformed. */
export function decodeChunk(raw: RawChunk): Chunk | undefined {
	const v = raw.value;
	switch (raw.type) {
		case ChunkType.DATA:
			return decodeData(raw);
		case ChunkType.INIT:
			return decodeInit(raw, 'init');
		case ChunkType.INIT_ACK:
			return decodeInit(raw, 'init-ack');
		case ChunkType.SACK: {
			if (v.length < 12) return undefined;
			const nGaps = v.readUInt16BE(8);
			const nDups = v.readUInt16BE(10);
			if (v.length < 12 + nGaps * 4 + nDups * 4) return undefined;
			const gapBlocks: number[] = new Array(nGaps * 2);
			let off = 12;
			for (let i = 0; i < nGaps * 2; i++, off += 2) gapBlocks[i] = v.readUInt16BE(off);
			const duplicateTsns: number[] = new Array(nDups);
			for (let i = 0; i < nDups; i++, off += 4) duplicateTsns[i] = v.readUInt32BE(off);
			return { kind: 'sack', cumulativeTsnAck: v.readUInt32BE(0), aRwnd: v.readUInt32BE(4), gapBlocks, duplicateTsns };
		}
		case ChunkType.HEARTBEAT:
		case ChunkType.HEARTBEAT_ACK: {
			const params = parseParams(v, 0);
			if (!params) return undefined;
			const info = params.find((p) => p.type === ParamType.HEARTBEAT_INFO);
			if (!info) return undefined;
			return { kind: raw.type === ChunkType.HEARTBEAT ? 'heartbeat' : 'heartbeat-ack', info: info.value };
		}
		case ChunkType.ABORT:
		case ChunkType.ERROR: {
			const causes = parseCauses(v);
			if (!causes) return undefined;
			return { kind: raw.type === ChunkType.ABORT ? 'abort' : 'error', tBit: raw.type === ChunkType.ABORT && (raw.flags & 1) !== 0, causes };
		}
		case ChunkType.SHUTDOWN:
			if (v.length < 4) return undefined;
			return { kind: 'shutdown', cumulativeTsnAck: v.readUInt32BE(0) };
		case ChunkType.SHUTDOWN_ACK:
			return { kind: 'shutdown-ack' };
		case ChunkType.COOKIE_ACK:
			return { kind: 'cookie-ack' };
		case ChunkType.SHUTDOWN_COMPLETE:
			return { kind: 'shutdown-complete', tBit: (raw.flags & 1) !== 0 };
		case ChunkType.COOKIE_ECHO:
			return { kind: 'cookie-echo', cookie: v };
		case ChunkType.FORWARD_TSN: {
			if (v.length < 4 || (v.length - 4) % 4 !== 0) return undefined;
			const streams: { streamId: number; ssn: number }[] = [];
			for (let off = 4; off + 4 <= v.length; off += 4) streams.push({ streamId: v.readUInt16BE(off), ssn: v.readUInt16BE(off + 2) });
			return { kind: 'forward-tsn', newCumulativeTsn: v.readUInt32BE(0), streams };
		}
		case ChunkType.RECONFIG: {
			const params = decodeReconfigParams(v);
			if (!params) return undefined;
			return { kind: 'reconfig', params };
		}
		default:
			return { kind: 'unknown', type: raw.type, flags: raw.flags, value: v };
	}
}

// ---- encoding ----

function chunkBuffer(type: number, flags: number, valueLength: number): Buffer {
	const b = Buffer.alloc(pad4(4 + valueLength));
	b[0] = type;
	b[1] = flags;
	b.writeUInt16BE(4 + valueLength, 2);
	return b;
}

function paramsLength(params: RawParam[]): number {
	let n = 0;
	for (let i = 0; i < params.length; i++) n += (i === params.length - 1 ? 4 + params[i].value.length : pad4(4 + params[i].value.length));
	return n;
}

function writeParams(b: Buffer, off: number, params: RawParam[]): number {
	for (const p of params) {
		b.writeUInt16BE(p.type, off);
		b.writeUInt16BE(4 + p.value.length, off + 2);
		p.value.copy(b, off + 4);
		off += pad4(4 + p.value.length);
	}
	return off;
}

function encodeWithParams(type: number, flags: number, fixed: Buffer, params: RawParam[]): Buffer {
	// The last parameter's padding is not counted in the chunk length (RFC 9260 3.2).
	const b = chunkBuffer(type, flags, fixed.length + paramsLength(params));
	fixed.copy(b, 4);
	writeParams(b, 4 + fixed.length, params);
	return b;
}

function initParams(c: InitChunk): RawParam[] {
	const params: RawParam[] = [];
	if (c.cookie) params.push({ type: ParamType.STATE_COOKIE, value: c.cookie });
	for (const p of c.other) params.push(p);
	if (c.forwardTsnSupported) params.push({ type: ParamType.FORWARD_TSN_SUPPORTED, value: Buffer.alloc(0) });
	if (c.supportedExtensions.length > 0) params.push({ type: ParamType.SUPPORTED_EXTENSIONS, value: Buffer.from(c.supportedExtensions) });
	// Unrecognized parameters of a received INIT are reported back in an INIT ACK (RFC 9260 3.3.3).
	if (c.kind === 'init-ack') for (const u of c.unrecognized) params.push({ type: ParamType.UNRECOGNIZED_PARAMETER, value: encodeParam(u) });
	return params;
}

function encodeParam(p: RawParam): Buffer {
	const b = Buffer.alloc(pad4(4 + p.value.length));
	b.writeUInt16BE(p.type, 0);
	b.writeUInt16BE(4 + p.value.length, 2);
	p.value.copy(b, 4);
	return b;
}

/** Encodes a DATA chunk header and payload into b at off; returns the padded end offset. */
export function writeDataChunk(
	b: Buffer,
	off: number,
	flags: number,
	tsn: number,
	streamId: number,
	ssn: number,
	ppid: number,
	payload: Buffer,
): number {
	const length = DATA_CHUNK_HEADER_LENGTH + payload.length;
	b[off] = ChunkType.DATA;
	b[off + 1] = flags;
	b.writeUInt16BE(length, off + 2);
	b.writeUInt32BE(tsn, off + 4);
	b.writeUInt16BE(streamId, off + 8);
	b.writeUInt16BE(ssn, off + 10);
	b.writeUInt32BE(ppid, off + 12);
	payload.copy(b, off + 16);
	const end = off + length;
	const padded = pad4(length) + off;
	for (let i = end; i < padded; i++) b[i] = 0;
	return padded;
}

/** Encodes a typed chunk (header, value, padding to 4 bytes). */
export function encodeChunk(c: Chunk): Buffer {
	switch (c.kind) {
		case 'data': {
			const b = Buffer.alloc(pad4(DATA_CHUNK_HEADER_LENGTH + c.userData.length));
			const flags = (c.immediate ? 8 : 0) | (c.unordered ? 4 : 0) | (c.beginning ? 2 : 0) | (c.ending ? 1 : 0);
			writeDataChunk(b, 0, flags, c.tsn, c.streamId, c.ssn, c.ppid, c.userData);
			return b;
		}
		case 'init':
		case 'init-ack': {
			const fixed = Buffer.alloc(16);
			fixed.writeUInt32BE(c.initiateTag >>> 0, 0);
			fixed.writeUInt32BE(c.aRwnd >>> 0, 4);
			fixed.writeUInt16BE(c.os, 8);
			fixed.writeUInt16BE(c.mis, 10);
			fixed.writeUInt32BE(c.initialTsn >>> 0, 12);
			return encodeWithParams(c.kind === 'init' ? ChunkType.INIT : ChunkType.INIT_ACK, 0, fixed, initParams(c));
		}
		case 'sack': {
			const nGaps = c.gapBlocks.length >>> 1;
			const b = chunkBuffer(ChunkType.SACK, 0, 12 + nGaps * 4 + c.duplicateTsns.length * 4);
			b.writeUInt32BE(c.cumulativeTsnAck >>> 0, 4);
			b.writeUInt32BE(c.aRwnd >>> 0, 8);
			b.writeUInt16BE(nGaps, 12);
			b.writeUInt16BE(c.duplicateTsns.length, 14);
			let off = 16;
			for (let i = 0; i < nGaps * 2; i++, off += 2) b.writeUInt16BE(c.gapBlocks[i], off);
			for (const d of c.duplicateTsns) {
				b.writeUInt32BE(d >>> 0, off);
				off += 4;
			}
			return b;
		}
		case 'heartbeat':
		case 'heartbeat-ack':
			return encodeWithParams(c.kind === 'heartbeat' ? ChunkType.HEARTBEAT : ChunkType.HEARTBEAT_ACK, 0, Buffer.alloc(0), [
				{ type: ParamType.HEARTBEAT_INFO, value: c.info },
			]);
		case 'abort':
		case 'error':
			return encodeWithParams(
				c.kind === 'abort' ? ChunkType.ABORT : ChunkType.ERROR,
				c.kind === 'abort' && c.tBit ? 1 : 0,
				Buffer.alloc(0),
				c.causes.map((x) => ({ type: x.code, value: x.info })),
			);
		case 'shutdown': {
			const b = chunkBuffer(ChunkType.SHUTDOWN, 0, 4);
			b.writeUInt32BE(c.cumulativeTsnAck >>> 0, 4);
			return b;
		}
		case 'shutdown-ack':
			return chunkBuffer(ChunkType.SHUTDOWN_ACK, 0, 0);
		case 'cookie-ack':
			return chunkBuffer(ChunkType.COOKIE_ACK, 0, 0);
		case 'shutdown-complete':
			return chunkBuffer(ChunkType.SHUTDOWN_COMPLETE, c.tBit ? 1 : 0, 0);
		case 'cookie-echo': {
			const b = chunkBuffer(ChunkType.COOKIE_ECHO, 0, c.cookie.length);
			c.cookie.copy(b, 4);
			return b;
		}
		case 'forward-tsn': {
			const b = chunkBuffer(ChunkType.FORWARD_TSN, 0, 4 + c.streams.length * 4);
			b.writeUInt32BE(c.newCumulativeTsn >>> 0, 4);
			let off = 8;
			for (const s of c.streams) {
				b.writeUInt16BE(s.streamId, off);
				b.writeUInt16BE(s.ssn, off + 2);
				off += 4;
			}
			return b;
		}
		case 'reconfig': {
			const params: RawParam[] = c.params.map((p) => {
				switch (p.type) {
					case 13: {
						const v = Buffer.alloc(12 + p.streams.length * 2);
						v.writeUInt32BE(p.reqSeq >>> 0, 0);
						v.writeUInt32BE(p.respSeq >>> 0, 4);
						v.writeUInt32BE(p.lastTsn >>> 0, 8);
						p.streams.forEach((s, i) => v.writeUInt16BE(s, 12 + i * 2));
						return { type: ParamType.OUTGOING_SSN_RESET, value: v };
					}
					case 14: {
						const v = Buffer.alloc(4 + p.streams.length * 2);
						v.writeUInt32BE(p.reqSeq >>> 0, 0);
						p.streams.forEach((s, i) => v.writeUInt16BE(s, 4 + i * 2));
						return { type: ParamType.INCOMING_SSN_RESET, value: v };
					}
					case 16: {
						const full = p.senderNextTsn !== undefined && p.receiverNextTsn !== undefined;
						const v = Buffer.alloc(full ? 16 : 8);
						v.writeUInt32BE(p.respSeq >>> 0, 0);
						v.writeUInt32BE(p.result >>> 0, 4);
						if (full) {
							v.writeUInt32BE(p.senderNextTsn! >>> 0, 8);
							v.writeUInt32BE(p.receiverNextTsn! >>> 0, 12);
						}
						return { type: ParamType.RECONFIG_RESPONSE, value: v };
					}
					default:
						return { type: p.rawType, value: p.value };
				}
			});
			return encodeWithParams(ChunkType.RECONFIG, 0, Buffer.alloc(0), params);
		}
		case 'unknown': {
			const b = chunkBuffer(c.type, c.flags, c.value.length);
			c.value.copy(b, 4);
			return b;
		}
	}
}

/** Serializes a packet from encoded chunks (each already padded) and fills in the CRC32c. */
export function serializePacket(srcPort: number, dstPort: number, verificationTag: number, chunks: Buffer[]): Buffer {
	let length = COMMON_HEADER_LENGTH;
	for (const c of chunks) length += c.length;
	const b = Buffer.allocUnsafe(length);
	writeCommonHeader(b, srcPort, dstPort, verificationTag);
	let off = COMMON_HEADER_LENGTH;
	for (const c of chunks) off += c.copy(b, off);
	finalizePacket(b);
	return b;
}

export function writeCommonHeader(b: Buffer, srcPort: number, dstPort: number, verificationTag: number): void {
	b.writeUInt16BE(srcPort, 0);
	b.writeUInt16BE(dstPort, 2);
	b.writeUInt32BE(verificationTag >>> 0, 4);
	b.writeUInt32LE(0, 8);
}

/** Writes the CRC32c of a complete packet into bytes 8..11 (little-endian, RFC 9260 appendix B). */
export function finalizePacket(b: Buffer): void {
	b.writeUInt32LE(0, 8);
	b.writeUInt32LE(crc32c(b), 8);
}
