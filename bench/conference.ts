/**
 * Scenario 2, conference capacity: rooms of 4 and of 10 participants, each
 * sending Opus-like audio (50 pps, 160-byte packets) and VP8-like video
 * (100 pps in frames of 4 packets, 1,250 bytes: 1 Mbps) over SRTP
 * (AES_CM_128_HMAC_SHA1_80) PlainTransports, everyone consuming everyone
 * (2(R-1) consumers per participant on one receive transport). Rooms are
 * added until loss > 0.1% or the p99 forwarding delay > 5 ms; the figure is
 * the consumers the worker carried at the last passing step.
 * Scenario 3, forwarding delay: p50/p99/p999 from the generator's send to the
 * sink's receive (send time in the payload), on a fresh worker loaded with
 * rooms of 4 at 50% of the capacity found.
 *
 *   node dist/bench/conference.js [--module <path>] [--rooms 4,10] [--warm <s>]
 */
import { randomBytes } from 'node:crypto';
import {
	argValue,
	cpuMicros,
	emit,
	Helper,
	listenInfo,
	loadavg,
	loadModule,
	mediaCodecs,
	opusParameters,
	pool,
	round,
	sinkCapabilities,
	sleep,
	SUITE,
	vp8Parameters,
	type Curve,
	type Metric,
} from './_sfu/common';
import { INGEST_BUFFER } from './_sfu/fanout';

const LOSS_LIMIT = 0.001;
const DELAY_LIMIT_MS = 5;
const WARM_MS = Number(argValue('--warm') ?? 3) * 1000;
const STEPS = [48, 120, 240, 360, 480, 600, 720, 900, 1080, 1260, 1500, 1800, 2100];
let nextSsrc = 22220000;
let sampled = 0;

type Room = { size: number; streams: string[]; consumers: number };

async function addRoom(worker: any, size: number, gen: Helper, sink: Helper): Promise<Room> {
	const router = await worker.createRouter({ mediaCodecs });
	const srtp = { enableSrtp: true, srtpCryptoSuite: SUITE };
	const participants = await pool(Array.from({ length: size }), 8, async () => {
		const send = await router.createPlainTransport({ listenInfo: listenInfo(INGEST_BUFFER), rtcpMux: true, comedia: true, ...srtp });
		const key = randomBytes(30).toString('base64');

		await send.connect({ srtpParameters: { cryptoSuite: SUITE, keyBase64: key } });

		const audioSsrc = nextSsrc++;
		const videoSsrc = nextSsrc++;
		const audio = await send.produce({ kind: 'audio', rtpParameters: opusParameters(audioSsrc) });
		const video = await send.produce({ kind: 'video', rtpParameters: vp8Parameters(videoSsrc) });
		const port = send.tuple.localPort;

		return {
			producers: [audio, video],
			streams: [
				{ id: `a${audioSsrc}`, port, ssrc: audioSsrc, kind: 'audio', payloadType: 111, size: 148, pps: 50, srtpKey: key },
				{ id: `v${videoSsrc}`, port, ssrc: videoSsrc, kind: 'video', payloadType: 96, size: 1238, pps: 100, perFrame: 4, srtpKey: key },
			],
		};
	});
	const { ports, first } = await sink.request('bind', { count: size });
	let consumers = 0;

	await pool(participants, 8, async (me, i) => {
		const recv = await router.createPlainTransport({ listenInfo: listenInfo(), rtcpMux: true, comedia: false, ...srtp });

		await recv.connect({ ip: '127.0.0.1', port: ports[i], srtpParameters: { cryptoSuite: SUITE, keyBase64: randomBytes(30).toString('base64') } });
		for (const other of participants) {
			if (other !== me) {
				for (const producer of other.producers) {
					await recv.consume({ producerId: producer.id, rtpCapabilities: sinkCapabilities });
					consumers++;
				}
			}
		}
		// Delays: one receiver per room, at most 24 sampled in all.
		if (i === 0 && sampled < 24) {
			sampled++;
			await sink.request('sample', { index: first + i, srtpKey: recv.srtpParameters.keyBase64 });
		}
	});

	const streams = participants.flatMap((p) => p.streams);

	await gen.request('add', { streams });
	await gen.request('run', { ids: streams.map((s) => s.id) });

	return { size, streams: streams.map((s) => s.id), consumers };
}

type Window = { consumers: number; loss: number; delayMs: any; cpuShare: number; cpuUsPerPacket: number | null; forwardedPps: number };

/** Pause, drain, snapshot; run `seconds`; pause, drain, snapshot. Exact loss per window. */
async function measure(gen: Helper, sink: Helper, pid: number, rooms: Room[], seconds: number): Promise<Window> {
	await gen.request('pause');
	await sleep(120);

	const s0 = await gen.request('stats');
	const r0 = await sink.request('read', { reset: true });
	const c0 = cpuMicros(pid);
	const t0 = Date.now();

	await gen.request('resume');
	await sleep(seconds * 1000);
	await gen.request('pause');
	await sleep(120);

	const c1 = cpuMicros(pid);
	const wall = (Date.now() - t0) / 1000;
	const s1 = await gen.request('stats');
	const r1 = await sink.request('read', { reset: true });
	let expected = 0;

	for (const room of rooms) {
		for (const id of room.streams) {
			expected += (s1.sent[id] - (s0.sent[id] ?? 0)) * (room.size - 1);
		}
	}

	const received = r1.total - r0.total;

	await gen.request('resume');

	return {
		consumers: rooms.reduce((sum, r) => sum + r.consumers, 0),
		loss: expected > 0 ? Math.max(0, 1 - received / expected) : 0,
		delayMs: r1.delayMs,
		cpuShare: (c1 - c0) / 1e6 / wall,
		cpuUsPerPacket: received > 0 ? (c1 - c0) / received : null,
		forwardedPps: received / seconds,
	};
}

function passes(w: Window): boolean {
	return w.loss <= LOSS_LIMIT && (w.delayMs.p99 ?? Infinity) <= DELAY_LIMIT_MS;
}

function describe(w: Window): string {
	return (
		`${w.consumers} consumers: ${Math.round(w.forwardedPps)} fwd pps, loss ${(100 * w.loss).toFixed(3)}%, ` +
		`delay p50/p99/p999 ${w.delayMs.p50?.toFixed(2)}/${w.delayMs.p99?.toFixed(2)}/${w.delayMs.p999?.toFixed(2)} ms, ` +
		`worker CPU ${Math.round(100 * w.cpuShare)}% (${w.cpuUsPerPacket?.toFixed(2)} µs/pkt)`
	);
}

async function capacity(mod: any, name: string, size: number, curves: Curve[]): Promise<{ capacity: number | null; stoppedBy: string; windows: Window[] }> {
	const gen = new Helper('loadgen');
	const sink = new Helper('sink');
	const worker = await mod.createWorker({ logLevel: 'error' });
	const rooms: Room[] = [];
	const windows: Window[] = [];
	const deadline = Date.now() + 75_000;
	let best: Window | undefined;
	let stoppedBy = 'last step';

	sampled = 0;
	try {
		for (const target of STEPS) {
			if (Date.now() > deadline) {
				stoppedBy = 'time';
				break;
			}
			while (rooms.reduce((sum, r) => sum + r.consumers, 0) < target) {
				rooms.push(await addRoom(worker, size, gen, sink));
			}
			// Key frames out and the JIT warm: a fresh worker runs the forwarding path in V8's
			// baseline tiers for its first seconds at these packet rates (as the fan-out's --warm).
			await sleep(windows.length === 0 ? WARM_MS : 1000);

			let w = await measure(gen, sink, worker.pid, rooms, 2);

			if (!passes(w)) {
				windows.push(w);
				w = await measure(gen, sink, worker.pid, rooms, 2);
			}
			windows.push(w);
			console.log(`${name} rooms of ${size}: ${describe(w)}${passes(w) ? '' : '  <- over the limit'}`);
			curves.push({ chart: 'Conference (SRTP): p99 delay ms vs consumers per worker', series: `${name} rooms of ${size}`, x: w.consumers, y: round(w.delayMs.p99) });
			if (!passes(w)) {
				stoppedBy = w.loss > LOSS_LIMIT ? `loss ${(100 * w.loss).toFixed(2)}%` : `p99 ${w.delayMs.p99?.toFixed(1)} ms`;
				break;
			}
			best = w;
		}
	} catch (error) {
		stoppedBy = `error: ${(error as Error).message}`;
		console.error(`${name} rooms of ${size}: ${stoppedBy}`);
	} finally {
		worker.close();
		gen.close();
		sink.close();
		await sleep(200);
	}

	return { capacity: best ? best.consumers : null, stoppedBy, windows };
}

async function delayAt(mod: any, consumers: number): Promise<Window | undefined> {
	const gen = new Helper('loadgen');
	const sink = new Helper('sink');
	const worker = await mod.createWorker({ logLevel: 'error' });
	const rooms: Room[] = [];

	sampled = 0;
	try {
		while (rooms.reduce((sum, r) => sum + r.consumers, 0) < consumers) {
			rooms.push(await addRoom(worker, 4, gen, sink));
		}
		await sleep(WARM_MS);

		return await measure(gen, sink, worker.pid, rooms, 5);
	} catch (error) {
		console.error(`delay at ${consumers} consumers: ${(error as Error).message}`);

		return undefined;
	} finally {
		worker.close();
		gen.close();
		sink.close();
		await sleep(200);
	}
}

async function main(): Promise<void> {
	const { mod, name } = loadModule();
	const sizes = (argValue('--rooms') ?? '4,10').split(',').map(Number);
	const loadBefore = loadavg();
	const metrics: Metric[] = [];
	const curves: Curve[] = [];
	const extra: any = {};
	let capacity4: number | null = null;

	for (const size of sizes) {
		const result = await capacity(mod, name, size, curves);

		extra[`rooms${size}`] = result;
		if (size === 4) {
			capacity4 = result.capacity;
		}
		metrics.push({
			key: `conference.rooms${size}.consumers`,
			label: `conference rooms of ${size} (SRTP): consumers/worker`,
			value: result.capacity,
			unit: 'consumers',
			target: 500,
			better: 'higher',
			note: `stopped by ${result.stoppedBy}`,
		});
	}

	const half = Math.max(24, Math.round((capacity4 ?? Math.max(...sizes.map((s) => extra[`rooms${s}`].capacity ?? 0), 48)) / 2));
	const w = await delayAt(mod, half);

	if (w) {
		console.log(`${name} delay at 50% capacity (rooms of 4): ${describe(w)}`);
	}
	extra.delay = w;
	for (const p of ['p50', 'p99', 'p999'] as const) {
		metrics.push({
			key: `delay.${p}`,
			label: `forwarding delay ${p} at 50% capacity (${w?.consumers ?? half} consumers)`,
			value: round(w?.delayMs[p] ?? null, 3),
			unit: 'ms',
			better: 'lower',
			...(p === 'p99' ? { target: 2 } : {}),
			...(p === 'p50' ? { note: `loss ${w ? (100 * w.loss).toFixed(3) : '?'}%` } : {}),
		});
	}
	emit({ scenario: 'conference', module: name, load: { before: loadBefore, after: loadavg() }, metrics, curves, extra });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
