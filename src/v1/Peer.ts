import { EnhancedEventEmitter } from '../api/enhancedEvents';
import { InvalidStateError, UnsupportedError } from '../api/errors';
import { Logger } from '../api/Logger';
import { matchCodecs, validateRtpCapabilities } from '../ortc/ortc';
import type { TransportListenInfo } from '../api/TransportTypes';
import type { MediaKind, RtpCapabilities } from '../ortc/rtpParametersTypes';
import { OperationQueue } from './queue';
import { filterCapabilities, toV1Capabilities, toV3Capabilities } from './rtp';
import type { V1RtpCapabilities } from './rtp';
import type { Room } from './Room';
import { RtpReceiver } from './RtpReceiver';
import { RtpSender } from './RtpSender';
import { Transport } from './Transport';

const logger = new Logger('v1:Peer');

/** mediasoup v1's transport options. */
export type TransportOptions = {
	/** Offer UDP candidates. Default true. */
	udp?: boolean;
	/** Offer TCP candidates. Default true. */
	tcp?: boolean;
	/** Give IPv4 candidates the higher priority. */
	preferIPv4?: boolean;
	/** Give IPv6 candidates the higher priority. */
	preferIPv6?: boolean;
	/** Give UDP candidates the higher priority. */
	preferUdp?: boolean;
	/** Give TCP candidates the higher priority. */
	preferTcp?: boolean;
};

export type PeerEvents = {
	close: [Error | undefined];
	capabilities: [V1RtpCapabilities];
	newtransport: [Transport];
	newrtpreceiver: [RtpReceiver];
	newrtpsender: [RtpSender];
};

const TRANSPORT_OPTIONS = ['udp', 'tcp', 'preferIPv4', 'preferIPv6', 'preferUdp', 'preferTcp'];

/**
 * mediasoup v1's Peer: the room-side image of one remote endpoint, seen in
 * reverse (what the endpoint sends, the peer receives through its
 * RtpReceivers; what it should get, the peer sends through its RtpSenders).
 */
export class Peer extends EnhancedEventEmitter<PeerEvents> {
	static #nextId = 1;

	/** Unique identifier (number). */
	readonly id: number = Peer.#nextId++;

	readonly #room: Room;
	readonly #name: string;
	readonly #queue = new OperationQueue();
	#transports: Transport[] = [];
	#rtpReceivers: RtpReceiver[] = [];
	#rtpSenders: RtpSender[] = [];
	#capabilities?: RtpCapabilities;
	#closed = false;

	/** @internal Use `room.Peer(name)`. */
	constructor(room: Room, name: string) {
		super();
		this.#room = room;
		this.#name = name;
	}

	/** Whether the peer is closed. */
	get closed(): boolean {
		return this.#closed;
	}

	/** The peer's name. */
	get name(): string {
		return this.#name;
	}

	/** Its transports, in the order they were created (closed ones leave). */
	get transports(): Transport[] {
		return [...this.#transports];
	}

	/** Its RtpReceivers, in the order they were created (closed ones leave). */
	get rtpReceivers(): RtpReceiver[] {
		return [...this.#rtpReceivers];
	}

	/** Its RtpSenders, in the order they were created (closed ones leave). */
	get rtpSenders(): RtpSender[] {
		return [...this.#rtpSenders];
	}

	/** The effective capabilities (v1 shape), once setCapabilities() was called. */
	get rtpCapabilities(): V1RtpCapabilities | undefined {
		return this.#capabilities && toV1Capabilities(this.#capabilities);
	}

	/** The room the peer is in. */
	get room(): Room {
		return this.#room;
	}

	/** @internal */
	get _hasCapabilities(): boolean {
		return this.#capabilities !== undefined;
	}

	/** @internal Effective capabilities in v3's shape. */
	get _capabilities(): RtpCapabilities | undefined {
		return this.#capabilities;
	}

	/** Close the peer with its senders, receivers and transports. Emits 'close' once. */
	close(): void {
		this._close();
	}

	/** @internal Close, with the error that caused it if any. */
	_close(error?: Error): void {
		if (this.#closed) {
			return;
		}

		logger.debug(`close() [name:${this.#name}]`);
		this.#closed = true;

		for (const sender of [...this.#rtpSenders]) {
			sender._close();
		}
		for (const receiver of [...this.#rtpReceivers]) {
			receiver._close();
		}
		for (const transport of [...this.#transports]) {
			transport._close();
		}

		this.safeEmit('close', error);
	}

	/** The peer's internals (its transports, receivers and senders dumped). */
	async dump(): Promise<Record<string, unknown>> {
		if (this.#closed) {
			throw new InvalidStateError('Peer closed');
		}

		return {
			id: this.id,
			name: this.#name,
			capabilities: this.rtpCapabilities ?? null,
			transports: await Promise.all(this.#transports.map((t) => t.dump())),
			rtpReceivers: await Promise.all(this.#rtpReceivers.map((r) => r.dump())),
			rtpSenders: await Promise.all(this.#rtpSenders.map((s) => s.dump())),
		};
	}

	/**
	 * Set the peer's RTP capabilities (v1 or v3 shape). Must come before any
	 * RtpReceiver. They are reduced to what the room supports and emitted as
	 * 'capabilities'; then the peer gets an RtpSender ('newrtpsender') for
	 * every receiver already receiving in the room. Throws TypeError on
	 * invalid capabilities, InvalidStateError if closed or already set.
	 */
	setCapabilities(capabilities: V1RtpCapabilities | RtpCapabilities): void {
		logger.debug('setCapabilities()');

		if (this.#closed) {
			throw new InvalidStateError('Peer closed');
		}
		if (this.#capabilities) {
			throw new InvalidStateError('capabilities already set');
		}

		const v3 = toV3Capabilities(capabilities);

		validateRtpCapabilities(v3);

		const effective = filterCapabilities(v3, this.#room._rtpCapabilities, (a, b) => matchCodecs(a, b, { strict: true }));

		this.#capabilities = effective;

		// Emitted from the queue (not from inside this call) so that listeners
		// added right after it still hear it, and in order with other work.
		this.#queue.run(
			() => {
				if (this.#closed) {
					return;
				}

				this.safeEmit('capabilities', toV1Capabilities(effective));
				this.#room._onPeerCapabilities(this);
			},
			(error) => logger.error(`setCapabilities() follow-up failed: ${error}`),
		);
	}

	/**
	 * A new WebRTC transport for this peer. Options are v1's (`udp`, `tcp`,
	 * `preferIPv4`, `preferIPv6`, `preferUdp`, `preferTcp`). Emits
	 * 'newtransport' before resolving. Rejects with TypeError on invalid
	 * options, InvalidStateError if the peer is (or gets) closed.
	 */
	async createTransport(options: TransportOptions = {}): Promise<Transport> {
		logger.debug('createTransport()');

		if (this.#closed) {
			throw new InvalidStateError('Peer closed');
		}
		if (options === null || typeof options !== 'object' || Array.isArray(options)) {
			throw new TypeError('options must be an object');
		}
		for (const key of TRANSPORT_OPTIONS) {
			const value = (options as Record<string, unknown>)[key];

			if (value !== undefined && typeof value !== 'boolean') {
				throw new TypeError(`${key} must be a boolean`);
			}
		}

		const { udp = true, tcp = true, preferIPv4 = false, preferIPv6 = false, preferUdp = false, preferTcp = false } = options;

		if (!udp && !tcp) {
			throw new TypeError('at least one of udp and tcp is needed');
		}

		const ips = [...this.#room._server._listenIps];

		if (preferIPv6 && !preferIPv4) {
			ips.sort((a, b) => b.family - a.family);
		}

		const listenInfos: TransportListenInfo[] = [];

		// broth ranks candidates by listenInfos order, so v1's protocol
		// preference is the order within each address.
		const protocols: ('udp' | 'tcp')[] = preferTcp && !preferUdp ? ['tcp', 'udp'] : ['udp', 'tcp'];

		for (const ip of ips) {
			for (const protocol of protocols) {
				if ((protocol === 'udp' && udp) || (protocol === 'tcp' && tcp)) {
					listenInfos.push({
						protocol,
						ip: ip.ip,
						...(ip.announcedAddress ? { announcedAddress: ip.announcedAddress } : {}),
					});
				}
			}
		}

		return this.#queue.push(async () => {
			if (this.#closed) {
				throw new InvalidStateError('Peer closed');
			}

			const router = await this.#room._router();
			const webRtcTransport = await router.createWebRtcTransport({
				listenInfos,
				preferUdp,
				preferTcp,
			});

			if (this.#closed) {
				webRtcTransport.close();
				throw new InvalidStateError('Peer closed');
			}

			const transport = new Transport(this, webRtcTransport);

			this.#transports.push(transport);
			transport.once('close', () => {
				this.#transports = this.#transports.filter((t) => t !== transport);
			});
			this.safeEmit('newtransport', transport);

			return transport;
		});
	}

	/**
	 * A new RtpReceiver of the given kind on one of this peer's transports,
	 * usable at once (call receive() on it). Emits 'newrtpreceiver'. Throws
	 * InvalidStateError if the peer is closed or has no capabilities yet,
	 * TypeError for a bad kind or transport, UnsupportedError for a kind the
	 * room has no codec for.
	 */
	RtpReceiver(kind: MediaKind, transport: Transport): RtpReceiver {
		logger.debug(`RtpReceiver() [kind:${kind}]`);

		if (this.#closed) {
			throw new InvalidStateError('Peer closed');
		}
		if (!this.#capabilities) {
			throw new InvalidStateError('peer capabilities must be set first (setCapabilities())');
		}
		if (kind !== 'audio' && kind !== 'video') {
			throw new TypeError(`invalid kind "${kind}"`);
		}
		if (!this.#room._rtpCapabilities.codecs?.some((codec) => codec.kind === kind)) {
			throw new UnsupportedError(`the room does not handle kind "${kind}"`);
		}
		if (!(transport instanceof Transport)) {
			throw new TypeError('transport must be a Transport');
		}
		if (transport.peer !== this) {
			throw new TypeError('transport belongs to another peer');
		}
		if (transport.closed) {
			throw new InvalidStateError('transport closed');
		}

		const receiver = new RtpReceiver(this, kind, transport);

		this.#rtpReceivers.push(receiver);
		receiver.once('close', () => {
			this.#rtpReceivers = this.#rtpReceivers.filter((r) => r !== receiver);
		});
		this.safeEmit('newrtpreceiver', receiver);

		return receiver;
	}

	/** @internal Another peer's receiver is receiving: send it to this peer. */
	_addRtpSender(receiver: RtpReceiver): void {
		if (this.#closed || !this.#capabilities || this.#rtpSenders.some((s) => s.associatedRtpReceiver === receiver)) {
			return;
		}

		const sender = new RtpSender(this, receiver);

		this.#rtpSenders.push(sender);
		sender.once('close', () => {
			this.#rtpSenders = this.#rtpSenders.filter((s) => s !== sender);
		});
		receiver._addSender(sender);
		this.safeEmit('newrtpsender', sender);
	}
}
