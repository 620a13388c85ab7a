/**
 * Seeded malformed-input fuzz: random and mutated datagrams into endpoints in every state. No
 * input may throw, none may reach the internal-error path (a caught exception), and established
 * sessions must survive forged input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtlsEndpoint, type DtlsEvent } from '../../../src/proto/dtls/index.js';
import { drainEvents, ecCertificate, runPair } from './helpers.js';
import { Prng } from '../../helpers/prng.js';

const cert = ecCertificate();
const cert2 = ecCertificate();

function mutate(prng: Prng, d: Buffer): Buffer {
	const x = Buffer.from(d);
	switch (prng.int(7)) {
		case 0: // bit flips
			for (let k = prng.range(1, 4); k > 0 && x.length > 0; k--) x[prng.int(x.length)] ^= 1 << prng.int(8);
			return x;
		case 1: // truncation
			return x.subarray(0, prng.int(x.length + 1));
		case 2: // a random byte range overwritten
			if (x.length > 0) {
				const o = prng.int(x.length);
				prng.bytes(Math.min(prng.range(1, 16), x.length - o)).copy(x, o);
			}
			return x;
		case 3: // a length field (record or handshake header) set to a random value
			if (x.length >= 25) x.writeUInt16BE(prng.int(65536), prng.bool() ? 11 : 14);
			return x;
		case 4: // bytes inserted
			{
				const o = prng.int(x.length + 1);
				return Buffer.concat([x.subarray(0, o), prng.bytes(prng.range(1, 40)), x.subarray(o)]);
			}
		case 5: // a handshake fragment offset/length edited
			if (x.length >= 25) x.writeUIntBE(prng.int(1 << 24), 13 + (prng.bool() ? 6 : 9), 3);
			return x;
		default: // content type / epoch / message type edited
			if (x.length >= 14) x[[0, 3, 4, 13][prng.int(4)]] = prng.int(256);
			return x;
	}
}

function randomDatagram(prng: Prng): Buffer {
	if (prng.int(3) === 0) return prng.bytes(prng.int(200));
	// A plausible record header over random content, so parsing goes deeper.
	const body = prng.bytes(prng.int(120));
	const h = Buffer.alloc(13);
	h[0] = [20, 21, 22, 23][prng.int(4)];
	h.writeUInt16BE(prng.bool() ? 0xfefd : 0xfeff, 1);
	h.writeUInt16BE(prng.int(3), 3);
	h.writeUIntBE(prng.int(1000), 5, 6);
	h.writeUInt16BE(body.length, 11);
	return Buffer.concat([h, body]);
}

function assertHealthy(e: DtlsEndpoint, events: DtlsEvent[]): void {
	for (const ev of events) if (ev.type === 'failed') assert.ok(!ev.reason.startsWith('internal error'), ev.reason);
	assert.ok(['handshaking', 'connected', 'closed', 'failed'].includes(e.state));
}

test('fuzz: 120,000 random and mutated datagrams, every handshake state', () => {
	const prng = new Prng(0xd71500);
	let inputs = 0;

	// Capture a real exchange to mutate: every datagram of a handshake plus application data.
	const captured: Buffer[] = [];
	{
		const [c, s] = [new DtlsEndpoint({ role: 'client', certificate: cert }), new DtlsEndpoint({ role: 'server', certificate: cert2 })];
		const r = runPair(c, s, { mutate: (d) => (captured.push(d), [d]) });
		assert.equal(c.state, 'connected');
		c.send(Buffer.from('data'));
		captured.push(c.pollOutgoing()!);
		void r;
	}

	// Phase A: long-lived endpoints (fresh server, waiting client, connected pair) fed 100,000 inputs.
	const make = (): { server: DtlsEndpoint; client: DtlsEndpoint } => {
		const client = new DtlsEndpoint({ role: 'client', certificate: cert });
		client.start(0);
		while (client.pollOutgoing()) {}
		return { server: new DtlsEndpoint({ role: 'server', certificate: cert2 }), client };
	};
	let fresh = make();
	const connClient = new DtlsEndpoint({ role: 'client', certificate: cert });
	const connServer = new DtlsEndpoint({ role: 'server', certificate: cert2 });
	runPair(connClient, connServer);
	const connCaptured: Buffer[] = [];
	for (let i = 0; i < 20; i++) {
		connClient.send(prng.bytes(prng.range(1, 100)));
		connCaptured.push(connClient.pollOutgoing()!);
	}
	const events: DtlsEvent[] = [];
	for (let i = 0; i < 100_000; i++) {
		const src = prng.int(4);
		const d = src === 0 ? randomDatagram(prng) : mutate(prng, src === 1 ? connCaptured[prng.int(connCaptured.length)] : captured[prng.int(captured.length)]);
		const target = [fresh.server, fresh.client, connServer, connClient][prng.int(4)];
		target.handleDatagram(d, i);
		target.handleTimeout(i);
		while (target.pollOutgoing()) {}
		events.length = 0;
		drainEvents(target, events);
		assertHealthy(target, events);
		inputs++;
		if (fresh.server.state !== 'handshaking' || fresh.client.state !== 'handshaking') fresh = make();
	}
	// The established session is untouched by all that.
	assert.equal(connServer.state, 'connected');
	assert.equal(connClient.state, 'connected');
	while (connServer.pollEvent()) {}
	assert.ok(connClient.send(Buffer.from('still here')));
	connServer.handleDatagram(connClient.pollOutgoing()!, 0);
	assert.deepEqual(connServer.pollEvent(), { type: 'applicationData', data: Buffer.from('still here') });

	// Phase B: live handshakes, each real datagram followed (or, one time in four, preceded) by
	// mutated copies of itself. Epoch 0 has no integrity, so garbage that comes first may end a
	// handshake (with an alert); late garbage should rarely stop one.
	let completed = 0;
	let attempts = 0;
	while (inputs < 120_000) {
		attempts++;
		const client = new DtlsEndpoint({ role: 'client', certificate: cert });
		const server = new DtlsEndpoint({ role: 'server', certificate: cert2 });
		const ev: DtlsEvent[] = [];
		runPair(client, server, {
			maxMs: 10_000,
			mutate: (d) => {
				const out: Buffer[] = [];
				for (let k = 0; k < 25; k++) out.push(mutate(prng, d));
				inputs += 25;
				if (prng.int(4) === 0) out.push(d);
				else out.unshift(d);
				return out;
			},
		});
		drainEvents(client, ev);
		drainEvents(server, ev);
		assertHealthy(client, ev);
		assertHealthy(server, ev);
		if (client.state === 'connected' && server.state === 'connected') completed++;
	}
	assert.ok(inputs >= 120_000);
	assert.ok(completed > 0, 'some handshakes survive the noise');
	console.log(`# fuzz: ${inputs} inputs; phase B: ${completed}/${attempts} handshakes completed`);
});
