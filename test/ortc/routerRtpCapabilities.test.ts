import { test } from 'node:test';
import assert from 'node:assert/strict';

import { UnsupportedError } from '../../src/api/errors';
import * as ortc from '../../src/ortc';
import type { RouterRtpCodecCapability, RtpCodecCapability } from '../../src/ortc';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const videoFb = [
	{ type: 'nack', parameter: '' },
	{ type: 'nack', parameter: 'pli' },
	{ type: 'ccm', parameter: 'fir' },
	{ type: 'goog-remb', parameter: '' },
	{ type: 'transport-cc', parameter: '' },
];

function rtx(pt: number, apt: number): RtpCodecCapability {
	// RFC 4588 section 8.6: one RTX payload type per media payload type, same clock.
	return {
		kind: 'video',
		mimeType: 'video/rtx',
		preferredPayloadType: pt,
		clockRate: 90000,
		parameters: { apt },
		rtcpFeedback: [],
	};
}

test('generateRouterRtpCapabilities() as in mediasoup: forced PT, merged parameters, RTX', () => {
	const mediaCodecs: RouterRtpCodecCapability[] = [
		{
			kind: 'audio',
			mimeType: 'audio/opus',
			clockRate: 48000,
			channels: 2,
			parameters: { useinbandfec: 1, foo: 'bar' },
		},
		{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 125, clockRate: 90000 },
		{
			kind: 'video',
			mimeType: 'video/H264',
			clockRate: 90000,
			parameters: { 'level-asymmetry-allowed': 1, 'profile-level-id': '42e01f', foo: 'bar' },
			// The application cannot change what feedback the SFU implements.
			rtcpFeedback: [],
		},
	];

	const caps = ortc.generateRouterRtpCapabilities(mediaCodecs);

	assert.deepEqual(caps.codecs, [
		{
			kind: 'audio',
			mimeType: 'audio/opus',
			preferredPayloadType: 100,
			clockRate: 48000,
			channels: 2,
			parameters: { useinbandfec: 1, foo: 'bar' },
			rtcpFeedback: [
				{ type: 'nack', parameter: '' },
				{ type: 'transport-cc', parameter: '' },
			],
		},
		{
			kind: 'video',
			mimeType: 'video/VP8',
			preferredPayloadType: 125,
			clockRate: 90000,
			parameters: {},
			rtcpFeedback: videoFb,
		},
		rtx(101, 125),
		{
			kind: 'video',
			mimeType: 'video/H264',
			preferredPayloadType: 102,
			clockRate: 90000,
			// packetization-mode is not added: RFC 6184 section 8.1 defaults it to 0.
			parameters: { 'level-asymmetry-allowed': 1, 'profile-level-id': '42e01f', foo: 'bar' },
			rtcpFeedback: videoFb,
		},
		rtx(103, 102),
	]);
});

test('generateRouterRtpCapabilities() for a typical codec list', () => {
	const mediaCodecs: RouterRtpCodecCapability[] = [
		{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
		{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
		{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2 } },
		{
			kind: 'video',
			mimeType: 'video/h264',
			clockRate: 90000,
			parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
		},
		{
			kind: 'video',
			mimeType: 'video/h264',
			clockRate: 90000,
			parameters: { 'packetization-mode': 1, 'profile-level-id': '4d0032', 'level-asymmetry-allowed': 1 },
		},
	];

	const caps = ortc.generateRouterRtpCapabilities(mediaCodecs);
	const codecs = caps.codecs!;

	// Dynamic payload types are drawn from 100 upwards (then 96-99), each video
	// codec immediately followed by its RTX codec.
	assert.deepEqual(
		codecs.map((c) => [c.mimeType, c.preferredPayloadType, c.parameters?.['apt']]),
		[
			['audio/opus', 100, undefined],
			['video/VP8', 101, undefined],
			['video/rtx', 102, 101],
			['video/VP9', 103, undefined],
			['video/rtx', 104, 103],
			// The MIME type keeps the table's spelling, not the application's.
			['video/H264', 105, undefined],
			['video/rtx', 106, 105],
			['video/H264', 107, undefined],
			['video/rtx', 108, 107],
		],
	);

	assert.deepEqual(codecs[1]!.parameters, { 'x-google-start-bitrate': 1000 });
	assert.deepEqual(codecs[3]!.parameters, { 'profile-id': 2 });
	assert.deepEqual(codecs[5]!.parameters, {
		'level-asymmetry-allowed': 1,
		'packetization-mode': 1,
		'profile-level-id': '42e01f',
	});
	assert.equal(codecs[7]!.parameters!['profile-level-id'], '4d0032');

	for (const c of codecs) {
		if (c.mimeType === 'video/rtx') {
			assert.deepEqual(c.rtcpFeedback, []);
			assert.equal(c.clockRate, 90000);
			assert.equal(c.kind, 'video');
			assert.equal('channels' in c, false);
		} else if (c.kind === 'video') {
			assert.deepEqual(c.rtcpFeedback, videoFb);
		}
	}

	// Header extensions: the whole supported list, normalized.
	const expectedExts = ortc.getSupportedRtpCapabilities().headerExtensions;

	assert.deepEqual(caps.headerExtensions, expectedExts);
	assert.equal(caps.headerExtensions!.length, 16);
});

test('generateRouterRtpCapabilities() keeps static payload types and multiopus variants', () => {
	const caps = ortc.generateRouterRtpCapabilities([
		{ kind: 'audio', mimeType: 'audio/PCMU', clockRate: 8000 },
		{ kind: 'audio', mimeType: 'audio/pcma', clockRate: 8000 },
		{
			kind: 'audio',
			mimeType: 'audio/multiopus',
			clockRate: 48000,
			channels: 6,
			parameters: { num_streams: 4, coupled_streams: 2, channel_mapping: '0,4,1,2,3,5' },
		},
		{ kind: 'audio', mimeType: 'audio/telephone-event', clockRate: 48000 },
	]);

	assert.deepEqual(
		caps.codecs!.map((c) => [c.mimeType, c.preferredPayloadType, c.channels]),
		[
			// RFC 3551 section 6.
			['audio/PCMU', 0, 1],
			['audio/PCMA', 8, 1],
			['audio/multiopus', 100, 6],
			['audio/telephone-event', 101, 1],
		],
	);

	// Multiopus stream counts must match a table entry.
	assert.throws(
		() =>
			ortc.generateRouterRtpCapabilities([
				{
					kind: 'audio',
					mimeType: 'audio/multiopus',
					clockRate: 48000,
					channels: 6,
					parameters: { num_streams: 3, coupled_streams: 2 },
				},
			]),
		UnsupportedError,
	);
});

test('generateRouterRtpCapabilities() uses 96-99 after 100-127 and then gives up', () => {
	const many: RouterRtpCodecCapability[] = [];

	for (let i = 0; i < 16; ++i) {
		many.push({ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 });
	}

	const caps = ortc.generateRouterRtpCapabilities(many);
	const pts = caps.codecs!.map((c) => c.preferredPayloadType);

	assert.equal(pts.length, 32);
	assert.deepEqual(pts.slice(26), [126, 127, 96, 97, 98, 99]);

	many.push({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
	assert.throws(() => ortc.generateRouterRtpCapabilities(many), /cannot allocate/);

	const opus: RouterRtpCodecCapability[] = [];

	for (let i = 0; i < 100; ++i) {
		opus.push({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
	}

	assert.throws(() => ortc.generateRouterRtpCapabilities(opus), /cannot allocate/);
});

test('generateRouterRtpCapabilities() rejects unsupported codecs with UnsupportedError', () => {
	const unsupported: Any[] = [
		{ kind: 'audio', mimeType: 'audio/chicken', clockRate: 8000, channels: 4 },
		// Opus is only ever 48000/2 (RFC 7587 section 7).
		{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 1 },
		{ kind: 'audio', mimeType: 'audio/opus', clockRate: 44100, channels: 2 },
		{ kind: 'audio', mimeType: 'audio/x-aiff', clockRate: 8000, channels: 1 },
		{ kind: 'video', mimeType: 'video/3gpp', clockRate: 90000 },
		{ kind: 'video', mimeType: 'video/VP8', clockRate: 48000 },
		{ kind: 'video', mimeType: 'video/rtx', clockRate: 90000 },
	];

	for (const codec of unsupported) {
		assert.throws(() => ortc.generateRouterRtpCapabilities([codec]), UnsupportedError, codec.mimeType);
	}
});

test('generateRouterRtpCapabilities() rejects bad input and duplicated payload types with TypeError', () => {
	const bad: Any[] = [
		{},
		'opus',
		[null],
		[{ kind: 'audio', clockRate: 48000 }],
		[{ kind: 'audio', mimeType: 'opus', clockRate: 48000 }],
		[{ kind: 'audio', mimeType: 'audio/opus', channels: 2 }],
		[{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: '100' }],
		[{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { x: {} } }],
	];

	for (const mediaCodecs of bad) {
		assert.throws(() => ortc.generateRouterRtpCapabilities(mediaCodecs), TypeError, JSON.stringify(mediaCodecs));
	}

	// Two codecs asking for the same payload type.
	assert.throws(
		() =>
			ortc.generateRouterRtpCapabilities([
				{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 111 },
				{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 111 },
			]),
		{ name: 'TypeError', message: /duplicated codec.preferredPayloadType/ },
	);

	// A forced payload type colliding with one already handed out to RTX.
	assert.throws(
		() =>
			ortc.generateRouterRtpCapabilities([
				{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
				{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, preferredPayloadType: 101 },
			]),
		TypeError,
	);

	// Static payload types are not reserved: the same static PT twice collides.
	assert.throws(
		() =>
			ortc.generateRouterRtpCapabilities([
				{ kind: 'audio', mimeType: 'audio/CN', clockRate: 8000 },
				{ kind: 'audio', mimeType: 'audio/CN', clockRate: 16000 },
			]),
		TypeError,
	);
});

test('generateRouterRtpCapabilities() with no codecs and without touching its input', () => {
	assert.deepEqual(ortc.generateRouterRtpCapabilities().codecs, []);
	assert.deepEqual(ortc.generateRouterRtpCapabilities([]).codecs, []);

	const input: RouterRtpCodecCapability[] = Object.freeze([
		Object.freeze({ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }),
	]) as RouterRtpCodecCapability[];

	const caps = ortc.generateRouterRtpCapabilities(input);

	assert.equal(caps.codecs!.length, 1);
	assert.deepEqual(input[0], { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

	// Two routers never share capability objects with each other or the table.
	const a = ortc.generateRouterRtpCapabilities(input);
	const b = ortc.generateRouterRtpCapabilities(input);

	a.codecs![0]!.rtcpFeedback!.length = 0;
	a.headerExtensions![0]!.preferredId = 99;
	assert.equal(b.codecs![0]!.rtcpFeedback!.length, 2);
	assert.equal(b.headerExtensions![0]!.preferredId, 1);
	assert.equal(ortc.supportedRtpCapabilities.headerExtensions![0]!.preferredId, 1);
});
