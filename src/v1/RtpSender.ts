import { EnhancedEventEmitter } from '../api/enhancedEvents';
import { InvalidStateError } from '../api/errors';
import { Logger } from '../api/Logger';
import { getConsumerRtpParameters } from '../ortc/ortc';
import type { Consumer } from '../api/Consumer';
import type { Producer } from '../api/Producer';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import { OperationQueue } from './queue';
import { toV1Parameters } from './rtp';
import type { V1RtpParameters } from './rtp';
import type { Peer } from './Peer';
import type { RtpReceiver } from './RtpReceiver';
import { Transport } from './Transport';

const logger = new Logger('v1:RtpSender');

export type RtpSenderEvents = {
	close: [Error | undefined];
	parameterschange: [V1RtpParameters | null];
	activechange: [boolean];
};

/**
 * mediasoup v1's RtpSender: another peer's received media, sent to this
 * peer's endpoint. Its parameters are matched to this peer's capabilities
 * as soon as it exists; the v3 Consumer underneath is created when a
 * transport is set, and its real parameters (SSRCs, MID) replace the
 * provisional ones ('parameterschange').
 */
export class RtpSender extends EnhancedEventEmitter<RtpSenderEvents> {
	static #nextId = 1;

	/** Unique identifier (number). */
	readonly id: number = RtpSender.#nextId++;

	readonly #peer: Peer;
	readonly #receiver: RtpReceiver;
	readonly #queue = new OperationQueue();
	#producer: Producer;
	#transport: Transport | null = null;
	#consumer?: Consumer;
	#rtpParameters: RtpParameters | null;
	#enabled = true;
	#active: boolean;
	#closed = false;

	/** @internal Created by the room for `peer` when `receiver` receives. */
	constructor(peer: Peer, receiver: RtpReceiver) {
		super();
		this.#peer = peer;
		this.#receiver = receiver;
		this.#producer = receiver._producer!;
		this.#rtpParameters = this.#computeParameters();
		this.#active = this.available;
	}

	/** Whether the sender is closed. */
	get closed(): boolean {
		return this.#closed;
	}

	/** 'audio' or 'video'. */
	get kind(): MediaKind {
		return this.#receiver.kind;
	}

	/** The peer it sends to. */
	get peer(): Peer {
		return this.#peer;
	}

	/** The transport it sends on, once set. */
	get transport(): Transport | null {
		return this.#transport;
	}

	/**
	 * Parameters to send with (v1 shape), matched to this peer's
	 * capabilities; null when the peer can receive none of the codecs.
	 */
	get rtpParameters(): V1RtpParameters | null {
		return this.#rtpParameters && toV1Parameters(this.#rtpParameters, this.kind);
	}

	/** The receiver whose media this sender sends. */
	get associatedRtpReceiver(): RtpReceiver {
		return this.#receiver;
	}

	/** The peer that receiver belongs to. */
	get associatedPeer(): Peer {
		return this.#receiver.peer;
	}

	/** Whether this peer's capabilities allow sending it at all. */
	get available(): boolean {
		return this.#rtpParameters !== null;
	}

	/** Whether media flows: available and not disabled. */
	get active(): boolean {
		return this.#active;
	}

	/** Whether the application has not disabled it. */
	get enabled(): boolean {
		return this.#enabled;
	}

	/** @internal */
	get _consumer(): Consumer | undefined {
		return this.#consumer;
	}

	/**
	 * Send on this transport (one of this peer's). Creates the v3 Consumer;
	 * resolves to this sender once it exists and `rtpParameters` are final.
	 */
	async setTransport(transport: Transport): Promise<this> {
		logger.debug('setTransport()');

		if (this.#closed) {
			throw new InvalidStateError('RtpSender closed');
		}
		if (!transport) {
			throw new TypeError('transport not given');
		}
		if (!(transport instanceof Transport)) {
			throw new TypeError('transport must be a Transport');
		}
		if (transport.peer !== this.#peer) {
			throw new TypeError('transport belongs to another peer');
		}
		if (transport.closed) {
			throw new InvalidStateError('transport closed');
		}

		const previous = this.#transport;

		this.#transport = transport;

		if (previous !== transport) {
			transport.once('close', () => {
				if (this.#transport === transport) {
					this._close();
				}
			});
		}

		return this.#queue.push(async () => {
			if (this.#closed) {
				throw new InvalidStateError('RtpSender closed');
			}
			if (this.#transport !== transport) {
				// A later setTransport() took over.
				return this;
			}

			await this.#consume();

			return this;
		});
	}

	/** Stop sending (the consumer pauses). Emits 'activechange' if it was active. */
	async disable(): Promise<this> {
		return this.#setEnabled(false);
	}

	/** Resume sending. Emits 'activechange' if it becomes active. */
	async enable(): Promise<this> {
		return this.#setEnabled(true);
	}

	/** The sender's internals (with the v3 consumer dump once a transport is set). */
	async dump(): Promise<Record<string, unknown>> {
		if (this.#closed) {
			throw new InvalidStateError('RtpSender closed');
		}

		return {
			rtpSenderId: this.id,
			kind: this.kind,
			peerName: this.#peer.name,
			associatedPeerName: this.associatedPeer.name,
			associatedRtpReceiverId: this.#receiver.id,
			transportId: this.#transport?.id ?? null,
			rtpParameters: this.rtpParameters,
			available: this.available,
			active: this.active,
			consumer: this.#consumer && !this.#consumer.closed ? await this.#consumer.dump() : null,
		};
	}

	/** Close the sender. Emits 'close' once. */
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
		this.#consumer?.close();
		this.safeEmit('close', error);
	}

	/** @internal The receiver received again: follow its new producer. */
	_setProducer(producer: Producer): void {
		if (this.#closed) {
			return;
		}

		this.#producer = producer;
		this.#consumer = undefined;
		this.#updateParameters(this.#computeParameters());
		this.#updateActive();

		if (this.#transport) {
			this.#queue.run(
				() => this.#consume(),
				(error) => logger.error(`could not follow the new producer: ${error}`),
			);
		}
	}

	#computeParameters(): RtpParameters | null {
		const capabilities = this.#peer._capabilities;

		if (!capabilities) {
			return null;
		}

		try {
			return getConsumerRtpParameters({
				consumableRtpParameters: this.#producer.consumableRtpParameters,
				remoteRtpCapabilities: JSON.parse(JSON.stringify(capabilities)),
				pipe: false,
				enableRtx: true,
			});
		} catch {
			// No codec in common: the sender exists but is not available.
			return null;
		}
	}

	async #consume(): Promise<void> {
		const transport = this.#transport;
		const capabilities = this.#peer._capabilities;

		if (!transport || !capabilities || !this.available || this.#producer.closed) {
			return;
		}

		const previous = this.#consumer;

		// v3 consumers cannot move between transports: a new one replaces it.
		if (previous && !previous.closed) {
			this.#consumer = undefined;
			previous.close();
		}

		const consumer = await transport._webRtcTransport.consume({
			producerId: this.#producer.id,
			rtpCapabilities: JSON.parse(JSON.stringify(capabilities)),
			paused: !this.#enabled,
			appData: { v1RtpSenderId: this.id },
		});

		if (this.#closed || this.#transport !== transport) {
			consumer.close();
			return;
		}

		this.#consumer = consumer;
		consumer.on('transportclose', () => this._close());
		consumer.on('producerclose', () => {
			// A replaced producer (new receive()) is not the end of this sender.
			if (this.#consumer === consumer && this.#receiver.closed) {
				this._close();
			}
		});
		this.#updateParameters(consumer.rtpParameters);
	}

	#updateParameters(parameters: RtpParameters | null): void {
		if (JSON.stringify(parameters) === JSON.stringify(this.#rtpParameters)) {
			return;
		}

		this.#rtpParameters = parameters;
		this.safeEmit('parameterschange', this.rtpParameters);
	}

	#updateActive(): void {
		const active = this.available && this.#enabled;

		if (active !== this.#active) {
			this.#active = active;
			this.safeEmit('activechange', active);
		}
	}

	async #setEnabled(enabled: boolean): Promise<this> {
		if (this.#closed) {
			throw new InvalidStateError('RtpSender closed');
		}

		this.#enabled = enabled;
		this.#updateActive();

		return this.#queue.push(async () => {
			const consumer = this.#consumer;

			if (this.#closed || !consumer || consumer.closed || this.#enabled !== enabled) {
				return this;
			}

			if (enabled) {
				await consumer.resume();
			} else {
				await consumer.pause();
			}

			return this;
		});
	}
}
