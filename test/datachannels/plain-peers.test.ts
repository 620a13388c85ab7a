/**
 * Data channels over a PlainTransport (SCTP directly in UDP, as mediasoup's PlainTransport),
 * against the `sctp` and `werift-sctp` npm packages (the peers mediasoup's own tests use):
 * messages both ways through DataProducers and DataConsumers, server stats count them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { SCTP, createUdpTransport } from 'werift-sctp';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import { enlargeSocketBuffers } from '../proto/sctp/udp-driver';
import { msg, until } from './util';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sctp = require('sctp');

/** A router with a PlainTransport (SCTP on) connected to a local UDP socket, and a DirectTransport. */
async function setup() {
	const worker = await mediasoup.createWorker();
	const router = await worker.createRouter({ mediaCodecs: [] });
	const plain = await router.createPlainTransport({
		listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
		enableSctp: true,
		numSctpStreams: { OS: 1024, MIS: 1024 },
		// Messages beyond the send buffer are refused ('sctpsendbufferfull'); these tests burst ~0.5 MB.
		sctpSendBufferSize: 4 << 20,
	});
	const direct = await router.createDirectTransport();
	const udp = dgram.createSocket('udp4');
	await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
	enlargeSocketBuffers(udp);
	const states: string[] = [];
	plain.on('sctpstatechange', (s) => states.push(s));
	await plain.connect({ ip: '127.0.0.1', port: udp.address().port });
	const close = async () => {
		try {
			udp.close();
		} catch {
			// closed
		}
		worker.close();
		if (!worker.subprocessClosed) await enhancedOnce(worker, 'subprocessclose');
	};
	return { worker, router, plain, direct, udp, states, close };
}

/** Server side: a DataProducer on stream 3 consumed by the DirectTransport, a direct DataProducer consumed over SCTP. */
async function dataPaths(env: Awaited<ReturnType<typeof setup>>) {
	const fromPeer = await env.plain.produceData({ sctpStreamParameters: { streamId: 3, ordered: true } });
	const directConsumer = await env.direct.consumeData({ dataProducerId: fromPeer.id });
	const got: { ppid: number; data: Buffer }[] = [];
	directConsumer.on('message', (data: Buffer, ppid: number) => got.push({ ppid, data: Buffer.from(data) }));
	const directProducer = await env.direct.produceData();
	const toPeer = await env.plain.consumeData({ dataProducerId: directProducer.id });
	return { fromPeer, directConsumer, got, directProducer, toPeer };
}

test('werift-sctp over PlainTransport: messages both ways, stats count them', { timeout: 60_000 }, async (t) => {
	const env = await setup();
	t.after(() => env.close());
	const paths = await dataPaths(env);
	const transport = createUdpTransport(env.udp, { port: env.plain.tuple.localPort, address: '127.0.0.1' });
	const peer = SCTP.client(transport);
	t.after(() => peer.stop().catch(() => undefined));
	const peerGot: { s: number; ppid: number; data: Buffer }[] = [];
	peer.onReceive.subscribe((s: number, ppid: number, data: Buffer) => peerGot.push({ s, ppid, data }));
	await peer.start(5000);
	await until(() => peer.state === 'connected' && env.plain.sctpState === 'connected', 20_000, () => `peer ${peer.state}, ours ${env.plain.sctpState}`);
	const size = (i: number): number => 1 + ((i * 2711) % 20000);
	for (let i = 0; i < 50; i++) void peer.send(3, 53, msg(i, Math.max(4, size(i))));
	void peer.send(3, 51, Buffer.from('hello from werift'));
	for (let i = 0; i < 50; i++) paths.directProducer.send(msg(i, Math.max(4, size(i))));
	paths.directProducer.send('hello from broth');
	const outStream = paths.toPeer.sctpStreamParameters!.streamId;
	await until(() => paths.got.length === 51 && peerGot.length === 51, 40_000, () => `got ${paths.got.length}, peer got ${peerGot.length}`);
	for (let i = 0; i < 50; i++) {
		assert.ok(paths.got[i].data.equals(msg(i, Math.max(4, size(i)))), `server got message ${i}`);
		assert.equal(paths.got[i].ppid, 53);
		assert.ok(peerGot[i].data.equals(msg(i, Math.max(4, size(i)))), `peer got message ${i}`);
		assert.equal(peerGot[i].s, outStream);
		assert.equal(peerGot[i].ppid, 53);
	}
	assert.equal(paths.got[50].data.toString(), 'hello from werift');
	assert.equal(paths.got[50].ppid, 51);
	assert.equal(peerGot[50].data.toString(), 'hello from broth');
	assert.equal(peerGot[50].ppid, 51);
	const [pStats] = await paths.fromPeer.getStats();
	assert.equal(pStats.messagesReceived, 51);
	const [cStats] = await paths.toPeer.getStats();
	assert.equal(cStats.messagesSent, 51);
	const tStats = (await env.plain.getStats())[0];
	assert.equal(tStats.sctpState, 'connected');
	assert.equal(env.plain.sctpState, 'connected');
	assert.ok(env.states.includes('connected'));
});

test('sctp npm package over PlainTransport: messages both ways', { timeout: 60_000 }, async (t) => {
	const env = await setup();
	t.after(() => env.close());
	const paths = await dataPaths(env);
	await new Promise<void>((r) => env.udp.connect(env.plain.tuple.localPort, '127.0.0.1', () => r()));
	const sock = sctp.connect({ localPort: 5000, port: 5000, OS: 1024, MIS: 1024, udpTransport: env.udp });
	t.after(() => sock.destroy?.());
	sock.on('error', () => undefined);
	const peerGot: Buffer[] = [];
	sock.on('stream', (stream: NodeJS.ReadableStream) => stream.on('data', (d: Buffer) => peerGot.push(d)));
	await new Promise<void>((r) => sock.on('connect', () => r()));
	await until(() => env.plain.sctpState === 'connected', 20_000, () => `ours ${env.plain.sctpState}`);
	const st = sock.createStream(3);
	for (let i = 0; i < 50; i++) {
		const b = msg(i, 4 + ((i * 811) % 8000));
		(b as Buffer & { ppid: number }).ppid = 53;
		st.write(b);
	}
	// The package's receive window is 16 KiB: keep ours -> peer messages small.
	for (let i = 0; i < 50; i++) paths.directProducer.send(msg(i, 4 + ((i * 523) % 4000)));
	await until(() => paths.got.length === 50 && peerGot.length === 50, 40_000, () => `got ${paths.got.length}, peer got ${peerGot.length}`);
	for (let i = 0; i < 50; i++) {
		assert.ok(paths.got[i].data.equals(msg(i, 4 + ((i * 811) % 8000))), `server got message ${i}`);
		assert.ok(peerGot[i].equals(msg(i, 4 + ((i * 523) % 4000))), `peer got message ${i}`);
	}
	const [pStats] = await paths.fromPeer.getStats();
	assert.equal(pStats.messagesReceived, 50);
	const [cStats] = await paths.toPeer.getStats();
	assert.equal(cStats.messagesSent, 50);
});
