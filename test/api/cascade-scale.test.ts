import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/extras';
import type { RouterRtpCodecCapability } from '../../src/ortc/rtpParametersTypes';

const mediaCodecs: RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

const consumerCaps = {
	codecs: [
		{ kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
	],
	headerExtensions: [],
};

/** Inodes of the sockets a process holds, read from /proc. */
function socketInodes(pid: number): Set<string> {
	const inodes = new Set<string>();

	for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
		try {
			const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
			const m = /^socket:\[(\d+)\]$/.exec(link);

			if (m) {
				inodes.add(m[1]);
			}
		} catch {
			// fd closed meanwhile
		}
	}

	return inodes;
}

/** UDP ports bound on 127.0.0.1 per /proc/net/udp. */
function boundUdpPorts(): Set<number> {
	const ports = new Set<number>();

	for (const line of fs.readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
		const local = line.trim().split(/\s+/)[1];

		if (local) {
			ports.add(parseInt(local.split(':')[1], 16));
		}
	}

	return ports;
}

test('4 workers, 40 routers, 400 transports, 2,000 producer/consumer pairs close in one cascade', async () => {
	const counts = new Map<string, number>();
	const bump = (key: string): void => {
		counts.set(key, (counts.get(key) ?? 0) + 1);
	};
	const all: { kind: string; obj: { closed: boolean } }[] = [];
	const ports: number[] = [];
	const workers = [];

	for (let w = 0; w < 4; w++) {
		const worker = await mediasoup.createWorker({ rtcMinPort: 30000 + w * 1000, rtcMaxPort: 30999 + w * 1000 });

		workers.push(worker);
		worker.observer.on('close', () => bump(`worker:${worker.pid}:observer`));
		all.push({ kind: 'worker', obj: worker });

		for (let r = 0; r < 10; r++) {
			const router = await worker.createRouter({ mediaCodecs });

			all.push({ kind: 'router', obj: router });
			router.on('workerclose', () => bump(`router:${router.id}:workerclose`));
			router.observer.on('close', () => bump(`router:${router.id}:observer`));

			const transports = [];

			for (let t = 0; t < 10; t++) {
				const transport = await router.createPlainTransport({
					listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
				});

				ports.push(transport.tuple.localPort);
				all.push({ kind: 'transport', obj: transport });
				transport.on('routerclose', () => bump(`transport:${transport.id}:routerclose`));
				transport.observer.on('close', () => bump(`transport:${transport.id}:observer`));
				transports.push(transport);
			}

			for (let t = 0; t < 10; t++) {
				for (let p = 0; p < 5; p++) {
					const producer = await transports[t].produce({
						kind: 'audio',
						rtpParameters: {
							codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
							encodings: [{ ssrc: 1000 + t * 10 + p }],
						},
					});

					all.push({ kind: 'producer', obj: producer });
					producer.on('transportclose', () => bump(`producer:${producer.id}:transportclose`));
					producer.observer.on('close', () => bump(`producer:${producer.id}:observer`));

					const consumer = await transports[(t + 1) % 10].consume({
						producerId: producer.id,
						rtpCapabilities: consumerCaps,
					});

					all.push({ kind: 'consumer', obj: consumer });
					consumer.on('transportclose', () => bump(`consumer:${consumer.id}:close-event`));
					consumer.on('producerclose', () => bump(`consumer:${consumer.id}:close-event`));
					consumer.observer.on('close', () => bump(`consumer:${consumer.id}:observer`));
				}
			}
		}
	}

	const tally = (kind: string): number => all.filter((o) => o.kind === kind).length;

	assert.equal(tally('router'), 40);
	assert.equal(tally('transport'), 400);
	assert.equal(tally('producer'), 2000);
	assert.equal(tally('consumer'), 2000);

	// The sockets are real: each worker holds at least its 100 transports' sockets.
	for (const worker of workers) {
		assert.ok(socketInodes(worker.pid).size >= 100, `worker ${worker.pid} sockets`);
	}
	const bound = boundUdpPorts();

	assert.ok(ports.every((port) => bound.has(port)), 'every transport port is bound');

	const pids = workers.map((w) => w.pid);

	await Promise.all(
		workers.map((worker) => {
			const closed = enhancedOnce(worker, 'subprocessclose');

			worker.close();

			return closed;
		}),
	);

	// Every object reports closed.
	for (const { kind, obj } of all) {
		assert.equal(obj.closed, true, `${kind} closed`);
	}

	// Let stray notifications (if any) arrive before counting.
	await new Promise((resolve) => setTimeout(resolve, 200));

	// Every close event fired exactly once.
	for (const [key, n] of counts) {
		assert.equal(n, 1, key);
	}
	assert.equal([...counts.keys()].filter((k) => k.endsWith(':workerclose')).length, 40);
	assert.equal([...counts.keys()].filter((k) => k.endsWith(':routerclose')).length, 400);
	assert.equal([...counts.keys()].filter((k) => k.startsWith('producer:') && k.endsWith(':transportclose')).length, 2000);
	assert.equal([...counts.keys()].filter((k) => k.startsWith('consumer:') && k.endsWith(':close-event')).length, 2000);
	assert.equal([...counts.keys()].filter((k) => k.endsWith(':observer')).length, 4 + 40 + 400 + 2000 + 2000);

	// No child process left, no socket left bound (checked through /proc).
	for (const pid of pids) {
		assert.equal(fs.existsSync(`/proc/${pid}`), false, `process ${pid} gone`);
	}
	const stillBound = boundUdpPorts();

	assert.deepEqual(ports.filter((port) => stillBound.has(port)), []);
});
