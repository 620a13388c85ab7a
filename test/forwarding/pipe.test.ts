/**
 * PipeTransport media: router.pipeToRouter() between two routers of one
 * worker and of two workers (plain, and with RTX and SRTP), pipe consumers
 * carrying every simulcast stream, producer pause/resume/close propagating;
 * and two Node processes whose PipeTransports know each other's IP and port
 * only, as across hosts.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { RtpParameters } from '../../src/ortc/rtpParametersTypes';
import { closeWorker } from '../api/transports/helpers';
import { mediaCodecs, opusPacket, opusParameters, receiverCapabilities, sleep, vp8Packet, vp8Parameters, waitFor } from './helpers';

let worker1: Worker;
let worker2: Worker;

before(async () => {
	worker1 = await mediasoup.createWorker({ logLevel: 'warn' });
	worker2 = await mediasoup.createWorker({ logLevel: 'warn' });
});

after(async () => {
	await closeWorker(worker1);
	await closeWorker(worker2);
});

async function pipeScenario(router1: Router, router2: Router, options: { enableRtx?: boolean; enableSrtp?: boolean; keepId?: boolean }) {
	const send = await router1.createDirectTransport();
	const recv = await router2.createDirectTransport();
	const producer = await send.produce({ kind: 'video', rtpParameters: vp8Parameters(7777, { rtxSsrc: 7778 }) });
	const { pipeProducer, pipeConsumer } = await router1.pipeToRouter({ producerId: producer.id, router: router2, ...options });
	const consumer = await recv.consume({ producerId: pipeProducer!.id, rtpCapabilities: receiverCapabilities });
	const events: string[] = [];
	let count = 0;
	let seq = 0;

	consumer.on('rtp', () => count++);
	for (const event of ['producerpause', 'producerresume', 'producerclose'] as const) {
		consumer.on(event, () => events.push(event));
	}

	const burst = (n: number): void => {
		for (let i = 0; i < n; i++) {
			producer.send(vp8Packet({ ssrc: 7777, seq: seq, timestamp: seq * 3000, keyFrame: i === 0 }));
			seq++;
		}
	};

	// The pipe pair may still be connecting: the first key frame may fall before it.
	burst(10);
	assert.ok(await waitFor(async () => {
		if (count === 0) {
			burst(10);
		}

		return count > 0;
	}), 'nothing came through the pipe');
	await sleep(200);

	const before = count;

	burst(20);
	assert.ok(await waitFor(() => count === before + 20), `${count - before}/20 after the pipe`);

	await producer.pause();
	assert.ok(await waitFor(() => events.includes('producerpause')));
	assert.equal(pipeConsumer!.producerPaused, true);
	burst(10);
	await sleep(100);
	assert.equal(count, before + 20);
	await producer.resume();
	assert.ok(await waitFor(() => events.includes('producerresume')));
	burst(10);
	assert.ok(await waitFor(() => count === before + 30), `${count - before - 20}/10 after resume`);

	const [stat] = (await pipeProducer!.getStats()) as any[];

	assert.equal(stat.type, 'inbound-rtp');
	assert.equal(stat.ssrc, pipeConsumer!.rtpParameters.encodings![0]!.ssrc);

	producer.close();
	assert.ok(await waitFor(() => events.includes('producerclose')));
	assert.equal(consumer.closed, true);
	send.close();
	recv.close();
}

test('pipeToRouter() between two routers of one worker: media, pause/resume/close propagate', async () => {
	const router1 = await worker1.createRouter({ mediaCodecs });
	const router2 = await worker1.createRouter({ mediaCodecs });

	// Same worker: the piped producer needs its own id (as in mediasoup).
	await pipeScenario(router1, router2, { keepId: false });
	router1.close();
	router2.close();
});

test('pipeToRouter() from worker 1 to worker 2: media, pause/resume/close propagate', async () => {
	const router1 = await worker1.createRouter({ mediaCodecs });
	const router2 = await worker2.createRouter({ mediaCodecs });

	await pipeScenario(router1, router2, {});
	router1.close();
	router2.close();
});

test('pipeToRouter() with enableRtx and enableSrtp (AEAD_AES_256_GCM) across workers', async () => {
	const router1 = await worker1.createRouter({ mediaCodecs });
	const router2 = await worker2.createRouter({ mediaCodecs });

	await pipeScenario(router1, router2, { enableRtx: true, enableSrtp: true });
	router1.close();
	router2.close();
});

test('a pipe consumer carries every simulcast stream (and audio as is)', async () => {
	const router1 = await worker1.createRouter({ mediaCodecs });
	const router2 = await worker2.createRouter({ mediaCodecs });
	const send = await router1.createDirectTransport();
	const simulcast: RtpParameters = {
		...vp8Parameters(0),
		encodings: [{ ssrc: 8001 }, { ssrc: 8002 }, { ssrc: 8003 }],
	};
	const producer = await send.produce({ kind: 'video', rtpParameters: simulcast });
	const audio = await send.produce({ kind: 'audio', rtpParameters: opusParameters(9001) });
	const { pipeProducer, pipeConsumer } = await router1.pipeToRouter({ producerId: producer.id, router: router2 });
	const { pipeProducer: audioPipeProducer } = await router1.pipeToRouter({ producerId: audio.id, router: router2 });

	assert.equal(pipeConsumer!.rtpParameters.encodings!.length, 3);
	for (let round = 0; round < 20; round++) {
		for (const ssrc of [8001, 8002, 8003]) {
			producer.send(vp8Packet({ ssrc, seq: round, timestamp: round * 3000, keyFrame: round % 5 === 0 }));
		}
		audio.send(opusPacket({ ssrc: 9001, seq: round, timestamp: round * 960 }));
		await sleep(5);
	}
	assert.ok(
		await waitFor(async () => ((await pipeProducer!.getStats()) as any[]).length === 3),
		'the piped producer does not see three streams',
	);

	const stats = (await pipeProducer!.getStats()) as any[];
	const ssrcs = pipeConsumer!.rtpParameters.encodings!.map((e) => e.ssrc);

	assert.deepEqual(stats.map((s) => s.ssrc).sort(), [...ssrcs].sort());
	assert.ok(stats.every((s) => s.packetCount > 0));
	assert.ok(await waitFor(async () => ((await audioPipeProducer!.getStats()) as any[])[0]?.packetCount > 0));

	// A simulcast consumer in router 2 gets one stream, switching at a key frame.
	const recv = await router2.createDirectTransport();
	const consumer = await recv.consume({
		producerId: pipeProducer!.id,
		rtpCapabilities: receiverCapabilities,
		preferredLayers: { spatialLayer: 1 },
	});
	const ssrcsOut = new Set<number>();
	let count = 0;

	consumer.on('rtp', (data: Buffer) => {
		count++;
		ssrcsOut.add(data.readUInt32BE(8));
	});
	for (let round = 20; round < 40; round++) {
		for (const ssrc of [8001, 8002, 8003]) {
			producer.send(vp8Packet({ ssrc, seq: round, timestamp: round * 3000, keyFrame: round % 5 === 0 }));
		}
		await sleep(5);
	}
	assert.ok(await waitFor(() => count >= 15), `simulcast consumer got ${count}`);
	assert.equal(consumer.type, 'simulcast');
	assert.deepEqual([...ssrcsOut], [consumer.rtpParameters.encodings![0]!.ssrc]);
	assert.equal(consumer.currentLayers?.spatialLayer, 1);
	router1.close();
	router2.close();
});

test('two Node processes joined by IP and port through PipeTransports', { timeout: 30000 }, async () => {
	const child = fork(join(__dirname, 'pipeChild.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	const waiting = new Map<number, (msg: any) => void>();
	let nextId = 1;
	const ready = new Promise<any>((resolve) => waiting.set(0, resolve));

	child.on('message', (msg: any) => {
		const resolve = waiting.get(msg.id ?? 0);

		waiting.delete(msg.id ?? 0);
		resolve?.(msg);
	});

	const ask = (msg: Record<string, unknown>): Promise<any> => {
		const id = nextId++;
		const reply = new Promise<any>((resolve) => waiting.set(id, resolve));

		child.send({ ...msg, id });

		return reply;
	};
	const state = async (): Promise<any> => ask({ type: 'state' });

	try {
		const { port } = await ready;
		const router = await worker1.createRouter({ mediaCodecs });
		const send = await router.createDirectTransport();
		const producer = await send.produce({ kind: 'video', rtpParameters: vp8Parameters(6001) });
		const pipe = await router.createPipeTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });
		const pipeConsumer = await pipe.consume({ producerId: producer.id });

		// The application carries pause/resume/close to the far end, as pipeToRouter() does locally.
		pipeConsumer.on('producerpause', () => void ask({ type: 'pause' }));
		pipeConsumer.on('producerresume', () => void ask({ type: 'resume' }));
		pipeConsumer.on('producerclose', () => void ask({ type: 'close' }));

		const connected = await ask({
			type: 'connect',
			port: pipe.tuple.localPort,
			producerId: producer.id,
			kind: 'video',
			rtpParameters: pipeConsumer.rtpParameters,
		});

		assert.equal(connected.type, 'connected', JSON.stringify(connected));
		await pipe.connect({ ip: '127.0.0.1', port });

		let seq = 0;
		const burst = (n: number): void => {
			for (let i = 0; i < n; i++) {
				producer.send(vp8Packet({ ssrc: 6001, seq, timestamp: seq * 3000, keyFrame: i === 0 }));
				seq++;
			}
		};

		burst(30);
		assert.ok(await waitFor(async () => (await state()).rtp === 30), JSON.stringify(await state()));
		assert.equal((await state()).stats[0].packetCount, 30);

		await producer.pause();
		assert.ok(await waitFor(async () => (await state()).events.includes('producerpause')));
		burst(10);
		await sleep(100);
		await producer.resume();
		assert.ok(await waitFor(async () => (await state()).events.includes('producerresume')));
		burst(10);
		assert.ok(await waitFor(async () => (await state()).rtp === 40), JSON.stringify(await state()));

		producer.close();
		assert.ok(await waitFor(async () => (await state()).events.includes('producerclose')));
		const final = await state();

		assert.deepEqual(final.events, ['producerpause', 'producerresume', 'producerclose'], JSON.stringify(final));
		router.close();
	} finally {
		child.send({ type: 'exit' });
		await new Promise((resolve) => child.once('exit', resolve));
	}
});
