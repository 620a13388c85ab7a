import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { Transport, type TransportConstructorOptions } from './Transport';
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

export class PlainTransport<PlainTransportAppData extends AppData = AppData> extends Transport<
	PlainTransportAppData,
	PlainTransportEvents,
	PlainTransportObserverEvents
> {
	readonly #data: PlainTransportData;

	/** @private Use router.createPlainTransport(). */
	constructor(options: TransportConstructorOptions<PlainTransportAppData> & { data: PlainTransportData }) {
		super(options, new EnhancedEventEmitter<PlainTransportObserverEvents>());

		logger.debug('constructor()');

		const { data } = options;

		this.#data = {
			rtcpMux: data.rtcpMux,
			comedia: data.comedia,
			tuple: data.tuple,
			rtcpTuple: data.rtcpTuple,
			sctpParameters: data.sctpParameters,
			sctpState: data.sctpState,
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

	get sctpParameters(): SctpParameters | undefined {
		return this.#data.sctpParameters;
	}

	get sctpState(): SctpState | undefined {
		return this.#data.sctpState;
	}

	get srtpParameters(): SrtpParameters | undefined {
		return this.#data.srtpParameters;
	}

	override close(): void {
		if (this.closed) {
			return;
		}
		if (this.#data.sctpState) {
			this.#data.sctpState = 'closed';
		}
		super.close();
	}

	override routerClosed(): void {
		if (this.closed) {
			return;
		}
		if (this.#data.sctpState) {
			this.#data.sctpState = 'closed';
		}
		super.routerClosed();
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
			case 'tuple': {
				const tuple = data.tuple as TransportTuple;

				this.#data.tuple = tuple;
				this.safeEmit('tuple', tuple);
				this.observer.safeEmit('tuple', tuple);

				return true;
			}

			case 'rtcptuple': {
				const rtcpTuple = data.tuple as TransportTuple;

				this.#data.rtcpTuple = rtcpTuple;
				this.safeEmit('rtcptuple', rtcpTuple);
				this.observer.safeEmit('rtcptuple', rtcpTuple);

				return true;
			}

			case 'sctpstatechange': {
				const sctpState = data.sctpState as SctpState;

				this.#data.sctpState = sctpState;
				this.safeEmit('sctpstatechange', sctpState);
				this.observer.safeEmit('sctpstatechange', sctpState);

				return true;
			}

			default:
				return false;
		}
	}
}
