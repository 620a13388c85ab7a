import type { EnhancedEventEmitter } from './enhancedEvents';
import type {
	TransportListenInfo,
	TransportListenIp,
	TransportTuple,
	BaseTransportDump,
	BaseTransportStats,
	TransportEvents,
	TransportObserverEvents,
} from './TransportTypes';
import type { SrtpParameters } from '../ortc/srtpParametersTypes';
import type { NumSctpStreams } from '../ortc/sctpParametersTypes';
import type { Either, AppData } from './types';
import type { SctpStateEvents } from './SctpTransport';

export type PipeTransportOptions<PipeTransportAppData extends AppData = AppData> = {
	/** Create a SCTP association. Default false. */
	enableSctp?: boolean;
	/** SCTP streams number. */
	numSctpStreams?: NumSctpStreams;
	/** Maximum allowed size for SCTP messages sent by DataProducers. Default 268435456. */
	maxSctpMessageSize?: number;
	/** Maximum SCTP send buffer used by DataConsumers. Default 268435456. */
	sctpSendBufferSize?: number;
	/** Enable RTX and NACK for RTP retransmission. Default false. */
	enableRtx?: boolean;
	/** Enable SRTP (AEAD_AES_256_GCM). Default false. */
	enableSrtp?: boolean;
	/** Custom application data. */
	appData?: PipeTransportAppData;
} & PipeTransportListen;

type PipeTransportListen = Either<PipeTransportListenInfo, PipeTransportListenIp>;

type PipeTransportListenInfo = {
	/** Listening info. */
	listenInfo: TransportListenInfo;
};

type PipeTransportListenIp = {
	/** Listening IP address. */
	listenIp: TransportListenIp | string;
	/** Fixed port to listen on instead of selecting automatically from Worker's port range. */
	port?: number;
};

export type PipeConsumerOptions<ConsumerAppData extends AppData = AppData> = {
	/** The id of the Producer to consume. */
	producerId: string;
	/** Custom application data. */
	appData?: ConsumerAppData;
};

export type PipeTransportDump = BaseTransportDump & {
	tuple: TransportTuple;
	rtx: boolean;
	srtpParameters?: SrtpParameters;
};

export type PipeTransportStat = BaseTransportStats & {
	type: string;
	tuple: TransportTuple;
};

export type PipeTransportEvents = TransportEvents & SctpStateEvents;

export type PipeTransportObserver = EnhancedEventEmitter<PipeTransportObserverEvents>;

export type PipeTransportObserverEvents = TransportObserverEvents & SctpStateEvents;

export type { PipeTransport } from './PipeTransport';
