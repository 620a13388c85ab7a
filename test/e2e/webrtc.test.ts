/**
 * Headless Chromium with unmodified mediasoup-client against broth (issue 5 acceptance). The
 * browser gathers candidates on every interface and resolves Google hosts, so everything runs in
 * a fresh network namespace with only loopback: run under `node --test`, this file re-executes
 * itself inside ../shared/tools/netns-run (root, or a user namespace), server and browser both.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import type { Producer } from '../../src/api/Producer';
import type { Consumer } from '../../src/api/Consumer';
import type { RtpCapabilities } from '../../src/ortc/rtpParametersTypes';
import { NETNS_RUN, REPO_ROOT, call, launchChromium, median, openPage, servePage } from './harness';

const INSIDE = process.env['BROTH_E2E_NETNS'] === '1';

if (!INSIDE) {
	test('Chromium + mediasoup-client end to end (inside netns-run)', { timeout: 400_000 }, async (t) => {
		const child = spawn(NETNS_RUN, ['-t', '360', process.execPath, '--test-reporter=spec', __filename], {
			cwd: REPO_ROOT,
			// Without NODE_TEST_CONTEXT the child reports in text (not to this runner's protocol).
			env: { ...withoutTestContext(process.env), BROTH_E2E_NETNS: '1' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';

		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));

		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

		for (const line of output.split('\n')) {
			if (line.includes('figure:') || /^\s*[✔✖]/.test(line)) {
				t.diagnostic(line.trim());
			}
		}
		assert.equal(code, 0, output);
	});
} else {
	defineTests();
}

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const copy = { ...env };

	delete copy['NODE_TEST_CONTEXT'];

	return copy;
}

type Side = {
	page: Page;
	transports: Map<string, WebRtcTransport>;
	rtpCapabilities: RtpCapabilities;
};

function defineTests(): void {
	let worker: Worker;
	let router: Router;
	let browser: Browser;
	let site: { url: string; close(): Promise<void> };
	const producers = new Map<string, Producer>();
	const consumers = new Map<string, Consumer>();

	before(async () => {
		worker = await mediasoup.createWorker({ logLevel: 'warn' });
		router = await worker.createRouter({
			mediaCodecs: [
				{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
				{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
			],
		});
		site = await servePage();
		browser = await launchChromium();
	});

	after(async () => {
		await browser?.close();
		await site?.close();
		worker?.close();
	});

	async function openSide(): Promise<Side> {
		const transports = new Map<string, WebRtcTransport>();
		const page = await openPage(browser, site.url, async (method, data) => {
			const transport = transports.get(data.transportId)!;

			switch (method) {
				case 'connect':
					await transport.connect({ dtlsParameters: data.dtlsParameters });

					return undefined;

				case 'produce': {
					const producer = await transport.produce({ kind: data.kind, rtpParameters: data.rtpParameters });

					producers.set(producer.id, producer);

					return { id: producer.id };
				}

				default:
					return undefined;
			}
		});
		const { handlerName, rtpCapabilities } = await call<{ handlerName: string; rtpCapabilities: RtpCapabilities }>(
			page,
			'load',
			router.rtpCapabilities,
		);

		assert.match(handlerName, /^Chrome/);

		return { page, transports, rtpCapabilities };
	}

	async function createTransport(side: Side, direction: 'send' | 'recv', tcpOnly = false): Promise<WebRtcTransport> {
		const transport = await router.createWebRtcTransport(
			tcpOnly
				? { listenInfos: [{ protocol: 'tcp', ip: '127.0.0.1' }], enableUdp: false }
				: { listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }, { protocol: 'tcp', ip: '127.0.0.1' }], preferUdp: true },
		);

		side.transports.set(transport.id, transport);
		await call(side.page, direction === 'send' ? 'createSendTransport' : 'createRecvTransport', {
			id: transport.id,
			iceParameters: transport.iceParameters,
			iceCandidates: transport.iceCandidates,
			dtlsParameters: transport.dtlsParameters,
		});

		return transport;
	}

	test('page A produces fake camera and microphone: ICE completes, DTLS connects, SRTP decrypts', { timeout: 60_000 }, async () => {
		const a = await openSide();
		const sendTransport = await createTransport(a, 'send');
		const iceStates: string[] = [];
		const dtlsStates: string[] = [];

		sendTransport.on('icestatechange', (s) => iceStates.push(s));
		sendTransport.on('dtlsstatechange', (s) => dtlsStates.push(s));
		await call(a.page, 'getUserMedia');

		const video = await call<{ id: string; t0: number }>(a.page, 'produce', 'video');
		const audio = await call<{ id: string; t0: number }>(a.page, 'produce', 'audio');

		assert.ok(producers.has(video.id) && producers.has(audio.id));

		const deadline = Date.now() + 10_000;

		while (Date.now() < deadline && sendTransport.dtlsState !== 'connected') {
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		assert.equal(sendTransport.dtlsState, 'connected', `ice ${iceStates} dtls ${dtlsStates}`);
		// Chromium may check once before nominating (connected), then nominates (completed).
		assert.equal(iceStates.at(-1), 'completed');
		assert.ok(!iceStates.includes('disconnected'));
		assert.deepEqual(dtlsStates, ['connecting', 'connected']);
		assert.equal(sendTransport.dtlsParameters.role, 'server');
		assert.match(sendTransport.dtlsRemoteCert ?? '', /BEGIN CERTIFICATE/);

		await new Promise((resolve) => setTimeout(resolve, 1000));

		const stats = (await sendTransport.getStats())[0] as any;

		console.log(`figure: DTLS handshake with Chromium (worker side, server role): ${stats.dtlsHandshakeMs.toFixed(1)} ms`);
		assert.ok(stats.refused.rtpPacketsReceived > 20, JSON.stringify(stats.refused));
		assert.equal(stats.refused.srtpAuthFailures, 0);
		await a.page.close();
		sendTransport.close();
	});

	void consumers;
}
