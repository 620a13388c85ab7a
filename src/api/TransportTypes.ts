import type { EnhancedEventEmitter } from './enhancedEvents';
import type { Producer } from './Producer';
import type { DataProducer } from './DataProducer';
import type { Consumer } from './Consumer';
import type { DataConsumer } from './DataConsumer';
import type { SctpParametersDump } from '../ortc/sctpParametersTypes';

export type TransportType = 'webrtc' | 'plain' | 'pipe' | 'direct';

export type TransportListenInfo = {
	/** Network protocol. */
	protocol: TransportProtocol;
	/** Listening IPv4 or IPv6. */
	ip: string;
	/** @deprecated Use |announcedAddress| instead. */
	announcedIp?: string;
	/** Announced IPv4, IPv6 or hostname (useful when running behind NAT). */
	announcedAddress?: string;
	/**
	 * With |announcedAddress| given, also expose the internal |ip| as an extra
	 * (lower priority) ICE candidate. WebRtcTransport and WebRtcServer only.
	 */
	exposeInternalIp?: boolean;
	/** Listening port. */
	port?: number;
	/** Listening port range. Ignored if |port| is given. */
	portRange?: TransportPortRange;
	/** Socket flags. */
	flags?: TransportSocketFlags;
	/** Send buffer size (bytes). */
	sendBufferSize?: number;
	/** Recv buffer size (bytes). */
	recvBufferSize?: number;
};

/** @deprecated Use TransportListenInfo instead. */
export type TransportListenIp = {
	/** Listening IPv4 or IPv6. */
	ip: string;
	/** Announced IPv4, IPv6 or hostname (useful when running behind NAT). */
	announcedIp?: string;
};

/** Transport protocol. */
export type TransportProtocol = 'udp' | 'tcp';

/** Port range. */
export type TransportPortRange = {
	/** Lowest port in the range. */
	min: number;
	/** Highest port in the range. */
	max: number;
};

/** UDP/TCP socket flags. */
export type TransportSocketFlags = {
	/** Disable dual-stack support so only IPv6 is used (only if |ip| is IPv6). */
	ipv6Only?: boolean;
	/** Make different transports bind to the same IP and port (only for UDP). */
	udpReusePort?: boolean;
};

export type TransportTuple = {
	/** @deprecated Use |localAddress| instead. */
	localIp: string;
	localAddress: string;
	localPort: number;
	remoteIp?: string;
	remotePort?: number;
	protocol: TransportProtocol;
};

export type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type RtpListenerDump = {
	ssrcTable: { key: number; value: string }[];
	midTable: { key: number; value: string }[];
	ridTable: { key: number; value: string }[];
};

export type SctpListenerDump = {
	streamIdTable: { key: number; value: string }[];
};

export type RecvRtpHeaderExtensions = {
	mid?: number;
	rid?: number;
	rrid?: number;
	absSendTime?: number;
	transportWideCc01?: number;
};

export type BaseTransportDump = {
	id: string;
	producerIds: string[];
	consumerIds: string[];
	mapSsrcConsumerId: { key: number; value: string }[];
	mapRtxSsrcConsumerId: { key: number; value: string }[];
	recvRtpHeaderExtensions: RecvRtpHeaderExtensions;
	rtpListener: RtpListenerDump;
	maxMessageSize: number;
	dataProducerIds: string[];
	dataConsumerIds: string[];
	sctpParameters?: SctpParametersDump;
	sctpState?: SctpState;
	sctpListener?: SctpListenerDump;
	traceEventTypes?: string[];
};

export type BaseTransportStats = {
	transportId: string;
	timestamp: number;
	sctpState?: SctpState;
	bytesReceived: number;
	recvBitrate: number;
	bytesSent: number;
	sendBitrate: number;
	rtpBytesReceived: number;
	rtpRecvBitrate: number;
	rtpBytesSent: number;
	rtpSendBitrate: number;
	rtxBytesReceived: number;
	rtxRecvBitrate: number;
	rtxBytesSent: number;
	rtxSendBitrate: number;
	probationBytesSent: number;
	probationSendBitrate: number;
	availableOutgoingBitrate?: number;
	availableIncomingBitrate?: number;
	maxIncomingBitrate?: number;
	maxOutgoingBitrate?: number;
	minOutgoingBitrate?: number;
	rtpPacketLossReceived?: number;
	rtpPacketLossSent?: number;
};

/** Valid types for 'trace' event. */
export type TransportTraceEventType = 'probation' | 'bwe';

/** 'trace' event data. */
export type TransportTraceEventData = {
	/** Trace type. */
	type: TransportTraceEventType;
	/** Event timestamp. */
	timestamp: number;
	/** Event direction. */
	direction: 'in' | 'out';
	/** Per type information. */
	info: unknown;
};

export type TransportEvents = {
	routerclose: [];
	listenserverclose: [];
	trace: [TransportTraceEventData];
	'@close': [];
	'@newproducer': [Producer];
	'@producerclose': [Producer];
	'@newdataproducer': [DataProducer];
	'@dataproducerclose': [DataProducer];
	'@listenserverclose': [];
};

export type TransportObserver = EnhancedEventEmitter<TransportObserverEvents>;

export type TransportObserverEvents = {
	close: [];
	newproducer: [Producer];
	newconsumer: [Consumer];
	newdataproducer: [DataProducer];
	newdataconsumer: [DataConsumer];
	trace: [TransportTraceEventData];
};

export type { Transport } from './Transport';
