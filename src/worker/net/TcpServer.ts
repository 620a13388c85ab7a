import * as net from 'node:net';
import { bindWithPortChoice, type PortChoice } from './ports';
import { frameRfc4571, Rfc4571Reader, RFC4571_MAX_PACKET_LENGTH } from './rfc4571';
import type { SocketFlags } from './UdpSocket';

export type TcpBindOptions = {
	ip: string;
	choice: PortChoice;
	flags?: SocketFlags;
};

/** Called for every RFC 4571 packet received on any connection of the server. */
export type TcpPacketListener = (data: Buffer, connection: TcpConnection) => void;

/**
 * More bytes than this waiting for the end of a packet means the peer is not
 * speaking RFC 4571: drop the connection rather than buffer without bound.
 */
const MAX_PENDING_BYTES = 2 + RFC4571_MAX_PACKET_LENGTH;

/** One accepted (passive) TCP connection carrying RFC 4571 framed packets. */
export class TcpConnection {
	readonly socket: net.Socket;
	readonly remoteIp: string;
	readonly remotePort: number;
	readonly server: TcpServer;
	readonly #reader = new Rfc4571Reader();
	#closed = false;

	constructor(socket: net.Socket, server: TcpServer) {
		this.socket = socket;
		this.server = server;
		this.remoteIp = socket.remoteAddress ?? '';
		this.remotePort = socket.remotePort ?? 0;

		socket.setNoDelay(true);
		socket.on('data', (chunk: Buffer) => {
			this.#reader.push(chunk, (packet) => server.onPacket?.(packet, this));
			if (this.#reader.pendingLength > MAX_PENDING_BYTES) {
				this.close();
			}
		});
		socket.on('error', () => this.close());
		socket.on('close', () => this.close());
	}

	get closed(): boolean {
		return this.#closed;
	}

	send(packet: Uint8Array): void {
		if (this.#closed || packet.length > RFC4571_MAX_PACKET_LENGTH) {
			return;
		}
		this.socket.write(frameRfc4571(packet));
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.socket.destroy();
		this.server.connectionClosed(this);
	}
}

/** A passive TCP server of the worker (ICE-TCP passive candidates, RFC 6544). */
export class TcpServer {
	readonly server: net.Server;
	readonly localIp: string;
	readonly localPort: number;
	readonly connections = new Set<TcpConnection>();
	onPacket: TcpPacketListener | undefined = undefined;
	onConnectionClosed: ((connection: TcpConnection) => void) | undefined = undefined;
	#closed = false;

	/** @private Use TcpServer.bind(). */
	constructor(server: net.Server) {
		const address = server.address() as net.AddressInfo;

		this.server = server;
		this.localIp = address.address;
		this.localPort = address.port;

		server.on('connection', (socket) => {
			if (this.#closed) {
				socket.destroy();

				return;
			}
			this.connections.add(new TcpConnection(socket, this));
		});
		server.on('error', () => {});
	}

	static async bind({ ip, choice, flags }: TcpBindOptions): Promise<TcpServer> {
		const family = net.isIP(ip);

		if (family === 0) {
			throw new TypeError(`invalid IP '${ip}'`);
		}

		const server = await bindWithPortChoice(choice, `protocol:tcp, ip:'${ip}'`, (port) =>
			listenOne(ip, family, port, flags),
		);

		return new TcpServer(server);
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** @private */
	connectionClosed(connection: TcpConnection): void {
		if (this.connections.delete(connection)) {
			this.onConnectionClosed?.(connection);
		}
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.onPacket = undefined;
		this.server.close();
		for (const connection of [...this.connections]) {
			connection.close();
		}
		this.connections.clear();
	}
}

function listenOne(ip: string, family: number, port: number, flags: SocketFlags | undefined): Promise<net.Server> {
	return new Promise((resolve, reject) => {
		const server = net.createServer({ noDelay: true });

		const onError = (error: Error): void => {
			server.removeListener('listening', onListening);
			server.close();
			reject(error);
		};
		const onListening = (): void => {
			server.removeListener('error', onError);
			resolve(server);
		};

		server.once('error', onError);
		server.once('listening', onListening);
		server.listen({
			port,
			host: ip,
			exclusive: true,
			ipv6Only: family === 6 && Boolean(flags?.ipv6Only),
		});
	});
}
