/**
 * The demo's operations side: /metrics counts match the objects that exist
 * (and follow them as peers come and go), rooms spread over workers and close
 * when empty, logs are JSON, and SIGTERM shuts down gracefully (peers told,
 * workers gone, exit 0).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { startDemo, scrape, Client, type LogRecord } from './helpers';
import { FakePeer } from './fakePeer';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function until(f: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await f())) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await sleep(25);
	}
}

test('/metrics counts match the objects that exist; rooms spread over workers and close when empty', async () => {
	const demo = await startDemo();
	try {
		const m0 = await scrape(demo.url);
		const workers = demo.logs.filter((l) => l.msg === 'worker started');
		assert.equal(workers.length, os.availableParallelism(), 'one worker per core by default');
		assert.equal(m0.get('broth_workers'), workers.length);
		assert.equal(m0.get('broth_routers'), 0);
		assert.equal(m0.get('broth_transports'), 0);
		for (const w of workers) {
			assert.ok((m0.get(`broth_worker_cpu_seconds{pid="${w.pid}",mode="user"}`) ?? -1) >= 0, `cpu of worker ${w.pid}`);
			assert.ok((m0.get(`broth_worker_max_rss_bytes{pid="${w.pid}"}`) ?? 0) > 1e6, `memory of worker ${w.pid}`);
		}
		assert.ok(m0.has('broth_demo_process_resident_memory_bytes'), 'process metrics too');

		// Room a: 2 peers (2 transports each), a: mic + webcam, b: mic → 3 producers, 3 consumers.
		const a = await FakePeer.join(demo.url, 'room-a', 'A');
		await a.produce('audio');
		await a.produce('video');
		const b = await FakePeer.join(demo.url, 'room-a', 'B');
		await b.produce('audio');
		// Room b on the next worker: 1 peer, 1 transport, not joined.
		const lone = await Client.connect(demo.url, 'room-b');
		await lone.ok('createWebRtcTransport', { producing: true, consuming: false });
		await until(() => a.consumers.size === 1 && b.consumers.size === 2);

		const m = await scrape(demo.url);
		assert.equal(m.get('broth_routers'), 2);
		assert.equal(m.get('broth_demo_rooms'), 2);
		assert.equal(m.get('broth_demo_peers{state="joined"}'), 2);
		assert.equal(m.get('broth_demo_peers{state="connected"}'), 1);
		assert.equal(m.get('broth_transports'), 5);
		assert.equal(m.get('broth_producers{kind="audio"}'), 2);
		assert.equal(m.get('broth_producers{kind="video"}'), 1);
		assert.equal(m.get('broth_consumers{kind="audio"}'), 2);
		assert.equal(m.get('broth_consumers{kind="video"}'), 1);
		for (const k of ['broth_transport_bytes_received', 'broth_transport_bytes_sent', 'broth_rtp_packets_received', 'broth_rtp_packets_sent']) {
			assert.ok(m.has(k), k);
		}
		const rooms = demo.logs.filter((l) => l.msg === 'room created');
		assert.equal(rooms.length, 2);
		if (workers.length > 1) assert.notEqual(rooms[0].workerPid, rooms[1].workerPid, 'round robin over workers');

		// B leaves: its transports, producer and consumers go; A's consumer of B goes.
		b.close();
		await until(async () => (await scrape(demo.url)).get('broth_transports') === 3);
		const m2 = await scrape(demo.url);
		assert.equal(m2.get('broth_producers{kind="audio"}'), 1);
		assert.equal(m2.get('broth_consumers{kind="audio"}'), 0);
		assert.equal(m2.get('broth_consumers{kind="video"}'), 0);
		assert.equal(m2.get('broth_demo_peers{state="joined"}'), 1);

		// Empty rooms close (their routers with them).
		a.close();
		lone.close();
		await until(async () => (await scrape(demo.url)).get('broth_routers') === 0);
		const m3 = await scrape(demo.url);
		assert.equal(m3.get('broth_transports'), 0);
		assert.equal(m3.get('broth_producers{kind="audio"}'), 0);
		assert.equal(demo.logs.filter((l) => l.msg === 'room closed').length, 2);
	} finally {
		await demo.stop();
	}
});

test('structured logs and graceful shutdown on SIGTERM: peers told, workers closed, exit 0', async () => {
	const demo = await startDemo();
	let exited = false;
	void demo.exited.then(() => (exited = true));
	try {
		const peer = await FakePeer.join(demo.url, 'bye', 'Someone');
		await peer.produce('audio');
		const workerPids = demo.logs.filter((l) => l.msg === 'worker started').map((l) => Number(l.pid));
		assert.ok(workerPids.length > 0 && workerPids.every(alive));

		for (const line of demo.stdout) {
			if (line.startsWith('{')) {
				const rec = JSON.parse(line) as LogRecord;
				assert.ok(typeof rec.time === 'string' && typeof rec.level === 'string' && typeof rec.msg === 'string');
			}
		}
		assert.ok(demo.stdout.some((l) => l.includes(demo.url)), 'the URL is printed for a person too');

		demo.proc.kill('SIGTERM');
		await peer.client.waitFor('serverShutdown');
		const closed = await peer.client.closed;
		assert.equal(closed.code, 1001);
		const { code } = await demo.exited;
		assert.equal(code, 0);
		await until(() => workerPids.every((pid) => !alive(pid)), 3000);
		assert.ok(demo.logs.some((l) => l.msg === 'shut down'));
	} finally {
		if (!exited) await demo.stop();
	}
});

test('--cert/--key: the page and the signaling are served over HTTPS/WSS', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broth-tls-'));
	const cert = path.join(dir, 'cert.pem');
	const key = path.join(dir, 'key.pem');
	await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
		'-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert]);
	const demo = await startDemo(['--cert', cert, '--key', key]);
	try {
		assert.match(demo.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
		const body = await new Promise<string>((resolve, reject) => {
			https.get(demo.url, { rejectUnauthorized: false }, (res) => {
				let text = '';
				res.on('data', (d: Buffer) => (text += d.toString()));
				res.on('end', () => resolve(text));
			}).on('error', reject);
		});
		assert.match(body, /app\.js/);
		const ws = new WebSocket(`${demo.url.replace('https', 'wss')}ws?roomId=tls`, { rejectUnauthorized: false });
		const reply = await new Promise<any>((resolve, reject) => {
			ws.once('open', () => ws.send(JSON.stringify({ request: true, id: 1, method: 'getRouterRtpCapabilities', data: {} })));
			ws.once('message', (m) => resolve(JSON.parse(m.toString())));
			ws.once('error', reject);
		});
		assert.equal(reply.ok, true);
		ws.close();
	} finally {
		await demo.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
