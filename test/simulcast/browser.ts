/**
 * Shared by the simulcast tests: a Chromium with two pages (A produces simulcast, B consumes)
 * running mediasoup-client against a broth router, inside ../shared/tools/netns-run (recipe in
 * ../shared/guide/testing.md). `runInNetns` is the outer test that re-runs a test file inside a
 * fresh namespace; `SimulcastCall` is the inside.
 */
import { test } from 'node:test';
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
import { UdpRelay } from './relay';

export const INSIDE = process.env['BROTH_E2E_NETNS'] === '1';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 200 ms for up to `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
	const deadline = Date.now() + ms;

	while (Date.now() < deadline) {
		if (await check()) {
			return true;
		}
		await sleep(200);
	}

	return false;
}

/** The outer test: runs this same file inside netns-run and prints its figures and results. */
export function runInNetns(file: string, title: string, limitSeconds: number): void {
	test(title, { timeout: (limitSeconds + 20) * 1000 }, async () => {
		const env: NodeJS.ProcessEnv = { ...process.env, BROTH_E2E_NETNS: '1' };

		delete env['NODE_TEST_CONTEXT'];

		const child = spawn(NETNS_RUN, ['-t', String(limitSeconds), process.execPath, '--test-reporter=spec', file], {
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
}

const CLIENT = `
import { Device } from 'mediasoup-client';
const state = { transports: new Map(), consumers: new Map(), samplers: new Map() };
async function inboundOf(id) {
	const report = await state.consumers.get(id).getStats();
	for (const s of report.values()) {
		if (s.type === 'inbound-rtp') {
			return { t: s.timestamp, framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0,
				freezeCount: s.freezeCount, totalFreezesDuration: s.totalFreezesDuration,
				packetsLost: s.packetsLost ?? 0, packetsReceived: s.packetsReceived ?? 0,
				pliCount: s.pliCount ?? 0, nackCount: s.nackCount ?? 0, keyFramesDecoded: s.keyFramesDecoded ?? 0,
				framesReceived: s.framesReceived, framesDropped: s.framesDropped,
				decoder: s.decoderImplementation };
		}
	}
	return { t: performance.timeOrigin + performance.now(), framesDecoded: 0, frameWidth: 0 };
}
window.brothClient = {
	async load(caps) { state.device = new Device(); await state.device.load({ routerRtpCapabilities: caps }); return state.device.rtpCapabilities; },
	create(direction, params) {
		const t = direction === 'send' ? state.device.createSendTransport(params) : state.device.createRecvTransport(params);
		t.on('connect', ({ dtlsParameters }, cb, eb) => window.brothSignal('connect', { transportId: t.id, dtlsParameters }).then(() => cb(), eb));
		t.on('produce', ({ kind, rtpParameters }, cb, eb) => window.brothSignal('produce', { transportId: t.id, kind, rtpParameters }).then(cb, eb));
		state.transports.set(direction, t);
	},
	async produceSimulcast(encodings) {
		const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
		const producer = await state.transports.get('send').produce({ track: stream.getVideoTracks()[0], encodings });
		state.producer = producer;
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
			if (s.type === 'outbound-rtp') out.push([s.rid, s.frameWidth, s.qualityLimitationReason, s.bytesSent, s.active, s.encoderImplementation]);
			if (s.type === 'candidate-pair' && s.nominated) out.push(['bwe', s.availableOutgoingBitrate]);
		}
		return JSON.stringify(out);
	},
	/** The sender's outbound-rtp per rid: { rid: { frameWidth, framesEncoded, encoder } }. */
	async outbound() {
		const report = await state.transports.get('send').getStats();
		const out = {};
		for (const s of report.values()) {
			if (s.type === 'outbound-rtp') out[s.rid ?? '-'] = { frameWidth: s.frameWidth ?? 0, framesEncoded: s.framesEncoded ?? 0, encoder: s.encoderImplementation, codecId: s.codecId };
			if (s.type === 'codec') out['codec:' + s.id] = s.mimeType + ' ' + (s.sdpFmtpLine ?? '');
		}
		return out;
	},
	inbound(id) { return inboundOf(id); },
	/** Samples the consumer's inbound-rtp every periodMs until stopSampler (in the page, no round trips). */
	startSampler(id, periodMs) {
		const samples = [];
		const timer = setInterval(() => { inboundOf(id).then((s) => samples.push(s)); }, periodMs);
		state.samplers.set(id, { timer, samples });
	},
	stopSampler(id) {
		const sampler = state.samplers.get(id);
		clearInterval(sampler.timer);
		state.samplers.delete(id);
		return sampler.samples;
	},
};
`;

export interface InboundSample {
	/** getStats timestamp, ms. */
	t: number;
	framesDecoded: number;
	frameWidth: number;
	freezeCount?: number;
	totalFreezesDuration?: number;
	packetsLost?: number;
	packetsReceived?: number;
	pliCount?: number;
	nackCount?: number;
	keyFramesDecoded?: number;
	framesReceived?: number;
	framesDropped?: number;
	decoder?: string;
}

/** The longest time (ms) between two samples with framesDecoded progress, after the first one with frames. */
export function longestDecodeStall(samples: readonly InboundSample[]): { stallMs: number; atMs: number } {
	let last: number | undefined;
	let lastFrames = 0;
	let stallMs = 0;
	let atMs = 0;

	for (const s of samples) {
		if (s.framesDecoded > lastFrames) {
			if (last !== undefined && lastFrames > 0 && s.t - last > stallMs) {
				stallMs = s.t - last;
				atMs = last;
			}
			last = s.t;
			lastFrames = s.framesDecoded;
		}
	}
	// Still stalled at the end counts too.
	const end = samples[samples.length - 1];

	if (end !== undefined && last !== undefined && end.t - last > stallMs) {
		stallMs = end.t - last;
		atMs = last;
	}

	return { stallMs, atMs };
}

export interface CallOptions {
	mediaCodecs: any[];
	/** Route page B's receive transport through a UdpRelay. */
	relay?: boolean;
}

/** One browser, page A sending simulcast, page B receiving it through broth. */
export class SimulcastCall {
	worker!: Worker;
	router!: Router;
	browser!: Browser;
	server!: http.Server;
	url = '';
	pageA!: Page;
	pageB!: Page;
	readonly transports = new Map<string, WebRtcTransport>();
	producer!: Producer;
	consumer!: Consumer;
	sendTransport!: WebRtcTransport;
	recvTransport!: WebRtcTransport;
	relay: UdpRelay | undefined;
	readonly layerEvents: number[] = [];
	/** [Date.now(), spatial layer or -1] per 'layerschange'. */
	readonly layerTimeline: [number, number][] = [];
	readonly #options: CallOptions;

	constructor(options: CallOptions) {
		this.#options = options;
	}

	async start(): Promise<void> {
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

		this.server = http.createServer((req, res) => {
			if (req.url === '/client.js') {
				res.writeHead(200, { 'content-type': 'text/javascript' });
				res.end(bundle);
			} else {
				res.writeHead(200, { 'content-type': 'text/html' });
				res.end('<!doctype html><html><head><script src="/client.js"></script></head><body></body></html>');
			}
		});
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
		this.worker = await mediasoup.createWorker();
		this.router = await this.worker.createRouter({ mediaCodecs: this.#options.mediaCodecs });
		this.browser = await chromium.launch({
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--use-fake-ui-for-media-stream',
				'--use-fake-device-for-media-stream',
				'--allow-loopback-in-peer-connection',
				'--autoplay-policy=no-user-gesture-required',
				'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
				// Three layers from a 640x480 camera (Chromium's legacy limit allows two).
				'--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/',
			],
		});
	}

	async close(): Promise<void> {
		await this.browser?.close();
		this.relay?.close();
		this.worker?.close();
		this.server?.close();
	}

	async #openSide(): Promise<Page> {
		const page = await this.browser.newPage();

		await page.exposeFunction('brothSignal', async (method: string, data: any) => {
			if (method === 'connect') {
				await this.transports.get(data.transportId)!.connect({ dtlsParameters: data.dtlsParameters });
			} else if (method === 'produce') {
				const p = await this.transports.get(data.transportId)!.produce({ kind: data.kind, rtpParameters: data.rtpParameters });

				this.producer = p;

				return { id: p.id };
			}

			return undefined;
		});
		await page.goto(this.url);
		await page.waitForFunction(() => (globalThis as any).brothClient !== undefined);

		return page;
	}

	async #createTransport(page: Page, direction: 'send' | 'recv', viaRelay: boolean): Promise<WebRtcTransport> {
		const t = await this.router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] } as any);
		let iceCandidates = t.iceCandidates;

		this.transports.set(t.id, t);
		if (viaRelay) {
			// The browser is told the relay's port instead of the transport's.
			this.relay = await UdpRelay.create(t.iceCandidates[0]!.port);
			iceCandidates = t.iceCandidates.map((c) => ({ ...c, port: this.relay!.port }));
		}
		await call(page, 'create', direction, {
			id: t.id,
			iceParameters: t.iceParameters,
			iceCandidates,
			dtlsParameters: t.dtlsParameters,
		});

		return t;
	}

	/** Opens both pages, A produces with `encodings`, B consumes (through the relay if asked). */
	async connect(encodings: any[]): Promise<void> {
		this.pageA = await this.#openSide();
		this.pageB = await this.#openSide();
		await call<any>(this.pageA, 'load', this.router.rtpCapabilities);

		const capsB = await call<any>(this.pageB, 'load', this.router.rtpCapabilities);

		this.sendTransport = await this.#createTransport(this.pageA, 'send', false);
		await call(this.pageA, 'produceSimulcast', encodings);
		this.recvTransport = await this.#createTransport(this.pageB, 'recv', this.#options.relay === true);
		this.consumer = await this.recvTransport.consume({ producerId: this.producer.id, rtpCapabilities: capsB, paused: false });
		this.consumer.on('layerschange', (layers) => {
			this.layerEvents.push(layers ? layers.spatialLayer : -1);
			this.layerTimeline.push([Date.now(), layers ? layers.spatialLayer : -1]);
		});
		await call(this.pageB, 'consume', {
			id: this.consumer.id,
			producerId: this.producer.id,
			kind: this.consumer.kind,
			rtpParameters: this.consumer.rtpParameters,
		});
	}

	inbound(): Promise<InboundSample> {
		return call(this.pageB, 'inbound', this.consumer.id);
	}

	startSampler(periodMs = 100): Promise<void> {
		return call(this.pageB, 'startSampler', this.consumer.id, periodMs);
	}

	stopSampler(): Promise<InboundSample[]> {
		return call(this.pageB, 'stopSampler', this.consumer.id);
	}

	/** A one-line picture of the state for assertion messages. */
	async describe(): Promise<string> {
		return [
			`current ${JSON.stringify(this.consumer.currentLayers)}`,
			`layers ${this.layerEvents.join(',')}`,
			`B ${JSON.stringify(await this.inbound())}`,
			`producer ${JSON.stringify((await this.producer.getStats()).map((s: any) => [s.rid, s.bitrate, s.packetCount, s.score]))}`,
			`A ${await call(this.pageA, 'senderStats')}`,
			this.relay ? `relay ${JSON.stringify(this.relay.stats)}` : '',
		].join('; ');
	}
}
