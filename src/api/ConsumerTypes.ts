import type { EnhancedEventEmitter } from './enhancedEvents';
import type { ProducerStat } from './ProducerTypes';
import type { MediaKind, RtpCapabilities, RtpEncodingParameters, RtpParameters } from '../ortc/rtpParametersTypes';
import type { RtpStreamSendStats } from '../ortc/rtpStreamStatsTypes';
import type { AppData } from './types';

export type ConsumerOptions<ConsumerAppData extends AppData = AppData> = {
	/** The id of the Producer to consume. */
	producerId: string;
	/** RTP capabilities of the consuming endpoint. */
	rtpCapabilities: RtpCapabilities;
	/**
	 * Whether the consumer must start in paused mode. Default false.
	 * Recommended for video: create paused, resume once the endpoint is ready.
	 */
	paused?: boolean;
	/** The MID for the Consumer. If not given, a sequential number is used. */
	mid?: string;
	/** Preferred spatial and temporal layer for simulcast or SVC. Default: the highest. */
	preferredLayers?: ConsumerLayers;
	/** Whether this consumer should enable RTP retransmissions (NACK/RTX). Default: true for video. */
	enableRtx?: boolean;
	/** Whether this consumer should ignore DTX packets (only Opus). Default false. */
	ignoreDtx?: boolean;
	/** Whether this consumer should consume all RTP streams of the producer (pipe). */
	pipe?: boolean;
	/** Custom application data. */
	appData?: ConsumerAppData;
};

/** 'simple', 'simulcast', 'svc' or 'pipe'. */
export type ConsumerType = 'simple' | 'simulcast' | 'svc' | 'pipe';

export type ConsumerScore = {
	/** Score of the RTP stream of the consumer. */
	score: number;
	/** Score of the currently selected RTP stream of the producer. */
	producerScore: number;
	/** Scores of all RTP streams of the producer, ordered by encoding. */
	producerScores: number[];
};

export type ConsumerLayers = {
	/** Spatial layer index (from 0 to N). */
	spatialLayer: number;
	/** Temporal layer index (from 0 to N). */
	temporalLayer?: number;
};

export type ConsumerDump = SimpleConsumerDump | SimulcastConsumerDump | SvcConsumerDump | PipeConsumerDump;

export type SimpleConsumerDump = BaseConsumerDump & {
	type: string;
	rtpStream: RtpStreamDump;
};

export type SimulcastConsumerDump = BaseConsumerDump & {
	type: string;
	rtpStream: RtpStreamDump;
	preferredSpatialLayer: number;
	targetSpatialLayer: number;
	currentSpatialLayer: number;
	preferredTemporalLayer: number;
	targetTemporalLayer: number;
	currentTemporalLayer: number;
};

export type SvcConsumerDump = SimulcastConsumerDump;

export type PipeConsumerDump = BaseConsumerDump & {
	type: string;
	rtpStreams: RtpStreamDump[];
};

export type BaseConsumerDump = {
	id: string;
	producerId: string;
	kind: MediaKind;
	rtpParameters: RtpParameters;
	consumableRtpEncodings?: RtpEncodingParameters[];
	supportedCodecPayloadTypes: number[];
	traceEventTypes: string[];
	paused: boolean;
	producerPaused: boolean;
	priority: number;
};

export type RtpStreamDump = {
	params: RtpStreamParametersDump;
	score: number;
	rtxStream?: RtxStreamDump;
};

export type RtpStreamParametersDump = {
	encodingIdx: number;
	ssrc: number;
	payloadType: number;
	mimeType: string;
	clockRate: number;
	rid?: string;
	cname: string;
	rtxSsrc?: number;
	rtxPayloadType?: number;
	useNack: boolean;
	usePli: boolean;
	useFir: boolean;
	useInBandFec: boolean;
	useDtx: boolean;
	spatialLayers: number;
	temporalLayers: number;
};

export type RtxStreamDump = {
	params: RtxStreamParameters;
};

export type RtxStreamParameters = {
	ssrc: number;
	payloadType: number;
	mimeType: string;
	clockRate: number;
	rrid?: string;
	cname: string;
};

export type ConsumerStat = RtpStreamSendStats;

/** Valid types for the 'trace' event. */
export type ConsumerTraceEventType = 'rtp' | 'keyframe' | 'nack' | 'pli' | 'fir';

/** 'trace' event data. */
export type ConsumerTraceEventData = {
	/** Trace type. */
	type: ConsumerTraceEventType;
	/** Event timestamp. */
	timestamp: number;
	/** Event direction. */
	direction: 'in' | 'out';
	/** Per type information. */
	info: Record<string, unknown>;
};

export type ConsumerEvents = {
	transportclose: [];
	producerclose: [];
	producerpause: [];
	producerresume: [];
	score: [ConsumerScore];
	layerschange: [ConsumerLayers?];
	trace: [ConsumerTraceEventData];
	rtp: [Buffer];
	'@close': [];
	'@producerclose': [];
};

export type ConsumerObserver = EnhancedEventEmitter<ConsumerObserverEvents>;

export type ConsumerObserverEvents = {
	close: [];
	pause: [];
	resume: [];
	score: [ConsumerScore];
	layerschange: [ConsumerLayers?];
	trace: [ConsumerTraceEventData];
};

export type { Consumer } from './Consumer';
