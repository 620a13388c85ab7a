import type { RequestHandler } from '../channel';
import { WorkerLogger } from '../logger';
import { DataProducer, normalizeSctpStreamParameters, type DataMessageSink, type DataProducerData } from './DataProducer';
import type { EngineDataConsumer, TransportOwner } from './types';

const logger = new WorkerLogger('DataConsumer');

export type DataConsumerType = 'sctp' | 'direct';

/** What a transport hands a new data consumer (from the application's consumeData request). */
export type DataConsumerData = {
	dataConsumerId: string;
	dataProducerId: string;
	type: DataConsumerType;
	sctpStreamParameters?: DataProducerData['sctpStreamParameters'];
	label?: string;
	protocol?: string;
	paused?: boolean;
	subchannels?: number[];
};

/**
 * A transport that carries SCTP data consumers implements this (optional
 * in TransportOwner): it sends the message over its association and says
 * whether it was queued.
 */
export interface SctpMessageSender {
	sendSctpMessage(dataConsumer: DataConsumer, data: Buffer, ppid: number): boolean;
}

interface SctpBufferOwner {
	sctpBufferedAmountOf(dataConsumer: DataConsumer): number;
	setSctpBufferedAmountLowThreshold(dataConsumer: DataConsumer, threshold: number): void;
}

function canSendSctp(owner: unknown): owner is SctpMessageSender {
	return typeof (owner as SctpMessageSender | undefined)?.sendSctpMessage === 'function';
}

/** Subchannels travel as uint16 (as in mediasoup's messages): out of range values wrap. Sorted, unique. */
export function normalizeSubchannels(subchannels: unknown): number[] {
	if (subchannels === undefined || subchannels === null) {
		return [];
	}
	if (!Array.isArray(subchannels)) {
		throw new TypeError('subchannels must be an array');
	}

	const set = new Set<number>();

	for (const subchannel of subchannels) {
		if (typeof subchannel !== 'number' || !Number.isFinite(subchannel)) {
			throw new TypeError('every subchannel must be a number');
		}
		set.add(Math.trunc(subchannel) & 0xffff);
	}

	return [...set].sort((a, b) => a - b);
}

/**
 * A data consumer in the worker: where a data producer's messages go, with
 * its own pause state, its data producer's, subchannel subscriptions and
 * counters.
 */
export class DataConsumer implements RequestHandler, EngineDataConsumer, DataMessageSink {
	readonly id: string;
	readonly dataProducerId: string;
	readonly type: DataConsumerType;
	readonly sctpStreamParameters: DataProducerData['sctpStreamParameters'];
	readonly label: string;
	readonly protocol: string;
	paused: boolean;
	dataProducerPaused: boolean;
	bufferedAmountLowThreshold = 0;
	/** Bytes queued or unacknowledged in the SCTP send buffer on this consumer's stream. */
	get bufferedAmount(): number {
		const owner = this.owner as Partial<SctpBufferOwner>;

		return this.type === 'sctp' && owner.sctpBufferedAmountOf ? owner.sctpBufferedAmountOf(this) : 0;
	}
	messagesSent = 0;
	bytesSent = 0;
	#subchannels: Set<number>;
	#closed = false;

	constructor(dataConsumerId: string, data: DataConsumerData, readonly owner: TransportOwner) {
		if (typeof dataConsumerId !== 'string' || !dataConsumerId) {
			throw new TypeError('missing dataConsumerId');
		}
		if (data.type !== 'sctp' && data.type !== 'direct') {
			throw new TypeError(`invalid type "${String(data.type)}"`);
		}

		const ctx = owner.ctx;

		this.id = dataConsumerId;
		this.dataProducerId = data.dataProducerId;
		this.type = data.type;
		this.sctpStreamParameters =
			data.type === 'sctp' ? normalizeSctpStreamParameters(data.sctpStreamParameters) : undefined;
		this.label = typeof data.label === 'string' ? data.label : '';
		this.protocol = typeof data.protocol === 'string' ? data.protocol : '';
		this.paused = Boolean(data.paused);
		this.#subchannels = new Set(normalizeSubchannels(data.subchannels));

		if (ctx.channel.has(dataConsumerId)) {
			throw new Error(`an entity with the given id already exists [id:${dataConsumerId}]`);
		}

		const dataProducer = owner.router.getDataProducer(data.dataProducerId);

		if (!dataProducer) {
			throw new Error(`DataProducer not found [id:${String(data.dataProducerId)}]`);
		}

		this.dataProducerPaused = dataProducer instanceof DataProducer ? dataProducer.paused : false;
		owner.router.addDataConsumer(this, data.dataProducerId);
		ctx.channel.register(dataConsumerId, this);

		logger.debug(`data consumer created [id:${dataConsumerId}, type:${this.type}]`, 'sctp');
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Sorted subchannel subscriptions. */
	get subchannels(): number[] {
		return [...this.#subchannels].sort((a, b) => a - b);
	}

	/** Whether messages go out: neither side paused (SCTP ones also need their association). */
	get active(): boolean {
		return !this.#closed && !this.paused && !this.dataProducerPaused;
	}

	handleRequest(method: string, data: any): unknown {
		switch (method) {
			case 'dataConsumer.dump':
				return this.dump();

			case 'dataConsumer.getStats':
				return [
					{
						type: 'data-consumer',
						timestamp: Date.now(),
						label: this.label,
						protocol: this.protocol,
						messagesSent: this.messagesSent,
						bytesSent: this.bytesSent,
						bufferedAmount: this.bufferedAmount,
					},
				];

			case 'dataConsumer.pause':
				this.paused = true;

				return undefined;

			case 'dataConsumer.resume':
				this.paused = false;

				return undefined;

			case 'dataConsumer.setBufferedAmountLowThreshold': {
				const threshold = data?.threshold;

				if (typeof threshold !== 'number' || threshold < 0) {
					throw new TypeError('invalid threshold');
				}
				this.bufferedAmountLowThreshold = threshold;
				(this.owner as Partial<SctpBufferOwner>).setSctpBufferedAmountLowThreshold?.(this, threshold);

				return undefined;
			}

			case 'dataConsumer.getBufferedAmount':
				return { bufferedAmount: this.bufferedAmount };

			case 'dataConsumer.send': {
				if (!data || !(data.data instanceof Uint8Array) || typeof data.ppid !== 'number') {
					throw new TypeError('invalid message');
				}

				const payload = Buffer.isBuffer(data.data)
					? data.data
					: Buffer.from(data.data.buffer, data.data.byteOffset, data.data.byteLength);

				if (!this.sendMessage(payload, data.ppid, [], undefined)) {
					throw new Error('message send failed');
				}

				return undefined;
			}

			case 'dataConsumer.setSubchannels':
				this.#subchannels = new Set(normalizeSubchannels(data?.subchannels));

				return { subchannels: this.subchannels };

			case 'dataConsumer.addSubchannel':
				for (const subchannel of normalizeSubchannels([data?.subchannel])) {
					this.#subchannels.add(subchannel);
				}

				return { subchannels: this.subchannels };

			case 'dataConsumer.removeSubchannel':
				for (const subchannel of normalizeSubchannels([data?.subchannel])) {
					this.#subchannels.delete(subchannel);
				}

				return { subchannels: this.subchannels };

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	/**
	 * Delivers a message if this consumer is active and subscribed: with a
	 * required subchannel it must hold that one, with a subchannel list at
	 * least one of them. Returns whether it went out.
	 */
	sendMessage(data: Buffer, ppid: number, subchannels: readonly number[], requiredSubchannel?: number): boolean {
		if (!this.active) {
			return false;
		}
		if (requiredSubchannel !== undefined && !this.#subchannels.has(requiredSubchannel & 0xffff)) {
			return false;
		}
		if (subchannels.length > 0 && !subchannels.some((subchannel) => this.#subchannels.has(subchannel & 0xffff))) {
			return false;
		}

		if (this.type === 'direct') {
			this.messagesSent++;
			this.bytesSent += data.length;
			this.owner.ctx.channel.emit(this.id, 'message', { data, ppid });

			return true;
		}

		// SCTP: only the transport's association can carry it.
		if (!canSendSctp(this.owner) || !this.owner.sendSctpMessage(this, data, ppid)) {
			return false;
		}
		this.messagesSent++;
		this.bytesSent += data.length;

		return true;
	}

	dump(): unknown {
		return {
			id: this.id,
			dataProducerId: this.dataProducerId,
			type: this.type,
			sctpStreamParameters: this.sctpStreamParameters,
			label: this.label,
			protocol: this.protocol,
			bufferedAmountLowThreshold: this.bufferedAmountLowThreshold,
			paused: this.paused,
			dataProducerPaused: this.dataProducerPaused,
			subchannels: this.subchannels,
		};
	}

	/** The data producer paused: tell the application (once). */
	onDataProducerPaused(): void {
		if (this.dataProducerPaused) {
			return;
		}
		this.dataProducerPaused = true;
		this.owner.ctx.channel.emit(this.id, 'dataproducerpause');
	}

	onDataProducerResumed(): void {
		if (!this.dataProducerPaused) {
			return;
		}
		this.dataProducerPaused = false;
		this.owner.ctx.channel.emit(this.id, 'dataproducerresume');
	}

	/** The data producer closed: tell the application, then go away. */
	onDataProducerClosed(): void {
		if (this.#closed) {
			return;
		}
		this.owner.ctx.channel.emit(this.id, 'dataproducerclose');
		this.close();
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.owner.ctx.channel.unregister(this.id);
		this.owner.router.removeDataConsumer(this);
		this.owner.onDataConsumerClosed(this);
		logger.debug(`data consumer closed [id:${this.id}]`, 'sctp');
	}
}
