/**
 * Interop with a real peer: ffmpeg's SRTP (libavformat/srtp.c, RFC 3711 AES-CM + HMAC-SHA1)
 * in both directions, on loopback only. ffmpeg is a test dependency (scripts/setup.sh installs
 * it); without it these tests fail rather than skip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SrtpSession, SrtpFailure, type SrtpCryptoSuite } from '../../../src/proto/srtp/index.js';

const children = new Set<ChildProcess>();

function run(args: string[], timeoutMs: number): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
	const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	children.add(child);
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
	child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
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

async function bindPair(): Promise<[Socket, Socket]> {
	// RTP on an even port and RTCP on the next one, as ffmpeg's rtp:// expects.
	for (let attempt = 0; attempt < 50; attempt++) {
		const a = createSocket('udp4');
		await new Promise<void>((resolve, reject) => { a.once('error', reject); a.bind(0, '127.0.0.1', () => resolve()); });
		const port = a.address().port;
		if (port % 2 === 0 && port < 65535) {
			const b = createSocket('udp4');
			const ok = await new Promise<boolean>((resolve) => {
				b.once('error', () => resolve(false));
				b.bind(port + 1, '127.0.0.1', () => resolve(true));
			});
			if (ok) {
				return [a, b];
			}
			b.close();
		}
		a.close();
	}
	throw new Error('no free UDP port pair on 127.0.0.1');
}

const VIDEO_IN = ['-f', 'lavfi', '-i', 'testsrc=duration=2:size=320x240:rate=25'];
const VP8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '400k', '-g', '10'];

test('ffmpeg is installed (scripts/setup.sh installs it)', () => {
	const r = spawnSync('ffmpeg', ['-hide_banner', '-protocols'], { encoding: 'utf8' });
	assert.equal(r.error, undefined, 'ffmpeg not found: run scripts/setup.sh');
	assert.match(r.stdout, /\bsrtp\b/);
});

for (const suite of ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const) {
	test(`ffmpeg ${suite} SRTP + SRTCP (VP8 video, G.711 audio) unprotect with zero SRTP failures`, { timeout: 30000 }, async (t) => {
		const key = randomBytes(30).toString('base64');
		const [video, videoRtcp] = await bindPair();
		const [audio, audioRtcp] = await bindPair();
		const rx = new SrtpSession(suite, key);
		const ok = { video: 0, audio: 0, rtcp: 0 };
		const rtpFailures: number[] = [];
		const rtcpFailures: number[] = [];
		const onRtp = (kind: 'video' | 'audio') => (msg: Buffer): void => {
			if (rx.unprotectRtp(msg)) ok[kind]++;
			else rtpFailures.push(rx.lastFailure);
		};
		// ffmpeg sends RTCP to port + 1 (no RFC 5761 mux).
		const onRtcp = (msg: Buffer): void => {
			if (rx.unprotectRtcp(msg)) ok.rtcp++;
			else rtcpFailures.push(rx.lastFailure);
		};
		video.on('message', onRtp('video'));
		audio.on('message', onRtp('audio'));
		videoRtcp.on('message', onRtcp);
		audioRtcp.on('message', onRtcp);
		try {
			const { done } = run([
				'-loglevel', 'error', '-re',
				...VIDEO_IN,
				'-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=8000',
				'-map', '0:v', ...VP8, '-f', 'rtp', '-srtp_out_suite', suite, '-srtp_out_params', key,
				`srtp://127.0.0.1:${video.address().port}?pkt_size=1200`,
				'-map', '1:a', '-c:a', 'pcm_mulaw', '-f', 'rtp', '-srtp_out_suite', suite, '-srtp_out_params', key,
				`srtp://127.0.0.1:${audio.address().port}`,
			], 20000);
			const r = await done;
			assert.equal(r.code, 0, r.stderr);
			await new Promise((resolve) => setTimeout(resolve, 200));
		} finally {
			for (const s of [video, videoRtcp, audio, audioRtcp]) s.close();
		}
		t.diagnostic(`unprotected ${ok.video} video, ${ok.audio} audio, ${ok.rtcp} SRTCP packets`);
		assert.deepEqual(rtpFailures, [], 'SRTP failures');
		// 2 s of 25 fps VP8 at 400 kb/s in 1200-byte packets; G.711 in ffmpeg's ~180 ms packets.
		assert.ok(ok.video > 40, `only ${ok.video} video packets`);
		assert.ok(ok.audio > 5, `only ${ok.audio} audio packets`);
		if (suite === 'AES_CM_128_HMAC_SHA1_80') {
			assert.deepEqual(rtcpFailures, [], 'SRTCP failures');
			assert.ok(ok.rtcp >= 2, `only ${ok.rtcp} SRTCP packets`);
		} else {
			// Known divergence: ffmpeg tags SRTCP with 32 bits under the SDES name _32, while
			// mediasoup/libwebrtc (and we) keep SRTCP at 80 bits for this suite (RFC 5764 4.1.2).
			assert.equal(ok.rtcp, 0);
			assert.ok(rtcpFailures.length >= 2 && rtcpFailures.every((f) => f === SrtpFailure.AuthFailed));
		}
	});
}

test('our SRTP (AES_CM_128_HMAC_SHA1_80) decodes in ffmpeg: VP8 frames out of an SDP with a=crypto', { timeout: 40000 }, async (t) => {
	const dir = mkdtempSync(join(tmpdir(), 'broth-srtp-'));
	try {
		// 1. Plain RTP from ffmpeg, captured, plus the SDP it writes.
		const [cap, capRtcp] = await bindPair();
		const plain: Buffer[] = [];
		cap.on('message', (m: Buffer) => plain.push(Buffer.from(m)));
		const sdpPath = join(dir, 'plain.sdp');
		try {
			const r = await run(['-loglevel', 'error', ...VIDEO_IN, ...VP8, '-f', 'rtp', '-sdp_file', sdpPath,
				`rtp://127.0.0.1:${cap.address().port}?pkt_size=1200`], 20000).done;
			assert.equal(r.code, 0, r.stderr);
			await new Promise((resolve) => setTimeout(resolve, 200));
		} finally {
			cap.close();
			capRtcp.close();
		}
		assert.ok(plain.length > 50, `captured ${plain.length} RTP packets`);

		// 2. ffmpeg receives SRTP on a port pair we pick, keyed by RFC 4568 a=crypto in the SDP.
		const [probe, probeRtcp] = await bindPair();
		const port = probe.address().port;
		probe.close();
		probeRtcp.close();
		const key = randomBytes(30).toString('base64');
		const sdp = readFileSync(sdpPath, 'utf8')
			.replace(/^m=video \d+ RTP\/AVP/m, `m=video ${port} RTP/SAVP`)
			.replace(/(a=rtpmap:[^\n]*\n?)/, `$1a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key}\n`);
		const srtpSdp = join(dir, 'srtp.sdp');
		writeFileSync(srtpSdp, sdp);
		const receiver = run(['-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp,srtp',
			'-reorder_queue_size', '0', '-i', srtpSdp, '-f', 'framemd5', 'pipe:1'], 30000);
		// Give it time to open its sockets.
		await new Promise((resolve) => setTimeout(resolve, 1000));

		// 3. Protect and send, paced so loopback buffers never overflow.
		const tx = new SrtpSession('AES_CM_128_HMAC_SHA1_80', key);
		const out = createSocket('udp4');
		await new Promise<void>((resolve) => out.bind(0, '127.0.0.1', () => resolve()));
		for (let i = 0; i < plain.length; i++) {
			const srtp = tx.protectRtp(plain[i]!)!;
			assert.ok(srtp);
			await new Promise<void>((resolve, reject) => out.send(srtp, port, '127.0.0.1', (e) => e ? reject(e) : resolve()));
			if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
		}
		await new Promise((resolve) => setTimeout(resolve, 1500));
		out.close();
		receiver.child.kill('SIGINT');
		const r = await receiver.done;
		const frames = r.stdout.split('\n').filter((l) => /^\s*0,/.test(l)).length;
		t.diagnostic(`sent ${plain.length} SRTP packets, ffmpeg decoded ${frames} frames`);
		// testsrc for 2 s at 25 fps: 50 frames; allow the first ones to be lost while ffmpeg probes.
		assert.ok(frames >= 40, `ffmpeg decoded ${frames} frames; stderr: ${r.stderr}`);
	} finally {
		for (const c of children) c.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	}
});
