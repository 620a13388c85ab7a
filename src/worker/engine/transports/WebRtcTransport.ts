import { WorkerLogger } from '../../logger';
import type { Router } from '../Router';
import { Transport, type BaseTransportOptions } from './Transport';
import { bindListenInfos, checkWireListenInfo, closeBound, localAddressOf, type BoundListenInfo } from './listen';
import { candidatesForSources, type IceCandidate } from './iceCandidates';
import { protectRtpForSend, randomIceString, releaseIfQueued, rtpScratch, type WireListenInfo } from './common';
import type { WebRtcServer } from './WebRtcServer';
import type { UdpSocket } from '../../net/UdpSocket';
import type { TcpConnection } from '../../net/TcpServer';
import { IceServer, iceTupleKey, type IceState, type IceTuple } from '../../ice/IceServer';
import { DtlsSession, type DtlsSessionState } from '../../dtls/DtlsSession';
import { parseStunMessage } from '../../../proto/stun';
import { SrtpFailure, type SrtpSession } from '../../../proto/srtp';
import type { DtlsLocalCertificate } from '../../../proto/dtls';

const logger = new WorkerLogger('WebRtcTransport');

/** ICE credentials length (RFC 8445 section 5.3 asks for at least 4 and 22 characters). */
const ICE_UFRAG_LENGTH = 32;
const ICE_PASSWORD_LENGTH = 32;

const FINGERPRINT_ALGORITHMS = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'];

/** DTLS datagrams kept while the handshake cannot start yet (a ClientHello that beat connect()). */
const MAX_EARLY_DTLS_DATAGRAMS = 8;

type DtlsRole = 'auto' | 'client' | 'server';

export type WebRtcTransportOptions = BaseTransportOptions & {
	webRtcServerId?: string;
	listenInfos?: WireListenInfo[];
	enableUdp?: boolean;
	enableTcp?: boolean;
	preferUdp?: boolean;
	preferTcp?: boolean;
	/** Seconds (mediasoup's unit); 0 disables consent checks. */
	iceConsentTimeout?: number;
};

/**
 * Where packets of one ICE tuple come from and go to: a UDP socket and the remote address, or
 * one accepted TCP connection (RFC 6544 passive, RFC 4571 framing).
 */
export type IceSink = {
	readonly tuple: IceTuple;
	readonly key: string;
	readonly udp: UdpSocket | undefined;
	readonly tcp: TcpConnection | undefined;
	readonly remoteIp: string;
	readonly remotePort: number;
};

/** Counters of what was refused (getStats() shows them under their mediasoup-like names). */
export type WebRtcTransportCounters = {
	/** Non-STUN packets from a tuple ICE did not validate. */
	packetsFromUnknownTuples: number;
	/** STUN that does not parse. */
	malformedStun: number;
	/** RTP/RTCP before DTLS connected (no keys yet). */
	mediaBeforeDtls: number;
	srtpAuthFailures: number;
	srtpReplays: number;
	srtpOtherFailures: number;
	srtpProtectFailures: number;
	rtpPacketsReceived: number;
	rtcpPacketsReceived: number;
	rtpPacketsSent: number;
	rtcpPacketsSent: number;
};

/**
 * An ICE-lite (RFC 8445 section 2.5), DTLS-SRTP transport. Either it owns its
 * sockets (one per listen info) or it receives through a WebRtcServer.
 *
 * Incoming datagrams are split by their first byte (RFC 7983): STUN goes to the ICE server from
 * any tuple; DTLS, RTP and RTCP are accepted only from tuples ICE validated. The DTLS handshake
 * starts once ICE has a selected tuple and connect() gave the remote role and fingerprints
 * (as mediasoup's MayRunDtlsTransport); media flows only once DTLS is connected.
 */
export class WebRtcTransport extends Transport {
	readonly #bound: BoundListenInfo[];
	readonly #server: WebRtcServer | undefined;
	readonly #iceCandidates: IceCandidate[];
	readonly #ice: IceServer<IceSink>;
	#iceTimer: NodeJS.Timeout | undefined = undefined;
	#iceTimerDeadline = Infinity;
	#selected: IceSink | undefined = undefined;
	#dtlsRole: DtlsRole = 'auto';
	#dtlsState: DtlsSessionState = 'new';
	#dtls: DtlsSession | undefined = undefined;
	#remoteFingerprints: { algorithm: string; value: string }[] | undefined = undefined;
	#dtlsRemoteCert: string | undefined = undefined;
	#earlyDtls: Buffer[] = [];
	#srtpSend: SrtpSession | undefined = undefined;
	#srtpRecv: SrtpSession | undefined = undefined;
	#connectCalled = false;
	#iceWasDisconnected = false;
	/** Valid TCP tuples by connection, to drop them when the connection closes. */
	readonly #tcpSinks = new Map<TcpConnection, IceSink>();
	readonly counters: WebRtcTransportCounters = {
		packetsFromUnknownTuples: 0,
		malformedStun: 0,
		mediaBeforeDtls: 0,
		srtpAuthFailures: 0,
		srtpReplays: 0,
		srtpOtherFailures: 0,
		srtpProtectFailures: 0,
		rtpPacketsReceived: 0,
		rtcpPacketsReceived: 0,
		rtpPacketsSent: 0,
		rtcpPacketsSent: 0,
	};

	private constructor(
		id: string,
		options: WebRtcTransportOptions,
		router: Router,
		bound: BoundListenInfo[],
		server: WebRtcServer | undefined,
	) {
		super(id, { ...options, direct: false }, router);

		this.#bound = bound;
		this.#server = server;
		this.#ice = new IceServer<IceSink>(
			{
				usernameFragment: randomIceString(ICE_UFRAG_LENGTH),
				password: randomIceString(ICE_PASSWORD_LENGTH),
				consentTimeoutSeconds: options.iceConsentTimeout ?? 30,
			},
			{
				onStateChange: (state) => this.#onIceStateChange(state),
				onSelectedTuple: (tuple, sink) => this.#onIceSelectedTuple(tuple, sink),
				onTupleAdded: (_tuple, sink) => {
					if (sink.tcp) {
						this.#tcpSinks.set(sink.tcp, sink);
					}
					this.#server?.addTuple(sink, this);
				},
				onTupleRemoved: (_tuple, sink) => {
					if (sink.tcp) {
						this.#tcpSinks.delete(sink.tcp);
					}
					this.#server?.removeTuple(sink, this);
				},
				onUsernameFragmentAdded: (ufrag) => this.#server?.addUsernameFragment(ufrag, this),
				onUsernameFragmentRemoved: (ufrag) => this.#server?.removeUsernameFragment(ufrag, this),
			},
		);

		if (server) {
			this.#iceCandidates = server.getIceCandidates({
				enableUdp: options.enableUdp ?? true,
				enableTcp: options.enableTcp ?? true,
				preferUdp: Boolean(options.preferUdp),
				preferTcp: Boolean(options.preferTcp),
			});
		} else {
			this.#iceCandidates = candidatesForSources(
				bound.map((item) => ({
					protocol: item.protocol,
					...localAddressOf(item),
					announcedAddress: item.listenInfo.announcedAddress,
					exposeInternalIp: item.listenInfo.exposeInternalIp,
				})),
			);

			for (const item of bound) {
				// Tuples show the announced address as mediasoup does.
				const localAddress = item.listenInfo.announcedAddress ?? localAddressOf(item).localIp;

				if (item.socket) {
					item.socket.onPacket = (data, remoteIp, remotePort, socket) =>
						this.receiveUdp(data, socket, localAddress, remoteIp, remotePort);
				} else {
					const tcpServer = item.tcpServer;

					tcpServer.onPacket = (data, connection) => this.receiveTcp(data, connection, localAddress);
					tcpServer.onConnectionClosed = (connection) => this.tcpConnectionClosed(connection);
				}
			}
		}
	}

	static async create(id: string, data: any, router: Router): Promise<WebRtcTransport> {
		const options = (data ?? {}) as WebRtcTransportOptions;

		if (options.webRtcServerId !== undefined) {
			const server = router.ctx.webRtcServers.get(options.webRtcServerId) as WebRtcServer | undefined;

			if (!server || server.closed) {
				throw new Error(`WebRtcServer not found [webRtcServerId:${options.webRtcServerId}]`);
			}

			const transport = new WebRtcTransport(id, options, router, [], server);

			if (transport.#iceCandidates.length === 0) {
				throw new TypeError('empty iceCandidates (no listen info of the WebRtcServer matches enableUdp/enableTcp)');
			}

			transport.register();
			server.addTransport(transport);
			server.addUsernameFragment(transport.#ice.usernameFragment, transport);

			return transport;
		}

		const listenInfos: unknown = options.listenInfos;

		if (!Array.isArray(listenInfos) || listenInfos.length === 0) {
			throw new TypeError('missing or empty listenInfos');
		}
		for (const listenInfo of listenInfos) {
			checkWireListenInfo(listenInfo);
		}

		// This may throw (and then nothing stays bound).
		const bound = await bindListenInfos(listenInfos as WireListenInfo[], router.ctx);
		let transport: WebRtcTransport;

		try {
			transport = new WebRtcTransport(id, options, router, bound, undefined);
			transport.register();
		} catch (error) {
			closeBound(bound);
			throw error;
		}

		logger.debug(`WebRtcTransport created [id:${id}]`, 'info');

		return transport;
	}

	// --- requests -----------------------------------------------------------

	protected override handleTransportRequest(method: string, data: any): unknown {
		switch (method) {
			case 'webRtcTransport.connect':
				return this.#connect(data?.dtlsParameters);

			case 'transport.restartIce':
				return this.#restartIce();

			default:
				return super.handleTransportRequest(method, data);
		}
	}

	#connect(dtlsParameters: any): unknown {
		if (this.#connectCalled) {
			throw new Error('connect() already called');
		}
		if (typeof dtlsParameters !== 'object' || dtlsParameters === null) {
			throw new TypeError('missing dtlsParameters');
		}

		const fingerprints: unknown = dtlsParameters.fingerprints;

		if (!Array.isArray(fingerprints) || fingerprints.length === 0) {
			throw new TypeError('empty dtlsParameters.fingerprints array');
		}
		for (const fingerprint of fingerprints) {
			if (!FINGERPRINT_ALGORITHMS.includes(fingerprint?.algorithm)) {
				throw new TypeError(`invalid fingerprint algorithm "${String(fingerprint?.algorithm)}"`);
			}
			if (typeof fingerprint.value !== 'string' || !fingerprint.value) {
				throw new TypeError('invalid fingerprint value');
			}
		}

		const remoteRole: DtlsRole = dtlsParameters.role ?? 'auto';

		// RFC 5763 section 5: the answerer's role follows the offerer's setup; a
		// remote 'auto' makes us the client since we are ICE controlled (mediasoup's rule).
		switch (remoteRole) {
			case 'client':
				this.#dtlsRole = 'server';
				break;
			case 'server':
			case 'auto':
				this.#dtlsRole = 'client';
				break;
			default:
				throw new TypeError(`invalid dtlsParameters.role "${String(remoteRole)}"`);
		}

		this.#remoteFingerprints = (fingerprints as { algorithm: string; value: string }[]).map(({ algorithm, value }) => ({
			algorithm,
			value,
		}));
		this.#connectCalled = true;
		this.#mayRunDtls();

		return { dtlsLocalRole: this.#dtlsRole };
	}

	#restartIce(): unknown {
		const usernameFragment = randomIceString(ICE_UFRAG_LENGTH);
		const password = randomIceString(ICE_PASSWORD_LENGTH);

		// Registers the new fragment with the WebRtcServer and drops the one before the previous.
		this.#ice.restartIce(usernameFragment, password);

		return { usernameFragment, password, iceLite: true };
	}

	// --- ICE ----------------------------------------------------------------

	#onIceStateChange(state: IceState): void {
		logger.debug(`ICE state ${state} [id:${this.id}]`, 'ice');
		if (state === 'disconnected') {
			this.#selected = undefined;
		}
		this.notify('icestatechange', { iceState: state });
		if (state === 'connected' || state === 'completed') {
			const wasDown = this.#iceWasDisconnected;

			this.#iceWasDisconnected = false;
			this.#mayRunDtls();
			// Back from 'disconnected' with DTLS up: consumers start again (key frame requests).
			if (wasDown && this.connected) {
				this.onConnected();
			}
		} else if (state === 'disconnected') {
			this.#iceWasDisconnected = true;
		}
	}

	#onIceSelectedTuple(tuple: IceTuple, sink: IceSink): void {
		this.#selected = sink;
		this.notify('iceselectedtuplechange', { tuple: { localIp: tuple.localAddress, ...tuple } });
	}

	/** Re-arms the consent timer lazily: it only ever fires early, then re-arms. */
	#armIceTimer(): void {
		const deadline = this.#ice.nextTimeoutMs();

		if (deadline === undefined) {
			if (this.#iceTimer) {
				clearTimeout(this.#iceTimer);
				this.#iceTimer = undefined;
				this.#iceTimerDeadline = Infinity;
			}

			return;
		}
		if (this.#iceTimer && this.#iceTimerDeadline <= deadline) {
			return;
		}
		if (this.#iceTimer) {
			clearTimeout(this.#iceTimer);
		}
		this.#iceTimerDeadline = deadline;
		this.#iceTimer = setTimeout(
			() => {
				this.#iceTimer = undefined;
				this.#iceTimerDeadline = Infinity;
				if (this.closed) {
					return;
				}
				this.#ice.handleTimeout(Date.now());
				this.#armIceTimer();
			},
			Math.max(0, deadline - Date.now()),
		);
		this.#iceTimer.unref();
	}

	// --- DTLS ---------------------------------------------------------------

	/** As mediasoup: DTLS runs once ICE has a selected tuple and connect() told the role. */
	#mayRunDtls(): void {
		if (this.closed || this.#dtls || !this.#connectCalled || !this.#selected) {
			return;
		}

		const role = this.#dtlsRole === 'server' ? 'server' : 'client';

		this.#dtls = new DtlsSession(
			{
				role,
				certificate: this.ctx.identity.certificate as DtlsLocalCertificate,
				remoteFingerprints: this.#remoteFingerprints!,
			},
			{
				send: (datagram) => this.#sendToSelected(datagram),
				onStateChange: (state, remoteCert) => this.#onDtlsStateChange(state, remoteCert),
				// SCTP over DTLS (RFC 8261).
				onApplicationData: (data) => this.receiveSctpData(data),
				onSrtp: (_suite, send, recv) => {
					this.#srtpSend = send;
					this.#srtpRecv = recv;
				},
			},
		);
		this.#dtls.start();

		// A ClientHello may have arrived before connect(): replay it now instead of waiting for the
		// peer's retransmission (a second or more).
		const early = this.#earlyDtls;

		this.#earlyDtls = [];
		for (const datagram of early) {
			this.#dtls.handleDatagram(datagram);
		}
	}

	#onDtlsStateChange(state: DtlsSessionState, remoteCert: string | undefined): void {
		logger.debug(`DTLS state ${state} [id:${this.id}]`, 'dtls');
		this.#dtlsState = state;
		if (state === 'connected') {
			this.#dtlsRemoteCert = remoteCert;
			this.notify('dtlsstatechange', { dtlsState: state, remoteCert });
			if (this.connected) {
				this.onConnected();
			}
			logger.debug(`DTLS connected in ${this.#dtls?.stats.handshakeMs?.toFixed(1)} ms [id:${this.id}]`, 'dtls');
		} else {
			if (state === 'failed' || state === 'closed') {
				this.#srtpSend = undefined;
				this.#srtpRecv = undefined;
			}
			this.notify('dtlsstatechange', { dtlsState: state });
		}
	}

	protected override sendSctpData(packet: Buffer): void {
		this.#dtls?.send(packet);
	}

	/** Handshake duration (ms) once DTLS connected; for benches and logs. */
	get dtlsHandshakeMs(): number | undefined {
		return this.#dtls?.stats.handshakeMs;
	}

	// --- packets ------------------------------------------------------------

	/** A UDP datagram for this transport (from its own socket or its WebRtcServer's). */
	receiveUdp(data: Buffer, socket: UdpSocket, localAddress: string, remoteIp: string, remotePort: number): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);

		const selected = this.#selected;

		// Hot path: media from the selected tuple, no allocation.
		if (
			selected !== undefined &&
			selected.udp === socket &&
			selected.remotePort === remotePort &&
			selected.remoteIp === remoteIp &&
			data.length > 0 &&
			data[0]! > 3
		) {
			this.#receiveFromValid(data, selected);

			return;
		}

		const tuple: IceTuple = { localAddress, localPort: socket.localPort, remoteIp, remotePort, protocol: 'udp' };
		const key = iceTupleKey(tuple);

		this.#receive(data, tuple, key, socket, undefined);
	}

	/** One RFC 4571 frame from a TCP connection (own TcpServer or the WebRtcServer's). */
	receiveTcp(data: Buffer, connection: TcpConnection, localAddress: string): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);

		const selected = this.#selected;

		if (selected !== undefined && selected.tcp === connection && data.length > 0 && data[0]! > 3) {
			this.#receiveFromValid(data, selected);

			return;
		}

		const tuple: IceTuple = {
			localAddress,
			localPort: connection.server.localPort,
			remoteIp: connection.remoteIp,
			remotePort: connection.remotePort,
			protocol: 'tcp',
		};

		this.#receive(data, tuple, iceTupleKey(tuple), undefined, connection);
	}

	/** A TCP connection closed: its tuple (if ICE knew it) goes. */
	tcpConnectionClosed(connection: TcpConnection): void {
		if (this.closed) {
			return;
		}

		const sink = this.#tcpSinks.get(connection);

		if (sink) {
			this.#ice.removeTuple(sink.tuple);
			this.#armIceTimer();
		}
	}

	#receive(
		data: Buffer,
		tuple: IceTuple,
		key: string,
		udp: UdpSocket | undefined,
		tcp: TcpConnection | undefined,
	): void {
		const first = data.length > 0 ? data[0]! : 255;

		if (first <= 3) {
			this.#receiveStun(data, tuple, key, udp, tcp);

			return;
		}

		const sink = this.#ice.sourceOf(key);

		if (!sink) {
			// RFC 8445 section 7.3 / mediasoup: nothing but STUN from a tuple ICE has not validated.
			this.counters.packetsFromUnknownTuples++;

			return;
		}

		this.#receiveFromValid(data, sink);
	}

	#receiveStun(data: Buffer, tuple: IceTuple, key: string, udp: UdpSocket | undefined, tcp: TcpConnection | undefined): void {
		const message = parseStunMessage(data);

		if (!message) {
			this.counters.malformedStun++;

			return;
		}

		let sink = this.#ice.sourceOf(key);

		if (!sink) {
			sink = { tuple, key, udp, tcp, remoteIp: tuple.remoteIp, remotePort: tuple.remotePort };
		}

		const response = this.#ice.handleStunMessage(message, tuple, sink, Date.now());

		if (response) {
			this.#sendOn(sink, response);
		}
		this.#armIceTimer();
	}

	#receiveFromValid(data: Buffer, sink: IceSink): void {
		const first = data[0]!;

		if (first >= 20 && first <= 63) {
			this.#receiveDtls(data);
		} else if (first >= 128 && first <= 191) {
			this.#receiveSrtp(data);
		} else if (first <= 3) {
			// STUN from the selected tuple (consent refresh) takes the general path.
			this.#receiveStun(data, sink.tuple, sink.key, sink.udp, sink.tcp);
		}
	}

	#receiveDtls(data: Buffer): void {
		if (this.#dtls) {
			this.#dtls.handleDatagram(data);
		} else if (this.#earlyDtls.length < MAX_EARLY_DTLS_DATAGRAMS) {
			// Copy: the socket may reuse its buffer (TCP frames are views into the stream).
			this.#earlyDtls.push(Buffer.from(data));
		}
	}

	#receiveSrtp(data: Buffer): void {
		const recv = this.#srtpRecv;

		if (!recv || this.#dtlsState !== 'connected') {
			this.counters.mediaBeforeDtls++;

			return;
		}

		// RFC 5761 section 4: RTCP packet types 192-223 in the second byte.
		const isRtcp = data.length >= 2 && data[1]! >= 192 && data[1]! <= 223;
		const packet = isRtcp ? recv.unprotectRtcp(data) : recv.unprotectRtp(data);

		if (!packet) {
			switch (recv.lastFailure) {
				case SrtpFailure.AuthFailed:
					this.counters.srtpAuthFailures++;
					break;
				case SrtpFailure.Replay:
					this.counters.srtpReplays++;
					break;
				default:
					this.counters.srtpOtherFailures++;
					break;
			}

			return;
		}

		if (isRtcp) {
			this.counters.rtcpPacketsReceived++;
			this.#deliverRtcp(packet);
		} else {
			this.counters.rtpPacketsReceived++;
			this.#deliverRtp(packet);
		}
	}

	#deliverRtp(packet: Buffer): void {
		this.receiveRtpData(packet, packet.length);
	}

	#deliverRtcp(packet: Buffer): void {
		this.receiveRtcpData(packet);
	}

	/** Consumers here get transport-wide seq numbers and a send-side bandwidth estimate. */
	protected override get sendSideBwe(): boolean {
		return true;
	}

	/** Media goes out only with a selected ICE tuple and SRTP keys from a connected DTLS. */
	override get connected(): boolean {
		return this.#srtpSend !== undefined && this.#selected !== undefined && !this.closed;
	}

	/** SRTP protect copies the packet, so consumers may rewrite into the worker's reused scratch. */
	override allocRtpBuffer(length: number): Buffer {
		return rtpScratch.view(length);
	}

	/** RTP to the peer: protected with SRTP, on the selected tuple; dropped before ICE and DTLS are up. */
	protected override sendRtpData(data: Buffer, length: number, now: number): void {
		const send = this.#srtpSend;
		const selected = this.#selected;

		if (send === undefined || selected === undefined) {
			return;
		}

		// A TCP sink may keep the buffer queued: it gets a buffer of its own. A UDP one shares the
		// worker's SRTP output, left to the send if libuv queued it.
		const udp = selected.udp;
		const protectedPacket = protectRtpForSend(send, data.length === length ? data : data.subarray(0, length), udp);

		if (protectedPacket === undefined) {
			this.counters.srtpProtectFailures++;

			return;
		}
		this.counters.rtpPacketsSent++;
		this.#sendOn(selected, protectedPacket, now);
		releaseIfQueued(udp, protectedPacket);
	}

	protected override sendRtcpData(data: Buffer): void {
		const send = this.#srtpSend;
		const selected = this.#selected;

		if (send === undefined || selected === undefined) {
			return;
		}

		const protectedPacket = send.protectRtcp(data);

		if (protectedPacket === undefined) {
			this.counters.srtpProtectFailures++;

			return;
		}
		this.counters.rtcpPacketsSent++;
		this.#sendOn(selected, protectedPacket);
	}

	#sendToSelected(data: Buffer): void {
		if (this.#selected) {
			this.#sendOn(this.#selected, data);
		}
	}

	#sendOn(sink: IceSink, data: Uint8Array, now?: number): void {
		if (sink.udp) {
			sink.udp.send(data, sink.remotePort, sink.remoteIp);
		} else {
			sink.tcp!.send(data);
		}
		this.dataSent(data.length, now);
	}

	// --- dump and stats -----------------------------------------------------

	dump(): unknown {
		return {
			...this.baseDump(),
			iceRole: 'controlled',
			iceParameters: { usernameFragment: this.#ice.usernameFragment, password: this.#ice.password, iceLite: true },
			iceCandidates: this.#iceCandidates.map((candidate) => ({ ...candidate })),
			iceState: this.#ice.state,
			iceSelectedTuple: this.#selectedTupleForApp(),
			dtlsParameters: {
				fingerprints: this.ctx.identity.fingerprints.map(({ algorithm, value }) => ({ algorithm, value })),
				role: this.#dtlsRole,
			},
			dtlsState: this.#dtlsState,
			dtlsRemoteCert: this.#dtlsRemoteCert,
		};
	}

	getStats(): unknown {
		return {
			...this.baseStats(),
			type: 'webrtc-transport',
			iceRole: 'controlled',
			iceState: this.#ice.state,
			iceSelectedTuple: this.#selectedTupleForApp(),
			dtlsState: this.#dtlsState,
			// Not in mediasoup's stats: what was refused, for operators and tests.
			// restartPending: restartIce() was called and the peer has not used the new credentials yet.
			ice: { ...this.#ice.stats, restartPending: this.#ice.oldUsernameFragment !== undefined },
			refused: { ...this.counters, dtlsFingerprintMismatches: this.#dtls?.stats.fingerprintMismatches ?? 0 },
			dtlsHandshakeMs: this.#dtls?.stats.handshakeMs,
		};
	}

	#selectedTupleForApp(): unknown {
		const tuple = this.#ice.selectedTuple;

		return tuple ? { localIp: tuple.localAddress, ...tuple } : undefined;
	}

	// --- close --------------------------------------------------------------

	/** Its WebRtcServer closed: close and tell the application. */
	listenServerClosed(): void {
		if (this.closed) {
			return;
		}
		this.close();
		this.notify('listenserverclose');
	}

	protected closeSockets(): void {
		// close_notify goes out before the sockets close (mediasoup does the same). dgram sends
		// complete on a later tick (address lookup), so the sockets close after it.
		const sentCloseNotify = this.#dtlsState === 'connecting' || this.#dtlsState === 'connected';

		this.#dtls?.close();
		this.#dtlsState = 'closed';
		this.#srtpSend = undefined;
		this.#srtpRecv = undefined;
		if (this.#iceTimer) {
			clearTimeout(this.#iceTimer);
			this.#iceTimer = undefined;
		}
		this.#ice.close();
		this.#selected = undefined;
		if (sentCloseNotify && this.#bound.length > 0) {
			for (const item of this.#bound) {
				// Nothing more is received meanwhile.
				if (item.socket) {
					item.socket.onPacket = undefined;
				} else {
					item.tcpServer.onPacket = undefined;
				}
			}
			setImmediate(() => closeBound(this.#bound));
		} else {
			closeBound(this.#bound);
		}
		this.#server?.removeTransport(this);
	}
}
