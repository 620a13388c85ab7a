/**
 * The floor under any Node.js SFU on this machine: scenario 1's fan-out (1,200-byte packets from
 * the same load generator to the same sinks, CPU from /proc) through a forwarder that does the
 * least an SFU must (bench/_sfu/floor.ts: receive, copy, new sequence number, send on N connected
 * sockets; broth's socket layer, no RTP parsing, no SRTP, no state). What broth's worker spends
 * above these figures is its own; what the floor spends is Node's and the kernel's, per received
 * and per sent datagram. Not one of issue 9's scenarios: a reference for reading them.
 *
 * With SRTP (AES_CM_128_HMAC_SHA1_80) it also unprotects each datagram and protects each copy with
 * broth's SrtpSession: the floor for SRTP on Node's OpenSSL bindings.
 *
 *   node dist/bench/node-floor.js [--ns 1,10] [--modes plain,srtp] [--ref <pps>]
 */
import { randomBytes } from 'node:crypto';
import { argValue, emit, Helper, loadavg, round, sleep, type Metric } from './_sfu/common';
import { INGEST_BUFFER, measureStep, ramp, type StepResult } from './_sfu/fanout';

const REF_FPPS = Number(argValue('--ref') ?? 40_000);

async function main(): Promise<void> {
	const ns = (argValue('--ns') ?? '1,10').split(',').map(Number);
	const modes = (argValue('--modes') ?? 'plain,srtp').split(',');
	const loadBefore = loadavg();
	const metrics: Metric[] = [];

	for (const mode of modes) for (const n of ns) {
		const key = (): string => randomBytes(30).toString('base64');
		const srtp = mode === 'srtp' ? { in: key(), out: Array.from({ length: n }, key) } : undefined;
		const gen = new Helper('loadgen');
		const sink = new Helper('sink');
		const floor = new Helper('floor');
		let ref: StepResult | undefined;
		let best: StepResult | undefined;
		let stoppedBy = '';

		try {
			const { ports, first } = await sink.request('bind', { count: n });
			const { port, pid } = await floor.request('setup', { ports, recvBufferSize: INGEST_BUFFER, srtp });

			await sink.request('sample', { index: first, srtpKey: srtp?.out[0] });
			await gen.request('add', {
				streams: [{ id: 'floor', port, ssrc: 4242, kind: 'video', payloadType: 96, size: 1188, pps: 1000, srtpKey: srtp?.in }],
			});

			// measureStep counts ingested packets through producers' stats.
			const producer = { getStats: async () => [{ packetCount: await floor.request('count') }] };
			const args = { gen, sink, workerPids: [pid], fanouts: 1, n, seconds: 1, producers: [producer] };

			await measureStep({ ...args, fpps: REF_FPPS, seconds: 3 });
			ref = await measureStep({ ...args, fpps: REF_FPPS, seconds: 3 });
			({ best, stoppedBy } = await ramp(args, { start: 20_000, max: 600_000, deadlineMs: 20_000 }));
			console.log(
				`node floor ${mode.padEnd(5)} N=${String(n).padEnd(3)} at ${REF_FPPS} pps: ${ref.cpuUsPerPacket?.toFixed(2)} µs/pkt, ` +
					`loss ${(100 * ref.loss).toFixed(3)}%, CPU ${Math.round(100 * ref.cpuShare)}%; ` +
					`max ${Math.round(best?.forwardedPps ?? 0)} pps (${best?.cpuUsPerPacket?.toFixed(2)} µs/pkt; stopped by ${stoppedBy})`,
			);
		} catch (error) {
			console.error(`node floor ${mode} N=${n}: ${(error as Error).message}`);
		} finally {
			gen.close();
			sink.close();
			floor.close();
			await sleep(200);
		}
		metrics.push({
			key: `floor.${mode}.n${n}.cpuUs`,
			label: `Node floor ${mode} N=${n}: CPU per fwd packet`,
			value: round(ref?.cpuUsPerPacket),
			unit: 'µs',
			better: 'lower',
			note: ref ? `at ${REF_FPPS} pps, CPU ${Math.round(100 * ref.cpuShare)}%` : 'failed',
		});
		metrics.push({
			key: `floor.${mode}.n${n}.maxPps`,
			label: `Node floor ${mode} N=${n}: max fwd pps <0.1% loss`,
			value: best ? Math.round(best.forwardedPps) : null,
			unit: 'pps',
			better: 'higher',
			note: `stopped by ${stoppedBy}`,
		});
	}
	emit({ scenario: 'node-floor', module: 'node', load: { before: loadBefore, after: loadavg() }, metrics });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
