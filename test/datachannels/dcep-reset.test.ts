/**
 * DCEP and stream resets over a PlainTransport (SCTP in UDP), with one of our own proto
 * associations as the peer: a DATA_CHANNEL_OPEN gets its DATA_CHANNEL_ACK on the same stream
 * (RFC 8832 5.1, 6.2); closing a DataConsumer resets its outgoing stream (RFC 8831 6.7,
 * RFC 6525 5.1.2); a peer resetting the stream of a DataProducer leaves it open, as mediasoup
 * (its worker ignores SCTP_STREAM_RESET_EVENT and relies on signaling to close the channel).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import { ChannelType, Ppid, buildDcepOpen, parseDcep } from '../../src/proto/sctp';
import { msg, ourPeer, until } from './util';

test('DCEP open gets an ACK; DataConsumer close resets its stream; a peer reset leaves the DataProducer open', { timeout: 60_000 }, async (t) => {
	const worker = await mediasoup.createWorker();
	t.after(async () => {
		worker.close();
		if (!worker.subprocessClosed) await enhancedOnce(worker, 'subprocessclose');
	});
	const router = await worker.createRouter({ mediaCodecs: [] });
	const plain = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSctp: true });
	const direct = await router.createDirectTransport();

	const got: { s: number; ppid: number; data: Buffer }[] = [];
	const resets: { ids: number[]; direction: string }[] = [];
	const peer = await ourPeer({
		onMessage: (s, ppid, data) => got.push({ s, ppid, data }),
		onStreamReset: (ids, direction) => resets.push({ ids, direction }),
	});
	t.after(() => peer.driver.close());
	peer.aim(plain.tuple.localPort);
	await plain.connect({ ip: '127.0.0.1', port: peer.port });
	peer.connect();
	await until(() => plain.sctpState === 'connected' && peer.driver.assoc.state === 'connected', 20_000, () => `ours ${plain.sctpState}, peer ${peer.driver.assoc.state}`);

	// (RFC 8832 5.1) The opener sends DATA_CHANNEL_OPEN on an unused stream; the other end ACKs on it.
	const open = buildDcepOpen({ channelType: ChannelType.RELIABLE, priority: 0, reliabilityParameter: 0, label: 'chat', protocol: 'x' });
	assert.equal(peer.driver.assoc.send(7, Ppid.DCEP, open, { ordered: true }, peer.driver.now()), 'ok');
	peer.driver.flush();
	await until(() => got.some((m) => m.ppid === Ppid.DCEP), 10_000, () => `peer got ${got.length}`);
	const ack = got.find((m) => m.ppid === Ppid.DCEP)!;
	assert.equal(ack.s, 7);
	assert.deepEqual(parseDcep(ack.data), { type: 'ack' });

	// A DataProducer on stream 3 (peer -> broth) consumed by the DirectTransport.
	const fromPeer = await plain.produceData({ sctpStreamParameters: { streamId: 3, ordered: true } });
	const sink = await direct.consumeData({ dataProducerId: fromPeer.id });
	const sinkGot: number[] = [];
	sink.on('message', (data: Buffer) => sinkGot.push(data.readUInt32BE(0)));
	// A direct DataProducer consumed over SCTP (broth -> peer).
	const source = await direct.produceData();
	const toPeer = await plain.consumeData({ dataProducerId: source.id });
	const outStream = toPeer.sctpStreamParameters!.streamId;

	source.send(msg(1, 100));
	await until(() => got.some((m) => m.s === outStream), 10_000, () => 'message to peer');

	// (RFC 8831 6.7) Closing the DataConsumer: an Outgoing SSN Reset Request for its stream reaches the peer.
	toPeer.close();
	await until(() => resets.some((r) => r.direction === 'incoming' && r.ids.includes(outStream)), 10_000, () => `resets ${JSON.stringify(resets)}`);

	// The peer resets the stream it sends the DataProducer's messages on (it closed its channel).
	for (let i = 0; i < 5; i++) peer.driver.assoc.send(3, Ppid.BINARY, msg(i, 64), { ordered: true }, peer.driver.now());
	peer.driver.flush();
	await until(() => sinkGot.length === 5, 10_000, () => `sink got ${sinkGot.length}`);
	assert.ok(peer.driver.assoc.resetStreams([3]));
	peer.driver.flush();
	await until(() => resets.some((r) => r.direction === 'outgoing' && r.ids.includes(3)), 10_000, () => `resets ${JSON.stringify(resets)}`);

	// As mediasoup: the DataProducer stays open (the application closes it through signaling), and
	// the stream, its SSNs back to 0 (RFC 6525 5.2.2), keeps feeding it.
	await new Promise((r) => setTimeout(r, 100));
	assert.equal(fromPeer.closed, false);
	assert.equal(sink.closed, false);
	for (let i = 5; i < 10; i++) peer.driver.assoc.send(3, Ppid.BINARY, msg(i, 64), { ordered: true }, peer.driver.now());
	peer.driver.flush();
	await until(() => sinkGot.length === 10, 10_000, () => `sink got ${sinkGot.length}`);
	assert.deepEqual(sinkGot, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

	// Closing the DataProducer resets our outgoing stream of the same id (RFC 8831 6.7) and closes its consumer.
	const closed = enhancedOnce(sink, 'dataproducerclose');
	fromPeer.close();
	await closed;
	await until(() => resets.some((r) => r.direction === 'incoming' && r.ids.includes(3)), 10_000, () => `resets ${JSON.stringify(resets)}`);
	assert.equal(plain.sctpState, 'connected');
});
