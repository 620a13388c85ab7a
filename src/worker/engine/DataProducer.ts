import type { RequestHandler } from '../channel';
import { WorkerLogger } from '../logger';
import type { EngineDataProducer, TransportOwner } from './types';

const logger = new WorkerLogger('DataProducer');

export type DataProducerType = 'sctp' | 'direct';

/** What a transport hands a new data producer (from the application's produceData request). */
export type DataProducerData = {
	dataProducerId: string;
	type: DataProducerType;
	sctpStreamParameters?: {
		streamId: number;
		ordered?: boolean;
		maxPacketLifeTime?: number;
		maxRetransmits?: number;
	};
	label?: string;
	protocol?: string;
	paused?: boolean;
};

/** Something a data message can be delivered to (a DataConsumer's routing entry). */
export interface DataMessageSink {
	sendMessage(data: Buffer, ppid: number, subchannels: readonly number[], requiredSubchannel?: number): boolean;
}

function isMessageSink(value: unknown): value is DataMessageSink {
	return typeof (value as DataMessageSink | undefined)?.sendMessage === 'function';
}

/** Stream parameters as mediasoup dumps them: absent options are absent, ordered is explicit. */
export function normalizeSctpStreamParameters(params: any): DataProducerData['sctpStreamParameters'] {
	if (!params || typeof params !== 'object' || typeof params.streamId !== 'number') {
		throw new TypeError('missing sctpStreamParameters.streamId');
	}

	const { streamId, maxPacketLifeTime, maxRetransmits } = params;
	const hasLifeTime = typeof maxPacketLifeTime === 'number';
	const hasRetransmits = typeof maxRetransmits === 'number';

	if (hasLifeTime && hasRetransmits) {
		throw new TypeError('cannot provide both maxPacketLifeTime and maxRetransmits');
	}

	// Partial reliability implies unordered delivery (RFC 8831 section 6.1).
	const ordered = typeof params.ordered === 'boolean' ? params.ordered : !(hasLifeTime || hasRetransmits);

	if (ordered && (hasLifeTime || hasRetransmits)) {
		throw new TypeError('cannot be ordered with maxPacketLifeTime or maxRetransmits');
	}

	return {
		streamId,
		ordered,
		maxPacketLifeTime: hasLifeTime ? maxPacketLifeTime : undefined,
		maxRetransmits: hasRetransmits ? maxRetransmits : undefined,
	};
}

/**
 * A data producer in the worker: DataChannel messages enter here (from the
 * SCTP association or, for direct ones, from the application) and go to the
 * data consumers of the router's table.
 */
export class DataProducer implements EngineDataProducer, RequestHandler {
	readonly id: string;
	readonly type: DataProducerType;
	readonly sctpStreamParameters: DataProducerData['sctpStreamParameters'];
	readonly label: string;
	readonly protocol: string;
	messagesReceived = 0;
	bytesReceived = 0;
	#paused: boolean;
	#closed = false;

	constructor(dataProducerId: string, data: DataProducerData, readonly owner: TransportOwner) {
		if (typeof dataProducerId !== 'string' || !dataProducerId) {
			throw new TypeError('missing dataProducerId');
		}
		if (data.type !== 'sctp' && data.type !== 'direct') {
			throw new TypeError(`invalid type "${String(data.type)}"`);
		}

		const ctx = owner.ctx;

		this.id = dataProducerId;
		this.type = data.type;
		this.sctpStreamParameters =
			data.type === 'sctp' ? normalizeSctpStreamParameters(data.sctpStreamParameters) : undefined;
		this.label = typeof data.label === 'string' ? data.label : '';
		this.protocol = typeof data.protocol === 'string' ? data.protocol : '';
		this.#paused = Boolean(data.paused);

		if (ctx.channel.has(dataProducerId)) {
			throw new Error(`an entity with the given id already exists [id:${dataProducerId}]`);
		}

		owner.router.addDataProducer(this);
		ctx.channel.register(dataProducerId, this);

		logger.debug(`data producer created [id:${dataProducerId}, type:${this.type}]`, 'sctp');
	}

	get paused(): boolean {
		return this.#paused;
	}

	get closed(): boolean {
		return this.#closed;
	}

	handleRequest(method: string, _data: any): unknown {
		switch (method) {
			case 'dataProducer.dump':
				return this.dump();

			case 'dataProducer.getStats':
				return [
					{
						type: 'data-producer',
						timestamp: Date.now(),
						label: this.label,
						protocol: this.protocol,
						messagesReceived: this.messagesReceived,
						bytesReceived: this.bytesReceived,
					},
				];

			case 'dataProducer.pause':
				this.pause();

				return undefined;

			case 'dataProducer.resume':
				this.resume();

				return undefined;

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	handleNotification(event: string, data: any): void {
		switch (event) {
			case 'dataProducer.send': {
				// Only the application feeds direct data producers; SCTP ones are fed by their association.
				if (this.type !== 'direct') {
					logger.warn(`dataProducer.send on a non direct DataProducer ignored [id:${this.id}]`);

					return;
				}
				if (!data || !(data.data instanceof Uint8Array) || typeof data.ppid !== 'number') {
					logger.warn('dataProducer.send: invalid message ignored');

					return;
				}

				const payload = Buffer.isBuffer(data.data)
					? data.data
					: Buffer.from(data.data.buffer, data.data.byteOffset, data.data.byteLength);
				const subchannels = Array.isArray(data.subchannels) ? data.subchannels : [];
				const requiredSubchannel = typeof data.requiredSubchannel === 'number' ? data.requiredSubchannel : undefined;

				this.receiveMessage(payload, data.ppid, subchannels, requiredSubchannel);
				break;
			}

			default:
				logger.warn(`unknown notification "${event}"`);
		}
	}

	/** A message entered (from SCTP or the application): count it and hand it to every data consumer. */
	receiveMessage(data: Buffer, ppid: number, subchannels: readonly number[] = [], requiredSubchannel?: number): void {
		this.messagesReceived++;
		this.bytesReceived += data.length;

		// Counted even while paused: it did arrive.
		if (this.#paused) {
			return;
		}

		for (const dataConsumer of this.owner.router.dataConsumersOf(this.id) ?? []) {
			if (isMessageSink(dataConsumer)) {
				dataConsumer.sendMessage(data, ppid, subchannels, requiredSubchannel);
			}
		}
	}

	dump(): unknown {
		return {
			id: this.id,
			type: this.type,
			sctpStreamParameters: this.sctpStreamParameters,
			label: this.label,
			protocol: this.protocol,
			paused: this.#paused,
		};
	}

	pause(): void {
		if (this.#paused) {
			return;
		}
		this.#paused = true;
		this.owner.router.dataProducerPaused(this);
	}

	resume(): void {
		if (!this.#paused) {
			return;
		}
		this.#paused = false;
		this.owner.router.dataProducerResumed(this);
	}

	/** Closes from the application or with its transport: its data consumers get 'dataproducerclose'. */
	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.owner.ctx.channel.unregister(this.id);
		this.owner.router.removeDataProducer(this);
		this.owner.onDataProducerClosed(this);
		logger.debug(`data producer closed [id:${this.id}]`, 'sctp');
	}
}
