/**
 * DataProducer and DataConsumer through the whole stack, after mediasoup
 * 3.19's test-DataProducer and test-DataConsumer, plus direct messaging
 * with PPIDs and subchannels (DirectTransport to DirectTransport).
 */
import { test, beforeEach, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { enhancedOnce } from '../../../src/api/enhancedEvents';
import type { PlainTransport } from '../../../src/api/PlainTransport';
import type { DirectTransport } from '../../../src/api/DirectTransport';
import type { DataConsumer } from '../../../src/api/DataConsumer';
import { closeEnv, counter, createEnv, plainTransport, sleep, type Env } from './helpers';

let env: Env;
let sctp1: PlainTransport;
let sctp2: PlainTransport;
let direct: DirectTransport;

const dataProducerOptions1 = { sctpStreamParameters: { streamId: 666 }, label: 'foo', protocol: 'bar', appData: { foo: 1, bar: '2' } };
const dataProducerOptions2 = {
	sctpStreamParameters: { streamId: 777, maxRetransmits: 3 },
	label: 'foo',
	protocol: 'bar',
	paused: true,
	appData: { foo: 1, bar: '2' },
};

beforeEach(async () => {
	env = await createEnv();
	sctp1 = await plainTransport(env.router, true);
	sctp2 = await plainTransport(env.router, true);
	direct = await env.router.createDirectTransport();
});

afterEach(async () => {
	await closeEnv(env);
});

test('transport.produceData() succeeds', async () => {
	const onNew = counter();

	sctp1.observer.once('newdataproducer', onNew);

	const dp1 = await sctp1.produceData(dataProducerOptions1);

	assert.equal(onNew.calls.length, 1);
	assert.equal(onNew.calls[0][0], dp1);
	assert.equal(typeof dp1.id, 'string');
	assert.equal(dp1.closed, false);
	assert.equal(dp1.type, 'sctp');
	assert.equal(dp1.sctpStreamParameters?.streamId, 666);
	assert.equal(dp1.sctpStreamParameters?.ordered, true);
	assert.equal(dp1.sctpStreamParameters?.maxPacketLifeTime, undefined);
	assert.equal(dp1.sctpStreamParameters?.maxRetransmits, undefined);
	assert.equal(dp1.label, 'foo');
	assert.equal(dp1.protocol, 'bar');
	assert.equal(dp1.paused, false);
	assert.deepEqual(dp1.appData, { foo: 1, bar: '2' });

	const dp2 = await sctp2.produceData(dataProducerOptions2);

	assert.equal(dp2.sctpStreamParameters?.ordered, false);
	assert.equal(dp2.sctpStreamParameters?.maxRetransmits, 3);
	assert.equal(dp2.paused, true);

	const routerDump = await env.router.dump();

	assert.deepEqual(routerDump.mapDataProducerIdDataConsumerIds.map((e) => e.key).sort(), [dp1.id, dp2.id].sort());
	assert.deepEqual(routerDump.mapDataConsumerIdDataProducerId, []);
	assert.deepEqual((await sctp1.dump()).dataProducerIds, [dp1.id]);
});

test('transport.produceData() with wrong arguments or a used streamId rejects', async () => {
	await assert.rejects(sctp1.produceData({}), TypeError);
	await assert.rejects(sctp1.produceData({ sctpStreamParameters: { foo: 'foo' } as any }), TypeError);
	await assert.rejects(sctp1.produceData({ sctpStreamParameters: { streamId: 999, ordered: true, maxPacketLifeTime: 4000 } }), TypeError);
	await sctp1.produceData(dataProducerOptions1);
	await assert.rejects(sctp1.produceData({ sctpStreamParameters: { streamId: 666 } }), Error);
});

test('dataProducer.dump() and getStats() succeed', async () => {
	const dp1 = await sctp1.produceData(dataProducerOptions1);
	const dump1 = await dp1.dump();

	assert.equal(dump1.id, dp1.id);
	assert.equal(dump1.type, 'sctp');
	assert.equal(dump1.sctpStreamParameters!.streamId, 666);
	assert.equal(dump1.sctpStreamParameters!.ordered, true);
	assert.equal(dump1.label, 'foo');
	assert.equal(dump1.protocol, 'bar');
	assert.equal(dump1.paused, false);

	const dp2 = await sctp2.produceData(dataProducerOptions2);
	const dump2 = await dp2.dump();

	assert.equal(dump2.sctpStreamParameters!.ordered, false);
	assert.equal(dump2.sctpStreamParameters!.maxRetransmits, 3);
	assert.equal(dump2.paused, true);

	const [stat] = await dp1.getStats();

	assert.equal(stat.type, 'data-producer');
	assert.equal(stat.label, 'foo');
	assert.equal(stat.protocol, 'bar');
	assert.equal(stat.messagesReceived, 0);
	assert.equal(stat.bytesReceived, 0);
});

test('dataProducer.pause() and resume() succeed; data consumers follow', async () => {
	const dp1 = await sctp1.produceData(dataProducerOptions1);
	const dc = await sctp2.consumeData({ dataProducerId: dp1.id });
	const onPause = counter();
	const onResume = counter();

	dp1.observer.on('pause', onPause);
	dp1.observer.on('resume', onResume);
	await dp1.pause();
	assert.equal(dp1.paused, true);
	assert.equal((await dp1.dump()).paused, true);
	await dp1.resume();
	assert.equal((await dp1.dump()).paused, false);
	void dp1.pause();
	void dp1.resume();
	void dp1.pause();
	void dp1.pause();
	void dp1.pause();
	await dp1.resume();
	assert.equal(onPause.calls.length, 3);
	assert.equal(onResume.calls.length, 3);

	const events: string[] = [];

	dc.observer.once('pause', () => events.push('pause'));
	dc.observer.once('resume', () => events.push('resume'));
	await Promise.all([dp1.pause(), dp1.resume()]);
	await sleep(100);
	assert.deepEqual(events, ['pause', 'resume']);
	assert.equal(dc.paused, false);

	await Promise.all([enhancedOnce(dc, 'dataproducerpause'), dp1.pause()]);
	assert.equal(dc.dataProducerPaused, true);
	assert.equal((await dc.dump()).dataProducerPaused, true);
	await Promise.all([enhancedOnce(dc, 'dataproducerresume'), dp1.resume()]);
	assert.equal(dc.dataProducerPaused, false);
});

test('transport.consumeData() succeeds (sctp from sctp, sctp from direct, direct from sctp)', async () => {
	const sctpProducer = await sctp1.produceData(dataProducerOptions1);
	const directProducer = await direct.produceData();
	const onNew = counter();

	sctp2.observer.once('newdataconsumer', onNew);

	const dc = await sctp2.consumeData({
		dataProducerId: sctpProducer.id,
		maxPacketLifeTime: 4000,
		subchannels: [0, 1, 1, 1, 2, 65535, 100],
		appData: { baz: 'LOL' },
	});

	assert.equal(onNew.calls.length, 1);
	assert.equal(dc.dataProducerId, sctpProducer.id);
	assert.equal(dc.type, 'sctp');
	assert.equal(typeof dc.sctpStreamParameters!.streamId, 'number');
	assert.equal(dc.sctpStreamParameters!.ordered, false);
	assert.equal(dc.sctpStreamParameters!.maxPacketLifeTime, 4000);
	assert.equal(dc.label, 'foo');
	assert.equal(dc.protocol, 'bar');
	assert.equal(dc.paused, false);
	assert.deepEqual(dc.appData, { baz: 'LOL' });
	assert.deepEqual(new Set(dc.subchannels), new Set([0, 1, 2, 100, 65535]));

	const dump = await dc.dump();

	assert.deepEqual(dump.subchannels, [0, 1, 2, 100, 65535]);
	assert.equal(dump.sctpStreamParameters!.maxPacketLifeTime, 4000);
	assert.equal(dump.dataProducerPaused, false);
	assert.equal(dump.bufferedAmountLowThreshold, 0);

	const fromDirect = await sctp2.consumeData({ dataProducerId: directProducer.id, ordered: false, maxRetransmits: 2 });

	assert.equal(fromDirect.type, 'sctp');
	assert.equal(fromDirect.label, '');
	assert.equal(fromDirect.protocol, '');
	assert.equal((await fromDirect.dump()).sctpStreamParameters!.maxRetransmits, 2);

	const toDirect = await direct.consumeData({ dataProducerId: sctpProducer.id, paused: true, appData: { hehe: 'HEHE' } });

	assert.equal(toDirect.type, 'direct');
	assert.equal(toDirect.sctpStreamParameters, undefined);
	assert.equal(toDirect.paused, true);
	assert.equal((await toDirect.dump()).paused, true);
	assert.deepEqual((await toDirect.dump()).subchannels, []);

	const routerDump = await env.router.dump();

	assert.deepEqual(
		routerDump.mapDataProducerIdDataConsumerIds.find((e) => e.key === sctpProducer.id)!.values.sort(),
		[dc.id, toDirect.id].sort(),
	);
	assert.deepEqual((await direct.dump()).dataConsumerIds, [toDirect.id]);
	await assert.rejects(sctp2.consumeData({ dataProducerId: 'chicken' }), Error);
});

test(
	'transport.consumeData() takes subchannels as uint16 like mediasoup (65536 -> 0, 65537 -> 1)',
	async () => {
		const dp = await sctp1.produceData(dataProducerOptions1);
		const dc = await sctp2.consumeData({ dataProducerId: dp.id, subchannels: [0, 1, 1, 1, 2, 65535, 65536, 65537, 100] });

		assert.deepEqual((await dc.dump()).subchannels, [0, 1, 2, 100, 65535]);
		assert.deepEqual([...dc.subchannels].sort((a, b) => a - b), [0, 1, 2, 100, 65535]);
	},
);

test('dataConsumer.getStats(), buffered amount, subchannels', async () => {
	const dp = await sctp1.produceData(dataProducerOptions1);
	const dc = await sctp2.consumeData({ dataProducerId: dp.id });
	const [stat] = await dc.getStats();

	assert.equal(stat.type, 'data-consumer');
	assert.equal(stat.label, 'foo');
	assert.equal(stat.protocol, 'bar');
	assert.equal(stat.messagesSent, 0);
	assert.equal(stat.bytesSent, 0);
	assert.equal(await dc.getBufferedAmount(), 0);
	await dc.setBufferedAmountLowThreshold(5000);
	assert.equal((await dc.dump()).bufferedAmountLowThreshold, 5000);

	await dc.setSubchannels([999, 999, 998, 65536]);
	assert.deepEqual(dc.subchannels, [0, 998, 999]);
	await dc.setSubchannels([]);
	assert.deepEqual(dc.subchannels, []);
	await dc.addSubchannel(5);
	await dc.addSubchannel(10);
	await dc.addSubchannel(5);
	assert.deepEqual(dc.subchannels, [5, 10]);
	await dc.removeSubchannel(666);
	await dc.removeSubchannel(5);
	assert.deepEqual(dc.subchannels, [10]);
	// The getter hands out a copy.
	const copy: number[] = dc.subchannels;

	copy.push(77);
	assert.deepEqual(dc.subchannels, [10]);
});

test('dataConsumer.pause() and resume() succeed, observer follows transitions', async () => {
	const dp = await sctp1.produceData(dataProducerOptions1);
	const dc = await sctp2.consumeData({ dataProducerId: dp.id });
	const onPause = counter();
	const onResume = counter();

	dc.observer.on('pause', onPause);
	dc.observer.on('resume', onResume);
	await dc.pause();
	assert.equal((await dc.dump()).paused, true);
	await dc.resume();
	assert.equal((await dc.dump()).paused, false);
	void dc.pause();
	void dc.resume();
	void dc.pause();
	void dc.pause();
	void dc.pause();
	await dc.resume();
	assert.equal(onPause.calls.length, 3);
	assert.equal(onResume.calls.length, 3);
});

test('direct messages: PPIDs, subchannels, pause, stats (DirectTransport to DirectTransport)', async () => {
	const dp = await direct.produceData({ label: 'chat' });
	const all = await direct.consumeData({ dataProducerId: dp.id });
	const sub = await direct.consumeData({ dataProducerId: dp.id, subchannels: [5] });
	const got = new Map<DataConsumer, [string, number][]>([
		[all, []],
		[sub, []],
	]);

	for (const [dc, list] of got) {
		dc.on('message', (message, ppid) => list.push([message.toString('utf8'), ppid]));
	}

	dp.send('hello');
	dp.send(Buffer.from('bin'));
	dp.send('');
	dp.send(Buffer.alloc(0));
	dp.send('to 5 and 6', undefined, [5, 6]);
	dp.send('needs 5', undefined, undefined, 5);
	dp.send('to 7', undefined, [7]);
	await sleep(100);

	// Empty messages carry one placeholder byte with PPIDs 56/57 (RFC 8831 section 6.6).
	assert.deepEqual(got.get(all), [
		['hello', 51],
		['bin', 53],
		[' ', 56],
		['\u0000', 57],
	]);
	assert.deepEqual(got.get(sub)!.slice(4), [
		['to 5 and 6', 51],
		['needs 5', 51],
	]);

	await sub.pause();
	dp.send('while paused');
	await sleep(50);
	assert.equal(got.get(sub)!.length, 6);
	assert.equal((await dp.getStats())[0].messagesReceived, 8);
	assert.equal((await all.getStats())[0].messagesSent, 5);

	// From the application to a direct data consumer.
	await all.send('from app');
	await sleep(50);
	assert.deepEqual(got.get(all)!.at(-1), ['from app', 51]);
	await assert.rejects(sub.send('paused'), Error);
	assert.throws(() => dp.send(123 as any), TypeError);
});

test('dataProducer.close() and dataConsumer.close() succeed; methods reject once closed', async () => {
	const dp = await sctp1.produceData(dataProducerOptions1);
	const dc = await sctp2.consumeData({ dataProducerId: dp.id });
	const onDcClose = counter();

	dc.observer.once('close', onDcClose);
	dc.close();
	dc.close();
	assert.equal(onDcClose.calls.length, 1);
	assert.equal(dc.closed, true);
	assert.deepEqual((await env.router.dump()).mapDataConsumerIdDataProducerId, []);
	assert.deepEqual((await sctp2.dump()).dataConsumerIds, []);
	await assert.rejects(dc.dump(), Error);
	await assert.rejects(dc.getStats(), Error);

	const onDpClose = counter();

	dp.observer.once('close', onDpClose);
	dp.close();
	assert.equal(onDpClose.calls.length, 1);
	assert.equal(dp.closed, true);
	assert.deepEqual((await env.router.dump()).mapDataProducerIdDataConsumerIds, []);
	assert.deepEqual((await sctp1.dump()).dataProducerIds, []);
	await assert.rejects(dp.dump(), Error);
	await assert.rejects(dp.getStats(), Error);
});

test('DataConsumer emits "dataproducerclose" once if its data producer closes', async () => {
	const dp = await sctp1.produceData(dataProducerOptions1);
	const dc = await sctp2.consumeData({ dataProducerId: dp.id });
	const onClose = counter();
	const onDpClose = counter();

	dc.observer.once('close', onClose);
	dc.on('dataproducerclose', onDpClose);

	const closed = enhancedOnce(dc, 'dataproducerclose');

	dp.close();
	await closed;
	await sleep(50);
	assert.equal(onDpClose.calls.length, 1);
	assert.equal(onClose.calls.length, 1);
	assert.equal(dc.closed, true);
	assert.deepEqual((await sctp2.dump()).dataConsumerIds, []);
});

test('DataProducer and DataConsumer emit "transportclose" if their transport closes', async () => {
	const dp = await sctp2.produceData(dataProducerOptions2);
	const dpClosed = enhancedOnce(dp, 'transportclose');
	const other = await sctp1.produceData(dataProducerOptions1);
	const dc = await sctp2.consumeData({ dataProducerId: other.id });
	const dcClosed = enhancedOnce(dc, 'transportclose');
	const onClose = counter();

	dc.observer.once('close', onClose);
	sctp2.close();
	await Promise.all([dpClosed, dcClosed]);
	assert.equal(dp.closed, true);
	assert.equal(dc.closed, true);
	assert.equal(onClose.calls.length, 1);

	const routerDump = await env.router.dump();

	assert.deepEqual(routerDump.mapDataProducerIdDataConsumerIds, [{ key: other.id, values: [] }]);
	assert.deepEqual(routerDump.mapDataConsumerIdDataProducerId, []);
});
