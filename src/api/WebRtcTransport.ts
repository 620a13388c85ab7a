import { Logger } from './Logger';
import type { TransportConstructorOptions } from './Transport';
import { SctpTransport } from './SctpTransport';
import type { CloseCause } from './ChannelEntity';
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
import type { BaseTransportDump, SctpState, TransportTuple } from './TransportTypes';
import type { SctpParameters } from '../ortc/sctpParametersTypes';
import type { AppData } from './types';

const logger = new Logger('WebRtcTransport');

/** @private What the worker answers on creation: its dump's WebRTC part, and SCTP's. */
export type WebRtcTransportData = Omit<WebRtcTransportDump, keyof BaseTransportDump> & {
	sctpParameters?: SctpParameters;
	sctpState?: SctpState;
};

export class WebRtcTransport<WebRtcTransportAppData extends AppData = AppData> extends SctpTransport<
	WebRtcTransportAppData,
	WebRtcTransportEvents,
	WebRtcTransportObserverEvents
> {
	readonly #data: Omit<WebRtcTransportData, 'sctpParameters' | 'sctpState'>;

	/** @private Use router.createWebRtcTransport(). */
	constructor(options: TransportConstructorOptions<WebRtcTransportAppData> & { data: WebRtcTransportData }) {
		super(options);

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

	/** @private ICE and DTLS are over (SCTP too, in SctpTransport) before the children close. */
	protected override onClosing(cause: CloseCause): void {
		this.#data.iceState = 'closed';
		this.#data.iceSelectedTuple = undefined;
		this.#data.dtlsState = 'closed';
		super.onClosing(cause);
	}

	protected override handleWorkerNotification(event: string, data: any): boolean {
		switch (event) {
			case 'icestatechange':
				this.#data.iceState = data.iceState as IceState;
				this.emitWithObserver('icestatechange', this.#data.iceState);

				return true;

			case 'iceselectedtuplechange':
				this.#data.iceSelectedTuple = data.tuple as TransportTuple;
				this.emitWithObserver('iceselectedtuplechange', this.#data.iceSelectedTuple);

				return true;

			case 'dtlsstatechange':
				this.#data.dtlsState = data.dtlsState as DtlsState;
				if (this.#data.dtlsState === 'connected') {
					this.#data.dtlsRemoteCert = data.remoteCert;
				}
				this.emitWithObserver('dtlsstatechange', this.#data.dtlsState);

				return true;

			default:
				return super.handleWorkerNotification(event, data);
		}
	}
}
