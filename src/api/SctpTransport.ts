import { Transport, type TransportConstructorOptions } from './Transport';
import type { CloseCause } from './ChannelEntity';
import type { SctpState, TransportEvents, TransportObserverEvents } from './TransportTypes';
import type { SctpParameters } from '../ortc/sctpParametersTypes';
import type { AppData } from './types';

/** @private The event SCTP-capable transports add, to listeners and observer alike. */
export type SctpStateEvents = { sctpstatechange: [SctpState] };

/**
 * @private The transports that may carry an SCTP association (WebRtc, Plain,
 * Pipe; not Direct): `sctpParameters`, `sctpState` kept from the worker's
 * 'sctpstatechange', and 'closed' once the transport closes (before its
 * children hear of it, as in mediasoup).
 */
export abstract class SctpTransport<
	TransportAppData extends AppData,
	Events extends TransportEvents & SctpStateEvents,
	ObserverEvents extends TransportObserverEvents & SctpStateEvents,
> extends Transport<TransportAppData, Events, ObserverEvents> {
	readonly #sctpParameters?: SctpParameters;
	#sctpState?: SctpState;

	protected constructor(
		options: TransportConstructorOptions<TransportAppData> & {
			data: { sctpParameters?: SctpParameters; sctpState?: SctpState };
		},
	) {
		super(options);

		this.#sctpParameters = options.data.sctpParameters;
		this.#sctpState = options.data.sctpState;
	}

	get sctpParameters(): SctpParameters | undefined {
		return this.#sctpParameters;
	}

	get sctpState(): SctpState | undefined {
		return this.#sctpState;
	}

	protected override onClosing(cause: CloseCause): void {
		if (this.#sctpState) {
			this.#sctpState = 'closed';
		}
		super.onClosing(cause);
	}

	protected override handleWorkerNotification(event: string, data: any): boolean {
		if (event !== 'sctpstatechange') {
			return super.handleWorkerNotification(event, data);
		}

		this.#sctpState = data.sctpState as SctpState;
		this.emitWithObserver('sctpstatechange', this.#sctpState);

		return true;
	}
}
