import { test } from 'node:test';
import assert from 'node:assert/strict';

import { UnsupportedError } from '../../src/api/errors';
import * as ortc from '../../src/ortc';
import type {
	RouterRtpCodecCapability,
	RtpCapabilities,
	RtpHeaderExtension,
	RtpParameters,
} from '../../src/ortc';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const DEPENDENCY_DESCRIPTOR = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

const routerMediaCodecs: RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{
		kind: 'video',
		mimeType: 'video/H264',
		clockRate: 90000,
		parameters: {
			'level-asymmetry-allowed': 1,
			'packetization-mode': 1,
			'profile-level-id': '4d0032',
			bar: 'lalala',
		},
	},
];

// A simulcast H264 producer with RTX: two streams by ssrc, one by rid.
function simulcastProducerParams(): RtpParameters {
	return {
		codecs: [
			{
				mimeType: 'video/H264',
				payloadType: 111,
				clockRate: 90000,
				parameters: { foo: 1234, 'packetization-mode': 1, 'profile-level-id': '4d0032' },
				rtcpFeedback: [
					{ type: 'nack', parameter: '' },
					{ type: 'nack', parameter: 'pli' },
					{ type: 'goog-remb', parameter: '' },
				],
			},
			{ mimeType: 'video/rtx', payloadType: 112, clockRate: 90000, parameters: { apt: 111 }, rtcpFeedback: [] },
		],
		headerExtensions: [
			{ uri: MID, id: 1 },
			{ uri: 'urn:3gpp:video-orientation', id: 2 },
		],
		encodings: [
			{ ssrc: 11111111, rtx: { ssrc: 11111112 }, maxBitrate: 111111, scalabilityMode: 'L1T3' },
			{ ssrc: 21111111, rtx: { ssrc: 21111112 }, maxBitrate: 222222, scalabilityMode: 'L1T3' },
			{ rid: 'high', maxBitrate: 333333, scalabilityMode: 'L1T3' },
		],
		rtcp: { cname: 'qwerty1234' },
	};
}

function ext(kind: 'audio' | 'video', uri: string, preferredId: number): RtpHeaderExtension {
	return { kind, uri: uri as RtpHeaderExtension['uri'], preferredId, preferredEncrypt: false, direction: 'sendrecv' };
}

// A browser-like endpoint: H264 on the router's payload types, its own feedback.
function remoteCaps(): RtpCapabilities {
	return {
		codecs: [
			{
				kind: 'audio',
				mimeType: 'audio/opus',
				preferredPayloadType: 100,
				clockRate: 48000,
				channels: 2,
				parameters: {},
				rtcpFeedback: [],
			},
			{
				kind: 'video',
				mimeType: 'video/H264',
				preferredPayloadType: 101,
				clockRate: 90000,
				parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032', baz: 'LOLOLO' },
				rtcpFeedback: [
					{ type: 'nack', parameter: '' },
					{ type: 'nack', parameter: 'pli' },
					{ type: 'foo', parameter: 'FOO' },
				],
			},
			{
				kind: 'video',
				mimeType: 'video/rtx',
				preferredPayloadType: 102,
				clockRate: 90000,
				parameters: { apt: 101 },
				rtcpFeedback: [],
			},
		],
		headerExtensions: [
			ext('audio', MID, 1),
			ext('video', MID, 1),
			ext('video', 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 2),
			ext('audio', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', 8),
			ext('video', 'urn:3gpp:video-orientation', 11),
			ext('video', 'urn:ietf:params:rtp-hdrext:toffset', 12),
		],
	};
}

function produce(kind: 'audio' | 'video', params: RtpParameters, routerCodecs = routerMediaCodecs) {
	const caps = ortc.generateRouterRtpCapabilities(routerCodecs);

	ortc.validateRtpParameters(params);

	const mapping = ortc.getProducerRtpParametersMapping(params, caps);
	const consumable = ortc.getConsumableRtpParameters(kind, params, caps, mapping);

	return { caps, mapping, consumable };
}

test('producer mapping and consumable parameters for a simulcast producer', () => {
	const params = simulcastProducerParams();
	const { mapping, consumable } = produce('video', params);

	assert.deepEqual(mapping.codecs, [
		{ payloadType: 111, mappedPayloadType: 101 },
		{ payloadType: 112, mappedPayloadType: 102 },
	]);

	assert.equal(mapping.encodings.length, 3);
	assert.equal(mapping.encodings[0]!.ssrc, 11111111);
	assert.equal(mapping.encodings[0]!.rid, undefined);
	assert.equal(mapping.encodings[1]!.ssrc, 21111111);
	assert.equal(mapping.encodings[2]!.ssrc, undefined);
	assert.equal(mapping.encodings[2]!.rid, 'high');
	assert.equal(mapping.encodings[2]!.scalabilityMode, 'L1T3');

	// Mapped ssrcs are consecutive from a random nine-digit base.
	const base = mapping.encodings[0]!.mappedSsrc;

	assert.ok(Number.isInteger(base) && base >= 100_000_000 && base < 999_999_999);
	assert.deepEqual(
		mapping.encodings.map((e) => e.mappedSsrc),
		[base, base + 1, base + 2],
	);

	assert.deepEqual(consumable.codecs, [
		{
			mimeType: 'video/H264',
			payloadType: 101,
			clockRate: 90000,
			// The producer's parameters, not the router's.
			parameters: { foo: 1234, 'packetization-mode': 1, 'profile-level-id': '4d0032' },
			// The router's feedback, not the producer's.
			rtcpFeedback: [
				{ type: 'nack', parameter: '' },
				{ type: 'nack', parameter: 'pli' },
				{ type: 'ccm', parameter: 'fir' },
				{ type: 'goog-remb', parameter: '' },
				{ type: 'transport-cc', parameter: '' },
			],
		},
		{ mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
	]);

	// rid, rtx and codecPayloadType are dropped; dtx was defaulted by validation.
	assert.deepEqual(consumable.encodings, [
		{ ssrc: base, maxBitrate: 111111, scalabilityMode: 'L1T3', dtx: false },
		{ ssrc: base + 1, maxBitrate: 222222, scalabilityMode: 'L1T3', dtx: false },
		{ ssrc: base + 2, maxBitrate: 333333, scalabilityMode: 'L1T3', dtx: false },
	]);

	assert.deepEqual(consumable.rtcp, { cname: 'qwerty1234', reducedSize: true });

	// Only video extensions the SFU can send (sendrecv/sendonly): no rid, rrid.
	assert.deepEqual(
		consumable.headerExtensions!.map((e) => [e.uri, e.id]),
		[
			[MID, 1],
			[ABS_SEND_TIME, 4],
			[TRANSPORT_CC, 5],
			[DEPENDENCY_DESCRIPTOR, 8],
			['urn:3gpp:video-orientation', 11],
			['urn:ietf:params:rtp-hdrext:toffset', 12],
			['http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time', 13],
			['http://www.webrtc.org/experiments/rtp-hdrext/playout-delay', 14],
		],
	);

	for (const e of consumable.headerExtensions!) {
		assert.equal(e.encrypt, false);
		assert.deepEqual(e.parameters, {});
	}

	// The consumable parameters share nothing with the producer's.
	consumable.codecs[0]!.parameters!['foo'] = 1;
	consumable.encodings![0]!.maxBitrate = 1;
	assert.equal(params.codecs[0]!.parameters!['foo'], 1234);
	assert.equal(params.encodings![0]!.maxBitrate, 111111);
	assert.equal(params.encodings![0]!.rtx!.ssrc, 11111112);
});

test('consumer parameters for a simulcast producer: one encoding, L3T3, highest maxBitrate', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const consumer = ortc.getConsumerRtpParameters({
		consumableRtpParameters: consumable,
		remoteRtpCapabilities: remoteCaps(),
		pipe: false,
		enableRtx: true,
	});

	assert.deepEqual(consumer.codecs, [
		{
			mimeType: 'video/H264',
			payloadType: 101,
			clockRate: 90000,
			parameters: { foo: 1234, 'packetization-mode': 1, 'profile-level-id': '4d0032' },
			// The remote's feedback list.
			rtcpFeedback: [
				{ type: 'nack', parameter: '' },
				{ type: 'nack', parameter: 'pli' },
				{ type: 'foo', parameter: 'FOO' },
			],
		},
		{ mimeType: 'video/rtx', payloadType: 102, clockRate: 90000, parameters: { apt: 101 }, rtcpFeedback: [] },
	]);

	assert.equal(consumer.encodings!.length, 1);

	const encoding = consumer.encodings![0]!;

	assert.equal(typeof encoding.ssrc, 'number');
	assert.equal(encoding.rtx!.ssrc, encoding.ssrc! + 1);
	// Three simulcast streams become three spatial layers of one stream; the
	// temporal layers come from the producer's mode ('L1T3').
	assert.equal(encoding.scalabilityMode, 'L3T3');
	assert.equal(encoding.maxBitrate, 333333);

	// Only the extensions the remote has, with the same ids.
	assert.deepEqual(consumer.headerExtensions, [
		{ uri: MID, id: 1, encrypt: false, parameters: {} },
		{ uri: 'urn:3gpp:video-orientation', id: 11, encrypt: false, parameters: {} },
		{ uri: 'urn:ietf:params:rtp-hdrext:toffset', id: 12, encrypt: false, parameters: {} },
	]);

	assert.deepEqual(consumer.rtcp, { cname: 'qwerty1234', reducedSize: true });

	// The consumer owns its objects.
	consumer.rtcp!.cname = 'changed';
	consumer.headerExtensions![0]!.id = 9;
	assert.equal(consumable.rtcp!.cname, 'qwerty1234');
	assert.equal(consumable.headerExtensions![0]!.id, 1);
});

test('dependency descriptor: svc and pipe consumers get it, consumers of a simulcast producer do not', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const caps = remoteCaps();

	caps.headerExtensions!.push(ext('video', DEPENDENCY_DESCRIPTOR, 8));

	const hasDd = (p: RtpParameters): boolean => p.headerExtensions!.some((e) => e.uri === DEPENDENCY_DESCRIPTOR);
	const simulcast = ortc.getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: caps, pipe: false, enableRtx: true });
	const pipe = ortc.getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: caps, pipe: true, enableRtx: true });
	// One encoding (an SVC stream): the same consumable parameters with the first encoding only.
	const svc = ortc.getConsumerRtpParameters({
		consumableRtpParameters: { ...consumable, encodings: [{ ...consumable.encodings![0]!, scalabilityMode: 'L3T3_KEY' }] },
		remoteRtpCapabilities: caps,
		pipe: false,
		enableRtx: true,
	});

	assert.equal(hasDd(consumable), true);
	assert.equal(hasDd(simulcast), false);
	assert.equal(hasDd(pipe), true);
	assert.equal(hasDd(svc), true);
	// A remote without it does not get it.
	assert.equal(hasDd(ortc.getConsumerRtpParameters({ consumableRtpParameters: consumable, remoteRtpCapabilities: remoteCaps(), pipe: true, enableRtx: true })), false);
});

test('consumer scalabilityMode: simulcast without temporal layers, SVC producer, none', () => {
	const simulcast = simulcastProducerParams();

	for (const e of simulcast.encodings!) {
		delete e.scalabilityMode;
	}

	const a = ortc.getConsumerRtpParameters({
		consumableRtpParameters: produce('video', simulcast).consumable,
		remoteRtpCapabilities: remoteCaps(),
		pipe: false,
		enableRtx: true,
	});

	assert.equal(a.encodings![0]!.scalabilityMode, 'L3T1');

	// A single SVC stream keeps its mode verbatim.
	const svc = simulcastProducerParams();

	svc.encodings = [{ ssrc: 1234, scalabilityMode: 'S3T3', maxBitrate: 900000 }];

	const b = ortc.getConsumerRtpParameters({
		consumableRtpParameters: produce('video', svc).consumable,
		remoteRtpCapabilities: remoteCaps(),
		pipe: false,
		enableRtx: true,
	});

	assert.equal(b.encodings![0]!.scalabilityMode, 'S3T3');
	assert.equal(b.encodings![0]!.maxBitrate, 900000);

	const plain = simulcastProducerParams();

	plain.encodings = [{ ssrc: 1234 }];

	const c = ortc.getConsumerRtpParameters({
		consumableRtpParameters: produce('video', plain).consumable,
		remoteRtpCapabilities: remoteCaps(),
		pipe: false,
		enableRtx: true,
	});

	assert.equal('scalabilityMode' in c.encodings![0]!, false);
	assert.equal('maxBitrate' in c.encodings![0]!, false);
});

test('consumer parameters without RTX drop the RTX codec, generic NACK and encoding.rtx', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const consumer = ortc.getConsumerRtpParameters({
		consumableRtpParameters: consumable,
		remoteRtpCapabilities: remoteCaps(),
		pipe: false,
		enableRtx: false,
	});

	assert.deepEqual(
		consumer.codecs.map((c) => c.mimeType),
		['video/H264'],
	);
	// Generic NACK (RFC 4585 section 6.2.1) is pointless without retransmission;
	// PLI and other feedback stay.
	assert.deepEqual(consumer.codecs[0]!.rtcpFeedback, [
		{ type: 'nack', parameter: 'pli' },
		{ type: 'foo', parameter: 'FOO' },
	]);
	assert.equal(consumer.encodings![0]!.rtx, undefined);
});

test('consumer parameters drop RTX when the remote lacks it', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const caps = remoteCaps();

	caps.codecs = caps.codecs!.filter((c) => c.mimeType !== 'video/rtx');

	const consumer = ortc.getConsumerRtpParameters({
		consumableRtpParameters: consumable,
		remoteRtpCapabilities: caps,
		pipe: false,
		enableRtx: true,
	});

	assert.deepEqual(
		consumer.codecs.map((c) => c.mimeType),
		['video/H264'],
	);
	assert.equal(consumer.encodings![0]!.rtx, undefined);
});

test('consumer feedback keeps one BWE: transport-cc, else REMB, else none', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const fb = [
		{ type: 'nack', parameter: '' },
		{ type: 'nack', parameter: 'pli' },
		{ type: 'goog-remb', parameter: '' },
		{ type: 'transport-cc', parameter: '' },
	];

	function feedbackWith(uris: string[]): string[] {
		const caps = remoteCaps();

		caps.codecs![1]!.rtcpFeedback = fb.map((f) => ({ ...f }));
		caps.headerExtensions = uris.map((uri, i) => ext('video', uri, uri === ABS_SEND_TIME ? 4 : uri === TRANSPORT_CC ? 5 : i + 20));

		const consumer = ortc.getConsumerRtpParameters({
			consumableRtpParameters: consumable,
			remoteRtpCapabilities: caps,
			pipe: false,
			enableRtx: true,
		});

		return consumer.codecs[0]!.rtcpFeedback!.map((f) => (f.parameter ? `${f.type} ${f.parameter}` : f.type));
	}

	assert.deepEqual(feedbackWith([ABS_SEND_TIME, TRANSPORT_CC]), ['nack', 'nack pli', 'transport-cc']);
	assert.deepEqual(feedbackWith([ABS_SEND_TIME]), ['nack', 'nack pli', 'goog-remb']);
	assert.deepEqual(feedbackWith([]), ['nack', 'nack pli']);
});

test('getConsumerRtpParameters() with pipe keeps all encodings', () => {
	const { consumable } = produce('video', simulcastProducerParams());

	for (const enableRtx of [true, false]) {
		const consumer = ortc.getConsumerRtpParameters({
			consumableRtpParameters: consumable,
			remoteRtpCapabilities: remoteCaps(),
			pipe: true,
			enableRtx,
		});
		const encs = consumer.encodings!;

		assert.equal(encs.length, 3);
		assert.deepEqual(
			encs.map((e) => e.ssrc! - encs[0]!.ssrc!),
			[0, 1, 2],
		);
		assert.deepEqual(
			encs.map((e) => e.maxBitrate),
			[111111, 222222, 333333],
		);

		for (const e of encs) {
			assert.equal(e.scalabilityMode, 'L1T3');

			if (enableRtx) {
				assert.equal(e.rtx!.ssrc - encs[0]!.rtx!.ssrc, e.ssrc! - encs[0]!.ssrc!);
			} else {
				assert.equal(e.rtx, undefined);
			}
		}
	}
});

test('getConsumerRtpParameters() throws UnsupportedError without a compatible media codec', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const incompatible: RtpCapabilities[] = [
		{ codecs: [], headerExtensions: [] },
		{ codecs: [remoteCaps().codecs![0]!], headerExtensions: [] },
		// Same H264 profile-level-id but packetization-mode 0 (RFC 6184 section 8.1).
		{
			codecs: [
				{
					kind: 'video',
					mimeType: 'video/H264',
					preferredPayloadType: 101,
					clockRate: 90000,
					parameters: { 'profile-level-id': '4d0032' },
				},
			],
			headerExtensions: [],
		},
		// Only the RTX codec matches.
		{ codecs: [remoteCaps().codecs![2]!], headerExtensions: [] },
	];

	for (const caps of incompatible) {
		ortc.validateRtpCapabilities(caps);
		assert.throws(
			() =>
				ortc.getConsumerRtpParameters({
					consumableRtpParameters: consumable,
					remoteRtpCapabilities: caps,
					pipe: false,
					enableRtx: true,
				}),
			UnsupportedError,
		);
	}
});

test('getPipeConsumerRtpParameters() without RTX: no RTX codec, only PLI/FIR, no BWE extensions', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const pipe = ortc.getPipeConsumerRtpParameters({ consumableRtpParameters: consumable, enableRtx: false });

	assert.deepEqual(pipe.codecs, [
		{
			mimeType: 'video/H264',
			payloadType: 101,
			clockRate: 90000,
			parameters: { foo: 1234, 'packetization-mode': 1, 'profile-level-id': '4d0032' },
			rtcpFeedback: [
				{ type: 'nack', parameter: 'pli' },
				{ type: 'ccm', parameter: 'fir' },
			],
		},
	]);

	const uris = pipe.headerExtensions!.map((e) => e.uri);

	assert.ok(!uris.includes(MID));
	assert.ok(!uris.includes(ABS_SEND_TIME));
	assert.ok(!uris.includes(TRANSPORT_CC));
	assert.ok(uris.includes('urn:3gpp:video-orientation'));

	assert.equal(pipe.encodings!.length, 3);

	for (const [i, e] of pipe.encodings!.entries()) {
		assert.equal(e.ssrc, pipe.encodings![0]!.ssrc! + i);
		assert.equal(e.rtx, undefined);
		assert.equal(e.scalabilityMode, 'L1T3');
		assert.equal(typeof e.maxBitrate, 'number');
	}

	assert.deepEqual(pipe.rtcp, { cname: 'qwerty1234', reducedSize: true });
});

test('getPipeConsumerRtpParameters() with RTX keeps RTX and generic NACK', () => {
	const { consumable } = produce('video', simulcastProducerParams());
	const pipe = ortc.getPipeConsumerRtpParameters({ consumableRtpParameters: consumable, enableRtx: true });

	assert.deepEqual(
		pipe.codecs.map((c) => [c.mimeType, c.payloadType]),
		[
			['video/H264', 101],
			['video/rtx', 102],
		],
	);
	assert.deepEqual(pipe.codecs[0]!.rtcpFeedback, [
		{ type: 'nack', parameter: '' },
		{ type: 'nack', parameter: 'pli' },
		{ type: 'ccm', parameter: 'fir' },
	]);

	const encs = pipe.encodings!;

	for (const [i, e] of encs.entries()) {
		assert.equal(e.ssrc, encs[0]!.ssrc! + i);
		assert.equal(e.rtx!.ssrc, encs[0]!.rtx!.ssrc + i);
	}

	// Independent of the consumable parameters.
	pipe.codecs[0]!.rtcpFeedback!.length = 0;
	assert.equal(consumable.codecs[0]!.rtcpFeedback!.length, 5);
});

test('canConsume() true and false cases', () => {
	const { consumable: video } = produce('video', simulcastProducerParams());
	const audioParams: RtpParameters = {
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
		encodings: [{ ssrc: 5555 }],
	};
	const { consumable: audio } = produce('audio', audioParams);

	assert.equal(ortc.canConsume(video, remoteCaps()), true);
	assert.equal(ortc.canConsume(audio, remoteCaps()), true);

	// Unnormalized capabilities are fine (canConsume validates them).
	assert.equal(
		ortc.canConsume(audio, { codecs: [{ mimeType: 'audio/opus', clockRate: 48000, channels: 2 } as Any] }),
		true,
	);

	assert.equal(ortc.canConsume(audio, { codecs: [], headerExtensions: [] }), false);
	assert.equal(ortc.canConsume(audio, {}), false);
	assert.equal(
		ortc.canConsume(audio, {
			codecs: [{ kind: 'audio', mimeType: 'audio/ISAC', preferredPayloadType: 100, clockRate: 32000, channels: 1 }],
		}),
		false,
	);
	// Mono opus is a different codec.
	assert.equal(
		ortc.canConsume(audio, {
			codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 1 }],
		}),
		false,
	);

	// H264 with a different profile (constrained baseline vs main, RFC 6184 section 8.1).
	const baseline = remoteCaps();

	baseline.codecs![1]!.parameters!['profile-level-id'] = '42e01f';
	assert.equal(ortc.canConsume(video, baseline), false);

	// A higher level of the same profile is still consumable.
	const higherLevel = remoteCaps();

	higherLevel.codecs![1]!.parameters!['profile-level-id'] = '4d0034';
	assert.equal(ortc.canConsume(video, higherLevel), true);

	// Only an RTX codec matching is not enough.
	const rtxOnly: RtpCapabilities = { codecs: [remoteCaps().codecs![2]!] };

	assert.equal(ortc.canConsume(video, rtxOnly), false);

	// Invalid capabilities throw.
	assert.throws(() => ortc.canConsume(audio, { codecs: 'opus' } as Any), TypeError);
});

test('getProducerRtpParametersMapping() rejects codecs the router lacks with UnsupportedError', () => {
	const caps = ortc.generateRouterRtpCapabilities([
		{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
		{
			kind: 'video',
			mimeType: 'video/H264',
			clockRate: 90000,
			parameters: { 'packetization-mode': 1, 'profile-level-id': '640032' },
		},
	]);

	const vp8: RtpParameters = {
		codecs: [
			{
				mimeType: 'video/VP8',
				payloadType: 120,
				clockRate: 90000,
				rtcpFeedback: [
					{ type: 'nack', parameter: '' },
					{ type: 'nack', parameter: 'fir' },
				],
			},
		],
		headerExtensions: [],
		encodings: [{ ssrc: 11111111 }],
		rtcp: { cname: 'qwerty1234' },
	};

	ortc.validateRtpParameters(vp8);
	assert.throws(() => ortc.getProducerRtpParametersMapping(vp8, caps), UnsupportedError);

	function h264(parameters: Record<string, unknown>): RtpParameters {
		const p: RtpParameters = {
			codecs: [
				{ mimeType: 'video/h264', payloadType: 112, clockRate: 90000, parameters },
				{ mimeType: 'video/rtx', payloadType: 113, clockRate: 90000, parameters: { apt: 112 } },
			],
			encodings: [{ ssrc: 6666, rtx: { ssrc: 6667 } }],
		};

		ortc.validateRtpParameters(p);
		return p;
	}

	// Invalid profile-level-id, another profile, another packetization mode.
	for (const parameters of [
		{ 'packetization-mode': 1, 'profile-level-id': 'CHICKEN' },
		{ 'packetization-mode': 1, 'profile-level-id': '42e01f' },
		{ 'packetization-mode': 0, 'profile-level-id': '640032' },
	]) {
		assert.throws(() => ortc.getProducerRtpParametersMapping(h264(parameters), caps), UnsupportedError);
	}

	assert.doesNotThrow(() =>
		ortc.getProducerRtpParametersMapping(h264({ 'packetization-mode': 1, 'profile-level-id': '640032' }), caps),
	);

	// ISAC is supported by the SFU but not enabled in this router.
	const isac: RtpParameters = { codecs: [{ mimeType: 'audio/ISAC', payloadType: 108, clockRate: 32000 }] };

	ortc.validateRtpParameters(isac);
	assert.throws(() => ortc.getProducerRtpParametersMapping(isac, caps), UnsupportedError);
});

test('getProducerRtpParametersMapping() RTX errors', () => {
	const caps = ortc.generateRouterRtpCapabilities(routerMediaCodecs);

	// apt naming no codec of the producer: TypeError.
	const badApt: RtpParameters = {
		codecs: [
			{ mimeType: 'video/h264', payloadType: 112, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032' } },
			{ mimeType: 'video/rtx', payloadType: 113, clockRate: 90000, parameters: { apt: 111 } },
		],
		encodings: [{ ssrc: 6666, rtx: { ssrc: 6667 } }],
	};

	ortc.validateRtpParameters(badApt);
	assert.throws(() => ortc.getProducerRtpParametersMapping(badApt, caps), TypeError);

	// Router capabilities without RTX for the codec: UnsupportedError.
	const noRtxCaps: RtpCapabilities = { codecs: caps.codecs!.filter((c) => c.mimeType !== 'video/rtx') };
	const withRtx = simulcastProducerParams();

	ortc.validateRtpParameters(withRtx);
	assert.throws(() => ortc.getProducerRtpParametersMapping(withRtx, noRtxCaps), UnsupportedError);
});

// RFC 6184 section 8.2.2: without level-asymmetry-allowed on both sides the
// answer uses the lower of the two levels.
test('getProducerRtpParametersMapping() rewrites H264 profile-level-id to the negotiated level', () => {
	const caps = ortc.generateRouterRtpCapabilities([
		{
			kind: 'video',
			mimeType: 'video/H264',
			clockRate: 90000,
			parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
		},
	]);

	const params: RtpParameters = {
		codecs: [
			{
				mimeType: 'video/H264',
				payloadType: 96,
				clockRate: 90000,
				parameters: { 'packetization-mode': 1, 'profile-level-id': '42e034' },
			},
		],
		encodings: [{ ssrc: 1 }],
	};

	ortc.validateRtpParameters(params);

	const mapping = ortc.getProducerRtpParametersMapping(params, caps);

	assert.deepEqual(mapping.codecs, [{ payloadType: 96, mappedPayloadType: 100 }]);
	assert.equal(params.codecs[0]!.parameters!['profile-level-id'], '42e01f');

	const consumable = ortc.getConsumableRtpParameters('video', params, caps, mapping);

	assert.equal(consumable.codecs[0]!.parameters!['profile-level-id'], '42e01f');
});

test('VP9 profile-id selects among router VP9 codecs', () => {
	const caps = ortc.generateRouterRtpCapabilities([
		{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
		{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2 } },
	]);

	function vp9(profileId?: number): RtpParameters {
		const p: RtpParameters = {
			codecs: [
				{
					mimeType: 'video/VP9',
					payloadType: 98,
					clockRate: 90000,
					parameters: profileId === undefined ? {} : { 'profile-id': profileId },
				},
			],
			encodings: [{ ssrc: 1, scalabilityMode: 'L3T3_KEY' }],
		};

		ortc.validateRtpParameters(p);
		return p;
	}

	// VP9 payload format (RFC 9628 section 6): profile-id defaults to 0.
	assert.equal(ortc.getProducerRtpParametersMapping(vp9(), caps).codecs[0]!.mappedPayloadType, 100);
	assert.equal(ortc.getProducerRtpParametersMapping(vp9(0), caps).codecs[0]!.mappedPayloadType, 100);
	assert.equal(ortc.getProducerRtpParametersMapping(vp9(2), caps).codecs[0]!.mappedPayloadType, 102);
	assert.throws(() => ortc.getProducerRtpParametersMapping(vp9(1), caps), UnsupportedError);

	const p2 = vp9(2);
	const consumable = ortc.getConsumableRtpParameters('video', p2, caps, ortc.getProducerRtpParametersMapping(p2, caps));
	const profile0Only: RtpCapabilities = {
		codecs: [{ kind: 'video', mimeType: 'video/VP9', preferredPayloadType: 100, clockRate: 90000 }],
	};

	assert.equal(ortc.canConsume(consumable, profile0Only), false);
	assert.equal(ortc.canConsume(consumable, { codecs: [caps.codecs![2]!] }), true);
});

test('audio consumable parameters only carry audio extensions the SFU sends', () => {
	const params: RtpParameters = {
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
		encodings: [{ ssrc: 5555, dtx: true }],
	};
	const { consumable } = produce('audio', params);

	assert.deepEqual(consumable.codecs, [
		{
			mimeType: 'audio/opus',
			payloadType: 100,
			clockRate: 48000,
			channels: 2,
			parameters: {},
			rtcpFeedback: [
				{ type: 'nack', parameter: '' },
				{ type: 'transport-cc', parameter: '' },
			],
		},
	]);

	// transport-wide-cc is receive-only for audio.
	assert.deepEqual(
		consumable.headerExtensions!.map((e) => e.id),
		[1, 4, 10, 13, 14],
	);
	assert.equal(consumable.encodings![0]!.dtx, true);
	// No cname given: none invented here (the transport supplies one).
	assert.deepEqual(consumable.rtcp, { reducedSize: true });
});
