import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { logListenerErrors, checkTraceEventTypes } from './entityUtils';
import type { Channel } from './Channel';
import { InvalidStateError } from './errors';
import type { AppData } from './types';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import type { ProducerStat } from './ProducerTypes';
import type {
	ConsumerDump,
	ConsumerEvents,
	ConsumerLayers,
	ConsumerObserver,
	ConsumerObserverEvents,
	ConsumerScore,
	ConsumerStat,
	ConsumerTraceEventData,
	ConsumerTraceEventType,
	ConsumerType,
} from './ConsumerTypes';

const logger = new Logger('Consumer');

const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir'];

type ConsumerInternal = {
	routerId: string;
	transportId: string;
	consumerId: string;
};

type ConsumerData = {
	producerId: string;
	kind: MediaKind;
	rtpParameters: RtpParameters;
	type: ConsumerType;
};

/**
 * A producer's media sent to an endpoint. Mirrors the worker's state (paused,
 * producerPaused, priority, score, layers) and turns its notifications into events.
 */
export class Consumer<ConsumerAppData extends AppData = AppData> extends EnhancedEventEmitter<ConsumerEvents> {
	readonly #internal: ConsumerInternal;
	readonly #data: ConsumerData;
	readonly #channel: Channel;
	#closed = false;
	#appData: ConsumerAppData;
	#paused = false;
	#producerPaused = false;
	#priority = 1;
	#score: ConsumerScore;
	#preferredLayers?: ConsumerLayers;
	#currentLayers?: ConsumerLayers;
	readonly #observer: ConsumerObserver = new EnhancedEventEmitter<ConsumerObserverEvents>();

	/** @private Use transport.consume(). */
	constructor({
		internal,
		data,
		channel,
		appData,
		paused,
		producerPaused,
		score = { score: 10, producerScore: 10, producerScores: [] },
		preferredLayers,
	}: {
		internal: ConsumerInternal;
		data: ConsumerData;
		channel: Channel;
		appData?: ConsumerAppData;
		paused: boolean;
		producerPaused: boolean;
		score?: ConsumerScore;
		preferredLayers?: ConsumerLayers;
	}) {
		super();

		logger.debug('constructor()');

		this.#internal = internal;
		this.#data = data;
		this.#channel = channel;
		this.#paused = Boolean(paused);
		this.#producerPaused = Boolean(producerPaused);
		this.#score = score;
		this.#preferredLayers = preferredLayers;
		this.#appData = appData ?? ({} as ConsumerAppData);

		this.#handleWorkerNotifications();
		logListenerErrors(this, logger);
	}

	get id(): string {
		return this.#internal.consumerId;
	}

	get producerId(): string {
		return this.#data.producerId;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get kind(): MediaKind {
		return this.#data.kind;
	}

	get rtpParameters(): RtpParameters {
		return this.#data.rtpParameters;
	}

	get type(): ConsumerType {
		return this.#data.type;
	}

	get paused(): boolean {
		return this.#paused;
	}

	get producerPaused(): boolean {
		return this.#producerPaused;
	}

	get priority(): number {
		return this.#priority;
	}

	get score(): ConsumerScore {
		return this.#score;
	}

	get preferredLayers(): ConsumerLayers | undefined {
		return this.#preferredLayers;
	}

	get currentLayers(): ConsumerLayers | undefined {
		return this.#currentLayers;
	}

	get appData(): ConsumerAppData {
		return this.#appData;
	}

	set appData(appData: ConsumerAppData) {
		this.#appData = appData;
	}

	get observer(): ConsumerObserver {
		return this.#observer;
	}

	/** @private For tests: simulate worker notifications. */
	get channelForTesting(): Channel {
		return this.#channel;
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');

		this.#closed = true;
		this.#channel.removeAllListeners(this.#internal.consumerId);

		this.#channel
			.request('transport.closeConsumer', this.#internal.transportId, { consumerId: this.#internal.consumerId })
			.catch(() => {});

		this.emit('@close');
		this.#observer.safeEmit('close');
	}

	/** @private The transport closed (so did this consumer, in the worker too). */
	transportClosed(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('transportClosed()');

		this.#closed = true;
		this.#channel.removeAllListeners(this.#internal.consumerId);

		this.safeEmit('transportclose');
		this.#observer.safeEmit('close');
	}

	async dump(): Promise<ConsumerDump> {
		logger.debug('dump()');
		this.#assertOpen();

		return this.#channel.request('consumer.dump', this.#internal.consumerId);
	}

	async getStats(): Promise<(ConsumerStat | ProducerStat)[]> {
		logger.debug('getStats()');
		this.#assertOpen();

		return this.#channel.request('consumer.getStats', this.#internal.consumerId);
	}

	async pause(): Promise<void> {
		logger.debug('pause()');
		this.#assertOpen();

		await this.#channel.request('consumer.pause', this.#internal.consumerId);

		const wasPaused = this.#paused;

		this.#paused = true;

		// The observer reports effective pauses: not when the producer already
		// holds the media back.
		if (!wasPaused && !this.#producerPaused) {
			this.#observer.safeEmit('pause');
		}
	}

	async resume(): Promise<void> {
		logger.debug('resume()');
		this.#assertOpen();

		await this.#channel.request('consumer.resume', this.#internal.consumerId);

		const wasPaused = this.#paused;

		this.#paused = false;

		if (wasPaused && !this.#producerPaused) {
			this.#observer.safeEmit('resume');
		}
	}

	async setPreferredLayers({ spatialLayer, temporalLayer }: ConsumerLayers): Promise<void> {
		logger.debug('setPreferredLayers()');

		if (typeof spatialLayer !== 'number') {
			throw new TypeError('spatialLayer must be a number');
		}
		if (temporalLayer && typeof temporalLayer !== 'number') {
			throw new TypeError('if given, temporalLayer must be a number');
		}
		this.#assertOpen();

		const response: { preferredLayers?: ConsumerLayers } | undefined = await this.#channel.request(
			'consumer.setPreferredLayers',
			this.#internal.consumerId,
			{ spatialLayer, temporalLayer: typeof temporalLayer === 'number' ? temporalLayer : undefined },
		);

		// The worker answers nothing for consumers without layers (simple, pipe).
		const preferredLayers = response?.preferredLayers;

		this.#preferredLayers = preferredLayers
			? { spatialLayer: preferredLayers.spatialLayer, temporalLayer: preferredLayers.temporalLayer ?? undefined }
			: undefined;
	}

	async setPriority(priority: number): Promise<void> {
		logger.debug('setPriority()');

		if (typeof priority !== 'number' || priority < 0) {
			throw new TypeError('priority must be a positive number');
		}
		this.#assertOpen();

		const response: { priority: number } = await this.#channel.request(
			'consumer.setPriority',
			this.#internal.consumerId,
			{ priority },
		);

		this.#priority = response.priority;
	}

	async unsetPriority(): Promise<void> {
		logger.debug('unsetPriority()');

		await this.setPriority(1);
	}

	async requestKeyFrame(): Promise<void> {
		logger.debug('requestKeyFrame()');
		this.#assertOpen();

		await this.#channel.request('consumer.requestKeyFrame', this.#internal.consumerId);
	}

	async enableTraceEvent(types: ConsumerTraceEventType[] = []): Promise<void> {
		logger.debug('enableTraceEvent()');

		checkTraceEventTypes(types);
		this.#assertOpen();

		const validTypes = types.filter((type) => {
			if (TRACE_EVENT_TYPES.includes(type)) {
				return true;
			}
			logger.warn(`enableTraceEvent() | invalid ConsumerTraceEventType: ${type}`);

			return false;
		});

		await this.#channel.request('consumer.enableTraceEvent', this.#internal.consumerId, { types: validTypes });
	}

	#handleWorkerNotifications(): void {
		this.#channel.on(this.#internal.consumerId, (event: string, data?: any) => {
			switch (event) {
				case 'producerclose': {
					if (this.#closed) {
						break;
					}

					this.#closed = true;
					this.#channel.removeAllListeners(this.#internal.consumerId);

					this.emit('@producerclose');
					this.safeEmit('producerclose');
					this.#observer.safeEmit('close');
					break;
				}

				case 'producerpause': {
					if (this.#producerPaused) {
						break;
					}

					this.#producerPaused = true;
					this.safeEmit('producerpause');

					if (!this.#paused) {
						this.#observer.safeEmit('pause');
					}
					break;
				}

				case 'producerresume': {
					if (!this.#producerPaused) {
						break;
					}

					this.#producerPaused = false;
					this.safeEmit('producerresume');

					if (!this.#paused) {
						this.#observer.safeEmit('resume');
					}
					break;
				}

				case 'score': {
					const score = data as ConsumerScore;

					this.#score = score;
					this.safeEmit('score', score);
					this.#observer.safeEmit('score', score);
					break;
				}

				case 'layerschange': {
					const layers: ConsumerLayers | undefined = data
						? { spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer ?? undefined }
						: undefined;

					this.#currentLayers = layers;
					this.safeEmit('layerschange', layers);
					this.#observer.safeEmit('layerschange', layers);
					break;
				}

				case 'trace': {
					const trace = data as ConsumerTraceEventData;

					this.safeEmit('trace', trace);
					this.#observer.safeEmit('trace', trace);
					break;
				}

				case 'rtp': {
					if (this.#closed) {
						break;
					}

					this.safeEmit('rtp', data as Buffer);
					break;
				}

				default:
					logger.error(`ignoring unknown event "${event}"`);
			}
		});
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('Consumer closed');
		}
	}
}
