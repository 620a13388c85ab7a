import type { RequestHandler } from '../channel';
import type { RtpPacket } from '../../proto/rtp/rtpPacket';
import { WorkerLogger } from '../logger';
import type { WorkerContext } from './context';
import type {
	EngineConsumer,
	EngineDataConsumer,
	EngineDataProducer,
	EngineProducer,
	EngineRtpObserver,
	EngineTransport,
} from './types';
import { createTransport } from './transports';
import { createRtpObserver } from './rtpObservers';

const logger = new WorkerLogger('Router');

/**
 * A router: the transports in it and the routing tables from each producer
 * to its consumers (and data producer to data consumers, producer to the
 * RTP observers watching it).
 */
export class Router implements RequestHandler {
	readonly transports = new Map<string, EngineTransport>();
	readonly rtpObservers = new Map<string, EngineRtpObserver>();
	readonly producers = new Map<string, EngineProducer>();
	readonly producerConsumers = new Map<string, Set<EngineConsumer>>();
	readonly consumerProducer = new Map<EngineConsumer, string>();
	readonly producerObservers = new Map<string, Set<EngineRtpObserver>>();
	readonly dataProducers = new Map<string, EngineDataProducer>();
	readonly dataProducerDataConsumers = new Map<string, Set<EngineDataConsumer>>();
	readonly dataConsumerDataProducer = new Map<EngineDataConsumer, string>();
	#closed = false;

	constructor(readonly id: string, readonly ctx: WorkerContext) {
		ctx.channel.register(id, this);
	}

	get closed(): boolean {
		return this.#closed;
	}

	handleRequest(method: string, data: any): unknown {
		switch (method) {
			case 'router.createWebRtcTransport':
			case 'router.createPlainTransport':
			case 'router.createPipeTransport':
			case 'router.createDirectTransport': {
				const kind = method.slice('router.create'.length);

				this.#checkNewId(data.transportId);

				return createTransport(kind, data.transportId, data, this).then((transport) => {
					if (this.#closed) {
						transport.close();
						throw new Error('Router closed');
					}
					this.transports.set(transport.id, transport);

					return transport.dump();
				});
			}

			case 'router.closeTransport': {
				const transport = this.transports.get(data.transportId);

				if (!transport) {
					throw new Error(`Transport not found [id:${data.transportId}]`);
				}
				this.transports.delete(transport.id);
				transport.close();

				return undefined;
			}

			case 'router.createActiveSpeakerObserver':
			case 'router.createAudioLevelObserver': {
				this.#checkNewId(data.rtpObserverId);
				const kind = method.slice('router.create'.length);
				const observer = createRtpObserver(kind, data.rtpObserverId, data, this);

				this.rtpObservers.set(observer.id, observer);

				return undefined;
			}

			case 'router.closeRtpObserver': {
				const observer = this.rtpObservers.get(data.rtpObserverId);

				if (!observer) {
					throw new Error(`RtpObserver not found [id:${data.rtpObserverId}]`);
				}
				this.#removeRtpObserver(observer);
				observer.close();

				return undefined;
			}

			case 'router.dump':
				return this.dump();

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	dump(): unknown {
		return {
			id: this.id,
			transportIds: [...this.transports.keys()],
			rtpObserverIds: [...this.rtpObservers.keys()],
			mapProducerIdConsumerIds: [...this.producerConsumers].map(([key, set]) => ({
				key,
				values: [...set].map((c) => c.id),
			})),
			mapConsumerIdProducerId: [...this.consumerProducer].map(([c, value]) => ({ key: c.id, value })),
			mapProducerIdObserverIds: [...this.producerObservers].map(([key, set]) => ({
				key,
				values: [...set].map((o) => o.id),
			})),
			mapDataProducerIdDataConsumerIds: [...this.dataProducerDataConsumers].map(([key, set]) => ({
				key,
				values: [...set].map((c) => c.id),
			})),
			mapDataConsumerIdDataProducerId: [...this.dataConsumerDataProducer].map(([c, value]) => ({
				key: c.id,
				value,
			})),
		};
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.ctx.channel.unregister(this.id);

		for (const transport of this.transports.values()) {
			transport.close();
		}
		this.transports.clear();
		for (const observer of this.rtpObservers.values()) {
			observer.close();
		}
		this.rtpObservers.clear();
		logger.debug(`router closed [id:${this.id}]`, 'info');
	}

	// --- called by transports -------------------------------------------------

	/** Throws if the id is already in use anywhere in this worker. */
	checkNewId(id: unknown): void {
		this.#checkNewId(id);
	}

	addProducer(producer: EngineProducer): void {
		if (this.producers.has(producer.id)) {
			throw new Error(`Producer already exists [id:${producer.id}]`);
		}
		this.producers.set(producer.id, producer);
		this.producerConsumers.set(producer.id, new Set());
		this.producerObservers.set(producer.id, new Set());
	}

	getProducer(producerId: string): EngineProducer | undefined {
		return this.producers.get(producerId);
	}

	/** The producer closed: its consumers close too (they notify 'producerclose'). */
	removeProducer(producer: EngineProducer): void {
		this.producers.delete(producer.id);

		const consumers = this.producerConsumers.get(producer.id);

		this.producerConsumers.delete(producer.id);
		for (const consumer of consumers ?? []) {
			this.consumerProducer.delete(consumer);
			consumer.onProducerClosed();
		}

		const observers = this.producerObservers.get(producer.id);

		this.producerObservers.delete(producer.id);
		for (const observer of observers ?? []) {
			observer.producerClosed(producer.id);
		}
	}

	producerPaused(producer: EngineProducer): void {
		for (const consumer of this.producerConsumers.get(producer.id) ?? []) {
			consumer.onProducerPaused();
		}
		for (const observer of this.producerObservers.get(producer.id) ?? []) {
			observer.producerPaused?.(producer.id);
		}
	}

	producerResumed(producer: EngineProducer): void {
		for (const consumer of this.producerConsumers.get(producer.id) ?? []) {
			consumer.onProducerResumed();
		}
		for (const observer of this.producerObservers.get(producer.id) ?? []) {
			observer.producerResumed?.(producer.id);
		}
	}

	/**
	 * The media path: a packet of `producer` (mangled to the router's payload
	 * types, mapped SSRC and extension ids) goes to each of its consumers and to
	 * the RTP observers watching it. One packet object for all: each consumer
	 * rewrites its own copy.
	 */
	onProducerRtpPacket(producer: EngineProducer, packet: RtpPacket, encodingIdx: number, isKeyFrame: boolean, nowMs: number): void {
		const consumers = this.producerConsumers.get(producer.id);

		if (consumers !== undefined && consumers.size > 0) {
			for (const consumer of consumers) {
				consumer.onProducerRtpPacket?.(packet, encodingIdx, isKeyFrame, nowMs);
			}
		}

		const observers = this.producerObservers.get(producer.id);

		if (observers !== undefined && observers.size > 0) {
			for (const observer of observers) {
				observer.receiveRtpPacket?.(producer.id, packet);
			}
		}
	}

	/** A producer stream's score changed: its consumers report theirs (which carry it). */
	onProducerScore(producer: EngineProducer): void {
		for (const consumer of this.producerConsumers.get(producer.id) ?? []) {
			consumer.onProducerScore?.();
		}
	}

	/** Consumers of a producer, for forwarding (may be undefined once it closed). */
	consumersOf(producerId: string): Set<EngineConsumer> | undefined {
		return this.producerConsumers.get(producerId);
	}

	addConsumer(consumer: EngineConsumer, producerId: string): void {
		const set = this.producerConsumers.get(producerId);

		if (!set) {
			throw new Error(`Producer not found [id:${producerId}]`);
		}
		set.add(consumer);
		this.consumerProducer.set(consumer, producerId);
	}

	removeConsumer(consumer: EngineConsumer): void {
		const producerId = this.consumerProducer.get(consumer);

		if (producerId === undefined) {
			return;
		}
		this.consumerProducer.delete(consumer);
		this.producerConsumers.get(producerId)?.delete(consumer);
	}

	addDataProducer(dataProducer: EngineDataProducer): void {
		if (this.dataProducers.has(dataProducer.id)) {
			throw new Error(`DataProducer already exists [id:${dataProducer.id}]`);
		}
		this.dataProducers.set(dataProducer.id, dataProducer);
		this.dataProducerDataConsumers.set(dataProducer.id, new Set());
	}

	getDataProducer(dataProducerId: string): EngineDataProducer | undefined {
		return this.dataProducers.get(dataProducerId);
	}

	removeDataProducer(dataProducer: EngineDataProducer): void {
		this.dataProducers.delete(dataProducer.id);

		const dataConsumers = this.dataProducerDataConsumers.get(dataProducer.id);

		this.dataProducerDataConsumers.delete(dataProducer.id);
		for (const dataConsumer of dataConsumers ?? []) {
			this.dataConsumerDataProducer.delete(dataConsumer);
			dataConsumer.onDataProducerClosed();
		}
	}

	dataProducerPaused(dataProducer: EngineDataProducer): void {
		for (const dataConsumer of this.dataProducerDataConsumers.get(dataProducer.id) ?? []) {
			dataConsumer.onDataProducerPaused?.();
		}
	}

	dataProducerResumed(dataProducer: EngineDataProducer): void {
		for (const dataConsumer of this.dataProducerDataConsumers.get(dataProducer.id) ?? []) {
			dataConsumer.onDataProducerResumed?.();
		}
	}

	dataConsumersOf(dataProducerId: string): Set<EngineDataConsumer> | undefined {
		return this.dataProducerDataConsumers.get(dataProducerId);
	}

	addDataConsumer(dataConsumer: EngineDataConsumer, dataProducerId: string): void {
		const set = this.dataProducerDataConsumers.get(dataProducerId);

		if (!set) {
			throw new Error(`DataProducer not found [id:${dataProducerId}]`);
		}
		set.add(dataConsumer);
		this.dataConsumerDataProducer.set(dataConsumer, dataProducerId);
	}

	removeDataConsumer(dataConsumer: EngineDataConsumer): void {
		const dataProducerId = this.dataConsumerDataProducer.get(dataConsumer);

		if (dataProducerId === undefined) {
			return;
		}
		this.dataConsumerDataProducer.delete(dataConsumer);
		this.dataProducerDataConsumers.get(dataProducerId)?.delete(dataConsumer);
	}

	/** Called by an RTP observer when the application adds a producer to it. */
	addProducerToObserver(observer: EngineRtpObserver, producerId: string): EngineProducer {
		const producer = this.producers.get(producerId);
		const set = this.producerObservers.get(producerId);

		if (!producer || !set) {
			throw new Error(`Producer not found [id:${producerId}]`);
		}
		set.add(observer);

		return producer;
	}

	removeProducerFromObserver(observer: EngineRtpObserver, producerId: string): void {
		this.producerObservers.get(producerId)?.delete(observer);
	}

	#removeRtpObserver(observer: EngineRtpObserver): void {
		this.rtpObservers.delete(observer.id);
		for (const set of this.producerObservers.values()) {
			set.delete(observer);
		}
	}

	#checkNewId(id: unknown): void {
		if (typeof id !== 'string' || !id) {
			throw new TypeError('missing id');
		}
		if (this.ctx.channel.has(id)) {
			throw new Error(`an entity with the given id already exists [id:${id}]`);
		}
	}
}
