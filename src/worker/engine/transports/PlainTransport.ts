import * as net from 'node:net';
import { WorkerLogger } from '../../logger';
import type { Router } from '../Router';
import { Transport, type BaseTransportOptions } from './Transport';
import { bindListenInfo, checkWireListenInfo, closeBound, type BoundListenInfo } from './listen';
import {
	decodeSrtpKey,
	generateSrtpKey,
	isSrtpCryptoSuite,
	looksLikeRtpOrRtcp,
	makeTuple,
	type SrtpCryptoSuite,
	type Tuple,
	type WireListenInfo,
} from './common';
import type { UdpSocket } from '../../net/UdpSocket';

const logger = new WorkerLogger('PlainTransport');

export type PlainTransportOptions = BaseTransportOptions & {
	listenInfo: WireListenInfo;
	rtcpListenInfo?: WireListenInfo;
	rtcpMux?: boolean;
	comedia?: boolean;
	enableSrtp?: boolean;
	srtpCryptoSuite?: SrtpCryptoSuite;
};

/** Plain RTP/RTCP (optionally SRTP) over UDP, e.g. for ffmpeg or GStreamer. */
export class PlainTransport extends Transport {
	readonly #rtp: BoundListenInfo & { socket: UdpSocket };
	readonly #rtcp: (BoundListenInfo & { socket: UdpSocket }) | undefined;
	readonly #rtcpMux: boolean;
	readonly #comedia: boolean;
	#srtp: { cryptoSuite: SrtpCryptoSuite; keyBase64: string; remoteKey?: Buffer } | undefined;
	#tuple: Tuple | undefined = undefined;
	#rtcpTuple: Tuple | undefined = undefined;
	#connectCalled = false;

	private constructor(
		id: string,
		options: PlainTransportOptions,
		router: Router,
		rtp: BoundListenInfo & { socket: UdpSocket },
		rtcp: (BoundListenInfo & { socket: UdpSocket }) | undefined,
	) {
		super(id, { ...options, direct: false }, router);

		this.#rtp = rtp;
		this.#rtcp = rtcp;
		this.#rtcpMux = Boolean(options.rtcpMux);
		this.#comedia = Boolean(options.comedia);

		if (options.enableSrtp) {
			const cryptoSuite = options.srtpCryptoSuite!;

			this.#srtp = { cryptoSuite, keyBase64: generateSrtpKey(cryptoSuite).keyBase64 };
		}

		rtp.socket.onPacket = (data, remoteIp, remotePort) => this.#onRtpSocketPacket(data, remoteIp, remotePort);
		if (rtcp) {
			rtcp.socket.onPacket = (data, remoteIp, remotePort) => this.#onRtcpSocketPacket(data, remoteIp, remotePort);
		}
	}

	static async create(id: string, data: any, router: Router): Promise<PlainTransport> {
		const options = (data ?? {}) as PlainTransportOptions;

		checkWireListenInfo(options.listenInfo);
		if (options.listenInfo.protocol !== 'udp') {
			throw new TypeError('unsupported listen protocol');
		}
		if (options.rtcpListenInfo !== undefined) {
			checkWireListenInfo(options.rtcpListenInfo, 'rtcpListenInfo');
			if (options.rtcpListenInfo.protocol !== 'udp') {
				throw new TypeError('unsupported RTCP listen protocol');
			}
		}
		if (options.enableSrtp && !isSrtpCryptoSuite(options.srtpCryptoSuite)) {
			throw new TypeError('missing or invalid srtpCryptoSuite');
		}

		const rtp = (await bindListenInfo(options.listenInfo, router.ctx)) as BoundListenInfo & { socket: UdpSocket };
		let rtcp: (BoundListenInfo & { socket: UdpSocket }) | undefined;

		try {
			if (!options.rtcpMux) {
				// Without its own listen info RTCP goes next to RTP on any free port
				// (the same fixed port as RTP could never be bound twice).
				const rtcpListenInfo = options.rtcpListenInfo ?? { ...options.listenInfo, port: 0 };

				rtcp = (await bindListenInfo(rtcpListenInfo, router.ctx)) as BoundListenInfo & { socket: UdpSocket };
			}

			const transport = new PlainTransport(id, options, router, rtp, rtcp);

			transport.register();
			logger.debug(`PlainTransport created [id:${id}]`, 'info');

			return transport;
		} catch (error) {
			closeBound(rtcp ? [rtp, rtcp] : [rtp]);
			throw error;
		}
	}

	protected override handleTransportRequest(method: string, data: any): unknown {
		if (method === 'plainTransport.connect') {
			return this.#connect(data ?? {});
		}

		return super.handleTransportRequest(method, data);
	}

	#connect({ ip, port, rtcpPort, srtpParameters }: any): unknown {
		if (this.#connectCalled) {
			throw new Error('connect() already called');
		}

		let srtp = this.#srtp;

		if (!srtp && srtpParameters !== undefined && srtpParameters !== null) {
			throw new TypeError('invalid srtpParameters (SRTP not enabled)');
		} else if (srtp) {
			if (typeof srtpParameters !== 'object' || srtpParameters === null) {
				throw new TypeError('missing srtpParameters (SRTP enabled)');
			}
			if (!isSrtpCryptoSuite(srtpParameters.cryptoSuite)) {
				throw new TypeError('invalid/unsupported srtpParameters.cryptoSuite');
			}

			const cryptoSuite: SrtpCryptoSuite = srtpParameters.cryptoSuite;
			const remoteKey = decodeSrtpKey(cryptoSuite, srtpParameters.keyBase64);

			// The remote chose another suite: our key must have that suite's length.
			srtp =
				cryptoSuite === srtp.cryptoSuite
					? { ...srtp, remoteKey }
					: { cryptoSuite, keyBase64: generateSrtpKey(cryptoSuite).keyBase64, remoteKey };
		}

		let tuple: Tuple | undefined;
		let rtcpTuple: Tuple | undefined;

		if (!this.#comedia) {
			if (typeof ip !== 'string' || net.isIP(ip) === 0) {
				throw new TypeError('missing or invalid ip');
			}
			if (!isPort(port)) {
				throw new TypeError('missing or invalid port');
			}
			if (rtcpPort !== undefined && rtcpPort !== null) {
				if (this.#rtcpMux) {
					throw new TypeError('cannot set rtcpPort with rtcpMux enabled');
				}
				if (!isPort(rtcpPort)) {
					throw new TypeError('invalid rtcpPort');
				}
			} else if (!this.#rtcpMux) {
				throw new TypeError('missing rtcpPort (required with rtcpMux disabled)');
			}

			tuple = makeTuple(this.#localAddress(this.#rtp), this.#rtp.socket.localPort, 'udp', ip, port);
			if (!this.#rtcpMux) {
				rtcpTuple = makeTuple(this.#localAddress(this.#rtcp!), this.#rtcp!.socket.localPort, 'udp', ip, rtcpPort);
			}
		}

		this.#connectCalled = true;
		this.#srtp = srtp;
		if (tuple) {
			this.#tuple = tuple;
		}
		if (rtcpTuple) {
			this.#rtcpTuple = rtcpTuple;
		}

		return {
			tuple: this.#tuple,
			rtcpTuple: this.#rtcpMux ? undefined : this.#rtcpTuple,
			srtpParameters: this.#srtpParameters(),
		};
	}

	#localAddress(item: BoundListenInfo & { socket: UdpSocket }): string {
		return item.listenInfo.announcedAddress ?? item.socket.localIp;
	}

	#srtpParameters(): { cryptoSuite: SrtpCryptoSuite; keyBase64: string } | undefined {
		return this.#srtp ? { cryptoSuite: this.#srtp.cryptoSuite, keyBase64: this.#srtp.keyBase64 } : undefined;
	}

	/** The tuple as the application sees it: local only until connected (or comedia latched). */
	#currentTuple(): Tuple {
		return this.#tuple ?? makeTuple(this.#localAddress(this.#rtp), this.#rtp.socket.localPort, 'udp');
	}

	// --- packets ------------------------------------------------------------

	#onRtpSocketPacket(data: Buffer, remoteIp: string, remotePort: number): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);

		// comedia: the first RTP/RTCP packet tells where the remote is. With SRTP
		// that must wait until packets can be authenticated.
		if (this.#comedia && !this.#tuple && !this.#srtp && looksLikeRtpOrRtcp(data)) {
			this.#tuple = makeTuple(this.#localAddress(this.#rtp), this.#rtp.socket.localPort, 'udp', remoteIp, remotePort);
			this.notify('tuple', { tuple: this.#tuple });
		}
	}

	#onRtcpSocketPacket(data: Buffer, remoteIp: string, remotePort: number): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);

		if (this.#comedia && !this.#rtcpTuple && !this.#srtp && looksLikeRtpOrRtcp(data)) {
			this.#rtcpTuple = makeTuple(
				this.#localAddress(this.#rtcp!),
				this.#rtcp!.socket.localPort,
				'udp',
				remoteIp,
				remotePort,
			);
			this.notify('rtcptuple', { tuple: this.#rtcpTuple });
		}
	}

	// --- dump and stats -----------------------------------------------------

	dump(): unknown {
		return {
			...this.baseDump(),
			rtcpMux: this.#rtcpMux,
			comedia: this.#comedia,
			tuple: this.#currentTuple(),
			rtcpTuple: this.#rtcpMux
				? undefined
				: (this.#rtcpTuple ?? makeTuple(this.#localAddress(this.#rtcp!), this.#rtcp!.socket.localPort, 'udp')),
			srtpParameters: this.#srtpParameters(),
		};
	}

	getStats(): unknown {
		return {
			...this.baseStats(),
			type: 'plain-rtp-transport',
			rtcpMux: this.#rtcpMux,
			comedia: this.#comedia,
			tuple: this.#currentTuple(),
			rtcpTuple: this.#rtcpMux ? undefined : this.#rtcpTuple,
		};
	}

	protected closeSockets(): void {
		closeBound(this.#rtcp ? [this.#rtp, this.#rtcp] : [this.#rtp]);
	}
}

function isPort(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}
