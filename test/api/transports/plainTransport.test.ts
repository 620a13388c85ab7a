import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as mediasoup from '../../../src';
import { enhancedOnce } from '../../../src/extras';
import type { Worker } from '../../../src/api/Worker';
import type { Router } from '../../../src/api/Router';
import { closeWorker, countRequests, freePort, mediaCodecs, sendUdp, waitFor } from './helpers';

let worker: Worker;
let router: Router;

before(async () => {
	worker = await mediasoup.createWorker();
	router = await worker.createRouter({ mediaCodecs });
});

after(async () => {
	await closeWorker(worker);
});

test('createPlainTransport(): tuple, rtcpTuple, SCTP and dump as mediasoup', async () => {
	const newTransports: unknown[] = [];

	router.observer.once('newtransport', (t) => newTransports.push(t));

	const transport = await router.createPlainTransport({
		listenInfo: { protocol: 'udp', ip: '127.0.0.1', announcedAddress: '9.9.9.1', portRange: { min: 42000, max: 42999 } },
		enableSctp: true,
		appData: { foo: 'bar' },
	});

	assert.deepEqual(newTransports, [transport]);
	assert.equal(transport.type, 'plain');
	assert.equal(transport.closed, false);
	assert.deepEqual(transport.appData, { foo: 'bar' });
	assert.equal(transport.tuple.localIp, '9.9.9.1');
	assert.equal(transport.tuple.localAddress, '9.9.9.1');
	assert.ok(transport.tuple.localPort >= 42000 && transport.tuple.localPort <= 42999);
	assert.equal(transport.tuple.protocol, 'udp');
	assert.equal(transport.tuple.remoteIp, undefined);
	assert.equal(transport.rtcpTuple, undefined);
	assert.equal(transport.sctpParameters!.port, 5000);
	assert.equal(transport.sctpParameters!.OS, 1024);
	assert.equal(transport.sctpParameters!.MIS, 1024);
	assert.equal(transport.sctpParameters!.maxMessageSize, 262144);
	assert.equal(transport.sctpState, 'new');
	assert.equal(transport.srtpParameters, undefined);

	const dump = await transport.dump();

	assert.equal(dump.id, transport.id);
	assert.deepEqual(dump.producerIds, []);
	assert.deepEqual(dump.consumerIds, []);
	assert.deepEqual(dump.tuple, transport.tuple);
	assert.equal(dump.rtcpTuple, undefined);
	assert.equal(dump.rtcpMux, true);
	assert.equal(dump.comedia, false);
	assert.deepEqual(dump.sctpParameters, transport.sctpParameters);
	assert.equal(dump.sctpState, 'new');
	transport.close();
	assert.equal(transport.closed, true);

	// Separate RTCP port, fixed ports.
	const rtpPort = await freePort('udp');
	const rtcpPort = await freePort('udp');
	const t2 = await router.createPlainTransport({
		listenInfo: { protocol: 'udp', ip: '127.0.0.1', port: rtpPort },
		rtcpListenInfo: { protocol: 'udp', ip: '127.0.0.1', port: rtcpPort },
	});

	assert.deepEqual(t2.appData, {});
	assert.equal(t2.tuple.localAddress, '127.0.0.1');
	assert.equal(t2.tuple.localPort, rtpPort);
	assert.equal(t2.rtcpTuple!.localAddress, '127.0.0.1');
	assert.equal(t2.rtcpTuple!.localPort, rtcpPort);
	assert.equal(t2.sctpParameters, undefined);
	assert.equal(t2.sctpState, undefined);

	const dump2 = await t2.dump();

	assert.deepEqual(dump2.tuple, t2.tuple);
	assert.deepEqual(dump2.rtcpTuple, t2.rtcpTuple);
	assert.equal(dump2.rtcpMux, false);
	assert.equal(dump2.sctpState, undefined);
	t2.close();

	// rtcpMux false without rtcpListenInfo: RTCP gets its own socket next to RTP.
	const t3 = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false });

	assert.ok(t3.rtcpTuple);
	assert.notEqual(t3.rtcpTuple.localPort, t3.tuple.localPort);
	t3.close();
});

test('createPlainTransport() with wrong arguments rejects with TypeError before sending anything', async () => {
	const wrong: unknown[] = [
		{},
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange: { min: 4000, max: 3000 } } },
		{ listenIp: '123' },
		{ listenIp: ['127.0.0.1'] },
		{ listenInfo: { protocol: 'tcp', ip: '127.0.0.1' } },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, appData: 'NOT-AN-OBJECT' },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, listenIp: '127.0.0.1' },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpListenInfo: { protocol: 'tcp', ip: '127.0.0.1' } },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSrtp: true, srtpCryptoSuite: 'FOO' },
		{ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: 'yes' },
	];

	for (const options of wrong) {
		const sent = await countRequests(() =>
			assert.rejects(router.createPlainTransport(options as any), TypeError, JSON.stringify(options)),
		);

		assert.equal(sent, 0);
	}
});

test('createPlainTransport() with a non bindable IP rejects with Error', async () => {
	await assert.rejects(router.createPlainTransport({ listenIp: '8.8.8.8' }), (e: Error) => e.constructor === Error);
});

test('createPlainTransport() with enableSrtp: key of the suite length, connect() validation', async () => {
	const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', enableSrtp: true });

	assert.equal(transport.srtpParameters!.cryptoSuite, 'AES_CM_128_HMAC_SHA1_80');
	// 30 bytes of master key + salt (RFC 3711) in base64.
	assert.equal(transport.srtpParameters!.keyBase64.length, 40);
	assert.equal(Buffer.from(transport.srtpParameters!.keyBase64, 'base64').length, 30);

	const key30 = 'ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv';
	const wrong: unknown[] = [
		{ ip: '127.0.0.2', port: 9999 },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: 1 },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { keyBase64: key30 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'FOO', keyBase64: key30 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 123, keyBase64: key30 } },
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: [] } },
		// A key of the wrong length for the suite.
		{ ip: '127.0.0.2', port: 9999, srtpParameters: { cryptoSuite: 'AEAD_AES_256_GCM', keyBase64: key30 } },
	];

	for (const params of wrong) {
		const sent = await countRequests(() => assert.rejects(transport.connect(params as any), TypeError));

		assert.equal(sent, 0);
	}

	// Valid, and with another suite: our key changes to that suite's length.
	await transport.connect({
		ip: '127.0.0.2',
		port: 9999,
		srtpParameters: {
			cryptoSuite: 'AEAD_AES_256_GCM',
			keyBase64: 'YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHphdHo=',
		},
	});
	assert.equal(transport.srtpParameters!.cryptoSuite, 'AEAD_AES_256_GCM');
	assert.equal(transport.srtpParameters!.keyBase64.length, 60);
	assert.deepEqual((await transport.dump()).srtpParameters, transport.srtpParameters);
	transport.close();
});

test('plainTransport.connect() sets the remote tuples and can be called once', async () => {
	const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false });

	assert.equal(await transport.connect({ ip: '1.2.3.4', port: 1234, rtcpPort: 1235 }), undefined);
	await assert.rejects(transport.connect({ ip: '1.2.3.4', port: 1234, rtcpPort: 1235 }), /already called/);
	assert.equal(transport.tuple.remoteIp, '1.2.3.4');
	assert.equal(transport.tuple.remotePort, 1234);
	assert.equal(transport.tuple.protocol, 'udp');
	assert.equal(transport.rtcpTuple!.remoteIp, '1.2.3.4');
	assert.equal(transport.rtcpTuple!.remotePort, 1235);

	const [stats] = await transport.getStats();

	assert.equal(stats!.type, 'plain-rtp-transport');
	assert.deepEqual(stats!.tuple, transport.tuple);
	assert.deepEqual(stats!.rtcpTuple, transport.rtcpTuple);
	transport.close();
});

test('plainTransport.connect() with wrong arguments rejects with TypeError before sending anything', async () => {
	const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false });
	const wrong: unknown[] = [
		// No SRTP here.
		{
			ip: '127.0.0.2',
			port: 9998,
			rtcpPort: 9999,
			srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: 'ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv' },
		},
		{},
		{ ip: '::::1234' },
		// rtcpMux is off: rtcpPort is required.
		{ ip: '127.0.0.1', port: 1234, __rtcpPort: 1235 },
		{ ip: '127.0.0.1', __port: 'chicken', rtcpPort: 1235 },
		{ ip: '127.0.0.1', port: 70000, rtcpPort: 1235 },
	];

	for (const params of wrong) {
		const sent = await countRequests(() => assert.rejects(transport.connect(params as any), TypeError));

		assert.equal(sent, 0);
	}

	const muxed = await router.createPlainTransport({ listenIp: '127.0.0.1' });

	await assert.rejects(muxed.connect({ ip: '127.0.0.1', port: 1234, rtcpPort: 1235 }), TypeError);
	transport.close();
	muxed.close();
});

test('comedia: the first RTP packet sets the tuple and emits "tuple"; bytes are counted', async () => {
	const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true });
	const tupleEvent = enhancedOnce(transport, 'tuple');
	const sender = dgram.createSocket('udp4');

	await new Promise<void>((resolve) => sender.bind(0, '127.0.0.1', resolve));

	// RTP version 2 header (RFC 3550 section 5.1) and a payload.
	const rtp = Buffer.alloc(20);

	rtp[0] = 0x80;
	rtp[1] = 111;
	await new Promise<void>((resolve) => sender.send(rtp, transport.tuple.localPort, '127.0.0.1', () => resolve()));

	const [tuple] = (await tupleEvent) as [typeof transport.tuple];

	assert.equal(tuple.remoteIp, '127.0.0.1');
	assert.equal(tuple.remotePort, sender.address().port);
	assert.deepEqual(transport.tuple, tuple);
	assert.ok(await waitFor(async () => (await transport.getStats())[0]!.bytesReceived === 20));
	sender.close();
	transport.close();
});

test('a closed PlainTransport rejects its methods; router.close() gives "routerclose"', async () => {
	const transport = await router.createPlainTransport({ listenIp: '127.0.0.1' });
	let closes = 0;

	transport.observer.on('close', () => ++closes);
	transport.close();
	assert.equal(closes, 1);
	await assert.rejects(transport.dump(), Error);
	await assert.rejects(transport.getStats(), Error);
	await assert.rejects(transport.connect({}), Error);

	const router2 = await worker.createRouter({ mediaCodecs });
	const t2 = await router2.createPlainTransport({ listenIp: '127.0.0.1', enableSctp: true });
	let routerCloses = 0;

	t2.on('routerclose', () => ++routerCloses);
	router2.close();
	assert.equal(routerCloses, 1);
	assert.equal(t2.closed, true);
	assert.equal(t2.sctpState, 'closed');

	// Its socket is gone in the worker: datagrams are not counted anywhere, and the port binds again.
	await sendUdp(t2.tuple.localPort, Buffer.alloc(10));

	const again = await router.createPlainTransport({
		listenInfo: { protocol: 'udp', ip: '127.0.0.1', port: t2.tuple.localPort },
	});

	assert.equal(again.tuple.localPort, t2.tuple.localPort);
	again.close();
});
