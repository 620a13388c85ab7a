import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { Transport, type TransportConstructorOptions } from './Transport';
import { checkDtlsParameters } from './transportUtils';
import type {
	DtlsParameters,
	DtlsRole,
	DtlsState,
	IceCandidate,
	IceParameters,
	IceState,
	WebRtcTransportDump,
	WebRtcTransportEvents,
	WebRtcTransportObserverEvents,
	WebRtcTransportStat,
} from './WebRtcTransportTypes';
import type { SctpState, TransportTuple } from './TransportTypes';
import type { SctpParameters } from '../ortc/sctpParametersTypes';
import type { AppData } from './types';

const logger = new Logger('WebRtcTransport');

/** @private What the worker answers on creation (its dump). */
export type WebRtcTransportData = {
	iceRole: 'controlled';
	iceParameters: IceParameters;
	iceCandidates: IceCandidate[];
	iceState: IceState;
	iceSelectedTuple?: TransportTuple;
	dtlsParameters: DtlsParameters;
	dtlsState: DtlsState;
	dtlsRemoteCert?: string;
	sctpParameters?: SctpParameters;
	sctpState?: SctpState;
};

export class WebRtcTransport<WebRtcTransportAppData extends AppData = AppData> extends Transport<
	WebRtcTransportAppData,
	WebRtcTransportEvents,
	WebRtcTransportObserverEvents
> {
	readonly #data: WebRtcTransportData;

	/** @private Use router.createWebRtcTransport(). */
	constructor(options: TransportConstructorOptions<WebRtcTransportAppData> & { data: WebRtcTransportData }) {
		super(options, new EnhancedEventEmitter<WebRtcTransportObserverEvents>());

		logger.debug('constructor()');

		const { data } = options;

		this.#data = {
			iceRole: data.iceRole,
			iceParameters: data.iceParameters,
			iceCandidates: data.iceCandidates,
			iceState: data.iceState,
			iceSelectedTuple: data.iceSelectedTuple,
			dtlsParameters: data.dtlsParameters,
			dtlsState: data.dtlsState,
			dtlsRemoteCert: data.dtlsRemoteCert,
			sctpParameters: data.sctpParameters,
			sctpState: data.sctpState,
		};
	}

	get type(): 'webrtc' {
		return 'webrtc';
	}

	get iceRole(): 'controlled' {
		return this.#data.iceRole;
	}

	get iceParameters(): IceParameters {
		return this.#data.iceParameters;
	}

	get iceCandidates(): IceCandidate[] {
		return this.#data.iceCandidates;
	}

	get iceState(): IceState {
		return this.#data.iceState;
	}

	get iceSelectedTuple(): TransportTuple | undefined {
		return this.#data.iceSelectedTuple;
	}

	get dtlsParameters(): DtlsParameters {
		return this.#data.dtlsParameters;
	}

	get dtlsState(): DtlsState {
		return this.#data.dtlsState;
	}

	get dtlsRemoteCert(): string | undefined {
		return this.#data.dtlsRemoteCert;
	}

	get sctpParameters(): SctpParameters | undefined {
		return this.#data.sctpParameters;
	}

	get sctpState(): SctpState | undefined {
		return this.#data.sctpState;
	}

	override close(): void {
		if (this.closed) {
			return;
		}
		this.#setClosedState();
		super.close();
	}

	override routerClosed(): void {
		if (this.closed) {
			return;
		}
		this.#setClosedState();
		super.routerClosed();
	}

	override listenServerClosed(): void {
		if (this.closed) {
			return;
		}
		this.#setClosedState();
		super.listenServerClosed();
	}

	override async dump(): Promise<WebRtcTransportDump> {
		return (await super.dump()) as WebRtcTransportDump;
	}

	override async getStats(): Promise<WebRtcTransportStat[]> {
		return (await super.getStats()) as WebRtcTransportStat[];
	}

	/** Provide the remote DTLS parameters (the worker picks its DTLS role from them). */
	async connect({ dtlsParameters }: { dtlsParameters: DtlsParameters }): Promise<void> {
		logger.debug('connect()');
		this.assertOpen();

		// This may throw.
		checkDtlsParameters(dtlsParameters);

		const response: { dtlsLocalRole: DtlsRole } = await this.channel.request(
			'webRtcTransport.connect',
			this.internal.transportId,
			{
				dtlsParameters: {
					fingerprints: dtlsParameters.fingerprints.map(({ algorithm, value }) => ({ algorithm, value })),
					role: dtlsParameters.role ?? 'auto',
				},
			},
		);

		this.#data.dtlsParameters.role = response.dtlsLocalRole;
	}

	/** New local ICE username fragment and password. */
	async restartIce(): Promise<IceParameters> {
		logger.debug('restartIce()');
		this.assertOpen();

		const iceParameters: IceParameters = await this.channel.request(
			'transport.restartIce',
			this.internal.transportId,
		);

		this.#data.iceParameters = iceParameters;

		return iceParameters;
	}

	protected override handleWorkerNotification(event: string, data: any): boolean {
		switch (event) {
			case 'icestatechange': {
				const iceState = data.iceState as IceState;

				this.#data.iceState = iceState;
				this.safeEmit('icestatechange', iceState);
				this.observer.safeEmit('icestatechange', iceState);

				return true;
			}

			case 'iceselectedtuplechange': {
				const iceSelectedTuple = data.tuple as TransportTuple;

				this.#data.iceSelectedTuple = iceSelectedTuple;
				this.safeEmit('iceselectedtuplechange', iceSelectedTuple);
				this.observer.safeEmit('iceselectedtuplechange', iceSelectedTuple);

				return true;
			}

			case 'dtlsstatechange': {
				const dtlsState = data.dtlsState as DtlsState;

				this.#data.dtlsState = dtlsState;
				if (dtlsState === 'connected') {
					this.#data.dtlsRemoteCert = data.remoteCert;
				}
				this.safeEmit('dtlsstatechange', dtlsState);
				this.observer.safeEmit('dtlsstatechange', dtlsState);

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

	#setClosedState(): void {
		this.#data.iceState = 'closed';
		this.#data.iceSelectedTuple = undefined;
		this.#data.dtlsState = 'closed';
		if (this.#data.sctpState) {
			this.#data.sctpState = 'closed';
		}
	}
}
