import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import type { Channel } from './Channel';
import { InvalidStateError } from './errors';
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
> extends EnhancedEventEmitter<Events> {
	/** @private */
	protected readonly internal: RtpObserverInternal;
	/** @private */
	protected readonly channel: Channel;
	/** @private */
	protected readonly getProducerById: (producerId: string) => Producer | undefined;
	#closed = false;
	#paused = false;
	#appData: RtpObserverAppData;
	readonly #observer: EnhancedEventEmitter<ObserverEvents>;

	protected constructor({ internal, channel, appData, getProducerById }: RtpObserverConstructorOptions<RtpObserverAppData>) {
		super();

		logger.debug('constructor()');

		this.internal = internal;
		this.channel = channel;
		this.#appData = appData ?? ({} as RtpObserverAppData);
		this.getProducerById = getProducerById;
		this.#observer = new EnhancedEventEmitter<ObserverEvents>();
	}

	get id(): string {
		return this.internal.rtpObserverId;
	}

	get closed(): boolean {
		return this.#closed;
	}

	abstract get type(): RtpObserverType;

	get paused(): boolean {
		return this.#paused;
	}

	get appData(): RtpObserverAppData {
		return this.#appData;
	}

	set appData(appData: RtpObserverAppData) {
		this.#appData = appData;
	}

	get observer(): EnhancedEventEmitter<ObserverEvents> {
		return this.#observer;
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');

		this.#closed = true;
		this.channel.removeAllListeners(this.internal.rtpObserverId);

		this.channel
			.request('router.closeRtpObserver', this.internal.routerId, { rtpObserverId: this.internal.rtpObserverId })
			.catch(() => {});

		this.#self.emit('@close');
		this.#baseObserver.safeEmit('close');
	}

	/** @private The router closed (so did this observer, in the worker too). */
	routerClosed(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('routerClosed()');

		this.#closed = true;
		this.channel.removeAllListeners(this.internal.rtpObserverId);

		this.#self.safeEmit('routerclose');
		this.#baseObserver.safeEmit('close');
	}

	async pause(): Promise<void> {
		logger.debug('pause()');
		this.#assertOpen();

		const wasPaused = this.#paused;

		await this.channel.request('rtpObserver.pause', this.internal.rtpObserverId);

		this.#paused = true;

		if (!wasPaused) {
			this.#baseObserver.safeEmit('pause');
		}
	}

	async resume(): Promise<void> {
		logger.debug('resume()');
		this.#assertOpen();

		const wasPaused = this.#paused;

		await this.channel.request('rtpObserver.resume', this.internal.rtpObserverId);

		this.#paused = false;

		if (wasPaused) {
			this.#baseObserver.safeEmit('resume');
		}
	}

	async addProducer({ producerId }: { producerId: string }): Promise<void> {
		logger.debug('addProducer()');

		const producer = this.getProducerById(producerId);

		if (!producer) {
			throw Error(`Producer with id "${producerId}" not found`);
		}
		this.#assertOpen();

		await this.channel.request('rtpObserver.addProducer', this.internal.rtpObserverId, { producerId });

		this.#baseObserver.safeEmit('addproducer', producer);
	}

	async removeProducer({ producerId }: { producerId: string }): Promise<void> {
		logger.debug('removeProducer()');

		const producer = this.getProducerById(producerId);

		if (!producer) {
			throw Error(`Producer with id "${producerId}" not found`);
		}
		this.#assertOpen();

		await this.channel.request('rtpObserver.removeProducer', this.internal.rtpObserverId, { producerId });

		this.#baseObserver.safeEmit('removeproducer', producer);
	}

	/** This emitter, seen with the events every RTP observer has. */
	get #self(): EnhancedEventEmitter<RtpObserverEvents> {
		return this as unknown as EnhancedEventEmitter<RtpObserverEvents>;
	}

	get #baseObserver(): EnhancedEventEmitter<RtpObserverObserverEvents> {
		return this.#observer as unknown as EnhancedEventEmitter<RtpObserverObserverEvents>;
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('RtpObserver closed');
		}
	}
}
