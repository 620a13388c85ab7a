/**
 * AudioLevelObserver and ActiveSpeakerObserver through the whole stack,
 * after mediasoup 3.19's tests: creation and validation, pause/resume,
 * producer membership, notifications mapped to producers, close paths.
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { enhancedOnce } from '../../../src/api/enhancedEvents';
import type { Producer } from '../../../src/api/Producer';
import { audioProducerParameters, videoProducerParameters } from './fixtures';
import { closeEnv, counter, createEnv, plainTransport, sleep, type Env } from './helpers';

let env: Env;

beforeEach(async () => {
	env = await createEnv();
});

afterEach(async () => {
	await closeEnv(env);
});

async function audioAndVideo(): Promise<{ audio: Producer; video: Producer }> {
	const transport = await plainTransport(env.router);
	const audio = await transport.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const video = await transport.produce({ kind: 'video', rtpParameters: videoProducerParameters() });

	return { audio, video };
}

test('router.createAudioLevelObserver() succeeds and validates', async () => {
	const onNew = counter();

	env.router.observer.once('newrtpobserver', onNew);

	const alo = await env.router.createAudioLevelObserver();

	assert.equal(onNew.calls.length, 1);
	assert.equal(onNew.calls[0][0], alo);
	assert.equal(typeof alo.id, 'string');
	assert.equal(alo.closed, false);
	assert.equal(alo.type, 'audiolevel');
	assert.equal(alo.paused, false);
	assert.deepEqual(alo.appData, {});
	assert.deepEqual((await env.router.dump()).rtpObserverIds, [alo.id]);

	await assert.rejects(env.router.createAudioLevelObserver({ maxEntries: 0 }), TypeError);
	await assert.rejects(env.router.createAudioLevelObserver({ maxEntries: -10 }), TypeError);
	await assert.rejects(env.router.createAudioLevelObserver({ threshold: 'foo' as any }), TypeError);
	await assert.rejects(env.router.createAudioLevelObserver({ interval: false as any }), TypeError);
	await assert.rejects(env.router.createAudioLevelObserver({ appData: 'NOT-AN-OBJECT' as any }), TypeError);
});

test('router.createActiveSpeakerObserver() succeeds and validates', async () => {
	const aso = await env.router.createActiveSpeakerObserver({ appData: { foo: 'bar' } });

	assert.equal(aso.type, 'activespeaker');
	assert.equal(aso.paused, false);
	assert.deepEqual(aso.appData, { foo: 'bar' });
	assert.deepEqual((await env.router.dump()).rtpObserverIds, [aso.id]);
	await assert.rejects(env.router.createActiveSpeakerObserver({ interval: false as any }), TypeError);
	await assert.rejects(env.router.createActiveSpeakerObserver({ appData: 'NOT-AN-OBJECT' as any }), TypeError);
});

test('rtpObserver.pause() and resume() succeed, observer events on transitions only', async () => {
	const alo = await env.router.createAudioLevelObserver();
	const onPause = counter();
	const onResume = counter();

	alo.observer.on('pause', onPause);
	alo.observer.on('resume', onResume);
	await alo.pause();
	assert.equal(alo.paused, true);
	await alo.pause();
	await alo.resume();
	assert.equal(alo.paused, false);
	await alo.resume();
	assert.equal(onPause.calls.length, 1);
	assert.equal(onResume.calls.length, 1);
});

test('rtpObserver.addProducer()/removeProducer() with producer lookup', async () => {
	const { audio, video } = await audioAndVideo();
	const alo = await env.router.createAudioLevelObserver();
	const aso = await env.router.createActiveSpeakerObserver();
	const onAdd = counter();
	const onRemove = counter();

	alo.observer.on('addproducer', onAdd);
	alo.observer.on('removeproducer', onRemove);
	await alo.addProducer({ producerId: audio.id });
	await aso.addProducer({ producerId: audio.id });
	assert.deepEqual(onAdd.calls, [[audio]]);
	assert.deepEqual(
		(await env.router.dump()).mapProducerIdObserverIds.find((e) => e.key === audio.id)!.values.sort(),
		[alo.id, aso.id].sort(),
	);

	// Only audio producers can be watched; unknown ids never reach the worker.
	await assert.rejects(alo.addProducer({ producerId: video.id }), TypeError);
	await assert.rejects(alo.addProducer({ producerId: 'chicken' }), /not found/);
	await assert.rejects(alo.removeProducer({ producerId: 'chicken' }), /not found/);

	await alo.removeProducer({ producerId: audio.id });
	assert.deepEqual(onRemove.calls, [[audio]]);
	assert.deepEqual(
		(await env.router.dump()).mapProducerIdObserverIds.find((e) => e.key === audio.id)!.values,
		[aso.id],
	);

	// A closed producer leaves the observers it was in.
	audio.close();
	await sleep(20);
	assert.equal((await env.router.dump()).mapProducerIdObserverIds.find((e) => e.key === audio.id), undefined);
});

test('worker notifications become "volumes", "silence" and "dominantspeaker" with producers', async () => {
	const { audio } = await audioAndVideo();
	const alo = await env.router.createAudioLevelObserver();
	const aso = await env.router.createActiveSpeakerObserver();
	const channel = (audio as any).channelForTesting;
	const onVolumes = counter();
	const onObserverVolumes = counter();
	const onSilence = counter();
	const onDominant = counter();

	alo.on('volumes', onVolumes);
	alo.observer.on('volumes', onObserverVolumes);
	alo.on('silence', onSilence);
	aso.on('dominantspeaker', onDominant);

	channel.emit(alo.id, 'volumes', [
		{ producerId: audio.id, volume: -40 },
		{ producerId: 'gone', volume: -50 },
	]);
	// Only entries of closed producers: nothing to report.
	channel.emit(alo.id, 'volumes', [{ producerId: 'gone', volume: -50 }]);
	channel.emit(alo.id, 'silence');
	channel.emit(aso.id, 'dominantspeaker', { producerId: audio.id });
	channel.emit(aso.id, 'dominantspeaker', { producerId: 'gone' });

	assert.deepEqual(onVolumes.calls, [[[{ producer: audio, volume: -40 }]]]);
	assert.equal(onObserverVolumes.calls.length, 1);
	assert.equal(onSilence.calls.length, 1);
	assert.deepEqual(onDominant.calls, [[{ producer: audio }]]);
});

test('the worker reports no measurements before the audio path exists', async () => {
	const { audio } = await audioAndVideo();
	const alo = await env.router.createAudioLevelObserver({ interval: 250 });
	const onVolumes = counter();
	const onSilence = counter();

	await alo.addProducer({ producerId: audio.id });
	alo.on('volumes', onVolumes);
	alo.on('silence', onSilence);
	await sleep(600);
	assert.equal(onVolumes.calls.length, 0);
	assert.equal(onSilence.calls.length, 0);
});

test('rtpObserver.close() succeeds; methods reject once closed', async () => {
	const alo = await env.router.createAudioLevelObserver({ maxEntries: 8 });
	const onClose = counter();

	alo.observer.once('close', onClose);
	assert.equal((await env.router.dump()).rtpObserverIds.length, 1);
	alo.close();
	alo.close();
	assert.equal(alo.closed, true);
	assert.equal(onClose.calls.length, 1);
	assert.equal((await env.router.dump()).rtpObserverIds.length, 0);
	await assert.rejects(alo.pause(), Error);
	await assert.rejects(alo.resume(), Error);
});

test('RtpObservers emit "routerclose" if the router closes', async () => {
	const alo = await env.router.createAudioLevelObserver();
	const aso = await env.router.createActiveSpeakerObserver();
	const onClose = counter();

	alo.observer.once('close', onClose);

	const closed = Promise.all([enhancedOnce(alo, 'routerclose'), enhancedOnce(aso, 'routerclose')]);

	env.router.close();
	await closed;
	assert.equal(alo.closed, true);
	assert.equal(aso.closed, true);
	assert.equal(onClose.calls.length, 1);
});

test('RtpObservers emit "routerclose" if the worker closes', async () => {
	const alo = await env.router.createAudioLevelObserver();
	const closed = enhancedOnce(alo, 'routerclose');

	env.worker.close();
	await closed;
	assert.equal(alo.closed, true);
});
