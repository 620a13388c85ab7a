/**
 * RTP capability and parameter shapes. Names and fields follow mediasoup 3.19
 * so that applications type-check unchanged after switching their import.
 */

/** Media kind of a codec, header extension, producer or consumer. */
export type MediaKind = 'audio' | 'video';

/**
 * What an endpoint (or the router) is able to receive: media and RTX codecs
 * plus RTP header extensions.
 */
export type RtpCapabilities = {
	/** Media and RTX codecs. */
	codecs?: RtpCodecCapability[];
	/** RTP header extensions. */
	headerExtensions?: RtpHeaderExtension[];
};

/**
 * Capabilities whose codecs may lack `preferredPayloadType` (the supported
 * table, where dynamic payload types are assigned per router).
 */
export type RouterRtpCapabilities = Omit<RtpCapabilities, 'codecs'> & {
	codecs?: RouterRtpCodecCapability[];
};

/**
 * One codec in a capability set. There is one entry per combination of
 * parameters that needs its own payload type (for instance each H264
 * packetization-mode/profile-level-id pair, or each VP9 profile-id).
 *
 * In a router's `mediaCodecs` the payload type may be omitted; when given it
 * should be in the dynamic range 96-127.
 */
export type RtpCodecCapability = {
	/** Media kind. */
	kind: MediaKind;
	/** MIME type and subtype, e.g. 'audio/opus' or 'video/VP8'. */
	mimeType: string;
	/**
	 * Preferred RTP payload type. Mandatory in capabilities, optional in a
	 * router's `mediaCodecs`.
	 */
	preferredPayloadType: number;
	/** Clock rate in Hz. */
	clockRate: number;
	/** Number of channels (audio only). Defaults to 1. */
	channels?: number;
	/**
	 * Format parameters. Some of them (H264 'packetization-mode' and
	 * 'profile-level-id', VP9 'profile-id', multiopus stream counts) take part
	 * in codec matching.
	 */
	parameters?: Record<string, unknown>;
	/** RTCP feedback messages usable with this codec. */
	rtcpFeedback?: RtcpFeedback[];
};

/** A codec capability where `preferredPayloadType` is optional. */
export type RouterRtpCodecCapability = Omit<RtpCodecCapability, 'preferredPayloadType'> & {
	preferredPayloadType?: number;
};

/** Which way an RTP header extension can flow through the SFU. */
export type RtpHeaderExtensionDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * A header extension in a capability set. Encrypted extensions (RFC 6904) are
 * not supported. `direction` only means something in the SFU's own
 * capabilities; it is ignored in an endpoint's.
 */
export type RtpHeaderExtension = {
	/** Media kind. */
	kind: MediaKind;
	/** Extension URI. */
	uri: RtpHeaderExtensionUri;
	/** Preferred id carried in RTP packets. Must be unique. */
	preferredId: number;
	/** Whether encryption (RFC 6904) is preferred. Defaults to false. */
	preferredEncrypt?: boolean;
	/**
	 * 'sendrecv': the SFU can receive and send it; 'sendonly': only send;
	 * 'recvonly': only receive; 'inactive': neither.
	 */
	direction?: RtpHeaderExtensionDirection;
};

/**
 * Parameters of one RTP media stream, either sent by an endpoint into a
 * Producer (possibly with several simulcast encodings identified by ssrc or
 * rid) or sent by a Consumer to an endpoint (a single encoding with random
 * ssrc, except on pipe transports where every encoding is forwarded).
 */
export type RtpParameters = {
	/** MID value (BUNDLE) used to demultiplex incoming RTP. */
	mid?: string;
	/** Media and RTX codecs. */
	codecs: RtpCodecParameters[];
	/** RTP header extensions. */
	headerExtensions?: RtpHeaderExtensionParameters[];
	/** RTP streams and their settings. */
	encodings?: RtpEncodingParameters[];
	/** RTCP settings. */
	rtcp?: RtcpParameters;
};

/** A codec as used in RTP parameters. */
export type RtpCodecParameters = {
	/** MIME type and subtype, e.g. 'audio/opus' or 'video/VP8'. */
	mimeType: string;
	/** Payload type carried in RTP packets. Must be unique. */
	payloadType: number;
	/** Clock rate in Hz. */
	clockRate: number;
	/** Number of channels (audio only). Defaults to 1. */
	channels?: number;
	/** Format parameters (some take part in codec matching). */
	parameters?: Record<string, unknown>;
	/** RTCP feedback messages in use for this codec. */
	rtcpFeedback?: RtcpFeedback[];
};

/** An RTCP feedback message type (e.g. nack, nack pli, ccm fir, transport-cc). */
export type RtcpFeedback = {
	/** Feedback type. */
	type: string;
	/** Feedback parameter (e.g. 'pli'). */
	parameter?: string;
};

/** One RTP stream and its optional RTX stream. */
export type RtpEncodingParameters = {
	/** Media SSRC. */
	ssrc?: number;
	/** RID (RTP stream id extension value). Must be unique. */
	rid?: string;
	/** Payload type of the codec this encoding uses (first media codec if unset). */
	codecPayloadType?: number;
	/** RTX stream, identified by its SSRC. */
	rtx?: {
		ssrc: number;
	};
	/**
	 * Discontinuous transmission: audio DTX, or static screen content where
	 * the inactivity checks must not fire. Defaults to false.
	 */
	dtx?: boolean;
	/** Spatial/temporal layer structure, e.g. 'L1T3' (webrtc-svc). */
	scalabilityMode?: string;
	/** Maximum bitrate announced for this stream, in bps. */
	maxBitrate?: number;
};

/** RTP header extension URIs known to the SFU. */
export type RtpHeaderExtensionUri =
	| 'urn:ietf:params:rtp-hdrext:sdes:mid'
	| 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id'
	| 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id'
	| 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'
	| 'urn:3gpp:video-orientation'
	| 'urn:ietf:params:rtp-hdrext:toffset'
	| 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'
	| 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'
	| 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time'
	| 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay'
	| 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

/**
 * A header extension as used in RTP parameters. Encryption is not supported
 * and extension parameters are carried but not interpreted.
 */
export type RtpHeaderExtensionParameters = {
	/** Extension URI (RFC 8285). */
	uri: RtpHeaderExtensionUri;
	/** Id carried in RTP packets. Must be unique. */
	id: number;
	/** Whether the value is encrypted (RFC 6904). Defaults to false. */
	encrypt?: boolean;
	/** Extension-specific configuration. */
	parameters?: Record<string, unknown>;
};

/**
 * RTCP settings. A transport picks a random CNAME for its producers when none
 * is given. Reduced-size RTCP (RFC 5506) is always assumed.
 */
export type RtcpParameters = {
	/** Canonical name used in RTCP SDES. */
	cname?: string;
	/** Reduced-size RTCP (RFC 5506) if true, compound (RFC 3550) if false. Defaults to true. */
	reducedSize?: boolean;
};
