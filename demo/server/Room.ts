/**
 * A room: one broth Router on one worker, its peers, and an
 * ActiveSpeakerObserver. Every client request lands in handle(); a peer can
 * only name objects in its own maps, so it can't touch anyone else's.
 */
import { randomUUID } from 'node:crypto';
import type { types } from '../../src';
import type { DemoConfig } from './config';
import type { Logger } from './log';
import { Connection, RequestError } from './Connection';
import * as v from './validate';
import type { JoinResponse, NewConsumerData, PeerInfo, ProducerSource } from '../shared/protocol';

export const mediaCodecs: types.RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
	{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2, 'x-google-start-bitrate': 1000 } },
	{
		kind: 'video',
		mimeType: 'video/H264',
		clockRate: 90000,
		parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 1000 },
	},
];

type TransportAppData = { peerId: string; producing: boolean; consuming: boolean };
type ProducerAppData = { peerId: string; source: ProducerSource };
type ConsumerAppData = { peerId: string; source: ProducerSource };

export type Peer = {
	id: string;
	conn: Connection;
	displayName: string;
	joined: boolean;
	rtpCapabilities?: types.RtpCapabilities;
	transports: Map<string, types.WebRtcTransport<TransportAppData>>;
	producers: Map<string, types.Producer<ProducerAppData>>;
	consumers: Map<string, types.Consumer<ConsumerAppData>>;
};

// ---- request schemas ----
const id = v.uuid;
const schemas: Record<string, v.Check> = {
	getRouterRtpCapabilities: v.obj({}),
	join: v.obj({
		displayName: v.str({ min: 1, max: 64, pattern: /^[^\u0000-\u001f\u007f]+$/ }),
		rtpCapabilities: v.rtpCapabilities,
	}),
	leave: v.obj({}),
	createWebRtcTransport: v.obj({ producing: v.bool, consuming: v.bool, forceTcp: v.opt(v.bool) }),
	connectWebRtcTransport: v.obj({ transportId: id, dtlsParameters: v.dtlsParameters }),
	restartIce: v.obj({ transportId: id }),
	produce: v.obj({
		transportId: id,
		kind: v.str({ oneOf: ['audio', 'video'] }),
		rtpParameters: v.rtpParameters,
		appData: v.obj({ source: v.str({ oneOf: ['mic', 'webcam', 'screen'] }) }, { maxKeys: 8 }),
	}),
	closeProducer: v.obj({ producerId: id }),
	pauseProducer: v.obj({ producerId: id }),
	resumeProducer: v.obj({ producerId: id }),
	pauseConsumer: v.obj({ consumerId: id }),
	resumeConsumer: v.obj({ consumerId: id }),
	getTransportStats: v.obj({ transportId: id }),
	getProducerStats: v.obj({ producerId: id }),
	getConsumerStats: v.obj({ consumerId: id }),
};

export const methods = Object.keys(schemas);

/** Methods allowed before join (mediasoup's usual order: caps, transports, join). */
const beforeJoin = new Set(['getRouterRtpCapabilities', 'createWebRtcTransport', 'connectWebRtcTransport', 'restartIce', 'getTransportStats', 'join', 'leave']);

export class Room {
	readonly id: string;
	readonly router: types.Router;
	readonly worker: types.Worker;
	readonly peers = new Map<string, Peer>();
	readonly #aso: types.ActiveSpeakerObserver;
	readonly #config: DemoConfig;
	readonly #log: Logger;
	#activeSpeaker: string | null = null;
	#closed = false;
	readonly #onClose: () => void;

	static async create(roomId: string, worker: types.Worker, config: DemoConfig, log: Logger, onClose: () => void): Promise<Room> {
		const router = await worker.createRouter({ mediaCodecs, appData: { roomId } });
		const aso = await router.createActiveSpeakerObserver({ interval: 300 });
		return new Room(roomId, worker, router, aso, config, log, onClose);
	}

	private constructor(
		roomId: string, worker: types.Worker, router: types.Router, aso: types.ActiveSpeakerObserver,
		config: DemoConfig, log: Logger, onClose: () => void,
	) {
		this.id = roomId;
		this.worker = worker;
		this.router = router;
		this.#aso = aso;
		this.#config = config;
		this.#log = log.child({ roomId });
		this.#onClose = onClose;
		aso.on('dominantspeaker', ({ producer }) => {
			const peerId = (producer.appData as ProducerAppData).peerId;
			this.#setActiveSpeaker(peerId);
		});
		router.on('workerclose', () => this.close());
		this.#log.info('room created', { routerId: router.id, workerPid: worker.pid });
	}

	get closed(): boolean {
		return this.#closed;
	}

	joinedPeers(): Peer[] {
		return [...this.peers.values()].filter((p) => p.joined);
	}

	/** A new connection for this room: it becomes a (not yet joined) peer. */
	addConnection(conn: Connection): Peer | undefined {
		if (this.#closed) return undefined;
		if (this.peers.size >= this.#config.limits.maxPeersPerRoom) return undefined;
		const peer: Peer = {
			id: randomUUID(),
			conn,
			displayName: '',
			joined: false,
			transports: new Map(),
			producers: new Map(),
			consumers: new Map(),
		};
		this.peers.set(peer.id, peer);
		conn.setHandler((method, data) => this.#handle(peer, method, data));
		conn.onClose(() => this.#removePeer(peer));
		this.#log.info('peer connected', { peerId: peer.id });
		return peer;
	}

	/** Tell everyone, then close the router (its transports, producers and consumers go with it). */
	close(notifyPeers = false): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const peer of this.peers.values()) {
			if (notifyPeers) peer.conn.notify('serverShutdown', {});
			peer.conn.close(1001, 'room closed');
		}
		this.peers.clear();
		this.router.close();
		this.#log.info('room closed');
		this.#onClose();
	}

	async #handle(peer: Peer, method: string, data: unknown): Promise<unknown> {
		if (this.#closed) throw new RequestError('shutting_down', 'room is closed');
		// Own keys only: 'constructor' or '__proto__' must not find Object's.
		const schema = Object.hasOwn(schemas, method) ? schemas[method] : undefined;
		if (!schema) throw new RequestError('unknown_method', `unknown method ${JSON.stringify(method.slice(0, 32))}`);
		const err = schema(data, 'data');
		if (err) throw new RequestError('bad_request', err);
		if (!peer.joined && !beforeJoin.has(method)) throw new RequestError('not_joined', `${method} needs join first`);
		const d = data as Record<string, any>;

		switch (method) {
			case 'getRouterRtpCapabilities':
				return this.router.rtpCapabilities;

			case 'join':
				return this.#join(peer, d.displayName, d.rtpCapabilities);

			case 'leave':
				this.#leave(peer);
				return {};

			case 'createWebRtcTransport':
				return this.#createTransport(peer, d.producing, d.consuming, d.forceTcp === true);

			case 'connectWebRtcTransport':
				await this.#transport(peer, d.transportId).connect({ dtlsParameters: d.dtlsParameters });
				return {};

			case 'restartIce':
				return { iceParameters: await this.#transport(peer, d.transportId).restartIce() };

			case 'produce':
				return this.#produce(peer, d.transportId, d.kind, d.rtpParameters, d.appData.source);

			case 'closeProducer': {
				const producer = this.#producer(peer, d.producerId);
				producer.close();
				peer.producers.delete(producer.id);
				return {};
			}
			case 'pauseProducer':
				await this.#producer(peer, d.producerId).pause();
				return {};
			case 'resumeProducer':
				await this.#producer(peer, d.producerId).resume();
				return {};
			case 'pauseConsumer':
				await this.#consumer(peer, d.consumerId).pause();
				return {};
			case 'resumeConsumer':
				await this.#consumer(peer, d.consumerId).resume();
				return {};
			case 'getTransportStats':
				return this.#transport(peer, d.transportId).getStats();
			case 'getProducerStats':
				return this.#producer(peer, d.producerId).getStats();
			case 'getConsumerStats':
				return this.#consumer(peer, d.consumerId).getStats();
		}
		throw new RequestError('unknown_method', method);
	}

	#transport(peer: Peer, transportId: string): types.WebRtcTransport<TransportAppData> {
		const t = peer.transports.get(transportId);
		if (!t) throw new RequestError('not_found', 'no such transport of yours');
		return t;
	}

	#producer(peer: Peer, producerId: string): types.Producer<ProducerAppData> {
		const p = peer.producers.get(producerId);
		if (!p) throw new RequestError('not_found', 'no such producer of yours');
		return p;
	}

	#consumer(peer: Peer, consumerId: string): types.Consumer<ConsumerAppData> {
		const c = peer.consumers.get(consumerId);
		if (!c) throw new RequestError('not_found', 'no such consumer of yours');
		return c;
	}

	async #createTransport(peer: Peer, producing: boolean, consuming: boolean, forceTcp: boolean): Promise<unknown> {
		if (peer.transports.size >= this.#config.limits.maxTransportsPerPeer) {
			throw new RequestError('limit', `at most ${this.#config.limits.maxTransportsPerPeer} transports per peer`);
		}
		const { listenIp, announcedAddress } = this.#config;
		const transport = await this.router.createWebRtcTransport<TransportAppData>({
			listenInfos: [
				{ protocol: 'udp', ip: listenIp, announcedAddress },
				{ protocol: 'tcp', ip: listenIp, announcedAddress },
			],
			enableUdp: !forceTcp,
			enableTcp: true,
			preferUdp: true,
			initialAvailableOutgoingBitrate: 1_000_000,
			appData: { peerId: peer.id, producing, consuming },
		});
		if (this.#closed || peer.conn.closed) {
			transport.close();
			throw new RequestError('shutting_down', 'peer is gone');
		}
		peer.transports.set(transport.id, transport);
		transport.on('routerclose', () => peer.transports.delete(transport.id));
		transport.on('dtlsstatechange', (state) => {
			if (state === 'failed' || state === 'closed') this.#log.warn('transport DTLS state', { peerId: peer.id, transportId: transport.id, state });
		});
		transport.observer.on('close', () => peer.transports.delete(transport.id));
		return {
			id: transport.id,
			iceParameters: transport.iceParameters,
			iceCandidates: transport.iceCandidates,
			dtlsParameters: transport.dtlsParameters,
			sctpParameters: transport.sctpParameters,
		};
	}

	#join(peer: Peer, displayName: string, rtpCapabilities: types.RtpCapabilities): JoinResponse {
		if (peer.joined) throw new RequestError('already_joined', 'already joined');
		peer.displayName = displayName;
		peer.rtpCapabilities = rtpCapabilities;
		peer.joined = true;

		const others = this.joinedPeers().filter((p) => p !== peer);
		const response: JoinResponse = {
			peerId: peer.id,
			peers: others.map((p): PeerInfo => ({ id: p.id, displayName: p.displayName })),
		};
		for (const other of others) other.conn.notify('newPeer', { id: peer.id, displayName });
		this.#log.info('peer joined', { peerId: peer.id, displayName });

		// After the response is on its way: consume what the others already send.
		setImmediate(() => {
			for (const other of others) {
				for (const producer of other.producers.values()) void this.#createConsumer(peer, other, producer);
			}
			if (this.#activeSpeaker) peer.conn.notify('activeSpeaker', { peerId: this.#activeSpeaker });
		});
		return response;
	}

	/** Close the peer's objects and tell the others; the connection may join again. */
	#leave(peer: Peer): void {
		for (const t of peer.transports.values()) t.close();
		peer.transports.clear();
		peer.producers.clear();
		peer.consumers.clear();
		if (peer.joined) {
			peer.joined = false;
			for (const other of this.joinedPeers()) other.conn.notify('peerClosed', { peerId: peer.id });
			if (this.#activeSpeaker === peer.id) this.#setActiveSpeaker(null);
			this.#log.info('peer left', { peerId: peer.id });
		}
	}

	#removePeer(peer: Peer): void {
		if (!this.peers.has(peer.id)) return;
		this.#leave(peer);
		this.peers.delete(peer.id);
		this.#log.info('peer disconnected', { peerId: peer.id, ...peer.conn.counts });
		if (this.peers.size === 0) this.close();
	}

	async #produce(peer: Peer, transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters, source: ProducerSource): Promise<unknown> {
		const transport = this.#transport(peer, transportId);
		if (!transport.appData.producing) throw new RequestError('bad_request', 'transport was not created for producing');
		if (peer.producers.size >= this.#config.limits.maxProducersPerPeer) {
			throw new RequestError('limit', `at most ${this.#config.limits.maxProducersPerPeer} producers per peer`);
		}
		if ((source === 'mic') !== (kind === 'audio')) throw new RequestError('bad_request', `source ${source} does not match kind ${kind}`);
		// mediasoup itself matches codecs by MIME type only; a kind/codec mismatch is the client's mistake.
		if (!rtpParameters.codecs.every((c) => c.mimeType.toLowerCase().startsWith(`${kind}/`))) {
			throw new RequestError('bad_request', `codecs do not match kind ${kind}`);
		}

		const producer = await transport.produce<ProducerAppData>({ kind, rtpParameters, appData: { peerId: peer.id, source } });
		if (transport.closed) {
			producer.close();
			throw new RequestError('shutting_down', 'transport is gone');
		}
		peer.producers.set(producer.id, producer);
		producer.observer.on('close', () => peer.producers.delete(producer.id));
		producer.on('score', (score) => peer.conn.notify('producerScore', { producerId: producer.id, score }));
		if (kind === 'audio') {
			this.#aso.addProducer({ producerId: producer.id }).catch((error) => this.#log.warn('activeSpeaker addProducer failed', { error }));
		}
		this.#log.info('producer created', { peerId: peer.id, producerId: producer.id, kind, source });

		setImmediate(() => {
			for (const other of this.joinedPeers()) {
				if (other !== peer) void this.#createConsumer(other, peer, producer);
			}
		});
		return { id: producer.id };
	}

	/**
	 * As mediasoup recommends: create the consumer paused, tell the client, and
	 * resume only once the client has its Consumer (else the first keyframe is lost).
	 */
	async #createConsumer(consumerPeer: Peer, producerPeer: Peer, producer: types.Producer<ProducerAppData>): Promise<void> {
		const caps = consumerPeer.rtpCapabilities;
		if (!consumerPeer.joined || !caps || producer.closed) return;
		if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) return;
		const transport = [...consumerPeer.transports.values()].find((t) => t.appData.consuming);
		if (!transport) return;

		let consumer: types.Consumer<ConsumerAppData>;
		try {
			consumer = await transport.consume<ConsumerAppData>({
				producerId: producer.id,
				rtpCapabilities: caps,
				paused: true,
				appData: { peerId: producerPeer.id, source: producer.appData.source },
			});
		} catch (error) {
			this.#log.warn('consume failed', { peerId: consumerPeer.id, producerId: producer.id, error });
			return;
		}
		const conn = consumerPeer.conn;
		consumerPeer.consumers.set(consumer.id, consumer);
		consumer.observer.on('close', () => consumerPeer.consumers.delete(consumer.id));
		consumer.on('producerclose', () => {
			consumerPeer.consumers.delete(consumer.id);
			conn.notify('consumerClosed', { consumerId: consumer.id });
		});
		consumer.on('producerpause', () => conn.notify('consumerPaused', { consumerId: consumer.id }));
		consumer.on('producerresume', () => conn.notify('consumerResumed', { consumerId: consumer.id }));
		consumer.on('score', (score) => conn.notify('consumerScore', { consumerId: consumer.id, score }));
		consumer.on('layerschange', (layers) => conn.notify('consumerLayersChanged', {
			consumerId: consumer.id,
			spatialLayer: layers ? layers.spatialLayer : null,
			temporalLayer: layers?.temporalLayer ?? null,
		}));

		const data: NewConsumerData = {
			peerId: producerPeer.id,
			producerId: producer.id,
			id: consumer.id,
			kind: consumer.kind,
			rtpParameters: consumer.rtpParameters,
			type: consumer.type,
			appData: { peerId: producerPeer.id, source: producer.appData.source },
			producerPaused: consumer.producerPaused,
		};
		try {
			await conn.request('newConsumer', data, this.#config.limits.consumerAckTimeoutMs);
		} catch (error) {
			this.#log.warn('client did not take the consumer; closing it', { peerId: consumerPeer.id, consumerId: consumer.id, error });
			consumer.close();
			consumerPeer.consumers.delete(consumer.id);
			return;
		}
		if (consumer.closed) return;
		try {
			await consumer.resume();
			conn.notify('consumerScore', { consumerId: consumer.id, score: consumer.score });
		} catch (error) {
			this.#log.warn('consumer resume failed', { consumerId: consumer.id, error });
		}
	}

	#setActiveSpeaker(peerId: string | null): void {
		if (this.#activeSpeaker === peerId) return;
		this.#activeSpeaker = peerId;
		for (const p of this.joinedPeers()) p.conn.notify('activeSpeaker', { peerId });
	}
}
