/**
 * The SCTP send buffer of a DataConsumer (mediasoup's getBufferedAmount(),
 * setBufferedAmountLowThreshold(), 'bufferedamountlow', 'sctpsendbufferfull'), over a
 * PlainTransport with one of our own proto associations as the peer. A peer that holds every
 * packet (no SACKs, RFC 9260 6.2) leaves our messages queued or unacknowledged; when it lets
 * them in the buffer drains and 'bufferedamountlow' fires once it is at or below the threshold.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import { msg, ourPeer, until } from './util';

async function setup(t: { after(fn: () => unknown): void }, sctpSendBufferSize: number) {
	const worker = await mediasoup.createWorker();
	t.after(async () => {
		worker.close();
		if (!worker.subprocessClosed) await enhancedOnce(worker, 'subprocessclose');
	});
	const router = await worker.createRouter({ mediaCodecs: [] });
	const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSctp: true, sctpSendBufferSize });
	const direct = await router.createDirectTransport();
	const got: number[] = [];
	const peer = await ourPeer({ sendBufferSize: 4 << 20, onMessage: (_s, _ppid, data) => got.push(data.readUInt32BE(0)) });
	t.after(() => peer.driver.close());
	peer.aim(plain.tuple.localPort);
	await plain.connect({ ip: '127.0.0.1', port: peer.port });
	peer.connect();
	await until(() => plain.sctpState === 'connected' && peer.driver.assoc.state === 'connected', 20_000, () => `ours ${plain.sctpState}, peer ${peer.driver.assoc.state}`);
	const source = await direct.produceData();
	const toPeer = await plain.consumeData({ dataProducerId: source.id });
	return { plain, source, toPeer, peer, got };
}

test('bufferedAmount grows towards a blocked peer and bufferedamountlow fires as it drains', { timeout: 60_000 }, async (t) => {
	const { source, toPeer, peer, got } = await setup(t, 1 << 20);
	const threshold = 20_000;
	await toPeer.setBufferedAmountLowThreshold(threshold);
	assert.equal((await toPeer.dump()).bufferedAmountLowThreshold, threshold);
	assert.equal(await toPeer.getBufferedAmount(), 0);
	const lows: number[] = [];
	toPeer.on('bufferedamountlow', (amount: number) => lows.push(amount));

	peer.hold();
	const count = 60;
	const size = 5000;
	for (let i = 0; i < count; i++) source.send(msg(i, size));
	await until(async () => (await toPeer.getBufferedAmount()) === count * size, 10_000, () => 'buffered amount');
	// Nothing acknowledged yet: everything is still ours.
	assert.equal(lows.length, 0);
	const [stats] = await toPeer.getStats();
	assert.equal(stats.bufferedAmount, count * size);
	assert.equal(stats.messagesSent, count);

	peer.release();
	await until(() => lows.length > 0, 20_000, () => 'bufferedamountlow');
	assert.ok(lows[0]! <= threshold, `bufferedamountlow with ${lows[0]}`);
	await until(() => got.length === count, 20_000, () => `peer got ${got.length}`);
	assert.deepEqual(got, Array.from({ length: count }, (_, i) => i));
	await until(async () => (await toPeer.getBufferedAmount()) === 0, 10_000, () => 'drained');
});

test('sctpsendbufferfull when the send buffer refuses a message', { timeout: 60_000 }, async (t) => {
	const { source, toPeer, peer, got } = await setup(t, 20_000);
	let full = 0;
	toPeer.on('sctpsendbufferfull', () => full++);

	peer.hold();
	// 5 x 5000 bytes against a 20000 byte buffer: the fifth is refused.
	for (let i = 0; i < 5; i++) source.send(msg(i, 5000));
	await until(() => full === 1, 10_000, () => `sctpsendbufferfull ${full}`);
	assert.equal(await toPeer.getBufferedAmount(), 20_000);
	const [stats] = await toPeer.getStats();
	assert.equal(stats.messagesSent, 4);

	// Once the peer takes them the buffer has room again.
	peer.release();
	await until(() => got.length === 4, 20_000, () => `peer got ${got.length}`);
	await until(async () => (await toPeer.getBufferedAmount()) === 0, 10_000, () => 'drained');
	source.send(msg(5, 5000));
	await until(() => got.length === 5, 10_000, () => `peer got ${got.length}`);
	assert.deepEqual(got, [0, 1, 2, 3, 5]);
	assert.equal(full, 1);
});
