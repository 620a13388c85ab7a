/**
 * comedia PlainTransport with enableSctp (mediasoup: the remote tuple is learnt from the first
 * packet, here the peer's SCTP INIT), and DataProducer/DataConsumer pause()/resume() as in
 * mediasoup: a paused data consumer delivers nothing, a paused data producer delivers to no one
 * (still counting what it receives), and its consumers get 'dataproducerpause'/'dataproducerresume'.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import { Ppid } from '../../src/proto/sctp';
import { msg, ourPeer, until } from './util';

async function newWorker(t: { after(fn: () => unknown): void }) {
	const worker = await mediasoup.createWorker();
	t.after(async () => {
		worker.close();
		if (!worker.subprocessClosed) await enhancedOnce(worker, 'subprocessclose');
	});
	return worker;
}

test('comedia PlainTransport with SCTP learns the tuple from the first SCTP packet', { timeout: 60_000 }, async (t) => {
	const worker = await newWorker(t);
	const router = await worker.createRouter({ mediaCodecs: [] });
	const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSctp: true, comedia: true });
	const direct = await router.createDirectTransport();
	const tuples: mediasoup.types.TransportTuple[] = [];
	plain.on('tuple', (tuple) => tuples.push(tuple));
	assert.ok(!plain.tuple.remoteIp, "no remote before the first packet");

	const got: number[] = [];
	const peer = await ourPeer({ onMessage: (_s, _ppid, data) => got.push(data.readUInt32BE(0)) });
	t.after(() => peer.driver.close());
	const fromPeer = await plain.produceData({ sctpStreamParameters: { streamId: 1 } });
	const sink = await direct.consumeData({ dataProducerId: fromPeer.id });
	const sinkGot: number[] = [];
	sink.on('message', (data: Buffer) => sinkGot.push(data.readUInt32BE(0)));
	const source = await direct.produceData();
	await plain.consumeData({ dataProducerId: source.id });

	// No connect(): the peer's INIT is the first packet.
	peer.aim(plain.tuple.localPort);
	peer.connect();
	await until(() => plain.sctpState === 'connected' && peer.driver.assoc.state === 'connected', 20_000, () => `ours ${plain.sctpState}, peer ${peer.driver.assoc.state}`);
	assert.equal(tuples.length, 1);
	assert.equal(tuples[0]!.remoteIp, '127.0.0.1');
	assert.equal(tuples[0]!.remotePort, peer.port);
	assert.equal(plain.tuple.remotePort, peer.port);

	for (let i = 0; i < 10; i++) {
		peer.driver.assoc.send(1, Ppid.BINARY, msg(i, 200), { ordered: true }, peer.driver.now());
		source.send(msg(i, 200));
	}
	peer.driver.flush();
	await until(() => got.length === 10 && sinkGot.length === 10, 10_000, () => `peer got ${got.length}, sink got ${sinkGot.length}`);
	assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	assert.deepEqual(sinkGot, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('pause()/resume() of data consumers and data producers', { timeout: 60_000 }, async (t) => {
	const worker = await newWorker(t);
	const router = await worker.createRouter({ mediaCodecs: [] });
	const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSctp: true });
	const direct = await router.createDirectTransport();
	const peerGot: number[] = [];
	const peer = await ourPeer({ onMessage: (_s, _ppid, data) => peerGot.push(data.readUInt32BE(0)) });
	t.after(() => peer.driver.close());
	peer.aim(plain.tuple.localPort);
	await plain.connect({ ip: '127.0.0.1', port: peer.port });
	peer.connect();
	await until(() => plain.sctpState === 'connected' && peer.driver.assoc.state === 'connected', 20_000, () => `ours ${plain.sctpState}`);

	// A direct DataProducer consumed by the DirectTransport (a) and over SCTP (b).
	const source = await direct.produceData();
	const a = await direct.consumeData({ dataProducerId: source.id });
	const b = await plain.consumeData({ dataProducerId: source.id });
	const aGot: number[] = [];
	a.on('message', (data: Buffer) => aGot.push(data.readUInt32BE(0)));
	const events: string[] = [];
	for (const [name, c] of [['a', a], ['b', b]] as const) {
		c.on('dataproducerpause', () => events.push(`${name} pause`));
		c.on('dataproducerresume', () => events.push(`${name} resume`));
	}
	const send = async (from: number, to: number) => {
		for (let i = from; i < to; i++) source.send(msg(i, 100));
		// Notifications are ordered: a request after them returns once they were handled.
		await source.getStats();
	};

	// A paused data consumer delivers nothing; the other one everything.
	await a.pause();
	assert.equal(a.paused, true);
	await send(0, 5);
	await until(() => peerGot.length === 5, 10_000, () => `peer got ${peerGot.length}`);
	assert.deepEqual(aGot, []);
	await b.pause();
	await a.resume();
	await send(5, 10);
	await until(() => aGot.length === 5, 10_000, () => `a got ${aGot.length}`);
	await new Promise((r) => setTimeout(r, 100));
	assert.deepEqual(aGot, [5, 6, 7, 8, 9]);
	assert.equal(peerGot.length, 5, 'paused SCTP data consumer sent nothing');
	await b.resume();
	const [bStats] = await b.getStats();
	assert.equal(bStats.messagesSent, 5);

	// A paused data producer: its consumers are told and get nothing.
	await source.pause();
	assert.equal(source.paused, true);
	await until(() => events.length === 2, 5_000, () => `events ${events}`);
	assert.deepEqual(events.sort(), ['a pause', 'b pause']);
	assert.equal(a.dataProducerPaused, true);
	assert.equal(b.dataProducerPaused, true);
	await send(10, 15);
	await new Promise((r) => setTimeout(r, 100));
	assert.equal(aGot.length, 5);
	assert.equal(peerGot.length, 5);
	const [pStats] = await source.getStats();
	assert.equal(pStats.messagesReceived, 15);

	await source.resume();
	await until(() => events.length === 4, 5_000, () => `events ${events}`);
	assert.deepEqual(events.slice(2).sort(), ['a resume', 'b resume']);
	assert.equal(a.dataProducerPaused, false);
	await send(15, 20);
	await until(() => aGot.length === 10 && peerGot.length === 10, 10_000, () => `a got ${aGot.length}, peer got ${peerGot.length}`);
	assert.deepEqual(aGot, [5, 6, 7, 8, 9, 15, 16, 17, 18, 19]);
	assert.deepEqual(peerGot, [0, 1, 2, 3, 4, 15, 16, 17, 18, 19]);

	// An SCTP DataProducer paused: the peer's messages are counted, not forwarded.
	const fromPeer = await plain.produceData({ sctpStreamParameters: { streamId: 2 } });
	const sink = await direct.consumeData({ dataProducerId: fromPeer.id });
	const sinkGot: number[] = [];
	sink.on('message', (data: Buffer) => sinkGot.push(data.readUInt32BE(0)));
	await fromPeer.pause();
	for (let i = 0; i < 3; i++) peer.driver.assoc.send(2, Ppid.BINARY, msg(i, 50), { ordered: true }, peer.driver.now());
	peer.driver.flush();
	await until(async () => (await fromPeer.getStats())[0]!.messagesReceived === 3, 10_000, () => 'peer messages counted');
	assert.deepEqual(sinkGot, []);
	await fromPeer.resume();
	peer.driver.assoc.send(2, Ppid.BINARY, msg(3, 50), { ordered: true }, peer.driver.now());
	peer.driver.flush();
	await until(() => sinkGot.length === 1, 10_000, () => `sink got ${sinkGot.length}`);
	assert.deepEqual(sinkGot, [3]);
});
