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

/**
 * Node's UDP handle under a dgram.Socket (udp_wrap's UDP object) and its send request class.
 * dgram.Socket#send spends about 1 µs of JavaScript per datagram (argument shuffling, buffer
 * list building, an async-id scope, a new SendWrap) before the handle's send, which first tries
 * uv_udp_try_send and returns `bytes + 1` when the datagram went to the kernel synchronously.
 * The worker sends one datagram per forwarded packet, so it calls the handle directly: a
 * numeric address (we only ever send to addresses we received from) needs none of dgram's
 * lookup, and a synchronous send leaves the buffer free at once. Where Node lacks the binding,
 * dgram's own send is used.
 */
type RawUdpHandle = {
	send(req: object, list: Uint8Array[], count: number, ...rest: unknown[]): number;
	getSendQueueCount(): number;
};
type RawSendRequest = { list?: Uint8Array[] };

const udpBinding: { SendWrap: new () => RawSendRequest } | undefined = (() => {
	try {
		const binding = (process as unknown as { binding(name: string): any }).binding('udp_wrap');

		return typeof binding?.SendWrap === 'function' ? binding : undefined;
	} catch {
		return undefined;
	}
})();

/** The UDP handle under a bound dgram.Socket (its internal state's `handle`), if reachable. */
function handleOf(socket: dgram.Socket): (RawUdpHandle & { onmessage?: unknown }) | undefined {
	const state = Object.getOwnPropertySymbols(socket).find((sym) => sym.description === 'state symbol');

	return state === undefined ? undefined : (socket as any)[state]?.handle;
}

function rawHandleOf(socket: dgram.Socket): RawUdpHandle | undefined {
	if (udpBinding === undefined) {
		return undefined;
	}

	const handle = handleOf(socket);

	return typeof handle?.send === 'function' && typeof handle.getSendQueueCount === 'function' ? handle : undefined;
}

/** Called for every datagram; `data` is only valid during the call. */
export type UdpPacketListener = (data: Buffer, remoteIp: string, remotePort: number, socket: UdpSocket) => void;

/** A bound UDP socket of the worker. */
export class UdpSocket {
	readonly socket: dgram.Socket;
	readonly localIp: string;
	readonly localPort: number;
	onPacket: UdpPacketListener | undefined = undefined;
	#closed = false;
	/**
	 * The one remote this socket talks to, once connectTo() was called (sockets of a
	 * PlainTransport/PipeTransport: dedicated to one remote). `#connected` turns true when the
	 * kernel has it: from then on send() goes without an address, which spares Node's per-packet
	 * lookup of the address (a process.nextTick deferral even for a numeric IP) and the kernel's
	 * per-datagram route lookup, and lets the datagram be copied out synchronously.
	 */
	#remoteIp: string | undefined = undefined;
	#remotePort = 0;
	#connected = false;
	/** The raw handle (undefined: dgram's send), one reusable request and one-entry list. */
	#raw: RawUdpHandle | undefined;
	#req: RawSendRequest | undefined;
	readonly #list: Uint8Array[] = [Buffer.alloc(0)];
	/**
	 * False while every send so far went to the kernel synchronously (or libuv's queue was seen
	 * empty since): sendBuffersFree then needs no native call per packet.
	 */
	#mayQueue = false;
	/** Sends the kernel refused (e.g. ICMP unreachable reported on a connected socket). */
	sendErrors = 0;
	/** Receive errors the handle reported (e.g. ICMP port unreachable on a connected socket). */
	recvErrors = 0;

	/** @private Use UdpSocket.bind(). */
	constructor(socket: dgram.Socket) {
		const address = socket.address();

		this.socket = socket;
		this.#raw = rawHandleOf(socket);
		this.#req = this.#raw === undefined ? undefined : new udpBinding!.SendWrap();
		this.localIp = address.address;
		this.localPort = address.port;

		const handle = handleOf(socket);

		if (handle !== undefined && typeof handle.onmessage === 'function') {
			// Straight from the handle: dgram's own onmessage adds a property to the address
			// object (a hidden-class transition per datagram) and emits an event, for every packet.
			handle.onmessage = (nread: number, _handle: unknown, data: Buffer, rinfo: { address: string; port: number }): void => {
				if (nread < 0) {
					this.recvErrors++;

					return;
				}
				this.onPacket?.(data, rinfo.address, rinfo.port, this);
			};
		} else {
			socket.on('message', (data, rinfo) => {
				this.onPacket?.(data, rinfo.address, rinfo.port, this);
			});
		}
		// A send error (e.g. ICMP unreachable reported on a later call) must not kill the worker.
		// Where dgram's onmessage still runs (handle not reachable), receive errors come this way.
		socket.on('error', (error: NodeJS.ErrnoException) => {
			if (error.syscall === 'recvmsg') {
				this.recvErrors++;
			}
		});
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

	/**
	 * Connects the socket to its only remote (a connected UDP socket also receives from that
	 * remote only: callers must drop other sources anyway). Sends to other addresses stay
	 * possible until the connect completes; after it they are dropped.
	 */
	connectTo(remoteIp: string, remotePort: number): void {
		if (this.#closed || this.#remoteIp !== undefined) {
			return;
		}
		this.#remoteIp = remoteIp;
		this.#remotePort = remotePort;
		try {
			this.socket.connect(remotePort, remoteIp, (error?: Error) => {
				if (error) {
					// E.g. an IPv6 remote for an IPv4 socket: stay unconnected (addressed sends,
					// which fail and are counted for such a remote, as before the connect).
					this.#remoteIp = undefined;

					return;
				}
				if (!this.#closed) {
					this.#connected = true;
				}
			});
		} catch {
			// Stay unconnected: addressed sends still work.
			this.#remoteIp = undefined;
		}
	}

	/** Whether send() goes out on a connected socket (synchronously copied when nothing is queued). */
	get connected(): boolean {
		return this.#connected;
	}

	/**
	 * Whether a buffer given to an earlier send() may be written again: the socket is connected
	 * (no deferred address lookup holds it) and libuv has no send queued (each one so far was
	 * copied to the kernel synchronously by uv_udp_try_send).
	 */
	get sendBuffersFree(): boolean {
		if (this.#raw !== undefined) {
			// While a connect is in flight dgram holds addressed sends across a lookup.
			return !this.#closed && (this.#remoteIp === undefined || this.#connected) && (!this.#mayQueue || this.#queueEmpty());
		}

		return this.#connected && this.socket.getSendQueueCount() === 0;
	}

	/**
	 * Asks libuv whether a send is still queued (a native call), clearing #mayQueue once none is.
	 */
	#queueEmpty(): boolean {
		if (this.#raw!.getSendQueueCount() !== 0) {
			return false;
		}
		this.#mayQueue = false;

		return true;
	}

	send(data: Uint8Array, remotePort: number, remoteIp: string): void {
		if (this.#closed) {
			return;
		}
		if (this.#connected) {
			if (remotePort === this.#remotePort && remoteIp === this.#remoteIp) {
				if (this.#raw !== undefined) {
					this.#rawSend(data, 0, '');
				} else {
					this.#mayQueue = true;
					this.socket.send(data);
				}
			}

			return;
		}
		if (this.#raw !== undefined && this.#remoteIp === undefined) {
			this.#rawSend(data, remotePort, remoteIp);
		} else {
			// connect() in flight: dgram queues the datagram until it completes.
			this.#mayQueue = true;
			this.socket.send(data, remotePort, remoteIp);
		}
	}

	/** One datagram through the handle (port 0: the connected remote). */
	#rawSend(data: Uint8Array, remotePort: number, remoteIp: string): void {
		const list = this.#list;
		const req = this.#req!;

		list[0] = data;

		const result =
			remotePort === 0 ? this.#raw!.send(req, list, 1, false) : this.#raw!.send(req, list, 1, remotePort, remoteIp, false);

		if (result > 0) {
			// In the kernel already; the request object was never bound to a libuv request.
			return;
		}
		if (result === 0) {
			// Queued in libuv: this request object now belongs to that send and keeps the
			// buffer alive until it completes (no callback asked); the next send takes a new one.
			req.list = [data];
			this.#req = new udpBinding!.SendWrap();
			this.#mayQueue = true;

			return;
		}
		this.sendErrors++;
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.#connected = false;
		this.#raw = undefined;
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
