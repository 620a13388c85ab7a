import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { bindWithPortChoice, type PortChoice } from './ports';

export type SocketFlags = { ipv6Only?: boolean; udpReusePort?: boolean };

export type UdpBindOptions = {
	ip: string;
	choice: PortChoice;
	flags?: SocketFlags;
	sendBufferSize?: number;
	recvBufferSize?: number;
};

/** Called for every datagram; `data` is only valid during the call. */
export type UdpPacketListener = (data: Buffer, remoteIp: string, remotePort: number, socket: UdpSocket) => void;

/** A bound UDP socket of the worker. */
export class UdpSocket {
	readonly socket: dgram.Socket;
	readonly localIp: string;
	readonly localPort: number;
	onPacket: UdpPacketListener | undefined = undefined;
	#closed = false;

	/** @private Use UdpSocket.bind(). */
	constructor(socket: dgram.Socket) {
		const address = socket.address();

		this.socket = socket;
		this.localIp = address.address;
		this.localPort = address.port;

		socket.on('message', (data, rinfo) => {
			this.onPacket?.(data, rinfo.address, rinfo.port, this);
		});
		// A send error (e.g. ICMP unreachable reported on a later call) must not kill the worker.
		socket.on('error', () => {});
	}

	/** Binds on `ip` at the chosen port (or the first free one of the range). */
	static async bind({ ip, choice, flags, sendBufferSize, recvBufferSize }: UdpBindOptions): Promise<UdpSocket> {
		const family = net.isIP(ip);

		if (family === 0) {
			throw new TypeError(`invalid IP '${ip}'`);
		}

		const socket = await bindWithPortChoice(choice, `protocol:udp, ip:'${ip}'`, (port) =>
			bindOne(ip, family, port, flags),
		);

		try {
			if (sendBufferSize) {
				socket.setSendBufferSize(sendBufferSize);
			}
			if (recvBufferSize) {
				socket.setRecvBufferSize(recvBufferSize);
			}
		} catch (error) {
			socket.close();
			throw new Error(`cannot set UDP socket buffer sizes: ${(error as Error).message}`);
		}

		return new UdpSocket(socket);
	}

	get closed(): boolean {
		return this.#closed;
	}

	send(data: Uint8Array, remotePort: number, remoteIp: string): void {
		if (this.#closed) {
			return;
		}
		this.socket.send(data, remotePort, remoteIp);
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.onPacket = undefined;
		try {
			this.socket.close();
		} catch {
			// already closed
		}
	}
}

function bindOne(ip: string, family: number, port: number, flags: SocketFlags | undefined): Promise<dgram.Socket> {
	return new Promise((resolve, reject) => {
		const socket = dgram.createSocket({
			type: family === 6 ? 'udp6' : 'udp4',
			// Node 20 has no SO_REUSEPORT for UDP; SO_REUSEADDR gives the same
			// sharing of one IP:port between sockets on Linux.
			reuseAddr: Boolean(flags?.udpReusePort),
			ipv6Only: family === 6 && Boolean(flags?.ipv6Only),
		});

		const onError = (error: Error): void => {
			socket.removeListener('listening', onListening);
			try {
				socket.close();
			} catch {
				// never bound
			}
			reject(error);
		};
		const onListening = (): void => {
			socket.removeListener('error', onError);
			resolve(socket);
		};

		socket.once('error', onError);
		socket.once('listening', onListening);
		socket.bind({ port, address: ip, exclusive: true });
	});
}
