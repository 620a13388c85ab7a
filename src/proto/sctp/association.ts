/**
 * A sans-I/O SCTP association (RFC 9260) with the extensions WebRTC data channels use:
 * partial reliability (RFC 3758 FORWARD-TSN) and stream reset (RFC 6525 RE-CONFIG).
 *
 * Bytes in: handlePacket(buf, nowMs). Bytes out: pollOutgoing(). Time is a parameter:
 * the owner calls handleTimeout(nowMs) when nextTimeoutMs() is reached. Nothing here
 * reads a clock, opens a socket or throws on network input (bad input is counted in
 * `stats` and dropped). Transport-agnostic: the same packets go in UDP datagrams
 * (PlainTransport/PipeTransport) or DTLS application data (RFC 8261).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sctpChecksum } from './crc32c';
import {
	COMMON_HEADER_LENGTH,
	ChunkType,
	DATA_CHUNK_HEADER_LENGTH,
	ErrorCause,
	ReconfigResult,
	decodeChunk,
	decodeData,
	encodeChunk,
	finalizePacket,
	parsePacket,
	serializePacket,
	writeCommonHeader,
	writeDataChunk,
	type Chunk,
	type DataChunk,
	type InitChunk,
	type ReconfigParam,
	type SackChunk,
	type SctpPacket,
} from './packet';

/** mediasoup's sctpState values. */
export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/** RFC 9260 section 4 states. */
export const enum AssocState {
	CLOSED = 0,
	COOKIE_WAIT = 1,
	COOKIE_ECHOED = 2,
	ESTABLISHED = 3,
	SHUTDOWN_PENDING = 4,
	SHUTDOWN_SENT = 5,
	SHUTDOWN_RECEIVED = 6,
	SHUTDOWN_ACK_SENT = 7,
}

export interface SendOptions {
	/** Default true. */
	ordered?: boolean;
	/** Abandon the message (RFC 3758) once this many ms have passed since send(). */
	maxPacketLifeTime?: number;
	/** Abandon the message after this many retransmissions (0: sent once). */
	maxRetransmits?: number;
}

/** Result of send(): 'ok' or why the message was not queued. */
export type SendResult = 'ok' | 'buffer-full' | 'too-large' | 'invalid-stream' | 'empty' | 'closed';

export interface SctpAssociationOptions {
	localPort?: number;
	remotePort?: number;
	/** 'client' sends INIT on connect(); 'server' only answers (connect() is a no-op). */
	role?: 'client' | 'server';
	/** Outbound streams we ask for (OS); default 1024. */
	os?: number;
	/** Maximum inbound streams we accept (MIS); default 1024. */
	mis?: number;
	/** Largest message send() accepts and the receiver delivers; default 262144. */
	maxMessageSize?: number;
	/** Bytes queued or unacknowledged beyond which send() reports 'buffer-full'; default 262144. */
	sendBufferSize?: number;
	/** Our advertised receive window (a_rwnd); default 1 MiB. */
	receiveBufferSize?: number;
	/** Largest SCTP packet we send (bytes, common header included); default 1200. */
	mtu?: number;
	rtoInitialMs?: number;
	rtoMinMs?: number;
	rtoMaxMs?: number;
	/** Max.Init.Retransmits (RFC 9260 16); default 8. */
	maxInitRetransmits?: number;
	/** Association.Max.Retrans; default 10. */
	maxAssociationRetransmits?: number;
	/** HB.interval; 0 disables heartbeats; default 30000. */
	heartbeatIntervalMs?: number;
	/** Max.Burst (RFC 9260 16): packets of new data per pollOutgoing(); default 4. */
	maxBurst?: number;
	/** Delayed SACK timeout; default 200. */
	delayedAckMs?: number;
	/** Valid.Cookie.Life; default 60000. */
	cookieLifetimeMs?: number;
	/** HMAC key for state cookies; random by default. */
	secret?: Buffer;
	onStateChange?: (state: SctpState) => void;
	onMessage?: (streamId: number, ppid: number, data: Buffer) => void;
	/** Streams whose SSNs were reset: 'incoming' when the peer reset its outgoing side. */
	onStreamReset?: (streamIds: number[], direction: 'incoming' | 'outgoing') => void;
	/** A stream's buffered amount fell to or below its threshold (setBufferedAmountLowThreshold). */
	onBufferedAmountLow?: (streamId: number, bufferedAmount: number) => void;
}

export interface SctpStats {
	packetsReceived: number;
	packetsSent: number;
	/** Dropped: bad checksum, malformed, wrong ports or verification tag, unexpected chunk. */
	packetsDropped: number;
	badChecksum: number;
	malformedChunks: number;
	messagesSent: number;
	messagesReceived: number;
	bytesSent: number;
	bytesReceived: number;
	dataChunksSent: number;
	dataChunksReceived: number;
	duplicateTsnsReceived: number;
	retransmissions: number;
	fastRetransmits: number;
	t3Expirations: number;
	abandonedMessages: number;
	forwardTsnSent: number;
	forwardTsnReceived: number;
	sendBufferFull: number;
	messagesTooLarge: number;
	internalErrors: number;
}

// ---- serial number arithmetic (RFC 1982) ----
const lt32 = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const gt32 = (a: number, b: number): boolean => ((a - b) | 0) > 0;
const le32 = (a: number, b: number): boolean => ((a - b) | 0) <= 0;
const ge32 = (a: number, b: number): boolean => ((a - b) | 0) >= 0;
const gt16 = (a: number, b: number): boolean => {
	const d = (a - b) & 0xffff;
	return d !== 0 && d < 0x8000;
};

class OutMessage {
	streamId: number;
	ppid: number;
	data: Buffer;
	unordered: boolean;
	/** -1: unlimited. */
	maxRetransmits: number;
	expiresAt: number;
	ssn: number;
	abandoned: boolean;
	chunks: OutChunk[] | null;

	constructor(streamId: number, ppid: number, data: Buffer, unordered: boolean, maxRetransmits: number, expiresAt: number) {
		this.streamId = streamId;
		this.ppid = ppid;
		this.data = data;
		this.unordered = unordered;
		this.maxRetransmits = maxRetransmits;
		this.expiresAt = expiresAt;
		this.ssn = 0;
		this.abandoned = false;
		this.chunks = null;
	}
}

class OutChunk {
	tsn: number;
	flags: number;
	payload: Buffer;
	msg: OutMessage;
	nSent: number;
	sentAt: number;
	acked: boolean;
	abandoned: boolean;
	retransmit: boolean;
	inFlight: boolean;
	missIndications: number;
	fastRetransmitted: boolean;

	constructor(tsn: number, flags: number, payload: Buffer, msg: OutMessage) {
		this.tsn = tsn;
		this.flags = flags;
		this.payload = payload;
		this.msg = msg;
		this.nSent = 0;
		this.sentAt = 0;
		this.acked = false;
		this.abandoned = false;
		this.retransmit = false;
		this.inFlight = false;
		this.missIndications = 0;
		this.fastRetransmitted = false;
	}
}

class OutStream {
	nextSsn = 0;
	buffered = 0;
	lowThreshold = 0;
}

interface PendingMessage {
	ppid: number;
	data: Buffer;
	tsn: number;
}

class InStream {
	expectedSsn = 0;
	pending = new Map<number, PendingMessage>();
}

interface Cookie {
	createdAt: number;
	localTag: number;
	peerTag: number;
	localInitialTsn: number;
	peerInitialTsn: number;
	peerRwnd: number;
	peerOs: number;
	peerMis: number;
	peerPrSctp: boolean;
	peerReconfig: boolean;
	/** RFC 9260 5.2.2: the association's tags when the INIT ACK was sent from a live association (0 otherwise). */
	localTieTag: number;
	peerTieTag: number;
}

const COOKIE_BODY = 8 + 4 * 5 + 2 * 2 + 2 + 4 * 2;
const COOKIE_LENGTH = COOKIE_BODY + 32;
const HB_INFO_LENGTH = 12;
/** Receive side: TSNs further than this ahead of the cumulative point are dropped. */
const MAX_TSN_AHEAD = 1 << 20;
const MAX_DUPS_REPORTED = 32;

function randomUint32NonZero(): number {
	for (;;) {
		const v = randomBytes(4).readUInt32BE(0);
		if (v !== 0) return v;
	}
}

export class SctpAssociation {
	readonly localPort: number;
	readonly remotePort: number;
	readonly role: 'client' | 'server';
	readonly maxMessageSize: number;
	readonly sendBufferSize: number;
	readonly receiveBufferSize: number;
	readonly mtu: number;

	onStateChange: ((state: SctpState) => void) | undefined;
	onMessage: ((streamId: number, ppid: number, data: Buffer) => void) | undefined;
	onStreamReset: ((streamIds: number[], direction: 'incoming' | 'outgoing') => void) | undefined;
	onBufferedAmountLow: ((streamId: number, bufferedAmount: number) => void) | undefined;

	readonly stats: SctpStats;

	private readonly osWanted: number;
	private readonly misWanted: number;
	private readonly rtoInitial: number;
	private readonly rtoMin: number;
	private readonly rtoMax: number;
	private readonly maxInitRetransmits: number;
	private readonly maxAssocRetransmits: number;
	private readonly heartbeatInterval: number;
	private readonly delayedAckMs: number;
	private readonly maxBurst: number;
	private readonly cookieLifetime: number;
	private readonly secret: Buffer;
	private readonly fragmentSize: number;

	private now = 0;
	private assocState = AssocState.CLOSED;
	private publicState: SctpState = 'new';
	/** Terminal: after ABORT, failure or shutdown nothing more happens. */
	private terminated = false;

	private readonly localTag: number;
	private peerTag = 0;
	private readonly localInitialTsn: number;
	private peerInitialTsn = 0;
	/** Negotiated stream counts: min(our OS, peer MIS) and min(our MIS, peer OS). */
	private numOutboundStreams: number;
	private numInboundStreams: number;
	private peerPrSctp = false;
	private peerReconfig = false;

	// Packets ready to go (handshake, ABORT...), and control chunks to bundle first.
	private outPackets: Buffer[] = [];
	private controlChunks: Buffer[] = [];

	// ---- sender ----
	private nextTsn: number;
	private cumAckPoint: number;
	private advancedPeerAckPoint: number;
	/** Chunks with TSN cumAckPoint+1+k at index k (assigned, maybe not yet sent). */
	private outstanding: OutChunk[] = [];
	/** Chunks with a TSN but never sent, in TSN order (also in outstanding). */
	private unsent: OutChunk[] = [];
	private unsentHead = 0;
	private sendQueue: OutMessage[] = [];
	private sendQueueHead = 0;
	private outStreams = new Map<number, OutStream>();
	private totalBuffered = 0;
	private rtxCount = 0;
	private flightSize = 0;
	private peerRwnd = 0;
	private cwnd = 0;
	private ssthresh = 0;
	private partialBytesAcked = 0;
	private inFastRecovery = false;
	private fastRecoveryExit = 0;
	private fastRtxPending = false;
	private forwardTsnPending = false;
	private rttProbe: OutChunk | null = null;
	private srtt = 0;
	private rttvar = 0;
	private rto: number;
	private errorCount = 0;

	// ---- receiver ----
	private peerCumTsn = 0;
	private receivedAbove = new Set<number>();
	private dups: number[] = [];
	private reassembly = new Map<number, DataChunk>();
	private heldBytes = 0;
	private inStreams = new Map<number, InStream>();
	private sackImmediate = false;
	private sackPending = false;
	private dataPacketsSinceSack = 0;

	// ---- timers (absolute ms; Infinity when stopped) ----
	private t1Deadline = Infinity;
	private t1Packet: Buffer | null = null;
	private t1Count = 0;
	private t1Rto = 0;
	private t2Deadline = Infinity;
	private t2Count = 0;
	private t3Deadline = Infinity;
	private delayedAckDeadline = Infinity;
	private heartbeatDeadline = Infinity;
	private heartbeatOutstanding = false;
	private heartbeatNonce = 0;
	private reconfigDeadline = Infinity;

	// ---- stream reset (RFC 6525) ----
	private myReqSeq = 0;
	private peerReqSeqExpected = 0;
	private lastPeerResult: number = ReconfigResult.SUCCESS_NOTHING_TO_DO;
	private pendingResets = new Set<number>();
	private inflightReset: { reqSeq: number; streams: number[]; chunk: Buffer } | null = null;
	private deferredReset: { reqSeq: number; lastTsn: number; streams: number[] } | null = null;

	constructor(options: SctpAssociationOptions = {}) {
		this.localPort = options.localPort ?? 5000;
		this.remotePort = options.remotePort ?? 5000;
		this.role = options.role ?? 'client';
		this.osWanted = clampStreams(options.os ?? 1024);
		this.misWanted = clampStreams(options.mis ?? 1024);
		this.maxMessageSize = options.maxMessageSize ?? 262144;
		this.sendBufferSize = options.sendBufferSize ?? 262144;
		this.receiveBufferSize = Math.max(1500, options.receiveBufferSize ?? 1024 * 1024);
		this.mtu = Math.max(256, Math.min(65535, options.mtu ?? 1200));
		this.rtoInitial = options.rtoInitialMs ?? 1000;
		this.rtoMin = options.rtoMinMs ?? 400;
		this.rtoMax = options.rtoMaxMs ?? 60000;
		this.maxInitRetransmits = options.maxInitRetransmits ?? 8;
		this.maxAssocRetransmits = options.maxAssociationRetransmits ?? 10;
		this.heartbeatInterval = options.heartbeatIntervalMs ?? 30000;
		this.delayedAckMs = options.delayedAckMs ?? 200;
		this.maxBurst = Math.max(1, options.maxBurst ?? 4);
		this.cookieLifetime = options.cookieLifetimeMs ?? 60000;
		this.secret = options.secret ?? randomBytes(32);
		this.onStateChange = options.onStateChange;
		this.onMessage = options.onMessage;
		this.onStreamReset = options.onStreamReset;
		this.onBufferedAmountLow = options.onBufferedAmountLow;
		// A DATA chunk alone in a packet must fit the MTU; keep fragments 4-byte aligned.
		this.fragmentSize = (this.mtu - COMMON_HEADER_LENGTH - DATA_CHUNK_HEADER_LENGTH) & ~3;
		this.rto = this.rtoInitial;
		this.localTag = randomUint32NonZero();
		this.localInitialTsn = randomBytes(4).readUInt32BE(0);
		this.nextTsn = this.localInitialTsn;
		this.cumAckPoint = (this.localInitialTsn - 1) >>> 0;
		this.advancedPeerAckPoint = this.cumAckPoint;
		this.numOutboundStreams = this.osWanted;
		this.numInboundStreams = this.misWanted;
		this.stats = {
			packetsReceived: 0,
			packetsSent: 0,
			packetsDropped: 0,
			badChecksum: 0,
			malformedChunks: 0,
			messagesSent: 0,
			messagesReceived: 0,
			bytesSent: 0,
			bytesReceived: 0,
			dataChunksSent: 0,
			dataChunksReceived: 0,
			duplicateTsnsReceived: 0,
			retransmissions: 0,
			fastRetransmits: 0,
			t3Expirations: 0,
			abandonedMessages: 0,
			forwardTsnSent: 0,
			forwardTsnReceived: 0,
			sendBufferFull: 0,
			messagesTooLarge: 0,
			internalErrors: 0,
		};
	}

	// ================= public API =================

	get state(): SctpState {
		return this.publicState;
	}

	/** The RFC 9260 state (AssocState). */
	get associationState(): AssocState {
		return this.assocState;
	}

	/** Streams usable for sending: min(our OS, peer MIS) once connected. */
	get outboundStreams(): number {
		return this.numOutboundStreams;
	}

	get inboundStreams(): number {
		return this.numInboundStreams;
	}

	/** Bytes of messages queued or sent but not yet acknowledged, all streams. */
	get bufferedAmount(): number {
		return this.totalBuffered;
	}

	/** Whether the peer announced RFC 3758 (FORWARD-TSN) support. */
	get partialReliability(): boolean {
		return this.peerPrSctp;
	}

	/** Current congestion window, slow-start threshold, smoothed RTT and RTO (ms). */
	get congestion(): { cwnd: number; ssthresh: number; flightSize: number; peerRwnd: number; srtt: number; rto: number } {
		return { cwnd: this.cwnd, ssthresh: this.ssthresh, flightSize: this.flightSize, peerRwnd: this.peerRwnd, srtt: this.srtt, rto: this.rto };
	}

	streamBufferedAmount(streamId: number): number {
		return this.outStreams.get(streamId)?.buffered ?? 0;
	}

	setBufferedAmountLowThreshold(streamId: number, threshold: number): void {
		this.outStream(streamId).lowThreshold = threshold;
	}

	/** Starts the four-way handshake (client role). */
	connect(nowMs: number): void {
		this.now = nowMs;
		if (this.role !== 'client' || this.terminated || this.assocState !== AssocState.CLOSED) return;
		this.t1Rto = this.rtoInitial;
		this.t1Count = 0;
		this.t1Packet = serializePacket(this.localPort, this.remotePort, 0, [encodeChunk(this.ourInit('init'))]);
		this.outPackets.push(this.t1Packet);
		this.t1Deadline = nowMs + this.t1Rto;
		this.setState(AssocState.COOKIE_WAIT);
	}

	/**
	 * Queues a message. Messages may be queued while connecting; they leave once the
	 * association is established. Returns why not when the message is refused.
	 */
	send(streamId: number, ppid: number, data: Buffer, options: SendOptions = {}, nowMs: number = this.now): SendResult {
		this.now = nowMs;
		if (this.terminated || this.assocState >= AssocState.SHUTDOWN_PENDING) return 'closed';
		if (data.length === 0) return 'empty';
		if (data.length > this.maxMessageSize) {
			this.stats.messagesTooLarge++;
			return 'too-large';
		}
		if (!(streamId >= 0 && streamId < this.numOutboundStreams)) return 'invalid-stream';
		if (this.totalBuffered + data.length > this.sendBufferSize) {
			this.stats.sendBufferFull++;
			return 'buffer-full';
		}
		const maxRtx = options.maxRetransmits ?? -1;
		const expiresAt = options.maxPacketLifeTime !== undefined ? nowMs + options.maxPacketLifeTime : Infinity;
		const msg = new OutMessage(streamId, ppid >>> 0, data, options.ordered === false, maxRtx, expiresAt);
		this.sendQueue.push(msg);
		const st = this.outStream(streamId);
		st.buffered += data.length;
		this.totalBuffered += data.length;
		this.stats.messagesSent++;
		return 'ok';
	}

	/**
	 * Resets the outgoing side of streams (RFC 6525 Outgoing SSN Reset Request), which is how
	 * WebRTC closes a data channel (RFC 8831 6.7). Messages already queued on them leave first.
	 * Returns false if the peer does not support RE-CONFIG or we are not connected.
	 */
	resetStreams(streamIds: number[]): boolean {
		if (this.terminated || this.assocState !== AssocState.ESTABLISHED || !this.peerReconfig) return false;
		for (const id of streamIds) if (id >= 0 && id <= 0xffff) this.pendingResets.add(id);
		return true;
	}

	/** Graceful close (RFC 9260 9.2): SHUTDOWN once everything sent is acknowledged. */
	shutdown(nowMs: number): void {
		this.now = nowMs;
		if (this.terminated) return;
		if (this.assocState === AssocState.ESTABLISHED) {
			this.assocState = AssocState.SHUTDOWN_PENDING;
			this.checkShutdown();
		} else if (this.assocState < AssocState.ESTABLISHED) {
			this.close('closed');
		}
	}

	/** Sends ABORT (user-initiated, RFC 9260 9.1) and closes. */
	abort(nowMs: number, reason = ''): void {
		this.now = nowMs;
		if (this.terminated) return;
		if (this.peerTag !== 0) {
			const chunk = encodeChunk({ kind: 'abort', tBit: false, causes: [{ code: ErrorCause.USER_INITIATED_ABORT, info: Buffer.from(reason) }] });
			this.outPackets.push(serializePacket(this.localPort, this.remotePort, this.peerTag, [chunk]));
		}
		this.close('closed');
	}

	/** Earliest time handleTimeout() has work to do, or undefined if no timer runs. */
	nextTimeoutMs(): number | undefined {
		const t = Math.min(this.t1Deadline, this.t2Deadline, this.t3Deadline, this.delayedAckDeadline, this.heartbeatDeadline, this.reconfigDeadline);
		return t === Infinity ? undefined : t;
	}

	handleTimeout(nowMs: number): void {
		this.now = nowMs;
		if (this.terminated) return;
		try {
			if (this.t1Deadline <= nowMs) this.onT1();
			if (this.t2Deadline <= nowMs) this.onT2();
			if (this.t3Deadline <= nowMs) this.onT3();
			if (this.delayedAckDeadline <= nowMs) {
				this.delayedAckDeadline = Infinity;
				if (this.sackPending) this.sackImmediate = true;
			}
			if (this.heartbeatDeadline <= nowMs) this.onHeartbeatTimer();
			if (this.reconfigDeadline <= nowMs) this.onReconfigTimer();
		} catch {
			this.stats.internalErrors++;
		}
	}

	/** Processes one received SCTP packet. Never throws; bad input is counted and dropped. */
	handlePacket(buf: Buffer, nowMs: number): void {
		this.now = nowMs;
		this.stats.packetsReceived++;
		if (this.terminated) return;
		const pkt = parsePacket(buf, false);
		if (!pkt) {
			this.stats.malformedChunks++;
			this.stats.packetsDropped++;
			return;
		}
		if (buf.readUInt32LE(8) !== sctpChecksum(buf)) {
			this.stats.badChecksum++;
			this.stats.packetsDropped++;
			return;
		}
		if (pkt.dstPort !== this.localPort || pkt.srcPort !== this.remotePort) {
			this.stats.packetsDropped++;
			return;
		}
		try {
			this.processPacket(pkt);
		} catch {
			this.stats.internalErrors++;
		}
	}

	/** Packets to send now, in order. Bundles control chunks, SACKs and DATA up to the MTU. */
	pollOutgoing(): Buffer[] {
		if (!this.terminated) {
			try {
				this.transmit();
			} catch {
				this.stats.internalErrors++;
			}
		}
		const out = this.outPackets;
		this.outPackets = [];
		this.stats.packetsSent += out.length;
		return out;
	}

	// ================= packet processing =================

	private processPacket(pkt: SctpPacket): void {
		const chunks = pkt.chunks;
		const tag = pkt.verificationTag;
		const first = chunks[0].type;
		// RFC 9260 8.5.1: the verification tag rules per chunk kind.
		if (first === ChunkType.INIT) {
			if (tag !== 0 || chunks.length !== 1) {
				this.stats.packetsDropped++;
				return;
			}
		} else if (first === ChunkType.ABORT || first === ChunkType.SHUTDOWN_COMPLETE) {
			const tBit = (chunks[0].flags & 1) !== 0;
			if (!(tBit ? this.peerTag !== 0 && tag === this.peerTag : tag === this.localTag)) {
				this.stats.packetsDropped++;
				return;
			}
		} else if (first !== ChunkType.COOKIE_ECHO && tag !== this.localTag) {
			this.stats.packetsDropped++;
			return;
		}

		let hadData = false;
		let immediateSack = false;
		for (let i = 0; i < chunks.length; i++) {
			const raw = chunks[i];
			if (this.terminated) return;
			if (raw.type === ChunkType.DATA) {
				const d = decodeData(raw);
				if (!d) {
					this.stats.malformedChunks++;
					continue;
				}
				hadData = true;
				if (d.immediate) immediateSack = true;
				this.handleData(d);
				continue;
			}
			const c = decodeChunk(raw);
			if (!c) {
				this.stats.malformedChunks++;
				continue;
			}
			if (c.kind === 'unknown') {
				// RFC 9260 3.2: the upper two bits of the type say what to do.
				const action = raw.type >>> 6;
				if (action & 1) {
					const b = Buffer.alloc(4 + raw.value.length);
					b[0] = raw.type;
					b[1] = raw.flags;
					b.writeUInt16BE(4 + raw.value.length, 2);
					raw.value.copy(b, 4);
					if (this.peerTag !== 0) this.controlChunks.push(encodeChunk({ kind: 'error', tBit: false, causes: [{ code: ErrorCause.UNRECOGNIZED_CHUNK_TYPE, info: b }] }));
				}
				if ((action & 2) === 0) break;
				continue;
			}
			if (this.handleChunk(c, tag) === false) break;
		}
		if (hadData) this.afterDataPacket(immediateSack);
	}

	/** Returns false when the rest of the packet must be discarded. */
	private handleChunk(c: Chunk, tag: number): boolean | void {
		switch (c.kind) {
			case 'init':
				return this.handleInit(c);
			case 'init-ack':
				return this.handleInitAck(c);
			case 'cookie-echo':
				// RFC 9260 5.1 D: DATA may follow a COOKIE ECHO; only with an accepted cookie.
				return this.handleCookieEcho(c.cookie, tag);
			case 'cookie-ack':
				if (this.assocState === AssocState.COOKIE_ECHOED) {
					this.t1Deadline = Infinity;
					this.t1Packet = null;
					this.enterEstablished();
				}
				return;
			case 'sack':
				return this.handleSack(c);
			case 'heartbeat':
				if (this.peerTag !== 0) this.controlChunks.push(encodeChunk({ kind: 'heartbeat-ack', info: c.info }));
				return;
			case 'heartbeat-ack':
				return this.handleHeartbeatAck(c.info);
			case 'abort':
				this.close('closed');
				return;
			case 'error':
				for (const cause of c.causes) {
					// RFC 9260 5.2.6: a stale cookie while COOKIE-ECHOED restarts the handshake.
					if (cause.code === ErrorCause.STALE_COOKIE && this.assocState === AssocState.COOKIE_ECHOED) {
						this.assocState = AssocState.CLOSED;
						this.connect(this.now);
					}
				}
				return;
			case 'shutdown':
				return this.handleShutdown(c.cumulativeTsnAck);
			case 'shutdown-ack':
				if (this.assocState === AssocState.SHUTDOWN_SENT || this.assocState === AssocState.SHUTDOWN_ACK_SENT) {
					this.outPackets.push(serializePacket(this.localPort, this.remotePort, this.peerTag, [encodeChunk({ kind: 'shutdown-complete', tBit: false })]));
					this.close('closed');
				}
				return;
			case 'shutdown-complete':
				if (this.assocState === AssocState.SHUTDOWN_ACK_SENT) this.close('closed');
				return;
			case 'forward-tsn':
				return this.handleForwardTsn(c.newCumulativeTsn, c.streams);
			case 'reconfig':
				return this.handleReconfig(c.params);
			default:
				return;
		}
	}

	// ================= handshake =================

	private ourInit(kind: 'init' | 'init-ack', cookie?: Buffer, peer?: InitChunk, tag = this.localTag, initialTsn = this.localInitialTsn): InitChunk {
		return {
			kind,
			initiateTag: tag,
			aRwnd: this.receiveBufferSize,
			os: this.osWanted,
			mis: this.misWanted,
			initialTsn,
			cookie,
			forwardTsnSupported: true,
			supportedExtensions: [ChunkType.RECONFIG, ChunkType.FORWARD_TSN],
			unrecognized: peer ? peer.unrecognized : [],
			other: [],
		};
	}

	private handleInit(init: InitChunk): void {
		if (init.initiateTag === 0 || init.os === 0 || init.mis === 0) {
			this.stats.malformedChunks++;
			return;
		}
		const s = this.assocState;
		if (s === AssocState.SHUTDOWN_ACK_SENT) {
			// RFC 9260 9.2: our SHUTDOWN COMPLETE may have been lost; discard the INIT and repeat the SHUTDOWN ACK.
			this.outPackets.push(serializePacket(this.localPort, this.remotePort, this.peerTag, [encodeChunk({ kind: 'shutdown-ack' })]));
			return;
		}
		let ack: Buffer;
		if (s <= AssocState.COOKIE_ECHOED) {
			// RFC 9260 5.2.1: in CLOSED we answer statelessly; in COOKIE-WAIT/ECHOED (a collision or
			// a retransmitted INIT) with the same tag and parameters as our own INIT. One tag serves both.
			ack = encodeChunk(this.ourInit('init-ack', this.makeCookie(init, this.localTag, this.localInitialTsn, 0, 0), init));
		} else {
			// RFC 9260 5.2.2: an unexpected INIT (a late retransmission, or the peer restarting) gets an
			// INIT ACK with a new Initiate Tag and our current tags as Tie-Tags in the cookie. Nothing of
			// the live association changes here; a COOKIE ECHO of this cookie is sorted out by 5.2.4.
			const tag = randomUint32NonZero();
			const tsn = randomBytes(4).readUInt32BE(0);
			ack = encodeChunk(this.ourInit('init-ack', this.makeCookie(init, tag, tsn, this.localTag, this.peerTag), init, tag, tsn));
		}
		this.outPackets.push(serializePacket(this.localPort, this.remotePort, init.initiateTag, [ack]));
	}

	private handleInitAck(ack: InitChunk): void {
		if (this.assocState !== AssocState.COOKIE_WAIT) return; // 5.2.3: discard elsewhere
		if (ack.initiateTag === 0 || !ack.cookie || ack.os === 0 || ack.mis === 0) {
			this.stats.malformedChunks++;
			return;
		}
		this.applyPeer(ack.initiateTag, ack.initialTsn, ack.aRwnd, ack.os, ack.mis, ack.forwardTsnSupported || ack.supportedExtensions.includes(ChunkType.FORWARD_TSN), ack.supportedExtensions.includes(ChunkType.RECONFIG));
		this.t1Packet = serializePacket(this.localPort, this.remotePort, this.peerTag, [encodeChunk({ kind: 'cookie-echo', cookie: ack.cookie })]);
		this.outPackets.push(this.t1Packet);
		this.t1Count = 0;
		this.t1Rto = this.rtoInitial;
		this.t1Deadline = this.now + this.t1Rto;
		this.assocState = AssocState.COOKIE_ECHOED;
	}

	private applyPeer(tag: number, initialTsn: number, rwnd: number, os: number, mis: number, prSctp: boolean, reconfig: boolean): void {
		this.peerTag = tag;
		this.peerInitialTsn = initialTsn;
		this.peerCumTsn = (initialTsn - 1) >>> 0;
		this.peerRwnd = rwnd;
		this.numOutboundStreams = Math.min(this.osWanted, mis);
		this.numInboundStreams = Math.min(this.misWanted, os);
		this.peerPrSctp = prSctp;
		this.peerReconfig = reconfig;
	}

	private makeCookie(init: InitChunk, localTag: number, localInitialTsn: number, localTieTag: number, peerTieTag: number): Buffer {
		const b = Buffer.alloc(COOKIE_LENGTH);
		b.writeDoubleBE(this.now, 0);
		b.writeUInt32BE(localTag, 8);
		b.writeUInt32BE(init.initiateTag, 12);
		b.writeUInt32BE(localInitialTsn, 16);
		b.writeUInt32BE(init.initialTsn, 20);
		b.writeUInt32BE(init.aRwnd, 24);
		b.writeUInt16BE(init.os, 28);
		b.writeUInt16BE(init.mis, 30);
		b[32] = init.forwardTsnSupported || init.supportedExtensions.includes(ChunkType.FORWARD_TSN) ? 1 : 0;
		b[33] = init.supportedExtensions.includes(ChunkType.RECONFIG) ? 1 : 0;
		b.writeUInt32BE(localTieTag, 34);
		b.writeUInt32BE(peerTieTag, 38);
		// RFC 9260 5.1.3: the cookie carries a MAC so we can verify it came from us.
		createHmac('sha256', this.secret).update(b.subarray(0, COOKIE_BODY)).digest().copy(b, COOKIE_BODY);
		return b;
	}

	private readCookie(b: Buffer): Cookie | undefined {
		if (b.length !== COOKIE_LENGTH) return undefined;
		const mac = createHmac('sha256', this.secret).update(b.subarray(0, COOKIE_BODY)).digest();
		if (!timingSafeEqual(mac, b.subarray(COOKIE_BODY))) return undefined;
		return {
			createdAt: b.readDoubleBE(0),
			localTag: b.readUInt32BE(8),
			peerTag: b.readUInt32BE(12),
			localInitialTsn: b.readUInt32BE(16),
			peerInitialTsn: b.readUInt32BE(20),
			peerRwnd: b.readUInt32BE(24),
			peerOs: b.readUInt16BE(28),
			peerMis: b.readUInt16BE(30),
			peerPrSctp: b[32] === 1,
			peerReconfig: b[33] === 1,
			localTieTag: b.readUInt32BE(34),
			peerTieTag: b.readUInt32BE(38),
		};
	}

	/** RFC 9260 5.1.5 and 5.2.4. Returns false when the COOKIE ECHO is discarded (so is the rest of its packet). */
	private handleCookieEcho(raw: Buffer, tag: number): boolean {
		const cookie = this.readCookie(raw);
		// 8.5.1: the packet's tag is the one we put in the cookie.
		if (!cookie || tag !== cookie.localTag) {
			this.stats.packetsDropped++;
			return false;
		}
		if (this.assocState <= AssocState.COOKIE_ECHOED) {
			// No association yet (or ours is still in its handshake): only cookies with our tag.
			if (cookie.localTag !== this.localTag) {
				this.stats.packetsDropped++;
				return false;
			}
			if (this.now - cookie.createdAt > this.cookieLifetime) {
				this.sendStaleCookie(cookie);
				return false;
			}
			// A plain passive open, or 5.2.4 cases B/D while COOKIE-WAIT/ECHOED (a collision; the peer
			// may have answered our INIT with another tag): take the peer's values from the cookie.
			this.applyPeer(cookie.peerTag, cookie.peerInitialTsn, cookie.peerRwnd, cookie.peerOs, cookie.peerMis, cookie.peerPrSctp, cookie.peerReconfig);
			this.t1Deadline = Infinity;
			this.t1Packet = null;
			this.controlChunks.push(encodeChunk({ kind: 'cookie-ack' }));
			this.enterEstablished();
			return true;
		}
		// 5.2.4: a COOKIE ECHO for a live association. The lifespan check of 5.1.5 is for creating
		// an association; a duplicate of the cookie that created this one is answered however old.
		const localMatch = cookie.localTag === this.localTag;
		const peerMatch = cookie.peerTag === this.peerTag;
		if (localMatch && peerMatch) {
			// Case D: the peer did not get our COOKIE ACK (or the echo was duplicated). Nothing of
			// the association is reset: the same tags mean the same TSN and stream state.
			this.controlChunks.push(encodeChunk({ kind: 'cookie-ack' }));
			return true;
		}
		if (!localMatch && !peerMatch && cookie.localTieTag === this.localTag && cookie.peerTieTag === this.peerTag) {
			// Case A: the peer restarted (new tag, answered by our 5.2.2 INIT ACK). Restart is not
			// supported: rather than keep a live-looking association whose peer has forgotten it,
			// abort towards the new instance (its tag) and fail ours.
			if (this.now - cookie.createdAt > this.cookieLifetime) {
				this.sendStaleCookie(cookie);
				return false;
			}
			const chunk = encodeChunk({ kind: 'abort', tBit: false, causes: [{ code: ErrorCause.PROTOCOL_VIOLATION, info: Buffer.from('association restart not supported') }] });
			this.outPackets.push(serializePacket(this.localPort, this.remotePort, cookie.peerTag, [chunk]));
			this.close('failed');
			return false;
		}
		// Case B after establishment (a cookie from our handshake that names another peer tag),
		// case C (our 5.2.2 INIT ACK answered late with the current peer tag) and tie-tag mismatches:
		// silently discarded; the live association is untouched.
		this.stats.packetsDropped++;
		return false;
	}

	private sendStaleCookie(cookie: Cookie): void {
		// RFC 9260 3.3.10.3: staleness in microseconds.
		const info = Buffer.alloc(4);
		info.writeUInt32BE(Math.min(0xffffffff, Math.round((this.now - cookie.createdAt - this.cookieLifetime) * 1000)), 0);
		this.outPackets.push(serializePacket(this.localPort, this.remotePort, cookie.peerTag, [encodeChunk({ kind: 'error', tBit: false, causes: [{ code: ErrorCause.STALE_COOKIE, info }] })]));
	}

	private enterEstablished(): void {
		// RFC 9260 7.2.1: initial cwnd and ssthresh.
		this.cwnd = Math.min(4 * this.mtu, Math.max(2 * this.mtu, 4380));
		this.ssthresh = this.peerRwnd;
		this.myReqSeq = this.localInitialTsn;
		this.peerReqSeqExpected = this.peerInitialTsn;
		this.lastPeerResult = ReconfigResult.SUCCESS_NOTHING_TO_DO;
		if (this.heartbeatInterval > 0) this.heartbeatDeadline = this.now + this.heartbeatInterval + this.rto;
		this.setState(AssocState.ESTABLISHED);
	}

	private setState(s: AssocState): void {
		this.assocState = s;
		let p: SctpState;
		if (s === AssocState.COOKIE_WAIT || s === AssocState.COOKIE_ECHOED) p = 'connecting';
		else if (s === AssocState.CLOSED) p = this.terminated ? this.publicState : 'new';
		else p = 'connected';
		if (p !== this.publicState) {
			this.publicState = p;
			this.onStateChange?.(p);
		}
	}

	private close(state: 'closed' | 'failed'): void {
		if (this.terminated) return;
		this.terminated = true;
		this.assocState = AssocState.CLOSED;
		this.t1Deadline = this.t2Deadline = this.t3Deadline = Infinity;
		this.delayedAckDeadline = this.heartbeatDeadline = this.reconfigDeadline = Infinity;
		this.controlChunks = [];
		if (this.publicState !== state) {
			this.publicState = state;
			this.onStateChange?.(state);
		}
	}

	private onT1(): void {
		if (!this.t1Packet) {
			this.t1Deadline = Infinity;
			return;
		}
		if (++this.t1Count > this.maxInitRetransmits) {
			this.close('failed');
			return;
		}
		this.t1Rto = Math.min(this.t1Rto * 2, this.rtoMax);
		this.t1Deadline = this.now + this.t1Rto;
		this.outPackets.push(this.t1Packet);
	}

	// ================= receiving DATA =================

	private handleData(d: DataChunk): void {
		const s = this.assocState;
		if (s !== AssocState.ESTABLISHED && s !== AssocState.SHUTDOWN_PENDING && s !== AssocState.SHUTDOWN_SENT) {
			this.stats.packetsDropped++;
			return;
		}
		this.stats.dataChunksReceived++;
		if (d.userData.length === 0) {
			// RFC 9260 6.2: DATA without user data is reported.
			const info = Buffer.alloc(4);
			info.writeUInt32BE(d.tsn, 0);
			this.controlChunks.push(encodeChunk({ kind: 'error', tBit: false, causes: [{ code: ErrorCause.NO_USER_DATA, info }] }));
			return;
		}
		const tsn = d.tsn;
		if (le32(tsn, this.peerCumTsn) || this.receivedAbove.has(tsn)) {
			this.stats.duplicateTsnsReceived++;
			if (this.dups.length < MAX_DUPS_REPORTED) this.dups.push(tsn);
			this.sackImmediate = true;
			return;
		}
		if (gt32(tsn, (this.peerCumTsn + MAX_TSN_AHEAD) >>> 0)) {
			this.stats.packetsDropped++;
			return;
		}
		const inOrder = tsn === ((this.peerCumTsn + 1) >>> 0);
		// Out of receive buffer: drop anything but the next expected TSN (which always frees progress).
		if (!inOrder && this.heldBytes + d.userData.length > this.receiveBufferSize) {
			this.stats.packetsDropped++;
			return;
		}
		if (inOrder) {
			let cum = tsn;
			while (this.receivedAbove.size > 0 && this.receivedAbove.delete((cum + 1) >>> 0)) cum = (cum + 1) >>> 0;
			this.peerCumTsn = cum;
		} else {
			this.receivedAbove.add(tsn);
			this.sackImmediate = true; // RFC 9260 6.7: report gaps at once
		}
		if (d.streamId >= this.numInboundStreams) {
			const info = Buffer.alloc(4);
			info.writeUInt16BE(d.streamId, 0);
			this.controlChunks.push(encodeChunk({ kind: 'error', tBit: false, causes: [{ code: ErrorCause.INVALID_STREAM_ID, info }] }));
		} else if (d.beginning && d.ending) {
			this.deliverOrQueue(d.streamId, d.ssn, d.ppid, d.unordered, d.userData, tsn);
		} else {
			this.reassembly.set(tsn, d);
			this.heldBytes += d.userData.length;
			this.tryAssemble(tsn);
		}
		if (this.deferredReset && ge32(this.peerCumTsn, this.deferredReset.lastTsn)) this.performDeferredReset();
	}

	private tryAssemble(tsn: number): void {
		const c = this.reassembly.get(tsn)!;
		let first = tsn;
		let cur = c;
		while (!cur.beginning) {
			const prev = this.reassembly.get((first - 1) >>> 0);
			if (!prev || !sameMessage(prev, c) || prev.ending) return;
			first = (first - 1) >>> 0;
			cur = prev;
		}
		let last = tsn;
		cur = c;
		let count = 1 + ((tsn - first) >>> 0);
		while (!cur.ending) {
			const next = this.reassembly.get((last + 1) >>> 0);
			if (!next || !sameMessage(next, c) || next.beginning) return;
			last = (last + 1) >>> 0;
			cur = next;
			count++;
		}
		const parts: Buffer[] = new Array(count);
		let size = 0;
		for (let i = 0, t = first; i < count; i++, t = (t + 1) >>> 0) {
			const p = this.reassembly.get(t)!;
			this.reassembly.delete(t);
			parts[i] = p.userData;
			size += p.userData.length;
		}
		this.heldBytes -= size;
		this.deliverOrQueue(c.streamId, c.ssn, c.ppid, c.unordered, Buffer.concat(parts, size), last);
	}

	private deliverOrQueue(streamId: number, ssn: number, ppid: number, unordered: boolean, data: Buffer, tsn: number): void {
		if (unordered) {
			this.deliver(streamId, ppid, data);
			return;
		}
		const st = this.inStream(streamId);
		if (ssn === st.expectedSsn) {
			st.expectedSsn = (ssn + 1) & 0xffff;
			this.deliver(streamId, ppid, data);
			this.drainStream(streamId, st);
		} else if (gt16(ssn, st.expectedSsn)) {
			if (!st.pending.has(ssn)) {
				st.pending.set(ssn, { ppid, data, tsn });
				this.heldBytes += data.length;
			}
		}
		// else: an SSN already delivered or skipped: drop.
	}

	private drainStream(streamId: number, st: InStream): void {
		while (st.pending.size > 0) {
			const m = st.pending.get(st.expectedSsn);
			if (!m) return;
			st.pending.delete(st.expectedSsn);
			this.heldBytes -= m.data.length;
			st.expectedSsn = (st.expectedSsn + 1) & 0xffff;
			this.deliver(streamId, m.ppid, m.data);
		}
	}

	private deliver(streamId: number, ppid: number, data: Buffer): void {
		if (data.length > this.maxMessageSize) {
			this.stats.messagesTooLarge++;
			return;
		}
		this.stats.messagesReceived++;
		this.stats.bytesReceived += data.length;
		this.onMessage?.(streamId, ppid, data);
	}

	private inStream(id: number): InStream {
		let st = this.inStreams.get(id);
		if (!st) {
			st = new InStream();
			this.inStreams.set(id, st);
		}
		return st;
	}

	private afterDataPacket(immediate: boolean): void {
		this.dataPacketsSinceSack++;
		// RFC 9260 6.2: a SACK for at least every second packet with DATA, else within 200 ms.
		if (immediate || this.dataPacketsSinceSack >= 2 || this.assocState === AssocState.SHUTDOWN_SENT) this.sackImmediate = true;
		this.sackPending = true;
		if (!this.sackImmediate && this.delayedAckDeadline === Infinity) this.delayedAckDeadline = this.now + this.delayedAckMs;
	}

	private buildSack(): Buffer {
		const offsets: number[] = [];
		for (const t of this.receivedAbove) {
			const off = (t - this.peerCumTsn) >>> 0;
			if (off <= 0xffff) offsets.push(off);
		}
		offsets.sort((a, b) => a - b);
		const maxBlocks = Math.max(1, ((this.mtu - COMMON_HEADER_LENGTH - 16 - this.dups.length * 4) >>> 2) - 4);
		const gaps: number[] = [];
		for (let i = 0; i < offsets.length && gaps.length < maxBlocks * 2; ) {
			const start = offsets[i];
			let end = start;
			while (i + 1 < offsets.length && offsets[i + 1] === end + 1) end = offsets[++i];
			i++;
			gaps.push(start, end);
		}
		const sack: SackChunk = {
			kind: 'sack',
			cumulativeTsnAck: this.peerCumTsn,
			aRwnd: Math.max(0, this.receiveBufferSize - this.heldBytes),
			gapBlocks: gaps,
			duplicateTsns: this.dups,
		};
		this.dups = [];
		this.sackImmediate = false;
		this.sackPending = false;
		this.dataPacketsSinceSack = 0;
		this.delayedAckDeadline = Infinity;
		return encodeChunk(sack);
	}

	// ================= FORWARD-TSN (receiver side, RFC 3758 3.6) =================

	private handleForwardTsn(newCum: number, streams: { streamId: number; ssn: number }[]): void {
		const s = this.assocState;
		if (s !== AssocState.ESTABLISHED && s !== AssocState.SHUTDOWN_PENDING && s !== AssocState.SHUTDOWN_SENT) return;
		this.stats.forwardTsnReceived++;
		this.sackImmediate = true;
		this.sackPending = true;
		if (le32(newCum, this.peerCumTsn)) return;
		if (gt32(newCum, (this.peerCumTsn + MAX_TSN_AHEAD) >>> 0)) return;
		// Drop fragments and gap records at or below the new cumulative TSN.
		for (const [t, d] of this.reassembly) {
			if (le32(t, newCum)) {
				this.reassembly.delete(t);
				this.heldBytes -= d.userData.length;
			}
		}
		for (const t of this.receivedAbove) if (le32(t, newCum)) this.receivedAbove.delete(t);
		let cum = newCum;
		while (this.receivedAbove.size > 0 && this.receivedAbove.delete((cum + 1) >>> 0)) cum = (cum + 1) >>> 0;
		this.peerCumTsn = cum;
		for (const { streamId, ssn } of streams) {
			const st = this.inStreams.get(streamId) ?? (streamId < this.numInboundStreams ? this.inStream(streamId) : undefined);
			if (!st) continue;
			if (!gt16((ssn + 1) & 0xffff, st.expectedSsn)) continue;
			// Deliver what is complete up to the skipped SSN, then move past it.
			while (st.expectedSsn !== ((ssn + 1) & 0xffff)) {
				const m = st.pending.get(st.expectedSsn);
				if (m) {
					st.pending.delete(st.expectedSsn);
					this.heldBytes -= m.data.length;
					this.deliver(streamId, m.ppid, m.data);
				}
				st.expectedSsn = (st.expectedSsn + 1) & 0xffff;
			}
			this.drainStream(streamId, st);
		}
		if (this.deferredReset && ge32(this.peerCumTsn, this.deferredReset.lastTsn)) this.performDeferredReset();
	}

	// ================= SACK (sender side) =================

	private handleSack(s: SackChunk): void {
		const st = this.assocState;
		if (st < AssocState.ESTABLISHED) return;
		const cum = s.cumulativeTsnAck;
		// RFC 9260 6.2.1 D.i: an older cumulative ack is stale.
		if (lt32(cum, this.cumAckPoint)) return;
		if (gt32(cum, (this.nextTsn - 1) >>> 0)) {
			this.stats.malformedChunks++;
			return;
		}
		const flightBefore = this.flightSize;
		const cumAdvanced = gt32(cum, this.cumAckPoint);
		let bytesAcked = 0;
		let highestNewlyAcked = -1;
		// Cumulative part.
		const nCum = (cum - this.cumAckPoint) >>> 0;
		for (let i = 0; i < nCum; i++) {
			const c = this.outstanding[i];
			if (!c.acked && !c.abandoned) bytesAcked += this.ackChunk(c);
			if (c === this.rttProbe) this.measureRtt(c);
		}
		if (nCum > 0) {
			this.outstanding.splice(0, nCum);
			this.cumAckPoint = cum;
			if (lt32(this.advancedPeerAckPoint, cum)) this.advancedPeerAckPoint = cum;
		}
		// Gap ack blocks (offsets from cum).
		const gaps = s.gapBlocks;
		const n = this.outstanding.length;
		for (let g = 0; g + 1 < gaps.length; g += 2) {
			const start = gaps[g];
			const end = gaps[g + 1];
			if (start === 0 || end < start) continue;
			for (let off = start; off <= end && off - 1 < n; off++) {
				const c = this.outstanding[off - 1];
				if (c.nSent === 0) break;
				if (!c.acked && !c.abandoned) {
					bytesAcked += this.ackChunk(c);
					highestNewlyAcked = off - 1;
				}
				if (c === this.rttProbe) this.measureRtt(c);
			}
		}
		// Miss indications (RFC 9260 7.2.4, HTNA): chunks below the highest newly acked TSN.
		let newFastRtx = false;
		for (let i = 0; i < highestNewlyAcked; i++) {
			const c = this.outstanding[i];
			if (c.acked || c.abandoned || !c.inFlight) continue;
			if (++c.missIndications >= 3 && !c.fastRetransmitted) {
				c.fastRetransmitted = true;
				this.flightSize -= c.payload.length;
				c.inFlight = false;
				if (this.shouldAbandon(c)) this.abandonMessage(c.msg);
				else {
					c.retransmit = true;
					this.rtxCount++;
					this.stats.fastRetransmits++;
					newFastRtx = true;
				}
			}
		}
		this.peerRwnd = s.aRwnd;
		// Congestion control (RFC 9260 7.2.1, 7.2.2).
		if (cumAdvanced && !this.inFastRecovery && bytesAcked > 0) {
			if (this.cwnd <= this.ssthresh) {
				if (flightBefore >= this.cwnd - this.mtu) this.cwnd += Math.min(bytesAcked, this.mtu);
			} else {
				this.partialBytesAcked += bytesAcked;
				if (this.partialBytesAcked >= this.cwnd && flightBefore >= this.cwnd - this.mtu) {
					this.partialBytesAcked -= this.cwnd;
					this.cwnd += this.mtu;
				}
			}
		}
		if (newFastRtx) {
			if (!this.inFastRecovery) {
				this.ssthresh = Math.max(this.cwnd >>> 1, 4 * this.mtu);
				this.cwnd = this.ssthresh;
				this.partialBytesAcked = 0;
				this.inFastRecovery = true;
				this.fastRecoveryExit = (this.nextTsn - 1) >>> 0;
			}
			this.fastRtxPending = true;
		}
		if (this.inFastRecovery && ge32(cum, this.fastRecoveryExit)) this.inFastRecovery = false;
		if (bytesAcked > 0) this.errorCount = 0;
		if (this.peerPrSctp) this.updateAdvancedPeerAckPoint();
		// T3-rtx (RFC 9260 6.3.2 R2/R3).
		if (this.flightSize === 0 && this.rtxCount === 0 && !this.forwardTsnPending) this.t3Deadline = Infinity;
		else if (cumAdvanced) this.t3Deadline = this.now + this.rto;
		this.checkShutdown();
	}

	/** Marks a chunk acknowledged; returns its size. */
	private ackChunk(c: OutChunk): number {
		const len = c.payload.length;
		c.acked = true;
		if (c.inFlight) {
			c.inFlight = false;
			this.flightSize -= len;
		}
		if (c.retransmit) {
			c.retransmit = false;
			this.rtxCount--;
		}
		this.release(c.msg.streamId, len);
		return len;
	}

	private release(streamId: number, len: number): void {
		this.totalBuffered -= len;
		const st = this.outStreams.get(streamId);
		if (!st) return;
		const before = st.buffered;
		st.buffered -= len;
		if (before > st.lowThreshold && st.buffered <= st.lowThreshold) this.onBufferedAmountLow?.(streamId, st.buffered);
	}

	private measureRtt(c: OutChunk): void {
		this.rttProbe = null;
		if (c.nSent !== 1) return; // Karn's algorithm
		this.updateRto(this.now - c.sentAt);
	}

	/** RFC 6298 section 2 (RFC 9260 6.3.1). */
	private updateRto(r: number): void {
		if (r < 0) return;
		if (this.srtt === 0) {
			this.srtt = r;
			this.rttvar = r / 2;
		} else {
			this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
			this.srtt = 0.875 * this.srtt + 0.125 * r;
		}
		this.rto = Math.min(this.rtoMax, Math.max(this.rtoMin, this.srtt + Math.max(4 * this.rttvar, 1)));
	}

	private onT3(): void {
		this.t3Deadline = Infinity;
		this.stats.t3Expirations++;
		if (++this.errorCount > this.maxAssocRetransmits) {
			this.close('failed');
			return;
		}
		// RFC 9260 7.2.3 and 6.3.3 E1-E3.
		this.ssthresh = Math.max(this.cwnd >>> 1, 4 * this.mtu);
		this.cwnd = this.mtu;
		this.partialBytesAcked = 0;
		this.inFastRecovery = false;
		this.rto = Math.min(this.rto * 2, this.rtoMax);
		this.rttProbe = null;
		for (let i = 0; i < this.outstanding.length; i++) {
			const c = this.outstanding[i];
			if (c.nSent === 0) break;
			if (c.acked || c.abandoned) continue;
			if (c.inFlight) {
				c.inFlight = false;
				this.flightSize -= c.payload.length;
			}
			if (c.retransmit) continue;
			if (this.shouldAbandon(c)) this.abandonMessage(c.msg);
			else {
				c.retransmit = true;
				this.rtxCount++;
			}
		}
		if (this.peerPrSctp) this.updateAdvancedPeerAckPoint();
		if (gt32(this.advancedPeerAckPoint, this.cumAckPoint)) this.forwardTsnPending = true;
		if (this.assocState === AssocState.SHUTDOWN_SENT || this.assocState === AssocState.SHUTDOWN_ACK_SENT) this.checkShutdown();
	}

	// ================= partial reliability (sender, RFC 3758 3.5) =================

	private shouldAbandon(c: OutChunk): boolean {
		if (!this.peerPrSctp) return false;
		const m = c.msg;
		return (m.maxRetransmits >= 0 && c.nSent > m.maxRetransmits) || this.now >= m.expiresAt;
	}

	private abandonMessage(m: OutMessage): void {
		if (m.abandoned) return;
		m.abandoned = true;
		this.stats.abandonedMessages++;
		for (const c of m.chunks!) {
			if (c.acked || c.abandoned) continue;
			c.abandoned = true;
			if (c.inFlight) {
				c.inFlight = false;
				this.flightSize -= c.payload.length;
			}
			if (c.retransmit) {
				c.retransmit = false;
				this.rtxCount--;
			}
			this.release(m.streamId, c.payload.length);
		}
	}

	private updateAdvancedPeerAckPoint(): void {
		if (lt32(this.advancedPeerAckPoint, this.cumAckPoint)) this.advancedPeerAckPoint = this.cumAckPoint;
		let idx = (this.advancedPeerAckPoint - this.cumAckPoint) >>> 0;
		while (idx < this.outstanding.length && this.outstanding[idx].abandoned) {
			this.advancedPeerAckPoint = this.outstanding[idx].tsn;
			idx++;
		}
		if (gt32(this.advancedPeerAckPoint, this.cumAckPoint)) this.forwardTsnPending = true;
	}

	private buildForwardTsn(): Buffer {
		const n = (this.advancedPeerAckPoint - this.cumAckPoint) >>> 0;
		const last = new Map<number, number>();
		for (let i = 0; i < n && i < this.outstanding.length; i++) {
			const m = this.outstanding[i].msg;
			if (!m.unordered) last.set(m.streamId, m.ssn);
		}
		const streams: { streamId: number; ssn: number }[] = [];
		for (const [streamId, ssn] of last) streams.push({ streamId, ssn });
		this.stats.forwardTsnSent++;
		return encodeChunk({ kind: 'forward-tsn', newCumulativeTsn: this.advancedPeerAckPoint, streams });
	}

	// ================= heartbeats =================

	private onHeartbeatTimer(): void {
		this.heartbeatDeadline = this.now + this.heartbeatInterval + this.rto;
		if (this.assocState !== AssocState.ESTABLISHED) return;
		if (this.heartbeatOutstanding) {
			// RFC 9260 8.3: an unanswered HEARTBEAT counts as an error.
			if (++this.errorCount > this.maxAssocRetransmits) {
				this.close('failed');
				return;
			}
			this.rto = Math.min(this.rto * 2, this.rtoMax);
		}
		if (this.flightSize > 0) return; // data in flight already probes the path
		const info = Buffer.alloc(HB_INFO_LENGTH);
		info.writeDoubleBE(this.now, 0);
		this.heartbeatNonce = randomBytes(4).readUInt32BE(0);
		info.writeUInt32BE(this.heartbeatNonce, 8);
		this.heartbeatOutstanding = true;
		this.controlChunks.push(encodeChunk({ kind: 'heartbeat', info }));
	}

	private handleHeartbeatAck(info: Buffer): void {
		if (info.length !== HB_INFO_LENGTH || !this.heartbeatOutstanding || info.readUInt32BE(8) !== this.heartbeatNonce) return;
		this.heartbeatOutstanding = false;
		this.errorCount = 0;
		this.updateRto(this.now - info.readDoubleBE(0));
	}

	// ================= shutdown (RFC 9260 9.2) =================

	private handleShutdown(cumAck: number): void {
		const s = this.assocState;
		if (s === AssocState.SHUTDOWN_SENT) {
			this.sendShutdownAck();
			return;
		}
		if (s !== AssocState.ESTABLISHED && s !== AssocState.SHUTDOWN_PENDING && s !== AssocState.SHUTDOWN_RECEIVED) return;
		// The SHUTDOWN carries a cumulative ack: process it like a SACK without gaps.
		if (ge32(cumAck, this.cumAckPoint) && le32(cumAck, (this.nextTsn - 1) >>> 0)) {
			this.handleSack({ kind: 'sack', cumulativeTsnAck: cumAck, aRwnd: this.peerRwnd, gapBlocks: [], duplicateTsns: [] });
		}
		this.assocState = AssocState.SHUTDOWN_RECEIVED;
		this.checkShutdown();
	}

	private allAcked(): boolean {
		return this.outstanding.length === 0 && this.sendQueueHead >= this.sendQueue.length;
	}

	private checkShutdown(): void {
		const s = this.assocState;
		if (s === AssocState.SHUTDOWN_PENDING && this.allAcked()) {
			this.assocState = AssocState.SHUTDOWN_SENT;
			this.sendShutdown();
		} else if (s === AssocState.SHUTDOWN_RECEIVED && this.allAcked()) {
			this.sendShutdownAck();
		}
	}

	private sendShutdown(): void {
		this.controlChunks.push(encodeChunk({ kind: 'shutdown', cumulativeTsnAck: this.peerCumTsn }));
		this.t2Deadline = this.now + this.rto;
		this.heartbeatDeadline = Infinity;
	}

	private sendShutdownAck(): void {
		this.assocState = AssocState.SHUTDOWN_ACK_SENT;
		this.outPackets.push(serializePacket(this.localPort, this.remotePort, this.peerTag, [encodeChunk({ kind: 'shutdown-ack' })]));
		this.t2Deadline = this.now + this.rto;
		this.heartbeatDeadline = Infinity;
	}

	private onT2(): void {
		this.t2Deadline = Infinity;
		if (++this.t2Count > this.maxAssocRetransmits) {
			this.close('failed');
			return;
		}
		this.rto = Math.min(this.rto * 2, this.rtoMax);
		if (this.assocState === AssocState.SHUTDOWN_SENT) this.sendShutdown();
		else if (this.assocState === AssocState.SHUTDOWN_ACK_SENT) this.sendShutdownAck();
	}

	// ================= stream reset (RFC 6525) =================

	private handleReconfig(params: ReconfigParam[]): void {
		if (this.assocState < AssocState.ESTABLISHED) return;
		const responses: ReconfigParam[] = [];
		for (const p of params) {
			if (p.type === 13 || p.type === 14) {
				let result: number;
				if (p.reqSeq === this.peerReqSeqExpected) {
					this.peerReqSeqExpected = (this.peerReqSeqExpected + 1) >>> 0;
					if (p.type === 14) result = ReconfigResult.DENIED; // we reset our own side on our own terms
					else if (le32(p.lastTsn, this.peerCumTsn)) {
						this.resetIncoming(p.streams, p.lastTsn);
						result = ReconfigResult.SUCCESS_PERFORMED;
					} else {
						// 5.2.2: hold the reset until everything up to lastTsn has arrived.
						this.deferredReset = { reqSeq: p.reqSeq, lastTsn: p.lastTsn, streams: p.streams };
						result = ReconfigResult.IN_PROGRESS;
					}
					this.lastPeerResult = result;
				} else if (p.reqSeq === ((this.peerReqSeqExpected - 1) >>> 0)) {
					result = this.lastPeerResult; // a retransmission: same answer
				} else {
					result = ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER;
				}
				responses.push({ type: 16, respSeq: p.reqSeq, result });
			} else if (p.type === 16) {
				const r = this.inflightReset;
				if (!r || p.respSeq !== r.reqSeq) continue;
				if (p.result === ReconfigResult.IN_PROGRESS) {
					this.reconfigDeadline = this.now + this.rto;
					continue;
				}
				this.inflightReset = null;
				this.reconfigDeadline = Infinity;
				if (p.result === ReconfigResult.SUCCESS_PERFORMED || p.result === ReconfigResult.SUCCESS_NOTHING_TO_DO) this.onStreamReset?.(r.streams, 'outgoing');
			}
		}
		if (responses.length > 0) this.controlChunks.push(encodeChunk({ kind: 'reconfig', params: responses }));
	}

	private resetIncoming(streams: number[], lastTsn: number): void {
		const ids = streams.length > 0 ? streams : [...this.inStreams.keys()];
		for (const id of ids) {
			const st = this.inStreams.get(id);
			if (!st) continue;
			st.expectedSsn = 0;
			for (const [ssn, m] of st.pending) {
				if (le32(m.tsn, lastTsn)) {
					st.pending.delete(ssn);
					this.heldBytes -= m.data.length;
				}
			}
			this.drainStream(id, st);
		}
		this.onStreamReset?.(ids, 'incoming');
	}

	private performDeferredReset(): void {
		const r = this.deferredReset!;
		this.deferredReset = null;
		this.resetIncoming(r.streams, r.lastTsn);
		if (((this.peerReqSeqExpected - 1) >>> 0) === r.reqSeq) this.lastPeerResult = ReconfigResult.SUCCESS_PERFORMED;
	}

	private maybeStartReset(): Buffer | undefined {
		if (this.inflightReset || this.pendingResets.size === 0 || this.assocState !== AssocState.ESTABLISHED) return undefined;
		// Messages already queued on these streams get their TSNs (and SSNs) before the reset.
		for (let i = this.sendQueueHead; i < this.sendQueue.length; i++) if (this.pendingResets.has(this.sendQueue[i].streamId)) return undefined;
		const streams = [...this.pendingResets];
		this.pendingResets.clear();
		const reqSeq = this.myReqSeq;
		this.myReqSeq = (this.myReqSeq + 1) >>> 0;
		for (const id of streams) this.outStream(id).nextSsn = 0;
		const chunk = encodeChunk({
			kind: 'reconfig',
			params: [{ type: 13, reqSeq, respSeq: (this.peerReqSeqExpected - 1) >>> 0, lastTsn: (this.nextTsn - 1) >>> 0, streams }],
		});
		this.inflightReset = { reqSeq, streams, chunk };
		this.reconfigDeadline = this.now + this.rto;
		return chunk;
	}

	private onReconfigTimer(): void {
		this.reconfigDeadline = Infinity;
		if (!this.inflightReset) return;
		if (++this.errorCount > this.maxAssocRetransmits) {
			this.close('failed');
			return;
		}
		this.controlChunks.push(this.inflightReset.chunk);
		this.reconfigDeadline = this.now + this.rto;
	}

	// ================= transmission =================

	private outStream(id: number): OutStream {
		let st = this.outStreams.get(id);
		if (!st) {
			st = new OutStream();
			this.outStreams.set(id, st);
		}
		return st;
	}

	/** Gives TSNs (and an SSN) to the next queued message; false if none is left. */
	private assignNext(): boolean {
		while (this.sendQueueHead < this.sendQueue.length) {
			const m = this.sendQueue[this.sendQueueHead];
			this.sendQueue[this.sendQueueHead++] = undefined as unknown as OutMessage;
			if (this.sendQueueHead > 1024 && this.sendQueueHead * 2 > this.sendQueue.length) {
				this.sendQueue = this.sendQueue.slice(this.sendQueueHead);
				this.sendQueueHead = 0;
			}
			if (this.peerPrSctp && this.now >= m.expiresAt) {
				// Expired before it got a TSN: drop without telling the peer.
				m.abandoned = true;
				this.stats.abandonedMessages++;
				this.release(m.streamId, m.data.length);
				continue;
			}
			const st = this.outStream(m.streamId);
			if (!m.unordered) {
				m.ssn = st.nextSsn;
				st.nextSsn = (st.nextSsn + 1) & 0xffff;
			}
			const size = m.data.length;
			const n = Math.ceil(size / this.fragmentSize);
			const chunks: OutChunk[] = new Array(n);
			const u = m.unordered ? 4 : 0;
			for (let i = 0; i < n; i++) {
				const from = i * this.fragmentSize;
				const to = Math.min(size, from + this.fragmentSize);
				const flags = u | (i === 0 ? 2 : 0) | (i === n - 1 ? 1 : 0);
				const c = new OutChunk(this.nextTsn, flags, n === 1 ? m.data : m.data.subarray(from, to), m);
				this.nextTsn = (this.nextTsn + 1) >>> 0;
				chunks[i] = c;
				this.outstanding.push(c);
				this.unsent.push(c);
			}
			m.chunks = chunks;
			return true;
		}
		if (this.sendQueueHead > 0) {
			this.sendQueue = [];
			this.sendQueueHead = 0;
		}
		return false;
	}

	private transmit(): void {
		const s = this.assocState;
		const dataState = s === AssocState.ESTABLISHED || s === AssocState.SHUTDOWN_PENDING || s === AssocState.SHUTDOWN_RECEIVED;
		const control: Buffer[] = [];
		// Control first: COOKIE ACK must lead its packet (RFC 9260 5.1 E).
		for (const c of this.controlChunks) control.push(c);
		this.controlChunks = [];
		if (s >= AssocState.ESTABLISHED && this.peerTag !== 0) {
			if (this.forwardTsnPending && gt32(this.advancedPeerAckPoint, this.cumAckPoint)) control.push(this.buildForwardTsn());
			this.forwardTsnPending = false;
			const r = this.maybeStartReset();
			if (r) control.push(r);
		}
		// A pending (delayed) SACK rides along with DATA, but only if DATA can leave now: with the
		// window full it would go alone, i.e. one SACK per received packet instead of every second.
		const dataCanLeave = this.hasDataToSend() && (this.flightSize < this.cwnd || this.fastRtxPending);
		const wantSack = this.sackImmediate || (this.sackPending && dataState && dataCanLeave);
		if (wantSack && s >= AssocState.ESTABLISHED) control.unshift(this.buildSack());
		if (control.length > 1) {
			// Keep a COOKIE ACK ahead of a SACK.
			const ca = control.findIndex((b) => b[0] === ChunkType.COOKIE_ACK);
			if (ca > 0) control.unshift(control.splice(ca, 1)[0]);
		}

		const mtu = this.mtu;
		let pktChunks: Buffer[] = [];
		let pktData: OutChunk[] = [];
		let size = COMMON_HEADER_LENGTH;
		const flush = (): void => {
			if (pktChunks.length === 0 && pktData.length === 0) return;
			this.outPackets.push(this.buildPacket(pktChunks, pktData, size));
			pktChunks = [];
			pktData = [];
			size = COMMON_HEADER_LENGTH;
		};
		for (const c of control) {
			if (size + c.length > mtu) flush();
			pktChunks.push(c);
			size += c.length;
		}
		if (!dataState || this.peerTag === 0) {
			flush();
			return;
		}

		let sentData = false;
		// 1. Retransmissions (fast retransmit may exceed cwnd by one packet, RFC 9260 7.2.4 rule 3).
		if (this.rtxCount > 0) {
			let budget = this.fastRtxPending ? mtu : 0;
			this.fastRtxPending = false;
			for (let i = 0; i < this.outstanding.length && this.rtxCount > 0; i++) {
				const c = this.outstanding[i];
				if (!c.retransmit) continue;
				const len = pad4(DATA_CHUNK_HEADER_LENGTH + c.payload.length);
				if (this.flightSize >= this.cwnd && budget < len) break;
				if (size + len > mtu) {
					flush();
				}
				if (budget >= len) budget -= len;
				else budget = 0;
				c.retransmit = false;
				this.rtxCount--;
				this.stats.retransmissions++;
				this.sendChunk(c);
				pktData.push(c);
				size += len;
				sentData = true;
			}
		}
		// 2. New data, within cwnd and the peer's window (RFC 9260 6.1 A/B), at most Max.Burst
		// packets at once so a grown cwnd does not dump a train of packets into a slow peer.
		if (this.rtxCount === 0) {
			const burstEnd = this.outPackets.length + this.maxBurst;
			for (;;) {
				if (this.flightSize >= this.cwnd) break;
				if (this.unsentHead >= this.unsent.length) {
					this.unsent = [];
					this.unsentHead = 0;
					if (!this.assignNext()) break;
				}
				const c = this.unsent[this.unsentHead];
				if (c.abandoned) {
					this.unsentHead++;
					continue;
				}
				if (c.nSent === 0 && this.peerPrSctp && this.now >= c.msg.expiresAt) {
					this.abandonMessage(c.msg);
					this.updateAdvancedPeerAckPoint();
					continue;
				}
				const len = c.payload.length;
				if (this.flightSize > 0 && this.peerRwnd - this.flightSize < len) break;
				const plen = pad4(DATA_CHUNK_HEADER_LENGTH + len);
				if (size + plen > mtu) {
					if (this.outPackets.length + 1 >= burstEnd) break;
					flush();
				}
				this.unsentHead++;
				this.sendChunk(c);
				pktData.push(c);
				size += plen;
				sentData = true;
			}
			if (this.forwardTsnPending && gt32(this.advancedPeerAckPoint, this.cumAckPoint)) {
				const f = this.buildForwardTsn();
				this.forwardTsnPending = false;
				if (size + f.length > mtu) flush();
				pktChunks.push(f);
				size += f.length;
			}
		}
		flush();
		if ((sentData || gt32(this.advancedPeerAckPoint, this.cumAckPoint)) && this.t3Deadline === Infinity) this.t3Deadline = this.now + this.rto;
	}

	private hasDataToSend(): boolean {
		return this.rtxCount > 0 || this.unsentHead < this.unsent.length || this.sendQueueHead < this.sendQueue.length;
	}

	private sendChunk(c: OutChunk): void {
		c.nSent++;
		c.sentAt = this.now;
		c.inFlight = true;
		c.missIndications = 0;
		this.flightSize += c.payload.length;
		this.stats.dataChunksSent++;
		if (c.nSent === 1) {
			this.stats.bytesSent += c.payload.length;
			if (this.rttProbe === null) this.rttProbe = c;
		} else if (c === this.rttProbe) this.rttProbe = null;
	}

	private buildPacket(chunks: Buffer[], data: OutChunk[], size: number): Buffer {
		const b = Buffer.allocUnsafe(size);
		writeCommonHeader(b, this.localPort, this.remotePort, this.peerTag);
		let off = COMMON_HEADER_LENGTH;
		for (const c of chunks) off += c.copy(b, off);
		for (const c of data) off = writeDataChunk(b, off, c.flags, c.tsn, c.msg.streamId, c.msg.ssn, c.msg.ppid, c.payload);
		finalizePacket(b);
		return b;
	}
}

const pad4 = (n: number): number => (n + 3) & ~3;

function sameMessage(a: DataChunk, b: DataChunk): boolean {
	return a.streamId === b.streamId && a.unordered === b.unordered && (a.unordered || a.ssn === b.ssn);
}

function clampStreams(n: number): number {
	return Math.max(1, Math.min(65535, Math.floor(n)));
}
