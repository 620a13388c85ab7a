import { Logger } from './Logger';
import { PausableEntity, TRANSPORT_CLOSE, type CloseCause } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import type { TransportInternal } from './Transport';
import type { AppData } from './types';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import type { ProducerStat } from './ProducerTypes';
import type {
	ConsumerDump,
	ConsumerEvents,
	ConsumerLayers,
	ConsumerObserverEvents,
	ConsumerScore,
	ConsumerStat,
	ConsumerTraceEventData,
	ConsumerTraceEventType,
	ConsumerType,
} from './ConsumerTypes';

const logger = new Logger('Consumer');

const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir'];

// The worker says the producer closed: the transport hears '@producerclose' first.
const PRODUCER_CLOSE: CloseCause = { privateEvent: '@producerclose', event: 'producerclose' };

type ConsumerInternal = TransportInternal & { consumerId: string };

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
export class Consumer<ConsumerAppData extends AppData = AppData> extends PausableEntity<
	ConsumerAppData,
	ConsumerEvents,
	ConsumerObserverEvents
> {
	readonly #data: ConsumerData;
	#priority = 1;
	#score: ConsumerScore;
	#preferredLayers?: ConsumerLayers;
	#currentLayers?: ConsumerLayers;

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
		super({
			name: 'Consumer',
			logger,
			channel,
			id: internal.consumerId,
			notified: true,
			closeRequest: ['transport.closeConsumer', internal.transportId, { consumerId: internal.consumerId }],
			appData,
			paused,
			requestPrefix: 'consumer',
			upstreamPaused: producerPaused,
		});

		this.#data = data;
		this.#score = score;
		this.#preferredLayers = preferredLayers;

		logListenerErrors(this, logger);
	}

	get producerId(): string {
		return this.#data.producerId;
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

	get producerPaused(): boolean {
		return this.upstreamPaused;
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

	/** @private For tests: simulate worker notifications. */
	get channelForTesting(): Channel {
		return this.channel;
	}

	/** @private The transport closed (so did this consumer, in the worker too). */
	transportClosed(): void {
		this.closeFrom(TRANSPORT_CLOSE);
	}

	async dump(): Promise<ConsumerDump> {
		return this.request('dump');
	}

	async getStats(): Promise<(ConsumerStat | ProducerStat)[]> {
		return this.request('getStats');
	}

	async setPreferredLayers({ spatialLayer, temporalLayer }: ConsumerLayers): Promise<void> {
		logger.debug('setPreferredLayers()');

		if (typeof spatialLayer !== 'number') {
			throw new TypeError('spatialLayer must be a number');
		}
		if (temporalLayer && typeof temporalLayer !== 'number') {
			throw new TypeError('if given, temporalLayer must be a number');
		}
		this.assertOpen();

		const response: { preferredLayers?: ConsumerLayers } | undefined = await this.channel.request(
			'consumer.setPreferredLayers',
			this.id,
			{ spatialLayer, temporalLayer: typeof temporalLayer === 'number' ? temporalLayer : undefined },
		);

		// The worker answers nothing for consumers without layers (simple, pipe).
		this.#preferredLayers = toLayers(response?.preferredLayers);
	}

	async setPriority(priority: number): Promise<void> {
		logger.debug('setPriority()');

		if (typeof priority !== 'number' || priority < 0) {
			throw new TypeError('priority must be a positive number');
		}
		this.assertOpen();

		const response: { priority: number } = await this.channel.request('consumer.setPriority', this.id, {
			priority,
		});

		this.#priority = response.priority;
	}

	async unsetPriority(): Promise<void> {
		logger.debug('unsetPriority()');

		await this.setPriority(1);
	}

	async requestKeyFrame(): Promise<void> {
		await this.request('requestKeyFrame');
	}

	async enableTraceEvent(types: ConsumerTraceEventType[] = []): Promise<void> {
		await this.requestTraceEvent(types, TRACE_EVENT_TYPES, 'ConsumerTraceEventType');
	}

	protected override handleWorkerNotification(event: string, data?: any): boolean {
		switch (event) {
			case 'producerclose':
				this.closeFrom(PRODUCER_CLOSE);

				return true;

			case 'producerpause':
			case 'producerresume':
				this.setUpstreamPaused(event === 'producerpause', event);

				return true;

			case 'score':
				this.#score = data as ConsumerScore;
				this.emitWithObserver('score', this.#score);

				return true;

			case 'layerschange':
				this.#currentLayers = toLayers(data);
				this.emitWithObserver('layerschange', this.#currentLayers);

				return true;

			case 'trace':
				this.emitWithObserver('trace', data as ConsumerTraceEventData);

				return true;

			case 'rtp':
				if (!this.closed) {
					this.safeEmit('rtp', data as Buffer);
				}

				return true;

			default:
				return false;
		}
	}
}

/** Layers as the worker sends them (temporalLayer may be null) to ConsumerLayers. */
function toLayers(layers: { spatialLayer: number; temporalLayer?: number | null } | undefined | null): ConsumerLayers | undefined {
	return layers ? { spatialLayer: layers.spatialLayer, temporalLayer: layers.temporalLayer ?? undefined } : undefined;
}
