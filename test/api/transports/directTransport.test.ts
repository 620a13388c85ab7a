import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../../src';
import { UnsupportedError } from '../../../src/api/errors';
import type { Worker } from '../../../src/api/Worker';
import type { Router } from '../../../src/api/Router';
import { closeWorker, countRequests, mediaCodecs, waitFor } from './helpers';

let worker: Worker;
let router: Router;

before(async () => {
	worker = await mediasoup.createWorker();
	router = await worker.createRouter({ mediaCodecs });
});

after(async () => {
	await closeWorker(worker);
});

test('createDirectTransport() creates a transport with the given maxMessageSize', async () => {
	const newTransports: unknown[] = [];

	router.observer.once('newtransport', (t) => newTransports.push(t));

	const transport = await router.createDirectTransport({ maxMessageSize: 1024, appData: { foo: 'bar' } });

	assert.deepEqual(newTransports, [transport]);
	assert.deepEqual((await router.dump()).transportIds, [transport.id]);
	assert.equal(transport.type, 'direct');
	assert.equal(transport.closed, false);
	assert.deepEqual(transport.appData, { foo: 'bar' });

	const dump = await transport.dump();

	assert.equal(dump.id, transport.id);
	assert.equal(dump.maxMessageSize, 1024);
	assert.deepEqual(dump.producerIds, []);
	assert.deepEqual(dump.consumerIds, []);
	assert.deepEqual(dump.dataProducerIds, []);
	assert.deepEqual(dump.dataConsumerIds, []);
	assert.ok(dump.recvRtpHeaderExtensions);
	assert.equal(typeof dump.rtpListener, 'object');
	transport.close();
	assert.equal(transport.closed, true);

	const byDefault = await router.createDirectTransport();

	assert.equal((await byDefault.dump()).maxMessageSize, 262144);
	byDefault.close();
});

test('createDirectTransport() with wrong arguments rejects with TypeError before sending anything', async () => {
	for (const options of [{ maxMessageSize: 'foo' }, { maxMessageSize: -2000 }, { appData: 'x' }]) {
		const sent = await countRequests(() => assert.rejects(router.createDirectTransport(options as any), TypeError));

		assert.equal(sent, 0);
	}
});

test('directTransport: getStats(), connect() resolves, bitrate setters are unsupported, sendRtcp()', async () => {
	const transport = await router.createDirectTransport();
	const [stats] = await transport.getStats();

	assert.equal(stats!.type, 'direct-transport');
	assert.equal(stats!.transportId, transport.id);
	assert.equal(typeof stats!.timestamp, 'number');
	assert.equal(stats!.bytesReceived, 0);
	assert.equal(stats!.bytesSent, 0);

	assert.equal(await transport.connect(), undefined);
	await assert.rejects(transport.setMaxIncomingBitrate(100000), UnsupportedError);
	await assert.rejects(transport.setMaxOutgoingBitrate(100000), UnsupportedError);
	await assert.rejects(transport.setMinOutgoingBitrate(100000), UnsupportedError);

	assert.throws(() => transport.sendRtcp('foo' as any), TypeError);

	// An RTCP receiver report (RFC 3550 section 6.4.2) with no report blocks, as binary.
	const rr = Buffer.from([0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44]);

	transport.sendRtcp(rr);
	assert.ok(await waitFor(async () => (await transport.getStats())[0]!.bytesReceived === rr.length));

	// 'rtcp' events from the worker arrive as Buffers.
	const received: Buffer[] = [];

	transport.on('rtcp', (packet) => received.push(packet));
	transport.channelForTesting.emit(transport.id, 'rtcp', new Uint8Array(rr));
	assert.equal(received.length, 1);
	assert.ok(Buffer.isBuffer(received[0]));
	assert.deepEqual(received[0], rr);

	transport.close();
	await assert.rejects(transport.dump(), Error);
});

test('produceData()/consumeData() on a DirectTransport use type "direct"', async () => {
	const transport = await router.createDirectTransport();
	const dataProducer = await transport.produceData({ label: 'foo', protocol: 'bar' });
	const dataConsumer = await transport.consumeData({ dataProducerId: dataProducer.id });

	assert.equal(dataProducer.type, 'direct');
	assert.equal(dataProducer.sctpStreamParameters, undefined);
	assert.equal(dataConsumer.type, 'direct');
	assert.equal(dataConsumer.label, 'foo');
	assert.equal(dataConsumer.protocol, 'bar');

	const dump = await transport.dump();

	assert.deepEqual(dump.dataProducerIds, [dataProducer.id]);
	assert.deepEqual(dump.dataConsumerIds, [dataConsumer.id]);

	transport.close();
	assert.equal(dataProducer.closed, true);
	assert.equal(dataConsumer.closed, true);
});
