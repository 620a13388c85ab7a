/**
 * WebRTC data channel establishment protocol (RFC 8832) and the WebRTC PPIDs (RFC 8831 8).
 * Pure encode/decode; parsers return undefined on malformed input.
 */

/** RFC 8831 section 8 / IANA SCTP Payload Protocol Identifiers. */
export const Ppid = {
	DCEP: 50,
	STRING: 51,
	/** Deprecated "WebRTC Binary Partial"; accepted on receive as binary. */
	BINARY_PARTIAL: 52,
	BINARY: 53,
	/** Deprecated "WebRTC String Partial"; accepted on receive as string. */
	STRING_PARTIAL: 54,
	STRING_EMPTY: 56,
	BINARY_EMPTY: 57,
} as const;

export const DcepMessageType = {
	ACK: 0x02,
	OPEN: 0x03,
} as const;

/** RFC 8832 section 5.1 channel types. */
export const ChannelType = {
	RELIABLE: 0x00,
	RELIABLE_UNORDERED: 0x80,
	PARTIAL_RELIABLE_REXMIT: 0x01,
	PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
	PARTIAL_RELIABLE_TIMED: 0x02,
	PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;

export interface DataChannelOpen {
	channelType: number;
	priority: number;
	/** Max retransmissions (REXMIT types) or lifetime in ms (TIMED types); 0 for reliable. */
	reliabilityParameter: number;
	label: string;
	protocol: string;
}

/** The channel parameters a DATA_CHANNEL_OPEN expresses, in RTCDataChannel terms. */
export interface ChannelParameters {
	ordered: boolean;
	maxRetransmits?: number;
	maxPacketLifeTime?: number;
}

export function channelParameters(open: DataChannelOpen): ChannelParameters {
	const ordered = (open.channelType & 0x80) === 0;
	switch (open.channelType & 0x7f) {
		case 0x01:
			return { ordered, maxRetransmits: open.reliabilityParameter };
		case 0x02:
			return { ordered, maxPacketLifeTime: open.reliabilityParameter };
		default:
			return { ordered };
	}
}

export function channelTypeOf(p: ChannelParameters): { channelType: number; reliabilityParameter: number } {
	const u = p.ordered ? 0 : 0x80;
	if (p.maxRetransmits !== undefined) return { channelType: 0x01 | u, reliabilityParameter: p.maxRetransmits };
	if (p.maxPacketLifeTime !== undefined) return { channelType: 0x02 | u, reliabilityParameter: p.maxPacketLifeTime };
	return { channelType: u, reliabilityParameter: 0 };
}

const KNOWN_TYPES = new Set<number>([0x00, 0x80, 0x01, 0x81, 0x02, 0x82]);

/** Parses a DCEP message (PPID 50). undefined when malformed or of unknown type. */
export function parseDcep(buf: Buffer): ({ type: 'open' } & DataChannelOpen) | { type: 'ack' } | undefined {
	if (buf.length < 1) return undefined;
	if (buf[0] === DcepMessageType.ACK) return { type: 'ack' };
	if (buf[0] !== DcepMessageType.OPEN || buf.length < 12) return undefined;
	const channelType = buf[1];
	if (!KNOWN_TYPES.has(channelType)) return undefined;
	const labelLength = buf.readUInt16BE(8);
	const protocolLength = buf.readUInt16BE(10);
	if (buf.length < 12 + labelLength + protocolLength) return undefined;
	return {
		type: 'open',
		channelType,
		priority: buf.readUInt16BE(2),
		reliabilityParameter: buf.readUInt32BE(4),
		label: buf.toString('utf8', 12, 12 + labelLength),
		protocol: buf.toString('utf8', 12 + labelLength, 12 + labelLength + protocolLength),
	};
}

/** Builds DATA_CHANNEL_OPEN (RFC 8832 5.1). */
export function buildDcepOpen(open: DataChannelOpen): Buffer {
	const label = Buffer.from(open.label, 'utf8');
	const protocol = Buffer.from(open.protocol, 'utf8');
	const b = Buffer.alloc(12 + label.length + protocol.length);
	b[0] = DcepMessageType.OPEN;
	b[1] = open.channelType;
	b.writeUInt16BE(open.priority, 2);
	b.writeUInt32BE(open.reliabilityParameter >>> 0, 4);
	b.writeUInt16BE(label.length, 8);
	b.writeUInt16BE(protocol.length, 10);
	label.copy(b, 12);
	protocol.copy(b, 12 + label.length);
	return b;
}

/** Builds DATA_CHANNEL_ACK (RFC 8832 5.2). */
export function buildDcepAck(): Buffer {
	return Buffer.from([DcepMessageType.ACK]);
}

/**
 * Maps an application message to what SCTP carries. SCTP cannot carry empty user data, so
 * empty messages travel as one zero byte with PPID 56/57 (RFC 8831 6.6).
 */
export function toWire(data: Buffer | string): { ppid: number; payload: Buffer } {
	if (typeof data === 'string') {
		return data.length === 0 ? { ppid: Ppid.STRING_EMPTY, payload: Buffer.alloc(1) } : { ppid: Ppid.STRING, payload: Buffer.from(data, 'utf8') };
	}
	return data.length === 0 ? { ppid: Ppid.BINARY_EMPTY, payload: Buffer.alloc(1) } : { ppid: Ppid.BINARY, payload: data };
}

/** The inverse of toWire; undefined for PPIDs that are not WebRTC data (DCEP included). */
export function fromWire(ppid: number, payload: Buffer): { isString: boolean; data: Buffer } | undefined {
	switch (ppid) {
		case Ppid.STRING:
		case Ppid.STRING_PARTIAL:
			return { isString: true, data: payload };
		case Ppid.BINARY:
		case Ppid.BINARY_PARTIAL:
			return { isString: false, data: payload };
		case Ppid.STRING_EMPTY:
			return { isString: true, data: Buffer.alloc(0) };
		case Ppid.BINARY_EMPTY:
			return { isString: false, data: Buffer.alloc(0) };
		default:
			return undefined;
	}
}
