/**
 * The broth demo page: joins the room named in the URL (?room=x&name=y),
 * sends camera, microphone and screen with mediasoup-client, shows a tile per
 * participant, highlights the active speaker, shows stats, and rejoins by
 * itself after a network blip.
 *
 * URL options: room, name, mic=0, cam=0 (start without them), stats=1 (overlay
 * on), simulcast=1 (two camera encodings instead of one), hd=1 (camera at 1280x720).
 */
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import { Signaling, SignalingError } from './signaling';
import type { JoinResponse, NewConsumerData, PeerInfo, ProducerSource } from '../shared/protocol';

// ---- settings from the URL ----
const params = new URLSearchParams(location.search);
const randomId = (n: number): string => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => (b % 36).toString(36)).join('');
let roomId = params.get('room') ?? '';
if (!/^[A-Za-z0-9_-]{1,64}$/.test(roomId)) roomId = randomId(8);
const displayName = (params.get('name') ?? '').trim().slice(0, 64) || `guest-${randomId(4)}`;
params.set('room', roomId);
params.set('name', displayName);
history.replaceState(null, '', `${location.pathname}?${params}`);
const wantMic = params.get('mic') !== '0';
const wantCam = params.get('cam') !== '0';
// Simulcast is opt-in for now: broth's simulcast consumer picks a layer with score 0 in Chromium tests.
const useSimulcast = params.get('simulcast') === '1';
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?roomId=${encodeURIComponent(roomId)}`;

// ---- DOM ----
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const tilesEl = $('tiles');
const statusEl = $('status');
const btnMic = $<HTMLButtonElement>('btn-mic');
const btnCam = $<HTMLButtonElement>('btn-cam');
const btnScreen = $<HTMLButtonElement>('btn-screen');
const btnStats = $<HTMLButtonElement>('btn-stats');
const btnLeave = $<HTMLButtonElement>('btn-leave');
const soundBanner = $<HTMLButtonElement>('sound');
$('room-name').textContent = roomId;
$('invite').textContent = location.href;

type Tile = {
	peerId: string;
	root: HTMLElement;
	name: HTMLElement;
	video: HTMLVideoElement;
	screen: HTMLVideoElement;
	audio: HTMLAudioElement;
	stats: HTMLElement;
};

function makeTile(peerId: string, name: string, local: boolean): Tile {
	const root = document.createElement('div');
	root.className = local ? 'tile local' : 'tile';
	root.dataset.peerId = peerId;
	const video = document.createElement('video');
	video.autoplay = true;
	video.playsInline = true;
	video.muted = true;
	video.className = 'cam';
	const screen = document.createElement('video');
	screen.autoplay = true;
	screen.playsInline = true;
	screen.muted = true;
	screen.className = 'screen';
	const audio = document.createElement('audio');
	audio.autoplay = true;
	const label = document.createElement('div');
	label.className = 'name';
	label.textContent = name;
	const stats = document.createElement('pre');
	stats.className = 'stats';
	root.append(video, screen, audio, label, stats);
	tilesEl.append(root);
	return { peerId, root, name: label, video, screen, audio, stats };
}

function setMedia(el: HTMLMediaElement, track: MediaStreamTrack | undefined): void {
	el.srcObject = track ? new MediaStream([track]) : null;
	el.classList.toggle('on', !!track);
	if (track) el.play().catch(() => { if (el instanceof HTMLAudioElement) soundBanner.hidden = false; });
}

function setStatus(text: string, kind: 'ok' | 'warn' | 'error' = 'ok'): void {
	statusEl.textContent = text;
	statusEl.className = kind;
}

// ---- state ----
const device = new Device();
let sig: Signaling | undefined;
let sendTransport: types.Transport | undefined;
let recvTransport: types.Transport | undefined;
let myPeerId = '';
let left = false;
let attempts = 0;
let devicesOpened = false;
const localTracks: Partial<Record<ProducerSource, MediaStreamTrack>> = {};
const producers: Partial<Record<ProducerSource, types.Producer>> = {};
const producerScores = new Map<string, number[]>();
let micMuted = false;
const localTile = makeTile('me', `${displayName} (you)`, true);
const tiles = new Map<string, Tile>();
type RemoteConsumer = {
	consumer: types.Consumer;
	peerId: string;
	source: ProducerSource;
	score?: number;
	producerScore?: number;
	layers?: { spatialLayer: number | null; temporalLayer: number | null };
	last?: { bytes: number; at: number };
};
const consumers = new Map<string, RemoteConsumer>();

function ensureTile(peer: PeerInfo): Tile {
	let tile = tiles.get(peer.id);
	if (!tile) {
		tile = makeTile(peer.id, peer.displayName, false);
		tiles.set(peer.id, tile);
	} else if (peer.displayName) {
		tile.name.textContent = peer.displayName;
	}
	return tile;
}

function removeTile(peerId: string): void {
	tiles.get(peerId)?.root.remove();
	tiles.delete(peerId);
	for (const [id, rc] of consumers) {
		if (rc.peerId === peerId) {
			rc.consumer.close();
			consumers.delete(id);
		}
	}
}

function tileOf(rc: RemoteConsumer): { tile: Tile; el: HTMLMediaElement } | undefined {
	const tile = tiles.get(rc.peerId);
	if (!tile) return undefined;
	const el = rc.consumer.kind === 'audio' ? tile.audio : rc.source === 'screen' ? tile.screen : tile.video;
	return { tile, el };
}

// ---- connection and (re)join ----
function connect(): void {
	if (left) return;
	setStatus(attempts === 0 ? 'connecting…' : `reconnecting (attempt ${attempts})…`, attempts === 0 ? 'ok' : 'warn');
	const s = new Signaling(wsUrl);
	sig = s;
	s.onNotification = onNotification;
	s.onRequest = onServerRequest;
	s.onClose = () => {
		if (sig !== s) return;
		teardown();
		if (left) return;
		attempts++;
		setStatus('connection lost; reconnecting…', 'warn');
		window.setTimeout(connect, Math.min(5000, 500 * 2 ** Math.min(attempts, 4)));
	};
	s.opened.then(() => session(s)).then(() => {
		attempts = 0;
		setStatus(`in room ${roomId} as ${displayName}`);
	}, (error: Error) => {
		console.warn('session failed', error);
		if (sig === s && s.open) {
			setStatus(`error: ${error.message}`, 'error');
			s.close();
		}
	});
}

async function session(s: Signaling): Promise<void> {
	const routerRtpCapabilities = await s.request('getRouterRtpCapabilities');
	if (!device.loaded) await device.load({ routerRtpCapabilities });
	sendTransport = await createTransport(s, 'send');
	recvTransport = await createTransport(s, 'recv');
	const joined = await s.request<JoinResponse>('join', { displayName, rtpCapabilities: device.rtpCapabilities });
	myPeerId = joined.peerId;
	localTile.root.dataset.peerId = myPeerId;
	for (const p of joined.peers) ensureTile(p);

	// First join: open the devices asked for. Rejoin: send again what was being sent.
	if (!devicesOpened) {
		devicesOpened = true;
		if (wantMic) await openMic().catch((e) => console.warn('microphone', e));
		if (wantCam) await openCam().catch((e) => console.warn('camera', e));
	}
	for (const source of ['mic', 'webcam', 'screen'] as const) {
		if (localTracks[source] && !producers[source]) await produce(source);
	}
	updateButtons();
}

async function createTransport(s: Signaling, direction: 'send' | 'recv'): Promise<types.Transport> {
	const info = await s.request('createWebRtcTransport', { producing: direction === 'send', consuming: direction === 'recv' });
	const transport = direction === 'send' ? device.createSendTransport(info) : device.createRecvTransport(info);
	transport.on('connect', ({ dtlsParameters }, callback, errback) => {
		s.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(callback, errback);
	});
	transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
		s.request('produce', { transportId: transport.id, kind, rtpParameters, appData: { source: appData.source } }).then(callback, errback);
	});
	let timer = 0;
	transport.on('connectionstatechange', (state) => {
		window.clearTimeout(timer);
		// A blip: 'disconnected' that lasts, or 'failed'. New ICE credentials over the (still open) WebSocket.
		if (state === 'failed') void restartIce(s, transport);
		else if (state === 'disconnected') timer = window.setTimeout(() => void restartIce(s, transport), 2000);
	});
	return transport;
}

async function restartIce(s: Signaling, transport: types.Transport): Promise<void> {
	if (!s.open || transport.closed) return;
	try {
		setStatus('network trouble: restarting ICE…', 'warn');
		const { iceParameters } = await s.request('restartIce', { transportId: transport.id });
		await transport.restartIce({ iceParameters });
		setStatus(`in room ${roomId} as ${displayName}`);
	} catch (error) {
		console.warn('restartIce failed; rejoining', error);
		s.close();
	}
}

function teardown(): void {
	sendTransport?.close();
	recvTransport?.close();
	sendTransport = recvTransport = undefined;
	for (const source of Object.keys(producers) as ProducerSource[]) delete producers[source];
	for (const peerId of [...tiles.keys()]) removeTile(peerId);
	localTile.root.classList.remove('speaking');
}

// ---- sending ----
async function produce(source: ProducerSource): Promise<void> {
	const track = localTracks[source];
	if (!sendTransport || !track) return;
	const options: types.ProducerOptions = { track, stopTracks: false, appData: { source } };
	if (source === 'webcam' && useSimulcast) {
		options.encodings = [
			{ scaleResolutionDownBy: 2, maxBitrate: 200_000 },
			{ scaleResolutionDownBy: 1, maxBitrate: 900_000 },
		];
	}
	if (source === 'mic') options.codecOptions = { opusStereo: false, opusDtx: true };
	const producer = await sendTransport.produce(options);
	producers[source] = producer;
	if (source === 'mic' && micMuted) {
		producer.pause();
		await sig?.request('pauseProducer', { producerId: producer.id });
	}
	producer.on('trackended', () => void stopSource(source));
}

async function openMic(): Promise<void> {
	const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
	localTracks.mic = stream.getAudioTracks()[0];
}

async function openCam(): Promise<void> {
	// 640x480 is plenty for a tile and keeps encoders light; hd=1 asks for 1280x720.
	const size = params.get('hd') === '1' ? { width: { ideal: 1280 }, height: { ideal: 720 } } : { width: { ideal: 640 }, height: { ideal: 480 } };
	const stream = await navigator.mediaDevices.getUserMedia({ video: size });
	localTracks.webcam = stream.getVideoTracks()[0];
	setMedia(localTile.video, localTracks.webcam);
}

async function stopSource(source: ProducerSource): Promise<void> {
	const producer = producers[source];
	delete producers[source];
	localTracks[source]?.stop();
	delete localTracks[source];
	if (source === 'webcam') setMedia(localTile.video, undefined);
	if (source === 'screen') setMedia(localTile.screen, undefined);
	if (producer) {
		producer.close();
		await sig?.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
	}
	updateButtons();
}

async function toggleMic(): Promise<void> {
	if (!localTracks.mic) {
		micMuted = false;
		await openMic();
		await produce('mic');
	} else {
		micMuted = !micMuted;
		const p = producers.mic;
		if (p) {
			if (micMuted) p.pause();
			else p.resume();
			await sig?.request(micMuted ? 'pauseProducer' : 'resumeProducer', { producerId: p.id });
		}
	}
	updateButtons();
}

async function toggleCam(): Promise<void> {
	if (localTracks.webcam) return stopSource('webcam');
	await openCam();
	await produce('webcam');
	updateButtons();
}

async function toggleScreen(): Promise<void> {
	if (localTracks.screen) return stopSource('screen');
	const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
	localTracks.screen = stream.getVideoTracks()[0];
	localTracks.screen.addEventListener('ended', () => void stopSource('screen'));
	setMedia(localTile.screen, localTracks.screen);
	await produce('screen');
	updateButtons();
}

function updateButtons(): void {
	const micOn = !!localTracks.mic && !micMuted;
	btnMic.textContent = micOn ? 'Mute mic' : 'Unmute mic';
	btnMic.classList.toggle('off', !micOn);
	btnCam.textContent = localTracks.webcam ? 'Camera off' : 'Camera on';
	btnCam.classList.toggle('off', !localTracks.webcam);
	btnScreen.textContent = localTracks.screen ? 'Stop sharing' : 'Share screen';
	btnScreen.classList.toggle('active', !!localTracks.screen);
	localTile.root.classList.toggle('muted', !micOn);
}

const guard = (f: () => Promise<void>) => () => f().catch((e: Error) => setStatus(`${e.name}: ${e.message}`, 'error'));
btnMic.onclick = guard(toggleMic);
btnCam.onclick = guard(toggleCam);
btnScreen.onclick = guard(toggleScreen);
btnStats.onclick = () => document.body.classList.toggle('show-stats');
if (params.get('stats') === '1') document.body.classList.add('show-stats');
btnLeave.onclick = () => {
	if (!left) {
		left = true;
		sig?.request('leave').catch(() => undefined).finally(() => sig?.close());
		teardown();
		for (const s of Object.keys(localTracks) as ProducerSource[]) {
			localTracks[s]?.stop();
			delete localTracks[s];
		}
		devicesOpened = false;
		setMedia(localTile.video, undefined);
		setMedia(localTile.screen, undefined);
		setStatus('you left the room', 'warn');
		btnLeave.textContent = 'Rejoin';
	} else {
		left = false;
		attempts = 0;
		btnLeave.textContent = 'Leave';
		connect();
	}
	updateButtons();
};
soundBanner.onclick = () => {
	soundBanner.hidden = true;
	for (const t of tiles.values()) t.audio.play().catch(() => undefined);
};
window.addEventListener('online', () => {
	if (!left && sig && !sig.open) connect();
});

// ---- from the server ----
async function onServerRequest(method: string, data: NewConsumerData): Promise<unknown> {
	if (method !== 'newConsumer') throw new Error(`unknown request ${method}`);
	if (!recvTransport) throw new Error('no receive transport');
	const consumer = await recvTransport.consume({
		id: data.id,
		producerId: data.producerId,
		kind: data.kind,
		rtpParameters: data.rtpParameters as types.RtpParameters,
		appData: data.appData,
	});
	const rc: RemoteConsumer = { consumer, peerId: data.peerId, source: data.appData.source ?? 'webcam' };
	consumers.set(consumer.id, rc);
	ensureTile({ id: data.peerId, displayName: '' });
	const at = tileOf(rc);
	if (at) setMedia(at.el, consumer.track);
	consumer.on('trackended', () => detach(consumer.id));
	// The answer tells the server we are ready: only now it resumes the consumer.
	return {};
}

function detach(consumerId: string): void {
	const rc = consumers.get(consumerId);
	if (!rc) return;
	consumers.delete(consumerId);
	const at = tileOf(rc);
	if (at && (at.el.srcObject as MediaStream | null)?.getTracks()[0] === rc.consumer.track) setMedia(at.el, undefined);
	rc.consumer.close();
}

function onNotification(method: string, data: any): void {
	switch (method) {
		case 'newPeer':
			ensureTile(data as PeerInfo);
			break;
		case 'peerClosed':
			removeTile(data.peerId);
			break;
		case 'consumerClosed':
			detach(data.consumerId);
			break;
		case 'consumerPaused':
		case 'consumerResumed': {
			const rc = consumers.get(data.consumerId);
			const at = rc && tileOf(rc);
			if (at && rc.consumer.kind === 'video') at.el.classList.toggle('paused', method === 'consumerPaused');
			if (at && rc.consumer.kind === 'audio') at.tile.root.classList.toggle('muted', method === 'consumerPaused');
			break;
		}
		case 'consumerScore': {
			const rc = consumers.get(data.consumerId);
			if (rc) {
				rc.score = data.score?.score;
				rc.producerScore = data.score?.producerScore;
			}
			break;
		}
		case 'consumerLayersChanged': {
			const rc = consumers.get(data.consumerId);
			if (rc) rc.layers = { spatialLayer: data.spatialLayer, temporalLayer: data.temporalLayer };
			break;
		}
		case 'producerScore':
			producerScores.set(data.producerId, (data.score as { score: number }[]).map((s) => s.score));
			break;
		case 'activeSpeaker':
			localTile.root.classList.toggle('speaking', data.peerId === myPeerId);
			for (const t of tiles.values()) t.root.classList.toggle('speaking', t.peerId === data.peerId);
			break;
		case 'serverShutdown':
			setStatus('the server is shutting down', 'warn');
			break;
	}
}

// ---- stats overlay: one line per stream, refreshed every 2 s ----
type Inbound = { kind: string; bytesReceived: number; packetsReceived: number; packetsLost: number; framesDecoded: number; frameWidth?: number; frameHeight?: number; framesPerSecond?: number; totalSamplesReceived: number; audioLevel?: number };

async function inboundOf(consumer: types.Consumer): Promise<Inbound | undefined> {
	const report = await consumer.getStats();
	let found: Inbound | undefined;
	report.forEach((s: any) => {
		if (s.type === 'inbound-rtp') {
			found = {
				kind: s.kind,
				bytesReceived: s.bytesReceived ?? 0,
				packetsReceived: s.packetsReceived ?? 0,
				packetsLost: s.packetsLost ?? 0,
				framesDecoded: s.framesDecoded ?? 0,
				frameWidth: s.frameWidth,
				frameHeight: s.frameHeight,
				framesPerSecond: s.framesPerSecond,
				totalSamplesReceived: s.totalSamplesReceived ?? 0,
				audioLevel: s.audioLevel,
			};
		}
	});
	return found;
}

const kbps = (bits: number): string => (bits >= 1e6 ? `${(bits / 1e6).toFixed(1)} Mbps` : `${Math.round(bits / 1e3)} kbps`);

async function refreshStats(): Promise<void> {
	if (!document.body.classList.contains('show-stats')) return;
	const now = performance.now();
	const lines = new Map<string, string[]>();
	for (const rc of consumers.values()) {
		const s = await inboundOf(rc.consumer).catch(() => undefined);
		const list = lines.get(rc.peerId) ?? [];
		lines.set(rc.peerId, list);
		if (!s) {
			list.push(`${rc.source === 'screen' ? 'screen' : rc.consumer.kind}: waiting for packets`);
			continue;
		}
		const bitrate = rc.last ? ((s.bytesReceived - rc.last.bytes) * 8 * 1000) / (now - rc.last.at) : 0;
		rc.last = { bytes: s.bytesReceived, at: now };
		const total = s.packetsReceived + s.packetsLost;
		const loss = total > 0 ? ((100 * s.packetsLost) / total).toFixed(1) : '0.0';
		const what = rc.consumer.kind === 'audio' ? 'audio' : `${rc.source === 'screen' ? 'screen' : 'video'} ${s.frameWidth ?? '?'}x${s.frameHeight ?? '?'} ${Math.round(s.framesPerSecond ?? 0)}fps`;
		const layers = rc.layers ? ` · layer S${rc.layers.spatialLayer ?? '-'}T${rc.layers.temporalLayer ?? '-'}` : '';
		const score = rc.score !== undefined ? ` · score ${rc.score}/${rc.producerScore ?? '?'}` : '';
		list.push(`${what} · ${kbps(bitrate)} · loss ${loss}%${score}${layers}`);
	}
	for (const t of tiles.values()) t.stats.textContent = (lines.get(t.peerId) ?? ['no media']).join('\n');

	const mine: string[] = [];
	for (const [source, p] of Object.entries(producers)) {
		if (!p) continue;
		const report = await p.getStats().catch(() => undefined);
		let bytes = 0;
		report?.forEach((s: any) => { if (s.type === 'outbound-rtp') bytes += s.bytesSent ?? 0; });
		const prev = (p.appData as any).__last as { bytes: number; at: number } | undefined;
		(p.appData as any).__last = { bytes, at: now };
		const bitrate = prev ? ((bytes - prev.bytes) * 8 * 1000) / (now - prev.at) : 0;
		const scores = producerScores.get(p.id);
		mine.push(`${source}${p.paused ? ' (muted)' : ''} · ${kbps(bitrate)} out${scores ? ` · score ${scores.join('/')}` : ''}`);
	}
	localTile.stats.textContent = mine.join('\n') || 'not sending';
}
window.setInterval(() => void refreshStats(), 2000);

// ---- a read-only handle for tests and the curious (browser console) ----
(window as any).brothDemo = {
	get peerId() { return myPeerId; },
	get connected() { return !!sig?.open && !!myPeerId; },
	tiles: () => [...tiles.values()].map((t) => ({ peerId: t.peerId, name: t.name.textContent })),
	inbound: async () => Promise.all([...consumers.values()].map(async (rc) => ({
		peerId: rc.peerId, source: rc.source, kind: rc.consumer.kind, paused: rc.consumer.paused, ...(await inboundOf(rc.consumer)),
	}))),
	/** For tests: drop the WebSocket as a network blip would. */
	dropConnection: () => sig?.close(),
	SignalingError,
};

connect();
