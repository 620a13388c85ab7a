/**
 * RTP observers on live audio (issue 6 acceptance): Chromium's fake microphone, a short beep
 * every half second, sends Opus with the RFC 6464 ssrc-audio-level extension through the
 * unmodified mediasoup-client to a WebRtcTransport; an AudioLevelObserver and an
 * ActiveSpeakerObserver watch that producer. Runs inside netns-run (see ../v1-browser/netns.ts).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import type { Producer } from '../../src/api/Producer';
import { launchChromium, openPage, serveClient, withoutTransportCc } from '../helpers/browser';
import { insideNetns, sleep, until } from '../v1-browser/netns';

/** The page: mediasoup-client, a send transport, the microphone produced. */
const CLIENT_SOURCE = `
import { Device } from 'mediasoup-client';

let device;
let send;

window.client = {
	async load(routerRtpCapabilities) {
		device = new Device();
		await device.load({ routerRtpCapabilities });
		return device.handlerName;
	},
	createSendTransport(params) {
		send = device.createSendTransport(params);
		send.on('connect', ({ dtlsParameters }, callback, errback) => {
			window.signal('connect', { dtlsParameters }).then(() => callback(), errback);
		});
		send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
			window.signal('produce', { kind, rtpParameters }).then(callback, errback);
		});
	},
	async produceMicrophone() {
		// The beep as it is: no echo canceller, noise suppressor or gain control reshaping it.
		const stream = await navigator.mediaDevices.getUserMedia({
			audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
		});
		const producer = await send.produce({ track: stream.getAudioTracks()[0] });
		return producer.rtpParameters.headerExtensions.map((h) => h.uri);
	},
};
`;

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

if (insideNetns(__filename, 'AudioLevelObserver and ActiveSpeakerObserver on Chromium\'s fake microphone', 150)) {
	let worker: Worker;
	let router: Router;
	let browser: Browser;
	let site: { url: string; close(): Promise<void> };
	let page: Page;
	let transport: WebRtcTransport;
	let producer: Producer;

	before(async () => {
		site = await serveClient(CLIENT_SOURCE, 'observers-client.js');
		worker = await mediasoup.createWorker({ logLevel: 'warn' });
		router = await worker.createRouter({
			mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
		});
		browser = await launchChromium();
	});

	after(async () => {
		await browser?.close();
		await site?.close();
		worker?.close();
	});

	test('the fake microphone is produced with ssrc-audio-level', { timeout: 60_000 }, async () => {
		transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
		page = await openPage(
			browser,
			site.url,
			async (method, data) => {
				if (method === 'connect') {
					await transport.connect({ dtlsParameters: data.dtlsParameters });

					return undefined;
				}

				producer = await transport.produce({ kind: data.kind, rtpParameters: data.rtpParameters });

				return { id: producer.id };
			},
			{ signal: 'signal', client: 'client' },
		);

		// The router's capabilities without transport-cc, as in test/e2e/webrtc.test.ts: the worker
		// answers goog-remb only, and Chromium without transport-cc feedback starves its sender.
		const handlerName = await page.evaluate((caps) => (globalThis as any).client.load(caps), withoutTransportCc(router.rtpCapabilities));

		assert.match(handlerName, /^Chrome/);
		await page.evaluate(
			(params) => (globalThis as any).client.createSendTransport(params),
			{ id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters },
		);

		const uris: string[] = await page.evaluate(() => (globalThis as any).client.produceMicrophone());

		assert.ok(uris.includes(AUDIO_LEVEL_URI), JSON.stringify(uris));
		assert.equal(producer.kind, 'audio');
		assert.ok(producer.rtpParameters.headerExtensions?.some((h) => h.uri === AUDIO_LEVEL_URI));
		assert.ok(await until(() => transport.dtlsState === 'connected', 20_000), `dtls ${transport.dtlsState}`);
		assert.ok(
			await until(async () => ((await producer.getStats())[0] as any)?.packetCount > 50, 20_000),
			'no audio reached the producer',
		);
	});

	/**
	 * The fake microphone beeps about 20 ms (one or two 20 ms Opus packets, loud: roughly -13 dBov by the averages below)
	 * every 500 ms, and is digital silence (level 127) in between. The observer averages the
	 * packets' levels over its interval, as mediasoup does, so a 250 ms interval holding a beep
	 * reads about -108 dBov (-116 to -120 when a beep straddles two intervals, or falls in one with
	 * more packets under load) and one without reads exactly -127: a threshold of -60 would never
	 * be reached, -124 splits the two.
	 */
	test('volumes during the beeps, silence between them; the ActiveSpeakerObserver names the producer', { timeout: 60_000 }, async () => {
		const alo = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -124, interval: 250 });
		// The same producer measured with no threshold: the level of every interval.
		const meter = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -127, interval: 250 });
		const aso = await router.createActiveSpeakerObserver({ interval: 300 });
		const events: ('volumes' | 'silence')[] = [];
		const volumes: number[] = [];
		const levels: number[] = [];
		const dominant: Producer[] = [];

		alo.on('volumes', (entries) => {
			assert.equal(entries.length, 1);
			assert.equal(entries[0]!.producer, producer);
			events.push('volumes');
			volumes.push(entries[0]!.volume);
		});
		alo.on('silence', () => events.push('silence'));
		meter.on('volumes', (entries) => levels.push(entries[0]!.volume));
		aso.on('dominantspeaker', ({ producer: p }) => dominant.push(p));
		await alo.addProducer({ producerId: producer.id });
		await meter.addProducer({ producerId: producer.id });
		await aso.addProducer({ producerId: producer.id });

		// volumes -> silence -> volumes ... : how many times the observer switched.
		const switches = (): number => events.filter((e, i) => i > 0 && e !== events[i - 1]).length;

		// ~5 s on an idle machine (two switches a beep); up to 15 s when the machine is loaded.
		const started = Date.now();

		await sleep(5000);
		await until(() => switches() >= 8, 10_000);
		console.log(
			`figure: fake microphone over ${Date.now() - started} ms: ${events.filter((e) => e === 'volumes').length} volumes ` +
				`(${Math.max(...volumes)}..${Math.min(...volumes)} dBov), ${events.filter((e) => e === 'silence').length} silence; ` +
				`levels per 250 ms: ${levels.join(' ')}`,
		);

		const detail = JSON.stringify({ events, volumes, levels });

		assert.ok(switches() >= 8, `volumes and silence did not alternate: ${detail}`);
		// Each 'silence' follows volumes (it is said once, when the last volumes stop).
		assert.equal(events[0], 'volumes', detail);
		for (let i = 1; i < events.length; i++) {
			assert.ok(!(events[i] === 'silence' && events[i - 1] === 'silence'), detail);
		}
		// The beeps: well above digital silence, well below a full-scale tone.
		assert.ok(volumes.every((v) => v >= -124 && v <= -60), detail);
		// Between them: the microphone is digital silence (the meter hears -127, not missing packets).
		assert.ok(levels.filter((l) => l === -127).length >= 4, detail);
		assert.ok(levels.filter((l) => l >= -124).length >= 4, detail);

		// A lone producer takes the floor at once (as in mediasoup), and nobody else is named.
		assert.ok(await until(() => dominant.length > 0, 5000), 'no dominantspeaker');
		assert.ok(dominant.every((p) => p === producer), 'dominantspeaker named another producer');
		assert.equal(dominant.length, 1);

		router.close();
		assert.ok(alo.closed && meter.closed && aso.closed);
	});
}
