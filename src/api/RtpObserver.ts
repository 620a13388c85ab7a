import type { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { PausableEntity, ROUTER_CLOSE } from './ChannelEntity';
import type { Channel } from './Channel';
import type { AppData } from './types';
import type { Producer } from './Producer';
import type {
	RtpObserverEvents,
	RtpObserverObserverEvents,
	RtpObserverType,
} from './RtpObserverTypes';

const logger = new Logger('RtpObserver');

type RtpObserverInternal = {
	routerId: string;
	rtpObserverId: string;
};

/** @private What Router gives an RTP observer. */
export type RtpObserverConstructorOptions<RtpObserverAppData> = {
	internal: RtpObserverInternal;
	channel: Channel;
	appData?: RtpObserverAppData;
	getProducerById: (producerId: string) => Producer | undefined;
};

/**
 * Base of AudioLevelObserver and ActiveSpeakerObserver: watches a set of audio
 * producers of a router. Subclasses turn the worker's notifications into events.
 */
export abstract class RtpObserver<
	RtpObserverAppData extends AppData = AppData,
	Events extends RtpObserverEvents = RtpObserverEvents,
	ObserverEvents extends RtpObserverObserverEvents = RtpObserverObserverEvents,
> extends PausableEntity<RtpObserverAppData, Events, ObserverEvents> {
	/** @private */
	protected readonly internal: RtpObserverInternal;
	/** @private */
	protected readonly getProducerById: (producerId: string) => Producer | undefined;

	protected constructor({ internal, channel, appData, getProducerById }: RtpObserverConstructorOptions<RtpObserverAppData>) {
		super({
			name: 'RtpObserver',
			logger,
			channel,
			id: internal.rtpObserverId,
			notified: true,
			closeRequest: ['router.closeRtpObserver', internal.routerId, { rtpObserverId: internal.rtpObserverId }],
			appData,
			paused: false,
			requestPrefix: 'rtpObserver',
			readPausedBeforeRequest: true,
		});

		this.internal = internal;
		this.getProducerById = getProducerById;
	}

	abstract get type(): RtpObserverType;

	/** @private The router closed (so did this observer, in the worker too). */
	routerClosed(): void {
		this.closeFrom(ROUTER_CLOSE);
	}

	async addProducer({ producerId }: { producerId: string }): Promise<void> {
		await this.#requestProducer('addProducer', 'addproducer', producerId);
	}

	async removeProducer({ producerId }: { producerId: string }): Promise<void> {
		await this.#requestProducer('removeProducer', 'removeproducer', producerId);
	}

	async #requestProducer(action: 'addProducer' | 'removeProducer', event: 'addproducer' | 'removeproducer', producerId: string): Promise<void> {
		logger.debug(`${action}()`);

		const producer = this.getProducerById(producerId);

		if (!producer) {
			throw Error(`Producer with id "${producerId}" not found`);
		}
		this.assertOpen();

		await this.channel.request(`rtpObserver.${action}`, this.id, { producerId });

		(this.observer as unknown as EnhancedEventEmitter<RtpObserverObserverEvents>).safeEmit(event, producer);
	}
}
