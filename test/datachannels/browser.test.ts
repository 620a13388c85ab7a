/**
 * Issue 11 acceptance in the browser: headless Chromium with unmodified mediasoup-client, data
 * channels over SCTP over DTLS (RFC 8261) through broth. Page A's produceData() (ordered, and
 * unordered with maxRetransmits 0) is consumed by page B; a DirectTransport DataProducer reaches
 * page B; page A's channel reaches a DirectTransport DataConsumer; server stats count every message.
 * Re-executes itself inside ../shared/tools/netns-run (only loopback), as test/e2e does.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import type { DataProducer } from '../../src/api/DataProducer';
import { INSIDE, callIn, launchChromium, openPage as openClientPage, runInNetns, serveClient, withoutTransportCc, type Site } from '../helpers/browser';

if (!INSIDE) {
	runInNetns(__filename, 'data channels: Chromium + mediasoup-client (inside netns-run)', 100);
} else {
	defineTests();
}

/** The page: mediasoup-client, a deterministic message generator, senders and checking receivers. */
const CLIENT_SOURCE = `
import { Device } from 'mediasoup-client';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const state = { device: undefined, send: undefined, recv: undefined, producers: new Map(), received: new Map() };

// Message i of a series: text on even i, binary on odd; every 10th is 64 KiB; index 1000 is 256 KiB.
function size(i) { return i === 1000 ? 262144 : i % 10 === 0 ? 65536 : 1 + ((i * 7919) % 8192); }
function gen(seed, i) {
	const n = size(i);
	if (i % 2 === 0) {
		const head = seed + ':' + i + ':';
		let s = head;
		const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
		while (s.length < n) s += alphabet[(s.length * 31 + i) % alphabet.length];
		return s.slice(0, Math.max(n, head.length));
	}
	const b = new Uint8Array(n);
	for (let k = 0; k < n; k++) b[k] = (k * 131 + i * 7 + seed.length) & 0xff;
	if (n >= 4) new DataView(b.buffer).setUint32(0, i);
	return b;
}
function same(a, b) {
	if (typeof a === 'string' || typeof b === 'string') return a === b;
	if (a.length !== b.length) return false;
	for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
	return true;
}
function indexOf(seed, data) {
	if (typeof data === 'string') return Number(data.split(':')[1]);
	return data.length >= 4 ? new DataView(data.buffer, data.byteOffset).getUint32(0) : -1;
}

function wire(transport) {
	transport.on('connect', ({ dtlsParameters }, cb, eb) => window.brothSignal('connect', { transportId: transport.id, dtlsParameters }).then(() => cb(), eb));
}

window.dc = {
	async load(routerRtpCapabilities) {
		state.device = new Device();
		await state.device.load({ routerRtpCapabilities });
		return state.device.sctpCapabilities;
	},
	createSendTransport(params) {
		const t = state.device.createSendTransport(params);
		wire(t);
		t.on('producedata', ({ sctpStreamParameters, label, protocol }, cb, eb) =>
			window.brothSignal('produceData', { transportId: t.id, sctpStreamParameters, label, protocol }).then(cb, eb));
		state.send = t;
	},
	createRecvTransport(params) {
		const t = state.device.createRecvTransport(params);
		wire(t);
		state.recv = t;
	},
	async produceData(options) {
		const p = await state.send.produceData(options);
		p.binaryType = 'arraybuffer';
		state.producers.set(p.id, p);
		if (p.readyState !== 'open') await new Promise((r) => p.on('open', r));
		return p.id;
	},
	/** Sends messages first..last of a series (and 1000 if big), pacing on bufferedAmount. */
	async sendSeries(id, seed, count, big) {
		const p = state.producers.get(id);
		const indices = [...Array(count).keys()];
		if (big) indices.push(1000);
		for (const i of indices) {
			while (p.bufferedAmount > 1 << 20) await sleep(5);
			p.send(gen(seed, i));
		}
		while (p.bufferedAmount > 0) await sleep(10);
		return indices.length;
	},
	async consumeData(params, seed) {
		const c = await state.recv.consumeData(params);
		c.binaryType = 'arraybuffer';
		const r = { seed, got: [], bad: 0, label: c.label };
		state.received.set(params.id, r);
		c.on('message', (data) => {
			const d = typeof data === 'string' ? data : new Uint8Array(data);
			const i = indexOf(seed, d);
			if (!(i >= 0) || !same(d, gen(seed, i))) r.bad++;
			r.got.push(i);
		});
		if (c.readyState !== 'open') await new Promise((res) => c.on('open', res));
		return c.id;
	},
	received(id) {
		const r = state.received.get(id);
		return { got: r.got, bad: r.bad };
	},
};
`;

/** Node's side of the generator (the DirectTransport checks and feeds the same series). */
function size(i: number): number {
	return i === 1000 ? 262144 : i % 10 === 0 ? 65536 : 1 + ((i * 7919) % 8192);
}
function gen(seed: string, i: number): string | Buffer {
	const n = size(i);

	if (i % 2 === 0) {
		const head = `${seed}:${i}:`;
		let s = head;
		const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

		while (s.length < n) s += alphabet[(s.length * 31 + i) % alphabet.length];

		return s.slice(0, Math.max(n, head.length));
	}

	const b = Buffer.alloc(n);

	for (let k = 0; k < n; k++) b[k] = (k * 131 + i * 7 + seed.length) & 0xff;
	if (n >= 4) b.writeUInt32BE(i, 0);

	return b;
}

async function until(cond: () => Promise<boolean> | boolean, ms: number, what: () => string): Promise<void> {
	const deadline = Date.now() + ms;

	while (!(await cond())) {
		if (Date.now() > deadline) throw new Error(`timeout: ${what()}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

function defineTests(): void {
	let worker: Worker;
	let router: Router;
	let browser: Browser;
	let site: Site;
	const transports = new Map<string, WebRtcTransport>();
	const dataProducers = new Map<string, DataProducer>();
	let pageA: Page;
	let pageB: Page;
	let sendA: WebRtcTransport;
	let recvB: WebRtcTransport;

	const call = callIn('dc');

	async function openPage(): Promise<Page> {
		return openClientPage(
			browser,
			site.url,
			async (method, data) => {
				const transport = transports.get(data.transportId)!;

				if (method === 'connect') {
					await transport.connect({ dtlsParameters: data.dtlsParameters });

					return undefined;
				}
				if (method === 'produceData') {
					const p = await transport.produceData({ sctpStreamParameters: data.sctpStreamParameters, label: data.label, protocol: data.protocol });

					dataProducers.set(p.id, p);

					return { id: p.id };
				}
				throw new Error(`unknown ${method}`);
			},
			{ client: 'dc' },
		);
	}

	async function transport(page: Page, direction: 'send' | 'recv'): Promise<WebRtcTransport> {
		const sctpCapabilities = await call<any>(page, 'load', withoutTransportCc(router.rtpCapabilities));
		const t = await router.createWebRtcTransport({
			listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
			enableSctp: true,
			numSctpStreams: sctpCapabilities.numStreams,
			maxSctpMessageSize: 262144,
			sctpSendBufferSize: 8 << 20,
		});

		transports.set(t.id, t);
		await call(page, direction === 'send' ? 'createSendTransport' : 'createRecvTransport', {
			id: t.id,
			iceParameters: t.iceParameters,
			iceCandidates: t.iceCandidates,
			dtlsParameters: t.dtlsParameters,
			sctpParameters: t.sctpParameters,
		});

		return t;
	}

	before(async () => {
		worker = await mediasoup.createWorker({ logLevel: 'warn' });
		router = await worker.createRouter({ mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] });

		site = await serveClient(CLIENT_SOURCE, 'dc-client.js');
		browser = await launchChromium();
		pageA = await openPage();
		pageB = await openPage();
		sendA = await transport(pageA, 'send');
		recvB = await transport(pageB, 'recv');
	});

	after(async () => {
		await browser?.close();
		await site?.close();
		worker?.close();
	});

	test('ordered: 250 text/binary messages up to 64 KiB and one of 256 KiB arrive in order, byte-exact; DirectTransport consumer and stats count all', async () => {
		const idA = await call<string>(pageA, 'produceData', { ordered: true, label: 'chat' });
		const producer = dataProducers.get(idA)!;
		const consumer = await recvB.consumeData({ dataProducerId: idA });
		const direct = await router.createDirectTransport();
		const directConsumer = await direct.consumeData({ dataProducerId: idA });
		const directGot: (string | Buffer)[] = [];

		directConsumer.on('message', (data: Buffer, ppid: number) => directGot.push(ppid === 51 ? data.toString() : Buffer.from(data)));
		await call(pageB, 'consumeData', {
			id: consumer.id,
			dataProducerId: idA,
			sctpStreamParameters: consumer.sctpStreamParameters,
			label: consumer.label,
			protocol: consumer.protocol,
		}, 'A');
		assert.equal(sendA.sctpState, 'connected');

		const sent = await call<number>(pageA, 'sendSeries', idA, 'A', 250, true);

		assert.equal(sent, 251);
		await until(async () => (await call<any>(pageB, 'received', consumer.id)).got.length >= 251, 60_000, () => 'page B messages');

		const r = await call<{ got: number[]; bad: number }>(pageB, 'received', consumer.id);
		const expected = [...Array(250).keys(), 1000];

		assert.equal(r.bad, 0);
		assert.deepEqual(r.got, expected);
		await until(() => directGot.length >= 251, 10_000, () => `direct got ${directGot.length}`);
		for (let k = 0; k < 251; k++) {
			const want = gen('A', expected[k]!);

			assert.ok(typeof want === 'string' ? directGot[k] === want : Buffer.isBuffer(directGot[k]) && want.equals(directGot[k] as Buffer), `direct message ${k}`);
		}

		const [pStats] = await producer.getStats();
		const [cStats] = await consumer.getStats();
		const [dStats] = await directConsumer.getStats();
		const bytes = expected.reduce((sum, i) => sum + Buffer.byteLength(gen('A', i) as any), 0);

		assert.equal(pStats.messagesReceived, 251);
		assert.equal(pStats.bytesReceived, bytes);
		assert.equal(cStats.messagesSent, 251);
		assert.equal(cStats.bytesSent, bytes);
		assert.equal(dStats.messagesSent, 251);
	});

	test('unordered, maxRetransmits 0: messages arrive byte-exact', async () => {
		const idA = await call<string>(pageA, 'produceData', { ordered: false, maxRetransmits: 0, label: 'lossy' });
		const consumer = await recvB.consumeData({ dataProducerId: idA });

		assert.equal(consumer.sctpStreamParameters?.ordered, false);
		assert.equal(consumer.sctpStreamParameters?.maxRetransmits, 0);
		await call(pageB, 'consumeData', {
			id: consumer.id,
			dataProducerId: idA,
			sctpStreamParameters: consumer.sctpStreamParameters,
			label: consumer.label,
			protocol: consumer.protocol,
		}, 'U');
		await call<number>(pageA, 'sendSeries', idA, 'U', 100, false);
		// Loopback rarely loses; a lost message is final (no retransmission) and must not hold others back.
		await until(async () => (await call<any>(pageB, 'received', consumer.id)).got.length >= 95, 30_000, () => 'page B unordered');

		const r = await call<{ got: number[]; bad: number }>(pageB, 'received', consumer.id);

		assert.equal(r.bad, 0);
		assert.equal(new Set(r.got).size, r.got.length);
	});

	test('a DirectTransport DataProducer reaches page B', async () => {
		const direct = await router.createDirectTransport();
		const producer = await direct.produceData({ label: 'server' });
		const consumer = await recvB.consumeData({ dataProducerId: producer.id });

		await call(pageB, 'consumeData', {
			id: consumer.id,
			dataProducerId: producer.id,
			sctpStreamParameters: consumer.sctpStreamParameters,
			label: consumer.label,
			protocol: consumer.protocol,
		}, 'D');
		// Negotiated channels: nothing tells the server page B's side is open; give it a moment.
		await new Promise((r) => setTimeout(r, 200));
		for (let i = 0; i < 40; i++) producer.send(gen('D', i));
		await until(async () => (await call<any>(pageB, 'received', consumer.id)).got.length >= 40, 20_000, () => 'page B direct');

		const r = await call<{ got: number[]; bad: number }>(pageB, 'received', consumer.id);

		assert.equal(r.bad, 0);
		assert.deepEqual(r.got, [...Array(40).keys()]);

		const [cStats] = await consumer.getStats();

		assert.equal(cStats.messagesSent, 40);
	});
}
