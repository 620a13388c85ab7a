import type { EnhancedEventEmitter } from './enhancedEvents';
import type { BaseTransportDump, BaseTransportStats, TransportEvents, TransportObserverEvents } from './TransportTypes';
import type { AppData } from './types';

export type DirectTransportOptions<DirectTransportAppData extends AppData = AppData> = {
	/** Maximum allowed size for direct messages sent from DataProducers. Default 262144. */
	maxMessageSize?: number;
	/** Custom application data. */
	appData?: DirectTransportAppData;
};

export type DirectTransportDump = BaseTransportDump;

export type DirectTransportStat = BaseTransportStats & {
	type: string;
};

export type DirectTransportEvents = TransportEvents & {
	rtcp: [Buffer];
};

export type DirectTransportObserver = EnhancedEventEmitter<DirectTransportObserverEvents>;

export type DirectTransportObserverEvents = TransportObserverEvents & {
	rtcp: [Buffer];
};

export type { DirectTransport } from './DirectTransport';
