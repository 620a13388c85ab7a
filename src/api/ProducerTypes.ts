import type { EnhancedEventEmitter } from './enhancedEvents';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import type { RtpStreamRecvStats } from '../ortc/rtpStreamStatsTypes';
import type { AppData } from './types';

export type ProducerOptions<ProducerAppData extends AppData = AppData> = {
	/** Producer id (for Router.pipeToRouter() and PipeTransport usages). */
	id?: string;
	/** Media kind ('audio' or 'video'). */
	kind: MediaKind;
	/** RTP parameters defining what the endpoint is sending. */
	rtpParameters: RtpParameters;
	/** Whether the producer must start in paused mode. Default false. */
	paused?: boolean;
	/**
	 * Just for video. Time (in ms) before asking the sender for a new key frame
	 * after having asked a previous one. Default 0.
	 */
	keyFrameRequestDelay?: number;
	/** Custom application data. */
	appData?: ProducerAppData;
};

/** 'simple' (one stream), 'simulcast' (several streams) or 'svc' (one layered stream). */
export type ProducerType = 'simple' | 'simulcast' | 'svc';

export type ProducerScore = {
	/** Index of the RTP stream in the rtpParameters.encodings array. */
	encodingIdx: number;
	/** SSRC of the RTP stream. */
	ssrc: number;
	/** RID of the RTP stream. */
	rid?: string;
	/** Score of the RTP stream (0..10). */
	score: number;
};

/** RFC 7742 section 4 (carried in the urn:3gpp:video-orientation extension). */
export type ProducerVideoOrientation = {
	/** Whether the source is a video camera. */
	camera: boolean;
	/** Whether the video source is flipped. */
	flip: boolean;
	/** Rotation degrees (0, 90, 180 or 270). */
	rotation: number;
};

export type ProducerDump = {
	id: string;
	kind: string;
	type: ProducerType;
	rtpParameters: RtpParameters;
	rtpMapping: unknown;
	rtpStreams: unknown;
	traceEventTypes: string[];
	paused: boolean;
};

export type ProducerStat = RtpStreamRecvStats;

/** Valid types for the 'trace' event. */
export type ProducerTraceEventType = 'rtp' | 'keyframe' | 'nack' | 'pli' | 'fir' | 'sr';

/** 'trace' event data. */
export type ProducerTraceEventData = {
	/** Trace type. */
	type: ProducerTraceEventType;
	/** Event timestamp. */
	timestamp: number;
	/** Event direction. */
	direction: 'in' | 'out';
	/** Per type information. */
	info: Record<string, unknown>;
};

export type ProducerEvents = {
	transportclose: [];
	score: [ProducerScore[]];
	videoorientationchange: [ProducerVideoOrientation];
	trace: [ProducerTraceEventData];
	'@close': [];
};

export type ProducerObserver = EnhancedEventEmitter<ProducerObserverEvents>;

export type ProducerObserverEvents = {
	close: [];
	pause: [];
	resume: [];
	score: [ProducerScore[]];
	videoorientationchange: [ProducerVideoOrientation];
	trace: [ProducerTraceEventData];
};

export type { Producer } from './Producer';
