/**
 * broth/v1 with real endpoints (issue 7 acceptance): the v1-style application of ./app.ts
 * (written only against `broth/v1` and sdp-transform) carries page A's fake camera and
 * microphone to page B, two headless Chromium pages speaking plain RTCPeerConnection with SDP
 * offer/answer (unified plan, one connection per direction as v1 endpoints had). Runs inside
 * netns-run (see ./netns.ts).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Peer, RtpSender, Transport } from 'broth/v1';
import { launchChromium } from '../e2e/harness';
import { createApp, type App } from './app';
import { insideNetns, serve, sleep, until } from './netns';

/** The page: plain WebRTC, no client library. `window.signal(method, data)` reaches the app. */
const PAGE_SCRIPT = `
window.endpoint = {
	pc: undefined,
	async send() {
		const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
		const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
		for (const track of stream.getTracks()) {
			pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
		}
		const offer = await pc.createOffer();
		await pc.setLocalDescription(offer);
		const answer = await window.signal('sendOffer', offer.sdp);
		await pc.setRemoteDescription({ type: 'answer', sdp: answer });
		this.pc = pc;
		return pc.getTransceivers().map((t) => t.mid + ':' + t.sender.track.kind);
	},
	async receive() {
		// What this browser can receive, told once by an offer that is never applied.
		const probe = new RTCPeerConnection();
		probe.addTransceiver('audio', { direction: 'recvonly' });
		probe.addTransceiver('video', { direction: 'recvonly' });
		const capabilities = await probe.createOffer();
		probe.close();
		await window.signal('recvCapabilities', capabilities.sdp);

		const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
		this.pc = pc;
		this.tracks = [];
		pc.ontrack = ({ track, streams }) => {
			this.tracks.push({ kind: track.kind, stream: streams[0] ? streams[0].id : '' });
			// A sink makes Chromium decode (and play) the track.
			const element = document.createElement(track.kind);
			element.muted = true;
			element.autoplay = true;
			element.srcObject = new MediaStream([track]);
			document.body.appendChild(element);
			element.play().catch(() => {});
		};
		const offer = await window.signal('recvOffer');
		await pc.setRemoteDescription({ type: 'offer', sdp: offer });
		const answer = await pc.createAnswer();
		await pc.setLocalDescription(answer);
		await window.signal('recvAnswer', answer.sdp);
		return this.tracks;
	},
	async inbound() {
		const result = {};
		if (!this.pc) return result;
		for (const s of (await this.pc.getStats()).values()) {
			if (s.type === 'inbound-rtp') {
				result[s.kind] = { packetsReceived: s.packetsReceived || 0, packetsLost: s.packetsLost || 0,
					...(s.kind === 'video' ? { framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth }
						: { totalSamplesReceived: s.totalSamplesReceived || 0 }) };
			}
		}
		return result;
	},
	state() {
		return this.pc ? this.pc.connectionState : 'none';
	},
};
`;

type Inbound = { audio?: { packetsReceived: number; totalSamplesReceived: number }; video?: { framesDecoded: number; packetsReceived: number; frameWidth?: number } };

if (insideNetns(__filename, 'broth/v1 between two Chromium pages with plain RTCPeerConnection', 150)) {
	let app: App;
	let browser: Browser;
	let site: { url: string; close(): Promise<void> };
	let alice: Peer;
	let bob: Peer;
	let pageA: Page;
	let pageB: Page;

	before(async () => {
		site = await serve('<!doctype html><html><head><script src="/client.js"></script></head><body></body></html>', PAGE_SCRIPT);
		app = createApp();
		browser = await launchChromium();
	});

	after(async () => {
		await browser?.close();
		await site?.close();
		app?.close();
	});

	/** A page whose `signal` calls reach the app on behalf of `peer`. */
	async function openEndpoint(peer: Peer): Promise<Page> {
		const page = await browser.newPage();
		let recvTransport: Transport | undefined;

		await page.exposeFunction('signal', async (method: string, data: string) => {
			switch (method) {
				case 'sendOffer':
					return app.onSendOffer(peer, data);
				case 'recvCapabilities':
					recvTransport = await app.onRecvCapabilities(peer, data);

					return undefined;
				case 'recvOffer':
					return app.offerFor(peer, recvTransport!);
				case 'recvAnswer':
					await app.onRecvAnswer(recvTransport!, data);

					return undefined;
				default:
					throw new Error(`unknown method ${method}`);
			}
		});
		await page.goto(site.url);
		await page.waitForFunction(() => (globalThis as any).endpoint !== undefined);

		return page;
	}

	test('page A sends camera and microphone: peer A gets two RtpReceivers, its transport connects', { timeout: 60_000 }, async () => {
		const newPeers: string[] = [];

		app.room.on('newpeer', (peer: Peer) => newPeers.push(peer.name));
		alice = app.room.Peer('alice');
		assert.deepEqual(newPeers, ['alice']);
		pageA = await openEndpoint(alice);

		const mids: string[] = await pageA.evaluate(() => (globalThis as any).endpoint.send());

		assert.equal(mids.length, 2, JSON.stringify(mids));
		assert.deepEqual(alice.rtpReceivers.map((r) => r.kind).sort(), ['audio', 'video']);
		for (const receiver of alice.rtpReceivers) {
			assert.ok(receiver.rtpParameters, `${receiver.kind} receiving`);
			assert.ok(mids.includes(`${receiver.rtpParameters!.muxId}:${receiver.kind}`), JSON.stringify(mids));
		}

		const [transport] = alice.transports;

		assert.equal(alice.transports.length, 1);
		assert.ok(await until(() => transport!.dtlsState === 'connected', 20_000), `dtls ${transport!.dtlsState}`);
		assert.ok(await until(async () => (await pageA.evaluate(() => (globalThis as any).endpoint.state())) === 'connected', 10_000));
	});

	test('page B joins after A: newrtpsender for each of A\'s receivers; A\'s camera and microphone decoded in B', { timeout: 60_000 }, async () => {
		bob = app.room.Peer('bob');

		const senders: RtpSender[] = [];

		bob.on('newrtpsender', (sender: RtpSender) => senders.push(sender));
		pageB = await openEndpoint(bob);

		const tracks: { kind: string; stream: string }[] = await pageB.evaluate(() => (globalThis as any).endpoint.receive());

		// One sender per receiver of A, associated with it; none for B's own (it sends nothing).
		assert.equal(senders.length, 2);
		assert.deepEqual(senders.map((s) => s.kind).sort(), ['audio', 'video']);
		for (const sender of senders) {
			assert.equal(sender.associatedPeer, alice);
			assert.ok(alice.rtpReceivers.includes(sender.associatedRtpReceiver));
			assert.equal(sender.associatedRtpReceiver.kind, sender.kind);
			assert.equal(sender.peer, bob);
			assert.equal(sender.transport, bob.transports[0]);
			assert.equal(sender.active, true);
		}
		assert.deepEqual(bob.rtpSenders, senders);
		// The msid of the server's offer names A as the stream of both tracks.
		assert.deepEqual(tracks.map((t) => t.kind).sort(), ['audio', 'video']);
		assert.ok(tracks.every((t) => t.stream === 'alice'), JSON.stringify(tracks));

		const inbound = (): Promise<Inbound> => pageB.evaluate(() => (globalThis as any).endpoint.inbound());

		assert.ok(
			await until(async () => ((await inbound()).video?.framesDecoded ?? 0) > 10, 20_000),
			`no video decoded in B: ${JSON.stringify(await inbound())}`,
		);
		assert.ok(
			await until(async () => ((await inbound()).audio?.packetsReceived ?? 0) > 50, 10_000),
			`no audio received in B: ${JSON.stringify(await inbound())}`,
		);
		await sleep(500);

		const stats = await inbound();

		console.log(`figure: page B from page A through broth/v1: ${JSON.stringify(stats)}`);
		assert.ok((stats.video?.frameWidth ?? 0) >= 160, JSON.stringify(stats));
		// The Opus decoder ran (samples out, not only packets in).
		assert.ok((stats.audio?.totalSamplesReceived ?? 0) > 0, JSON.stringify(stats));
		assert.equal(bob.transports[0]!.dtlsState, 'connected');
	});

	test('closing the room closes both peers (once each) and page B stops receiving', { timeout: 30_000 }, async () => {
		const closed: string[] = [];
		const inbound = async (): Promise<number> =>
			((await pageB.evaluate(() => (globalThis as any).endpoint.inbound())) as Inbound).video?.packetsReceived ?? 0;

		const receivers = alice.rtpReceivers;
		const senders = bob.rtpSenders;
		const transports = [...alice.transports, ...bob.transports];

		alice.on('close', () => closed.push('alice'));
		bob.on('close', () => closed.push('bob'));
		const objects = [...receivers, ...senders, ...transports] as unknown as { closed: boolean; on(event: 'close', fn: () => void): unknown }[];

		for (const object of objects) {
			object.on('close', () => closed.push(object.constructor.name));
		}
		app.room.close();
		const expected = ['RtpReceiver', 'RtpReceiver', 'RtpSender', 'RtpSender', 'Transport', 'Transport', 'alice', 'bob'];

		assert.equal(objects.length, 6);
		assert.deepEqual(closed.sort(), expected);
		assert.ok(alice.closed && bob.closed);
		assert.ok(objects.every((o) => o.closed));
		assert.deepEqual([alice.rtpReceivers, alice.transports, bob.rtpSenders, bob.transports], [[], [], [], []]);
		// Packets in flight and Chromium's stats cache (~200 ms) settle first.
		await sleep(800);

		const before = await inbound();

		await sleep(1000);
		assert.ok((await inbound()) - before <= 2, 'B still receives video after the room closed');
		assert.deepEqual(closed.sort(), expected);
	});
}
