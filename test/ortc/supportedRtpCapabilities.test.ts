import { test } from 'node:test';
import assert from 'node:assert/strict';

import { getSupportedRtpCapabilities, supportedRtpCapabilities } from '../../src/ortc';
import type { RouterRtpCapabilities } from '../../src/ortc';

test('getSupportedRtpCapabilities() returns independent copies', () => {
	const a = getSupportedRtpCapabilities();
	const b = getSupportedRtpCapabilities();

	assert.notEqual(a, b);
	assert.deepEqual(a, b);

	// Mangle the first copy at every depth: the second and any later one stay intact.
	a.codecs![0]!.mimeType = 'audio/chicken';
	a.codecs![0]!.rtcpFeedback!.push({ type: 'foo' });
	a.headerExtensions!.length = 0;
	(a as { codecs: unknown }).codecs = 'bar';

	const c = getSupportedRtpCapabilities();

	assert.notDeepEqual(c, a);
	assert.deepEqual(c, b);
	assert.equal(c.codecs![0]!.mimeType, 'audio/opus');
	assert.deepEqual(c.codecs![0]!.rtcpFeedback, [{ type: 'nack' }, { type: 'transport-cc' }]);
});

test('the exported table is frozen and copies of it are not', () => {
	assert.ok(Object.isFrozen(supportedRtpCapabilities));
	assert.ok(Object.isFrozen(supportedRtpCapabilities.codecs![0]!.rtcpFeedback));
	assert.throws(() => {
		(supportedRtpCapabilities.codecs as unknown[]).push({});
	}, TypeError);

	const copy = getSupportedRtpCapabilities();

	assert.ok(!Object.isFrozen(copy));
	assert.ok(!Object.isFrozen(copy.codecs![0]!.rtcpFeedback));
});

test('supported codecs: static payload types from RFC 3551 and dynamic otherwise', () => {
	const caps: RouterRtpCapabilities = getSupportedRtpCapabilities();
	const withPt = caps.codecs!.filter((c) => c.preferredPayloadType !== undefined);

	// RFC 3551 section 6, table 4: PCMU 0, PCMA 8, G722 9, CN 13.
	assert.deepEqual(
		withPt.map((c) => [c.mimeType, c.clockRate, c.preferredPayloadType]),
		[
			['audio/PCMU', 8000, 0],
			['audio/PCMA', 8000, 8],
			['audio/G722', 8000, 9],
			['audio/CN', 32000, 13],
			['audio/CN', 16000, 13],
			['audio/CN', 8000, 13],
		],
	);

	const opus = caps.codecs!.find((c) => c.mimeType === 'audio/opus')!;

	// RFC 7587 section 7: opus is always signalled as 48000/2.
	assert.equal(opus.clockRate, 48000);
	assert.equal(opus.channels, 2);

	const multiopus = caps.codecs!.filter((c) => c.mimeType === 'audio/multiopus');

	assert.deepEqual(
		multiopus.map((c) => [c.channels, c.parameters!['num_streams'], c.parameters!['coupled_streams']]),
		[
			[4, 2, 2],
			[6, 4, 2],
			[8, 5, 3],
		],
	);

	const videos = caps.codecs!.filter((c) => c.kind === 'video');

	assert.deepEqual(
		videos.map((c) => c.mimeType),
		['video/VP8', 'video/VP9', 'video/H264', 'video/AV1'],
	);

	for (const v of videos) {
		assert.equal(v.clockRate, 90000);
		assert.deepEqual(v.rtcpFeedback, [
			{ type: 'nack' },
			{ type: 'nack', parameter: 'pli' },
			{ type: 'ccm', parameter: 'fir' },
			{ type: 'goog-remb' },
			{ type: 'transport-cc' },
		]);
	}

	assert.deepEqual(videos[2]!.parameters, { 'level-asymmetry-allowed': 1 });
	assert.equal(caps.codecs!.length, 25);
});

test('supported header extensions: ids, kinds and directions', () => {
	const caps = getSupportedRtpCapabilities();
	const rows = caps.headerExtensions!.map((e) => `${e.kind} ${e.preferredId} ${e.direction} ${e.uri}`);

	assert.deepEqual(rows, [
		'audio 1 sendrecv urn:ietf:params:rtp-hdrext:sdes:mid',
		'video 1 sendrecv urn:ietf:params:rtp-hdrext:sdes:mid',
		'video 2 recvonly urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
		'video 3 recvonly urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
		'audio 4 sendrecv http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
		'video 4 sendrecv http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
		'audio 5 recvonly http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
		'video 5 sendrecv http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
		// mediasoup 3.19: recvonly; consumers need it for Chromium to decode AV1 SVC (see the table).
		'video 8 sendrecv https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension',
		'audio 10 sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level',
		'video 11 sendrecv urn:3gpp:video-orientation',
		'video 12 sendrecv urn:ietf:params:rtp-hdrext:toffset',
		'audio 13 sendrecv http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
		'video 13 sendrecv http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
		'audio 14 sendrecv http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
		'video 14 sendrecv http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
	]);

	for (const e of caps.headerExtensions!) {
		assert.equal(e.preferredEncrypt, false);
	}
});
