/**
 * Consumer through the whole stack, after mediasoup 3.19's test-Consumer:
 * creation (simple, simulcast, pipe), initial scores and layers, dump,
 * stats, pause/resume, producer pause/resume/close, priority, preferred
 * layers, trace types, close paths.
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { enhancedOnce } from '../../../src/api/enhancedEvents';
import { UnsupportedError } from '../../../src/api/errors';
import type { PlainTransport } from '../../../src/api/PlainTransport';
import type { Producer } from '../../../src/api/Producer';
import { audioProducerParameters, consumerDeviceCapabilities, videoProducerParameters } from './fixtures';
import { closeEnv, counter, createEnv, plainTransport, sleep, type Env } from './helpers';

let env: Env;
let transport1: PlainTransport;
let transport2: PlainTransport;
let audioProducer: Producer;
let videoProducer: Producer;
const rtpCapabilities = consumerDeviceCapabilities;

beforeEach(async () => {
	env = await createEnv();
	transport1 = await plainTransport(env.router);
	transport2 = await plainTransport(env.router);
	audioProducer = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	videoProducer = await transport1.produce({ kind: 'video', rtpParameters: videoProducerParameters() });
});

afterEach(async () => {
	await closeEnv(env);
});

test('transport.consume() succeeds (simple, simulcast paused with preferred layers, pipe)', async () => {
	const onNewConsumer = counter();

	transport2.observer.on('newconsumer', onNewConsumer);
	assert.equal(env.router.canConsume({ producerId: audioProducer.id, rtpCapabilities }), true);

	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities, appData: { baz: 'LOL' } });

	assert.equal(onNewConsumer.calls.length, 1);
	assert.equal(onNewConsumer.calls[0][0], audio);
	assert.equal(audio.producerId, audioProducer.id);
	assert.equal(audio.closed, false);
	assert.equal(audio.kind, 'audio');
	assert.equal(audio.rtpParameters.codecs.length, 1);
	assert.equal(audio.rtpParameters.codecs[0].payloadType, 100);
	assert.equal(audio.type, 'simple');
	assert.equal(audio.paused, false);
	assert.equal(audio.producerPaused, false);
	assert.equal(audio.priority, 1);
	assert.deepEqual(audio.score, { score: 10, producerScore: 0, producerScores: [0] });
	assert.equal(audio.preferredLayers, undefined);
	assert.equal(audio.currentLayers, undefined);
	assert.deepEqual(audio.appData, { baz: 'LOL' });

	await videoProducer.pause();

	const video = await transport2.consume({
		producerId: videoProducer.id,
		rtpCapabilities,
		paused: true,
		preferredLayers: { spatialLayer: 12, temporalLayer: 0 },
	});

	assert.equal(video.type, 'simulcast');
	assert.equal(video.paused, true);
	assert.equal(video.producerPaused, true);
	assert.deepEqual(video.score, { score: 10, producerScore: 0, producerScores: [0, 0, 0, 0] });
	assert.deepEqual(video.preferredLayers, { spatialLayer: 3, temporalLayer: 0 });
	assert.equal(video.currentLayers, undefined);
	assert.equal(video.rtpParameters.codecs[0].mimeType, 'video/H264');
	assert.equal(video.rtpParameters.codecs[1].mimeType, 'video/rtx');

	const pipe = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities, pipe: true });

	assert.equal(pipe.type, 'pipe');
	assert.equal(pipe.paused, false);
	assert.equal(pipe.producerPaused, true);
	assert.deepEqual(pipe.score, { score: 10, producerScore: 10, producerScores: [0, 0, 0, 0] });
	assert.equal(pipe.preferredLayers, undefined);
	assert.equal(pipe.rtpParameters.mid, undefined);

	const routerDump = await env.router.dump();
	const videoEntry = routerDump.mapProducerIdConsumerIds.find((e) => e.key === videoProducer.id)!;

	assert.deepEqual(videoEntry.values.sort(), [video.id, pipe.id].sort());
	assert.deepEqual(
		routerDump.mapConsumerIdProducerId.map((e) => [e.key, e.value]).sort(),
		[
			[audio.id, audioProducer.id],
			[video.id, videoProducer.id],
			[pipe.id, videoProducer.id],
		].sort(),
	);
	assert.deepEqual((await transport2.dump()).consumerIds.sort(), [audio.id, video.id, pipe.id].sort());
});

test('transport.dump(): mapSsrcConsumerId and mapRtxSsrcConsumerId follow the consumers (added in order, gone on close)', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });
	const pipe = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities, pipe: true });
	const entries = (consumer: typeof audio, rtx: boolean): { key: number; value: string }[] =>
		consumer.rtpParameters.encodings!.flatMap((e) => {
			const ssrc = rtx ? e.rtx?.ssrc : e.ssrc;

			return ssrc === undefined ? [] : [{ key: ssrc, value: consumer.id }];
		});

	assert.equal(entries(video, true).length, 1, 'the video consumer has RTX');
	assert.equal(entries(pipe, true).length, 4);

	const dump = await transport2.dump();

	assert.deepEqual(dump.mapSsrcConsumerId, [...entries(audio, false), ...entries(video, false), ...entries(pipe, false)]);
	assert.deepEqual(dump.mapRtxSsrcConsumerId, [...entries(video, true), ...entries(pipe, true)]);

	video.close();

	const afterClose = await transport2.dump();

	assert.deepEqual(afterClose.mapSsrcConsumerId, [...entries(audio, false), ...entries(pipe, false)]);
	assert.deepEqual(afterClose.mapRtxSsrcConsumerId, entries(pipe, true));
});

test('transport.consume() of an unknown producer or with incompatible capabilities rejects', async () => {
	await assert.rejects(transport2.consume({ producerId: 'chicken', rtpCapabilities }), Error);
	assert.equal(env.router.canConsume({ producerId: 'chicken', rtpCapabilities }), false);

	const noVideo = { codecs: [rtpCapabilities.codecs![0]], headerExtensions: [] };

	assert.equal(env.router.canConsume({ producerId: videoProducer.id, rtpCapabilities: noVideo }), false);
	await assert.rejects(transport2.consume({ producerId: videoProducer.id, rtpCapabilities: noVideo }), UnsupportedError);
});

test('consumer.dump() succeeds', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const dump1 = await audio.dump();

	assert.equal(dump1.id, audio.id);
	assert.equal(dump1.producerId, audioProducer.id);
	assert.equal(dump1.kind, 'audio');
	assert.equal(dump1.type, 'simple');
	assert.equal(dump1.rtpParameters.codecs[0].mimeType, 'audio/opus');
	assert.equal(dump1.rtpParameters.codecs[0].payloadType, 100);
	assert.deepEqual(dump1.rtpParameters.codecs[0].rtcpFeedback, []);
	assert.deepEqual(
		dump1.rtpParameters.encodings!.map((e) => [e.codecPayloadType, e.ssrc]),
		[[100, audio.rtpParameters.encodings![0].ssrc]],
	);
	assert.deepEqual(dump1.consumableRtpEncodings!.map((e) => e.ssrc), [audioProducer.consumableRtpParameters.encodings![0].ssrc]);
	assert.deepEqual(dump1.supportedCodecPayloadTypes, [100]);
	assert.equal(dump1.paused, false);
	assert.equal(dump1.producerPaused, false);
	assert.equal(dump1.priority, 1);

	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities, paused: true });
	const dump2 = (await video.dump()) as any;

	assert.equal(dump2.type, 'simulcast');
	assert.equal(dump2.rtpParameters.codecs[0].mimeType, 'video/H264');
	assert.deepEqual(dump2.rtpParameters.codecs[0].rtcpFeedback, [
		{ type: 'nack', parameter: undefined },
		{ type: 'nack', parameter: 'pli' },
		{ type: 'ccm', parameter: 'fir' },
		{ type: 'goog-remb', parameter: undefined },
	]);
	assert.equal(dump2.rtpParameters.encodings[0].scalabilityMode, 'L4T5');
	assert.equal(dump2.rtpParameters.encodings[0].rtx.ssrc, video.rtpParameters.encodings![0].rtx!.ssrc);
	assert.deepEqual(dump2.consumableRtpEncodings.map((e: any) => e.scalabilityMode), ['L1T5', 'L1T5', 'L1T5', 'L1T5']);
	assert.deepEqual(dump2.supportedCodecPayloadTypes, [video.rtpParameters.codecs[0].payloadType]);
	assert.equal(dump2.paused, true);
	assert.equal(dump2.producerPaused, false);
	assert.equal(dump2.preferredSpatialLayer, 3);
	assert.equal(dump2.preferredTemporalLayer, 4);
	assert.equal(dump2.rtpStream.params.ssrc, video.rtpParameters.encodings![0].ssrc);
	assert.equal(dump2.rtpStream.score, 10);
});

test('consumer.getStats() succeeds', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const [audioStat] = await audio.getStats();

	assert.equal(audioStat.type, 'outbound-rtp');
	assert.equal(audioStat.kind, 'audio');
	assert.equal(audioStat.mimeType, 'audio/opus');
	assert.equal(audioStat.ssrc, audio.rtpParameters.encodings![0].ssrc);
	assert.equal(audioStat.packetCount, 0);

	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });
	const videoStats = await video.getStats();

	assert.equal(videoStats.length, 1);
	assert.equal(videoStats[0].type, 'outbound-rtp');
	assert.equal(videoStats[0].kind, 'video');
	assert.equal(videoStats[0].mimeType, 'video/H264');
	assert.equal(videoStats[0].ssrc, video.rtpParameters.encodings![0].ssrc);
});

test('consumer.pause() and resume() succeed, observer follows transitions', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
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

	void audio.pause();
	void audio.resume();
	void audio.pause();
	void audio.pause();
	void audio.pause();
	await audio.resume();
	assert.equal(onPause.calls.length, 3);
	assert.equal(onResume.calls.length, 3);
});

test('producer.pause()/resume() reach the consumer: producerpause/producerresume and observer events', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const events: string[] = [];

	audio.observer.once('pause', () => events.push('pause'));
	audio.observer.once('resume', () => events.push('resume'));
	await Promise.all([audioProducer.pause(), audioProducer.resume()]);
	await sleep(100);
	assert.deepEqual(events, ['pause', 'resume']);
	assert.equal(audio.paused, false);

	await Promise.all([enhancedOnce(audio, 'producerpause'), audioProducer.pause()]);
	assert.equal(audio.paused, false);
	assert.equal(audio.producerPaused, true);
	// Pausing an already paused producer tells nothing new.
	const onProducerPause = counter();

	audio.on('producerpause', onProducerPause);
	await audioProducer.pause();
	await Promise.all([enhancedOnce(audio, 'producerresume'), audioProducer.resume()]);
	assert.equal(onProducerPause.calls.length, 0);
	assert.equal(audio.producerPaused, false);

	// A consumer paused itself reports no observer event when its producer pauses.
	const onObserverPause = counter();

	await audio.pause();
	audio.observer.on('pause', onObserverPause);
	await Promise.all([enhancedOnce(audio, 'producerpause'), audioProducer.pause()]);
	assert.equal(onObserverPause.calls.length, 0);
});

test('consumer.setPreferredLayers() succeeds and validates', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });

	await audio.setPreferredLayers({ spatialLayer: 1, temporalLayer: 1 });
	assert.equal(audio.preferredLayers, undefined);
	await video.setPreferredLayers({ spatialLayer: 2, temporalLayer: 3 });
	assert.deepEqual(video.preferredLayers, { spatialLayer: 2, temporalLayer: 3 });
	await video.setPreferredLayers({ spatialLayer: 3 });
	assert.deepEqual(video.preferredLayers, { spatialLayer: 3, temporalLayer: 4 });
	await video.setPreferredLayers({ spatialLayer: 3, temporalLayer: 0 });
	assert.deepEqual(video.preferredLayers, { spatialLayer: 3, temporalLayer: 0 });
	await video.setPreferredLayers({ spatialLayer: 66, temporalLayer: 66 });
	assert.deepEqual(video.preferredLayers, { spatialLayer: 3, temporalLayer: 4 });

	await assert.rejects(video.setPreferredLayers({} as any), TypeError);
	await assert.rejects(video.setPreferredLayers({ foo: '123' } as any), TypeError);
	await assert.rejects(video.setPreferredLayers('foo' as any), TypeError);
	await assert.rejects(video.setPreferredLayers({ temporalLayer: 2 } as any), TypeError);
	await assert.rejects(video.setPreferredLayers({ spatialLayer: 1, temporalLayer: 'x' } as any), TypeError);
});

test('consumer.setPriority()/unsetPriority() succeed and validate', async () => {
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });

	await video.setPriority(2);
	assert.equal(video.priority, 2);
	assert.equal((await video.dump()).priority, 2);
	await video.unsetPriority();
	assert.equal(video.priority, 1);
	await assert.rejects((video.setPriority as any)(), TypeError);
	await assert.rejects(video.setPriority(0), TypeError);
	await assert.rejects(video.setPriority('foo' as any), TypeError);
	assert.equal(video.priority, 1);
});

test('consumer.requestKeyFrame() and enableTraceEvent() succeed', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });

	await audio.requestKeyFrame();
	await audio.enableTraceEvent(['rtp', 'pli']);
	assert.deepEqual((await audio.dump()).traceEventTypes.sort(), ['pli', 'rtp']);
	await audio.enableTraceEvent(['nack', 'FOO', 'fir'] as any);
	assert.deepEqual((await audio.dump()).traceEventTypes.sort(), ['fir', 'nack']);
	await audio.enableTraceEvent();
	assert.deepEqual((await audio.dump()).traceEventTypes, []);
	await assert.rejects(audio.enableTraceEvent(123 as any), TypeError);
	await assert.rejects(audio.enableTraceEvent('rtp' as any), TypeError);
	await assert.rejects(audio.enableTraceEvent(['fir', 123.123] as any), TypeError);
});

test('Consumer emits "score", "layerschange", "trace" and "rtp" from worker notifications', async () => {
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });
	const channel = video.channelForTesting;
	const onScore = counter();
	const onLayers = counter();
	const onObserverLayers = counter();
	const onTrace = counter();
	const onRtp = counter();

	video.on('score', onScore);
	video.on('layerschange', onLayers);
	video.observer.on('layerschange', onObserverLayers);
	video.on('trace', onTrace);
	video.on('rtp', onRtp);

	channel.emit(video.id, 'score', { score: 9, producerScore: 10, producerScores: [8] });
	channel.emit(video.id, 'score', { score: 9, producerScore: 10, producerScores: [8] });
	assert.equal(onScore.calls.length, 2);
	assert.deepEqual(video.score, { score: 9, producerScore: 10, producerScores: [8] });

	channel.emit(video.id, 'layerschange', { spatialLayer: 1, temporalLayer: 2 });
	assert.deepEqual(video.currentLayers, { spatialLayer: 1, temporalLayer: 2 });
	channel.emit(video.id, 'layerschange', undefined);
	assert.equal(video.currentLayers, undefined);
	assert.deepEqual(onLayers.calls, [[{ spatialLayer: 1, temporalLayer: 2 }], [undefined]]);
	assert.equal(onObserverLayers.calls.length, 2);

	channel.emit(video.id, 'trace', { type: 'pli', timestamp: 1, direction: 'out', info: {} });
	assert.equal(onTrace.calls.length, 1);

	channel.emit(video.id, 'rtp', Buffer.from([1, 2, 3]));
	assert.deepEqual(onRtp.calls, [[Buffer.from([1, 2, 3])]]);
});

test('consumer.close() succeeds; methods reject once closed', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });
	const onClose = counter();

	audio.observer.once('close', onClose);
	audio.close();
	audio.close();
	assert.equal(onClose.calls.length, 1);
	assert.equal(audio.closed, true);

	const routerDump = await env.router.dump();

	assert.deepEqual(routerDump.mapProducerIdConsumerIds.find((e) => e.key === audioProducer.id)!.values, []);
	assert.deepEqual(routerDump.mapProducerIdConsumerIds.find((e) => e.key === videoProducer.id)!.values, [video.id]);
	assert.deepEqual(routerDump.mapConsumerIdProducerId, [{ key: video.id, value: videoProducer.id }]);
	assert.deepEqual((await transport2.dump()).consumerIds, [video.id]);

	await assert.rejects(audio.dump(), Error);
	await assert.rejects(audio.getStats(), Error);
	await assert.rejects(audio.pause(), Error);
	await assert.rejects(audio.resume(), Error);
	await assert.rejects(audio.setPreferredLayers({} as any), Error);
	await assert.rejects(audio.setPriority(2), Error);
	await assert.rejects(audio.requestKeyFrame(), Error);
});

test('Consumer emits "producerclose" once if its producer closes', async () => {
	const audio = await transport2.consume({ producerId: audioProducer.id, rtpCapabilities });
	const onClose = counter();
	const onProducerClose = counter();

	audio.observer.once('close', onClose);
	audio.on('producerclose', onProducerClose);

	const closed = enhancedOnce(audio, 'producerclose');

	audioProducer.close();
	await closed;
	await sleep(50);
	assert.equal(onProducerClose.calls.length, 1);
	assert.equal(onClose.calls.length, 1);
	assert.equal(audio.closed, true);
	assert.deepEqual((await transport2.dump()).consumerIds, []);
	await assert.rejects(audio.dump(), Error);
	// Closing it afterwards is a no-op.
	audio.close();
	assert.equal(onClose.calls.length, 1);
});

test('Consumer emits "producerclose" when the producer\'s transport closes', async () => {
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });
	const closed = enhancedOnce(video, 'producerclose');

	transport1.close();
	await closed;
	assert.equal(video.closed, true);
});

test('Consumer emits "transportclose" if its transport closes', async () => {
	const video = await transport2.consume({ producerId: videoProducer.id, rtpCapabilities });
	const onClose = counter();

	video.observer.once('close', onClose);

	const closed = enhancedOnce(video, 'transportclose');

	transport2.close();
	await closed;
	assert.equal(onClose.calls.length, 1);
	assert.equal(video.closed, true);

	const routerDump = await env.router.dump();

	assert.deepEqual(routerDump.mapProducerIdConsumerIds.find((e) => e.key === videoProducer.id)!.values, []);
	assert.deepEqual(routerDump.mapConsumerIdProducerId, []);
});
