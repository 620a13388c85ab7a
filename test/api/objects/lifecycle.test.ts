/**
 * Orderings mediasoup 3.19's API exposes and the shared lifecycle code
 * (src/api/ChannelEntity.ts) must keep: the order of events in close
 * cascades, what a parent's state reads from inside a child's listener, and
 * when pause()/resume() read `paused` (RtpObserver before the worker
 * request, the others after), which shows with concurrent calls.
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { enhancedOnce } from '../../../src/api/enhancedEvents';
import { InvalidStateError } from '../../../src/api/errors';
import type { EnhancedEventEmitter } from '../../../src/api/enhancedEvents';
import type { PlainTransport } from '../../../src/api/PlainTransport';
import type { Producer } from '../../../src/api/Producer';
import { audioProducerParameters, consumerDeviceCapabilities } from './fixtures';
import { closeEnv, createEnv, plainTransport, type Env } from './helpers';
import type { types } from '../../../src';

let env: Env;
let transport1: PlainTransport;
let transport2: PlainTransport;

beforeEach(async () => {
	env = await createEnv();
	transport1 = await plainTransport(env.router, true);
	transport2 = await plainTransport(env.router, true);
});

afterEach(async () => {
	await closeEnv(env);
});

/** Records `<label> <event>` for each of the given events of an emitter. */
function record(log: string[], label: string, emitter: EnhancedEventEmitter<any>, events: string[]): void {
	for (const event of events) {
		emitter.on(event, () => log.push(`${label} ${event}`));
	}
}

async function produceAudio(): Promise<Producer> {
	return transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
}

test('transport.close(): children close in order (producers, consumers, data producers, data consumers), then the transport', async () => {
	const producer = await produceAudio();
	const otherProducer = await transport2.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const consumer = await transport1.consume({ producerId: otherProducer.id, rtpCapabilities: consumerDeviceCapabilities });
	const dataProducer = await transport1.produceData({ sctpStreamParameters: { streamId: 1 } });
	const otherDataProducer = await transport2.produceData({ sctpStreamParameters: { streamId: 1 } });
	const dataConsumer = await transport1.consumeData({ dataProducerId: otherDataProducer.id });
	const log: string[] = [];

	record(log, 'producer', producer, ['transportclose', '@close']);
	record(log, 'producer.observer', producer.observer, ['close']);
	record(log, 'consumer', consumer, ['transportclose', '@close']);
	record(log, 'consumer.observer', consumer.observer, ['close']);
	record(log, 'dataProducer', dataProducer, ['transportclose', '@close']);
	record(log, 'dataProducer.observer', dataProducer.observer, ['close']);
	record(log, 'dataConsumer', dataConsumer, ['transportclose', '@close']);
	record(log, 'dataConsumer.observer', dataConsumer.observer, ['close']);
	record(log, 'transport', transport1, ['@producerclose', '@dataproducerclose', '@close', 'routerclose']);
	record(log, 'transport.observer', transport1.observer, ['close']);

	// What a child's listener sees of its transport: closed already, SCTP state closed.
	let seen: { closed: boolean; sctpState: string | undefined } | undefined;

	producer.on('transportclose', () => {
		seen = { closed: transport1.closed, sctpState: transport1.sctpState };
	});

	transport1.close();

	assert.deepEqual(log, [
		'producer transportclose',
		'producer.observer close',
		'transport @producerclose',
		'consumer transportclose',
		'consumer.observer close',
		'dataProducer transportclose',
		'dataProducer.observer close',
		'transport @dataproducerclose',
		'dataConsumer transportclose',
		'dataConsumer.observer close',
		'transport @close',
		'transport.observer close',
	]);
	assert.deepEqual(seen, { closed: true, sctpState: 'closed' });
	for (const closed of [producer, consumer, dataProducer, dataConsumer, transport1]) {
		assert.equal(closed.closed, true);
	}

	// Closing again tells nothing.
	transport1.close();
	producer.close();
	assert.equal(log.length, 12);
});

test('router.close(): each transport closes its children then itself (routerclose), then RTP observers, then the router', async () => {
	const producer = await produceAudio();
	const audioLevelObserver = await env.router.createAudioLevelObserver();
	const log: string[] = [];

	record(log, 'producer', producer, ['transportclose']);
	record(log, 'producer.observer', producer.observer, ['close']);
	record(log, 'transport1', transport1, ['routerclose', '@producerclose', '@close']);
	record(log, 'transport1.observer', transport1.observer, ['close']);
	record(log, 'transport2', transport2, ['routerclose']);
	record(log, 'transport2.observer', transport2.observer, ['close']);
	record(log, 'audioLevelObserver', audioLevelObserver, ['routerclose', '@close']);
	record(log, 'audioLevelObserver.observer', audioLevelObserver.observer, ['close']);
	record(log, 'router', env.router, ['@close', 'workerclose']);
	record(log, 'router.observer', env.router.observer, ['close']);

	env.router.close();

	assert.deepEqual(log, [
		'producer transportclose',
		'producer.observer close',
		'transport1 routerclose',
		'transport1.observer close',
		'transport2 routerclose',
		'transport2.observer close',
		'audioLevelObserver routerclose',
		'audioLevelObserver.observer close',
		'router @close',
		'router.observer close',
	]);
	assert.equal(transport1.sctpState, 'closed');
});

test('worker.close(): routers then WebRtcServers get workerclose, then the worker observer closes', async () => {
	const webRtcServer = await env.worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const webRtcTransport = await env.router.createWebRtcTransport({ webRtcServer });
	const log: string[] = [];

	record(log, 'webRtcTransport', webRtcTransport, ['routerclose', 'listenserverclose']);
	record(log, 'router', env.router, ['workerclose', '@close']);
	record(log, 'router.observer', env.router.observer, ['close']);
	record(log, 'webRtcServer', webRtcServer, ['workerclose', '@close']);
	record(log, 'webRtcServer.observer', webRtcServer.observer, ['close', 'webrtctransportunhandled']);
	record(log, 'worker.observer', env.worker.observer, ['close']);

	env.worker.close();

	assert.deepEqual(log, [
		'webRtcTransport routerclose',
		'webRtcServer.observer webrtctransportunhandled',
		'router workerclose',
		'router.observer close',
		'webRtcServer workerclose',
		'webRtcServer.observer close',
		'worker.observer close',
	]);
	assert.equal(webRtcTransport.iceState, 'closed');
	assert.equal(webRtcTransport.dtlsState, 'closed');
	await assert.rejects(webRtcServer.dump(), InvalidStateError);
});

test('webRtcServer.close(): its transports close (listenserverclose, state closed) before the server', async () => {
	const webRtcServer = await env.worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const webRtcTransport = await env.router.createWebRtcTransport({ webRtcServer, enableSctp: true });
	const producer = await webRtcTransport.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	const log: string[] = [];
	let seen: { iceState: string; dtlsState: string; sctpState: string | undefined } | undefined;

	record(log, 'producer', producer, ['transportclose']);
	record(log, 'webRtcTransport', webRtcTransport, ['@producerclose', '@listenserverclose', 'listenserverclose', '@close']);
	record(log, 'webRtcTransport.observer', webRtcTransport.observer, ['close']);
	record(log, 'webRtcServer', webRtcServer, ['@close']);
	record(log, 'webRtcServer.observer', webRtcServer.observer, ['webrtctransportunhandled', 'close']);
	producer.on('transportclose', () => {
		seen = {
			iceState: webRtcTransport.iceState,
			dtlsState: webRtcTransport.dtlsState,
			sctpState: webRtcTransport.sctpState,
		};
	});

	webRtcServer.close();

	assert.deepEqual(log, [
		'producer transportclose',
		'webRtcTransport @producerclose',
		'webRtcTransport @listenserverclose',
		'webRtcTransport listenserverclose',
		'webRtcTransport.observer close',
		'webRtcServer.observer webrtctransportunhandled',
		'webRtcServer @close',
		'webRtcServer.observer close',
	]);
	assert.deepEqual(seen, { iceState: 'closed', dtlsState: 'closed', sctpState: 'closed' });
	assert.equal(webRtcTransport.iceSelectedTuple, undefined);
	assert.equal(env.router.transportsForTesting.has(webRtcTransport.id), false);
});

test('producer.close(): consumers get producerclose (then their observer close) and leave their transport', async () => {
	const producer = await produceAudio();
	const consumer = await transport2.consume({ producerId: producer.id, rtpCapabilities: consumerDeviceCapabilities });
	const log: string[] = [];

	record(log, 'producer', producer, ['@close', 'transportclose']);
	record(log, 'producer.observer', producer.observer, ['close']);
	record(log, 'consumer', consumer, ['@producerclose', 'producerclose', '@close', 'transportclose']);
	record(log, 'consumer.observer', consumer.observer, ['close']);

	producer.close();
	assert.deepEqual(log, ['producer @close', 'producer.observer close']);
	await enhancedOnce(consumer, 'producerclose');
	assert.deepEqual(log, [
		'producer @close',
		'producer.observer close',
		'consumer @producerclose',
		'consumer producerclose',
		'consumer.observer close',
	]);
	assert.equal(consumer.closed, true);
	await assert.rejects(consumer.dump(), (error: Error) => error instanceof InvalidStateError && error.message === 'Consumer closed');

	// Its transport no longer lists it: closing the transport tells it nothing.
	transport2.close();
	assert.equal(log.length, 5);
});

test('dataProducer.close(): data consumers get dataproducerclose (then their observer close)', async () => {
	const dataProducer = await transport1.produceData({ sctpStreamParameters: { streamId: 1 } });
	const dataConsumer = await transport2.consumeData({ dataProducerId: dataProducer.id });
	const log: string[] = [];

	record(log, 'dataConsumer', dataConsumer, ['@dataproducerclose', 'dataproducerclose', '@close', 'transportclose']);
	record(log, 'dataConsumer.observer', dataConsumer.observer, ['close']);

	dataProducer.close();
	await enhancedOnce(dataConsumer, 'dataproducerclose');
	assert.deepEqual(log, ['dataConsumer @dataproducerclose', 'dataConsumer dataproducerclose', 'dataConsumer.observer close']);
	await assert.rejects(dataConsumer.getStats(), (error: Error) => error.message === 'DataConsumer closed');
	transport2.close();
	assert.equal(log.length, 3);
});

test('closed objects reject with InvalidStateError "<Class> closed"', async () => {
	const producer = await produceAudio();
	const dataProducer = await transport1.produceData({ sctpStreamParameters: { streamId: 1 } });
	const audioLevelObserver = await env.router.createAudioLevelObserver();
	const isClosed = (name: string) => (error: Error) => error instanceof InvalidStateError && error.message === `${name} closed`;

	producer.close();
	dataProducer.close();
	audioLevelObserver.close();
	transport1.close();
	await assert.rejects(producer.pause(), isClosed('Producer'));
	await assert.rejects(dataProducer.resume(), isClosed('DataProducer'));
	await assert.rejects(audioLevelObserver.pause(), isClosed('RtpObserver'));
	await assert.rejects(transport1.dump(), isClosed('Transport'));
	env.router.close();
	await assert.rejects(env.router.dump(), isClosed('Router'));
});

test('concurrent pause()/resume(): producer, data producer and consumer read `paused` after the request', async () => {
	const producer = await produceAudio();
	const dataProducer = await transport1.produceData({ sctpStreamParameters: { streamId: 1 } });
	const consumer = await transport2.consume({ producerId: producer.id, rtpCapabilities: consumerDeviceCapabilities });
	const dataConsumer = await transport2.consumeData({ dataProducerId: dataProducer.id });

	for (const object of [producer, dataProducer, consumer, dataConsumer]) {
		const log: string[] = [];

		record(log, 'observer', object.observer, ['pause', 'resume']);
		await Promise.all([object.pause(), object.pause()]);
		await Promise.all([object.resume(), object.resume()]);
		assert.deepEqual(log, ['observer pause', 'observer resume'], object.constructor.name);
	}
});

test('concurrent pause()/resume(): RTP observers read `paused` before the request (as mediasoup)', async () => {
	const audioLevelObserver = await env.router.createAudioLevelObserver();
	const activeSpeakerObserver = await env.router.createActiveSpeakerObserver();

	for (const rtpObserver of [audioLevelObserver, activeSpeakerObserver]) {
		const log: string[] = [];

		record(log, 'observer', rtpObserver.observer, ['pause', 'resume']);
		await Promise.all([rtpObserver.pause(), rtpObserver.pause()]);
		assert.equal(rtpObserver.paused, true);
		await Promise.all([rtpObserver.resume(), rtpObserver.resume()]);
		assert.equal(rtpObserver.paused, false);
		assert.deepEqual(log, ['observer pause', 'observer pause', 'observer resume', 'observer resume']);
	}
});

test('consumer.pause()/resume() while its producer is paused: no observer event; producer resume then reports none either', async () => {
	const producer = await produceAudio();
	const consumer = await transport2.consume({ producerId: producer.id, rtpCapabilities: consumerDeviceCapabilities });
	const log: string[] = [];

	record(log, 'consumer', consumer, ['producerpause', 'producerresume']);
	record(log, 'consumer.observer', consumer.observer, ['pause', 'resume']);

	await Promise.all([enhancedOnce(consumer, 'producerpause'), producer.pause()]);
	await consumer.pause();
	await consumer.resume();
	await consumer.pause();
	await Promise.all([enhancedOnce(consumer, 'producerresume'), producer.resume()]);
	await consumer.resume();

	assert.deepEqual(log, ['consumer producerpause', 'consumer.observer pause', 'consumer producerresume', 'consumer.observer resume']);
	assert.equal(consumer.paused, false);
	assert.equal(consumer.producerPaused, false);
});

test('dataConsumer.pause() while its data producer is paused: no observer event', async () => {
	const dataProducer = await transport1.produceData({ sctpStreamParameters: { streamId: 1 } });
	const dataConsumer = await transport2.consumeData({ dataProducerId: dataProducer.id });
	const log: string[] = [];

	record(log, 'dataConsumer', dataConsumer, ['dataproducerpause', 'dataproducerresume']);
	record(log, 'dataConsumer.observer', dataConsumer.observer, ['pause', 'resume']);

	await Promise.all([enhancedOnce(dataConsumer, 'dataproducerpause'), dataProducer.pause()]);
	await dataConsumer.pause();
	await Promise.all([enhancedOnce(dataConsumer, 'dataproducerresume'), dataProducer.resume()]);
	await dataConsumer.resume();

	assert.deepEqual(log, [
		'dataConsumer dataproducerpause',
		'dataConsumer.observer pause',
		'dataConsumer dataproducerresume',
		'dataConsumer.observer resume',
	]);
});

test('appData: {} by default, replaceable on every object', async () => {
	const producer = await produceAudio();
	const objects = [env.worker, env.router, transport1, producer, await env.router.createActiveSpeakerObserver()];

	for (const object of objects) {
		assert.deepEqual(object.appData, {});
		object.appData = { foo: 'bar' };
		assert.deepEqual(object.appData, { foo: 'bar' });
	}
});

// The members the shared base classes declare keep the types mediasoup gives
// them on each class (this part only has to compile).
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type MyAppData = { room: string };

export const inheritedMemberTypes: true[] = [
	true as Equal<types.Producer['observer'], types.ProducerObserver>,
	true as Equal<types.Consumer['observer'], types.ConsumerObserver>,
	true as Equal<types.DataProducer['observer'], types.DataProducerObserver>,
	true as Equal<types.DataConsumer['observer'], types.DataConsumerObserver>,
	true as Equal<types.AudioLevelObserver['observer'], types.AudioLevelObserverObserver>,
	true as Equal<types.ActiveSpeakerObserver['observer'], types.ActiveSpeakerObserverObserver>,
	true as Equal<types.WebRtcTransport['observer'], types.WebRtcTransportObserver>,
	true as Equal<types.PlainTransport['observer'], types.PlainTransportObserver>,
	true as Equal<types.PipeTransport['observer'], types.PipeTransportObserver>,
	true as Equal<types.DirectTransport['observer'], types.DirectTransportObserver>,
	true as Equal<types.Router['observer'], types.RouterObserver>,
	true as Equal<types.WebRtcServer['observer'], types.WebRtcServerObserver>,
	true as Equal<types.Consumer<MyAppData>['appData'], MyAppData>,
	true as Equal<types.PlainTransport<MyAppData>['appData'], MyAppData>,
	true as Equal<types.AudioLevelObserver<MyAppData>['appData'], MyAppData>,
	true as Equal<types.Router<MyAppData>['appData'], MyAppData>,
	true as Equal<types.Consumer['producerPaused'], boolean>,
	true as Equal<types.DataConsumer['dataProducerPaused'], boolean>,
	true as Equal<types.Producer['pause'], () => Promise<void>>,
	true as Equal<types.WebRtcTransport['sctpState'], types.SctpState | undefined>,
	true as Equal<types.PipeTransport['sctpParameters'], types.SctpParameters | undefined>,
];
