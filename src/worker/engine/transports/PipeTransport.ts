import * as net from 'node:net';
import { WorkerLogger } from '../../logger';
import type { Router } from '../Router';
import { Transport, type BaseTransportOptions } from './Transport';
import { bindListenInfo, checkWireListenInfo, closeBound, type BoundListenInfo } from './listen';
import {
	decodeSrtpKey,
	generateSrtpKey,
	looksLikeRtpOrRtcp,
	makeTuple,
	sendRtpOnSocket,
	rtpScratch,
	type Tuple,
	type WireListenInfo,
} from './common';
import type { UdpSocket } from '../../net/UdpSocket';
import { SrtpSession } from '../../../proto/srtp/SrtpSession';

const logger = new WorkerLogger('PipeTransport');

/** Pipe transports always use this suite when SRTP is enabled. */
const PIPE_SRTP_CRYPTO_SUITE = 'AEAD_AES_256_GCM';

export type PipeTransportOptions = BaseTransportOptions & {
	listenInfo: WireListenInfo;
	enableRtx?: boolean;
	enableSrtp?: boolean;
};

/** Router to router (same or other worker/host) over UDP. */
export class PipeTransport extends Transport {
	readonly #bound: BoundListenInfo & { socket: UdpSocket };
	readonly #rtx: boolean;
	readonly #srtp: { keyBase64: string; remoteKey?: Buffer } | undefined;
	#tuple: Tuple | undefined = undefined;
	#srtpSend: SrtpSession | undefined = undefined;
	#srtpRecv: SrtpSession | undefined = undefined;
	srtpUnprotectFailures = 0;
	srtpProtectFailures = 0;
	packetsFromUnknownTuple = 0;

	private constructor(
		id: string,
		options: PipeTransportOptions,
		router: Router,
		bound: BoundListenInfo & { socket: UdpSocket },
	) {
		super(id, { ...options, direct: false }, router);

		this.#bound = bound;
		this.#rtx = Boolean(options.enableRtx);
		this.#srtp = options.enableSrtp ? { keyBase64: generateSrtpKey(PIPE_SRTP_CRYPTO_SUITE).keyBase64 } : undefined;

		bound.socket.onPacket = (data, remoteIp, remotePort) => this.#onPacket(data, remoteIp, remotePort);
	}

	static async create(id: string, data: any, router: Router): Promise<PipeTransport> {
		const options = (data ?? {}) as PipeTransportOptions;

		checkWireListenInfo(options.listenInfo);
		if (options.listenInfo.protocol !== 'udp') {
			throw new TypeError('unsupported listen protocol');
		}

		const bound = (await bindListenInfo(options.listenInfo, router.ctx)) as BoundListenInfo & { socket: UdpSocket };

		try {
			const transport = new PipeTransport(id, options, router, bound);

			transport.register();
			logger.debug(`PipeTransport created [id:${id}]`, 'info');

			return transport;
		} catch (error) {
			closeBound([bound]);
			throw error;
		}
	}

	protected override handleTransportRequest(method: string, data: any): unknown {
		if (method === 'pipeTransport.connect') {
			return this.#connect(data ?? {});
		}

		return super.handleTransportRequest(method, data);
	}

	#connect({ ip, port, srtpParameters }: any): unknown {
		if (this.#tuple) {
			throw new Error('connect() already called');
		}

		let remoteKey: Buffer | undefined;

		if (!this.#srtp && srtpParameters !== undefined && srtpParameters !== null) {
			throw new TypeError('invalid srtpParameters (SRTP not enabled)');
		} else if (this.#srtp) {
			if (typeof srtpParameters !== 'object' || srtpParameters === null) {
				throw new TypeError('missing srtpParameters (SRTP enabled)');
			}
			if (srtpParameters.cryptoSuite !== PIPE_SRTP_CRYPTO_SUITE) {
				throw new TypeError('invalid/unsupported srtpParameters.cryptoSuite');
			}
			remoteKey = decodeSrtpKey(PIPE_SRTP_CRYPTO_SUITE, srtpParameters.keyBase64);
		}

		if (typeof ip !== 'string' || net.isIP(ip) === 0) {
			throw new TypeError('missing or invalid ip');
		}
		if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
			throw new TypeError('missing or invalid port');
		}

		if (this.#srtp) {
			this.#srtp.remoteKey = remoteKey;
			this.#srtpSend = new SrtpSession(PIPE_SRTP_CRYPTO_SUITE, this.#srtp.keyBase64);
			this.#srtpRecv = new SrtpSession(PIPE_SRTP_CRYPTO_SUITE, remoteKey!);
		}
		this.#tuple = makeTuple(this.#localAddress(), this.#bound.socket.localPort, 'udp', ip, port);
		this.#bound.socket.connectTo(ip, port);
		this.onConnected();

		return { tuple: this.#tuple };
	}

	#localAddress(): string {
		return this.#bound.listenInfo.announcedAddress ?? this.#bound.socket.localIp;
	}

	#currentTuple(): Tuple {
		return this.#tuple ?? makeTuple(this.#localAddress(), this.#bound.socket.localPort, 'udp');
	}

	dump(): unknown {
		return {
			...this.baseDump(),
			tuple: this.#currentTuple(),
			rtx: this.#rtx,
			srtpParameters: this.#srtp
				? { cryptoSuite: PIPE_SRTP_CRYPTO_SUITE, keyBase64: this.#srtp.keyBase64 }
				: undefined,
		};
	}

	getStats(): unknown {
		return {
			...this.baseStats(),
			type: 'pipe-transport',
			tuple: this.#currentTuple(),
			// Ours, beyond mediasoup's fields: what was dropped and why.
			srtpUnprotectFailures: this.srtpUnprotectFailures,
			srtpProtectFailures: this.srtpProtectFailures,
			packetsFromUnknownTuple: this.packetsFromUnknownTuple,
			rtpPacketsDropped: this.rtpPacketsDropped,
			rtcpPacketsDropped: this.rtcpPacketsDropped,
		};
	}

	override get connected(): boolean {
		return this.#tuple !== undefined;
	}

	#onPacket(data: Buffer, remoteIp: string, remotePort: number): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);

		const tuple = this.#tuple;

		// Only the connected remote is listened to.
		if (tuple === undefined || tuple.remotePort !== remotePort || tuple.remoteIp !== remoteIp) {
			this.packetsFromUnknownTuple++;

			return;
		}
		if (!looksLikeRtpOrRtcp(data)) {
			// Not RTP/RTCP: SCTP over UDP when enabled (as mediasoup).
			if (this.sctpState !== undefined && data.length >= 12) {
				this.receiveSctpData(data);
			}

			return;
		}

		// RFC 5761 section 4: RTCP packet types 192-223 in the second byte.
		const isRtcp = data[1]! >= 192 && data[1]! <= 223;
		let packet: Buffer | undefined = data;

		if (this.#srtpRecv !== undefined) {
			packet = isRtcp ? this.#srtpRecv.unprotectRtcp(data) : this.#srtpRecv.unprotectRtp(data);
			if (packet === undefined) {
				this.srtpUnprotectFailures++;

				return;
			}
		}
		if (isRtcp) {
			this.receiveRtcpData(packet);
		} else {
			this.receiveRtpData(packet, packet.length);
		}
	}

	/** The worker's reused scratch when nothing still holds it (SRTP copies; a connected socket with no send queued copied). */
	override allocRtpBuffer(length: number): Buffer {
		if (this.#srtpSend === undefined && !this.#bound.socket.sendBuffersFree) {
			return Buffer.allocUnsafe(length);
		}

		return rtpScratch.view(length);
	}

	protected override sendRtpData(data: Buffer, length: number, now: number): void {
		const tuple = this.#tuple;

		if (tuple === undefined) {
			return;
		}

		const sent = sendRtpOnSocket(this.#bound.socket, this.#srtpSend, data.length === length ? data : data.subarray(0, length), tuple.remotePort!, tuple.remoteIp!);

		if (sent === undefined) {
			this.srtpProtectFailures++;

			return;
		}
		this.dataSent(sent.length, now);
	}

	protected override sendSctpData(packet: Buffer): void {
		const tuple = this.#tuple;

		if (tuple === undefined) {
			return;
		}
		this.#bound.socket.send(packet, tuple.remotePort!, tuple.remoteIp!);
		this.dataSent(packet.length);
	}

	protected override sendRtcpData(data: Buffer): void {
		const tuple = this.#tuple;

		if (tuple === undefined) {
			return;
		}

		let out: Buffer | undefined = data;

		if (this.#srtpSend !== undefined) {
			out = this.#srtpSend.protectRtcp(data);
			if (out === undefined) {
				this.srtpProtectFailures++;

				return;
			}
		}
		this.#bound.socket.send(out, tuple.remotePort!, tuple.remoteIp!);
		this.dataSent(out.length);
	}

	protected closeSockets(): void {
		closeBound([this.#bound]);
	}
}
