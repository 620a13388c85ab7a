import { Logger } from './Logger';
import { ChannelEntity, WORKER_CLOSE } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import { checkAppData, clone, generateUUIDv4 } from './utils';
import * as ortc from '../ortc';
import type { AppData } from './types';
import type {
	RouterDump,
	RouterEvents,
	RouterObserverEvents,
	PipeToRouterOptions,
	PipeToRouterResult,
	PipeTransportPair,
} from './RouterTypes';
import type { RtpCapabilities, RouterRtpCodecCapability } from '../ortc/rtpParametersTypes';
import type { Transport } from './Transport';
import type { Producer } from './Producer';
import type { DataProducer } from './DataProducer';
import type { RtpObserver, RtpObserverConstructorOptions } from './RtpObserver';
import type { WebRtcTransport } from './WebRtcTransport';
import type { PlainTransport } from './PlainTransport';
import type { PipeTransport } from './PipeTransport';
import type { DirectTransport } from './DirectTransport';
import type { WebRtcTransportOptions } from './WebRtcTransportTypes';
import type { PlainTransportOptions } from './PlainTransportTypes';
import type { PipeTransportOptions } from './PipeTransportTypes';
import type { DirectTransportOptions } from './DirectTransportTypes';
import type { ActiveSpeakerObserverOptions } from './ActiveSpeakerObserverTypes';
import type { AudioLevelObserverOptions } from './AudioLevelObserverTypes';
import { ActiveSpeakerObserver } from './ActiveSpeakerObserver';
import { AudioLevelObserver } from './AudioLevelObserver';
import * as routerTransports from './routerTransports';

const logger = new Logger('Router');

/**
 * What the transport factories (routerTransports.ts) need from their router.
 * @private
 */
export type RouterContext = {
	routerId: string;
	channel: Channel;
	router: Router;
	getRouterRtpCapabilities: () => RtpCapabilities;
	getProducerById: (producerId: string) => Producer | undefined;
	getDataProducerById: (dataProducerId: string) => DataProducer | undefined;
	/** Track a new transport (its producers, its close) and emit `newtransport`. */
	addTransport: (transport: Transport) => void;
	pipeTransportPairs: Map<string, Promise<PipeTransportPair>>;
	assertOpen: () => void;
};

export class Router<RouterAppData extends AppData = AppData> extends ChannelEntity<
	RouterAppData,
	RouterEvents,
	RouterObserverEvents
> {
	readonly #internal: { routerId: string };
	readonly #data: { rtpCapabilities: RtpCapabilities };
	readonly #transports = new Map<string, Transport>();
	readonly #producers = new Map<string, Producer>();
	readonly #rtpObservers = new Map<string, RtpObserver>();
	readonly #dataProducers = new Map<string, DataProducer>();
	readonly #pipeTransportPairs = new Map<string, Promise<PipeTransportPair>>();
	readonly #context: RouterContext;

	/** @private Use worker.createRouter(). */
	constructor({
		internal,
		data,
		channel,
		appData,
	}: {
		internal: { routerId: string };
		data: { rtpCapabilities: RtpCapabilities };
		channel: Channel;
		appData?: RouterAppData;
	}) {
		super({
			name: 'Router',
			logger,
			channel,
			id: internal.routerId,
			notified: false,
			requestPrefix: 'router',
			closeRequest: ['worker.closeRouter', '', { routerId: internal.routerId }],
			appData,
		});

		this.#internal = internal;
		this.#data = data;
		this.#context = {
			routerId: internal.routerId,
			channel,
			router: this as Router,
			getRouterRtpCapabilities: () => this.#data.rtpCapabilities,
			getProducerById: (producerId) => this.#producers.get(producerId),
			getDataProducerById: (dataProducerId) => this.#dataProducers.get(dataProducerId),
			addTransport: (transport) => this.#addTransport(transport),
			pipeTransportPairs: this.#pipeTransportPairs,
			assertOpen: () => this.assertOpen(),
		};

		logListenerErrors(this, logger);
	}

	get rtpCapabilities(): RtpCapabilities {
		return this.#data.rtpCapabilities;
	}

	/** @private For tests. */
	get transportsForTesting(): Map<string, Transport> {
		return this.#transports;
	}

	/** @private */
	workerClosed(): void {
		this.closeFrom(WORKER_CLOSE);
	}

	async dump(): Promise<RouterDump> {
		return this.request('dump');
	}

	async createWebRtcTransport<T extends AppData = AppData>(options: WebRtcTransportOptions<T>): Promise<WebRtcTransport<T>> {
		logger.debug('createWebRtcTransport()');

		return routerTransports.createWebRtcTransport(this.#context, options);
	}

	async createPlainTransport<T extends AppData = AppData>(options: PlainTransportOptions<T>): Promise<PlainTransport<T>> {
		logger.debug('createPlainTransport()');

		return routerTransports.createPlainTransport(this.#context, options);
	}

	async createPipeTransport<T extends AppData = AppData>(options: PipeTransportOptions<T>): Promise<PipeTransport<T>> {
		logger.debug('createPipeTransport()');

		return routerTransports.createPipeTransport(this.#context, options);
	}

	async createDirectTransport<T extends AppData = AppData>(options: DirectTransportOptions<T> = {}): Promise<DirectTransport<T>> {
		logger.debug('createDirectTransport()');

		return routerTransports.createDirectTransport(this.#context, options);
	}

	async pipeToRouter(options: PipeToRouterOptions): Promise<PipeToRouterResult> {
		logger.debug('pipeToRouter()');

		return routerTransports.pipeToRouter(this.#context, options);
	}

	/** @private */
	addPipeTransportPair(pipeTransportPairKey: string, pipeTransportPairPromise: Promise<PipeTransportPair>): void {
		if (this.#pipeTransportPairs.has(pipeTransportPairKey)) {
			throw new Error('given pipeTransportPairKey already exists in this Router');
		}

		this.#pipeTransportPairs.set(pipeTransportPairKey, pipeTransportPairPromise);

		pipeTransportPairPromise
			.then((pipeTransportPair) => {
				const localPipeTransport = pipeTransportPair[this.id];

				localPipeTransport.observer.once('close', () => {
					this.#pipeTransportPairs.delete(pipeTransportPairKey);
				});
			})
			.catch(() => {
				this.#pipeTransportPairs.delete(pipeTransportPairKey);
			});
	}

	async createActiveSpeakerObserver<T extends AppData = AppData>({
		interval = 300,
		appData,
	}: ActiveSpeakerObserverOptions<T> = {}): Promise<ActiveSpeakerObserver<T>> {
		logger.debug('createActiveSpeakerObserver()');
		this.assertOpen();

		if (typeof interval !== 'number') {
			throw new TypeError('if given, interval must be an number');
		}
		checkAppData(appData);

		return this.#createRtpObserver(
			'createActiveSpeakerObserver',
			{ interval },
			(options) => new ActiveSpeakerObserver<T>({ ...options, appData }),
		);
	}

	async createAudioLevelObserver<T extends AppData = AppData>({
		maxEntries = 1,
		threshold = -80,
		interval = 1000,
		appData,
	}: AudioLevelObserverOptions<T> = {}): Promise<AudioLevelObserver<T>> {
		logger.debug('createAudioLevelObserver()');
		this.assertOpen();

		if (typeof maxEntries !== 'number' || maxEntries <= 0) {
			throw new TypeError('if given, maxEntries must be a positive number');
		} else if (typeof threshold !== 'number' || threshold < -127 || threshold > 0) {
			throw new TypeError('if given, threshold must be a negative number greater than -127');
		} else if (typeof interval !== 'number') {
			throw new TypeError('if given, interval must be an number');
		}
		checkAppData(appData);

		return this.#createRtpObserver(
			'createAudioLevelObserver',
			{ maxEntries, threshold, interval },
			(options) => new AudioLevelObserver<T>({ ...options, appData }),
		);
	}

	canConsume({ producerId, rtpCapabilities }: { producerId: string; rtpCapabilities: RtpCapabilities }): boolean {
		const producer = this.#producers.get(producerId);

		if (!producer) {
			logger.error(`canConsume() | Producer with id "${producerId}" not found`);

			return false;
		}

		try {
			return ortc.canConsume(producer.consumableRtpParameters, clone(rtpCapabilities));
		} catch (error) {
			logger.error(`canConsume() | unexpected error: ${String(error)}`);

			return false;
		}
	}

	updateMediaCodecs(mediaCodecs: RouterRtpCodecCapability[]): void {
		logger.debug('updateMediaCodecs()');

		this.#data.rtpCapabilities = ortc.generateRouterRtpCapabilities(clone(mediaCodecs));
	}

	#addTransport(transport: Transport): void {
		this.#transports.set(transport.id, transport);
		transport.on('@close', () => this.#transports.delete(transport.id));
		transport.on('@listenserverclose', () => this.#transports.delete(transport.id));
		transport.on('@newproducer', (producer: Producer) => this.#producers.set(producer.id, producer));
		transport.on('@producerclose', (producer: Producer) => this.#producers.delete(producer.id));
		transport.on('@newdataproducer', (dataProducer: DataProducer) =>
			this.#dataProducers.set(dataProducer.id, dataProducer),
		);
		transport.on('@dataproducerclose', (dataProducer: DataProducer) =>
			this.#dataProducers.delete(dataProducer.id),
		);
		this.observer.safeEmit('newtransport', transport);
	}

	/** The worker creates it ('router.<action>'), then it is tracked until it closes. */
	async #createRtpObserver<O extends RtpObserver<any, any, any>>(
		action: 'createActiveSpeakerObserver' | 'createAudioLevelObserver',
		settings: object,
		create: (options: Omit<RtpObserverConstructorOptions<never>, 'appData'>) => O,
	): Promise<O> {
		const rtpObserverId = generateUUIDv4();

		await this.channel.request(`router.${action}`, this.#internal.routerId, { rtpObserverId, ...settings });

		const rtpObserver = create({
			internal: { ...this.#internal, rtpObserverId },
			channel: this.channel,
			getProducerById: (producerId: string) => this.#producers.get(producerId),
		});

		this.#rtpObservers.set(rtpObserver.id, rtpObserver as unknown as RtpObserver);
		rtpObserver.on('@close', () => this.#rtpObservers.delete(rtpObserver.id));
		this.observer.safeEmit('newrtpobserver', rtpObserver as unknown as RtpObserver);

		return rtpObserver;
	}

	/** @private Transports (and their children) first, then RTP observers. */
	protected override onClosing(): void {
		for (const transport of this.#transports.values()) {
			transport.routerClosed();
		}
		this.#transports.clear();
		this.#producers.clear();

		for (const rtpObserver of this.#rtpObservers.values()) {
			rtpObserver.routerClosed();
		}
		this.#rtpObservers.clear();
		this.#dataProducers.clear();
	}
}
