import { after, afterEach, beforeEach, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../../src';
import { enhancedOnce } from '../../../src/extras';
import { InvalidStateError } from '../../../src/api/errors';
import { randomBytes } from 'node:crypto';
import { buildStunMessage, StunClass, StunMethod } from '../../../src/proto/stun';
import type { Worker } from '../../../src/api/Worker';
import {
	closeWorker,
	countRequests,
	freePort,
	freeUdpTcpPort,
	mediaCodecs,
	sendUdp,
	tcpConnects,
	waitFor,
} from './helpers';

let worker: Worker;
const extraWorkers: Worker[] = [];

beforeEach(async () => {
	worker = await mediasoup.createWorker();
});

afterEach(async () => {
	await closeWorker(worker);
});

after(async () => {
	await Promise.all(extraWorkers.map((w) => closeWorker(w)));
});

test('worker.createWebRtcServer() binds its sockets and dumps them', async () => {
	const newServers: unknown[] = [];

	worker.observer.once('newwebrtcserver', (s) => newServers.push(s));

	const udpPort = await freePort('udp');
	const tcpPort = await freePort('tcp');
	const server = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port: udpPort },
			{ protocol: 'tcp', ip: '127.0.0.1', announcedAddress: 'foo.bar.org', port: tcpPort },
		],
		appData: { foo: 123 },
	});

	assert.deepEqual(newServers, [server]);
	assert.equal(typeof server.id, 'string');
	assert.equal(server.closed, false);
	assert.deepEqual(server.appData, { foo: 123 });

	const workerDump = await worker.dump();

	assert.deepEqual(workerDump.webRtcServerIds, [server.id]);
	assert.deepEqual(workerDump.channelMessageHandlers.channelRequestHandlers, [server.id]);
	assert.deepEqual(await server.dump(), {
		id: server.id,
		udpSockets: [{ ip: '127.0.0.1', port: udpPort }],
		tcpServers: [{ ip: '127.0.0.1', port: tcpPort }],
		webRtcTransportIds: [],
		localIceUsernameFragments: [],
		tupleHashes: [],
	});
	assert.equal(await tcpConnects(tcpPort), true);
	assert.equal(worker.webRtcServersForTesting.size, 1);

	// Port ranges, and the worker's range when neither port nor range is given.
	const ranged = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', portRange: { min: 43000, max: 43100 } },
			{ protocol: 'tcp', ip: '127.0.0.1' },
		],
	});
	const rangedDump = await ranged.dump();

	assert.ok(rangedDump.udpSockets[0]!.port >= 43000 && rangedDump.udpSockets[0]!.port <= 43100);
	assert.ok(rangedDump.tcpServers[0]!.port >= 10000 && rangedDump.tcpServers[0]!.port <= 59999);

	worker.close();
	assert.equal(server.closed, true);
	assert.equal(worker.webRtcServersForTesting.size, 0);
});

test('worker.createWebRtcServer() with wrong arguments rejects with TypeError before sending anything', async () => {
	for (const options of [
		{},
		{ listenInfos: 'NOT-AN-ARRAY' },
		{ listenInfos: ['NOT-AN-OBJECT'] },
		{ listenInfos: [] },
		{ listenInfos: [{ protocol: 'udp', ip: 'foo' }] },
		{ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }], appData: 'x' },
	]) {
		const sent = await countRequests(() => assert.rejects(worker.createWebRtcServer(options as any), TypeError));

		assert.equal(sent, 0);
	}
});

test('worker.createWebRtcServer() with unavailable listenInfos rejects with Error and leaves nothing bound', async () => {
	const port1 = await freePort('udp');
	const port2 = await freePort('udp');

	await assert.rejects(
		worker.createWebRtcServer({
			listenInfos: [
				{ protocol: 'udp', ip: '127.0.0.1', port: port1 },
				{ protocol: 'udp', ip: '1.2.3.4', port: port2 },
			],
		}),
		(e: Error) => e.constructor === Error,
	);
	await assert.rejects(
		worker.createWebRtcServer({
			listenInfos: [
				{ protocol: 'udp', ip: '127.0.0.1', port: port1 },
				{ protocol: 'udp', ip: '127.0.0.1', announcedAddress: '1.2.3.4', port: port1 },
			],
		}),
		Error,
	);

	// The failed attempts released port1.
	const server = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: port1 }] });
	const worker2 = await mediasoup.createWorker();

	extraWorkers.push(worker2);
	await assert.rejects(
		worker2.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port: port1 }] }),
		Error,
	);
	server.close();
	await assert.rejects(server.dump(), InvalidStateError);
});

test('webRtcServer.close() and "workerclose"', async () => {
	const server = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	let closes = 0;

	server.observer.on('close', () => ++closes);
	server.close();
	server.close();
	assert.equal(closes, 1);
	assert.equal(server.closed, true);
	assert.deepEqual((await worker.dump()).webRtcServerIds, []);

	const server2 = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'tcp', ip: '127.0.0.1' }] });
	const workerClose = enhancedOnce(server2, 'workerclose');

	worker.close();
	await workerClose;
	assert.equal(server2.closed, true);
});

test('createWebRtcTransport() with webRtcServer: candidates from the server; closing the transport unhandles it', async () => {
	const port1 = await freePort('udp');
	const port2 = await freePort('tcp');
	const server = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port: port1 },
			{ protocol: 'tcp', ip: '127.0.0.1', announcedAddress: 'media1.foo.org', exposeInternalIp: true, port: port2 },
		],
	});
	const handled: unknown[] = [];
	const unhandled: unknown[] = [];

	server.observer.on('webrtctransporthandled', (t) => handled.push(t));
	server.observer.on('webrtctransportunhandled', (t) => unhandled.push(t));

	const router = await worker.createRouter();
	const transport = await router.createWebRtcTransport({ webRtcServer: server, enableUdp: false, appData: { foo: 'bar' } });

	assert.deepEqual(handled, [transport]);
	assert.deepEqual((await router.dump()).transportIds, [transport.id]);
	assert.deepEqual(transport.appData, { foo: 'bar' });
	assert.deepEqual(
		transport.iceCandidates.map((c) => [c.address, c.ip, c.port, c.protocol, c.type, c.tcpType]),
		[
			['media1.foo.org', 'media1.foo.org', port2, 'tcp', 'host', 'passive'],
			['127.0.0.1', '127.0.0.1', port2, 'tcp', 'host', 'passive'],
		],
	);
	assert.ok(transport.iceCandidates[0]!.priority > transport.iceCandidates[1]!.priority);
	assert.equal(transport.iceState, 'new');
	assert.equal(server.webRtcTransportsForTesting.size, 1);

	const dump = await server.dump();

	assert.deepEqual(dump.webRtcTransportIds, [transport.id]);
	assert.deepEqual(dump.localIceUsernameFragments, [
		{ localIceUsernameFragment: transport.iceParameters.usernameFragment, webRtcTransportId: transport.id },
	]);
	assert.deepEqual(dump.tupleHashes, []);

	// preferTcp/preferUdp boost the local preference of that protocol.
	const both = await router.createWebRtcTransport({ webRtcServer: server, preferTcp: true });

	assert.deepEqual(
		both.iceCandidates.map((c) => c.protocol),
		['udp', 'tcp', 'tcp'],
	);
	assert.ok(both.iceCandidates[1]!.priority > both.iceCandidates[0]!.priority);
	both.close();

	transport.close();
	assert.deepEqual(unhandled, [both, transport]);
	assert.equal(server.webRtcTransportsForTesting.size, 0);
	assert.equal(router.transportsForTesting.size, 0);
	assert.deepEqual((await server.dump()).webRtcTransportIds, []);
	assert.deepEqual((await server.dump()).localIceUsernameFragments, []);
});

test('STUN to the server reaches the transport of its username fragment; restartIce adds a fragment', async () => {
	const port = await freeUdpTcpPort();
	const server = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port },
			{ protocol: 'tcp', ip: '127.0.0.1', port },
		],
	});
	const router = await worker.createRouter();
	const transport = await router.createWebRtcTransport({ webRtcServer: server });
	const other = await router.createWebRtcTransport({ webRtcServer: server });

	// RFC 8445 section 7.2.2: USERNAME is "<receiver's ufrag>:<sender's ufrag>".
	const request = buildStunMessage(
		{
			method: StunMethod.Binding,
			messageClass: StunClass.Request,
			transactionId: randomBytes(12),
			username: `${transport.iceParameters.usernameFragment}:abcd`,
		},
		{ fingerprint: true },
	);

	await sendUdp(port, request);
	assert.ok(await waitFor(async () => (await transport.getStats())[0]!.bytesReceived === request.length));
	assert.equal((await other.getStats())[0]!.bytesReceived, 0);

	// Not STUN and from an unknown tuple: dropped.
	await sendUdp(port, Buffer.alloc(30, 0x80));
	await new Promise((resolve) => setTimeout(resolve, 50));
	assert.equal((await transport.getStats())[0]!.bytesReceived, request.length);

	await transport.restartIce();

	const fragments = (await server.dump()).localIceUsernameFragments.filter((f) => f.webRtcTransportId === transport.id);

	assert.equal(fragments.length, 2);
});

test('webRtcServer.close() closes its transports with "listenserverclose"', async () => {
	const port = await freeUdpTcpPort();
	const server = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port },
			{ protocol: 'tcp', ip: '127.0.0.1', port },
		],
	});
	const router = await worker.createRouter();
	const transport = await router.createWebRtcTransport({ webRtcServer: server, appData: { foo: 'bar' } });
	const unhandled: unknown[] = [];
	let listenServerCloses = 0;
	let observerCloses = 0;

	server.observer.on('webrtctransportunhandled', (t) => unhandled.push(t));
	transport.on('listenserverclose', () => ++listenServerCloses);
	transport.observer.on('close', () => ++observerCloses);

	server.close();

	assert.equal(server.closed, true);
	assert.equal(listenServerCloses, 1);
	assert.equal(observerCloses, 1);
	assert.deepEqual(unhandled, [transport]);
	assert.equal(transport.closed, true);
	assert.equal(transport.iceState, 'closed');
	assert.equal(transport.dtlsState, 'closed');
	assert.equal(server.webRtcTransportsForTesting.size, 0);
	assert.equal(router.transportsForTesting.size, 0);

	// The worker closed them too.
	const workerDump = await worker.dump();

	assert.deepEqual(workerDump.webRtcServerIds, []);
	assert.deepEqual(workerDump.channelMessageHandlers.channelRequestHandlers, [router.id]);
	assert.deepEqual((await router.dump()).transportIds, []);
	assert.ok(await waitFor(async () => !(await tcpConnects(port))));

	// A closed server cannot be used.
	await assert.rejects(router.createWebRtcTransport({ webRtcServer: server }), InvalidStateError);
});

test('the worker tells the application when a server it closes had transports ("listenserverclose" notification)', async () => {
	const server = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const router = await worker.createRouter();
	const transport = await router.createWebRtcTransport({ webRtcServer: server });
	const listenServerClose = enhancedOnce(transport, 'listenserverclose');

	// Close it in the worker only (as if the application object had not been told).
	await transport.channelForTesting.request('worker.closeWebRtcServer', '', { webRtcServerId: server.id });
	await listenServerClose;
	assert.equal(transport.closed, true);
	assert.equal(router.transportsForTesting.size, 0);
});
