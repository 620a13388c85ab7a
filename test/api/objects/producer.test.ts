/**
 * Producer through the whole stack (application API, channel, worker), after
 * mediasoup 3.19's test-Producer: creation, dump, stats, pause/resume and
 * their observer events, trace types, score notifications, close paths.
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { enhancedOnce } from '../../../src/api/enhancedEvents';
import { InvalidStateError, UnsupportedError } from '../../../src/api/errors';
import type { PlainTransport } from '../../../src/api/PlainTransport';
import { audioProducerParameters, videoProducerParameters, svcProducerParameters } from './fixtures';
import { closeEnv, counter, createEnv, plainTransport, type Env } from './helpers';

let env: Env;
let transport1: PlainTransport;
let transport2: PlainTransport;

beforeEach(async () => {
	env = await createEnv();
	transport1 = await plainTransport(env.router);
	transport2 = await plainTransport(env.router);
});

afterEach(async () => {
	await closeEnv(env);
});

test('transport.produce() succeeds (audio simple, video simulcast, VP8 L3T3 svc)', async () => {
	const onNewProducer = counter();

	transport1.observer.once('newproducer', onNewProducer);

	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters(), appData: { foo: 1, bar: '2' } });

	assert.equal(onNewProducer.calls.length, 1);
	assert.equal(onNewProducer.calls[0][0], audio);
	assert.equal(typeof audio.id, 'string');
	assert.equal(audio.closed, false);
	assert.equal(audio.kind, 'audio');
	assert.equal(typeof audio.rtpParameters, 'object');
	assert.equal(audio.type, 'simple');
	assert.equal(typeof audio.consumableRtpParameters, 'object');
	assert.equal(audio.paused, false);
	assert.deepEqual(audio.score, []);
	assert.deepEqual(audio.appData, { foo: 1, bar: '2' });

	const video = await transport2.produce({ kind: 'video', rtpParameters: videoProducerParameters(), paused: true });

	assert.equal(video.type, 'simulcast');
	assert.equal(video.paused, true);
	assert.deepEqual(video.appData, {});

	const svc = await transport2.produce({ kind: 'video', rtpParameters: svcProducerParameters() });

	assert.equal(svc.type, 'svc');

	const routerDump = await env.router.dump();

	assert.deepEqual(
		routerDump.mapProducerIdConsumerIds.map((e) => e.key).sort(),
		[audio.id, video.id, svc.id].sort(),
	);
	assert.deepEqual(routerDump.mapConsumerIdProducerId, []);
	assert.deepEqual((await transport1.dump()).producerIds, [audio.id]);
});

test('transport.produce() with a used id rejects; with wrong arguments rejects with TypeError/UnsupportedError', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });

	// Same id on another transport of the router: the worker refuses it.
	const params = audioProducerParameters();

	params.mid = 'OTHER';
	params.encodings = [{ ssrc: 4444 }];
	await assert.rejects(transport2.produce({ id: audio.id, kind: 'audio', rtpParameters: params }), Error);
	await assert.rejects(transport1.produce({ kind: 'chicken' as any, rtpParameters: {} as any }), TypeError);
	await assert.rejects(
		transport1.produce({
			kind: 'audio',
			rtpParameters: { codecs: [{ mimeType: 'audio/ISAC', payloadType: 108, clockRate: 32000 }], encodings: [{ ssrc: 1111 }] },
		}),
		UnsupportedError,
	);
	// No MID and one encoding without ssrc nor rid.
	await assert.rejects(
		transport1.produce({
			kind: 'audio',
			rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{}] },
		}),
		Error,
	);
});

test('producer.dump() succeeds', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const dump1 = await audio.dump();

	assert.equal(dump1.id, audio.id);
	assert.equal(dump1.kind, 'audio');
	assert.equal(dump1.type, 'simple');
	assert.equal(dump1.paused, false);
	assert.deepEqual(dump1.traceEventTypes, []);
	assert.equal(dump1.rtpParameters.codecs[0].mimeType, 'audio/opus');
	assert.equal(dump1.rtpParameters.codecs[0].payloadType, 111);
	assert.equal(dump1.rtpParameters.codecs[0].channels, 2);
	assert.deepEqual(dump1.rtpParameters.codecs[0].parameters, { useinbandfec: 1, usedtx: 1, foo: 222.222, bar: '333' });
	assert.deepEqual(dump1.rtpParameters.codecs[0].rtcpFeedback, []);
	assert.deepEqual(dump1.rtpParameters.headerExtensions, [
		{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 10, parameters: {}, encrypt: false },
		{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 12, parameters: {}, encrypt: false },
	]);
	assert.equal(dump1.rtpParameters.encodings![0].codecPayloadType, 111);

	const video = await transport2.produce({ kind: 'video', rtpParameters: videoProducerParameters() });
	const dump2 = await video.dump();

	assert.equal(dump2.type, 'simulcast');
	assert.equal(dump2.rtpParameters.codecs[0].mimeType, 'video/H264');
	assert.equal(dump2.rtpParameters.codecs[0].channels, undefined);
	assert.equal(dump2.rtpParameters.codecs[1].mimeType, 'video/rtx');
	assert.deepEqual(dump2.rtpParameters.codecs[1].parameters, { apt: 112 });
	assert.deepEqual(
		dump2.rtpParameters.encodings!.map((e) => [e.codecPayloadType, e.ssrc, e.rtx?.ssrc]),
		[
			[112, 22222222, 22222223],
			[112, 22222224, 22222225],
			[112, 22222226, 22222227],
			[112, 22222228, 22222229],
		],
	);
});

test('producer.getStats() succeeds (no streams before media)', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const video = await transport2.produce({ kind: 'video', rtpParameters: videoProducerParameters() });

	assert.deepEqual(await audio.getStats(), []);
	assert.deepEqual(await video.getStats(), []);
});

test('producer.pause() and resume() succeed, observer fires on real transitions only', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const onPause = counter();
	const onResume = counter();

	audio.observer.on('pause', onPause);
	audio.observer.on('resume', onResume);

	await audio.pause();
	assert.equal(audio.paused, true);
	assert.equal((await audio.dump()).paused, true);
	await audio.resume();
	assert.equal(audio.paused, false);
	assert.equal((await audio.dump()).paused, false);

	// Not awaited: the observer must still follow the state transitions.
	void audio.pause();
	void audio.resume();
	void audio.pause();
	void audio.pause();
	void audio.pause();
	await audio.resume();
	assert.equal(onPause.calls.length, 3);
	assert.equal(onResume.calls.length, 3);

	const events: string[] = [];

	audio.observer.once('pause', () => events.push('pause'));
	audio.observer.once('resume', () => events.push('resume'));
	await Promise.all([audio.pause(), audio.resume()]);
	assert.deepEqual(events, ['pause', 'resume']);
	assert.equal(audio.paused, false);
});

test('producer.enableTraceEvent() succeeds and rejects wrong arguments with TypeError', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });

	await audio.enableTraceEvent(['rtp', 'pli']);
	assert.deepEqual((await audio.dump()).traceEventTypes.sort(), ['pli', 'rtp']);
	await audio.enableTraceEvent();
	assert.deepEqual((await audio.dump()).traceEventTypes, []);
	await audio.enableTraceEvent(['nack', 'FOO', 'fir'] as any);
	assert.deepEqual((await audio.dump()).traceEventTypes.sort(), ['fir', 'nack']);
	await audio.enableTraceEvent();

	await assert.rejects(audio.enableTraceEvent(123 as any), TypeError);
	await assert.rejects(audio.enableTraceEvent('rtp' as any), TypeError);
	await assert.rejects(audio.enableTraceEvent(['fir', 123.123] as any), TypeError);
});

test('Producer emits "score", "videoorientationchange" and "trace" from worker notifications', async () => {
	const video = await transport2.produce({ kind: 'video', rtpParameters: videoProducerParameters() });
	const channel = video.channelForTesting;
	const onScore = counter();
	const onObserverScore = counter();
	const onOrientation = counter();
	const onTrace = counter();

	video.on('score', onScore);
	video.observer.on('score', onObserverScore);
	video.on('videoorientationchange', onOrientation);
	video.observer.on('trace', onTrace);

	const score = [
		{ encodingIdx: 0, ssrc: 11, rid: undefined, score: 10 },
		{ encodingIdx: 1, ssrc: 22, rid: undefined, score: 9 },
	];

	channel.emit(video.id, 'score', score);
	channel.emit(video.id, 'score', score);
	channel.emit(video.id, 'score', score);
	assert.equal(onScore.calls.length, 3);
	assert.equal(onObserverScore.calls.length, 3);
	assert.deepEqual(video.score, score);

	channel.emit(video.id, 'videoorientationchange', { camera: true, flip: false, rotation: 90 });
	assert.deepEqual(onOrientation.calls, [[{ camera: true, flip: false, rotation: 90 }]]);

	const trace = { type: 'keyframe', timestamp: 1, direction: 'in', info: {} };

	channel.emit(video.id, 'trace', trace);
	assert.deepEqual(onTrace.calls, [[trace]]);
});

test('producer.send() takes Buffers only', async () => {
	const direct = await env.router.createDirectTransport();
	const producer = await direct.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });

	assert.throws(() => producer.send('foo' as any), TypeError);
	// A minimal RTP packet (RFC 3550 section 5.1): V=2, PT 111, ssrc 11111111.
	const packet = Buffer.alloc(12);

	packet[0] = 0x80;
	packet[1] = 111;
	packet.writeUInt32BE(11111111, 8);
	producer.send(packet);
	// Still alive and answering.
	assert.equal((await producer.dump()).id, producer.id);
	producer.close();
	producer.send(packet);
});

test('producer.close() succeeds; methods reject once closed', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const onClose = counter();

	audio.observer.once('close', onClose);
	audio.close();
	audio.close();
	assert.equal(onClose.calls.length, 1);
	assert.equal(audio.closed, true);
	assert.deepEqual((await env.router.dump()).mapProducerIdConsumerIds, []);
	assert.deepEqual((await transport1.dump()).producerIds, []);

	await assert.rejects(audio.dump(), InvalidStateError);
	await assert.rejects(audio.getStats(), Error);
	await assert.rejects(audio.pause(), Error);
	await assert.rejects(audio.resume(), Error);
	await assert.rejects(audio.enableTraceEvent([]), Error);
	assert.equal(env.router.canConsume({ producerId: audio.id, rtpCapabilities: env.router.rtpCapabilities }), false);
});

test('Producer emits "transportclose" if its transport closes', async () => {
	const video = await transport2.produce({ kind: 'video', rtpParameters: videoProducerParameters() });
	const onClose = counter();

	video.observer.once('close', onClose);

	const closed = enhancedOnce(video, 'transportclose');

	transport2.close();
	await closed;
	assert.equal(onClose.calls.length, 1);
	assert.equal(video.closed, true);
	assert.deepEqual((await env.router.dump()).mapProducerIdConsumerIds, []);
});

test('Producer emits "transportclose" when the router closes', async () => {
	const audio = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const closed = enhancedOnce(audio, 'transportclose');

	env.router.close();
	await closed;
	assert.equal(audio.closed, true);
});
