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
	sendRtpOnSocket,
	rtpScratch,
	type SrtpCryptoSuite,
	type Tuple,
	type WireListenInfo,
} from './common';
import type { UdpSocket } from '../../net/UdpSocket';
import { SrtpSession } from '../../../proto/srtp/SrtpSession';

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
	// SRTP: we protect with our key, and unprotect with the remote's (given in connect()).
	#srtpSend: SrtpSession | undefined = undefined;
	#srtpRecv: SrtpSession | undefined = undefined;
	/** Packets dropped: SRTP unprotect failures, before connect(), from an unknown tuple. */
	srtpUnprotectFailures = 0;
	srtpProtectFailures = 0;
	packetsFromUnknownTuple = 0;

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
		if (srtp) {
			this.#srtpSend = new SrtpSession(srtp.cryptoSuite, srtp.keyBase64);
			this.#srtpRecv = new SrtpSession(srtp.cryptoSuite, srtp.remoteKey!);
		}
		if (tuple) {
			this.#tuple = tuple;
			this.#rtp.socket.connectTo(tuple.remoteIp!, tuple.remotePort!);
		}
		if (rtcpTuple) {
			this.#rtcpTuple = rtcpTuple;
			this.#rtcp!.socket.connectTo(rtcpTuple.remoteIp!, rtcpTuple.remotePort!);
		}
		if (this.connected) {
			this.onConnected();
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
		if (!looksLikeRtpOrRtcp(data)) {
			// Not RTP/RTCP: SCTP over UDP when enabled (as mediasoup's PlainTransport); same tuple rules.
			if (this.sctpState !== undefined && data.length >= 12 && this.#checkTuple(remoteIp, remotePort, false)) {
				this.receiveSctpData(data);
			}

			return;
		}

		// RFC 5761 section 4: RTCP packet types 192-223 in the second byte.
		const isRtcp = data[1]! >= 192 && data[1]! <= 223;

		if (isRtcp) {
			if (!this.#rtcpMux) {
				// RTCP belongs on its own port; mediasoup drops it here too.
				return;
			}

			const packet = this.#unprotectRtcp(data);

			if (packet === undefined || !this.#checkTuple(remoteIp, remotePort, false)) {
				return;
			}
			this.receiveRtcpData(packet);

			return;
		}

		const packet = this.#unprotectRtp(data);

		if (packet === undefined || !this.#checkTuple(remoteIp, remotePort, false)) {
			return;
		}
		this.receiveRtpData(packet, packet.length);
	}

	#onRtcpSocketPacket(data: Buffer, remoteIp: string, remotePort: number): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);
		if (!looksLikeRtpOrRtcp(data) || !(data[1]! >= 192 && data[1]! <= 223)) {
			return;
		}

		const packet = this.#unprotectRtcp(data);

		if (packet === undefined || !this.#checkTuple(remoteIp, remotePort, true)) {
			return;
		}
		this.receiveRtcpData(packet);
	}

	/**
	 * Whether a packet (already authenticated when SRTP is on) comes from the
	 * remote: with comedia the first one tells where the remote is ('tuple' /
	 * 'rtcptuple' events); otherwise only the connected tuple is accepted.
	 */
	#checkTuple(remoteIp: string, remotePort: number, rtcpSocket: boolean): boolean {
		if (rtcpSocket) {
			const tuple = this.#rtcpTuple;

			if (tuple === undefined) {
				if (!this.#comedia) {
					this.packetsFromUnknownTuple++;

					return false;
				}
				this.#rtcpTuple = makeTuple(
					this.#localAddress(this.#rtcp!),
					this.#rtcp!.socket.localPort,
					'udp',
					remoteIp,
					remotePort,
				);
				this.#rtcp!.socket.connectTo(remoteIp, remotePort);
				this.notify('rtcptuple', { tuple: this.#rtcpTuple });

				return true;
			}
			if (tuple.remotePort !== remotePort || tuple.remoteIp !== remoteIp) {
				this.packetsFromUnknownTuple++;

				return false;
			}

			return true;
		}

		const tuple = this.#tuple;

		if (tuple === undefined) {
			if (!this.#comedia) {
				this.packetsFromUnknownTuple++;

				return false;
			}
			this.#tuple = makeTuple(this.#localAddress(this.#rtp), this.#rtp.socket.localPort, 'udp', remoteIp, remotePort);
			this.#rtp.socket.connectTo(remoteIp, remotePort);
			this.notify('tuple', { tuple: this.#tuple });
			if (this.connected) {
				this.onConnected();
			}

			return true;
		}
		if (tuple.remotePort !== remotePort || tuple.remoteIp !== remoteIp) {
			this.packetsFromUnknownTuple++;

			return false;
		}

		return true;
	}

	#unprotectRtp(data: Buffer): Buffer | undefined {
		if (this.#srtp === undefined) {
			return data;
		}

		const recv = this.#srtpRecv;

		// SRTP enabled but connect() not called yet: no key to check with.
		if (recv === undefined) {
			this.srtpUnprotectFailures++;

			return undefined;
		}

		const packet = recv.unprotectRtp(data);

		if (packet === undefined) {
			this.srtpUnprotectFailures++;
		}

		return packet;
	}

	#unprotectRtcp(data: Buffer): Buffer | undefined {
		if (this.#srtp === undefined) {
			return data;
		}

		const recv = this.#srtpRecv;

		if (recv === undefined) {
			this.srtpUnprotectFailures++;

			return undefined;
		}

		const packet = recv.unprotectRtcp(data);

		if (packet === undefined) {
			this.srtpUnprotectFailures++;
		}

		return packet;
	}

	/**
	 * The worker's reused scratch when nothing can still hold the last one: with SRTP protect
	 * copies the packet; without, the connected socket copied every earlier send to the kernel
	 * synchronously (no libuv send queued). Otherwise a fresh buffer (the socket may still hold the last).
	 */
	override allocRtpBuffer(length: number): Buffer {
		if (this.#srtpSend === undefined && !this.#rtp.socket.sendBuffersFree) {
			return Buffer.allocUnsafe(length);
		}

		return rtpScratch.view(length);
	}

	protected override sendRtpData(data: Buffer, length: number, now: number): void {
		const tuple = this.#tuple;

		if (tuple === undefined || tuple.remoteIp === undefined) {
			return;
		}

		const sent = sendRtpOnSocket(this.#rtp.socket, this.#srtpSend, data.length === length ? data : data.subarray(0, length), tuple.remotePort!, tuple.remoteIp);

		if (sent === undefined) {
			this.srtpProtectFailures++;

			return;
		}
		this.dataSent(sent.length, now);
	}

	protected override sendSctpData(packet: Buffer): void {
		const tuple = this.#tuple;

		if (tuple === undefined || tuple.remoteIp === undefined) {
			return;
		}
		this.#rtp.socket.send(packet, tuple.remotePort!, tuple.remoteIp);
		this.dataSent(packet.length);
	}

	protected override sendRtcpData(data: Buffer): void {
		const tuple = this.#rtcpMux ? this.#tuple : this.#rtcpTuple;
		const socket = this.#rtcpMux ? this.#rtp.socket : this.#rtcp!.socket;

		if (tuple === undefined || tuple.remoteIp === undefined) {
			return;
		}

		let out: Buffer | undefined = data;

		if (this.#srtp !== undefined) {
			out = this.#srtpSend?.protectRtcp(data);
			if (out === undefined) {
				this.srtpProtectFailures++;

				return;
			}
		}
		socket.send(out, tuple.remotePort!, tuple.remoteIp);
		this.dataSent(out.length);
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
			// Ours, beyond mediasoup's fields: what was dropped and why.
			srtpUnprotectFailures: this.srtpUnprotectFailures,
			srtpProtectFailures: this.srtpProtectFailures,
			packetsFromUnknownTuple: this.packetsFromUnknownTuple,
			rtpPacketsDropped: this.rtpPacketsDropped,
			rtcpPacketsDropped: this.rtcpPacketsDropped,
		};
	}

	/** Media goes out once the remote is known (and, with SRTP, connect() gave its key). */
	override get connected(): boolean {
		return this.#tuple !== undefined && (this.#srtp === undefined || this.#srtpSend !== undefined);
	}

	protected closeSockets(): void {
		closeBound(this.#rtcp ? [this.#rtp, this.#rtcp] : [this.#rtp]);
	}
}

function isPort(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}
