/**
 * Data channels under 5% random loss (both directions, a seeded relay of ours in front of a
 * PlainTransport with SCTP over UDP): ordered channels deliver everything in order (RFC 9260
 * retransmission), lossy ones (unordered, maxRetransmits 0) drop instead of stalling (RFC 3758).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import { UdpDriver, enlargeSocketBuffers } from '../proto/sctp/udp-driver';
import { msg, until } from './util';

/** mulberry32: reproducible loss pattern. */
function prng(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

test('5% loss through a relay: ordered channels complete in order both ways, lossy channels drop without stalling', { timeout: 60_000 }, async (t) => {
	const worker = await mediasoup.createWorker();
	const router = await worker.createRouter({ mediaCodecs: [] });
	const plain = await router.createPlainTransport({
		listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
		enableSctp: true,
		sctpSendBufferSize: 4 << 20,
	});
	const direct = await router.createDirectTransport();

	// The peer: our proto association over UDP, talking to the relay.
	const got = new Map<number, number[]>();
	const peer = new UdpDriver({
		role: 'client',
		sendBufferSize: 4 << 20,
		onMessage: (s, _ppid, data) => {
			if (!got.has(s)) got.set(s, []);
			got.get(s)!.push(data.readUInt32BE(0));
		},
	});
	const peerPort = await peer.bind();
	const relay = dgram.createSocket('udp4');
	await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
	enlargeSocketBuffers(relay);
	const relayPort = relay.address().port;
	const random = prng(11);
	let dropped = 0;
	let forwarded = 0;
	relay.on('message', (buf, rinfo) => {
		if (random() < 0.05) {
			dropped++;
			return;
		}
		forwarded++;
		if (rinfo.port === peerPort) relay.send(buf, plain.tuple.localPort, '127.0.0.1');
		else relay.send(buf, peerPort, '127.0.0.1');
	});
	peer.peer = { address: '127.0.0.1', port: relayPort };
	t.after(async () => {
		peer.close();
		relay.close();
		worker.close();
		if (!worker.subprocessClosed) await enhancedOnce(worker, 'subprocessclose');
	});

	// Peer -> server: ordered on stream 1, lossy on stream 2, both to DirectTransport consumers.
	const ordIn = await plain.produceData({ sctpStreamParameters: { streamId: 1, ordered: true } });
	const lossyIn = await plain.produceData({ sctpStreamParameters: { streamId: 2, ordered: false, maxRetransmits: 0 } });
	const serverGot = { ord: [] as number[], lossy: [] as number[] };
	const ordInC = await direct.consumeData({ dataProducerId: ordIn.id });
	const lossyInC = await direct.consumeData({ dataProducerId: lossyIn.id });
	ordInC.on('message', (d: Buffer) => serverGot.ord.push(d.readUInt32BE(0)));
	lossyInC.on('message', (d: Buffer) => serverGot.lossy.push(d.readUInt32BE(0)));
	// Server -> peer: a direct producer consumed ordered and lossy over SCTP.
	const source = await direct.produceData();
	const ordOut = await plain.consumeData({ dataProducerId: source.id });
	const lossyOut = await plain.consumeData({ dataProducerId: source.id, ordered: false, maxRetransmits: 0 });
	assert.equal(lossyOut.sctpStreamParameters?.maxRetransmits, 0);

	await plain.connect({ ip: '127.0.0.1', port: relayPort });
	peer.assoc.connect(peer.now());
	peer.flush();
	await until(() => peer.assoc.state === 'connected' && plain.sctpState === 'connected', 20_000, () => `peer ${peer.assoc.state}, ours ${plain.sctpState}`);

	const N = 300;
	const size = (i: number): number => 4 + ((i * 977) % 3000);
	for (let i = 0; i < N; i++) {
		assert.equal(peer.assoc.send(1, 53, msg(i, size(i)), {}, peer.now()), 'ok');
		assert.equal(peer.assoc.send(2, 53, msg(i, size(i)), { ordered: false, maxRetransmits: 0 }, peer.now()), 'ok');
		source.send(msg(i, size(i)));
	}
	peer.flush();

	const outOrd = ordOut.sctpStreamParameters!.streamId;
	const outLossy = lossyOut.sctpStreamParameters!.streamId;
	await until(
		() => serverGot.ord.length === N && (got.get(outOrd)?.length ?? 0) === N,
		45_000,
		() => `server ordered ${serverGot.ord.length}, peer ordered ${got.get(outOrd)?.length ?? 0}, dropped ${dropped}/${dropped + forwarded}`,
	);
	assert.deepEqual(serverGot.ord, [...Array(N).keys()]);
	assert.deepEqual(got.get(outOrd), [...Array(N).keys()]);
	// The lossy channels: no retransmission, so some messages are gone, and the rest did not wait for them.
	await until(() => peer.assoc.bufferedAmount === 0, 10_000, () => `peer buffered ${peer.assoc.bufferedAmount}`);
	const lossyServer = new Set(serverGot.lossy);
	const lossyPeer = new Set(got.get(outLossy) ?? []);
	assert.ok(dropped > 0);
	assert.ok(lossyServer.size < N && lossyServer.size > N * 0.7, `server lossy ${lossyServer.size}/${N}`);
	assert.ok(lossyPeer.size < N && lossyPeer.size > N * 0.7, `peer lossy ${lossyPeer.size}/${N}`);
	assert.equal(lossyServer.size, serverGot.lossy.length, 'no duplicates');
	// Nothing left queued on ours either: abandoned messages were skipped with FORWARD-TSN.
	await until(async () => (await ordOut.getBufferedAmount()) === 0 && (await lossyOut.getBufferedAmount()) === 0, 10_000, () => 'ours buffered');
	const [pStats] = await ordIn.getStats();
	assert.equal(pStats.messagesReceived, N);
});
