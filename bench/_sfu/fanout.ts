/**
 * One producer -> N consumers over PlainTransport (plain RTP or SRTP), fed by
 * the load generator and drained by the sinks; the measuring step used by the
 * forwarding and scaling scenarios.
 */
import { randomBytes } from 'node:crypto';
import { cpuMicros, Helper, listenInfo, mediaCodecs, pool, sinkCapabilities, sleep, SUITE, vp8Parameters } from './common';

export type Fanout = { router: any; ingest: any; producer: any; transports: any[]; streamId: string; n: number; sinkFirst: number };

let nextSsrc = 11110000;

export const INGEST_BUFFER = 4 * 1024 * 1024;

export async function setupFanout(worker: any, { srtp, n, sink, gen, pps = 1000 }: { srtp: boolean; n: number; sink: Helper; gen: Helper; pps?: number }): Promise<Fanout> {
	const srtpOptions = srtp ? { enableSrtp: true, srtpCryptoSuite: SUITE } : {};
	const router = await worker.createRouter({ mediaCodecs });
	const ingest = await router.createPlainTransport({ listenInfo: listenInfo(INGEST_BUFFER), rtcpMux: true, comedia: true, ...srtpOptions });
	const key = randomBytes(30).toString('base64');

	if (srtp) {
		await ingest.connect({ srtpParameters: { cryptoSuite: SUITE, keyBase64: key } });
	}

	const ssrc = nextSsrc++;
	const producer = await ingest.produce({ kind: 'video', rtpParameters: vp8Parameters(ssrc) });
	const { ports, first } = await sink.request('bind', { count: n });
	const transports = await pool(ports as number[], 32, async (port, i) => {
		const transport = await router.createPlainTransport({ listenInfo: listenInfo(), rtcpMux: true, comedia: false, ...srtpOptions });

		await transport.connect({
			ip: '127.0.0.1',
			port,
			...(srtp ? { srtpParameters: { cryptoSuite: SUITE, keyBase64: randomBytes(30).toString('base64') } } : {}),
		});
		await transport.consume({ producerId: producer.id, rtpCapabilities: sinkCapabilities });
		// Delays are read on the first and the last consumer (sent first and last in a fan-out).
		if (i === 0 || i === n - 1) {
			await sink.request('sample', { index: first + i, srtpKey: transport.srtpParameters?.keyBase64 });
		}

		return transport;
	});
	const streamId = `fanout-${ssrc}`;

	await gen.request('add', {
		streams: [{ id: streamId, port: ingest.tuple.localPort, ssrc, kind: 'video', payloadType: 96, size: 1188, pps, srtpKey: srtp ? key : undefined }],
	});

	return { router, ingest, producer, transports, streamId, n, sinkFirst: first };
}

export type StepResult = {
	/** Forwarded packets per second asked for (summed over the fan-outs). */
	requested: number;
	/** Forwarded packets per second the sinks got. */
	forwardedPps: number;
	loss: number;
	/** Share lost before the worker's producer counted it (ingest socket overflow). */
	ingestLoss: number;
	/** Worker CPU (all pids summed) per forwarded packet, µs, and CPU share of one core. */
	cpuUsPerPacket: number | null;
	cpuShare: number;
	/** The generator could not send at the asked rate (>15% slower). */
	generatorLimited: boolean;
	delayMs: { p50: number | null; p99: number | null; p999: number | null; samples: number };
};

/**
 * Each fan-out's producer gets `fpps / n` packets per second for `seconds`;
 * then 150 ms of drain; loss counted exactly (packets sent x N vs received).
 */
export async function measureStep({
	gen,
	sink,
	workerPids,
	fanouts,
	n,
	fpps,
	seconds,
	producers,
}: { gen: Helper; sink: Helper; workerPids: number[]; fanouts: number; n: number; fpps: number; seconds: number; producers: any[] }): Promise<StepResult> {
	const inputPps = fpps / fanouts / n;
	const count = Math.max(20, Math.round(inputPps * seconds));
	const before = await sink.request('read', { reset: true });
	const in0 = await producerPackets(producers);
	const cpu0 = workerPids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
	const t0 = process.hrtime.bigint();
	const burst = await gen.request('burst', { count, pps: inputPps });

	await sleep(150);

	const wall = Number(process.hrtime.bigint() - t0) / 1e9;
	const cpu1 = workerPids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
	const after = await sink.request('read', { reset: true });
	const received = after.total - before.total;
	const expected = count * fanouts * n;
	// What the worker took in, times N: the packets it forwarded (loss after it is the sinks').
	const forwarded = ((await producerPackets(producers)) - in0) * n;

	return {
		requested: fpps,
		forwardedPps: received / burst.seconds,
		loss: Math.max(0, 1 - received / expected),
		cpuUsPerPacket: forwarded > 0 ? (cpu1 - cpu0) / forwarded : null,
		ingestLoss: Math.max(0, 1 - forwarded / expected),
		cpuShare: (cpu1 - cpu0) / 1e6 / wall,
		generatorLimited: burst.seconds > 1.15 * (count / inputPps),
		delayMs: after.delayMs,
	};
}

async function producerPackets(producers: any[]): Promise<number> {
	let sum = 0;

	for (const producer of producers) {
		for (const stat of await producer.getStats()) {
			sum += stat.packetCount ?? 0;
		}
	}

	return sum;
}

export const LOSS_LIMIT = 0.001;

/**
 * Steps the forwarded rate up (x1.35 from `start`) until loss > 0.1% (a step
 * is tried twice before it counts as lossy) or the generator cannot keep up;
 * returns every step and the best passing one.
 */
export async function ramp(
	args: { gen: Helper; sink: Helper; workerPids: number[]; fanouts: number; n: number; seconds: number; producers: any[] },
	{ start, max, deadlineMs }: { start: number; max: number; deadlineMs: number },
): Promise<{ steps: StepResult[]; best: StepResult | undefined; stoppedBy: string }> {
	const steps: StepResult[] = [];
	let best: StepResult | undefined;
	const deadline = Date.now() + deadlineMs;

	for (let fpps = start; fpps <= max; fpps = Math.round(fpps * 1.35)) {
		if (Date.now() > deadline) {
			return { steps, best, stoppedBy: 'time' };
		}

		let step = await measureStep({ ...args, fpps });

		if (step.loss > LOSS_LIMIT) {
			steps.push(step);
			step = await measureStep({ ...args, fpps });
		}
		steps.push(step);
		if (step.loss > LOSS_LIMIT) {
			return { steps, best, stoppedBy: `loss ${(100 * step.loss).toFixed(2)}% at ${fpps} pps` };
		}
		best = step;
		if (step.generatorLimited) {
			return { steps, best, stoppedBy: `generator limited at ${Math.round(step.forwardedPps)} pps` };
		}
	}

	return { steps, best, stoppedBy: 'max rate' };
}
