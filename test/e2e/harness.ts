/**
 * The page of test/e2e (audio and video producers and consumers, ICE restarts, the send
 * estimate) on the shared Chromium + mediasoup-client harness, ../helpers/browser.ts, whose
 * names are re-exported here for the tests that import them from this file.
 */
import { bundle, serveClient, type Site } from '../helpers/browser';

export {
	NETNS_RUN,
	REPO_ROOT,
	call,
	launchChromium,
	median,
	openPage,
	type SignalHandler,
} from '../helpers/browser';

/** The page side: plain browser JavaScript, bundled with mediasoup-client. */
const CLIENT_SOURCE = `
import { Device } from 'mediasoup-client';

const state = { device: undefined, send: undefined, recv: undefined, stream: undefined,
	producers: new Map(), consumers: new Map(), elements: new Map() };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function wire(transport) {
	transport.on('connect', ({ dtlsParameters }, callback, errback) => {
		window.brothSignal('connect', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
	});
	transport.on('connectionstatechange', (connectionState) => {
		window.brothSignal('connectionstatechange', { transportId: transport.id, connectionState });
	});
}

window.brothClient = {
	async load(routerRtpCapabilities) {
		state.device = new Device();
		await state.device.load({ routerRtpCapabilities });
		return { handlerName: state.device.handlerName, rtpCapabilities: state.device.rtpCapabilities };
	},
	createSendTransport(params) {
		const transport = state.device.createSendTransport(params);
		wire(transport);
		transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
			window.brothSignal('produce', { transportId: transport.id, kind, rtpParameters }).then(callback, errback);
		});
		state.send = transport;
	},
	createRecvTransport(params) {
		const transport = state.device.createRecvTransport(params);
		wire(transport);
		state.recv = transport;
	},
	async getUserMedia() {
		state.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
	},
	async produce(kind) {
		const source = kind === 'video' ? state.stream.getVideoTracks()[0] : state.stream.getAudioTracks()[0];
		const t0 = Date.now();
		const producer = await state.send.produce({ track: source.clone() });
		state.producers.set(producer.id, producer);
		return { id: producer.id, t0 };
	},
	closeProducer(id) {
		state.producers.get(id)?.close();
		state.producers.delete(id);
	},
	async consume({ id, producerId, kind, rtpParameters }) {
		const consumer = await state.recv.consume({ id, producerId, kind, rtpParameters });
		state.consumers.set(id, consumer);
		// A sink makes Chromium decode (and play) the track.
		const element = document.createElement(kind === 'video' ? 'video' : 'audio');
		element.muted = true;
		element.autoplay = true;
		element.playsInline = true;
		element.srcObject = new MediaStream([consumer.track]);
		document.body.appendChild(element);
		element.play().catch(() => {});
		state.elements.set(id, element);
	},
	closeConsumer(id) {
		state.consumers.get(id)?.close();
		state.consumers.delete(id);
		state.elements.get(id)?.remove();
		state.elements.delete(id);
	},
	async inbound(consumerId) {
		const consumer = state.consumers.get(consumerId);
		if (!consumer) return undefined;
		const report = await consumer.getStats();
		for (const s of report.values()) {
			if (s.type === 'inbound-rtp') {
				return { framesDecoded: s.framesDecoded ?? 0, keyFramesDecoded: s.keyFramesDecoded ?? 0,
					packetsReceived: s.packetsReceived ?? 0, packetsLost: s.packetsLost ?? 0,
					bytesReceived: s.bytesReceived ?? 0, totalSamplesReceived: s.totalSamplesReceived ?? 0,
					frameWidth: s.frameWidth, nackCount: s.nackCount ?? 0, pliCount: s.pliCount ?? 0 };
			}
		}
		return { framesDecoded: 0, keyFramesDecoded: 0, packetsReceived: 0, packetsLost: 0, bytesReceived: 0,
			totalSamplesReceived: 0, nackCount: 0, pliCount: 0 };
	},
	/** Polls (10 ms) until the consumer's inbound-rtp field exceeds 'above'; the Date.now() then, or undefined. */
	async waitInbound(consumerId, field, above, timeoutMs) {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const s = await window.brothClient.inbound(consumerId);
			if (s && s[field] > above) return Date.now();
			await sleep(10);
		}
		return undefined;
	},
	async restartIce(which, iceParameters) {
		await state[which].restartIce({ iceParameters });
	},
	/** Chromium's own send-side estimate on a transport (candidate-pair availableOutgoingBitrate), bps. */
	async availableOutgoingBitrate(which) {
		const report = await state[which].getStats();
		for (const s of report.values()) {
			if (s.type === 'candidate-pair' && s.nominated && typeof s.availableOutgoingBitrate === 'number') {
				return s.availableOutgoingBitrate;
			}
		}
		return undefined;
	},
	async selectedPair(which) {
		const report = await state[which].getStats();
		for (const s of report.values()) {
			if (s.type === 'transport' && s.selectedCandidatePairId) {
				const pair = report.get(s.selectedCandidatePairId);
				const remote = pair && report.get(pair.remoteCandidateId);
				return remote ? { protocol: remote.protocol, port: remote.port } : undefined;
			}
		}
		return undefined;
	},
};
`;

/** mediasoup-client and the page code as one IIFE (~0.1 s). */
export function bundleClient(): Promise<string> {
	return bundle(CLIENT_SOURCE, 'broth-e2e-client.js');
}

/** Serves the test page and the bundle on 127.0.0.1 (a secure context for getUserMedia). */
export function servePage(): Promise<Site> {
	return serveClient(CLIENT_SOURCE, 'broth-e2e-client.js');
}
