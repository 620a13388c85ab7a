import { Logger } from './Logger';
import type { TransportConstructorOptions } from './Transport';
import { SctpTransport } from './SctpTransport';
import {
	ALL_SRTP_CRYPTO_SUITES,
	checkConnectSrtpParameters,
	checkIp,
	isPort,
	srtpParametersToWire,
} from './transportUtils';
import type {
	PlainTransportDump,
	PlainTransportEvents,
	PlainTransportObserverEvents,
	PlainTransportStat,
} from './PlainTransportTypes';
import type { SctpState, TransportTuple } from './TransportTypes';
import type { SctpParameters } from '../ortc/sctpParametersTypes';
import type { SrtpParameters } from '../ortc/srtpParametersTypes';
import type { AppData } from './types';

const logger = new Logger('PlainTransport');

/** @private What the worker answers on creation (its dump). */
export type PlainTransportData = {
	rtcpMux?: boolean;
	comedia?: boolean;
	tuple: TransportTuple;
	rtcpTuple?: TransportTuple;
	sctpParameters?: SctpParameters;
	sctpState?: SctpState;
	srtpParameters?: SrtpParameters;
};

export class PlainTransport<PlainTransportAppData extends AppData = AppData> extends SctpTransport<
	PlainTransportAppData,
	PlainTransportEvents,
	PlainTransportObserverEvents
> {
	readonly #data: Omit<PlainTransportData, 'sctpParameters' | 'sctpState'>;

	/** @private Use router.createPlainTransport(). */
	constructor(options: TransportConstructorOptions<PlainTransportAppData> & { data: PlainTransportData }) {
		super(options);

		logger.debug('constructor()');

		const { data } = options;

		this.#data = {
			rtcpMux: data.rtcpMux,
			comedia: data.comedia,
			tuple: data.tuple,
			rtcpTuple: data.rtcpTuple,
			srtpParameters: data.srtpParameters,
		};
	}

	get type(): 'plain' {
		return 'plain';
	}

	get tuple(): TransportTuple {
		return this.#data.tuple;
	}

	get rtcpTuple(): TransportTuple | undefined {
		return this.#data.rtcpTuple;
	}

	get srtpParameters(): SrtpParameters | undefined {
		return this.#data.srtpParameters;
	}

	override async dump(): Promise<PlainTransportDump> {
		return (await super.dump()) as PlainTransportDump;
	}

	override async getStats(): Promise<PlainTransportStat[]> {
		return (await super.getStats()) as PlainTransportStat[];
	}

	/**
	 * Provide the remote IP and ports (not needed with comedia) and, with SRTP,
	 * the remote SRTP parameters.
	 */
	async connect({
		ip,
		port,
		rtcpPort,
		srtpParameters,
	}: {
		ip?: string;
		port?: number;
		rtcpPort?: number;
		srtpParameters?: SrtpParameters;
	} = {}): Promise<void> {
		logger.debug('connect()');
		this.assertOpen();

		// The same checks the worker makes, so a wrong argument never leaves here.
		checkConnectSrtpParameters(Boolean(this.#data.srtpParameters), srtpParameters, ALL_SRTP_CRYPTO_SUITES);

		if (!this.#data.comedia) {
			checkIp(ip, 'ip');

			if (!isPort(port, false)) {
				throw new TypeError('missing or invalid port');
			}

			if (rtcpPort !== undefined) {
				if (this.#data.rtcpMux) {
					throw new TypeError('cannot set rtcpPort with rtcpMux enabled');
				}
				if (!isPort(rtcpPort, false)) {
					throw new TypeError('invalid rtcpPort');
				}
			} else if (!this.#data.rtcpMux) {
				throw new TypeError('missing rtcpPort (required with rtcpMux disabled)');
			}
		}

		const response: { tuple?: TransportTuple; rtcpTuple?: TransportTuple; srtpParameters?: SrtpParameters } =
			await this.channel.request('plainTransport.connect', this.internal.transportId, {
				ip,
				port,
				rtcpPort,
				srtpParameters: srtpParametersToWire(srtpParameters),
			});

		if (response.tuple) {
			this.#data.tuple = response.tuple;
		}
		if (response.rtcpTuple) {
			this.#data.rtcpTuple = response.rtcpTuple;
		}
		if (response.srtpParameters) {
			this.#data.srtpParameters = response.srtpParameters;
		}
	}

	protected override handleWorkerNotification(event: string, data: any): boolean {
		switch (event) {
			case 'tuple':
				this.#data.tuple = data.tuple as TransportTuple;
				this.emitWithObserver('tuple', this.#data.tuple);

				return true;

			case 'rtcptuple':
				this.#data.rtcpTuple = data.tuple as TransportTuple;
				this.emitWithObserver('rtcptuple', this.#data.rtcpTuple);

				return true;

			default:
				return super.handleWorkerNotification(event, data);
		}
	}
}
