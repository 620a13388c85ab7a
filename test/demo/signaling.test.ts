/**
 * The demo's signaling, end to end over WebSocket against the demo started as
 * `npm start` starts it: the page is served, the mediasoup flow works with the
 * parameters mediasoup-client really sends, input is validated, and a hostile
 * client gets errors or throttling while another client keeps working.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, Client, type DemoProcess } from './helpers';
import { FakePeer } from './fakePeer';

let demo: DemoProcess;

before(async () => {
	demo = await startDemo();
});

after(async () => {
	await demo?.stop();
});

test('serves the page and nothing outside its file list', async () => {
	const page = await fetch(demo.url);
	assert.equal(page.status, 200);
	assert.match(await page.text(), /<script src="app\.js">/);
	const app = await fetch(new URL('app.js', demo.url));
	assert.equal(app.status, 200);
	assert.ok((await app.arrayBuffer()).byteLength > 50_000, 'bundle includes mediasoup-client');
	for (const p of ['/../package.json', '/%2e%2e/package.json', '/dist/src/index.js', '/nope']) {
		assert.equal((await fetch(new URL(p, demo.url))).status, 404, p);
	}
	assert.equal((await fetch(demo.url, { method: 'POST' })).status, 405);
});

test('WebSocket upgrade needs /ws, a valid roomId, and a same-site Origin', async () => {
	await assert.rejects(Client.connect(demo.url, 'bad room!'), /HTTP 400/);
	await assert.rejects(Client.connect(demo.url, 'x'.repeat(65)), /HTTP 400/);
	await assert.rejects(Client.connect(demo.url, 'ok', { origin: 'https://evil.example' }), /HTTP 403/);
	const c = await Client.connect(demo.url, 'ok', { origin: new URL(demo.url).origin });
	c.close();
});

test('join flow with mediasoup-client: produce, consume paused until the client acks, then resumed', async () => {
	const alice = await FakePeer.join(demo.url, 'flow', 'Alice');
	const caps = await alice.client.ok('getRouterRtpCapabilities');
	assert.ok(caps.codecs.some((c: { mimeType: string }) => c.mimeType === 'audio/opus'));
	assert.ok(caps.codecs.some((c: { mimeType: string }) => c.mimeType === 'video/VP8'));

	const mic = await alice.produce('audio');
	const cam = await alice.produce('video');

	const bob = await FakePeer.join(demo.url, 'flow', 'Bob');
	const newPeer = await alice.client.waitFor('newPeer');
	assert.deepEqual(newPeer, { id: bob.peerId, displayName: 'Bob' });

	// Bob gets both of Alice's producers as newConsumer requests, then they are resumed.
	const nc1 = await bob.client.waitFor('newConsumer', (d) => d.producerId === mic.id);
	const nc2 = await bob.client.waitFor('newConsumer', (d) => d.producerId === cam.id);
	assert.equal(nc1.peerId, alice.peerId);
	assert.equal(nc1.kind, 'audio');
	assert.equal(nc2.appData.source, 'webcam');
	await bob.client.waitFor('consumerScore', (d) => d.consumerId === nc2.id);
	assert.ok(bob.consumers.has(nc1.id) && bob.consumers.has(nc2.id));
	const stats = await bob.client.ok('getConsumerStats', { consumerId: nc2.id });
	assert.ok(stats.some((s: { type: string }) => s.type === 'outbound-rtp'));

	// Stats of one's own objects.
	assert.ok(Array.isArray(await alice.client.ok('getProducerStats', { producerId: mic.id })));
	const tstats = await alice.client.ok('getTransportStats', { transportId: alice.sendTransport!.id });
	assert.equal(tstats[0].type, 'webrtc-transport');
	const ice = await alice.client.ok('restartIce', { transportId: alice.sendTransport!.id });
	assert.equal(typeof ice.iceParameters.usernameFragment, 'string');

	// Producer pause/resume reach the consumer's owner.
	await alice.client.ok('pauseProducer', { producerId: cam.id });
	await bob.client.waitFor('consumerPaused', (d) => d.consumerId === nc2.id);
	await alice.client.ok('resumeProducer', { producerId: cam.id });
	await bob.client.waitFor('consumerResumed', (d) => d.consumerId === nc2.id);
	await bob.client.ok('pauseConsumer', { consumerId: nc1.id });
	await bob.client.ok('resumeConsumer', { consumerId: nc1.id });

	// closeProducer → consumerClosed; a second close is not_found.
	await alice.client.ok('closeProducer', { producerId: cam.id });
	await bob.client.waitFor('consumerClosed', (d) => d.consumerId === nc2.id);
	assert.equal((await alice.client.request('closeProducer', { producerId: cam.id })).error?.code, 'not_found');

	// A third peer joining late sees both and consumes the remaining producer.
	const carol = await FakePeer.join(demo.url, 'flow', 'Carol');
	await carol.client.waitFor('newConsumer', (d) => d.producerId === mic.id);

	// Alice disconnects: the others are told, her consumers' owners get consumerClosed.
	alice.close();
	await bob.client.waitFor('peerClosed', (d) => d.peerId === alice.peerId);
	await bob.client.waitFor('consumerClosed', (d) => d.consumerId === nc1.id);
	await carol.client.waitFor('peerClosed', (d) => d.peerId === alice.peerId);

	// leave: Bob's objects go, Carol is told, Bob may join again on the same socket.
	await bob.client.ok('leave');
	await carol.client.waitFor('peerClosed', (d) => d.peerId === bob.peerId);
	assert.equal((await bob.client.request('getConsumerStats', { consumerId: nc1.id })).error?.code, 'not_joined');
	bob.close();
	carol.close();
});

test('each method checks its input', async () => {
	const c = await Client.connect(demo.url, 'validation');
	const code = async (method: string, data?: unknown): Promise<string | undefined> => (await c.request(method, data)).error?.code;

	// Before join.
	assert.equal(await code('produce', {}), 'bad_request');
	assert.equal(await code('pauseProducer', { producerId: '00000000-0000-4000-8000-000000000000' }), 'not_joined');
	assert.equal(await code('createWebRtcTransport', {}), 'bad_request');
	assert.equal(await code('createWebRtcTransport', { producing: 'yes', consuming: false }), 'bad_request');
	assert.equal(await code('createWebRtcTransport', null), 'bad_request');
	assert.equal(await code('join', { displayName: '', rtpCapabilities: {} }), 'bad_request');
	assert.equal(await code('join', { displayName: 'x'.repeat(65), rtpCapabilities: {} }), 'bad_request');
	assert.equal(await code('join', { displayName: 'a\u0000b', rtpCapabilities: {} }), 'bad_request');
	assert.equal(await code('join', { displayName: 'ok', rtpCapabilities: { codecs: 'opus' } }), 'bad_request');

	const t = await c.ok('createWebRtcTransport', { producing: true, consuming: false });
	assert.match(t.id, /^[0-9a-f-]{36}$/);
	assert.ok(t.iceCandidates.length > 0 && t.iceCandidates.every((x: { address: string }) => x.address === '127.0.0.1'));
	assert.equal(await code('connectWebRtcTransport', { transportId: t.id }), 'bad_request');
	assert.equal(await code('connectWebRtcTransport', { transportId: t.id, dtlsParameters: { fingerprints: [] } }), 'bad_request');
	assert.equal(await code('connectWebRtcTransport', { transportId: t.id, dtlsParameters: { fingerprints: [{ algorithm: 'md5', value: 'AA' }] } }), 'bad_request');
	assert.equal(await code('connectWebRtcTransport', { transportId: 'not-a-uuid', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } }), 'bad_request');
	assert.equal(await code('connectWebRtcTransport', { transportId: '00000000-0000-4000-8000-000000000000', dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AA:BB' }] } }), 'not_found');

	const caps = await c.ok('getRouterRtpCapabilities');
	await c.ok('join', { displayName: 'Val', rtpCapabilities: caps });
	assert.equal(await code('join', { displayName: 'Val', rtpCapabilities: caps }), 'already_joined');

	const rtp = {
		mid: '0',
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
		headerExtensions: [],
		encodings: [{ ssrc: 1234 }],
		rtcp: { cname: 'x', reducedSize: true },
	};
	const produce = (over: Record<string, unknown>) => code('produce', { transportId: t.id, kind: 'audio', rtpParameters: rtp, appData: { source: 'mic' }, ...over });
	assert.equal(await produce({ kind: 'data' }), 'bad_request');
	assert.equal(await produce({ appData: { source: 'microwave' } }), 'bad_request');
	assert.equal(await produce({ kind: 'video', appData: { source: 'webcam' } }), 'bad_request', 'audio codecs for kind video');
	assert.equal(await produce({ appData: { source: 'webcam' } }), 'bad_request', 'source webcam for kind audio');
	assert.equal(await produce({ rtpParameters: { ...rtp, codecs: [] } }), 'bad_request');
	assert.equal(await produce({ rtpParameters: { ...rtp, codecs: [{ ...rtp.codecs[0], payloadType: 300 }] } }), 'bad_request');
	assert.equal(await produce({ rtpParameters: { ...rtp, encodings: Array(9).fill({ ssrc: 1 }) } }), 'bad_request');
	assert.equal(await produce({ rtpParameters: { ...rtp, codecs: [{ ...rtp.codecs[0], parameters: { x: { nested: 1 } } }] } }), 'bad_request');
	assert.equal(await produce({ rtpParameters: { ...rtp, codecs: [{ ...rtp.codecs[0], mimeType: 'audio/nope' }] } }), 'failed');
	assert.equal(await produce({}), undefined, 'the valid one passes');

	// Per-peer limit on transports (4).
	for (let i = 0; i < 3; i++) await c.ok('createWebRtcTransport', { producing: false, consuming: true });
	assert.equal(await code('createWebRtcTransport', { producing: false, consuming: true }), 'limit');
	c.close();
});

test('hostile client: garbage, unknown methods, other peers\' ids, flood — errors for it, service for others', async () => {
	const victim = await FakePeer.join(demo.url, 'hostile', 'Victim');
	const mic = await victim.produce('audio');
	const listener = await FakePeer.join(demo.url, 'hostile', 'Listener');
	const nc = await listener.client.waitFor('newConsumer', (d) => d.producerId === mic.id);
	await listener.client.waitFor('consumerScore', (d) => d.consumerId === nc.id);

	const evil = await Client.connect(demo.url, 'hostile');
	const caps = await evil.ok('getRouterRtpCapabilities');
	await evil.ok('join', { displayName: 'Mallory', rtpCapabilities: caps });

	// Not JSON, not an object, wrong envelope, binary.
	const orphans = (): number => evil.orphanErrors.length;
	for (const raw of ['{', 'null', '[]', '42', '"x"', '{"request":true,"method":"join"}', '{"request":true,"id":-1,"method":"join"}', '{"id":1}']) {
		const before = orphans();
		evil.sendRaw(raw);
		await waitUntil(() => orphans() > before);
		assert.equal(evil.orphanErrors.at(-1)!.error!.code, 'bad_json', raw);
	}
	evil.sendRaw(Buffer.from([1, 2, 3]));
	await waitUntil(() => evil.orphanErrors.at(-1)?.error?.message.includes('binary') === true);

	// Unknown methods, including ones that name Object's own properties.
	for (const m of ['dropDatabase', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) {
		assert.equal((await evil.request(m, {})).error?.code, 'unknown_method', m);
	}
	assert.equal((await evil.request('x'.repeat(100), {})).error?.code, 'bad_request');
	// A response to nothing, and a forged newConsumer answer, are ignored.
	evil.sendRaw(JSON.stringify({ response: true, id: 1, ok: true, data: {} }));

	// Other peers' objects: every id is unknown to Mallory.
	const theirs: [string, Record<string, string>][] = [
		['closeProducer', { producerId: mic.id }],
		['pauseProducer', { producerId: mic.id }],
		['getProducerStats', { producerId: mic.id }],
		['pauseConsumer', { consumerId: nc.id }],
		['getConsumerStats', { consumerId: nc.id }],
		['restartIce', { transportId: victim.sendTransport!.id }],
		['getTransportStats', { transportId: listener.recvTransport!.id }],
	];
	for (const [m, d] of theirs) assert.equal((await evil.request(m, d)).error?.code, 'not_found', m);
	const t = await evil.ok('createWebRtcTransport', { producing: true, consuming: false });
	const stolen = { mid: '0', codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: 1 }] };
	assert.equal((await evil.request('produce', { transportId: victim.sendTransport!.id, kind: 'audio', rtpParameters: stolen, appData: { source: 'mic' } })).error?.code, 'not_found');
	void t;

	// A message over 64 KB closes only Mallory's own socket... later; first the flood.
	const sent = 400;
	const replies = Array.from({ length: sent }, () => evil.request('getRouterRtpCapabilities'));
	// Meanwhile the others keep working, promptly.
	const started = Date.now();
	const stats = await listener.client.ok('getConsumerStats', { consumerId: nc.id });
	assert.ok(stats.length > 0);
	await victim.client.ok('getProducerStats', { producerId: mic.id });
	assert.ok(Date.now() - started < 2000, 'others are served during the flood');
	// Each flood request is answered: served within the bucket, rate_limited beyond it.
	const all = await Promise.all(replies);
	const throttled = all.filter((r) => r.error?.code === 'rate_limited').length;
	const served = all.filter((r) => r.ok).length;
	assert.equal(throttled + served, sent);
	assert.ok(throttled >= sent - 100, `most of the flood is throttled (${throttled}/${sent})`);

	// The victim's media path is untouched: the listener's consumer still exists and is resumed.
	await victim.client.ok('getProducerStats', { producerId: mic.id });
	assert.ok((await listener.client.ok('getConsumerStats', { consumerId: nc.id })).length > 0);

	// Oversized message: the server drops that socket (ws maxPayload), nobody else's.
	await sleep(1500); // let the bucket refill a little
	evil.sendRaw('x'.repeat(70 * 1024));
	const closed = await evil.closed;
	assert.equal(closed.code, 1009);
	await listener.client.ok('getConsumerStats', { consumerId: nc.id });
	await victim.client.ok('getProducerStats', { producerId: mic.id });
	assert.equal(listener.client.notifications.filter((n) => n.method === 'peerClosed').length, 1, 'only Mallory left');
	victim.close();
	listener.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(pred: () => boolean, timeoutMs = 3000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!pred()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await sleep(10);
	}
}

test('a full room refuses the next peer (1013) and keeps serving its members', async () => {
	const members = await Promise.all(Array.from({ length: 16 }, () => Client.connect(demo.url, 'full')));
	await Promise.all(members.map((m) => m.ok('getRouterRtpCapabilities')));
	const extra = await Client.connect(demo.url, 'full');
	const closed = await extra.closed;
	assert.equal(closed.code, 1013);
	await members[0].ok('getRouterRtpCapabilities');
	for (const m of members) m.close();
});
