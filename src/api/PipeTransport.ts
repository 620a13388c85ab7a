import { Logger } from './Logger';
import type { TransportConstructorOptions } from './Transport';
import { SctpTransport } from './SctpTransport';
import { checkAppData } from './utils';
import * as ortc from '../ortc';
import { checkConnectSrtpParameters, checkIp, isPort, srtpParametersToWire } from './transportUtils';
import type { Consumer } from './Consumer';
import type {
	PipeConsumerOptions,
	PipeTransportDump,
	PipeTransportEvents,
	PipeTransportObserverEvents,
	PipeTransportStat,
} from './PipeTransportTypes';
import type { SctpState, TransportTuple } from './TransportTypes';
import type { SctpParameters } from '../ortc/sctpParametersTypes';
import type { SrtpParameters } from '../ortc/srtpParametersTypes';
import type { AppData } from './types';

const logger = new Logger('PipeTransport');

/** @private What the worker answers on creation (its dump). */
export type PipeTransportData = {
	tuple: TransportTuple;
	sctpParameters?: SctpParameters;
	sctpState?: SctpState;
	rtx: boolean;
	srtpParameters?: SrtpParameters;
};

export class PipeTransport<PipeTransportAppData extends AppData = AppData> extends SctpTransport<
	PipeTransportAppData,
	PipeTransportEvents,
	PipeTransportObserverEvents
> {
	readonly #data: Omit<PipeTransportData, 'sctpParameters' | 'sctpState'>;

	/** @private Use router.createPipeTransport(). */
	constructor(options: TransportConstructorOptions<PipeTransportAppData> & { data: PipeTransportData }) {
		super(options);

		logger.debug('constructor()');

		const { data } = options;

		this.#data = {
			tuple: data.tuple,
			rtx: data.rtx,
			srtpParameters: data.srtpParameters,
		};
	}

	get type(): 'pipe' {
		return 'pipe';
	}

	get tuple(): TransportTuple {
		return this.#data.tuple;
	}

	get srtpParameters(): SrtpParameters | undefined {
		return this.#data.srtpParameters;
	}

	override async dump(): Promise<PipeTransportDump> {
		return (await super.dump()) as PipeTransportDump;
	}

	override async getStats(): Promise<PipeTransportStat[]> {
		return (await super.getStats()) as PipeTransportStat[];
	}

	/** Provide the remote pipe transport's IP and port (and its SRTP parameters with SRTP). */
	async connect({
		ip,
		port,
		srtpParameters,
	}: {
		ip: string;
		port: number;
		srtpParameters?: SrtpParameters;
	}): Promise<void> {
		logger.debug('connect()');
		this.assertOpen();

		// A pipe transport always uses AEAD_AES_256_GCM.
		checkConnectSrtpParameters(Boolean(this.#data.srtpParameters), srtpParameters, ['AEAD_AES_256_GCM']);

		checkIp(ip, 'ip');

		if (!isPort(port, false)) {
			throw new TypeError('missing or invalid port');
		}

		const response: { tuple?: TransportTuple } = await this.channel.request(
			'pipeTransport.connect',
			this.internal.transportId,
			{
				ip,
				port,
				srtpParameters: srtpParametersToWire(srtpParameters),
			},
		);

		if (response.tuple) {
			this.#data.tuple = response.tuple;
		}
	}

	/** A pipe consumer: every stream of the producer, unchanged, for another router. */
	override async consume<ConsumerAppData extends AppData = AppData>({
		producerId,
		appData,
	}: PipeConsumerOptions<ConsumerAppData>): Promise<Consumer<ConsumerAppData>> {
		logger.debug('consume()');
		this.assertOpen();

		if (!producerId || typeof producerId !== 'string') {
			throw new TypeError('missing producerId');
		}
		checkAppData(appData);

		const producer = this.getProducerById(producerId);

		if (!producer) {
			throw Error(`Producer with id "${producerId}" not found`);
		}

		const rtpParameters = ortc.getPipeConsumerRtpParameters({
			consumableRtpParameters: producer.consumableRtpParameters,
			enableRtx: this.#data.rtx,
		});

		return this.requestConsumer<ConsumerAppData>({
			producer,
			rtpParameters,
			type: 'pipe',
			paused: false,
			ignoreDtx: false,
			appData,
		});
	}
}
