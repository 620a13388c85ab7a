/**
 * A UDP relay between a WebRtcTransport and the browser that consumes from it, standing in for
 * the receiver's access link: the browser is given the relay's port as the transport's ICE
 * candidate, the relay forwards its packets (STUN, DTLS, RTCP) to the transport unchanged, and
 * forwards the transport's packets to the browser through a drop-tail bottleneck when a limit is
 * set: a queue drained at `limitBps` that holds at most `queueMs` worth of bytes (a router's
 * buffer); what does not fit is dropped. Without a limit it forwards at once.
 *
 * Lives in the test process (127.0.0.1 inside the namespace of netns-run).
 */
import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface RelayStats {
	/** Packets and bytes from the transport to the browser: forwarded (after the queue) and dropped. */
	downPackets: number;
	downBytes: number;
	droppedPackets: number;
	droppedBytes: number;
	/** Packets from the browser to the transport. */
	upPackets: number;
}

export class UdpRelay {
	/** Faces the browser; its port is the candidate the browser is given. */
	readonly #front: dgram.Socket;
	/** Faces the transport (which sees this socket as the browser's address). */
	readonly #back: dgram.Socket;
	#browser: { address: string; port: number } | undefined = undefined;
	#limitBps = 0;
	#queueMs = 100;
	readonly #queue: Buffer[] = [];
	#queueBytes = 0;
	/** When the bottleneck finishes sending the packet at the head of the queue (ms, performance.now). */
	#busyUntil = 0;
	#timer: NodeJS.Timeout | undefined = undefined;
	readonly stats: RelayStats = { downPackets: 0, downBytes: 0, droppedPackets: 0, droppedBytes: 0, upPackets: 0 };

	private constructor(front: dgram.Socket, back: dgram.Socket) {
		this.#front = front;
		this.#back = back;
		front.on('message', (msg, rinfo) => {
			this.#browser = { address: rinfo.address, port: rinfo.port };
			this.stats.upPackets++;
			back.send(msg);
		});
		back.on('message', (msg) => this.#down(msg));
		// ICMP port unreachable once the transport closed (the worker went away first).
		front.on('error', () => {});
		back.on('error', () => {});
	}

	/** A relay in front of the transport listening on 127.0.0.1:`targetPort`. */
	static async create(targetPort: number): Promise<UdpRelay> {
		const front = dgram.createSocket('udp4');
		const back = dgram.createSocket('udp4');

		await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
		await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', resolve));
		await new Promise<void>((resolve) => back.connect(targetPort, '127.0.0.1', resolve));

		return new UdpRelay(front, back);
	}

	get port(): number {
		return (this.#front.address() as AddressInfo).port;
	}

	/** Limits the transport -> browser direction to `bps` (0: no limit) with a `queueMs` buffer. */
	setLimit(bps: number, queueMs = this.#queueMs): void {
		this.#limitBps = bps;
		this.#queueMs = queueMs;
		if (bps === 0) {
			this.#flush();
		}
	}

	close(): void {
		clearTimeout(this.#timer);
		this.#front.close();
		this.#back.close();
	}

	#down(msg: Buffer): void {
		if (this.#limitBps === 0) {
			this.#forward(msg);

			return;
		}

		const capacity = (this.#limitBps * this.#queueMs) / 8000;

		// Drop-tail; an empty queue always takes one packet (however large).
		if (this.#queue.length > 0 && this.#queueBytes + msg.length > capacity) {
			this.stats.droppedPackets++;
			this.stats.droppedBytes += msg.length;

			return;
		}
		this.#queue.push(msg);
		this.#queueBytes += msg.length;
		if (this.#timer === undefined) {
			this.#drain();
		}
	}

	/** Sends the queue's head packets whose transmission time has come, then waits for the next. */
	#drain(): void {
		this.#timer = undefined;

		const now = performance.now();

		if (this.#busyUntil < now) {
			this.#busyUntil = now;
		}
		while (this.#queue.length > 0 && this.#busyUntil <= now + 1) {
			const msg = this.#queue.shift()!;

			this.#queueBytes -= msg.length;
			this.#busyUntil += (msg.length * 8000) / Math.max(1, this.#limitBps);
			this.#forward(msg);
		}
		if (this.#queue.length > 0) {
			this.#timer = setTimeout(() => this.#drain(), Math.max(1, this.#busyUntil - now));
		}
	}

	#flush(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#busyUntil = 0;
		while (this.#queue.length > 0) {
			const msg = this.#queue.shift()!;

			this.#queueBytes -= msg.length;
			this.#forward(msg);
		}
	}

	#forward(msg: Buffer): void {
		if (this.#browser === undefined) {
			return;
		}
		this.stats.downPackets++;
		this.stats.downBytes += msg.length;
		this.#front.send(msg, this.#browser.port, this.#browser.address);
	}
}
