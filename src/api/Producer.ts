import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { logListenerErrors, checkTraceEventTypes } from './entityUtils';
import type { Channel } from './Channel';
import { InvalidStateError } from './errors';
import type { AppData } from './types';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import type {
	ProducerDump,
	ProducerEvents,
	ProducerObserver,
	ProducerObserverEvents,
	ProducerScore,
	ProducerStat,
	ProducerTraceEventData,
	ProducerTraceEventType,
	ProducerType,
	ProducerVideoOrientation,
} from './ProducerTypes';

const logger = new Logger('Producer');

const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir', 'sr'];

type ProducerInternal = {
	routerId: string;
	transportId: string;
	producerId: string;
};

type ProducerData = {
	kind: MediaKind;
	rtpParameters: RtpParameters;
	type: ProducerType;
	consumableRtpParameters: RtpParameters;
};

/**
 * A media source injected into a router. This object mirrors the worker's
 * state (paused, score) and turns the worker's notifications into events.
 */
export class Producer<ProducerAppData extends AppData = AppData> extends EnhancedEventEmitter<ProducerEvents> {
	readonly #internal: ProducerInternal;
	readonly #data: ProducerData;
	readonly #channel: Channel;
	#closed = false;
	#paused = false;
	#appData: ProducerAppData;
	#score: ProducerScore[] = [];
	readonly #observer: ProducerObserver = new EnhancedEventEmitter<ProducerObserverEvents>();

	/** @private Use transport.produce(). */
	constructor({
		internal,
		data,
		channel,
		appData,
		paused,
	}: {
		internal: ProducerInternal;
		data: ProducerData;
		channel: Channel;
		appData?: ProducerAppData;
		paused: boolean;
	}) {
		super();

		logger.debug('constructor()');

		this.#internal = internal;
		this.#data = data;
		this.#channel = channel;
		this.#paused = Boolean(paused);
		this.#appData = appData ?? ({} as ProducerAppData);

		this.#handleWorkerNotifications();
		logListenerErrors(this, logger);
	}

	get id(): string {
		return this.#internal.producerId;
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

	get type(): ProducerType {
		return this.#data.type;
	}

	/** @private Parameters every consumer of this producer derives from. */
	get consumableRtpParameters(): RtpParameters {
		return this.#data.consumableRtpParameters;
	}

	get paused(): boolean {
		return this.#paused;
	}

	get score(): ProducerScore[] {
		return this.#score;
	}

	get appData(): ProducerAppData {
		return this.#appData;
	}

	set appData(appData: ProducerAppData) {
		this.#appData = appData;
	}

	get observer(): ProducerObserver {
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
		this.#channel.removeAllListeners(this.#internal.producerId);

		this.#channel
			.request('transport.closeProducer', this.#internal.transportId, { producerId: this.#internal.producerId })
			.catch(() => {});

		this.emit('@close');
		this.#observer.safeEmit('close');
	}

	/** @private The transport closed (so did this producer, in the worker too). */
	transportClosed(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('transportClosed()');

		this.#closed = true;
		this.#channel.removeAllListeners(this.#internal.producerId);

		this.safeEmit('transportclose');
		this.#observer.safeEmit('close');
	}

	async dump(): Promise<ProducerDump> {
		logger.debug('dump()');
		this.#assertOpen();

		return this.#channel.request('producer.dump', this.#internal.producerId);
	}

	async getStats(): Promise<ProducerStat[]> {
		logger.debug('getStats()');
		this.#assertOpen();

		return this.#channel.request('producer.getStats', this.#internal.producerId);
	}

	async pause(): Promise<void> {
		logger.debug('pause()');
		this.#assertOpen();

		await this.#channel.request('producer.pause', this.#internal.producerId);

		const wasPaused = this.#paused;

		this.#paused = true;

		// State may have changed meanwhile (pause()/resume() not awaited): only
		// a real transition is reported.
		if (!wasPaused) {
			this.#observer.safeEmit('pause');
		}
	}

	async resume(): Promise<void> {
		logger.debug('resume()');
		this.#assertOpen();

		await this.#channel.request('producer.resume', this.#internal.producerId);

		const wasPaused = this.#paused;

		this.#paused = false;

		if (wasPaused) {
			this.#observer.safeEmit('resume');
		}
	}

	async enableTraceEvent(types: ProducerTraceEventType[] = []): Promise<void> {
		logger.debug('enableTraceEvent()');

		checkTraceEventTypes(types);
		this.#assertOpen();

		// Unknown types are dropped (with a warning), as mediasoup does.
		const validTypes = types.filter((type) => {
			if (TRACE_EVENT_TYPES.includes(type)) {
				return true;
			}
			logger.warn(`enableTraceEvent() | invalid ProducerTraceEventType: ${type}`);

			return false;
		});

		await this.#channel.request('producer.enableTraceEvent', this.#internal.producerId, { types: validTypes });
	}

	/** Injects an RTP packet (only for producers of a DirectTransport). */
	send(rtpPacket: Buffer): void {
		if (!Buffer.isBuffer(rtpPacket)) {
			throw new TypeError('rtpPacket must be a Buffer');
		}

		// The worker would drop it anyway.
		if (this.#closed) {
			return;
		}

		this.#channel.notify('producer.send', this.#internal.producerId, rtpPacket);
	}

	#handleWorkerNotifications(): void {
		this.#channel.on(this.#internal.producerId, (event: string, data?: any) => {
			switch (event) {
				case 'score': {
					const score = data as ProducerScore[];

					this.#score = score;
					this.safeEmit('score', score);
					this.#observer.safeEmit('score', score);
					break;
				}

				case 'videoorientationchange': {
					const videoOrientation = data as ProducerVideoOrientation;

					this.safeEmit('videoorientationchange', videoOrientation);
					this.#observer.safeEmit('videoorientationchange', videoOrientation);
					break;
				}

				case 'trace': {
					const trace = data as ProducerTraceEventData;

					this.safeEmit('trace', trace);
					this.#observer.safeEmit('trace', trace);
					break;
				}

				default:
					logger.error(`ignoring unknown event "${event}"`);
			}
		});
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('Producer closed');
		}
	}
}
