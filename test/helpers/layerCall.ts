/**
 * A two-page Chromium call through broth for the layer tests (test/simulcast, test/svc,
 * test/svc-av1): page A produces a camera track with the encodings given (simulcast or SVC),
 * page B consumes it; B's inbound-rtp is read or sampled in the page. Built on ./browser.ts;
 * test/simulcast/browser.ts (`SimulcastCall`) and test/svc/call.ts (`LayerCall`) shape it for
 * their tests.
 */
import type { Browser, Page } from 'playwright-core';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import type { Producer } from '../../src/api/Producer';
import type { Consumer } from '../../src/api/Consumer';
import { SIMULCAST_LAYERS_ARG, call, launchChromium, openPage, serveClient, type Site } from './browser';

const CLIENT = `
import { Device } from 'mediasoup-client';
const state = { transports: new Map(), consumers: new Map(), samplers: new Map() };
async function inboundOf(id) {
	const report = await state.consumers.get(id).getStats();
	for (const s of report.values()) {
		if (s.type === 'inbound-rtp') {
			return { t: s.timestamp, framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth ?? 0, frameHeight: s.frameHeight ?? 0,
				freezeCount: s.freezeCount, totalFreezesDuration: s.totalFreezesDuration,
				packetsLost: s.packetsLost ?? 0, packetsReceived: s.packetsReceived ?? 0,
				pliCount: s.pliCount ?? 0, nackCount: s.nackCount ?? 0, keyFramesDecoded: s.keyFramesDecoded ?? 0,
				framesReceived: s.framesReceived, framesDropped: s.framesDropped,
				decoder: s.decoderImplementation };
		}
	}
	return { t: performance.timeOrigin + performance.now(), framesDecoded: 0, frameWidth: 0, frameHeight: 0 };
}
window.brothClient = {
	async load(caps) { state.device = new Device(); await state.device.load({ routerRtpCapabilities: caps }); return state.device.rtpCapabilities; },
	create(direction, params) {
		const t = direction === 'send' ? state.device.createSendTransport(params) : state.device.createRecvTransport(params);
		t.on('connect', ({ dtlsParameters }, cb, eb) => window.brothSignal('connect', { transportId: t.id, dtlsParameters }).then(() => cb(), eb));
		t.on('produce', ({ kind, rtpParameters }, cb, eb) => window.brothSignal('produce', { transportId: t.id, kind, rtpParameters }).then(cb, eb));
		state.transports.set(direction, t);
	},
	async produce(encodings, width, height) {
		const stream = await navigator.mediaDevices.getUserMedia({ video: { width, height } });
		const producer = await state.transports.get('send').produce({ track: stream.getVideoTracks()[0], encodings });
		state.producer = producer;
		return producer.id;
	},
	produceSimulcast(encodings) { return window.brothClient.produce(encodings, 640, 480); },
	async consume({ id, producerId, kind, rtpParameters }) {
		const consumer = await state.transports.get('recv').consume({ id, producerId, kind, rtpParameters });
		state.consumers.set(id, consumer);
		const v = document.createElement('video');
		v.muted = true; v.autoplay = true; v.playsInline = true;
		v.srcObject = new MediaStream([consumer.track]);
		document.body.appendChild(v);
		v.play().catch(() => {});
	},
	/** The sender's outbound-rtp rows and its send estimate, for figures and assertion messages. */
	async senderStats() {
		const report = await state.transports.get('send').getStats();
		const out = [];
		for (const s of report.values()) {
			if (s.type === 'outbound-rtp') out.push([s.rid, s.frameWidth, s.frameHeight, s.scalabilityMode, s.qualityLimitationReason, s.bytesSent, s.active, s.encoderImplementation]);
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
	frameHeight: number;
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

/** Frames per second decoded between two samples. */
export function decodedFps(a: InboundSample, b: InboundSample): number {
	return ((b.framesDecoded - a.framesDecoded) * 1000) / Math.max(1, b.t - a.t);
}

/** One Chromium with pages A (sending) and B (receiving) per call, over one broth worker. */
export class TwoPageCall {
	worker!: Worker;
	router!: Router;
	browser!: Browser;
	url = '';
	pageA!: Page;
	pageB!: Page;
	readonly transports = new Map<string, WebRtcTransport>();
	producer!: Producer;
	consumer!: Consumer;
	sendTransport!: WebRtcTransport;
	recvTransport!: WebRtcTransport;
	#site: Site | undefined;

	async start(): Promise<void> {
		this.#site = await serveClient(CLIENT, 'layer-client.js');
		this.url = this.#site.url;
		this.worker = await mediasoup.createWorker();
		this.browser = await launchChromium([SIMULCAST_LAYERS_ARG]);
	}

	async close(): Promise<void> {
		await this.browser?.close();
		this.worker?.close();
		await this.#site?.close();
	}

	async #openSide(): Promise<Page> {
		return openPage(this.browser, this.url, async (method, data) => {
			if (method === 'connect') {
				await this.transports.get(data.transportId)!.connect({ dtlsParameters: data.dtlsParameters });
			} else if (method === 'produce') {
				const p = await this.transports.get(data.transportId)!.produce({ kind: data.kind, rtpParameters: data.rtpParameters });

				this.producer = p;

				return { id: p.id };
			}

			return undefined;
		});
	}

	/** The candidates page B's receive transport is told (a relay in between changes the port). */
	protected async recvCandidates(transport: WebRtcTransport): Promise<WebRtcTransport['iceCandidates']> {
		return transport.iceCandidates;
	}

	async #createTransport(page: Page, direction: 'send' | 'recv'): Promise<WebRtcTransport> {
		const t = await this.router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] } as any);

		this.transports.set(t.id, t);
		await call(page, 'create', direction, {
			id: t.id,
			iceParameters: t.iceParameters,
			iceCandidates: direction === 'recv' ? await this.recvCandidates(t) : t.iceCandidates,
			dtlsParameters: t.dtlsParameters,
		});

		return t;
	}

	/** Called on the consumer's 'layerschange'. */
	protected onLayersChange(_layers: { spatialLayer: number; temporalLayer?: number } | undefined): void {}

	/**
	 * Pages A and B on `this.router`; A produces its camera at width x height with `encodings`,
	 * B consumes it (with `preferredLayers` if given).
	 */
	protected async open(
		encodings: any[],
		size: { width: number; height: number },
		preferredLayers?: { spatialLayer: number; temporalLayer?: number },
	): Promise<void> {
		this.pageA = await this.#openSide();
		this.pageB = await this.#openSide();
		await call<any>(this.pageA, 'load', this.router.rtpCapabilities);

		const capsB = await call<any>(this.pageB, 'load', this.router.rtpCapabilities);

		this.sendTransport = await this.#createTransport(this.pageA, 'send');
		await call(this.pageA, 'produce', encodings, size.width, size.height);
		this.recvTransport = await this.#createTransport(this.pageB, 'recv');
		this.consumer = await this.recvTransport.consume({
			producerId: this.producer.id,
			rtpCapabilities: capsB,
			paused: false,
			preferredLayers,
		});
		this.consumer.on('layerschange', (layers) => this.onLayersChange(layers));
		await call(this.pageB, 'consume', {
			id: this.consumer.id,
			producerId: this.producer.id,
			kind: this.consumer.kind,
			rtpParameters: this.consumer.rtpParameters,
		});
	}

	/** Closes this call's pages and router (the browser and worker stay for the next). */
	async hangUp(): Promise<void> {
		await this.pageA?.close();
		await this.pageB?.close();
		this.router?.close();
		this.transports.clear();
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

	/** Producer per-layer bitrates ('s.t': kbps) of its first stream. */
	async producerLayers(): Promise<Record<string, number>> {
		const stats = (await this.producer.getStats()) as any[];
		const out: Record<string, number> = {};

		for (const [layer, bps] of Object.entries(stats[0]?.bitrateByLayer ?? {})) {
			out[layer] = Math.round((bps as number) / 1000);
		}

		return out;
	}

	/** A one-line picture of the state for assertion messages; `layers` as the subclass keeps them. */
	protected async describeWith(layers: string, extra: string[]): Promise<string> {
		return [
			`current ${JSON.stringify(this.consumer.currentLayers)}`,
			`layers ${layers}`,
			`B ${JSON.stringify(await this.inbound())}`,
			`producer ${JSON.stringify((await this.producer.getStats()).map((s: any) => [s.rid, s.bitrate, s.packetCount, s.score]))}`,
			...extra,
			`A ${await call(this.pageA, 'senderStats')}`,
		].join('; ');
	}
}
