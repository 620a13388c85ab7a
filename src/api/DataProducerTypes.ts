import type { EnhancedEventEmitter } from './enhancedEvents';
import type { SctpStreamParameters } from '../ortc/sctpParametersTypes';
import type { AppData } from './types';

export type DataProducerOptions<DataProducerAppData extends AppData = AppData> = {
	/** DataProducer id (for Router.pipeToRouter() and PipeTransport usages). */
	id?: string;
	/** SCTP parameters defining how the endpoint is sending the data (not for DirectTransport). */
	sctpStreamParameters?: SctpStreamParameters;
	/** A label which can be used to distinguish this DataChannel from others. */
	label?: string;
	/** Name of the sub-protocol used by this DataChannel. */
	protocol?: string;
	/** Whether the data producer must start in paused mode. Default false. */
	paused?: boolean;
	/** Custom application data. */
	appData?: DataProducerAppData;
};

/** 'sctp' (over an SCTP association) or 'direct' (from the application). */
export type DataProducerType = 'sctp' | 'direct';

export type DataProducerDump = {
	id: string;
	paused: boolean;
	type: DataProducerType;
	sctpStreamParameters?: SctpStreamParameters;
	label: string;
	protocol: string;
};

export type DataProducerStat = {
	type: string;
	timestamp: number;
	label: string;
	protocol: string;
	messagesReceived: number;
	bytesReceived: number;
};

export type DataProducerEvents = {
	transportclose: [];
	'@close': [];
};

export type DataProducerObserver = EnhancedEventEmitter<DataProducerObserverEvents>;

export type DataProducerObserverEvents = {
	close: [];
	pause: [];
	resume: [];
};

export type { DataProducer } from './DataProducer';
