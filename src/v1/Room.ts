import type { EventEmitter } from 'node:events';
import { EnhancedEventEmitter } from '../api/enhancedEvents';
import { InvalidStateError } from '../api/errors';
import { Logger } from '../api/Logger';
import { generateRouterRtpCapabilities } from '../ortc/ortc';
import type { AudioLevelObserver } from '../api/AudioLevelObserver';
import type { AudioLevelObserverVolume } from '../api/AudioLevelObserverTypes';
import type { Router } from '../api/Router';
import type { Worker } from '../api/Worker';
import type { RouterRtpCodecCapability, RtpCapabilities } from '../ortc/rtpParametersTypes';
import { OperationQueue } from './queue';
import { Peer } from './Peer';
import { toV1Capabilities, toV3MediaCodecs } from './rtp';
import type { V1RtpCapabilities, V1RtpCodec } from './rtp';
import type { RtpReceiver } from './RtpReceiver';
import type { V1Server } from './Server';

const logger = new Logger('v1:Room');

/** One entry of the 'audiolevels' event, loudest first. */
export type AudioLevelEntry = {
	/** The receiver carrying the audio. */
	rtpReceiver: RtpReceiver;
	/** Its peer. */
	peer: Peer;
	/** Average level over the last interval, in dBov (-127 to 0). */
	audioLevel: number;
};

export type RoomEvents = {
	close: [Error | undefined];
	newpeer: [Peer];
	audiolevels: [AudioLevelEntry[]];
};

/** How often 'audiolevels' fires while someone speaks, in ms. */
const AUDIO_LEVELS_INTERVAL = 500;

/**
 * mediasoup v1's Room: a set of peers sharing media, over one v3 Router.
 * Usable as soon as `server.Room()` returns; the router is created behind it.
 *
 * Listening to 'audiolevels' creates an AudioLevelObserver fed with every
 * audio receiver of the room (as v1 1.1 reported levels to the application).
 */
export class Room extends EnhancedEventEmitter<RoomEvents> {
	static #nextId = 1;

	/** Unique identifier (number). */
	readonly id: number = Room.#nextId++;

	readonly #server: V1Server;
	readonly #queue = new OperationQueue();
	readonly #mediaCodecs: RouterRtpCodecCapability[];
	readonly #rtpCapabilities: RtpCapabilities;
	readonly #peers = new Map<string, Peer>();
	readonly #routerReady: Promise<Router>;
	// Receivers that are receiving, in the order they started.
	#receivers: RtpReceiver[] = [];
	#worker?: Worker;
	#router?: Router;
	#closed = false;
	#audioLevelObserver?: AudioLevelObserver;
	#audioLevelsRequested = false;

	/** @internal Use `server.Room(mediaCodecs)`. */
	constructor(server: V1Server, mediaCodecs: V1RtpCodec[]) {
		super();

		this.#server = server;
		this.#mediaCodecs = toV3MediaCodecs(mediaCodecs);
		// The same pure computation the router does: the capabilities are
		// known (and invalid codecs refused) before the worker answers.
		this.#rtpCapabilities = generateRouterRtpCapabilities(JSON.parse(JSON.stringify(this.#mediaCodecs)));

		this.#routerReady = this.#queue.push(async () => {
			const worker = await server._pickWorker();

			if (this.#closed) {
				throw new InvalidStateError('Room closed');
			}

			const router = await worker.createRouter({ mediaCodecs: this.#mediaCodecs });

			if (this.#closed) {
				router.close();
				throw new InvalidStateError('Room closed');
			}

			this.#worker = worker;
			this.#router = router;
			// A worker that died closes its routers before it reports why: the
			// server's 'died' handler closes the room with that error then.
			router.on('workerclose', () => {
				if (!worker.died) {
					this._close();
				}
			});

			return router;
		});
		this.#routerReady.catch((error: Error) => this._close(error));

		(this as EventEmitter).on('newListener', (event: string) => {
			if (event === 'audiolevels') {
				this.#enableAudioLevels();
			}
		});
	}

	/** Whether the room is closed. */
	get closed(): boolean {
		return this.#closed;
	}

	/** The peers in the room, in the order they joined. */
	get peers(): Peer[] {
		return [...this.#peers.values()];
	}

	/** The room's RTP capabilities (v1 shape, with v3's names too). */
	get rtpCapabilities(): V1RtpCapabilities {
		return toV1Capabilities(this.#rtpCapabilities);
	}

	/** @internal The room's capabilities in v3's shape. */
	get _rtpCapabilities(): RtpCapabilities {
		return this.#rtpCapabilities;
	}

	/** @internal The worker the room lives in (once its router exists). */
	get _worker(): Worker | undefined {
		return this.#worker;
	}

	/** @internal The v3 router, once created. */
	get _routerNow(): Router | undefined {
		return this.#router;
	}

	/** @internal Resolves to the v3 router (rejects if the room failed or closed). */
	_router(): Promise<Router> {
		return this.#routerReady;
	}

	/** @internal */
	get _server(): V1Server {
		return this.#server;
	}

	/** The peer with this name, if any. */
	getPeer(name: string): Peer | undefined {
		return this.#peers.get(name);
	}

	/**
	 * A new peer in the room, usable at once. Emits 'newpeer'. Throws
	 * TypeError for a missing name, Error for a name in use and
	 * InvalidStateError if the room is closed.
	 */
	Peer(name: string): Peer {
		logger.debug(`Peer() [name:${name}]`);

		if (this.#closed) {
			throw new InvalidStateError('Room closed');
		}
		if (typeof name !== 'string' || !name) {
			throw new TypeError('peer name must be a non-empty string');
		}
		if (this.#peers.has(name)) {
			throw new Error(`peer already exists [name:"${name}"]`);
		}

		const peer = new Peer(this, name);

		this.#peers.set(name, peer);
		peer.once('close', () => {
			if (this.#peers.get(name) === peer) {
				this.#peers.delete(name);
			}
		});
		this.safeEmit('newpeer', peer);

		return peer;
	}

	/** The room's internals: its capabilities, peers and v3 router dump. */
	async dump(): Promise<Record<string, unknown>> {
		if (this.#closed) {
			throw new InvalidStateError('Room closed');
		}

		const router = await this.#routerReady;

		return {
			id: this.id,
			rtpCapabilities: this.rtpCapabilities,
			peers: await Promise.all(this.peers.map((peer) => peer.dump())),
			router: await router.dump(),
		};
	}

	/** Close the room and, before it, every peer in it. Emits 'close' once. */
	close(): void {
		this._close();
	}

	/** @internal Close, with the error that caused it if any. */
	_close(error?: Error): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');
		this.#closed = true;

		for (const peer of [...this.#peers.values()]) {
			peer._close(error);
		}

		this.#audioLevelObserver?.close();
		this.#router?.close();
		this.safeEmit('close', error);
	}

	/**
	 * @internal A receiver started receiving (first call to receive()):
	 * every other peer that has capabilities gets an RtpSender for it.
	 */
	_onReceiving(receiver: RtpReceiver): void {
		if (this.#closed) {
			return;
		}

		this.#receivers.push(receiver);
		this.#addToAudioLevels(receiver);

		for (const peer of this.#peers.values()) {
			if (peer !== receiver.peer && peer._hasCapabilities && !peer.closed) {
				peer._addRtpSender(receiver);
			}
		}
	}

	/** @internal A receiver's producer was replaced by a new receive(). */
	_onReceiverUpdated(receiver: RtpReceiver): void {
		this.#addToAudioLevels(receiver);
	}

	/** @internal */
	_onReceiverClosed(receiver: RtpReceiver): void {
		this.#receivers = this.#receivers.filter((r) => r !== receiver);
	}

	/** @internal A peer set its capabilities: it gets senders for every receiver already receiving. */
	_onPeerCapabilities(peer: Peer): void {
		for (const receiver of this.#receivers) {
			if (receiver.peer !== peer && !receiver.closed && !peer.closed) {
				peer._addRtpSender(receiver);
			}
		}
	}

	#enableAudioLevels(): void {
		if (this.#audioLevelsRequested || this.#closed) {
			return;
		}

		this.#audioLevelsRequested = true;
		this.#queue.run(
			async () => {
				const router = await this.#routerReady;
				const observer = await router.createAudioLevelObserver({
					maxEntries: 32,
					threshold: -80,
					interval: AUDIO_LEVELS_INTERVAL,
				});

				if (this.#closed) {
					observer.close();
					return;
				}

				this.#audioLevelObserver = observer;
				observer.on('volumes', (volumes: AudioLevelObserverVolume[]) => this.#emitAudioLevels(volumes));
				observer.on('silence', () => this.safeEmit('audiolevels', []));

				for (const receiver of this.#receivers) {
					this.#addToAudioLevels(receiver);
				}
			},
			(error) => logger.warn(`audio levels unavailable: ${error}`),
		);
	}

	#addToAudioLevels(receiver: RtpReceiver): void {
		const observer = this.#audioLevelObserver;
		const producer = receiver._producer;

		if (!observer || !producer || receiver.kind !== 'audio' || producer.closed) {
			return;
		}

		// A producer closing meanwhile makes the request fail: nothing to report then.
		observer.addProducer({ producerId: producer.id }).catch(() => undefined);
	}

	#emitAudioLevels(volumes: AudioLevelObserverVolume[]): void {
		const entries: AudioLevelEntry[] = [];

		for (const { producer, volume } of volumes) {
			const receiver = this.#receivers.find((r) => r._producer === producer);

			if (receiver) {
				entries.push({ rtpReceiver: receiver, peer: receiver.peer, audioLevel: volume });
			}
		}

		this.safeEmit('audiolevels', entries);
	}
}
