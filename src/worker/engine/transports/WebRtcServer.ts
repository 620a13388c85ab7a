import type { RequestHandler } from '../../channel';
import { WorkerLogger } from '../../logger';
import type { WorkerContext } from '../context';
import { isStunMessage, parseStunMessage } from '../../../proto/stun';
import type { UdpSocket } from '../../net/UdpSocket';
import type { TcpConnection } from '../../net/TcpServer';
import { bindListenInfos, checkWireListenInfo, closeBound, localAddressOf, type BoundListenInfo } from './listen';
import { candidatesForSources, type IceCandidate } from './iceCandidates';
import type { WireListenInfo } from './common';
import type { IceSink, WebRtcTransport } from './WebRtcTransport';
import { iceTupleKey } from '../../ice/IceServer';

const logger = new WorkerLogger('WebRtcServer');

/** mediasoup caps a WebRtcServer at 8 listen infos. */
const MAX_LISTEN_INFOS = 8;

/**
 * Shared UDP sockets and TCP servers for many WebRtcTransports. Incoming
 * packets reach their transport by the ICE username fragment of a STUN
 * request (RFC 8445 section 7.2.2: USERNAME is "<our ufrag>:<their ufrag>"),
 * then by the tuple once ICE selected it.
 */
export class WebRtcServer implements RequestHandler {
	readonly id: string;
	readonly ctx: WorkerContext;
	readonly #bound: BoundListenInfo[];
	readonly #transports = new Set<WebRtcTransport>();
	readonly #ufragTransports = new Map<string, WebRtcTransport>();
	/** Valid ICE tuples: UDP by socket, remote port, remote IP (no allocation per packet); TCP by connection. */
	readonly #udpTuples = new Map<UdpSocket, Map<number, Map<string, WebRtcTransport>>>();
	readonly #tcpTuples = new Map<TcpConnection, WebRtcTransport>();
	readonly #tupleTransports = new Map<IceSink, WebRtcTransport>();
	#closed = false;

	private constructor(id: string, ctx: WorkerContext, bound: BoundListenInfo[]) {
		this.id = id;
		this.ctx = ctx;
		this.#bound = bound;

		for (const item of bound) {
			// Tuples show the announced address as mediasoup does.
			const localAddress = item.listenInfo.announcedAddress ?? localAddressOf(item).localIp;

			if (item.socket) {
				item.socket.onPacket = (data, remoteIp, remotePort, socket) =>
					this.#onUdpPacket(data, remoteIp, remotePort, socket, localAddress);
			} else {
				item.tcpServer.onPacket = (data, connection) => this.#onTcpPacket(data, connection, localAddress);
				item.tcpServer.onConnectionClosed = (connection) => this.#tcpTuples.get(connection)?.tcpConnectionClosed(connection);
			}
		}
	}

	static async create(id: string, data: any, ctx: WorkerContext): Promise<WebRtcServer> {
		const listenInfos: unknown = data?.listenInfos;

		if (!Array.isArray(listenInfos)) {
			throw new TypeError('wrong listenInfos (not an array)');
		} else if (listenInfos.length === 0) {
			throw new TypeError('wrong listenInfos (empty array)');
		} else if (listenInfos.length > MAX_LISTEN_INFOS) {
			throw new TypeError('wrong listenInfos (too many entries)');
		}
		for (const listenInfo of listenInfos) {
			checkWireListenInfo(listenInfo);
		}

		// This may throw (and then nothing stays bound).
		const bound = await bindListenInfos(listenInfos as WireListenInfo[], ctx);
		const server = new WebRtcServer(id, ctx, bound);

		try {
			ctx.channel.register(id, server);
		} catch (error) {
			closeBound(bound);
			throw error;
		}

		logger.debug(`WebRtcServer created [id:${id}]`, 'info');

		return server;
	}

	get closed(): boolean {
		return this.#closed;
	}

	handleRequest(method: string): unknown {
		switch (method) {
			case 'webRtcServer.dump':
				return this.dump();

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	dump(): unknown {
		const udpSockets: { ip: string; port: number }[] = [];
		const tcpServers: { ip: string; port: number }[] = [];

		for (const item of this.#bound) {
			const { localIp, localPort } = localAddressOf(item);

			(item.socket ? udpSockets : tcpServers).push({ ip: localIp, port: localPort });
		}

		return {
			id: this.id,
			udpSockets,
			tcpServers,
			webRtcTransportIds: [...this.#transports].map((transport) => transport.id),
			localIceUsernameFragments: [...this.#ufragTransports].map(([ufrag, transport]) => ({
				localIceUsernameFragment: ufrag,
				webRtcTransportId: transport.id,
			})),
			tupleHashes: [...this.#tupleTransports].map(([sink, transport]) => ({
				tupleHash: hashTupleKey(iceTupleKey(sink.tuple)),
				webRtcTransportId: transport.id,
			})),
		};
	}

	/** ICE candidates a WebRtcTransport using this server advertises. */
	getIceCandidates(options: {
		enableUdp: boolean;
		enableTcp: boolean;
		preferUdp: boolean;
		preferTcp: boolean;
	}): IceCandidate[] {
		const sources = this.#bound.map((item) => ({
			protocol: item.protocol,
			...localAddressOf(item),
			announcedAddress: item.listenInfo.announcedAddress,
			exposeInternalIp: item.listenInfo.exposeInternalIp,
		}));

		return candidatesForSources(sources, options);
	}

	// --- called by WebRtcTransports -----------------------------------------

	addTransport(transport: WebRtcTransport): void {
		this.#transports.add(transport);
	}

	removeTransport(transport: WebRtcTransport): void {
		this.#transports.delete(transport);
		for (const [ufrag, owner] of [...this.#ufragTransports]) {
			if (owner === transport) {
				this.#ufragTransports.delete(ufrag);
			}
		}
		for (const [sink, owner] of [...this.#tupleTransports]) {
			if (owner === transport) {
				this.removeTuple(sink, transport);
			}
		}
	}

	addUsernameFragment(usernameFragment: string, transport: WebRtcTransport): void {
		this.#ufragTransports.set(usernameFragment, transport);
	}

	removeUsernameFragment(usernameFragment: string, transport: WebRtcTransport): void {
		if (this.#ufragTransports.get(usernameFragment) === transport) {
			this.#ufragTransports.delete(usernameFragment);
		}
	}

	/** ICE validated this tuple for the transport: its packets go there directly. */
	addTuple(sink: IceSink, transport: WebRtcTransport): void {
		this.#tupleTransports.set(sink, transport);
		if (sink.tcp) {
			this.#tcpTuples.set(sink.tcp, transport);

			return;
		}

		let byPort = this.#udpTuples.get(sink.udp!);

		if (!byPort) {
			byPort = new Map();
			this.#udpTuples.set(sink.udp!, byPort);
		}

		let byIp = byPort.get(sink.remotePort);

		if (!byIp) {
			byIp = new Map();
			byPort.set(sink.remotePort, byIp);
		}
		byIp.set(sink.remoteIp, transport);
	}

	removeTuple(sink: IceSink, transport: WebRtcTransport): void {
		if (this.#tupleTransports.get(sink) !== transport) {
			return;
		}
		this.#tupleTransports.delete(sink);
		if (sink.tcp) {
			if (this.#tcpTuples.get(sink.tcp) === transport) {
				this.#tcpTuples.delete(sink.tcp);
			}

			return;
		}

		const byPort = this.#udpTuples.get(sink.udp!);
		const byIp = byPort?.get(sink.remotePort);

		if (byIp?.get(sink.remoteIp) === transport) {
			byIp.delete(sink.remoteIp);
			if (byIp.size === 0) {
				byPort!.delete(sink.remotePort);
			}
			if (byPort!.size === 0) {
				this.#udpTuples.delete(sink.udp!);
			}
		}
	}

	// --- close --------------------------------------------------------------

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.ctx.channel.unregister(this.id);
		closeBound(this.#bound);

		// Their sockets are gone: they close and tell the application.
		for (const transport of [...this.#transports]) {
			transport.router.transports.delete(transport.id);
			transport.listenServerClosed();
		}
		this.#transports.clear();
		this.#ufragTransports.clear();
		this.#tupleTransports.clear();
		this.#udpTuples.clear();
		this.#tcpTuples.clear();

		logger.debug(`WebRtcServer closed [id:${this.id}]`, 'info');
	}

	// --- demux ---------------------------------------------------------------

	#onUdpPacket(data: Buffer, remoteIp: string, remotePort: number, socket: UdpSocket, localAddress: string): void {
		const known = this.#udpTuples.get(socket)?.get(remotePort)?.get(remoteIp);

		if (known) {
			known.receiveUdp(data, socket, localAddress, remoteIp, remotePort);

			return;
		}

		this.#byUsernameFragment(data)?.receiveUdp(data, socket, localAddress, remoteIp, remotePort);
	}

	#onTcpPacket(data: Buffer, connection: TcpConnection, localAddress: string): void {
		const known = this.#tcpTuples.get(connection);

		if (known) {
			known.receiveTcp(data, connection, localAddress);

			return;
		}

		this.#byUsernameFragment(data)?.receiveTcp(data, connection, localAddress);
	}

	/** RFC 8445 section 7.2.2: USERNAME is "<our ufrag>:<their ufrag>" (a packet from an unknown tuple). */
	#byUsernameFragment(data: Buffer): WebRtcTransport | undefined {
		if (!isStunMessage(data)) {
			logger.debug('ignoring non STUN data from unknown tuple', 'ice');

			return undefined;
		}

		const username = parseStunMessage(data)?.username;

		if (!username) {
			logger.debug('ignoring STUN message without USERNAME from unknown tuple', 'ice');

			return undefined;
		}

		const colon = username.indexOf(':');
		const transport = this.#ufragTransports.get(colon === -1 ? username : username.slice(0, colon));

		if (!transport) {
			logger.debug('ignoring STUN message with unknown local ICE username fragment', 'ice');
		}

		return transport;
	}
}

/** A stable number for a tuple (FNV-1a, 32 bits), as mediasoup shows tuple hashes. */
function hashTupleKey(key: string): number {
	let hash = 0x811c9dc5;

	for (let i = 0; i < key.length; ++i) {
		hash ^= key.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}

	return hash;
}
