import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../../src';
import { enhancedOnce } from '../../../src/extras';
import type { Worker } from '../../../src/api/Worker';
import type { Router } from '../../../src/api/Router';
import type { WebRtcTransport } from '../../../src/api/WebRtcTransport';
import {
	audioProducerParameters,
	closeWorker,
	countRequests,
	deviceCapabilities,
	mediaCodecs,
	sendUdp,
	tcpConnects,
	waitFor,
} from './helpers';

let worker: Worker;
let router: Router;

before(async () => {
	worker = await mediasoup.createWorker();
	router = await worker.createRouter({ mediaCodecs });
});

after(async () => {
	await closeWorker(worker);
});

const remoteDtls = {
	fingerprints: [
		{
			algorithm: 'sha-256' as const,
			value: '82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD',
		},
	],
	role: 'client' as const,
};

async function udpTransport(): Promise<WebRtcTransport> {
	return router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
}

test('createWebRtcTransport() with listenInfos: candidates, ICE, DTLS and SCTP data as mediasoup', async () => {
	const newTransports: unknown[] = [];

	router.observer.once('newtransport', (t) => newTransports.push(t));

	const transport = await router.createWebRtcTransport({
		listenInfos: [
			// exposeInternalIp adds the internal address right below the announced one.
			{ protocol: 'udp', ip: '127.0.0.1', announcedAddress: '9.9.9.1', exposeInternalIp: true },
			{ protocol: 'tcp', ip: '127.0.0.1', announcedAddress: '9.9.9.1' },
			{ protocol: 'udp', ip: '0.0.0.0', announcedAddress: 'foo1.bar.org' },
			{ protocol: 'tcp', ip: '0.0.0.0', announcedAddress: 'foo2.bar.org' },
			{ protocol: 'udp', ip: '127.0.0.1' },
			{ protocol: 'tcp', ip: '127.0.0.1' },
		],
		enableSctp: true,
		numSctpStreams: { OS: 2048, MIS: 2048 },
		maxSctpMessageSize: 1000000,
		appData: { foo: 'bar' },
	});

	assert.deepEqual(newTransports, [transport]);
	assert.deepEqual((await router.dump()).transportIds, [transport.id]);
	assert.equal(typeof transport.id, 'string');
	assert.equal(transport.closed, false);
	assert.equal(transport.type, 'webrtc');
	assert.deepEqual(transport.appData, { foo: 'bar' });
	assert.equal(transport.iceRole, 'controlled');
	assert.equal(transport.iceParameters.iceLite, true);
	assert.equal(typeof transport.iceParameters.usernameFragment, 'string');
	assert.equal(typeof transport.iceParameters.password, 'string');
	assert.ok(transport.iceParameters.usernameFragment.length >= 4);
	assert.ok(transport.iceParameters.password.length >= 22);
	assert.deepEqual(
		{ port: 5000, OS: 2048, MIS: 2048, maxMessageSize: 1000000 },
		(({ port, OS, MIS, maxMessageSize }) => ({ port, OS, MIS, maxMessageSize }))(transport.sctpParameters!),
	);

	const c = transport.iceCandidates;

	assert.equal(c.length, 7);
	assert.deepEqual(
		c.map(({ ip, address, protocol, type, tcpType }) => [ip, address, protocol, type, tcpType]),
		[
			['9.9.9.1', '9.9.9.1', 'udp', 'host', undefined],
			['127.0.0.1', '127.0.0.1', 'udp', 'host', undefined],
			['9.9.9.1', '9.9.9.1', 'tcp', 'host', 'passive'],
			['foo1.bar.org', 'foo1.bar.org', 'udp', 'host', undefined],
			['foo2.bar.org', 'foo2.bar.org', 'tcp', 'host', 'passive'],
			['127.0.0.1', '127.0.0.1', 'udp', 'host', undefined],
			['127.0.0.1', '127.0.0.1', 'tcp', 'host', 'passive'],
		],
	);
	// The announced and the exposed internal candidate share the socket.
	assert.equal(c[0]!.port, c[1]!.port);
	for (const candidate of c) {
		assert.equal(candidate.foundation, `${candidate.protocol}candidate`);
	}
	// RFC 8445 section 5.1.2.1 with type preference 64 (host), component 1 and
	// local preference 10000 minus 100 per listen info (the first one preferred).
	assert.equal(c[0]!.priority, 64 * 2 ** 24 + 10000 * 2 ** 8 + 255);
	assert.equal(c[1]!.priority, c[0]!.priority - 1000);
	assert.equal(c[2]!.priority, 64 * 2 ** 24 + 9900 * 2 ** 8 + 255);
	assert.equal(c[6]!.priority, 64 * 2 ** 24 + 9500 * 2 ** 8 + 255);
	for (let i = 1; i < c.length; ++i) {
		assert.ok(c[i - 1]!.priority > c[i]!.priority, `priority ${i - 1} > ${i}`);
	}

	assert.equal(transport.iceState, 'new');
	assert.equal(transport.iceSelectedTuple, undefined);
	assert.equal(transport.dtlsParameters.role, 'auto');
	assert.deepEqual(
		transport.dtlsParameters.fingerprints.map((f) => f.algorithm),
		['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'],
	);
	for (const { algorithm, value } of transport.dtlsParameters.fingerprints) {
		const bytes = { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 }[algorithm];

		assert.match(value, new RegExp(`^[0-9A-F]{2}(:[0-9A-F]{2}){${bytes - 1}}$`));
	}
	assert.equal(transport.dtlsState, 'new');
	assert.equal(transport.dtlsRemoteCert, undefined);
	assert.equal(transport.sctpState, 'new');

	const dump = await transport.dump();

	assert.equal(dump.id, transport.id);
	assert.deepEqual(dump.producerIds, []);
	assert.deepEqual(dump.consumerIds, []);
	assert.equal(dump.iceRole, transport.iceRole);
	assert.deepEqual(dump.iceParameters, transport.iceParameters);
	assert.deepEqual(dump.iceCandidates, transport.iceCandidates);
	assert.equal(dump.iceState, transport.iceState);
	assert.equal(dump.iceSelectedTuple, transport.iceSelectedTuple);
	assert.deepEqual(dump.dtlsParameters, transport.dtlsParameters);
	assert.equal(dump.dtlsState, transport.dtlsState);
	assert.deepEqual(dump.sctpParameters, transport.sctpParameters);
	assert.equal(dump.sctpState, transport.sctpState);
	assert.deepEqual(dump.sctpListener, { streamIdTable: [] });
	assert.ok(dump.recvRtpHeaderExtensions);
	assert.equal(typeof dump.rtpListener, 'object');

	transport.close();
	assert.equal(transport.closed, true);
	assert.deepEqual((await router.dump()).transportIds, []);
});

test('createWebRtcTransport() with deprecated listenIps orders protocols as mediasoup', async () => {
	const t1 = await router.createWebRtcTransport({
		listenIps: [{ ip: '127.0.0.1', announcedIp: undefined }],
		enableUdp: true,
		enableTcp: true,
		preferUdp: false,
		initialAvailableOutgoingBitrate: 1000000,
	});

	assert.deepEqual(
		t1.iceCandidates.map((c) => [c.ip, c.protocol, c.tcpType]),
		[
			['127.0.0.1', 'udp', undefined],
			['127.0.0.1', 'tcp', 'passive'],
		],
	);
	assert.ok(t1.iceCandidates[0]!.priority > t1.iceCandidates[1]!.priority);

	const t2 = await router.createWebRtcTransport({
		listenIps: ['127.0.0.1', { ip: '127.0.0.1', announcedIp: '1.2.3.4' }],
		enableTcp: true,
		preferTcp: true,
	});

	assert.deepEqual(
		t2.iceCandidates.map((c) => [c.ip, c.protocol]),
		[
			['127.0.0.1', 'tcp'],
			['127.0.0.1', 'udp'],
			['1.2.3.4', 'tcp'],
			['1.2.3.4', 'udp'],
		],
	);

	// Without a WebRtcServer TCP is off unless asked for.
	const t3 = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'] });

	assert.deepEqual(
		t3.iceCandidates.map((c) => c.protocol),
		['udp'],
	);

	t1.close();
	t2.close();
	t3.close();
});

test('createWebRtcTransport() with a fixed port and a port range', async () => {
	const t1 = await router.createWebRtcTransport({
		listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 41000, max: 41001 } }],
	});
	const t2 = await router.createWebRtcTransport({
		listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 41000, max: 41001 } }],
	});

	assert.deepEqual(
		[t1.iceCandidates[0]!.port, t2.iceCandidates[0]!.port].sort(),
		[41000, 41001],
	);

	// No more ports in that range.
	await assert.rejects(
		router.createWebRtcTransport({
			listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 41000, max: 41001 } }],
		}),
		(error: Error) => error.constructor === Error && /no more available ports/.test(error.message),
	);

	// A fixed port already in use fails too.
	await assert.rejects(
		router.createWebRtcTransport({
			listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: t1.iceCandidates[0]!.port }],
		}),
		Error,
	);

	const port = t1.iceCandidates[0]!.port;

	t1.close();

	// Closed: its port is free again. The worker processes the close first.
	const t3 = await router.createWebRtcTransport({
		listenInfos: [{ protocol: 'tcp', ip: '127.0.0.1', port, flags: { udpReusePort: true } }],
	});

	assert.equal(t3.iceCandidates[0]!.port, port);
	t2.close();
	t3.close();
});

test('createWebRtcTransport() with wrong arguments rejects with TypeError before sending anything', async () => {
	const server = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const wrong: unknown[] = [
		undefined,
		{},
		{ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 4000, max: 3000 } }] },
		{ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: 70000 }] },
		{ listenInfos: [{ protocol: 'sctp', ip: '127.0.0.1' }] },
		{ listenInfos: [{ protocol: 'udp', ip: 'localhost' }] },
		{ listenInfos: [{ protocol: 'udp', ip: '1.2.3' }] },
		{ listenInfos: ['NOT-AN-OBJECT'] },
		{ listenInfos: [] },
		{ listenIps: [123] },
		{ listenInfos: '127.0.0.1' },
		{ listenIps: '127.0.0.1' },
		{ listenIps: ['127.0.0.1'], appData: 'NOT-AN-OBJECT' },
		{ listenIps: ['127.0.0.1'], enableSctp: true, numSctpStreams: 'foo' },
		{ listenIps: ['127.0.0.1'], numSctpStreams: { OS: 0, MIS: 10 } },
		{ listenIps: ['127.0.0.1'], enableUdp: false, enableTcp: false },
		{ listenIps: ['127.0.0.1'], enableUdp: 'yes' },
		{ listenIps: ['127.0.0.1'], maxSctpMessageSize: -1 },
		{ listenIps: ['127.0.0.1'], port: 'chicken' },
		{ listenIps: ['127.0.0.1'], listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] },
		{ webRtcServer: server, listenIps: ['127.0.0.1'] },
		{ webRtcServer: {} },
	];

	for (const options of wrong) {
		const sent = await countRequests(() =>
			assert.rejects(router.createWebRtcTransport(options as any), TypeError, JSON.stringify(options) ?? 'undefined'),
		);

		assert.equal(sent, 0, `nothing sent for ${JSON.stringify(options)}`);
	}

	server.close();
});

test('createWebRtcTransport() with a non bindable IP rejects with Error', async () => {
	await assert.rejects(
		router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '8.8.8.8' }] }),
		(error: Error) => error.constructor === Error,
	);
	assert.deepEqual((await router.dump()).transportIds, []);
});

test('sockets are really bound: UDP datagrams count in bytesReceived, TCP accepts connections', async () => {
	const transport = await router.createWebRtcTransport({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1' },
			{ protocol: 'tcp', ip: '127.0.0.1' },
		],
	});
	const udpPort = transport.iceCandidates.find((c) => c.protocol === 'udp')!.port;
	const tcpPort = transport.iceCandidates.find((c) => c.protocol === 'tcp')!.port;

	let [stats] = await transport.getStats();

	assert.equal(stats!.bytesReceived, 0);

	await sendUdp(udpPort, Buffer.alloc(100, 1));
	await sendUdp(udpPort, Buffer.alloc(50, 2));

	assert.ok(
		await waitFor(async () => (await transport.getStats())[0]!.bytesReceived === 150),
		'bytesReceived reaches 150',
	);
	[stats] = await transport.getStats();
	assert.ok(stats!.recvBitrate > 0);

	assert.equal(await tcpConnects(tcpPort), true);

	transport.close();

	// Closed: nobody listens there anymore.
	assert.ok(await waitFor(async () => !(await tcpConnects(tcpPort))));
});

test('webRtcTransport.getStats() has mediasoup fields', async () => {
	const transport = await udpTransport();
	const stats = await transport.getStats();

	assert.equal(stats.length, 1);

	const [s] = stats;

	assert.equal(s!.type, 'webrtc-transport');
	assert.equal(s!.transportId, transport.id);
	assert.equal(typeof s!.timestamp, 'number');
	assert.equal(s!.iceRole, 'controlled');
	assert.equal(s!.iceState, 'new');
	assert.equal(s!.dtlsState, 'new');
	assert.equal(s!.sctpState, undefined);
	for (const field of [
		'bytesReceived',
		'recvBitrate',
		'bytesSent',
		'sendBitrate',
		'rtpBytesReceived',
		'rtpRecvBitrate',
		'rtpBytesSent',
		'rtpSendBitrate',
		'rtxBytesReceived',
		'rtxRecvBitrate',
		'rtxBytesSent',
		'rtxSendBitrate',
		'probationBytesSent',
		'probationSendBitrate',
	] as const) {
		assert.equal(s![field], 0, field);
	}
	assert.equal(s!.iceSelectedTuple, undefined);
	assert.equal(s!.maxIncomingBitrate, undefined);
	transport.close();
});

test('webRtcTransport.connect() picks the DTLS role and can be called once', async () => {
	const transport = await udpTransport();

	assert.equal(await transport.connect({ dtlsParameters: remoteDtls }), undefined);
	// RFC 5763: the remote is client, we are server.
	assert.equal(transport.dtlsParameters.role, 'server');
	await assert.rejects(transport.connect({ dtlsParameters: remoteDtls }), /already called/);

	const t2 = await udpTransport();

	await t2.connect({ dtlsParameters: { ...remoteDtls, role: 'server' } });
	assert.equal(t2.dtlsParameters.role, 'client');

	const t3 = await udpTransport();

	await t3.connect({ dtlsParameters: { fingerprints: remoteDtls.fingerprints } });
	assert.equal(t3.dtlsParameters.role, 'client');

	transport.close();
	t2.close();
	t3.close();
});

test('webRtcTransport.connect() with wrong arguments rejects with TypeError before sending anything', async () => {
	const transport = await udpTransport();
	const wrong: unknown[] = [
		{},
		{ dtlsParameters: 'foo' },
		{ dtlsParameters: { fingerprints: [{ algorithm: 'sha-256000', value: 'AA' }], role: 'client' } },
		{ dtlsParameters: { fingerprints: remoteDtls.fingerprints, role: 'chicken' } },
		{ dtlsParameters: { fingerprints: [], role: 'client' } },
		{ dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 123 }] } },
	];

	for (const params of wrong) {
		const sent = await countRequests(() => assert.rejects(transport.connect(params as any), TypeError));

		assert.equal(sent, 0);
	}
	assert.equal(transport.dtlsParameters.role, 'auto');
	transport.close();
});

test('bitrate limits: set, validated, min/max consistent', async () => {
	const transport = await udpTransport();

	await transport.setMaxIncomingBitrate(1000000);
	assert.equal((await transport.getStats())[0]!.maxIncomingBitrate, 1000000);
	await transport.setMaxIncomingBitrate(0);
	assert.equal((await transport.getStats())[0]!.maxIncomingBitrate, undefined);

	await transport.setMinOutgoingBitrate(3000000);
	await assert.rejects(transport.setMaxOutgoingBitrate(2000000), Error);
	await transport.setMinOutgoingBitrate(0);
	await transport.setMaxOutgoingBitrate(2000000);
	await assert.rejects(transport.setMinOutgoingBitrate(3000000), Error);
	await transport.setMaxOutgoingBitrate(0);

	await assert.rejects(transport.setMaxIncomingBitrate(-1), TypeError);
	await assert.rejects(transport.setMaxOutgoingBitrate('foo' as any), TypeError);
	transport.close();
});

test('webRtcTransport.restartIce() gives new ICE credentials', async () => {
	const transport = await udpTransport();
	const { usernameFragment, password } = transport.iceParameters;
	const iceParameters = await transport.restartIce();

	assert.equal(iceParameters.iceLite, true);
	assert.notEqual(iceParameters.usernameFragment, usernameFragment);
	assert.notEqual(iceParameters.password, password);
	assert.deepEqual(transport.iceParameters, iceParameters);
	assert.deepEqual((await transport.dump()).iceParameters, iceParameters);
	transport.close();
});

test('transport.enableTraceEvent() keeps the known types only', async () => {
	const transport = await udpTransport();

	await transport.enableTraceEvent(['foo', 'probation'] as any);
	assert.deepEqual((await transport.dump()).traceEventTypes, ['probation']);
	await transport.enableTraceEvent(['probation', 'FOO', 'bwe', 'BAR'] as any);
	assert.deepEqual((await transport.dump()).traceEventTypes, ['probation', 'bwe']);
	await transport.enableTraceEvent();
	assert.deepEqual((await transport.dump()).traceEventTypes, []);

	await assert.rejects(transport.enableTraceEvent(123 as any), TypeError);
	await assert.rejects(transport.enableTraceEvent('probation' as any), TypeError);
	await assert.rejects(transport.enableTraceEvent(['probation', 123.123] as any), TypeError);
	transport.close();
});

test('worker notifications update the state and emit events (and observer events)', async () => {
	const transport = await udpTransport();
	const channel = transport.channelForTesting;
	const seen: unknown[] = [];

	transport.on('icestatechange', (s) => seen.push(['icestatechange', s]));
	transport.observer.on('icestatechange', (s) => seen.push(['observer:icestatechange', s]));
	transport.on('iceselectedtuplechange', (t) => seen.push(['iceselectedtuplechange', t]));
	transport.on('dtlsstatechange', (s) => seen.push(['dtlsstatechange', s]));
	transport.on('sctpstatechange', (s) => seen.push(['sctpstatechange', s]));
	transport.on('trace', (t) => seen.push(['trace', t.type]));
	transport.observer.on('trace', (t) => seen.push(['observer:trace', t.type]));

	const tuple = {
		localIp: '1.1.1.1',
		localAddress: '1.1.1.1',
		localPort: 1111,
		remoteIp: '2.2.2.2',
		remotePort: 2222,
		protocol: 'udp' as const,
	};

	channel.emit(transport.id, 'icestatechange', { iceState: 'completed' });
	channel.emit(transport.id, 'iceselectedtuplechange', { tuple });
	channel.emit(transport.id, 'dtlsstatechange', { dtlsState: 'connected', remoteCert: 'CERT' });
	channel.emit(transport.id, 'sctpstatechange', { sctpState: 'connecting' });
	channel.emit(transport.id, 'trace', { type: 'bwe', timestamp: 1, direction: 'out', info: {} });

	assert.deepEqual(seen, [
		['icestatechange', 'completed'],
		['observer:icestatechange', 'completed'],
		['iceselectedtuplechange', tuple],
		['dtlsstatechange', 'connected'],
		['sctpstatechange', 'connecting'],
		['trace', 'bwe'],
		['observer:trace', 'bwe'],
	]);
	assert.equal(transport.iceState, 'completed');
	assert.deepEqual(transport.iceSelectedTuple, tuple);
	assert.equal(transport.dtlsState, 'connected');
	assert.equal(transport.dtlsRemoteCert, 'CERT');
	transport.close();
});

test('methods of a closed WebRtcTransport reject', async () => {
	const transport = await udpTransport();
	let closes = 0;

	transport.observer.on('close', () => ++closes);
	transport.close();
	transport.close();

	assert.equal(closes, 1);
	assert.equal(transport.closed, true);
	assert.equal(transport.iceState, 'closed');
	assert.equal(transport.iceSelectedTuple, undefined);
	assert.equal(transport.dtlsState, 'closed');
	assert.equal(transport.sctpState, undefined);

	await assert.rejects(transport.dump(), Error);
	await assert.rejects(transport.getStats(), Error);
	await assert.rejects(transport.connect({} as any), Error);
	await assert.rejects(transport.setMaxIncomingBitrate(200000), Error);
	await assert.rejects(transport.setMaxOutgoingBitrate(200000), Error);
	await assert.rejects(transport.setMinOutgoingBitrate(100000), Error);
	await assert.rejects(transport.restartIce(), Error);
});

test('produce() and consume() on a WebRtcTransport: ids, MIDs, RTP listener, SCTP stream ids', async () => {
	const t1 = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableSctp: true });
	const t2 = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableSctp: true });
	const newProducers: unknown[] = [];

	t1.observer.on('newproducer', (p) => newProducers.push(p));

	const producer = await t1.produce({ kind: 'audio', rtpParameters: audioProducerParameters() });

	assert.deepEqual(newProducers, [producer]);
	assert.deepEqual((await t1.dump()).producerIds, [producer.id]);
	assert.deepEqual((await t1.dump()).rtpListener.midTable, [{ key: 'AUDIO', value: producer.id }]);

	// Same MID or same SSRC again in this transport: the RTP listener refuses it.
	await assert.rejects(t1.produce({ kind: 'audio', rtpParameters: audioProducerParameters('AUDIO', 5) }), Error);
	await assert.rejects(t1.produce({ kind: 'audio', rtpParameters: audioProducerParameters('OTHER', 11111111) }), Error);
	// Same id: TypeError before sending.
	await assert.rejects(t1.produce({ id: producer.id, kind: 'audio', rtpParameters: audioProducerParameters('X', 7) }), TypeError);
	await assert.rejects(t1.produce({ kind: 'foo' as any, rtpParameters: audioProducerParameters('X', 7) }), TypeError);

	const c1 = await t2.consume({ producerId: producer.id, rtpCapabilities: deviceCapabilities });
	const c2 = await t2.consume({ producerId: producer.id, rtpCapabilities: deviceCapabilities });

	assert.equal(c1.rtpParameters.mid, '0');
	assert.equal(c2.rtpParameters.mid, '1');
	assert.deepEqual((await t2.dump()).consumerIds.sort(), [c1.id, c2.id].sort());
	await assert.rejects(t2.consume({ producerId: 'nope', rtpCapabilities: deviceCapabilities }), Error);
	await assert.rejects(t2.consume({ producerId: 123 as any, rtpCapabilities: deviceCapabilities }), TypeError);

	const dataProducer = await t1.produceData({ sctpStreamParameters: { streamId: 3, ordered: true }, label: 'foo' });

	await assert.rejects(t1.produceData({ sctpStreamParameters: { streamId: 3 } }), Error);

	const dc1 = await t2.consumeData({ dataProducerId: dataProducer.id });
	const dc2 = await t2.consumeData({ dataProducerId: dataProducer.id });

	assert.equal(dc1.sctpStreamParameters!.streamId, 0);
	assert.equal(dc2.sctpStreamParameters!.streamId, 1);
	assert.equal(dc1.label, 'foo');

	// A transport without SCTP cannot consume data over SCTP.
	const t3 = await udpTransport();

	await assert.rejects(t3.consumeData({ dataProducerId: dataProducer.id }), TypeError);

	// Closing the producing transport closes its producers, and so the consumers.
	const producerClosed = enhancedOnce(c1, 'producerclose');

	t1.close();
	assert.equal(producer.closed, true);
	assert.equal(dataProducer.closed, true);
	await producerClosed;
	assert.equal(c1.closed, true);
	assert.deepEqual((await t2.dump()).consumerIds, []);

	t2.close();
	t3.close();
});

test('router.close() closes its transports once with "routerclose"', async () => {
	const router2 = await worker.createRouter({ mediaCodecs });
	const transport = await router2.createWebRtcTransport({ listenIps: ['127.0.0.1'], enableSctp: true });
	const port = transport.iceCandidates[0]!.port;
	let routerCloses = 0;
	let observerCloses = 0;

	transport.on('routerclose', () => ++routerCloses);
	transport.observer.on('close', () => ++observerCloses);
	router2.close();

	assert.equal(routerCloses, 1);
	assert.equal(observerCloses, 1);
	assert.equal(transport.closed, true);
	assert.equal(transport.iceState, 'closed');
	assert.equal(transport.dtlsState, 'closed');
	assert.equal(transport.sctpState, 'closed');

	// The worker closed its socket too: the port can be bound again.
	const again = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port }] });

	assert.equal(again.iceCandidates[0]!.port, port);
	again.close();
});

test('worker.close() closes transports with "routerclose"', async () => {
	const worker2 = await mediasoup.createWorker();
	const router2 = await worker2.createRouter({ mediaCodecs });
	const transport = await router2.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
	const routerClose = enhancedOnce(transport, 'routerclose');

	worker2.close();
	await routerClose;
	assert.equal(transport.closed, true);
	assert.equal(transport.iceState, 'closed');
	await closeWorker(worker2);
});
