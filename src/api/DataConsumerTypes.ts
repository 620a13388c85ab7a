import type { EnhancedEventEmitter } from './enhancedEvents';
import type { SctpStreamParameters } from '../ortc/sctpParametersTypes';
import type { AppData } from './types';

export type DataConsumerOptions<DataConsumerAppData extends AppData = AppData> = {
	/** The id of the DataProducer to consume. */
	dataProducerId: string;
	/** Just for SCTP: whether data messages must be received in order. Default: the producer's. */
	ordered?: boolean;
	/** Just for SCTP: how long (ms) the SCTP stack may retransmit a message. */
	maxPacketLifeTime?: number;
	/** Just for SCTP: how many times the SCTP stack may retransmit a message. */
	maxRetransmits?: number;
	/** Whether the data consumer must start in paused mode. Default false. */
	paused?: boolean;
	/** Subchannels this data consumer initially subscribes to (messages sent with subchannels). */
	subchannels?: number[];
	/** Custom application data. */
	appData?: DataConsumerAppData;
};

/** 'sctp' (over an SCTP association) or 'direct' (to the application). */
export type DataConsumerType = 'sctp' | 'direct';

export type DataConsumerDump = {
	id: string;
	paused: boolean;
	dataProducerPaused: boolean;
	subchannels: number[];
	dataProducerId: string;
	type: DataConsumerType;
	sctpStreamParameters?: SctpStreamParameters;
	label: string;
	protocol: string;
	bufferedAmountLowThreshold: number;
};

export type DataConsumerStat = {
	type: string;
	timestamp: number;
	label: string;
	protocol: string;
	messagesSent: number;
	bytesSent: number;
	bufferedAmount: number;
};

export type DataConsumerEvents = {
	transportclose: [];
	dataproducerclose: [];
	dataproducerpause: [];
	dataproducerresume: [];
	message: [Buffer, number];
	sctpsendbufferfull: [];
	bufferedamountlow: [number];
	'@close': [];
	'@dataproducerclose': [];
};

export type DataConsumerObserver = EnhancedEventEmitter<DataConsumerObserverEvents>;

export type DataConsumerObserverEvents = {
	close: [];
	pause: [];
	resume: [];
};

export type { DataConsumer } from './DataConsumer';
