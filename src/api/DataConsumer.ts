import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import { InvalidStateError } from './errors';
import { encodeDataMessage } from './DataProducer';
import type { AppData } from './types';
import type { SctpStreamParameters } from '../ortc/sctpParametersTypes';
import type {
	DataConsumerDump,
	DataConsumerEvents,
	DataConsumerObserver,
	DataConsumerObserverEvents,
	DataConsumerStat,
	DataConsumerType,
} from './DataConsumerTypes';

const logger = new Logger('DataConsumer');

type DataConsumerInternal = {
	routerId: string;
	transportId: string;
	dataConsumerId: string;
};

type DataConsumerData = {
	dataProducerId: string;
	type: DataConsumerType;
	sctpStreamParameters?: SctpStreamParameters;
	label: string;
	protocol: string;
	bufferedAmountLowThreshold: number;
};

/** A data producer's messages sent to an endpoint (or to the application, for direct ones). */
export class DataConsumer<DataConsumerAppData extends AppData = AppData> extends EnhancedEventEmitter<DataConsumerEvents> {
	readonly #internal: DataConsumerInternal;
	readonly #data: DataConsumerData;
	readonly #channel: Channel;
	#closed = false;
	#paused = false;
	#dataProducerPaused = false;
	#subchannels: number[];
	#appData: DataConsumerAppData;
	readonly #observer: DataConsumerObserver = new EnhancedEventEmitter<DataConsumerObserverEvents>();

	/** @private Use transport.consumeData(). */
	constructor({
		internal,
		data,
		channel,
		paused,
		dataProducerPaused,
		subchannels,
		appData,
	}: {
		internal: DataConsumerInternal;
		data: DataConsumerData;
		channel: Channel;
		paused: boolean;
		dataProducerPaused: boolean;
		subchannels?: number[];
		appData?: DataConsumerAppData;
	}) {
		super();

		logger.debug('constructor()');

		this.#internal = internal;
		this.#data = data;
		this.#channel = channel;
		this.#paused = Boolean(paused);
		this.#dataProducerPaused = Boolean(dataProducerPaused);
		this.#subchannels = subchannels ?? [];
		this.#appData = appData ?? ({} as DataConsumerAppData);

		this.#handleWorkerNotifications();
		logListenerErrors(this, logger);
	}

	get id(): string {
		return this.#internal.dataConsumerId;
	}

	get dataProducerId(): string {
		return this.#data.dataProducerId;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get type(): DataConsumerType {
		return this.#data.type;
	}

	get sctpStreamParameters(): SctpStreamParameters | undefined {
		return this.#data.sctpStreamParameters;
	}

	get label(): string {
		return this.#data.label;
	}

	get protocol(): string {
		return this.#data.protocol;
	}

	get paused(): boolean {
		return this.#paused;
	}

	get dataProducerPaused(): boolean {
		return this.#dataProducerPaused;
	}

	/** A copy: changing it does not change the subscriptions. */
	get subchannels(): number[] {
		return Array.from(this.#subchannels);
	}

	get appData(): DataConsumerAppData {
		return this.#appData;
	}

	set appData(appData: DataConsumerAppData) {
		this.#appData = appData;
	}

	get observer(): DataConsumerObserver {
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
		this.#channel.removeAllListeners(this.#internal.dataConsumerId);

		this.#channel
			.request('transport.closeDataConsumer', this.#internal.transportId, {
				dataConsumerId: this.#internal.dataConsumerId,
			})
			.catch(() => {});

		this.emit('@close');
		this.#observer.safeEmit('close');
	}

	/** @private */
	transportClosed(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('transportClosed()');

		this.#closed = true;
		this.#channel.removeAllListeners(this.#internal.dataConsumerId);

		this.safeEmit('transportclose');
		this.#observer.safeEmit('close');
	}

	async dump(): Promise<DataConsumerDump> {
		logger.debug('dump()');
		this.#assertOpen();

		return this.#channel.request('dataConsumer.dump', this.#internal.dataConsumerId);
	}

	async getStats(): Promise<DataConsumerStat[]> {
		logger.debug('getStats()');
		this.#assertOpen();

		return this.#channel.request('dataConsumer.getStats', this.#internal.dataConsumerId);
	}

	async pause(): Promise<void> {
		logger.debug('pause()');
		this.#assertOpen();

		await this.#channel.request('dataConsumer.pause', this.#internal.dataConsumerId);

		const wasPaused = this.#paused;

		this.#paused = true;

		if (!wasPaused && !this.#dataProducerPaused) {
			this.#observer.safeEmit('pause');
		}
	}

	async resume(): Promise<void> {
		logger.debug('resume()');
		this.#assertOpen();

		await this.#channel.request('dataConsumer.resume', this.#internal.dataConsumerId);

		const wasPaused = this.#paused;

		this.#paused = false;

		if (wasPaused && !this.#dataProducerPaused) {
			this.#observer.safeEmit('resume');
		}
	}

	async setBufferedAmountLowThreshold(threshold: number): Promise<void> {
		logger.debug(`setBufferedAmountLowThreshold() [threshold:${threshold}]`);

		if (typeof threshold !== 'number' || threshold < 0) {
			throw new TypeError('threshold must be a non-negative number');
		}
		this.#assertOpen();

		await this.#channel.request('dataConsumer.setBufferedAmountLowThreshold', this.#internal.dataConsumerId, {
			threshold,
		});
	}

	async getBufferedAmount(): Promise<number> {
		logger.debug('getBufferedAmount()');
		this.#assertOpen();

		const response: { bufferedAmount: number } = await this.#channel.request(
			'dataConsumer.getBufferedAmount',
			this.#internal.dataConsumerId,
		);

		return response.bufferedAmount;
	}

	/** Sends a message to the endpoint of this data consumer, from the application. */
	async send(message: string | Buffer, ppid?: number): Promise<void> {
		const encoded = encodeDataMessage(message, ppid);

		this.#assertOpen();

		await this.#channel.request('dataConsumer.send', this.#internal.dataConsumerId, encoded);
	}

	async setSubchannels(subchannels: number[]): Promise<void> {
		logger.debug('setSubchannels()');

		if (!Array.isArray(subchannels)) {
			throw new TypeError('subchannels must be an array');
		}
		this.#assertOpen();

		const response: { subchannels: number[] } = await this.#channel.request(
			'dataConsumer.setSubchannels',
			this.#internal.dataConsumerId,
			{ subchannels },
		);

		this.#subchannels = response.subchannels;
	}

	async addSubchannel(subchannel: number): Promise<void> {
		logger.debug('addSubchannel()');

		if (typeof subchannel !== 'number') {
			throw new TypeError('subchannel must be a number');
		}
		this.#assertOpen();

		const response: { subchannels: number[] } = await this.#channel.request(
			'dataConsumer.addSubchannel',
			this.#internal.dataConsumerId,
			{ subchannel },
		);

		this.#subchannels = response.subchannels;
	}

	async removeSubchannel(subchannel: number): Promise<void> {
		logger.debug('removeSubchannel()');

		if (typeof subchannel !== 'number') {
			throw new TypeError('subchannel must be a number');
		}
		this.#assertOpen();

		const response: { subchannels: number[] } = await this.#channel.request(
			'dataConsumer.removeSubchannel',
			this.#internal.dataConsumerId,
			{ subchannel },
		);

		this.#subchannels = response.subchannels;
	}

	#handleWorkerNotifications(): void {
		this.#channel.on(this.#internal.dataConsumerId, (event: string, data?: any) => {
			switch (event) {
				case 'dataproducerclose': {
					if (this.#closed) {
						break;
					}

					this.#closed = true;
					this.#channel.removeAllListeners(this.#internal.dataConsumerId);

					this.emit('@dataproducerclose');
					this.safeEmit('dataproducerclose');
					this.#observer.safeEmit('close');
					break;
				}

				case 'dataproducerpause': {
					if (this.#dataProducerPaused) {
						break;
					}

					this.#dataProducerPaused = true;
					this.safeEmit('dataproducerpause');

					if (!this.#paused) {
						this.#observer.safeEmit('pause');
					}
					break;
				}

				case 'dataproducerresume': {
					if (!this.#dataProducerPaused) {
						break;
					}

					this.#dataProducerPaused = false;
					this.safeEmit('dataproducerresume');

					if (!this.#paused) {
						this.#observer.safeEmit('resume');
					}
					break;
				}

				case 'sctpsendbufferfull':
					this.safeEmit('sctpsendbufferfull');
					break;

				case 'bufferedamountlow':
					this.safeEmit('bufferedamountlow', (data as { bufferedAmount: number }).bufferedAmount);
					break;

				case 'message': {
					if (this.#closed) {
						break;
					}

					const { data: payload, ppid } = data as { data: Buffer; ppid: number };

					this.safeEmit('message', payload, ppid);
					break;
				}

				default:
					logger.error(`ignoring unknown event "${event}"`);
			}
		});
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('DataConsumer closed');
		}
	}
}
