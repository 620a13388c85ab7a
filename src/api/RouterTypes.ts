import type { EnhancedEventEmitter } from './enhancedEvents';
import type { Transport } from './Transport';
import type { TransportListenInfo, TransportListenIp } from './TransportTypes';
import type { PipeTransport } from './PipeTransport';
import type { Producer } from './Producer';
import type { Consumer } from './Consumer';
import type { DataProducer } from './DataProducer';
import type { DataConsumer } from './DataConsumer';
import type { RtpObserver } from './RtpObserver';
import type { RouterRtpCodecCapability } from '../ortc/rtpParametersTypes';
import type { NumSctpStreams } from '../ortc/sctpParametersTypes';
import type { Either, AppData } from './types';

export type RouterOptions<RouterAppData extends AppData = AppData> = {
	/** Router media codecs. */
	mediaCodecs?: RouterRtpCodecCapability[];
	/** Custom application data. */
	appData?: RouterAppData;
};

export type PipeToRouterOptions = {
	/** The id of the Producer to consume. */
	producerId?: string;
	/** The id of the DataProducer to consume. */
	dataProducerId?: string;
	/** Target Router instance. */
	router: import('./Router').Router;
	/** Whether the pipe producer keeps the id of the original one. Default true. */
	keepId?: boolean;
	/** Create a SCTP association. Default true. */
	enableSctp?: boolean;
	/** SCTP streams number. */
	numSctpStreams?: NumSctpStreams;
	/** Enable RTX and NACK for RTP retransmission. */
	enableRtx?: boolean;
	/** Enable SRTP. */
	enableSrtp?: boolean;
} & PipeToRouterListen;

type PipeToRouterListen = Either<PipeToRouterListenInfo, PipeToRouterListenIp>;

type PipeToRouterListenInfo = {
	listenInfo: TransportListenInfo;
};

type PipeToRouterListenIp = {
	/** IP used in the PipeTransport pair. Default '127.0.0.1'. */
	listenIp?: TransportListenIp | string;
};

export type PipeToRouterResult = {
	pipeConsumer?: Consumer;
	pipeProducer?: Producer;
	pipeDataConsumer?: DataConsumer;
	pipeDataProducer?: DataProducer;
};

export type PipeTransportPair = {
	[key: string]: PipeTransport;
};

export type RouterDump = {
	id: string;
	transportIds: string[];
	rtpObserverIds: string[];
	mapProducerIdConsumerIds: { key: string; values: string[] }[];
	mapConsumerIdProducerId: { key: string; value: string }[];
	mapProducerIdObserverIds: { key: string; values: string[] }[];
	mapDataProducerIdDataConsumerIds: { key: string; values: string[] }[];
	mapDataConsumerIdDataProducerId: { key: string; value: string }[];
};

export type RouterEvents = {
	workerclose: [];
	'@close': [];
};

export type RouterObserver = EnhancedEventEmitter<RouterObserverEvents>;

export type RouterObserverEvents = {
	close: [];
	newtransport: [Transport];
	newrtpobserver: [RtpObserver];
};

export type { Router } from './Router';
