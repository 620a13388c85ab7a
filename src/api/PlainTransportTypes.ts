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
import type { SrtpParameters, SrtpCryptoSuite } from '../ortc/srtpParametersTypes';
import type { NumSctpStreams } from '../ortc/sctpParametersTypes';
import type { Either, AppData } from './types';
import type { SctpStateEvents } from './SctpTransport';

export type PlainTransportOptions<PlainTransportAppData extends AppData = AppData> = {
	/** Use RTCP-mux (RTP and RTCP in the same port). Default true. */
	rtcpMux?: boolean;
	/** Whether remote IP:port should be auto-detected based on first RTP/RTCP packet received. Default false. */
	comedia?: boolean;
	/** Create a SCTP association. Default false. */
	enableSctp?: boolean;
	/** SCTP streams number. */
	numSctpStreams?: NumSctpStreams;
	/** Maximum allowed size for SCTP messages sent by DataProducers. Default 262144. */
	maxSctpMessageSize?: number;
	/** Maximum SCTP send buffer used by DataConsumers. Default 262144. */
	sctpSendBufferSize?: number;
	/** Enable SRTP. Default false. */
	enableSrtp?: boolean;
	/** The SRTP crypto suite to be used if enableSrtp is set. Default 'AES_CM_128_HMAC_SHA1_80'. */
	srtpCryptoSuite?: SrtpCryptoSuite;
	/** Custom application data. */
	appData?: PlainTransportAppData;
} & PlainTransportListen;

type PlainTransportListen = Either<PlainTransportListenInfo, PlainTransportListenIp>;

type PlainTransportListenInfo = {
	/** Listening info. */
	listenInfo: TransportListenInfo;
	/** Optional listening info for RTCP. */
	rtcpListenInfo?: TransportListenInfo;
};

type PlainTransportListenIp = {
	/** Listening IP address. */
	listenIp: TransportListenIp | string;
	/** Fixed port to listen on instead of selecting automatically from Worker's port range. */
	port?: number;
};

export type PlainTransportDump = BaseTransportDump & {
	rtcpMux: boolean;
	comedia: boolean;
	tuple: TransportTuple;
	rtcpTuple?: TransportTuple;
	srtpParameters?: SrtpParameters;
};

export type PlainTransportStat = BaseTransportStats & {
	type: string;
	rtcpMux: boolean;
	comedia: boolean;
	tuple: TransportTuple;
	rtcpTuple?: TransportTuple;
};

/** What a PlainTransport tells beyond any transport, to listeners and observer alike. */
type PlainTransportStateEvents = SctpStateEvents & {
	tuple: [TransportTuple];
	rtcptuple: [TransportTuple];
};

export type PlainTransportEvents = TransportEvents & PlainTransportStateEvents;

export type PlainTransportObserver = EnhancedEventEmitter<PlainTransportObserverEvents>;

export type PlainTransportObserverEvents = TransportObserverEvents & PlainTransportStateEvents;

export type { PlainTransport } from './PlainTransport';
