/**
 * Simulcast layer selection with Chromium + mediasoup-client (issue 10 acceptance, VP8 part):
 * page A sends VP8 simulcast with three encodings (L1T3), page B consumes it. Preferred layers
 * 2 -> 0 -> 2 show in 'layerschange' and B's decoded width; setMaxOutgoingBitrate on B's
 * transport pushes the current spatial layer down and lifting it lets it climb back.
 * Runs inside ../shared/tools/netns-run like test/e2e.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import type { Producer } from '../../src/api/Producer';
import type { Consumer } from '../../src/api/Consumer';
import { NETNS_RUN, REPO_ROOT, call } from '../e2e/harness';

const INSIDE = process.env['BROTH_E2E_NETNS'] === '1';

const CLIENT = `
import { Device } from 'mediasoup-client';
const state = { transports: new Map(), consumers: new Map() };
window.brothClient = {
	async load(caps) { state.device = new Device(); await state.device.load({ routerRtpCapabilities: caps }); return state.device.rtpCapabilities; },
	create(direction, params) {
		const t = direction === 'send' ? state.device.createSendTransport(params) : state.device.createRecvTransport(params);
		t.on('connect', ({ dtlsParameters }, cb, eb) => window.brothSignal('connect', { transportId: t.id, dtlsParameters }).then(() => cb(), eb));
		t.on('produce', ({ kind, rtpParameters }, cb, eb) => window.brothSignal('produce', { transportId: t.id, kind, rtpParameters }).then(cb, eb));
		state.transports.set(direction, t);
	},
	async produceSimulcast() {
		const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
		const producer = await state.transports.get('send').produce({
			track: stream.getVideoTracks()[0],
			encodings: [
				{ scaleResolutionDownBy: 4, maxBitrate: 150000, scalabilityMode: 'L1T3' },
				{ scaleResolutionDownBy: 2, maxBitrate: 400000, scalabilityMode: 'L1T3' },
				{ scaleResolutionDownBy: 1, maxBitrate: 1200000, scalabilityMode: 'L1T3' },
			],
		});
		return producer.id;
	},
	async consume({ id, producerId, kind, rtpParameters }) {
		const consumer = await state.transports.get('recv').consume({ id, producerId, kind, rtpParameters });
		state.consumers.set(id, consumer);
		const v = document.createElement('video');
		v.muted = true; v.autoplay = true; v.playsInline = true;
		v.srcObject = new MediaStream([consumer.track]);
		document.body.appendChild(v);
		v.play().catch(() => {});
	},
	async senderStats() {
		const report = await state.transports.get('send').getStats();
		const out = [];
		for (const s of report.values()) {
			if (s.type === 'outbound-rtp') out.push([s.rid, s.frameWidth, s.qualityLimitationReason, s.bytesSent, s.active]);
			if (s.type === 'candidate-pair' && s.nominated) out.push(['bwe', s.availableOutgoingBitrate]);
		}
		return JSON.stringify(out);
	},
	async inbound(id) {
		const report = await state.consumers.get(id).getStats();
		for (const s of report.values()) if (s.type === 'inbound-rtp') return { framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0 };
		return { framesDecoded: 0, frameWidth: 0 };
	},
};
`;

if (!INSIDE) {
	test('Chromium VP8 simulcast layer selection (inside netns-run)', { timeout: 200_000 }, async () => {
		const env: NodeJS.ProcessEnv = { ...process.env, BROTH_E2E_NETNS: '1' };

		delete env['NODE_TEST_CONTEXT'];

		const child = spawn(NETNS_RUN, ['-t', '180', process.execPath, '--test-reporter=spec', __filename], {
			cwd: REPO_ROOT,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';

		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));

		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

		for (const line of output.split('\n')) {
			if (line.includes('figure:') || /^\s*[✔✖]/.test(line)) {
				console.log(line);
			}
		}
		assert.equal(code, 0, output);
	});
} else {
	let worker: Worker;
	let router: Router;
	let browser: Browser;
	let server: http.Server;
	let url = '';
	let pageA: Page;
	let pageB: Page;
	const transports = new Map<string, WebRtcTransport>();
	let producer: Producer;
	let consumer: Consumer;
	let recvTransport: WebRtcTransport;
	const layerEvents: number[] = [];
	const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

	async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
		const deadline = Date.now() + ms;

		while (Date.now() < deadline) {
			if (await check()) {
				return true;
			}
			await sleep(200);
		}

		return false;
	}

	async function openSide(): Promise<Page> {
		const page = await browser.newPage();

		await page.exposeFunction('brothSignal', async (method: string, data: any) => {
			if (method === 'connect') {
				await transports.get(data.transportId)!.connect({ dtlsParameters: data.dtlsParameters });
			} else if (method === 'produce') {
				const p = await transports.get(data.transportId)!.produce({ kind: data.kind, rtpParameters: data.rtpParameters });

				producer = p;

				return { id: p.id };
			}

			return undefined;
		});
		await page.goto(url);
		await page.waitForFunction(() => (globalThis as any).brothClient !== undefined);

		return page;
	}

	async function createTransport(page: Page, direction: 'send' | 'recv'): Promise<WebRtcTransport> {
		const t = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] } as any);

		transports.set(t.id, t);
		await call(page, 'create', direction, {
			id: t.id,
			iceParameters: t.iceParameters,
			iceCandidates: t.iceCandidates,
			dtlsParameters: t.dtlsParameters,
		});

		return t;
	}

	const inbound = (): Promise<{ framesDecoded: number; frameWidth: number }> => call(pageB, 'inbound', consumer.id);

	before(async () => {
		const bundle = (
			await build({
				stdin: { contents: CLIENT, resolveDir: REPO_ROOT, sourcefile: 'simulcast-client.js', loader: 'js' },
				bundle: true,
				format: 'iife',
				platform: 'browser',
				target: 'chrome110',
				write: false,
				logLevel: 'silent',
			})
		).outputFiles[0]!.text;

		server = http.createServer((req, res) => {
			if (req.url === '/client.js') {
				res.writeHead(200, { 'content-type': 'text/javascript' });
				res.end(bundle);
			} else {
				res.writeHead(200, { 'content-type': 'text/html' });
				res.end('<!doctype html><html><head><script src="/client.js"></script></head><body></body></html>');
			}
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
		worker = await mediasoup.createWorker();
		router = await worker.createRouter({
			mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
		});
		browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--no-first-run',
				'--use-fake-ui-for-media-stream',
				'--use-fake-device-for-media-stream',
				'--allow-loopback-in-peer-connection',
				'--autoplay-policy=no-user-gesture-required',
				'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
				// Three layers from a 640x480 camera (Chromium's legacy limit allows two).
				'--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/',
			],
		});
	});

	after(async () => {
		await browser?.close();
		worker?.close();
		server?.close();
	});

	test('A sends three VP8 encodings; B consumes starting at an active layer and climbs to 640 wide', { timeout: 70_000 }, async () => {
		pageA = await openSide();
		pageB = await openSide();

		const capsA = await call<any>(pageA, 'load', router.rtpCapabilities);
		const capsB = await call<any>(pageB, 'load', router.rtpCapabilities);

		void capsA;
		await createTransport(pageA, 'send');
		await call(pageA, 'produceSimulcast');
		assert.equal(producer.type, 'simulcast');
		recvTransport = await createTransport(pageB, 'recv');
		consumer = await recvTransport.consume({ producerId: producer.id, rtpCapabilities: capsB, paused: false });
		consumer.on('layerschange', (layers) => layerEvents.push(layers ? layers.spatialLayer : -1));
		await call(pageB, 'consume', {
			id: consumer.id,
			producerId: producer.id,
			kind: consumer.kind,
			rtpParameters: consumer.rtpParameters,
		});
		assert.ok(await until(async () => (await inbound()).framesDecoded > 10, 15_000), 'no frames decoded');
		// The first layer forwarded is an active one (never a layer with score 0).
		assert.ok(layerEvents.length > 0 && layerEvents[0]! >= 0);
		assert.ok(
			// Under a loaded CI run (two Chromium tests at once on 2 cores) the climb takes longer.
			await until(async () => (await inbound()).frameWidth === 640, 50_000),
			`width ${(await inbound()).frameWidth}, layers ${layerEvents.join(',')}, scores ${JSON.stringify(producer.score)}, stats ${JSON.stringify((await producer.getStats()).map((s: any) => [s.rid, s.bitrate, s.packetCount, s.score]))}, A ${await call(pageA, 'senderStats')}`,
		);
		console.log(`figure: simulcast layerschange on start: ${layerEvents.join(' -> ')}`);
	});

	// Right after a fast climb Chromium ignores the PLI for layer 0 (it drops one within 300 ms of
	// the previous key frame request, whatever SSRC): the switch keeps asking until it comes.
	test('setPreferredLayers 2 -> 0 -> 2: layerschange and decoded width follow', { timeout: 50_000 }, async () => {
		await consumer.setPreferredLayers({ spatialLayer: 0 });
		assert.ok(
			await until(async () => consumer.currentLayers?.spatialLayer === 0, 10_000),
			`${JSON.stringify(consumer.currentLayers)} layers ${layerEvents.join(',')} B ${JSON.stringify(await inbound())} producer ${JSON.stringify((await producer.getStats()).map((s: any) => [s.rid, s.bitrate, s.packetCount, s.score]))} consumer ${JSON.stringify((await consumer.getStats()).map((s: any) => [s.type, s.packetCount, s.bitrate]))}`,
		);
		assert.ok(await until(async () => (await inbound()).frameWidth === 160, 10_000), `width ${(await inbound()).frameWidth}`);
		await consumer.setPreferredLayers({ spatialLayer: 2 });
		assert.ok(await until(async () => consumer.currentLayers?.spatialLayer === 2, 10_000), JSON.stringify(consumer.currentLayers));
		assert.ok(await until(async () => (await inbound()).frameWidth === 640, 10_000), `width ${(await inbound()).frameWidth}`);
		assert.deepEqual(layerEvents.slice(-2), [0, 2]);
	});

	// The climb back needs probing: without it the estimate stops at 1.5 x the layer-0 rate
	// (libwebrtc's AIMD throughput cap); the transport's prober sends the estimator's probe
	// clusters as padding-only RTX packets.
	test('setMaxOutgoingBitrate squeezes B: the spatial layer falls, then climbs back', { timeout: 40_000 }, async () => {
		const traces: number[] = [];

		await recvTransport.enableTraceEvent(['bwe']);
		recvTransport.on('trace', (trace: any) => {
			if (trace.type === 'bwe') {
				traces.push(trace.info.availableBitrate);
			}
		});

		const t0 = Date.now();

		await recvTransport.setMaxOutgoingBitrate(150_000);
		assert.ok(
			await until(async () => (consumer.currentLayers?.spatialLayer ?? 2) < 2, 10_000),
			`still ${JSON.stringify(consumer.currentLayers)}`,
		);

		const fell = Date.now() - t0;
		const low = consumer.currentLayers!.spatialLayer;

		// Decoding goes on at the lower layer.
		const before = (await inbound()).framesDecoded;

		await sleep(1000);
		assert.ok((await inbound()).framesDecoded > before, 'decoding stalled');

		const t1 = Date.now();

		await recvTransport.setMaxOutgoingBitrate(0);
		assert.ok(
			await until(async () => (consumer.currentLayers?.spatialLayer ?? 0) > low, 20_000),
			`stuck at ${JSON.stringify(consumer.currentLayers)}, bwe ${traces.slice(-5).join(',')}`,
		);
		console.log(
			`figure: simulcast squeeze: layer 2 -> ${low} in ${fell} ms at 150 kbps; back up to ${consumer.currentLayers!.spatialLayer} ${Date.now() - t1} ms after lifting; bwe traces ${traces.length}`,
		);
		assert.ok(traces.length > 0, 'no bwe trace');
	});
}
