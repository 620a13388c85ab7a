/**
 * A minimal ICE-controlling peer for tests: sends Binding requests as Chromium does (RFC 8445
 * section 7.1) from a UDP socket or an RFC 4571 TCP connection, and collects everything else it
 * receives (DTLS, SRTP) for the test to read.
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { StunClass, StunMethod, buildStunMessage, parseStunMessage, type StunMessage } from '../../src/proto/stun';
import { Rfc4571Reader, frameRfc4571 } from '../../src/worker/net/rfc4571';

export type CheckOptions = {
	localUfrag: string;
	password: string;
	remoteUfrag?: string;
	useCandidate?: boolean;
	nomination?: number;
	iceControlled?: boolean;
	/** Leave MESSAGE-INTEGRITY out. */
	noIntegrity?: boolean;
};

export function bindingRequest(options: CheckOptions): Buffer {
	return buildStunMessage(
		{
			method: StunMethod.Binding,
			messageClass: StunClass.Request,
			transactionId: randomBytes(12),
			username: `${options.localUfrag}:${options.remoteUfrag ?? 'peer'}`,
			priority: 1853824767,
			useCandidate: options.useCandidate,
			nomination: options.nomination,
			iceControlling: options.iceControlled ? undefined : randomBytes(8),
			iceControlled: options.iceControlled ? randomBytes(8) : undefined,
		},
		{ integrityKey: options.noIntegrity ? undefined : options.password, fingerprint: true },
	);
}

/** A UDP or TCP peer. `other` collects non-STUN packets received. */
export class TestPeer {
	readonly other: Buffer[] = [];
	readonly stun: StunMessage[] = [];
	onOther: ((data: Buffer) => void) | undefined = undefined;
	readonly #udp: dgram.Socket | undefined;
	readonly #tcp: net.Socket | undefined;
	readonly #port: number;
	readonly #ip: string;
	#waiters: { id: string; resolve: (m: StunMessage) => void }[] = [];

	private constructor(udp: dgram.Socket | undefined, tcp: net.Socket | undefined, ip: string, port: number) {
		this.#udp = udp;
		this.#tcp = tcp;
		this.#ip = ip;
		this.#port = port;

		const onPacket = (data: Buffer): void => {
			if (data.length > 0 && data[0]! <= 3) {
				const message = parseStunMessage(Buffer.from(data));

				if (message) {
					this.stun.push(message);

					const id = message.transactionId.toString('hex');
					const waiter = this.#waiters.find((w) => w.id === id);

					if (waiter) {
						this.#waiters = this.#waiters.filter((w) => w !== waiter);
						waiter.resolve(message);
					}
				}

				return;
			}
			this.other.push(Buffer.from(data));
			this.onOther?.(Buffer.from(data));
		};

		if (udp) {
			udp.on('message', onPacket);
		} else {
			const reader = new Rfc4571Reader();

			tcp!.on('data', (chunk) => reader.push(chunk, onPacket));
			tcp!.on('error', () => {});
		}
	}

	static async udp(port: number, ip = '127.0.0.1'): Promise<TestPeer> {
		const socket = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');

		await new Promise<void>((resolve) => socket.bind(0, ip, resolve));

		return new TestPeer(socket, undefined, ip, port);
	}

	static async tcp(port: number, ip = '127.0.0.1'): Promise<TestPeer> {
		const socket = net.connect({ port, host: ip });

		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('error', reject);
		});
		socket.setNoDelay(true);

		return new TestPeer(undefined, socket, ip, port);
	}

	get localPort(): number {
		return this.#udp ? this.#udp.address().port : this.#tcp!.localPort!;
	}

	send(data: Uint8Array): void {
		if (this.#udp) {
			this.#udp.send(data, this.#port, this.#ip);
		} else {
			this.#tcp!.write(frameRfc4571(data));
		}
	}

	/** Sends a request and waits for the response with its transaction id (or undefined on timeout). */
	async request(request: Buffer, timeoutMs = 1000): Promise<StunMessage | undefined> {
		const id = request.subarray(8, 20).toString('hex');

		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#waiters = this.#waiters.filter((w) => w.id !== id);
				resolve(undefined);
			}, timeoutMs);

			this.#waiters.push({
				id,
				resolve: (message) => {
					clearTimeout(timer);
					resolve(message);
				},
			});
			this.send(request);
		});
	}

	async check(options: CheckOptions): Promise<StunMessage | undefined> {
		return this.request(bindingRequest(options));
	}

	close(): void {
		try {
			this.#udp?.close();
		} catch {
			// closed
		}
		this.#tcp?.destroy();
	}
}
