/**
 * Shared fixtures: the codecs, producer parameters and device capabilities
 * of mediasoup 3.19's own Producer/Consumer tests, so our results compare
 * with theirs value for value.
 */
import type { RouterRtpCodecCapability, RtpCapabilities, RtpParameters } from '../../../src/ortc/rtpParametersTypes';

export const mediaCodecs: RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { foo: 'bar' } },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
	{
		kind: 'video',
		mimeType: 'video/H264',
		clockRate: 90000,
		parameters: {
			'level-asymmetry-allowed': 1,
			'packetization-mode': 1,
			'profile-level-id': '4d0032',
			foo: 'bar',
		},
	},
];

export function audioProducerParameters(): RtpParameters {
	return {
		mid: 'AUDIO',
		codecs: [
			{
				mimeType: 'audio/opus',
				payloadType: 111,
				clockRate: 48000,
				channels: 2,
				parameters: { useinbandfec: 1, usedtx: 1, foo: 222.222, bar: '333' },
			},
		],
		headerExtensions: [
			{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 10 },
			{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 12 },
		],
		encodings: [{ ssrc: 11111111 }],
		rtcp: { cname: 'FOOBAR' },
	};
}

export function videoProducerParameters(): RtpParameters {
	return {
		mid: 'VIDEO',
		codecs: [
			{
				mimeType: 'video/h264',
				payloadType: 112,
				clockRate: 90000,
				parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032' },
				rtcpFeedback: [
					{ type: 'nack', parameter: '' },
					{ type: 'nack', parameter: 'pli' },
					{ type: 'goog-remb', parameter: '' },
				],
			},
			{ mimeType: 'video/rtx', payloadType: 113, clockRate: 90000, parameters: { apt: 112 } },
		],
		headerExtensions: [
			{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 10 },
			{ uri: 'urn:3gpp:video-orientation', id: 13 },
		],
		encodings: [
			{ ssrc: 22222222, scalabilityMode: 'L1T5', rtx: { ssrc: 22222223 } },
			{ ssrc: 22222224, scalabilityMode: 'L1T5', rtx: { ssrc: 22222225 } },
			{ ssrc: 22222226, scalabilityMode: 'L1T5', rtx: { ssrc: 22222227 } },
			{ ssrc: 22222228, scalabilityMode: 'L1T5', rtx: { ssrc: 22222229 } },
		],
		rtcp: { cname: 'FOOBAR' },
	};
}

/** One VP8 stream with three spatial layers (an SVC producer). */
export function svcProducerParameters(): RtpParameters {
	return {
		mid: 'SVC',
		codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
		encodings: [{ ssrc: 33333333, scalabilityMode: 'L3T3' }],
		rtcp: { cname: 'FOOBAR' },
	};
}

export const consumerDeviceCapabilities: RtpCapabilities = {
	codecs: [
		{
			mimeType: 'audio/opus',
			kind: 'audio',
			preferredPayloadType: 100,
			clockRate: 48000,
			channels: 2,
			rtcpFeedback: [{ type: 'nack', parameter: '' }],
		},
		{
			mimeType: 'video/H264',
			kind: 'video',
			preferredPayloadType: 101,
			clockRate: 90000,
			parameters: { 'level-asymmetry-allowed': 1, 'packetization-mode': 1, 'profile-level-id': '4d0032' },
			rtcpFeedback: [
				{ type: 'nack', parameter: '' },
				{ type: 'nack', parameter: 'pli' },
				{ type: 'ccm', parameter: 'fir' },
				{ type: 'goog-remb', parameter: '' },
			],
		},
		{
			mimeType: 'video/rtx',
			kind: 'video',
			preferredPayloadType: 102,
			clockRate: 90000,
			parameters: { apt: 101 },
			rtcpFeedback: [],
		},
		{
			mimeType: 'video/VP8',
			kind: 'video',
			preferredPayloadType: 103,
			clockRate: 90000,
			rtcpFeedback: [
				{ type: 'nack', parameter: '' },
				{ type: 'nack', parameter: 'pli' },
			],
		},
	],
	headerExtensions: [
		{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', preferredId: 2, preferredEncrypt: false },
		{ kind: 'audio', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 4, preferredEncrypt: false },
		{ kind: 'video', uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', preferredId: 4, preferredEncrypt: false },
		{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 10, preferredEncrypt: false },
		{ kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 11, preferredEncrypt: false },
		{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:toffset', preferredId: 12, preferredEncrypt: false },
	],
};
