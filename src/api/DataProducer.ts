import { Logger } from './Logger';
import { PausableEntity, TRANSPORT_CLOSE } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import type { TransportInternal } from './Transport';
import type { AppData } from './types';
import type { SctpStreamParameters } from '../ortc/sctpParametersTypes';
import type {
	DataProducerDump,
	DataProducerEvents,
	DataProducerObserverEvents,
	DataProducerStat,
	DataProducerType,
} from './DataProducerTypes';

const logger = new Logger('DataProducer');

type DataProducerInternal = TransportInternal & { dataProducerId: string };

type DataProducerData = {
	type: DataProducerType;
	sctpStreamParameters?: SctpStreamParameters;
	label: string;
	protocol: string;
};

/**
 * WebRTC DataChannel PPIDs (RFC 8831 section 8): string 51, binary 53,
 * empty string 56, empty binary 57. Empty messages cannot travel over SCTP,
 * so the "empty" PPIDs carry one dummy byte that receivers ignore.
 */
export const PPID_STRING = 51;
export const PPID_BINARY = 53;
export const PPID_STRING_EMPTY = 56;
export const PPID_BINARY_EMPTY = 57;

/** @private Resolves the PPID and the bytes of a DataChannel message. */
export function encodeDataMessage(message: string | Buffer, ppid?: number): { data: Buffer; ppid: number } {
	if (typeof message !== 'string' && !Buffer.isBuffer(message)) {
		throw new TypeError('message must be a string or a Buffer');
	}

	let resolvedPpid: number;

	if (typeof ppid === 'number') {
		resolvedPpid = ppid;
	} else if (typeof message === 'string') {
		resolvedPpid = message.length > 0 ? PPID_STRING : PPID_STRING_EMPTY;
	} else {
		resolvedPpid = message.length > 0 ? PPID_BINARY : PPID_BINARY_EMPTY;
	}

	let data: Buffer;

	if (resolvedPpid === PPID_STRING_EMPTY) {
		data = Buffer.from(' ');
	} else if (resolvedPpid === PPID_BINARY_EMPTY) {
		data = Buffer.alloc(1);
	} else {
		data = typeof message === 'string' ? Buffer.from(message) : message;
	}

	return { data, ppid: resolvedPpid };
}

/** A source of DataChannel messages injected into a router. */
export class DataProducer<DataProducerAppData extends AppData = AppData> extends PausableEntity<
	DataProducerAppData,
	DataProducerEvents,
	DataProducerObserverEvents
> {
	readonly #data: DataProducerData;

	/** @private Use transport.produceData(). */
	constructor({
		internal,
		data,
		channel,
		paused,
		appData,
	}: {
		internal: DataProducerInternal;
		data: DataProducerData;
		channel: Channel;
		paused: boolean;
		appData?: DataProducerAppData;
	}) {
		super({
			name: 'DataProducer',
			logger,
			channel,
			id: internal.dataProducerId,
			// As mediasoup's: the worker has nothing to tell a data producer.
			notified: false,
			closeRequest: [
				'transport.closeDataProducer',
				internal.transportId,
				{ dataProducerId: internal.dataProducerId },
			],
			appData,
			paused,
			requestPrefix: 'dataProducer',
		});

		this.#data = data;

		logListenerErrors(this, logger);
	}

	get type(): DataProducerType {
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

	/** @private */
	transportClosed(): void {
		this.closeFrom(TRANSPORT_CLOSE);
	}

	async dump(): Promise<DataProducerDump> {
		return this.request('dump');
	}

	async getStats(): Promise<DataProducerStat[]> {
		return this.request('getStats');
	}

	/**
	 * Sends a message (only for data producers of a DirectTransport). With
	 * `subchannels`, only data consumers subscribed to one of them get it; with
	 * `requiredSubchannel`, only those subscribed to that one.
	 */
	send(message: string | Buffer, ppid?: number, subchannels?: number[], requiredSubchannel?: number): void {
		const encoded = encodeDataMessage(message, ppid);

		if (subchannels !== undefined && !Array.isArray(subchannels)) {
			throw new TypeError('if given, subchannels must be an array');
		}
		if (requiredSubchannel !== undefined && typeof requiredSubchannel !== 'number') {
			throw new TypeError('if given, requiredSubchannel must be a number');
		}

		// The worker would drop it anyway.
		if (this.closed) {
			return;
		}

		this.channel.notify('dataProducer.send', this.id, {
			data: encoded.data,
			ppid: encoded.ppid,
			subchannels: subchannels ?? [],
			requiredSubchannel,
		});
	}
}
