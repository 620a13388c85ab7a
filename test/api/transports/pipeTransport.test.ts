import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../../src';
import type { Worker } from '../../../src/api/Worker';
import type { Router } from '../../../src/api/Router';
import type { WebRtcTransport } from '../../../src/api/WebRtcTransport';
import type { Producer } from '../../../src/api/Producer';
import type { DataProducer } from '../../../src/api/DataProducer';
import type { PipeTransport } from '../../../src/api/PipeTransport';
import { audioProducerParameters, closeWorker, countRequests, deviceCapabilities, mediaCodecs } from './helpers';

let worker1: Worker;
let worker2: Worker;
let router1: Router;
let router2: Router;
let transport1: WebRtcTransport;
let audioProducer: Producer;
let dataProducer: DataProducer;

before(async () => {
	worker1 = await mediasoup.createWorker();
	worker2 = await mediasoup.createWorker();
	router1 = await worker1.createRouter({ mediaCodecs });
	router2 = await worker2.createRouter({ mediaCodecs });
	transport1 = await router1.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableSctp: true });
	audioProducer = await transport1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });
	dataProducer = await transport1.produceData({
		sctpStreamParameters: { streamId: 666, ordered: false, maxPacketLifeTime: 5000 },
		label: 'foo',
		protocol: 'bar',
	});
});

after(async () => {
	await Promise.all([closeWorker(worker1), closeWorker(worker2)]);
});

function pipeTransportsOf(router: Router): PipeTransport[] {
	return [...router.transportsForTesting.values()].filter((t) => t.type === 'pipe') as unknown as PipeTransport[];
}

test('createPipeTransport(): tuple, rtx, SRTP (AEAD_AES_256_GCM) and dump', async () => {
	const transport = await router1.createPipeTransport({
		listenInfo: { protocol: 'udp', ip: '127.0.0.1', announcedAddress: '9.9.9.9' },
		enableRtx: true,
		enableSrtp: true,
		enableSctp: true,
	});

	assert.equal(transport.type, 'pipe');
	assert.equal(transport.tuple.localAddress, '9.9.9.9');
	assert.equal(transport.tuple.protocol, 'udp');
	assert.equal(transport.srtpParameters!.cryptoSuite, 'AEAD_AES_256_GCM');
	// 44 bytes of master key + salt (RFC 7714) in base64.
	assert.equal(transport.srtpParameters!.keyBase64.length, 60);
	assert.equal(transport.sctpParameters!.maxMessageSize, 268435456);
	assert.equal(transport.sctpState, 'new');

	const dump = await transport.dump();

	assert.equal(dump.rtx, true);
	assert.deepEqual(dump.tuple, transport.tuple);
	assert.deepEqual(dump.srtpParameters, transport.srtpParameters);

	const [stats] = await transport.getStats();

	assert.equal(stats!.type, 'pipe-transport');
	assert.deepEqual(stats!.tuple, transport.tuple);
	transport.close();
});

test('createPipeTransport() with wrong arguments rejects with TypeError before sending anything', async () => {
	const wrong: unknown[] = [
		{},
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange: { min: 4000, max: 3000 } } },
		{ listenIp: '123' },
		{ listenIp: ['127.0.0.1'] },
		{ listenInfo: { protocol: 'tcp', ip: '127.0.0.1' } },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, appData: 'NOT-AN-OBJECT' },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableRtx: 1 },
	];

	for (const options of wrong) {
		const sent = await countRequests(() => assert.rejects(router1.createPipeTransport(options as any), TypeError));

		assert.equal(sent, 0);
	}
});

test('pipeTransport.connect(): SRTP and address validation, then the remote tuple', async () => {
	const key44 = 'YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHphdHo=';
	const srtp = await router1.createPipeTransport({ listenIp: '127.0.0.1', enableSrtp: true });
	const wrongWithSrtp: unknown[] = [
		{ ip: '127.0.0.2', port: 9999 },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: 1 },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { keyBase64: key44 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM' } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'FOO', keyBase64: key44 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 123, keyBase64: key44 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: [] } },
		// Pipe transports only use AEAD_AES_256_GCM.
		{
			ip: '127.0.0.2',
			port: 9999,
			srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: 'ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv' },
		},
	];

	for (const params of wrongWithSrtp) {
		const sent = await countRequests(() => assert.rejects(srtp.connect(params as any), TypeError));

		assert.equal(sent, 0);
	}

	await srtp.connect({ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: key44 } });
	assert.equal(srtp.tuple.remoteIp, '127.0.0.2');
	assert.equal(srtp.tuple.remotePort, 9999);
	await assert.rejects(
		srtp.connect({ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: key44 } }),
		/already called/,
	);

	const plain = await router1.createPipeTransport({ listenIp: '127.0.0.1' });

	for (const params of [
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: key44 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: 'invalid' },
		{ ip: 'foo', port: 9999 },
		{ ip: '127.0.0.2' },
		{ ip: '127.0.0.2', port: 0 },
	]) {
		await assert.rejects(plain.connect(params as any), TypeError);
	}
	srtp.close();
	plain.close();
});

test('pipeToRouter() between routers of two workers: pipe consumer and producer, one pair reused', async () => {
	const { pipeConsumer, pipeProducer } = await router1.pipeToRouter({ producerId: audioProducer.id, router: router2 });

	assert.ok(pipeConsumer && pipeProducer);
	assert.equal(pipeConsumer.type, 'pipe');
	assert.equal(pipeConsumer.kind, 'audio');
	assert.equal(pipeConsumer.rtpParameters.mid, undefined);
	// keepId (default): same id on the other side.
	assert.equal(pipeProducer.id, audioProducer.id);
	assert.equal(pipeProducer.kind, 'audio');
	assert.deepEqual(pipeProducer.rtpParameters.codecs, pipeConsumer.rtpParameters.codecs);

	const [pipe1] = pipeTransportsOf(router1);
	const [pipe2] = pipeTransportsOf(router2);

	assert.ok(pipe1 && pipe2);
	// Connected to each other.
	assert.equal(pipe1.tuple.remotePort, pipe2.tuple.localPort);
	assert.equal(pipe2.tuple.remotePort, pipe1.tuple.localPort);
	assert.deepEqual((await pipe1.dump()).consumerIds, [pipeConsumer.id]);
	assert.deepEqual((await pipe2.dump()).producerIds, [pipeProducer.id]);

	// The pipe producer can be consumed in router2.
	const t2 = await router2.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableSctp: true });
	const consumer = await t2.consume({ producerId: pipeProducer.id, rtpCapabilities: deviceCapabilities });

	assert.equal(consumer.producerId, pipeProducer.id);

	// Data too, over the same pair.
	const { pipeDataConsumer, pipeDataProducer } = await router1.pipeToRouter({
		dataProducerId: dataProducer.id,
		router: router2,
	});

	assert.equal(pipeDataConsumer!.type, 'sctp');
	assert.equal(pipeDataConsumer!.sctpStreamParameters!.ordered, false);
	assert.equal(pipeDataConsumer!.sctpStreamParameters!.maxPacketLifeTime, 5000);
	assert.equal(pipeDataConsumer!.label, 'foo');
	assert.equal(pipeDataProducer!.id, dataProducer.id);
	assert.equal(pipeDataProducer!.protocol, 'bar');
	assert.equal(pipeTransportsOf(router1).length, 1);
	assert.equal(pipeTransportsOf(router2).length, 1);
	assert.equal((await router1.dump()).transportIds.length, 2);
	assert.equal((await router2.dump()).transportIds.length, 2);

	// Closing the pipe consumer closes the pipe producer (and so its consumers).
	pipeConsumer.close();
	assert.equal(pipeProducer.closed, true);

	t2.close();
});

test('pipeToRouter() called concurrently from both sides creates a single pair', async () => {
	const routerA = await worker1.createRouter({ mediaCodecs });
	const routerB = await worker2.createRouter({ mediaCodecs });
	const tA = await routerA.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
	const tB = await routerB.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
	const pA1 = await tA.produce({ kind: 'audio', rtpParameters: audioProducerParameters('A1', 1) });
	const pA2 = await tA.produce({ kind: 'audio', rtpParameters: audioProducerParameters('A2', 2) });
	const pB = await tB.produce({ kind: 'audio', rtpParameters: audioProducerParameters('B', 3) });

	await Promise.all([
		routerA.pipeToRouter({ producerId: pA1.id, router: routerB }),
		routerA.pipeToRouter({ producerId: pA2.id, router: routerB }),
	]);
	await routerB.pipeToRouter({ producerId: pB.id, router: routerA });

	assert.equal(pipeTransportsOf(routerA).length, 1);
	assert.equal(pipeTransportsOf(routerB).length, 1);

	const pipeB = pipeTransportsOf(routerB)[0]!;
	let pipeBClosed = false;

	pipeB.observer.on('close', () => (pipeBClosed = true));

	// One side going away takes the other pipe transport with it.
	routerA.close();
	assert.equal(pipeBClosed, true);
	assert.equal(pipeTransportsOf(routerB).length, 0);
	routerB.close();
});

test('pipeToRouter() within one worker: keepId must be false', async () => {
	const router1bis = await worker1.createRouter({ mediaCodecs });

	// The same id cannot exist twice in one worker.
	await assert.rejects(router1.pipeToRouter({ producerId: audioProducer.id, router: router1bis, keepId: true }), Error);

	const { pipeProducer, pipeConsumer } = await router1.pipeToRouter({
		producerId: audioProducer.id,
		router: router1bis,
		keepId: false,
	});

	assert.notEqual(pipeProducer!.id, audioProducer.id);
	assert.equal(pipeConsumer!.producerId, audioProducer.id);
	assert.equal(pipeTransportsOf(router1bis).length, 1);
	router1bis.close();
});

test('pipeToRouter() with wrong arguments rejects', async () => {
	const other = await worker1.createRouter({ mediaCodecs });

	await assert.rejects(router1.pipeToRouter({ router: other } as any), TypeError);
	await assert.rejects(router1.pipeToRouter({ producerId: '1234', dataProducerId: '5678', router: other } as any), TypeError);
	await assert.rejects(router1.pipeToRouter({ producerId: audioProducer.id, router: router1 }), TypeError);
	await assert.rejects(router1.pipeToRouter({ producerId: audioProducer.id } as any), TypeError);
	await assert.rejects(router1.pipeToRouter({ producerId: 'nope', router: other }), TypeError);
	await assert.rejects(
		router1.pipeToRouter({ producerId: audioProducer.id, router: other, listenIp: '127.0.0.1', listenInfo: { protocol: 'udp', ip: '127.0.0.1' } } as any),
		TypeError,
	);
	other.close();
});
