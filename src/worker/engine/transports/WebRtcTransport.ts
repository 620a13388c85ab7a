import { WorkerLogger } from '../../logger';
import type { Router } from '../Router';
import { Transport, type BaseTransportOptions } from './Transport';
import { bindListenInfos, checkWireListenInfo, closeBound, localAddressOf, type BoundListenInfo } from './listen';
import { candidatesForSources, type IceCandidate } from './iceCandidates';
import { makeTuple, randomIceString, type Tuple, type WireListenInfo } from './common';
import type { WebRtcServer } from './WebRtcServer';

const logger = new WorkerLogger('WebRtcTransport');

/** ICE credentials length (RFC 8445 section 5.3 asks for at least 4 and 22 characters). */
const ICE_UFRAG_LENGTH = 32;
const ICE_PASSWORD_LENGTH = 32;

const FINGERPRINT_ALGORITHMS = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'];

type IceState = 'new' | 'connected' | 'completed' | 'disconnected' | 'closed';
type DtlsRole = 'auto' | 'client' | 'server';
type DtlsState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type WebRtcTransportOptions = BaseTransportOptions & {
	webRtcServerId?: string;
	listenInfos?: WireListenInfo[];
	enableUdp?: boolean;
	enableTcp?: boolean;
	preferUdp?: boolean;
	preferTcp?: boolean;
	iceConsentTimeout?: number;
};

/**
 * An ICE-lite (RFC 8445 section 2.5), DTLS-SRTP transport. Either it owns its
 * sockets (one per listen info) or it receives through a WebRtcServer.
 */
export class WebRtcTransport extends Transport {
	readonly #bound: BoundListenInfo[];
	readonly #server: WebRtcServer | undefined;
	readonly #iceCandidates: IceCandidate[];
	#usernameFragment: string;
	#password: string;
	/** The previous ufrag stays valid after restartIce() until the peer uses the new one. */
	#oldUsernameFragment: string | undefined = undefined;
	readonly #iceState: IceState = 'new';
	readonly #iceSelectedTuple: Tuple | undefined = undefined;
	#dtlsRole: DtlsRole = 'auto';
	#dtlsState: DtlsState = 'new';
	#connectCalled = false;

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
		this.#usernameFragment = randomIceString(ICE_UFRAG_LENGTH);
		this.#password = randomIceString(ICE_PASSWORD_LENGTH);

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
				if (item.socket) {
					item.socket.onPacket = (data, remoteIp, remotePort, socket) =>
						this.receivePacket(data, makeTuple(socket.localIp, socket.localPort, 'udp', remoteIp, remotePort));
				} else {
					const tcpServer = item.tcpServer;

					tcpServer.onPacket = (data, connection) =>
						this.receivePacket(
							data,
							makeTuple(tcpServer.localIp, tcpServer.localPort, 'tcp', connection.remoteIp, connection.remotePort),
						);
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
			server.addUsernameFragment(transport.#usernameFragment, transport);

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
		// remote 'auto' makes us the client since we are ICE controlled.
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

		this.#connectCalled = true;

		return { dtlsLocalRole: this.#dtlsRole };
	}

	#restartIce(): unknown {
		const usernameFragment = randomIceString(ICE_UFRAG_LENGTH);
		const password = randomIceString(ICE_PASSWORD_LENGTH);

		if (this.#server) {
			// Keep the current one (the peer may still use it) and drop the one before.
			if (this.#oldUsernameFragment !== undefined) {
				this.#server.removeUsernameFragment(this.#oldUsernameFragment, this);
			}
			this.#server.addUsernameFragment(usernameFragment, this);
		}

		this.#oldUsernameFragment = this.#usernameFragment;
		this.#usernameFragment = usernameFragment;
		this.#password = password;

		return { usernameFragment, password, iceLite: true };
	}

	// --- packets ------------------------------------------------------------

	/**
	 * A packet for this transport (from its own sockets or its WebRtcServer).
	 * ICE, DTLS and SRTP come with media forwarding; for now it is counted and
	 * dropped.
	 */
	receivePacket(data: Buffer, _tuple: Tuple): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);
	}

	// --- dump and stats -----------------------------------------------------

	dump(): unknown {
		return {
			...this.baseDump(),
			iceRole: 'controlled',
			iceParameters: { usernameFragment: this.#usernameFragment, password: this.#password, iceLite: true },
			iceCandidates: this.#iceCandidates.map((candidate) => ({ ...candidate })),
			iceState: this.#iceState,
			iceSelectedTuple: this.#iceSelectedTuple,
			dtlsParameters: {
				fingerprints: this.ctx.identity.fingerprints.map(({ algorithm, value }) => ({ algorithm, value })),
				role: this.#dtlsRole,
			},
			dtlsState: this.#dtlsState,
		};
	}

	getStats(): unknown {
		return {
			...this.baseStats(),
			type: 'webrtc-transport',
			iceRole: 'controlled',
			iceState: this.#iceState,
			iceSelectedTuple: this.#iceSelectedTuple,
			dtlsState: this.#dtlsState,
		};
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
		this.#dtlsState = 'closed';
		closeBound(this.#bound);
		this.#server?.removeTransport(this);
	}
}
