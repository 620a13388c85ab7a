import type {
	MediaKind,
	RouterRtpCapabilities,
	RouterRtpCodecCapability,
	RtcpFeedback,
	RtpHeaderExtension,
	RtpHeaderExtensionDirection,
	RtpHeaderExtensionUri,
} from './rtpParametersTypes';

// What the SFU can route: the same table as mediasoup 3.19, so routers built
// from the same mediaCodecs advertise the same capabilities. Entries without
// preferredPayloadType get a dynamic one per router; the static payload types
// are those of RFC 3551 (PCMU 0, PCMA 8, G722 9, CN 13).

// Audio: NACK for opus (libwebrtc retransmits opus), transport-cc everywhere
// the SFU receives it.
const audioFeedback = (): RtcpFeedback[] => [{ type: 'nack' }, { type: 'transport-cc' }];
const ccOnly = (): RtcpFeedback[] => [{ type: 'transport-cc' }];
// Video: generic NACK, PLI and FIR for key frames, and both BWE flavours
// (REMB and transport-cc); consumers keep only the one the remote supports.
const videoFeedback = (): RtcpFeedback[] => [
	{ type: 'nack' },
	{ type: 'nack', parameter: 'pli' },
	{ type: 'ccm', parameter: 'fir' },
	{ type: 'goog-remb' },
	{ type: 'transport-cc' },
];

function audio(
	mimeType: string,
	clockRate: number,
	extra: Partial<RouterRtpCodecCapability> = {},
): RouterRtpCodecCapability {
	return { kind: 'audio', mimeType, clockRate, ...extra };
}

function video(mimeType: string, extra: Partial<RouterRtpCodecCapability> = {}): RouterRtpCodecCapability {
	return { kind: 'video', mimeType, clockRate: 90000, rtcpFeedback: videoFeedback(), ...extra };
}

function ext(
	kind: MediaKind,
	uri: RtpHeaderExtensionUri,
	preferredId: number,
	direction: RtpHeaderExtensionDirection,
): RtpHeaderExtension {
	return { kind, uri, preferredId, preferredEncrypt: false, direction };
}

// Multichannel opus (Chrome's 'multiopus'): the channel mapping and stream
// counts follow the Vorbis channel order for quad, 5.1 and 7.1.
function multiopus(
	channels: number,
	channelMapping: string,
	numStreams: number,
	coupledStreams: number,
): RouterRtpCodecCapability {
	return audio('audio/multiopus', 48000, {
		channels,
		parameters: {
			channel_mapping: channelMapping,
			num_streams: numStreams,
			coupled_streams: coupledStreams,
		},
		rtcpFeedback: audioFeedback(),
	});
}

const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const RRID = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const DEPENDENCY_DESCRIPTOR =
	'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';
const AUDIO_LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const VIDEO_ORIENTATION = 'urn:3gpp:video-orientation';
const TOFFSET = 'urn:ietf:params:rtp-hdrext:toffset';
const ABS_CAPTURE_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';
const PLAYOUT_DELAY = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';

function buildSupportedRtpCapabilities(): RouterRtpCapabilities {
	return {
		codecs: [
			audio('audio/opus', 48000, { channels: 2, rtcpFeedback: audioFeedback() }),
			multiopus(4, '0,1,2,3', 2, 2),
			multiopus(6, '0,4,1,2,3,5', 4, 2),
			multiopus(8, '0,6,1,2,3,4,5,7', 5, 3),
			audio('audio/PCMU', 8000, { preferredPayloadType: 0, rtcpFeedback: ccOnly() }),
			audio('audio/PCMA', 8000, { preferredPayloadType: 8, rtcpFeedback: ccOnly() }),
			audio('audio/ISAC', 32000, { rtcpFeedback: ccOnly() }),
			audio('audio/ISAC', 16000, { rtcpFeedback: ccOnly() }),
			// G.722 is clocked at 8000 Hz in SDP despite sampling at 16 kHz (RFC 3551 section 4.5.2).
			audio('audio/G722', 8000, { preferredPayloadType: 9, rtcpFeedback: ccOnly() }),
			audio('audio/iLBC', 8000, { rtcpFeedback: ccOnly() }),
			audio('audio/SILK', 24000, { rtcpFeedback: ccOnly() }),
			audio('audio/SILK', 16000, { rtcpFeedback: ccOnly() }),
			audio('audio/SILK', 12000, { rtcpFeedback: ccOnly() }),
			audio('audio/SILK', 8000, { rtcpFeedback: ccOnly() }),
			audio('audio/CN', 32000, { preferredPayloadType: 13 }),
			audio('audio/CN', 16000, { preferredPayloadType: 13 }),
			audio('audio/CN', 8000, { preferredPayloadType: 13 }),
			audio('audio/telephone-event', 48000),
			audio('audio/telephone-event', 32000),
			audio('audio/telephone-event', 16000),
			audio('audio/telephone-event', 8000),
			video('video/VP8'),
			video('video/VP9'),
			// RFC 6184 section 8.1: level-asymmetry-allowed lets each side send at
			// its own level, which matters when the SFU forwards one stream to many.
			video('video/H264', { parameters: { 'level-asymmetry-allowed': 1 } }),
			video('video/AV1', { parameters: {} }),
		],
		headerExtensions: [
			ext('audio', MID, 1, 'sendrecv'),
			ext('video', MID, 1, 'sendrecv'),
			// RID and repaired RID identify simulcast streams coming in; consumers
			// send a single stream so they never carry them.
			ext('video', RID, 2, 'recvonly'),
			ext('video', RRID, 3, 'recvonly'),
			ext('audio', ABS_SEND_TIME, 4, 'sendrecv'),
			ext('video', ABS_SEND_TIME, 4, 'sendrecv'),
			// Transport-wide CC for audio only on the receive side, as in mediasoup.
			ext('audio', TRANSPORT_CC, 5, 'recvonly'),
			ext('video', TRANSPORT_CC, 5, 'sendrecv'),
			// mediasoup 3.19 has it 'recvonly' (read from producers, never sent to consumers), but
			// Chromium (156) cannot decode AV1 with more than one spatial layer frame per temporal
			// unit without it: lacking it, a frame runs from the last packet starting an OBU to
			// the marker, so the key frame of an L3T3/L3T3_KEY unit is never assembled (B counted
			// 0 key frames and asked for one every 200 ms, test/svc-av1). Consumers forward it as
			// received: the AV1 layer context only drops frames no forwarded frame references.
			ext('video', DEPENDENCY_DESCRIPTOR, 8, 'sendrecv'),
			ext('audio', AUDIO_LEVEL, 10, 'sendrecv'),
			ext('video', VIDEO_ORIENTATION, 11, 'sendrecv'),
			ext('video', TOFFSET, 12, 'sendrecv'),
			ext('audio', ABS_CAPTURE_TIME, 13, 'sendrecv'),
			ext('video', ABS_CAPTURE_TIME, 13, 'sendrecv'),
			ext('audio', PLAYOUT_DELAY, 14, 'sendrecv'),
			ext('video', PLAYOUT_DELAY, 14, 'sendrecv'),
		],
	};
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const key of Reflect.ownKeys(value)) {
			deepFreeze((value as Record<PropertyKey, unknown>)[key]);
		}
		Object.freeze(value);
	}
	return value;
}

/**
 * The SFU's supported RTP capabilities, deeply frozen so that no caller can
 * alter what later routers are built from. Use getSupportedRtpCapabilities()
 * for a mutable copy.
 */
export const supportedRtpCapabilities: RouterRtpCapabilities = deepFreeze(buildSupportedRtpCapabilities());

/** A fresh, independent copy of the supported RTP capabilities. */
export function getSupportedRtpCapabilities(): RouterRtpCapabilities {
	return structuredClone(supportedRtpCapabilities);
}
