/**
 * ffmpeg as the real peer on both sides, loopback only: one ffmpeg sends VP8
 * (640x480, 30 fps) and Opus as RTP into PlainTransports (comedia, RTCP on its
 * own port as ffmpeg does), the media leaves through consumers on other
 * PlainTransports to a second ffmpeg that records from an SDP we write from
 * the consumers' rtpParameters; ffprobe counts what arrived. The same with
 * SRTP AES_CM_128_HMAC_SHA1_80 (RFC 3711, RFC 4568 a=crypto) on both sides.
 * ffmpeg is a test dependency (scripts/setup.sh installs it).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { PlainTransport } from '../../src/api/PlainTransport';
import type { RtpCapabilities } from '../../src/ortc/rtpParametersTypes';
import { closeWorker } from '../api/transports/helpers';
import { mediaCodecs, sleep } from './helpers';

const SECONDS = 4;
const FPS = 30;
const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const children = new Set<ChildProcess>();
let worker: Worker;
let router: Router;
let dir: string;

before(async () => {
	worker = await mediasoup.createWorker({ logLevel: 'warn' });
	router = await worker.createRouter({ mediaCodecs });
	dir = mkdtempSync(join(tmpdir(), 'broth-ffmpeg-'));
});

after(async () => {
	for (const child of children) {
		child.kill('SIGKILL');
	}
	await closeWorker(worker);
	rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], timeoutMs: number) {
	const child = spawn(command, ['-hide_banner', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';

	children.add(child);
	child.stdin!.on('error', () => {});
	child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));

	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
		child.on('close', (code) => {
			clearTimeout(timer);
			children.delete(child);
			resolve({ code, stdout, stderr });
		});
	});

	return { child, done };
}

/** Polls until something (the recording ffmpeg) holds these UDP ports. */
async function waitUntilBound(ports: number[]): Promise<boolean> {
	for (let attempt = 0; attempt < 100; attempt++) {
		let bound = 0;

		for (const port of ports) {
			const socket = createSocket('udp4');
			const free = await new Promise<boolean>((resolve) => {
				socket.once('error', () => resolve(false));
				socket.bind(port, '127.0.0.1', () => resolve(true));
			});

			socket.close();
			if (!free) {
				bound++;
			}
		}
		if (bound === ports.length) {
			return true;
		}
		await sleep(50);
	}

	return false;
}

/** An even port and the next one free (ffmpeg puts RTCP on port + 1). */
async function freePortPair(): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const a: Socket = createSocket('udp4');

		await new Promise<void>((resolve) => a.bind(0, '127.0.0.1', () => resolve()));

		const port = a.address().port;

		if (port % 2 === 0 && port < 65535) {
			const b: Socket = createSocket('udp4');
			const ok = await new Promise<boolean>((resolve) => {
				b.once('error', () => resolve(false));
				b.bind(port + 1, '127.0.0.1', () => resolve(true));
			});

			b.close();
			if (ok) {
				a.close();

				return port;
			}
		}
		a.close();
	}
	throw new Error('no free UDP port pair');
}

// What the recording ffmpeg takes: VP8 and Opus, no RTX, no header extensions.
const ffmpegCapabilities: RtpCapabilities = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2 },
		{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000 },
	],
	headerExtensions: [],
};

async function forwardThroughBroth(srtp: boolean, t: { diagnostic(message: string): void }): Promise<void> {
	const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
	const srtpOptions = srtp ? { enableSrtp: true, srtpCryptoSuite: SUITE as any } : {};
	const senderKey = randomBytes(30).toString('base64');
	const ingest: Record<'audio' | 'video', PlainTransport> = {} as any;
	const egress: Record<'audio' | 'video', PlainTransport> = {} as any;
	const media: { kind: 'audio' | 'video'; payloadType: number; key: string | undefined }[] = [];
	const tuples: string[] = [];

	for (const kind of ['audio', 'video'] as const) {
		ingest[kind] = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: true, ...srtpOptions });
		ingest[kind].on('tuple', () => tuples.push(`${kind} tuple`));
		ingest[kind].on('rtcptuple', () => tuples.push(`${kind} rtcptuple`));
		if (srtp) {
			await ingest[kind].connect({ srtpParameters: { cryptoSuite: SUITE, keyBase64: senderKey } });
		}

		const producer = await ingest[kind].produce({
			kind,
			rtpParameters:
				kind === 'video'
					? {
							codecs: [
								{
									mimeType: 'video/VP8',
									payloadType: 101,
									clockRate: 90000,
									rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
								},
							],
							encodings: [{ ssrc: 22222222 }],
						}
					: {
							codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
							encodings: [{ ssrc: 11111111 }],
						},
		});

		egress[kind] = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: false, ...srtpOptions });

		const consumer = await egress[kind].consume({ producerId: producer.id, rtpCapabilities: ffmpegCapabilities });
		const codec = consumer.rtpParameters.codecs[0]!;
		media.push({ kind, payloadType: codec.payloadType, key: egress[kind].srtpParameters?.keyBase64 });
	}

	const sdpPath = join(dir, `${srtp ? 'srtp' : 'rtp'}.sdp`);
	const outPath = join(dir, `${srtp ? 'srtp' : 'rtp'}.mkv`);
	let receiver: ReturnType<typeof run> | undefined;
	let receiverPorts = { audio: 0, video: 0 };

	// Ports picked free may be taken by a parallel test before ffmpeg binds them: try again then.
	for (let attempt = 0; attempt < 3 && !receiver; attempt++) {
		receiverPorts = { audio: await freePortPair(), video: await freePortPair() };

		const sdp: string[] = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=broth', 'c=IN IP4 127.0.0.1', 't=0 0'];

		for (const { kind, payloadType, key } of media) {
			sdp.push(
				`m=${kind} ${receiverPorts[kind]} ${srtp ? 'RTP/SAVP' : 'RTP/AVP'} ${payloadType}`,
				kind === 'video' ? `a=rtpmap:${payloadType} VP8/90000` : `a=rtpmap:${payloadType} opus/48000/2`,
				...(srtp ? [`a=crypto:1 ${SUITE} inline:${key}`] : []),
			);
		}
		writeFileSync(sdpPath, `${sdp.join('\r\n')}\r\n`);

		const candidate = run(
			'ffmpeg',
			[
				// Ends on its own once nothing (RTP nor RTCP) came for 5 s.
				'-loglevel', 'error', '-listen_timeout', '5',
				'-protocol_whitelist', 'file,udp,rtp,srtp', '-i', sdpPath, '-c', 'copy', '-y', outPath,
			],
			40000,
		);
		let exited = false;

		void candidate.done.then(() => (exited = true));
		// Media must not come before its sockets are open.
		if ((await waitUntilBound([receiverPorts.audio, receiverPorts.video])) && !exited) {
			await sleep(100);
		}
		if (exited) {
			t.diagnostic(`recording ffmpeg failed to start: ${(await candidate.done).stderr}`);
		} else {
			receiver = candidate;
		}
	}
	assert.ok(receiver, 'the recording ffmpeg did not start');

	for (const kind of ['audio', 'video'] as const) {
		const port = receiverPorts[kind];

		// ffmpeg keys SRTCP from the same a=crypto line both ways.
		await egress[kind].connect({
			ip: '127.0.0.1',
			port,
			rtcpPort: port + 1,
			...(srtp ? { srtpParameters: { cryptoSuite: SUITE, keyBase64: egress[kind].srtpParameters!.keyBase64 } } : {}),
		});
	}

	const scheme = srtp ? 'srtp' : 'rtp';
	const srtpOut = srtp ? ['-srtp_out_suite', SUITE, '-srtp_out_params', senderKey] : [];
	const url = (transport: PlainTransport): string =>
		`${scheme}://127.0.0.1:${transport.tuple.localPort}?rtcpport=${transport.rtcpTuple!.localPort}&pkt_size=1200`;
	const sender = run(
		'ffmpeg',
		[
			'-loglevel', 'error', '-re',
			'-f', 'lavfi', '-i', `testsrc=duration=${SECONDS}:size=640x480:rate=${FPS}`,
			'-f', 'lavfi', '-i', `sine=frequency=440:duration=${SECONDS}`,
			'-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '1M', '-g', '30',
			'-ssrc', '22222222', '-payload_type', '101', ...srtpOut, '-f', 'rtp', url(ingest.video),
			'-map', '1:a', '-c:a', 'libopus', '-ssrc', '11111111', '-payload_type', '100', ...srtpOut, '-f', 'rtp',
			url(ingest.audio),
		],
		30000,
	);
	const sent = await sender.done;
	const egressBytes = ((await egress.video.getStats())[0] as any).rtpBytesSent;

	assert.equal(sent.code, 0, sent.stderr);
	await sleep(1000);
	await sleep(500);
	// No more sender reports from us: the recording ffmpeg times out and writes its file.
	for (const kind of ['audio', 'video'] as const) {
		egress[kind].close();
	}

	const received = await receiver.done;
	const probe = spawnSync(
		'ffprobe',
		['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_type,codec_name,width,height,nb_read_frames', '-of', 'json', outPath],
		{ encoding: 'utf8' },
	);

	assert.equal(probe.status, 0, `${probe.stderr} / receiver (${received.code}): ${received.stderr} / sender: ${sent.stderr}`);

	const streams: any[] = JSON.parse(probe.stdout).streams;
	const video = streams.find((s) => s.codec_type === 'video');
	const audio = streams.find((s) => s.codec_type === 'audio');
	const videoFrames = Number(video?.nb_read_frames ?? 0);
	const audioFrames = Number(audio?.nb_read_frames ?? 0);
	const ingestStats = (await ingest.video.getStats())[0] as any;

	t.diagnostic(
		`${srtp ? 'SRTP' : 'RTP'}: ${videoFrames}/${SECONDS * FPS} VP8 frames at ${video?.width}x${video?.height}, ` +
			`${audioFrames} Opus frames (${(audioFrames * 0.02).toFixed(2)} s); ingest ${ingestStats.rtpBytesReceived} B, ` +
			`egress ${egressBytes} B`,
	);
	assert.equal(video?.codec_name, 'vp8');
	assert.equal(video.width, 640);
	assert.equal(video.height, 480);
	assert.ok(videoFrames >= 0.95 * SECONDS * FPS, `only ${videoFrames} video frames`);
	assert.equal(audio?.codec_name, 'opus');
	// libopus frames are 20 ms: the whole duration arrived (allowing the encoder's last partial frame).
	assert.ok(audioFrames * 0.02 >= SECONDS - 0.1, `only ${audioFrames} audio frames`);
	assert.ok(tuples.includes('video tuple') && tuples.includes('audio tuple'), tuples.join());
	assert.ok(ingestStats.rtpBytesReceived > 0);
	assert.equal(ingestStats.comedia, true);

	for (const kind of ['audio', 'video'] as const) {
		ingest[kind].close();
	}
}

test('ffmpeg VP8 640x480 + Opus over RTP in, through consumers, recorded by ffmpeg: >= 95% of frames and the whole audio', { timeout: 60000 }, async (t) => {
	await forwardThroughBroth(false, t);
});

test(`the same with SRTP ${SUITE} on both sides`, { timeout: 60000 }, async (t) => {
	await forwardThroughBroth(true, t);
});
