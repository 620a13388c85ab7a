import type { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { ChannelEntity, ROUTER_CLOSE, type CloseCause } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import { checkAppData, clone, generateUUIDv4, isPlainObject } from './utils';
import * as ortc from '../ortc';
import { Producer } from './Producer';
import { Consumer } from './Consumer';
import { DataProducer } from './DataProducer';
import { DataConsumer } from './DataConsumer';
import type { ProducerOptions } from './ProducerTypes';
import type { ConsumerOptions } from './ConsumerTypes';
import type { DataProducerOptions, DataProducerType } from './DataProducerTypes';
import type { DataConsumerOptions } from './DataConsumerTypes';
import type {
	TransportEvents,
	TransportObserverEvents,
	TransportTraceEventData,
	TransportTraceEventType,
	TransportType,
} from './TransportTypes';
import type { AppData } from './types';
import type { RtpCapabilities, RtpParameters } from '../ortc/rtpParametersTypes';
import type { SctpParameters, SctpStreamParameters } from '../ortc/sctpParametersTypes';
import { TRANSPORT_TRACE_EVENT_TYPES } from './transportUtils';

const logger = new Logger('Transport');

// The WebRtcServer closed: the router learns it from the private event.
const LISTEN_SERVER_CLOSE: CloseCause = {
	log: 'listenServerClosed()',
	privateEvent: '@listenserverclose',
	event: 'listenserverclose',
};

/** @private A transport's ids, and (with their own id) its children's. */
export type TransportInternal = { routerId: string; transportId: string };

/** What every transport needs from its router. @private */
export type TransportConstructorOptions<TransportAppData> = {
	internal: TransportInternal;
	data: { sctpParameters?: SctpParameters };
	channel: Channel;
	appData?: TransportAppData;
	getRouterRtpCapabilities: () => RtpCapabilities;
	getProducerById: (producerId: string) => Producer | undefined;
	getDataProducerById: (dataProducerId: string) => DataProducer | undefined;
};

/** What the worker answers to 'transport.consume'. */
type ConsumeResponse = {
	paused: boolean;
	producerPaused: boolean;
	score?: any;
	preferredLayers?: { spatialLayer: number; temporalLayer?: number };
};

/**
 * The base of the four transport kinds: producers and consumers created on
 * it, data producers and consumers, bitrate limits, traces and the close
 * cascade. The subclasses add their connect() and their own state.
 */
export abstract class Transport<
	TransportAppData extends AppData = AppData,
	Events extends TransportEvents = TransportEvents,
	ObserverEvents extends TransportObserverEvents = TransportObserverEvents,
> extends ChannelEntity<TransportAppData, Events, ObserverEvents> {
	/** @private */
	protected readonly internal: TransportInternal;
	readonly #baseData: { sctpParameters?: SctpParameters };
	readonly #getRouterRtpCapabilities: () => RtpCapabilities;
	/** @private */
	protected readonly getProducerById: (producerId: string) => Producer | undefined;
	/** @private */
	protected readonly getDataProducerById: (dataProducerId: string) => DataProducer | undefined;
	readonly #producers = new Map<string, Producer>();
	/** @private */
	protected readonly consumers = new Map<string, Consumer>();
	/** @private */
	protected readonly dataProducers = new Map<string, DataProducer>();
	/** @private */
	protected readonly dataConsumers = new Map<string, DataConsumer>();
	/** CNAME given to every producer of this transport (RFC 7022: one per endpoint). */
	#cnameForProducers: string | undefined = undefined;
	#nextMidForConsumers = 0;
	#sctpStreamIds: Buffer | undefined = undefined;
	#nextSctpStreamId = 0;

	protected constructor({
		internal,
		data,
		channel,
		appData,
		getRouterRtpCapabilities,
		getProducerById,
		getDataProducerById,
	}: TransportConstructorOptions<TransportAppData>) {
		super({
			name: 'Transport',
			logger,
			channel,
			id: internal.transportId,
			notified: true,
			requestPrefix: 'transport',
			closeRequest: ['router.closeTransport', internal.routerId, { transportId: internal.transportId }],
			appData,
		});

		this.internal = internal;
		this.#baseData = data;
		this.#getRouterRtpCapabilities = getRouterRtpCapabilities;
		this.getProducerById = getProducerById;
		this.getDataProducerById = getDataProducerById;

		logListenerErrors(this, logger);
	}

	abstract get type(): TransportType;

	/** @private For tests. */
	get channelForTesting(): Channel {
		return this.channel;
	}

	/** @private The router closed (or its worker). */
	routerClosed(): void {
		this.closeFrom(ROUTER_CLOSE);
	}

	/** @private The WebRtcServer this transport listens through closed. */
	listenServerClosed(): void {
		this.closeFrom(LISTEN_SERVER_CLOSE);
	}

	async dump(): Promise<unknown> {
		return this.request('dump');
	}

	async getStats(): Promise<unknown[]> {
		return [await this.request('getStats')];
	}

	abstract connect(params: unknown): Promise<void>;

	async setMaxIncomingBitrate(bitrate: number): Promise<void> {
		logger.debug(`setMaxIncomingBitrate() [bitrate:${bitrate}]`);
		this.assertOpen();
		checkBitrate(bitrate);

		await this.channel.request('transport.setMaxIncomingBitrate', this.internal.transportId, { bitrate });
	}

	async setMaxOutgoingBitrate(bitrate: number): Promise<void> {
		logger.debug(`setMaxOutgoingBitrate() [bitrate:${bitrate}]`);
		this.assertOpen();
		checkBitrate(bitrate);

		await this.channel.request('transport.setMaxOutgoingBitrate', this.internal.transportId, { bitrate });
	}

	async setMinOutgoingBitrate(bitrate: number): Promise<void> {
		logger.debug(`setMinOutgoingBitrate() [bitrate:${bitrate}]`);
		this.assertOpen();
		checkBitrate(bitrate);

		await this.channel.request('transport.setMinOutgoingBitrate', this.internal.transportId, { bitrate });
	}

	async produce<ProducerAppData extends AppData = AppData>({
		id = undefined,
		kind,
		rtpParameters,
		paused = false,
		keyFrameRequestDelay,
		appData,
	}: ProducerOptions<ProducerAppData>): Promise<Producer<ProducerAppData>> {
		logger.debug('produce()');
		this.assertOpen();

		if (id && this.#producers.has(id)) {
			throw new TypeError(`a Producer with same id "${id}" already exists`);
		} else if (id !== undefined && (typeof id !== 'string' || !id)) {
			throw new TypeError('if given, id must be a non empty string');
		} else if (!['audio', 'video'].includes(kind)) {
			throw new TypeError(`invalid kind "${String(kind)}"`);
		} else if (typeof paused !== 'boolean') {
			throw new TypeError('if given, paused must be a boolean');
		} else if (
			keyFrameRequestDelay !== undefined &&
			(typeof keyFrameRequestDelay !== 'number' || keyFrameRequestDelay < 0)
		) {
			throw new TypeError('if given, keyFrameRequestDelay must be a non negative number');
		}
		checkAppData(appData);

		const clonedRtpParameters: RtpParameters = clone(rtpParameters);

		// This may throw.
		ortc.validateRtpParameters(clonedRtpParameters);

		if (!Array.isArray(clonedRtpParameters.encodings) || clonedRtpParameters.encodings.length === 0) {
			clonedRtpParameters.encodings = [{}];
		}

		// A pipe transport relays producers of other endpoints: each keeps its CNAME.
		if (this.type !== 'pipe') {
			if (!this.#cnameForProducers && clonedRtpParameters.rtcp?.cname) {
				this.#cnameForProducers = clonedRtpParameters.rtcp.cname;
			} else if (!this.#cnameForProducers) {
				this.#cnameForProducers = generateUUIDv4().slice(0, 8);
			}

			clonedRtpParameters.rtcp = clonedRtpParameters.rtcp ?? {};
			clonedRtpParameters.rtcp.cname = this.#cnameForProducers;
		}

		const routerRtpCapabilities = this.#getRouterRtpCapabilities();
		// These may throw.
		const rtpMapping = ortc.getProducerRtpParametersMapping(clonedRtpParameters, routerRtpCapabilities);
		const consumableRtpParameters = ortc.getConsumableRtpParameters(
			kind,
			clonedRtpParameters,
			routerRtpCapabilities,
			rtpMapping,
		);

		const producerId = id ?? generateUUIDv4();
		const response: { type: 'simple' | 'simulcast' | 'svc' } = await this.channel.request(
			'transport.produce',
			this.internal.transportId,
			{
				producerId,
				kind,
				rtpParameters: clonedRtpParameters,
				rtpMapping,
				keyFrameRequestDelay: keyFrameRequestDelay ?? 0,
				paused,
			},
		);

		const producer = new Producer<ProducerAppData>({
			internal: { ...this.internal, producerId },
			data: {
				kind,
				rtpParameters: clonedRtpParameters,
				type: response.type,
				consumableRtpParameters,
			},
			channel: this.channel,
			appData,
			paused,
		});

		this.#producers.set(producer.id, producer as unknown as Producer);
		producer.on('@close', () => {
			this.#producers.delete(producer.id);
			this.#emitter.emit('@producerclose', producer as unknown as Producer);
		});

		this.#emitter.emit('@newproducer', producer as unknown as Producer);
		this.#observerEmitter.safeEmit('newproducer', producer as unknown as Producer);

		return producer;
	}

	async consume<ConsumerAppData extends AppData = AppData>({
		producerId,
		rtpCapabilities,
		paused = false,
		mid,
		preferredLayers,
		ignoreDtx = false,
		enableRtx,
		pipe = false,
		appData,
	}: ConsumerOptions<ConsumerAppData>): Promise<Consumer<ConsumerAppData>> {
		logger.debug('consume()');
		this.assertOpen();

		if (!producerId || typeof producerId !== 'string') {
			throw new TypeError('missing producerId');
		} else if (mid !== undefined && (typeof mid !== 'string' || mid.length === 0)) {
			throw new TypeError('if given, mid must be non empty string');
		} else if (typeof paused !== 'boolean') {
			throw new TypeError('if given, paused must be a boolean');
		} else if (
			preferredLayers !== undefined &&
			(!isPlainObject(preferredLayers) || typeof preferredLayers.spatialLayer !== 'number')
		) {
			throw new TypeError('if given, preferredLayers must be an object with a numeric spatialLayer');
		}
		checkAppData(appData);

		const clonedRtpCapabilities: RtpCapabilities = clone(rtpCapabilities);

		// This may throw.
		ortc.validateRtpCapabilities(clonedRtpCapabilities);

		const producer = this.getProducerById(producerId);

		if (!producer) {
			throw Error(`Producer with id "${producerId}" not found`);
		}

		// RTX by default for video (retransmissions), not for audio.
		const rtx = enableRtx ?? producer.kind === 'video';

		// This may throw.
		const rtpParameters = ortc.getConsumerRtpParameters({
			consumableRtpParameters: producer.consumableRtpParameters,
			remoteRtpCapabilities: clonedRtpCapabilities,
			pipe,
			enableRtx: rtx,
		});

		if (!pipe) {
			if (mid) {
				rtpParameters.mid = mid;
			} else {
				rtpParameters.mid = `${this.#nextMidForConsumers++}`;

				// MIDs are kept within 8 characters.
				if (this.#nextMidForConsumers === 100000000) {
					logger.error(`consume() | reaching max MID value "${this.#nextMidForConsumers}"`);
					this.#nextMidForConsumers = 0;
				}
			}
		}

		return this.requestConsumer<ConsumerAppData>({
			producer,
			rtpParameters,
			type: pipe ? 'pipe' : producer.type,
			paused,
			preferredLayers,
			ignoreDtx,
			appData,
		});
	}

	/** @private Shared by consume() and PipeTransport's consume(). */
	protected async requestConsumer<ConsumerAppData extends AppData>({
		producer,
		rtpParameters,
		type,
		paused,
		preferredLayers,
		ignoreDtx,
		appData,
	}: {
		producer: Producer;
		rtpParameters: RtpParameters;
		type: string;
		paused: boolean;
		preferredLayers?: { spatialLayer: number; temporalLayer?: number };
		ignoreDtx: boolean;
		appData?: ConsumerAppData;
	}): Promise<Consumer<ConsumerAppData>> {
		const consumerId = generateUUIDv4();
		const response: ConsumeResponse = await this.channel.request('transport.consume', this.internal.transportId, {
			consumerId,
			producerId: producer.id,
			kind: producer.kind,
			rtpParameters,
			type,
			consumableRtpEncodings: producer.consumableRtpParameters.encodings,
			paused,
			preferredLayers,
			ignoreDtx,
		});

		const consumer = new Consumer<ConsumerAppData>({
			internal: { ...this.internal, consumerId },
			data: {
				producerId: producer.id,
				kind: producer.kind,
				rtpParameters,
				type: type as any,
			},
			channel: this.channel,
			appData,
			paused: response.paused,
			producerPaused: response.producerPaused,
			score: response.score ?? undefined,
			preferredLayers: response.preferredLayers
				? {
						spatialLayer: response.preferredLayers.spatialLayer,
						temporalLayer: response.preferredLayers.temporalLayer ?? undefined,
					}
				: undefined,
		});

		this.consumers.set(consumer.id, consumer as unknown as Consumer);
		consumer.on('@close', () => this.consumers.delete(consumer.id));
		consumer.on('@producerclose', () => this.consumers.delete(consumer.id));

		this.#observerEmitter.safeEmit('newconsumer', consumer as unknown as Consumer);

		return consumer;
	}

	async produceData<DataProducerAppData extends AppData = AppData>({
		id = undefined,
		sctpStreamParameters,
		label = '',
		protocol = '',
		paused = false,
		appData,
	}: DataProducerOptions<DataProducerAppData> = {}): Promise<DataProducer<DataProducerAppData>> {
		logger.debug('produceData()');
		this.assertOpen();

		if (id && this.dataProducers.has(id)) {
			throw new TypeError(`a DataProducer with same id "${id}" already exists`);
		} else if (id !== undefined && (typeof id !== 'string' || !id)) {
			throw new TypeError('if given, id must be a non empty string');
		} else if (typeof label !== 'string') {
			throw new TypeError('if given, label must be a string');
		} else if (typeof protocol !== 'string') {
			throw new TypeError('if given, protocol must be a string');
		} else if (typeof paused !== 'boolean') {
			throw new TypeError('if given, paused must be a boolean');
		}
		checkAppData(appData);

		let type: DataProducerType;
		let clonedSctpStreamParameters: SctpStreamParameters | undefined = clone(sctpStreamParameters);

		if (this.type !== 'direct') {
			type = 'sctp';

			// This may throw.
			ortc.validateSctpStreamParameters(clonedSctpStreamParameters!);
		} else {
			type = 'direct';

			if (sctpStreamParameters) {
				logger.warn('produceData() | sctpStreamParameters are ignored when producing data on a DirectTransport');
				clonedSctpStreamParameters = undefined;
			}
		}

		const dataProducerId = id ?? generateUUIDv4();

		await this.channel.request('transport.produceData', this.internal.transportId, {
			dataProducerId,
			type,
			sctpStreamParameters: clonedSctpStreamParameters,
			label,
			protocol,
			paused,
		});

		const dataProducer = new DataProducer<DataProducerAppData>({
			internal: { ...this.internal, dataProducerId },
			data: {
				type,
				sctpStreamParameters: clonedSctpStreamParameters,
				label,
				protocol,
			},
			channel: this.channel,
			paused,
			appData,
		});

		this.dataProducers.set(dataProducer.id, dataProducer as unknown as DataProducer);
		dataProducer.on('@close', () => {
			this.dataProducers.delete(dataProducer.id);
			this.#emitter.emit('@dataproducerclose', dataProducer as unknown as DataProducer);
		});

		this.#emitter.emit('@newdataproducer', dataProducer as unknown as DataProducer);
		this.#observerEmitter.safeEmit('newdataproducer', dataProducer as unknown as DataProducer);

		return dataProducer;
	}

	async consumeData<DataConsumerAppData extends AppData = AppData>({
		dataProducerId,
		ordered,
		maxPacketLifeTime,
		maxRetransmits,
		paused = false,
		subchannels,
		appData,
	}: DataConsumerOptions<DataConsumerAppData>): Promise<DataConsumer<DataConsumerAppData>> {
		logger.debug('consumeData()');
		this.assertOpen();

		if (!dataProducerId || typeof dataProducerId !== 'string') {
			throw new TypeError('missing dataProducerId');
		} else if (ordered !== undefined && typeof ordered !== 'boolean') {
			throw new TypeError('if given, ordered must be a boolean');
		} else if (maxPacketLifeTime !== undefined && typeof maxPacketLifeTime !== 'number') {
			throw new TypeError('if given, maxPacketLifeTime must be a number');
		} else if (maxRetransmits !== undefined && typeof maxRetransmits !== 'number') {
			throw new TypeError('if given, maxRetransmits must be a number');
		} else if (typeof paused !== 'boolean') {
			throw new TypeError('if given, paused must be a boolean');
		} else if (
			subchannels !== undefined &&
			(!Array.isArray(subchannels) || subchannels.some((s) => typeof s !== 'number' || !Number.isFinite(s)))
		) {
			// Values travel as uint16 (as in mediasoup's messages): out of range ones wrap in the worker.
			throw new TypeError('if given, subchannels must be an array of numbers');
		}
		checkAppData(appData);

		const dataProducer = this.getDataProducerById(dataProducerId);

		if (!dataProducer) {
			throw Error(`DataProducer with id "${dataProducerId}" not found`);
		}

		let type: 'sctp' | 'direct';
		let sctpStreamParameters: SctpStreamParameters | undefined;
		let sctpStreamId: number | undefined;

		if (this.type === 'direct') {
			type = 'direct';

			if (ordered !== undefined || maxPacketLifeTime !== undefined || maxRetransmits !== undefined) {
				logger.warn(
					'consumeData() | ordered, maxPacketLifeTime and maxRetransmits are ignored when consuming data on a DirectTransport',
				);
			}
		} else {
			type = 'sctp';

			// This may throw.
			sctpStreamId = this.#getNextSctpStreamId();
			sctpStreamParameters = dataProducer.sctpStreamParameters
				? clone(dataProducer.sctpStreamParameters)
				: { streamId: sctpStreamId, ordered: true };
			sctpStreamParameters.streamId = sctpStreamId;

			if (ordered !== undefined) {
				sctpStreamParameters.ordered = ordered;

				if (ordered) {
					delete sctpStreamParameters.maxPacketLifeTime;
					delete sctpStreamParameters.maxRetransmits;
				}
			}
			if (!ordered) {
				if (maxPacketLifeTime !== undefined) {
					sctpStreamParameters.ordered = false;
					sctpStreamParameters.maxPacketLifeTime = maxPacketLifeTime;
				}
				if (maxRetransmits !== undefined) {
					sctpStreamParameters.ordered = false;
					sctpStreamParameters.maxRetransmits = maxRetransmits;
				}
			}
		}

		const { label, protocol } = dataProducer;
		const dataConsumerId = generateUUIDv4();

		// Reserve the stream id now: a concurrent consumeData() must not take it.
		if (sctpStreamId !== undefined) {
			this.#sctpStreamIds![sctpStreamId] = 1;
		}

		let response: { dataProducerPaused?: boolean; subchannels?: number[] };

		try {
			response = await this.channel.request('transport.consumeData', this.internal.transportId, {
				dataConsumerId,
				dataProducerId,
				type,
				sctpStreamParameters,
				label,
				protocol,
				paused,
				subchannels: subchannels ?? [],
			});
		} catch (error) {
			if (sctpStreamId !== undefined && this.#sctpStreamIds) {
				this.#sctpStreamIds[sctpStreamId] = 0;
			}
			throw error;
		}

		const dataConsumer = new DataConsumer<DataConsumerAppData>({
			internal: { ...this.internal, dataConsumerId },
			data: {
				dataProducerId,
				type,
				sctpStreamParameters,
				label,
				protocol,
				bufferedAmountLowThreshold: 0,
			},
			channel: this.channel,
			paused,
			dataProducerPaused: Boolean(response?.dataProducerPaused),
			// What the worker keeps (unique, wrapped to uint16), as mediasoup takes it from its dump.
			subchannels: response?.subchannels ?? subchannels ?? [],
			appData,
		});

		const releaseStreamId = (): void => {
			this.dataConsumers.delete(dataConsumer.id);
			if (sctpStreamId !== undefined && this.#sctpStreamIds) {
				this.#sctpStreamIds[sctpStreamId] = 0;
			}
		};

		this.dataConsumers.set(dataConsumer.id, dataConsumer as unknown as DataConsumer);
		dataConsumer.on('@close', releaseStreamId);
		dataConsumer.on('@dataproducerclose', releaseStreamId);

		this.#observerEmitter.safeEmit('newdataconsumer', dataConsumer as unknown as DataConsumer);

		return dataConsumer;
	}

	async enableTraceEvent(types: TransportTraceEventType[] = []): Promise<void> {
		logger.debug('enableTraceEvent()');
		this.assertOpen();

		if (!Array.isArray(types)) {
			throw new TypeError('types must be an array');
		} else if (types.find((type) => typeof type !== 'string')) {
			throw new TypeError('every type must be a string');
		}

		// Unknown types are ignored (as mediasoup does).
		const known = types.filter((type) => TRANSPORT_TRACE_EVENT_TYPES.includes(type));

		await this.channel.request('transport.enableTraceEvent', this.internal.transportId, { types: known });
	}

	/**
	 * @private Its children close first; the router is told of closed
	 * producers unless it is the one closing (its tables are cleared anyway).
	 */
	protected override onClosing(cause: CloseCause): void {
		this.#closeChildren(cause !== ROUTER_CLOSE);
	}

	/** @private Subclasses handle their own notifications first, then call this. */
	protected override handleWorkerNotification(event: string, data: any): boolean {
		switch (event) {
			case 'trace':
				this.emitWithObserver('trace', data as TransportTraceEventData);

				return true;

			case 'listenserverclose':
				this.listenServerClosed();

				return true;

			default:
				return false;
		}
	}

	get #emitter(): EnhancedEventEmitter<TransportEvents> {
		return this as unknown as EnhancedEventEmitter<TransportEvents>;
	}

	get #observerEmitter(): EnhancedEventEmitter<TransportObserverEvents> {
		return this.observer as unknown as EnhancedEventEmitter<TransportObserverEvents>;
	}

	/** `tellRouter`: whether closed producers must be reported to the router. */
	#closeChildren(tellRouter: boolean): void {
		for (const producer of this.#producers.values()) {
			producer.transportClosed();
			if (tellRouter) {
				this.#emitter.emit('@producerclose', producer);
			}
		}
		this.#producers.clear();

		for (const consumer of this.consumers.values()) {
			consumer.transportClosed();
		}
		this.consumers.clear();

		for (const dataProducer of this.dataProducers.values()) {
			dataProducer.transportClosed();
			if (tellRouter) {
				this.#emitter.emit('@dataproducerclose', dataProducer);
			}
		}
		this.dataProducers.clear();

		for (const dataConsumer of this.dataConsumers.values()) {
			dataConsumer.transportClosed();
		}
		this.dataConsumers.clear();
	}

	#getNextSctpStreamId(): number {
		const sctpParameters = this.#baseData.sctpParameters;

		if (!sctpParameters || typeof sctpParameters.MIS !== 'number') {
			throw new TypeError('missing sctpParameters.MIS');
		}

		const numStreams = sctpParameters.MIS;

		if (!this.#sctpStreamIds) {
			this.#sctpStreamIds = Buffer.alloc(numStreams, 0);
		}

		for (let idx = 0; idx < this.#sctpStreamIds.length; ++idx) {
			const sctpStreamId = (this.#nextSctpStreamId + idx) % this.#sctpStreamIds.length;

			if (!this.#sctpStreamIds[sctpStreamId]) {
				this.#nextSctpStreamId = sctpStreamId + 1;

				return sctpStreamId;
			}
		}

		throw new Error('no sctpStreamId available');
	}
}

function checkBitrate(bitrate: unknown): void {
	if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) {
		throw new TypeError('bitrate must be a non negative number');
	}
}
