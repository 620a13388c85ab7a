/**
 * ICE-lite through real worker sockets (UDP and RFC 4571 TCP), own sockets and WebRtcServer:
 * answers, error codes, events as mediasoup emits them, consent expiry, restartIce().
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import { StunClass, checkMessageIntegrity } from '../../src/proto/stun';
import { closeWorker, freeUdpTcpPort, waitFor } from '../api/transports/helpers';
import { TestPeer } from './peer';

let worker: Worker;
let router: Router;

before(async () => {
	worker = await mediasoup.createWorker();
	router = await worker.createRouter();
});

after(async () => {
	await closeWorker(worker);
});

function events(transport: WebRtcTransport): { ice: string[]; tuples: any[] } {
	const out = { ice: [] as string[], tuples: [] as any[] };

	transport.on('icestatechange', (state) => out.ice.push(state));
	transport.on('iceselectedtuplechange', (tuple) => out.tuples.push(tuple));

	return out;
}

async function iceStats(transport: WebRtcTransport): Promise<any> {
	return ((await transport.getStats())[0] as any).ice;
}

test('UDP: a Chromium-like check is answered (XOR-MAPPED-ADDRESS, integrity), selects the tuple, emits events', async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const seen = events(transport);
	const port = transport.iceCandidates[0]!.port;
	const peer = await TestPeer.udp(port);
	const { usernameFragment, password } = transport.iceParameters;
	const response = await peer.check({ localUfrag: usernameFragment, password, useCandidate: true });

	assert.ok(response);
	assert.equal(response.messageClass, StunClass.SuccessResponse);
	assert.deepEqual(response.xorMappedAddress, { family: 'IPv4', address: '127.0.0.1', port: peer.localPort });
	assert.ok(checkMessageIntegrity(response, password));
	assert.ok(await waitFor(() => seen.ice.length === 1));
	assert.deepEqual(seen.ice, ['completed']);
	assert.equal(transport.iceState, 'completed');
	assert.deepEqual(seen.tuples, [
		{
			localIp: '127.0.0.1',
			localAddress: '127.0.0.1',
			localPort: port,
			remoteIp: '127.0.0.1',
			remotePort: peer.localPort,
			protocol: 'udp',
		},
	]);
	assert.deepEqual(transport.iceSelectedTuple, seen.tuples[0]);

	const stats = (await transport.getStats())[0]!;

	assert.equal(stats.iceState, 'completed');
	assert.deepEqual(stats.iceSelectedTuple, seen.tuples[0]);
	assert.equal(stats.iceRole, 'controlled');
	assert.equal(stats.dtlsState, 'new');
	assert.ok(stats.bytesReceived > 0 && stats.bytesSent > 0);

	peer.close();
	transport.close();
});

test('wrong ICE password → 401, counted; missing integrity → 400; ICE-CONTROLLED → 487; no state change', async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const seen = events(transport);
	const peer = await TestPeer.udp(transport.iceCandidates[0]!.port);
	const { usernameFragment, password } = transport.iceParameters;

	const wrong = await peer.check({ localUfrag: usernameFragment, password: 'not-the-password-at-all-0000', useCandidate: true });

	assert.equal(wrong?.errorCode, 401);

	const noIntegrity = await peer.check({ localUfrag: usernameFragment, password, noIntegrity: true });

	assert.equal(noIntegrity?.errorCode, 400);

	const conflict = await peer.check({ localUfrag: usernameFragment, password, iceControlled: true });

	assert.equal(conflict?.errorCode, 487);
	assert.ok(checkMessageIntegrity(conflict!, password));

	// Media from a tuple that never passed a check is dropped (counted).
	peer.send(Buffer.alloc(40, 0x80));

	const ice = await iceStats(transport);

	assert.equal(ice.unauthorized, 1);
	assert.equal(ice.badRequests, 1);
	assert.equal(ice.roleConflicts, 1);
	assert.equal(ice.successResponses, 0);
	assert.ok(await waitFor(async () => ((await transport.getStats())[0] as any).refused.packetsFromUnknownTuples === 1));
	assert.deepEqual(seen.ice, []);
	assert.equal(transport.iceState, 'new');
	peer.close();
	transport.close();
});

test('TCP (RFC 6544 passive, RFC 4571 framing): check answered, tuple selected; closing the connection disconnects', async () => {
	const transport = await router.createWebRtcTransport({
		listenInfos: [{ protocol: 'tcp', ip: '127.0.0.1' }],
		enableUdp: false,
	});
	const seen = events(transport);
	const candidate = transport.iceCandidates[0]!;

	assert.equal(candidate.protocol, 'tcp');
	assert.equal(candidate.tcpType, 'passive');

	const peer = await TestPeer.tcp(candidate.port);
	const { usernameFragment, password } = transport.iceParameters;
	const response = await peer.check({ localUfrag: usernameFragment, password });

	assert.equal(response?.messageClass, StunClass.SuccessResponse);
	assert.deepEqual(response?.xorMappedAddress?.port, peer.localPort);
	assert.ok(await waitFor(() => seen.ice.length === 1));
	// Regular nomination: connected first, completed on USE-CANDIDATE.
	assert.deepEqual(seen.ice, ['connected']);
	assert.equal(seen.tuples[0].protocol, 'tcp');
	await peer.check({ localUfrag: usernameFragment, password, useCandidate: true });
	assert.ok(await waitFor(() => seen.ice.length === 2));
	assert.deepEqual(seen.ice, ['connected', 'completed']);

	peer.close();
	assert.ok(await waitFor(() => seen.ice.length === 3));
	assert.deepEqual(seen.ice, ['connected', 'completed', 'disconnected']);
	transport.close();
});

test('renomination over two UDP tuples: the higher NOMINATION moves the selected tuple', async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const seen = events(transport);
	const port = transport.iceCandidates[0]!.port;
	const a = await TestPeer.udp(port);
	const b = await TestPeer.udp(port);
	const { usernameFragment, password } = transport.iceParameters;

	await a.check({ localUfrag: usernameFragment, password, nomination: 1 });
	await b.check({ localUfrag: usernameFragment, password, nomination: 1 });
	await b.check({ localUfrag: usernameFragment, password, nomination: 2 });
	assert.ok(await waitFor(() => seen.tuples.length === 2));
	assert.deepEqual(
		seen.tuples.map((t) => t.remotePort),
		[a.localPort, b.localPort],
	);
	assert.equal(transport.iceSelectedTuple?.remotePort, b.localPort);
	a.close();
	b.close();
	transport.close();
});

test('consent freshness (iceConsentTimeout: 1 s): no valid check → disconnected; a new check reconnects', async () => {
	const transport = await router.createWebRtcTransport({
		listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
		iceConsentTimeout: 1,
	});
	const seen = events(transport);
	const peer = await TestPeer.udp(transport.iceCandidates[0]!.port);
	const { usernameFragment, password } = transport.iceParameters;

	await peer.check({ localUfrag: usernameFragment, password, useCandidate: true });

	// Refreshed every 300 ms for 1.5 s: stays completed.
	for (let i = 0; i < 5; ++i) {
		await new Promise((resolve) => setTimeout(resolve, 300));
		await peer.check({ localUfrag: usernameFragment, password });
	}
	assert.deepEqual(seen.ice, ['completed']);

	const started = Date.now();

	assert.ok(await waitFor(() => seen.ice.length === 2, 3000));
	assert.deepEqual(seen.ice, ['completed', 'disconnected']);
	assert.ok(Date.now() - started >= 500);

	await peer.check({ localUfrag: usernameFragment, password, useCandidate: true });
	assert.ok(await waitFor(() => seen.ice.length === 3));
	assert.deepEqual(seen.ice, ['completed', 'disconnected', 'completed']);
	peer.close();
	transport.close();
});

test('restartIce(): old credentials answered until the peer uses the new ones; tuple kept', async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const seen = events(transport);
	const peer = await TestPeer.udp(transport.iceCandidates[0]!.port);
	const old = transport.iceParameters;

	await peer.check({ localUfrag: old.usernameFragment, password: old.password, useCandidate: true });

	const fresh = await transport.restartIce();

	assert.notEqual(fresh.usernameFragment, old.usernameFragment);
	assert.deepEqual(transport.iceParameters, fresh);
	assert.equal(
		(await peer.check({ localUfrag: old.usernameFragment, password: old.password }))?.messageClass,
		StunClass.SuccessResponse,
	);
	assert.equal(
		(await peer.check({ localUfrag: fresh.usernameFragment, password: fresh.password, useCandidate: true }))
			?.messageClass,
		StunClass.SuccessResponse,
	);
	assert.equal((await peer.check({ localUfrag: old.usernameFragment, password: old.password }))?.errorCode, 401);
	assert.deepEqual(seen.ice, ['completed']);
	assert.equal(seen.tuples.length, 1);
	peer.close();
	transport.close();
});

test('WebRtcServer: one UDP and one TCP port for two transports, demuxed by ufrag then by tuple', async () => {
	const port = await freeUdpTcpPort();
	const server = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port },
			{ protocol: 'tcp', ip: '127.0.0.1', port },
		],
	});
	const t1 = await router.createWebRtcTransport({ webRtcServer: server });
	const t2 = await router.createWebRtcTransport({ webRtcServer: server });
	const e1 = events(t1);
	const e2 = events(t2);
	const p1 = await TestPeer.udp(port);
	const p2 = await TestPeer.tcp(port);

	const r1 = await p1.check({ ...creds(t1), useCandidate: true });
	const r2 = await p2.check({ ...creds(t2), useCandidate: true });

	assert.ok(checkMessageIntegrity(r1!, t1.iceParameters.password));
	assert.ok(checkMessageIntegrity(r2!, t2.iceParameters.password));
	assert.ok(await waitFor(() => e1.ice.length === 1 && e2.ice.length === 1));
	assert.equal(e1.tuples[0].protocol, 'udp');
	assert.equal(e1.tuples[0].localPort, port);
	assert.equal(e2.tuples[0].protocol, 'tcp');

	const dump = await server.dump();

	assert.equal(dump.tupleHashes.length, 2);
	assert.deepEqual(
		new Set(dump.tupleHashes.map((t) => t.webRtcTransportId)),
		new Set([t1.id, t2.id]),
	);

	// From a known tuple, even a check with the other transport's ufrag reaches the tuple's owner
	// (which refuses it): tuple demux comes first, as mediasoup.
	assert.equal((await p1.check(creds(t2)))?.errorCode, 401);
	assert.equal((await iceStats(t1)).unauthorized, 1);
	assert.equal((await iceStats(t2)).unauthorized, 0);

	// Closing a transport frees its tuples and fragments.
	t1.close();
	assert.ok(await waitFor(async () => (await server.dump()).tupleHashes.length === 1));
	assert.equal((await p1.check(creds(t1), )), undefined);

	p1.close();
	p2.close();
	server.close();
	assert.equal(t2.closed, true);
});

function creds(transport: WebRtcTransport): { localUfrag: string; password: string } {
	return { localUfrag: transport.iceParameters.usernameFragment, password: transport.iceParameters.password };
}
