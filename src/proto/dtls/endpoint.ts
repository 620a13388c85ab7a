/**
 * A DTLS 1.2 endpoint (RFC 6347 over RFC 5246) as a sans-I/O state machine: datagrams in through
 * handleDatagram(), datagrams out through pollOutgoing(), events through pollEvent(), time only
 * as arguments. ECDHE + AES-GCM suites (RFC 5289), X25519/P-256 (RFC 8422), mutual certificate
 * authentication as WebRTC uses it, use_srtp (RFC 5764), extended master secret (RFC 7627),
 * renegotiation_info (RFC 5746). Bad network input never throws: it is counted and dropped, or
 * (for a well-formed record whose handshake content is wrong) ends the handshake with an alert.
 */
import { X509Certificate, createHash, createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import {
	AlertDescription,
	AlertLevel,
	CIPHER_SUITES,
	ClientCertificateType,
	ContentType,
	DEFAULT_CIPHER_SUITES,
	DEFAULT_GROUPS,
	DEFAULT_SRTP_PROFILES,
	DTLS1_0,
	DTLS1_2,
	ExtensionType,
	HandshakeType,
	NamedGroup,
	OFFERED_SIGNATURE_SCHEMES,
	SRTP_PROFILES,
	SignatureScheme,
	TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
	type CipherSuiteInfo,
	type SrtpProfileName,
} from './constants';
import {
	EC_POINT_FORMATS_UNCOMPRESSED,
	EMPTY_RENEGOTIATION_INFO,
	HANDSHAKE_HEADER_LENGTH,
	HandshakeReassembler,
	encodeCertificate,
	encodeCertificateRequest,
	encodeClientHello,
	encodeClientKeyExchange,
	encodeDigitallySigned,
	encodeEcdhParams,
	encodeHelloVerifyRequest,
	encodeServerHello,
	encodeU16List,
	encodeUseSrtp,
	encodeWholeMessage,
	findExtension,
	fragmentMessage,
	isEmptyRenegotiationInfo,
	parseCertificate,
	parseCertificateRequest,
	parseClientHello,
	parseClientKeyExchange,
	parseDigitallySigned,
	parseHandshakeFragments,
	parseHelloVerifyRequest,
	parseServerHello,
	parseServerKeyExchange,
	parseU16List,
	parseUseSrtp,
	type AssembledMessage,
	type ClientHello,
	type Extension,
} from './handshake';
import { chooseSignatureScheme, generateEcdhe, signWith, verifyWith, type EcdheKeyPair } from './keyexchange';
import { exportKeyingMaterial, extendedMasterSecret, finishedVerifyData, keyExpansion, masterSecret } from './prf';
import {
	GCM_OVERHEAD,
	GcmRecordCipher,
	RECORD_HEADER_LENGTH,
	ReplayWindow,
	encodePlainRecord,
	parseRecords,
	type DtlsRecord,
} from './record';

/** The fields of the worker's DtlsCertificate (src/worker/certificate.ts) that DTLS needs. */
export interface DtlsLocalCertificate {
	certificateDer: Buffer;
	privateKey: KeyObject;
	keyType: 'ec' | 'rsa';
}

export interface DtlsEndpointOptions {
	role: 'server' | 'client';
	certificate: DtlsLocalCertificate;
	/** Intermediate certificates sent after ours (DER), rarely used in WebRTC. */
	certificateChain?: Buffer[];
	/** SRTP protection profile ids (RFC 5764 4.1.2), preferred first; [] disables use_srtp. */
	srtpProfiles?: readonly number[];
	/** Cipher suite ids, preferred first (the server picks by its own order). */
	cipherSuites?: readonly number[];
	/** Named groups for ECDHE, preferred first (X25519 0x001d, P-256 0x0017). */
	groups?: readonly number[];
	/** Largest datagram we send (default 1200, WebRTC's usual path MTU budget). */
	mtu?: number;
	/** Server: answer a ClientHello without a valid cookie with HelloVerifyRequest (default true). */
	helloVerify?: boolean;
	/** Server: HMAC key of the stateless cookie (default: 32 random bytes). */
	cookieSecret?: Buffer;
	/** Server: bytes bound into the cookie, e.g. the peer's transport address. */
	cookieContext?: Buffer;
	/** Server: send CertificateRequest and require a client certificate (default true, as WebRTC). */
	requestClientCertificate?: boolean;
	/** RFC 6347 4.2.4.1: initial retransmission timer (default 1000 ms), doubled up to maxRetransmitMs. */
	initialRetransmitMs?: number;
	maxRetransmitMs?: number;
	/** Timer expiries without progress before the handshake fails (default 8: about 2 minutes). */
	maxRetransmissions?: number;
}

export interface DtlsSrtpKeyingMaterial {
	profile: number;
	profileName: SrtpProfileName;
	/** RFC 5764 4.2: client key | server key | client salt | server salt. */
	keyingMaterial: Buffer;
	clientWriteKey: Buffer;
	serverWriteKey: Buffer;
	clientWriteSalt: Buffer;
	serverWriteSalt: Buffer;
	/** Our sending direction (ours to protect with) and the peer's (ours to unprotect with). */
	localKey: Buffer;
	localSalt: Buffer;
	remoteKey: Buffer;
	remoteSalt: Buffer;
}

export interface DtlsConnectedEvent {
	type: 'connected';
	cipherSuite: CipherSuiteInfo['name'];
	cipherSuiteId: number;
	namedGroup: number;
	extendedMasterSecret: boolean;
	/** Undefined when the peer did not offer a profile we support (or use_srtp was disabled). */
	srtp: DtlsSrtpKeyingMaterial | undefined;
	/** The peer's end-entity certificate (DER): check its fingerprint against the signalled one. */
	peerCertificate: Buffer | undefined;
	peerCertificateChain: Buffer[];
}

export type DtlsEvent =
	| DtlsConnectedEvent
	| { type: 'applicationData'; data: Buffer }
	/** A warning alert from the peer (fatal ones and close_notify come as 'failed' and 'closed'). */
	| { type: 'alert'; level: number; description: number }
	| { type: 'closed'; byPeer: boolean }
	| { type: 'failed'; reason: string; sentAlert?: number; receivedAlert?: number };

export type DtlsState = 'new' | 'handshaking' | 'connected' | 'closed' | 'failed';

export interface DtlsStats {
	datagramsReceived: number;
	recordsReceived: number;
	/** Records cut short or with impossible lengths, and handshake fragments that do not parse. */
	malformed: number;
	/** Records dropped for their version, epoch, content type or the state we are in. */
	dropped: number;
	/** Records of a known epoch whose AEAD tag does not verify (RFC 6347 4.1.2.7: silently dropped). */
	decryptFailures: number;
	replayed: number;
	/** Handshake messages of the wrong type for the state, dropped (see UnexpectedMessage). */
	unexpectedMessages: number;
	/** Flights sent again: on timer expiry, and because the peer retransmitted. */
	timeoutRetransmissions: number;
	peerTriggeredRetransmissions: number;
}

type Step =
	| 'idle'
	| 'clientHello'
	| 'clientCertificate'
	| 'clientKeyExchange'
	| 'certificateVerify'
	| 'serverHello'
	| 'serverCertificate'
	| 'serverKeyExchange'
	| 'certificateRequestOrDone'
	| 'serverHelloDone'
	| 'finished'
	| 'done';

type FlightItem = { kind: 'handshake'; epoch: number; msgType: number; msgSeq: number; body: Buffer } | { kind: 'ccs' };

/** RFC 5764 4.2 exporter label. */
export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** Signing preference: ECDSA and RSA PKCS#1 with SHA-256 first (what every WebRTC stack accepts). */
const SIGN_PREFERENCE: readonly number[] = [
	SignatureScheme.ecdsa_secp256r1_sha256,
	SignatureScheme.rsa_pkcs1_sha256,
	SignatureScheme.rsa_pss_rsae_sha256,
	SignatureScheme.ecdsa_secp384r1_sha384,
	SignatureScheme.rsa_pkcs1_sha384,
	SignatureScheme.rsa_pss_rsae_sha384,
	SignatureScheme.ecdsa_secp521r1_sha512,
	SignatureScheme.rsa_pkcs1_sha512,
	SignatureScheme.rsa_pss_rsae_sha512,
];

const MAX_BUFFERED_FUTURE_RECORDS = 16;

/**
 * A handshake message of the wrong type for our state. In epoch 0 anyone on the path can inject
 * one, so it is dropped (counted) and its message_seq left open for the peer's real message,
 * rather than ending the handshake; a peer that really sends the wrong message times out.
 */
class UnexpectedMessage {}

class HandshakeFailure {
	constructor(
		readonly reason: string,
		readonly alert: number
	) {}
}

export class DtlsEndpoint {
	readonly role: 'server' | 'client';
	readonly stats: DtlsStats = {
		datagramsReceived: 0,
		recordsReceived: 0,
		malformed: 0,
		dropped: 0,
		decryptFailures: 0,
		replayed: 0,
		unexpectedMessages: 0,
		timeoutRetransmissions: 0,
		peerTriggeredRetransmissions: 0,
	};

	private readonly cert: DtlsLocalCertificate;
	private readonly chain: Buffer[];
	private readonly srtpPrefs: readonly number[];
	private readonly suitePrefs: readonly number[];
	private readonly groupPrefs: readonly number[];
	private readonly mtu: number;
	private readonly helloVerify: boolean;
	private readonly cookieSecret: Buffer;
	private readonly cookieContext: Buffer;
	private readonly requestClientCert: boolean;
	private readonly initialRto: number;
	private readonly maxRto: number;
	private readonly maxRetransmissions: number;

	private stateValue: DtlsState = 'new';
	private step: Step = 'idle';
	private readonly reassembler = new HandshakeReassembler();
	private transcript: Buffer[] = [];
	private clientRandom: Buffer = Buffer.alloc(0);
	private serverRandom: Buffer = Buffer.alloc(0);
	private clientHello: ClientHello | undefined = undefined;
	private suite: CipherSuiteInfo | undefined = undefined;
	private group = 0;
	private ecdhe: EcdheKeyPair | undefined = undefined;
	private peerPublicValue: Buffer | undefined = undefined;
	private master: Buffer | undefined = undefined;
	private useEms = false;
	private srtpProfile: number | undefined = undefined;
	private certificateRequested = false;
	private peerChain: Buffer[] = [];
	private peerKey: KeyObject | undefined = undefined;
	private sendMsgSeq = 0;
	/** message_seq of the first message of the peer's latest flight (RFC 6347 4.2.4 retransmit trigger). */
	private peerFlightStart = -1;
	private lastFlight: FlightItem[] = [];
	private deadline: number | undefined = undefined;
	private rto: number;
	private timeouts = 0;
	private writeEpoch = 0;
	private readonly writeSeq = [0, 0];
	private writeCipher: GcmRecordCipher | undefined = undefined;
	private pendingWriteCipher: GcmRecordCipher | undefined = undefined;
	private readCipher: GcmRecordCipher | undefined = undefined;
	private readonly replay1 = new ReplayWindow();
	private futureRecords: DtlsRecord[] = [];
	private currentRecordSeq = 0;
	private retransmitRequested = false;
	private lastTransmitMs = -Infinity;
	private renegotiationRefused = false;
	private readonly outgoing: Buffer[] = [];
	private readonly events: DtlsEvent[] = [];

	constructor(options: DtlsEndpointOptions) {
		this.role = options.role;
		this.cert = options.certificate;
		this.chain = [options.certificate.certificateDer, ...(options.certificateChain ?? [])];
		this.srtpPrefs = (options.srtpProfiles ?? DEFAULT_SRTP_PROFILES).filter((p) => SRTP_PROFILES.has(p));
		this.suitePrefs = (options.cipherSuites ?? DEFAULT_CIPHER_SUITES).filter((s) => CIPHER_SUITES.has(s));
		this.groupPrefs = (options.groups ?? DEFAULT_GROUPS).filter((g) => g === NamedGroup.x25519 || g === NamedGroup.secp256r1);
		this.mtu = Math.max(256, options.mtu ?? 1200);
		this.helloVerify = options.helloVerify ?? true;
		this.cookieSecret = options.cookieSecret ?? randomBytes(32);
		this.cookieContext = options.cookieContext ?? Buffer.alloc(0);
		this.requestClientCert = options.requestClientCertificate ?? true;
		this.initialRto = options.initialRetransmitMs ?? 1000;
		this.maxRto = options.maxRetransmitMs ?? 60_000;
		this.maxRetransmissions = options.maxRetransmissions ?? 8;
		this.rto = this.initialRto;
		if (this.role === 'server') {
			this.stateValue = 'handshaking';
			this.step = 'clientHello';
		}
	}

	get state(): DtlsState {
		return this.stateValue;
	}

	/** Client: sends the first ClientHello. Server: nothing to do (it waits for one). */
	start(nowMs: number): void {
		if (this.role !== 'client' || this.stateValue !== 'new') return;
		this.stateValue = 'handshaking';
		this.clientRandom = randomBytes(32);
		const exts: Extension[] = [
			{ type: ExtensionType.SupportedGroups, data: encodeU16List(this.groupPrefs) },
			{ type: ExtensionType.EcPointFormats, data: EC_POINT_FORMATS_UNCOMPRESSED },
			{ type: ExtensionType.SignatureAlgorithms, data: encodeU16List(OFFERED_SIGNATURE_SCHEMES) },
			{ type: ExtensionType.ExtendedMasterSecret, data: Buffer.alloc(0) },
			{ type: ExtensionType.RenegotiationInfo, data: EMPTY_RENEGOTIATION_INFO },
		];
		if (this.srtpPrefs.length > 0) exts.push({ type: ExtensionType.UseSrtp, data: encodeUseSrtp(this.srtpPrefs) });
		this.clientHello = {
			clientVersion: DTLS1_2,
			random: this.clientRandom,
			sessionId: Buffer.alloc(0),
			cookie: Buffer.alloc(0),
			cipherSuites: [...this.suitePrefs],
			compressionMethods: Buffer.from([0]),
			extensions: exts,
		};
		this.step = 'serverHello';
		this.sendClientHello(nowMs);
	}

	/** Next datagram to send, or undefined. */
	pollOutgoing(): Buffer | undefined {
		return this.outgoing.shift();
	}

	/** Next event, or undefined. */
	pollEvent(): DtlsEvent | undefined {
		return this.events.shift();
	}

	/** Absolute time (ms) at which handleTimeout() must be called, or undefined. */
	nextTimeoutMs(): number | undefined {
		return this.deadline;
	}

	/** RFC 6347 4.2.4: on expiry, retransmit the last flight and double the timer (to 60 s at most). */
	handleTimeout(nowMs: number): void {
		if (this.deadline === undefined || nowMs < this.deadline) return;
		if (this.stateValue !== 'handshaking') {
			this.deadline = undefined;
			return;
		}
		this.timeouts++;
		if (this.timeouts > this.maxRetransmissions) {
			this.fail('handshake timed out', undefined);
			return;
		}
		this.rto = Math.min(this.rto * 2, this.maxRto);
		this.deadline = nowMs + this.rto;
		this.stats.timeoutRetransmissions++;
		this.transmitFlight(nowMs);
	}

	/** Sends application data (one record, one datagram). False unless connected or when too long. */
	send(data: Uint8Array): boolean {
		if (this.stateValue !== 'connected' || data.length > 16384) return false;
		this.outgoing.push(this.sealRecord(ContentType.ApplicationData, Buffer.from(data.buffer, data.byteOffset, data.length)));
		return true;
	}

	/** Sends close_notify (RFC 5246 7.2.1) and stops. */
	close(): void {
		if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
		if (this.stateValue !== 'new') this.sendAlert(AlertLevel.Warning, AlertDescription.CloseNotify);
		this.stateValue = 'closed';
		this.deadline = undefined;
		this.events.push({ type: 'closed', byPeer: false });
	}

	/** RFC 5705 exporter, after the handshake. */
	exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Buffer | undefined {
		if (this.master === undefined || this.suite === undefined || this.stateValue !== 'connected') return undefined;
		return exportKeyingMaterial(this.suite.prfHash, this.master, label, this.clientRandom, this.serverRandom, length, context);
	}

	/** Consumes one received datagram (any number of records). Never throws on its content. */
	handleDatagram(datagram: Uint8Array, nowMs: number): void {
		if (this.stateValue === 'closed' || this.stateValue === 'failed' || this.stateValue === 'new') return;
		this.stats.datagramsReceived++;
		const buf = Buffer.isBuffer(datagram) ? datagram : Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
		const { records, malformed } = parseRecords(buf);
		this.stats.malformed += malformed;
		this.retransmitRequested = false;
		try {
			for (const record of records) {
				if (!this.alive()) break;
				this.stats.recordsReceived++;
				this.handleRecord(record, nowMs, false);
			}
			// Protected records that came before we had their keys (reordering), now readable.
			while (this.readCipher !== undefined && this.futureRecords.length > 0 && this.alive()) {
				const r = this.futureRecords.shift()!;
				this.handleRecord(r, nowMs, true);
			}
		} catch (err) {
			if (err instanceof HandshakeFailure) this.fail(err.reason, err.alert);
			else this.fail(`internal error: ${err instanceof Error ? err.message : String(err)}`, AlertDescription.InternalError);
		}
		// Answer a peer's retransmission at most once per quarter of the initial timer: duplicated
		// datagrams must not turn into a retransmission storm between the two ends.
		if (this.retransmitRequested && this.alive() && this.lastFlight.length > 0 && nowMs - this.lastTransmitMs >= this.initialRto / 4) {
			this.stats.peerTriggeredRetransmissions++;
			this.transmitFlight(nowMs);
		}
	}

	private alive(): boolean {
		return this.stateValue === 'handshaking' || this.stateValue === 'connected';
	}

	// -------------------------------------------------------------------------------------------
	// Record layer

	private handleRecord(record: DtlsRecord, nowMs: number, buffered: boolean): void {
		if (record.version !== DTLS1_2 && record.version !== DTLS1_0) {
			this.stats.dropped++;
			return;
		}
		let payload: Buffer;
		if (record.epoch === 0) {
			// No replay window in epoch 0: RFC 6347 4.1.2.6 marks a record only once it has been
			// authenticated, and a forged high sequence number would otherwise lock out the peer.
			// Duplicate handshake fragments are absorbed by the reassembler.
			payload = record.fragment;
		} else if (record.epoch === 1) {
			if (this.readCipher === undefined) {
				// RFC 6347 4.1: records of the next epoch may arrive before the handshake messages
				// that give their keys; keep a few (copied: the caller may reuse its buffer).
				if (!buffered && this.stateValue === 'handshaking' && this.futureRecords.length < MAX_BUFFERED_FUTURE_RECORDS) {
					const copy = Buffer.from(Buffer.concat([record.header, record.fragment]));
					this.futureRecords.push({ ...record, header: copy.subarray(0, RECORD_HEADER_LENGTH), fragment: copy.subarray(RECORD_HEADER_LENGTH) });
				} else this.stats.dropped++;
				return;
			}
			if (!this.replay1.check(record.seq)) {
				this.stats.replayed++;
				return;
			}
			const plain = this.readCipher.open(record);
			if (plain === undefined) {
				this.stats.decryptFailures++;
				return;
			}
			this.replay1.mark(record.seq);
			payload = plain;
		} else {
			this.stats.dropped++;
			return;
		}
		this.currentRecordSeq = record.seq;
		switch (record.type) {
			case ContentType.Handshake:
				this.handleHandshakeRecord(payload, record.epoch, nowMs);
				break;
			case ContentType.ChangeCipherSpec:
				// RFC 5246 7.1: a single byte of value 1. Keys switch by epoch, so it needs no action:
				// the Finished that follows must arrive protected, which we check on the message.
				if (payload.length !== 1 || payload[0] !== 1 || record.epoch !== 0) this.stats.malformed++;
				break;
			case ContentType.Alert:
				this.handleAlert(payload, record.epoch);
				break;
			case ContentType.ApplicationData:
				if (record.epoch === 1 && this.stateValue === 'connected') this.events.push({ type: 'applicationData', data: payload });
				else this.stats.dropped++;
				break;
			default:
				this.stats.dropped++;
		}
	}

	private handleAlert(payload: Buffer, epoch: number): void {
		if (payload.length !== 2) {
			this.stats.malformed++;
			return;
		}
		// Once protected records flow, an unprotected alert could come from anyone: ignore it.
		if (epoch === 0 && this.readCipher !== undefined && this.stateValue === 'connected') {
			this.stats.dropped++;
			return;
		}
		const level = payload[0];
		const description = payload[1];
		if (description === AlertDescription.CloseNotify) {
			// RFC 5246 7.2.1: answer close_notify with our own and close.
			if (this.stateValue === 'connected') this.sendAlert(AlertLevel.Warning, AlertDescription.CloseNotify);
			this.stateValue = 'closed';
			this.deadline = undefined;
			this.events.push({ type: 'closed', byPeer: true });
			return;
		}
		if (level === AlertLevel.Fatal) {
			this.stateValue = 'failed';
			this.deadline = undefined;
			this.events.push({ type: 'failed', reason: `fatal alert ${description} from peer`, receivedAlert: description });
			return;
		}
		this.events.push({ type: 'alert', level, description });
	}

	private handleHandshakeRecord(payload: Buffer, epoch: number, nowMs: number): void {
		const fragments = parseHandshakeFragments(payload);
		if (fragments === undefined) {
			this.stats.malformed++;
			return;
		}
		for (const f of fragments) {
			const r = this.reassembler.add(f, epoch);
			if (r === 'bad') this.stats.malformed++;
			else if (r === 'old') {
				// RFC 6347 4.2.4: the peer resends its flight when ours was lost; answer with ours.
				if (f.messageSeq === this.peerFlightStart && f.fragmentOffset === 0) this.retransmitRequested = true;
			}
		}
		for (let m = this.reassembler.next(); m !== undefined; m = this.reassembler.next()) {
			try {
				this.handleMessage(m, nowMs);
			} catch (err) {
				if (!(err instanceof UnexpectedMessage)) throw err;
				this.stats.unexpectedMessages++;
				this.reassembler.rewind(m.messageSeq);
				return;
			}
			if (!this.alive()) return;
		}
	}

	private sealRecord(type: number, plaintext: Buffer): Buffer {
		const epoch = this.writeEpoch;
		const seq = this.writeSeq[epoch]++;
		if (epoch === 0) return encodePlainRecord(type, DTLS1_2, 0, seq, plaintext);
		return this.writeCipher!.seal(type, DTLS1_2, epoch, seq, plaintext);
	}

	private sendAlert(level: number, description: number): void {
		this.outgoing.push(this.sealRecord(ContentType.Alert, Buffer.from([level, description])));
	}

	private fail(reason: string, alert: number | undefined): void {
		if (this.stateValue === 'failed' || this.stateValue === 'closed') return;
		if (alert !== undefined) this.sendAlert(AlertLevel.Fatal, alert);
		this.stateValue = 'failed';
		this.deadline = undefined;
		this.events.push({ type: 'failed', reason, sentAlert: alert });
	}

	// -------------------------------------------------------------------------------------------
	// Flights

	private sendFlight(items: FlightItem[], nowMs: number, withTimer: boolean): void {
		this.lastFlight = items;
		this.timeouts = 0;
		this.rto = this.initialRto;
		this.deadline = withTimer ? nowMs + this.rto : undefined;
		this.transmitFlight(nowMs);
	}

	/** Encodes the flight with fresh record sequence numbers, packing records into datagrams up to the MTU. */
	private transmitFlight(nowMs: number): void {
		this.lastTransmitMs = nowMs;
		const records: Buffer[] = [];
		const savedEpoch = this.writeEpoch;
		for (const item of this.lastFlight) {
			if (item.kind === 'ccs') {
				this.writeEpoch = 0;
				records.push(this.sealRecord(ContentType.ChangeCipherSpec, Buffer.from([1])));
				continue;
			}
			this.writeEpoch = item.epoch;
			const overhead = RECORD_HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH + (item.epoch > 0 ? GCM_OVERHEAD : 0);
			for (const frag of fragmentMessage(item.msgType, item.msgSeq, item.body, this.mtu - overhead)) {
				records.push(this.sealRecord(ContentType.Handshake, frag));
			}
		}
		this.writeEpoch = Math.max(savedEpoch, this.writeEpoch);
		let datagram: Buffer[] = [];
		let size = 0;
		for (const r of records) {
			if (size > 0 && size + r.length > this.mtu) {
				this.outgoing.push(Buffer.concat(datagram));
				datagram = [];
				size = 0;
			}
			datagram.push(r);
			size += r.length;
		}
		if (size > 0) this.outgoing.push(Buffer.concat(datagram));
	}

	/** A handshake message of the flight being built; also appended to the transcript. */
	private message(msgType: number, body: Buffer, epoch = 0): FlightItem {
		const msgSeq = this.sendMsgSeq++;
		this.transcript.push(encodeWholeMessage(msgType, msgSeq, body));
		return { kind: 'handshake', epoch, msgType, msgSeq, body };
	}

	private transcriptBytes(): Buffer {
		return Buffer.concat(this.transcript);
	}

	private addToTranscript(m: AssembledMessage): void {
		this.transcript.push(encodeWholeMessage(m.msgType, m.messageSeq, m.body));
	}

	// -------------------------------------------------------------------------------------------
	// Handshake messages

	private handleMessage(m: AssembledMessage, nowMs: number): void {
		if (this.step === 'done') {
			// RFC 5746 / RFC 6347: we do not renegotiate; refuse once with a warning.
			if ((m.msgType === HandshakeType.ClientHello || m.msgType === HandshakeType.HelloRequest) && !this.renegotiationRefused) {
				this.renegotiationRefused = true;
				this.sendAlert(AlertLevel.Warning, AlertDescription.NoRenegotiation);
			}
			return;
		}
		// Only Finished may come protected, and Finished must (RFC 5246 7.4.9 follows ChangeCipherSpec).
		if ((m.msgType === HandshakeType.Finished) !== (m.epoch === 1)) throw new UnexpectedMessage();
		switch (this.step) {
			case 'clientHello':
				return this.onClientHello(m, nowMs);
			case 'clientCertificate':
				return this.onClientCertificate(m);
			case 'clientKeyExchange':
				return this.onClientKeyExchange(m);
			case 'certificateVerify':
				return this.onCertificateVerify(m);
			case 'serverHello':
				return this.onServerHelloOrVerify(m, nowMs);
			case 'serverCertificate':
				return this.onServerCertificate(m);
			case 'serverKeyExchange':
				return this.onServerKeyExchange(m);
			case 'certificateRequestOrDone':
			case 'serverHelloDone':
				return this.onCertificateRequestOrDone(m, nowMs);
			case 'finished':
				return this.onFinished(m, nowMs);
			default:
				throw new UnexpectedMessage();
		}
	}

	private expect(m: AssembledMessage, type: number): void {
		if (m.msgType !== type) throw new UnexpectedMessage();
	}

	private cookieFor(ch: ClientHello): Buffer {
		// Stateless (RFC 6347 4.2.1): a MAC over what the client must repeat in its second hello.
		const suites = Buffer.alloc(ch.cipherSuites.length * 2);
		ch.cipherSuites.forEach((s, i) => suites.writeUInt16BE(s, i * 2));
		return createHmac('sha256', this.cookieSecret)
			.update(this.cookieContext)
			.update(ch.random)
			.update(Buffer.from([ch.sessionId.length]))
			.update(ch.sessionId)
			.update(suites)
			.digest();
	}

	/**
	 * RFC 6347 4.2.1: a HelloVerifyRequest takes the ClientHello's record sequence number, and we
	 * keep counting from there so no later record of ours repeats it. A forged huge number could
	 * exhaust the 48-bit space, so only plausible values are followed.
	 */
	private mirrorRecordSeq(): void {
		if (this.currentRecordSeq < 2 ** 32) this.writeSeq[0] = Math.max(this.writeSeq[0], this.currentRecordSeq);
	}

	private onClientHello(m: AssembledMessage, nowMs: number): void {
		this.expect(m, HandshakeType.ClientHello);
		const ch = parseClientHello(m.body);
		if (ch === undefined) throw new HandshakeFailure('malformed ClientHello', AlertDescription.DecodeError);
		// DTLS versions count down: 0xfefd is 1.2, 0xfefc 1.3 (whose clients still say 0xfefd here
		// and list 1.3 in supported_versions, which we ignore and answer with 1.2).
		if (ch.clientVersion > DTLS1_2 || (ch.clientVersion >> 8) !== 0xfe) {
			throw new HandshakeFailure(`client version 0x${ch.clientVersion.toString(16)} below DTLS 1.2`, AlertDescription.ProtocolVersion);
		}
		if (this.helloVerify) {
			const expected = this.cookieFor(ch);
			if (ch.cookie.length !== expected.length || !timingSafeEqual(ch.cookie, expected)) {
				// RFC 6347 4.2.1: HelloVerifyRequest reuses the ClientHello's message_seq and record
				// sequence number, carries version DTLS 1.0, and neither enters the transcript.
				this.reassembler.reset(m.messageSeq + 1);
				this.peerFlightStart = m.messageSeq;
				this.sendMsgSeq = m.messageSeq;
				this.mirrorRecordSeq();
				const hvr: FlightItem = { kind: 'handshake', epoch: 0, msgType: HandshakeType.HelloVerifyRequest, msgSeq: m.messageSeq, body: encodeHelloVerifyRequest(DTLS1_0, expected) };
				this.sendFlight([hvr], nowMs, false); // stateless: no timer, the client retransmits
				return;
			}
		}
		if (!ch.compressionMethods.includes(0)) throw new HandshakeFailure('no null compression', AlertDescription.IllegalParameter);
		const suite = this.suitePrefs.map((s) => CIPHER_SUITES.get(s)!).find((s) => s.auth === this.cert.keyType && ch.cipherSuites.includes(s.id));
		if (suite === undefined) throw new HandshakeFailure('no common cipher suite', AlertDescription.HandshakeFailure);
		const groupsExt = findExtension(ch.extensions, ExtensionType.SupportedGroups);
		const peerGroups = groupsExt === undefined ? [NamedGroup.secp256r1] : parseU16List(groupsExt);
		if (peerGroups === undefined) throw new HandshakeFailure('malformed supported_groups', AlertDescription.DecodeError);
		const group = this.groupPrefs.find((g) => peerGroups.includes(g));
		if (group === undefined) throw new HandshakeFailure('no common group', AlertDescription.HandshakeFailure);
		const sigExt = findExtension(ch.extensions, ExtensionType.SignatureAlgorithms);
		const peerSchemes = sigExt === undefined ? undefined : parseU16List(sigExt);
		if (sigExt !== undefined && peerSchemes === undefined) throw new HandshakeFailure('malformed signature_algorithms', AlertDescription.DecodeError);
		const scheme = chooseSignatureScheme(this.cert.keyType, peerSchemes, SIGN_PREFERENCE);
		if (scheme === undefined) throw new HandshakeFailure('no common signature algorithm', AlertDescription.HandshakeFailure);
		const reneg = findExtension(ch.extensions, ExtensionType.RenegotiationInfo);
		if (reneg !== undefined && !isEmptyRenegotiationInfo(reneg)) throw new HandshakeFailure('non-empty renegotiation_info', AlertDescription.HandshakeFailure);
		const secureReneg = reneg !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
		const emsExt = findExtension(ch.extensions, ExtensionType.ExtendedMasterSecret);
		this.useEms = emsExt !== undefined; // RFC 7627 5.2: use it whenever offered
		const srtpExt = findExtension(ch.extensions, ExtensionType.UseSrtp);
		if (srtpExt !== undefined && this.srtpPrefs.length > 0) {
			const offer = parseUseSrtp(srtpExt);
			if (offer === undefined) throw new HandshakeFailure('malformed use_srtp', AlertDescription.DecodeError);
			// RFC 5764 4.1.1: the server picks one profile of the client's list (by our preference).
			this.srtpProfile = this.srtpPrefs.find((p) => offer.profiles.includes(p));
		}
		const ecdhe = generateEcdhe(group);
		if (ecdhe === undefined) throw new HandshakeFailure('group unavailable', AlertDescription.InternalError);

		this.clientHello = ch;
		this.suite = suite;
		this.group = group;
		this.ecdhe = ecdhe;
		this.clientRandom = Buffer.from(ch.random);
		this.serverRandom = randomBytes(32);
		this.transcript = [];
		this.addToTranscript(m);
		this.peerFlightStart = m.messageSeq;
		this.sendMsgSeq = m.messageSeq; // RFC 6347 4.2.2: after HelloVerifyRequest, ServerHello is 1
		this.mirrorRecordSeq();

		const exts: Extension[] = [];
		if (secureReneg) exts.push({ type: ExtensionType.RenegotiationInfo, data: EMPTY_RENEGOTIATION_INFO });
		if (this.useEms) exts.push({ type: ExtensionType.ExtendedMasterSecret, data: Buffer.alloc(0) });
		if (findExtension(ch.extensions, ExtensionType.EcPointFormats) !== undefined) {
			exts.push({ type: ExtensionType.EcPointFormats, data: EC_POINT_FORMATS_UNCOMPRESSED });
		}
		if (this.srtpProfile !== undefined) exts.push({ type: ExtensionType.UseSrtp, data: encodeUseSrtp([this.srtpProfile]) });
		const flight: FlightItem[] = [];
		flight.push(
			this.message(
				HandshakeType.ServerHello,
				encodeServerHello({ serverVersion: DTLS1_2, random: this.serverRandom, sessionId: Buffer.alloc(0), cipherSuite: suite.id, compressionMethod: 0, extensions: exts })
			)
		);
		flight.push(this.message(HandshakeType.Certificate, encodeCertificate(this.chain)));
		// RFC 8422 5.4: the signature covers client_random + server_random + ServerECDHParams.
		const params = encodeEcdhParams(group, ecdhe.publicKey);
		const signature = signWith(scheme, this.cert.privateKey, Buffer.concat([this.clientRandom, this.serverRandom, params]));
		if (signature === undefined) throw new HandshakeFailure('cannot sign ServerKeyExchange', AlertDescription.InternalError);
		flight.push(this.message(HandshakeType.ServerKeyExchange, Buffer.concat([params, encodeDigitallySigned(scheme, signature)])));
		if (this.requestClientCert) {
			this.certificateRequested = true;
			flight.push(
				this.message(
					HandshakeType.CertificateRequest,
					encodeCertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], OFFERED_SIGNATURE_SCHEMES)
				)
			);
		}
		flight.push(this.message(HandshakeType.ServerHelloDone, Buffer.alloc(0)));
		this.step = this.requestClientCert ? 'clientCertificate' : 'clientKeyExchange';
		this.sendFlight(flight, nowMs, true);
	}

	private takePeerCertificate(body: Buffer, allowEmpty: boolean): void {
		const chain = parseCertificate(body);
		if (chain === undefined) throw new HandshakeFailure('malformed Certificate', AlertDescription.DecodeError);
		if (chain.length === 0) {
			if (allowEmpty) return;
			throw new HandshakeFailure('peer sent no certificate', AlertDescription.HandshakeFailure);
		}
		let key: KeyObject;
		try {
			key = new X509Certificate(chain[0]).publicKey;
		} catch {
			throw new HandshakeFailure('peer certificate does not parse', AlertDescription.BadCertificate);
		}
		if (key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'rsa') {
			throw new HandshakeFailure(`peer certificate key ${key.asymmetricKeyType}`, AlertDescription.UnsupportedCertificate);
		}
		this.peerChain = chain.map((c) => Buffer.from(c));
		this.peerKey = key;
	}

	private onClientCertificate(m: AssembledMessage): void {
		this.expect(m, HandshakeType.Certificate);
		this.takePeerCertificate(m.body, false);
		this.addToTranscript(m);
		this.peerFlightStart = m.messageSeq;
		this.step = 'clientKeyExchange';
	}

	private onClientKeyExchange(m: AssembledMessage): void {
		this.expect(m, HandshakeType.ClientKeyExchange);
		if (!this.certificateRequested) this.peerFlightStart = m.messageSeq;
		const point = parseClientKeyExchange(m.body);
		if (point === undefined) throw new HandshakeFailure('malformed ClientKeyExchange', AlertDescription.DecodeError);
		const preMaster = this.ecdhe!.computeSecret(point);
		if (preMaster === undefined) throw new HandshakeFailure('invalid ECDH public value', AlertDescription.IllegalParameter);
		this.addToTranscript(m);
		this.deriveKeys(preMaster);
		this.step = this.peerKey !== undefined ? 'certificateVerify' : 'finished';
	}

	private onCertificateVerify(m: AssembledMessage): void {
		this.expect(m, HandshakeType.CertificateVerify);
		const ds = parseDigitallySigned(m.body);
		if (ds === undefined) throw new HandshakeFailure('malformed CertificateVerify', AlertDescription.DecodeError);
		// RFC 5246 7.4.8: the signature covers every handshake message before this one.
		if (!OFFERED_SIGNATURE_SCHEMES.includes(ds.scheme) || !verifyWith(ds.scheme, this.peerKey!, this.transcriptBytes(), ds.signature)) {
			throw new HandshakeFailure('CertificateVerify signature does not verify', AlertDescription.DecryptError);
		}
		this.addToTranscript(m);
		this.step = 'finished';
	}

	/** Master secret (RFC 7627 when negotiated, else RFC 5246 8.1) and the epoch-1 record keys. */
	private deriveKeys(preMaster: Buffer): void {
		const suite = this.suite!;
		this.master = this.useEms
			? extendedMasterSecret(suite.prfHash, preMaster, createHash(suite.prfHash).update(this.transcriptBytes()).digest())
			: masterSecret(suite.prfHash, preMaster, this.clientRandom, this.serverRandom);
		const k = keyExpansion(suite.prfHash, this.master, this.clientRandom, this.serverRandom, suite.keyLength);
		const client = new GcmRecordCipher(k.clientWriteKey, k.clientWriteIv);
		const server = new GcmRecordCipher(k.serverWriteKey, k.serverWriteIv);
		this.readCipher = this.role === 'server' ? client : server;
		this.pendingWriteCipher = this.role === 'server' ? server : client;
	}

	private sendClientHello(nowMs: number): void {
		const ch = this.clientHello!;
		this.transcript = [];
		this.sendFlight([this.message(HandshakeType.ClientHello, encodeClientHello(ch))], nowMs, true);
	}

	private onServerHelloOrVerify(m: AssembledMessage, nowMs: number): void {
		if (m.msgType === HandshakeType.HelloVerifyRequest) {
			const hvr = parseHelloVerifyRequest(m.body);
			if (hvr === undefined) throw new HandshakeFailure('malformed HelloVerifyRequest', AlertDescription.DecodeError);
			// RFC 6347 4.2.1: resend the same hello with the cookie; the transcript restarts with it.
			this.clientHello!.cookie = Buffer.from(hvr.cookie);
			this.peerFlightStart = m.messageSeq;
			this.sendClientHello(nowMs);
			return;
		}
		this.expect(m, HandshakeType.ServerHello);
		const sh = parseServerHello(m.body);
		if (sh === undefined) throw new HandshakeFailure('malformed ServerHello', AlertDescription.DecodeError);
		if (sh.serverVersion !== DTLS1_2) throw new HandshakeFailure(`server version 0x${sh.serverVersion.toString(16)}`, AlertDescription.ProtocolVersion);
		const suite = CIPHER_SUITES.get(sh.cipherSuite);
		if (suite === undefined || !this.suitePrefs.includes(sh.cipherSuite)) throw new HandshakeFailure('server chose a suite we did not offer', AlertDescription.IllegalParameter);
		if (sh.compressionMethod !== 0) throw new HandshakeFailure('server chose compression', AlertDescription.IllegalParameter);
		const offered = new Set(this.clientHello!.extensions.map((e) => e.type));
		for (const e of sh.extensions) {
			// RFC 5246 7.4.1.4: a server must not send an extension the client did not offer.
			if (!offered.has(e.type)) throw new HandshakeFailure(`unsolicited extension ${e.type}`, AlertDescription.UnsupportedExtension);
		}
		const reneg = findExtension(sh.extensions, ExtensionType.RenegotiationInfo);
		if (reneg !== undefined && !isEmptyRenegotiationInfo(reneg)) throw new HandshakeFailure('non-empty renegotiation_info', AlertDescription.HandshakeFailure);
		// RFC 7627 5.3: we offered extended_master_secret and insist on it.
		if (findExtension(sh.extensions, ExtensionType.ExtendedMasterSecret) === undefined) {
			throw new HandshakeFailure('server did not negotiate extended_master_secret', AlertDescription.HandshakeFailure);
		}
		this.useEms = true;
		const srtpExt = findExtension(sh.extensions, ExtensionType.UseSrtp);
		if (srtpExt !== undefined) {
			const answer = parseUseSrtp(srtpExt);
			// RFC 5764 4.1.1: exactly one profile, one we offered, and no MKI we did not send.
			if (answer === undefined || answer.profiles.length !== 1 || !this.srtpPrefs.includes(answer.profiles[0]) || answer.mki.length !== 0) {
				throw new HandshakeFailure('bad use_srtp answer', AlertDescription.IllegalParameter);
			}
			this.srtpProfile = answer.profiles[0];
		}
		this.suite = suite;
		this.serverRandom = Buffer.from(sh.random);
		this.addToTranscript(m);
		this.peerFlightStart = m.messageSeq;
		this.step = 'serverCertificate';
	}

	private onServerCertificate(m: AssembledMessage): void {
		this.expect(m, HandshakeType.Certificate);
		this.takePeerCertificate(m.body, false);
		if (this.peerKey!.asymmetricKeyType !== this.suite!.auth) {
			throw new HandshakeFailure('server certificate does not match the suite', AlertDescription.UnsupportedCertificate);
		}
		this.addToTranscript(m);
		this.step = 'serverKeyExchange';
	}

	private onServerKeyExchange(m: AssembledMessage): void {
		this.expect(m, HandshakeType.ServerKeyExchange);
		const ske = parseServerKeyExchange(m.body);
		if (ske === undefined) throw new HandshakeFailure('malformed ServerKeyExchange', AlertDescription.DecodeError);
		if (!this.groupPrefs.includes(ske.group)) throw new HandshakeFailure('server chose a group we did not offer', AlertDescription.IllegalParameter);
		if (!OFFERED_SIGNATURE_SCHEMES.includes(ske.signatureScheme)) throw new HandshakeFailure('server signed with a scheme we did not offer', AlertDescription.IllegalParameter);
		const signed = Buffer.concat([this.clientRandom, this.serverRandom, ske.params]);
		if (!verifyWith(ske.signatureScheme, this.peerKey!, signed, ske.signature)) {
			throw new HandshakeFailure('ServerKeyExchange signature does not verify', AlertDescription.DecryptError);
		}
		this.group = ske.group;
		this.peerPublicValue = Buffer.from(ske.publicKey);
		this.addToTranscript(m);
		this.step = 'certificateRequestOrDone';
	}

	private onCertificateRequestOrDone(m: AssembledMessage, nowMs: number): void {
		if (m.msgType === HandshakeType.CertificateRequest && this.step === 'certificateRequestOrDone') {
			const cr = parseCertificateRequest(m.body);
			if (cr === undefined) throw new HandshakeFailure('malformed CertificateRequest', AlertDescription.DecodeError);
			this.certificateRequested = true;
			this.peerSchemesForCv = cr.schemes;
			this.addToTranscript(m);
			this.step = 'serverHelloDone';
			return;
		}
		this.expect(m, HandshakeType.ServerHelloDone);
		if (m.body.length !== 0) throw new HandshakeFailure('malformed ServerHelloDone', AlertDescription.DecodeError);
		this.addToTranscript(m);
		const ecdhe = generateEcdhe(this.group);
		if (ecdhe === undefined) throw new HandshakeFailure('group unavailable', AlertDescription.InternalError);
		const preMaster = ecdhe.computeSecret(this.peerPublicValue!);
		if (preMaster === undefined) throw new HandshakeFailure('invalid ECDH public value', AlertDescription.IllegalParameter);
		this.ecdhe = ecdhe;
		const flight: FlightItem[] = [];
		if (this.certificateRequested) flight.push(this.message(HandshakeType.Certificate, encodeCertificate(this.chain)));
		flight.push(this.message(HandshakeType.ClientKeyExchange, encodeClientKeyExchange(ecdhe.publicKey)));
		this.deriveKeys(preMaster);
		if (this.certificateRequested) {
			const scheme = chooseSignatureScheme(this.cert.keyType, this.peerSchemesForCv, SIGN_PREFERENCE);
			if (scheme === undefined) throw new HandshakeFailure('no signature algorithm for CertificateVerify', AlertDescription.HandshakeFailure);
			const signature = signWith(scheme, this.cert.privateKey, this.transcriptBytes());
			if (signature === undefined) throw new HandshakeFailure('cannot sign CertificateVerify', AlertDescription.InternalError);
			flight.push(this.message(HandshakeType.CertificateVerify, encodeDigitallySigned(scheme, signature)));
		}
		flight.push({ kind: 'ccs' });
		this.writeCipher = this.pendingWriteCipher;
		const verifyData = finishedVerifyData(this.suite!.prfHash, this.master!, 'client finished', this.transcriptBytes());
		flight.push(this.message(HandshakeType.Finished, verifyData, 1));
		this.step = 'finished';
		this.sendFlight(flight, nowMs, true);
	}

	private peerSchemesForCv: number[] | undefined = undefined;

	private onFinished(m: AssembledMessage, nowMs: number): void {
		this.expect(m, HandshakeType.Finished);
		const suite = this.suite!;
		const label = this.role === 'server' ? 'client finished' : 'server finished';
		const expected = finishedVerifyData(suite.prfHash, this.master!, label, this.transcriptBytes());
		if (m.body.length !== expected.length || !timingSafeEqual(m.body, expected)) {
			throw new HandshakeFailure('Finished verify_data mismatch', AlertDescription.DecryptError);
		}
		this.addToTranscript(m);
		if (this.role === 'server') {
			this.writeCipher = this.pendingWriteCipher;
			const verifyData = finishedVerifyData(suite.prfHash, this.master!, 'server finished', this.transcriptBytes());
			// RFC 6347 4.2.4: the last flight has no timer; it is resent when the client resends its own.
			this.sendFlight([{ kind: 'ccs' }, this.message(HandshakeType.Finished, verifyData, 1)], nowMs, false);
		} else {
			this.deadline = undefined;
		}
		this.step = 'done';
		this.stateValue = 'connected';
		this.events.push(this.connectedEvent());
	}

	private connectedEvent(): DtlsConnectedEvent {
		const suite = this.suite!;
		let srtp: DtlsSrtpKeyingMaterial | undefined;
		if (this.srtpProfile !== undefined) {
			const p = SRTP_PROFILES.get(this.srtpProfile)!;
			const km = exportKeyingMaterial(suite.prfHash, this.master!, DTLS_SRTP_EXPORTER_LABEL, this.clientRandom, this.serverRandom, 2 * (p.keyLength + p.saltLength));
			const clientWriteKey = km.subarray(0, p.keyLength);
			const serverWriteKey = km.subarray(p.keyLength, 2 * p.keyLength);
			const clientWriteSalt = km.subarray(2 * p.keyLength, 2 * p.keyLength + p.saltLength);
			const serverWriteSalt = km.subarray(2 * p.keyLength + p.saltLength);
			const client = this.role === 'client';
			srtp = {
				profile: p.id,
				profileName: p.name,
				keyingMaterial: km,
				clientWriteKey,
				serverWriteKey,
				clientWriteSalt,
				serverWriteSalt,
				localKey: client ? clientWriteKey : serverWriteKey,
				localSalt: client ? clientWriteSalt : serverWriteSalt,
				remoteKey: client ? serverWriteKey : clientWriteKey,
				remoteSalt: client ? serverWriteSalt : clientWriteSalt,
			};
		}
		return {
			type: 'connected',
			cipherSuite: suite.name,
			cipherSuiteId: suite.id,
			namedGroup: this.group,
			extendedMasterSecret: this.useEms,
			srtp,
			peerCertificate: this.peerChain[0],
			peerCertificateChain: this.peerChain,
		};
	}
}
