import { Logger } from './Logger';
import { PausableEntity, TRANSPORT_CLOSE, type CloseCause } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import type { TransportInternal } from './Transport';
import { encodeDataMessage } from './DataProducer';
import type { AppData } from './types';
import type { SctpStreamParameters } from '../ortc/sctpParametersTypes';
import type {
	DataConsumerDump,
	DataConsumerEvents,
	DataConsumerObserverEvents,
	DataConsumerStat,
	DataConsumerType,
} from './DataConsumerTypes';

const logger = new Logger('DataConsumer');

// The worker says the data producer closed: the transport hears '@dataproducerclose' first.
const DATA_PRODUCER_CLOSE: CloseCause = { privateEvent: '@dataproducerclose', event: 'dataproducerclose' };

type DataConsumerInternal = TransportInternal & { dataConsumerId: string };

type DataConsumerData = Omit<DataConsumerDump, 'id' | 'paused' | 'dataProducerPaused' | 'subchannels'>;

/** A data producer's messages sent to an endpoint (or to the application, for direct ones). */
export class DataConsumer<DataConsumerAppData extends AppData = AppData> extends PausableEntity<
	DataConsumerAppData,
	DataConsumerEvents,
	DataConsumerObserverEvents
> {
	readonly #data: DataConsumerData;
	#subchannels: number[];

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
		super({
			name: 'DataConsumer',
			logger,
			channel,
			id: internal.dataConsumerId,
			notified: true,
			closeRequest: [
				'transport.closeDataConsumer',
				internal.transportId,
				{ dataConsumerId: internal.dataConsumerId },
			],
			appData,
			paused,
			requestPrefix: 'dataConsumer',
			upstreamPaused: dataProducerPaused,
		});

		this.#data = data;
		this.#subchannels = subchannels ?? [];

		logListenerErrors(this, logger);
	}

	get dataProducerId(): string {
		return this.#data.dataProducerId;
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

	get dataProducerPaused(): boolean {
		return this.upstreamPaused;
	}

	/** A copy: changing it does not change the subscriptions. */
	get subchannels(): number[] {
		return Array.from(this.#subchannels);
	}

	/** @private For tests: simulate worker notifications. */
	get channelForTesting(): Channel {
		return this.channel;
	}

	/** @private */
	transportClosed(): void {
		this.closeFrom(TRANSPORT_CLOSE);
	}

	async dump(): Promise<DataConsumerDump> {
		return this.request('dump');
	}

	async getStats(): Promise<DataConsumerStat[]> {
		return this.request('getStats');
	}

	async setBufferedAmountLowThreshold(threshold: number): Promise<void> {
		logger.debug(`setBufferedAmountLowThreshold() [threshold:${threshold}]`);

		if (typeof threshold !== 'number' || threshold < 0) {
			throw new TypeError('threshold must be a non-negative number');
		}
		this.assertOpen();

		await this.channel.request('dataConsumer.setBufferedAmountLowThreshold', this.id, { threshold });
	}

	async getBufferedAmount(): Promise<number> {
		const response: { bufferedAmount: number } = await this.request('getBufferedAmount');

		return response.bufferedAmount;
	}

	/** Sends a message to the endpoint of this data consumer, from the application. */
	async send(message: string | Buffer, ppid?: number): Promise<void> {
		const encoded = encodeDataMessage(message, ppid);

		this.assertOpen();

		await this.channel.request('dataConsumer.send', this.id, encoded);
	}

	async setSubchannels(subchannels: number[]): Promise<void> {
		logger.debug('setSubchannels()');

		if (!Array.isArray(subchannels)) {
			throw new TypeError('subchannels must be an array');
		}

		await this.#requestSubchannels('dataConsumer.setSubchannels', { subchannels });
	}

	async addSubchannel(subchannel: number): Promise<void> {
		logger.debug('addSubchannel()');
		checkSubchannel(subchannel);

		await this.#requestSubchannels('dataConsumer.addSubchannel', { subchannel });
	}

	async removeSubchannel(subchannel: number): Promise<void> {
		logger.debug('removeSubchannel()');
		checkSubchannel(subchannel);

		await this.#requestSubchannels('dataConsumer.removeSubchannel', { subchannel });
	}

	protected override handleWorkerNotification(event: string, data?: any): boolean {
		switch (event) {
			case 'dataproducerclose':
				this.closeFrom(DATA_PRODUCER_CLOSE);

				return true;

			case 'dataproducerpause':
			case 'dataproducerresume':
				this.setUpstreamPaused(event === 'dataproducerpause', event);

				return true;

			case 'sctpsendbufferfull':
				this.safeEmit('sctpsendbufferfull');

				return true;

			case 'bufferedamountlow':
				this.safeEmit('bufferedamountlow', (data as { bufferedAmount: number }).bufferedAmount);

				return true;

			case 'message': {
				if (!this.closed) {
					const { data: payload, ppid } = data as { data: Buffer; ppid: number };

					this.safeEmit('message', payload, ppid);
				}

				return true;
			}

			default:
				return false;
		}
	}

	/** Subscription changes: the worker answers the resulting set. */
	async #requestSubchannels(method: string, body: object): Promise<void> {
		this.assertOpen();

		const response: { subchannels: number[] } = await this.channel.request(method, this.id, body);

		this.#subchannels = response.subchannels;
	}
}

function checkSubchannel(subchannel: unknown): void {
	if (typeof subchannel !== 'number') {
		throw new TypeError('subchannel must be a number');
	}
}
