/**
 * SCTP over UDP between two routers' PipeTransports (pipeToRouter with a DataProducer, as
 * mediasoup): a DirectTransport DataProducer in router 1 reaches a DirectTransport DataConsumer in
 * router 2, text and binary, in order; the pipe data consumer/producer stats count them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import { msg, until } from './util';

test('pipeToRouter with a DataProducer: messages cross the SCTP association between PipeTransports', { timeout: 60_000 }, async (t) => {
	// Two workers, as mediasoup's own pipe tests: piped entities keep their ids.
	const worker1 = await mediasoup.createWorker();
	const worker2 = await mediasoup.createWorker();
	t.after(async () => {
		for (const worker of [worker1, worker2]) {
			worker.close();
			if (!worker.subprocessClosed) await enhancedOnce(worker, 'subprocessclose');
		}
	});
	const router1 = await worker1.createRouter({ mediaCodecs: [] });
	const router2 = await worker2.createRouter({ mediaCodecs: [] });
	const direct1 = await router1.createDirectTransport();
	const direct2 = await router2.createDirectTransport();
	const source = await direct1.produceData({ label: 'piped' });
	const { pipeDataConsumer, pipeDataProducer } = await router1.pipeToRouter({
		dataProducerId: source.id,
		router: router2,
		listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
	} as any);
	assert.ok(pipeDataConsumer && pipeDataProducer);
	const sink = await direct2.consumeData({ dataProducerId: source.id });
	const got: { ppid: number; data: Buffer }[] = [];
	sink.on('message', (data: Buffer, ppid: number) => got.push({ ppid, data: Buffer.from(data) }));
	// Messages sent before the association is up wait in its queue (RFC 9260 allows DATA once ESTABLISHED).
	for (let i = 0; i < 100; i++) source.send(i % 2 ? msg(i, 1 + ((i * 977) % 60000) + 4) : `text ${i}`);
	await until(() => got.length === 100, 30_000, () => `got ${got.length}`);
	for (let i = 0; i < 100; i++) {
		if (i % 2) {
			assert.equal(got[i]!.ppid, 53);
			assert.ok(got[i]!.data.equals(msg(i, 1 + ((i * 977) % 60000) + 4)), `message ${i}`);
		} else {
			assert.equal(got[i]!.ppid, 51);
			assert.equal(got[i]!.data.toString(), `text ${i}`);
		}
	}
	const [cStats] = await pipeDataConsumer!.getStats();
	const [pStats] = await pipeDataProducer!.getStats();
	assert.equal(cStats.messagesSent, 100);
	assert.equal(pStats.messagesReceived, 100);
});
