/**
 * Interop over loopback UDP with SCTP carried directly in UDP datagrams (as mediasoup's
 * PlainTransport carries it), against the `sctp` and `werift-sctp` npm packages.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { SCTP, createUdpTransport } from 'werift-sctp';
import { UdpDriver, enlargeSocketBuffers, trace } from './udp-driver';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sctp = require('sctp');

// Generous but bounded waits: on a loaded machine (CPU hogs, parallel suites) both ends share one
// starved event loop and a transfer of a few MB of 1200-byte packets can take tens of seconds.
// The protocol is checked by what arrives, not by how fast.
const CONNECT_MS = 30_000;
const TRANSFER_MS = 90_000;
const TEST_MS = 150_000;

/** Resolves when cond() holds; the failure message is built when the wait fails, with the counts of then. */
function until(cond: () => boolean, ms: number, what: () => string): Promise<void> {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const iv = setInterval(() => {
			if (cond()) {
				clearInterval(iv);
				resolve();
			} else if (Date.now() - t0 > ms) {
				clearInterval(iv);
				reject(new Error(`timeout after ${ms} ms: ${what()}`));
			}
		}, 5);
	});
}

function msg(i: number, size: number): Buffer {
	const b = Buffer.alloc(size, i & 0xff);
	b.writeUInt32BE(i, 0);
	return b;
}

async function udpPair(ours: UdpDriver): Promise<dgram.Socket> {
	const port = await ours.bind();
	const udp = dgram.createSocket('udp4');
	await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
	enlargeSocketBuffers(udp);
	ours.peer = { address: '127.0.0.1', port: udp.address().port };
	await new Promise<void>((r) => udp.connect(port, '127.0.0.1', () => r()));
	return udp;
}

for (const role of ['server', 'client'] as const) {
	test(`sctp npm package over UDP, ours as ${role}: messages both ways in order`, { timeout: TEST_MS }, async (t) => {
		const got: { s: number; ppid: number; data: Buffer }[] = [];
		const ours = new UdpDriver({ role, sendBufferSize: 4 << 20, onMessage: (s, ppid, data) => got.push({ s, ppid, data }) });
		const udp = await udpPair(ours);
		t.after(() => {
			ours.close();
			sock.destroy?.();
			try {
				udp.close();
			} catch {
				// already closed
			}
		});
		const peerGot: Buffer[] = [];
		const sock = sctp.connect({ localPort: 5000, port: 5000, OS: 1024, MIS: 1024, udpTransport: udp });
		sock.on('error', () => undefined);
		sock.on('stream', (stream: NodeJS.ReadableStream) => stream.on('data', (d: Buffer) => peerGot.push(d)));
		ours.assoc.connect(ours.now());
		ours.flush();
		await new Promise<void>((r) => sock.on('connect', () => r()));
		await until(() => ours.assoc.state === 'connected', CONNECT_MS, () => 'ours connected');
		// Peer -> ours: 100 messages up to 8 KiB on stream 3, and one of 100 kB.
		const st = sock.createStream(3);
		for (let i = 0; i < 100; i++) {
			const b = msg(i, 4 + ((i * 811) % 8192));
			(b as Buffer & { ppid: number }).ppid = 53;
			st.write(b);
		}
		const big = msg(1000, 100_000);
		(big as Buffer & { ppid: number }).ppid = 53;
		st.write(big);
		// Ours -> peer: 100 messages up to 8 KiB on stream 4 (the package's receive window is 16 KiB).
		for (let i = 0; i < 100; i++) assert.equal(ours.assoc.send(4, 51, msg(i, 4 + ((i * 523) % 8000)), {}, ours.now()), 'ok');
		ours.flush();
		await until(() => got.length === 101 && peerGot.length === 100, TRANSFER_MS, () => `got ${got.length}, peer got ${peerGot.length}`);
		for (let i = 0; i < 100; i++) {
			assert.ok(got[i].data.equals(msg(i, 4 + ((i * 811) % 8192))), `ours message ${i}`);
			assert.equal(got[i].s, 3);
			assert.equal(got[i].ppid, 53);
			assert.ok(peerGot[i].equals(msg(i, 4 + ((i * 523) % 8000))), `peer message ${i}`);
		}
		assert.ok(got[100].data.equals(big));
		assert.equal(ours.assoc.stats.internalErrors, 0);
	});
}

for (const role of ['server', 'client'] as const) {
	test(`werift-sctp over UDP, ours as ${role}: messages both ways (up to 200 kB), stream reset`, { timeout: TEST_MS }, async (t) => {
		const got: { s: number; ppid: number; data: Buffer }[] = [];
		const resets: string[] = [];
		const ours = new UdpDriver({ role, sendBufferSize: 4 << 20, onMessage: (s, ppid, data) => got.push({ s, ppid, data }), onStreamReset: (ids, dir) => resets.push(`${dir}:${ids}`) });
		const port = await ours.bind();
		const udp = dgram.createSocket('udp4');
		await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
		enlargeSocketBuffers(udp);
		ours.peer = { address: '127.0.0.1', port: udp.address().port };
		const transport = createUdpTransport(udp, { port, address: '127.0.0.1' });
		const peer = role === 'client' ? SCTP.server(transport) : SCTP.client(transport);
		// SCTP_TRACE: what werift sees and sends, next to what ours sees and sends.
		const weriftIn = transport.onData!;
		transport.onData = (buf: Buffer) => (trace('werift', 'in', buf), weriftIn(buf));
		const weriftSend = transport.send;
		transport.send = (buf: Buffer) => (trace('werift', 'out', buf), weriftSend(buf));
		t.after(async () => {
			await peer.stop().catch(() => undefined);
			ours.close();
			try {
				udp.close();
			} catch {
				// already closed
			}
		});
		const peerGot: { s: number; ppid: number; data: Buffer }[] = [];
		const peerResets: number[][] = [];
		peer.onReceive.subscribe((s: number, ppid: number, data: Buffer) => peerGot.push({ s, ppid, data }));
		peer.onReconfigStreams.subscribe((ids: number[]) => peerResets.push(ids));
		ours.assoc.connect(ours.now());
		ours.flush();
		await peer.start(5000);
		await until(() => peer.state === 'connected' && ours.assoc.state === 'connected', CONNECT_MS, () => `connected: ours ${ours.assoc.state}, peer ${peer.state}`);
		const sizes = (i: number): number => 4 + ((i * 2711) % 65536);
		for (let i = 0; i < 60; i++) void peer.send(3, 53, msg(i, sizes(i)));
		void peer.send(3, 51, msg(999, 200_000));
		for (let i = 0; i < 60; i++) assert.equal(ours.assoc.send(4, 53, msg(i, sizes(i)), {}, ours.now()), 'ok');
		assert.equal(ours.assoc.send(5, 53, msg(7, 200_000), { ordered: false }, ours.now()), 'ok');
		ours.flush();
		await until(() => got.length === 61 && peerGot.length === 61, TRANSFER_MS, () => `got ${got.length}, peer got ${peerGot.length}`);
		for (let i = 0; i < 60; i++) {
			assert.ok(got[i].data.equals(msg(i, sizes(i))), `ours message ${i}`);
			assert.ok(peerGot[i].data.equals(msg(i, sizes(i))), `peer message ${i}`);
		}
		assert.ok(got[60].data.equals(msg(999, 200_000)));
		assert.equal(got[60].ppid, 51);
		assert.ok(peerGot.find((m) => m.s === 5)!.data.equals(msg(7, 200_000)));
		// RFC 6525: our outgoing reset reaches werift, which acknowledges it.
		assert.equal(ours.assoc.resetStreams([4]), true);
		ours.flush();
		await until(() => resets.includes('outgoing:4') && peerResets.length > 0, CONNECT_MS, () => `reset: ${resets}, peer ${peerResets.length}`);
		assert.deepEqual(peerResets[0], [4]);
		assert.equal(ours.assoc.stats.internalErrors, 0);
	});
}
