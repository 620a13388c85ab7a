import type { EventEmitter } from 'node:events';
import { EnhancedEventEmitter } from '../api/enhancedEvents';
import { InvalidStateError } from '../api/errors';
import { Logger } from '../api/Logger';
import type { Consumer } from '../api/Consumer';
import type { DirectTransport } from '../api/DirectTransport';
import type { Producer } from '../api/Producer';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import { OperationQueue } from './queue';
import { toV1Parameters, toV3Parameters } from './rtp';
import type { V1RtpParameters } from './rtp';
import type { Peer } from './Peer';
import type { RtpSender } from './RtpSender';
import type { Transport } from './Transport';

const logger = new Logger('v1:RtpReceiver');

export type RtpReceiverEvents = {
	close: [Error | undefined];
	/** Every RTP packet received (only while someone listens). */
	rtp: [Buffer];
};

/**
 * mediasoup v1's RtpReceiver: media the endpoint sends, received by its peer
 * on one of its transports. A v3 Producer underneath, created by receive().
 */
export class RtpReceiver extends EnhancedEventEmitter<RtpReceiverEvents> {
	static #nextId = 1;

	/** Unique identifier (number). */
	readonly id: number = RtpReceiver.#nextId++;

	readonly #peer: Peer;
	readonly #kind: MediaKind;
	readonly #transport: Transport;
	readonly #queue = new OperationQueue();
	#senders: RtpSender[] = [];
	#rtpParameters: V1RtpParameters | null = null;
	#producer?: Producer;
	#closed = false;
	// The 'rtp' tap: a DirectTransport consumer, created while someone listens.
	#tap?: { transport: DirectTransport; consumer?: Consumer };

	/** @internal Use `peer.RtpReceiver(kind, transport)`. */
	constructor(peer: Peer, kind: MediaKind, transport: Transport) {
		super();
		this.#peer = peer;
		this.#kind = kind;
		this.#transport = transport;

		transport.once('close', () => this._close());

		(this as EventEmitter).on('newListener', (event: string) => {
			if (event === 'rtp') {
				this.#openTap();
			}
		});
		(this as EventEmitter).on('removeListener', (event: string) => {
			if (event === 'rtp' && this.listenerCount('rtp') === 0) {
				this.#closeTap();
			}
		});
	}

	/** Whether the receiver is closed. */
	get closed(): boolean {
		return this.#closed;
	}

	/** 'audio' or 'video'. */
	get kind(): MediaKind {
		return this.#kind;
	}

	/** The transport media arrives on. */
	get transport(): Transport {
		return this.#transport;
	}

	/** The peer it belongs to. */
	get peer(): Peer {
		return this.#peer;
	}

	/** The parameters given to the last successful receive() (v1 shape), or null. */
	get rtpParameters(): V1RtpParameters | null {
		return this.#rtpParameters && JSON.parse(JSON.stringify(this.#rtpParameters));
	}

	/** Whether receive() has succeeded. */
	get receiving(): boolean {
		return this.#producer !== undefined;
	}

	/** @internal The v3 producer, once receiving. */
	get _producer(): Producer | undefined {
		return this.#producer;
	}

	/** @internal */
	get _senders(): RtpSender[] {
		return this.#senders;
	}

	/**
	 * Start (or, called again, change) receiving with the endpoint's RTP
	 * parameters (v1 shape with codec `name` and `muxId`, or v3 with
	 * `mimeType` and `mid`). The first time, every other peer in the room
	 * with capabilities gets an RtpSender for it. Resolves to this receiver.
	 */
	async receive(rtpParameters: V1RtpParameters | RtpParameters): Promise<this> {
		logger.debug('receive()');

		if (this.#closed) {
			throw new InvalidStateError('RtpReceiver closed');
		}

		const v3 = toV3Parameters(rtpParameters, this.#kind);

		return this.#queue.push(async () => {
			if (this.#closed) {
				throw new InvalidStateError('RtpReceiver closed');
			}

			const previous = this.#producer;

			// v3 producers have fixed parameters: a new receive() replaces the
			// producer, and senders move their consumers to the new one.
			if (previous) {
				this.#producer = undefined;
				previous.close();
			}

			const producer = await this.#transport._webRtcTransport.produce({
				kind: this.#kind,
				rtpParameters: v3,
				appData: { v1RtpReceiverId: this.id },
			});

			if (this.#closed) {
				producer.close();
				throw new InvalidStateError('RtpReceiver closed');
			}

			this.#producer = producer;
			this.#rtpParameters = toV1Parameters(producer.rtpParameters, this.#kind);
			producer.on('transportclose', () => this._close());

			const room = this.#peer.room;

			if (previous) {
				for (const sender of this.#senders) {
					sender._setProducer(producer);
				}
				room._onReceiverUpdated(this);
			} else {
				room._onReceiving(this);
			}

			if (this.listenerCount('rtp') > 0) {
				this.#closeTap();
				this.#openTap();
			}

			return this;
		});
	}

	/** The receiver's internals (with the v3 producer dump once receiving). */
	async dump(): Promise<Record<string, unknown>> {
		if (this.#closed) {
			throw new InvalidStateError('RtpReceiver closed');
		}

		return {
			rtpReceiverId: this.id,
			kind: this.#kind,
			peerName: this.#peer.name,
			transportId: this.#transport.id,
			rtpParameters: this.rtpParameters,
			rtpSenderIds: this.#senders.map((s) => s.id),
			producer: this.#producer ? await this.#producer.dump() : null,
		};
	}

	/** Close the receiver; the RtpSenders of other peers fed by it close too. Emits 'close' once. */
	close(): void {
		this._close();
	}

	/** @internal */
	_close(error?: Error): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');
		this.#closed = true;
		this.#peer.room._onReceiverClosed(this);

		for (const sender of [...this.#senders]) {
			sender._close();
		}

		this.#closeTap();
		this.#producer?.close();
		this.safeEmit('close', error);
	}

	/** @internal */
	_addSender(sender: RtpSender): void {
		this.#senders.push(sender);
		sender.once('close', () => {
			this.#senders = this.#senders.filter((s) => s !== sender);
		});
	}

	#openTap(): void {
		if (this.#tap || this.#closed || !this.#producer) {
			return;
		}

		const producer = this.#producer;
		const tap: { transport?: DirectTransport; consumer?: Consumer } = {};

		this.#tap = tap as { transport: DirectTransport };
		this.#queue.run(
			async () => {
				const router = await this.#peer.room._router();
				const transport = await router.createDirectTransport();

				tap.transport = transport;

				if (this.#tap !== tap) {
					transport.close();
					return;
				}

				const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });

				tap.consumer = consumer;
				consumer.on('rtp', (packet: Buffer) => this.safeEmit('rtp', packet));
			},
			(error) => logger.warn(`'rtp' event unavailable: ${error}`),
		);
	}

	#closeTap(): void {
		const tap = this.#tap;

		this.#tap = undefined;
		tap?.transport?.close();
	}
}
