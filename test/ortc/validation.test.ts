import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as ortc from '../../src/ortc';
import type {
	RtpCapabilities,
	RtpCodecCapability,
	RtpParameters,
	SctpStreamParameters,
} from '../../src/ortc';

// Validators take untyped application input; this lets tests pass anything.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

test('validateRtpCapabilities() fills defaults in place', () => {
	const caps: Any = {
		codecs: [
			{ mimeType: 'Audio/opus', clockRate: 48000, preferredPayloadType: 100, kind: 'video' },
			{
				mimeType: 'video/VP8',
				clockRate: 90000,
				preferredPayloadType: 101,
				channels: 2,
				parameters: { foo: undefined, bar: 1 },
				rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
			},
		],
	};

	ortc.validateRtpCapabilities(caps);

	assert.deepEqual(caps, {
		codecs: [
			{
				// kind always follows the MIME type.
				kind: 'audio',
				mimeType: 'Audio/opus',
				clockRate: 48000,
				preferredPayloadType: 100,
				channels: 1,
				parameters: {},
				rtcpFeedback: [],
			},
			{
				kind: 'video',
				mimeType: 'video/VP8',
				clockRate: 90000,
				preferredPayloadType: 101,
				parameters: { foo: '', bar: 1 },
				rtcpFeedback: [
					{ type: 'nack', parameter: '' },
					{ type: 'nack', parameter: 'pli' },
				],
			},
		],
		headerExtensions: [],
	});

	const empty: RtpCapabilities = {};

	ortc.validateRtpCapabilities(empty);
	assert.deepEqual(empty, { codecs: [], headerExtensions: [] });
	assert.equal(ortc.validateAndNormalizeRtpCapabilities, ortc.validateRtpCapabilities);
});

test('validateRtpCapabilities() rejects wrong types with TypeError', () => {
	const bad: Any[] = [
		undefined,
		null,
		'caps',
		42,
		{ codecs: {} },
		{ codecs: 'opus' },
		{ headerExtensions: {} },
		{ codecs: [null] },
		{ codecs: ['opus'] },
		{ codecs: [{ clockRate: 48000 }] },
		{ codecs: [{ mimeType: 123, clockRate: 48000 }] },
		{ codecs: [{ mimeType: 'opus', clockRate: 48000 }] },
		{ codecs: [{ mimeType: 'text/plain', clockRate: 48000 }] },
		{ codecs: [{ mimeType: 'audio/opus' }] },
		{ codecs: [{ mimeType: 'audio/opus', clockRate: '48000' }] },
		{ codecs: [{ mimeType: 'audio/opus', clockRate: 48000, preferredPayloadType: '100' }] },
		{ codecs: [{ mimeType: 'audio/opus', clockRate: 48000, parameters: { x: {} } }] },
		{ codecs: [{ mimeType: 'audio/opus', clockRate: 48000, parameters: { x: true } }] },
		// RFC 4588 section 8.6: apt is a payload type number.
		{ codecs: [{ mimeType: 'video/rtx', clockRate: 90000, parameters: { apt: '96' } }] },
		{ codecs: [{ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [{}] }] },
		{ codecs: [{ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: ['nack'] }] },
		{ headerExtensions: [{ kind: 'data', uri: 'urn:x', preferredId: 1 }] },
		{ headerExtensions: [{ kind: 'audio', preferredId: 1 }] },
		{ headerExtensions: [{ kind: 'audio', uri: 'urn:x' }] },
		{ headerExtensions: [{ kind: 'audio', uri: 'urn:x', preferredId: '1' }] },
		{ headerExtensions: [{ kind: 'audio', uri: 'urn:x', preferredId: 1, preferredEncrypt: 'yes' }] },
		{ headerExtensions: [{ kind: 'audio', uri: 'urn:x', preferredId: 1, direction: 3 }] },
	];

	for (const caps of bad) {
		assert.throws(() => ortc.validateRtpCapabilities(caps), TypeError, JSON.stringify(caps));
	}
});

test('validateRtpHeaderExtension() defaults encrypt and direction', () => {
	const ext: Any = { kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 11 };

	ortc.validateRtpHeaderExtension(ext);
	assert.deepEqual(ext, {
		kind: 'video',
		uri: 'urn:3gpp:video-orientation',
		preferredId: 11,
		preferredEncrypt: false,
		direction: 'sendrecv',
	});
});

test('validateRtcpFeedback() requires a type and defaults the parameter', () => {
	const fb: Any = { type: 'ccm', parameter: 'fir' };

	ortc.validateRtcpFeedback(fb);
	assert.deepEqual(fb, { type: 'ccm', parameter: 'fir' });

	const fb2: Any = { type: 'nack', parameter: 5 };

	ortc.validateRtcpFeedback(fb2);
	assert.deepEqual(fb2, { type: 'nack', parameter: '' });
	assert.throws(() => ortc.validateRtcpFeedback({ type: '' }), TypeError);
	assert.throws(() => ortc.validateRtcpFeedback(null as Any), TypeError);
});

test('validateRtpCodecCapability() keeps preferredPayloadType optional (router mediaCodecs)', () => {
	const codec: Any = { kind: 'audio', mimeType: 'video/H264', clockRate: 90000, channels: 1 };

	ortc.validateRtpCodecCapability(codec);
	assert.deepEqual(codec, {
		kind: 'video',
		mimeType: 'video/H264',
		clockRate: 90000,
		parameters: {},
		rtcpFeedback: [],
	});
});

test('validateRtpParameters() fills defaults in place', () => {
	const params: Any = {
		mid: 'a0',
		codecs: [
			{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 },
			{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
		],
		encodings: [{ ssrc: 1111, rtx: { ssrc: 2222 }, dtx: 'yes' }, { rid: 'r1', scalabilityMode: 'L1T3' }],
	};

	ortc.validateRtpParameters(params);

	assert.deepEqual(params, {
		mid: 'a0',
		codecs: [
			{
				mimeType: 'audio/opus',
				payloadType: 111,
				clockRate: 48000,
				channels: 2,
				parameters: {},
				rtcpFeedback: [],
			},
			{
				mimeType: 'video/rtx',
				payloadType: 97,
				clockRate: 90000,
				parameters: { apt: 96 },
				rtcpFeedback: [],
			},
		],
		headerExtensions: [],
		encodings: [
			{ ssrc: 1111, rtx: { ssrc: 2222 }, dtx: false },
			{ rid: 'r1', scalabilityMode: 'L1T3', dtx: false },
		],
		// RFC 5506 reduced-size RTCP is always assumed.
		rtcp: { reducedSize: true },
	});

	const withExt: RtpParameters = {
		codecs: [],
		headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
		rtcp: { cname: 'abc', reducedSize: false },
	};

	ortc.validateRtpParameters(withExt);
	assert.deepEqual(withExt.headerExtensions, [
		{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1, encrypt: false, parameters: {} },
	]);
	assert.deepEqual(withExt.rtcp, { cname: 'abc', reducedSize: true });
});

test('validateRtpParameters() rejects wrong types with TypeError', () => {
	const opus = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 };
	const bad: Any[] = [
		undefined,
		null,
		'params',
		{},
		{ codecs: {} },
		{ codecs: [], mid: 5 },
		{ codecs: [{ ...opus, payloadType: undefined }] },
		{ codecs: [{ ...opus, payloadType: '111' }] },
		{ codecs: [{ ...opus, clockRate: undefined }] },
		{ codecs: [{ ...opus, mimeType: 'opus' }] },
		{ codecs: [{ ...opus, parameters: { apt: 'x' } }] },
		{ codecs: [], headerExtensions: {} },
		{ codecs: [], headerExtensions: [{ id: 1 }] },
		{ codecs: [], headerExtensions: [{ uri: 'urn:x' }] },
		{ codecs: [], headerExtensions: [{ uri: 'urn:x', id: 1, encrypt: 'no' }] },
		{ codecs: [], headerExtensions: [{ uri: 'urn:x', id: 1, parameters: { a: [] } }] },
		{ codecs: [], encodings: {} },
		{ codecs: [], encodings: [null] },
		{ codecs: [], encodings: [{ ssrc: '1111' }] },
		{ codecs: [], encodings: [{ rid: 5 }] },
		{ codecs: [], encodings: [{ rtx: 5 }] },
		{ codecs: [], encodings: [{ rtx: {} }] },
		{ codecs: [], encodings: [{ scalabilityMode: 3 }] },
		{ codecs: [], rtcp: 'x' },
		{ codecs: [], rtcp: { cname: 5 } },
	];

	for (const params of bad) {
		assert.throws(() => ortc.validateRtpParameters(params), TypeError, JSON.stringify(params));
	}
});

test('validateRtpEncodingParameters(), validateRtcpParameters() and validateRtpHeaderExtensionParameters() alone', () => {
	const enc: Any = { ssrc: 1, dtx: true };

	ortc.validateRtpEncodingParameters(enc);
	assert.deepEqual(enc, { ssrc: 1, dtx: true });

	const rtcp: Any = {};

	ortc.validateRtcpParameters(rtcp);
	assert.deepEqual(rtcp, { reducedSize: true });
	assert.throws(() => ortc.validateRtcpParameters(undefined as Any), TypeError);

	const ext: Any = { uri: 'urn:x', id: 3, parameters: { a: undefined, b: 2 } };

	ortc.validateRtpHeaderExtensionParameters(ext);
	assert.deepEqual(ext, { uri: 'urn:x', id: 3, encrypt: false, parameters: { a: '', b: 2 } });

	const codec: Any = { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, channels: 2 };

	ortc.validateRtpCodecParameters(codec);
	assert.deepEqual(codec, {
		mimeType: 'video/VP8',
		payloadType: 96,
		clockRate: 90000,
		parameters: {},
		rtcpFeedback: [],
	});
});

// RFC 8831 section 6.1: a data channel is either reliable and ordered, or
// partially reliable by lifetime or by retransmissions, never both.
test('validateSctpStreamParameters() defaults ordered from the reliability given', () => {
	const reliable: SctpStreamParameters = { streamId: 1 };

	ortc.validateSctpStreamParameters(reliable);
	assert.deepEqual(reliable, { streamId: 1, ordered: true });

	const lifetime: SctpStreamParameters = { streamId: 2, maxPacketLifeTime: 3000 };

	ortc.validateSctpStreamParameters(lifetime);
	assert.equal(lifetime.ordered, false);

	const retransmits: SctpStreamParameters = { streamId: 3, ordered: false, maxRetransmits: 2 };

	ortc.validateSctpStreamParameters(retransmits);
	assert.equal(retransmits.ordered, false);

	const bad: Any[] = [
		null,
		{},
		{ streamId: '1' },
		{ streamId: 1, maxPacketLifeTime: '5' },
		{ streamId: 1, maxRetransmits: '5' },
		{ streamId: 1, maxPacketLifeTime: 5, maxRetransmits: 5 },
		{ streamId: 1, ordered: true, maxRetransmits: 5 },
		{ streamId: 1, ordered: true, maxPacketLifeTime: 5 },
	];

	for (const params of bad) {
		assert.throws(() => ortc.validateSctpStreamParameters(params), TypeError, JSON.stringify(params));
	}
});

test('validateSctpCapabilities(), validateNumSctpStreams() and validateSctpParameters()', () => {
	ortc.validateSctpCapabilities({ numStreams: { OS: 1024, MIS: 1024 } });
	ortc.validateNumSctpStreams({ OS: 16, MIS: 2048 });
	ortc.validateSctpParameters({ port: 5000, OS: 1024, MIS: 1024, maxMessageSize: 262144 });

	const badCaps: Any[] = [null, {}, { numStreams: 5 }, { numStreams: { OS: 1 } }, { numStreams: { MIS: 1 } }];

	for (const caps of badCaps) {
		assert.throws(() => ortc.validateSctpCapabilities(caps), TypeError, JSON.stringify(caps));
	}

	const badParams: Any[] = [
		null,
		{ OS: 1, MIS: 1, maxMessageSize: 1 },
		{ port: 5000, MIS: 1, maxMessageSize: 1 },
		{ port: 5000, OS: 1, maxMessageSize: 1 },
		{ port: 5000, OS: 1, MIS: 1 },
		{ port: '5000', OS: 1, MIS: 1, maxMessageSize: 1 },
	];

	for (const params of badParams) {
		assert.throws(() => ortc.validateSctpParameters(params), TypeError, JSON.stringify(params));
	}
});

test('error messages name the offending field', () => {
	const codec: Any = { mimeType: 'audio/opus' };

	assert.throws(() => ortc.validateRtpCodecCapability(codec as RtpCodecCapability), {
		name: 'TypeError',
		message: /clockRate/,
	});
	assert.throws(() => ortc.validateRtpParameters({} as Any), { name: 'TypeError', message: /codecs/ });
	assert.throws(() => ortc.validateSctpStreamParameters({} as Any), { name: 'TypeError', message: /streamId/ });
});
