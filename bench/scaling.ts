/**
 * Scenario 5, scaling: the fan-out of scenario 1 (plain RTP, 1 producer ->
 * 10 consumers, 1,200-byte packets) on one worker, then one such fan-out on
 * each of 2 workers (one per core) driven at once; highest forwarded rate in
 * all with < 0.1% loss, and worker CPU per forwarded packet.
 *
 *   node dist/bench/scaling.js [--module <path>] [--srtp]
 */
import { emit, Helper, loadavg, loadModule, round, sleep, type Curve, type Metric } from './_sfu/common';
import { measureStep, ramp, setupFanout } from './_sfu/fanout';

const N = 10;

async function run(mod: any, workers: number, srtp: boolean): Promise<{ maxPps: number | null; cpuUs: number | null; stoppedBy: string }> {
	const gen = new Helper('loadgen');
	const sink = new Helper('sink');
	const list: any[] = [];

	try {
		const producers: any[] = [];

		for (let i = 0; i < workers; i++) {
			const worker = await mod.createWorker({ logLevel: 'error' });

			list.push(worker);
			producers.push((await setupFanout(worker, { srtp, n: N, sink, gen })).producer);
		}

		const args = { gen, sink, workerPids: list.map((w) => w.pid), fanouts: workers, n: N, seconds: 1, producers };

		await measureStep({ ...args, fpps: 10_000, seconds: 0.5 });

		const { best, stoppedBy } = await ramp(args, { start: 20_000, max: 600_000, deadlineMs: 30_000 });

		return { maxPps: best ? Math.round(best.forwardedPps) : null, cpuUs: round(best?.cpuUsPerPacket), stoppedBy };
	} finally {
		for (const worker of list) {
			worker.close();
		}
		gen.close();
		sink.close();
		await sleep(200);
	}
}

async function main(): Promise<void> {
	const { mod, name } = loadModule();
	const srtp = process.argv.includes('--srtp');
	const mode = srtp ? 'srtp' : 'plain';
	const loadBefore = loadavg();
	const metrics: Metric[] = [];
	const curves: Curve[] = [];
	const results: Record<number, Awaited<ReturnType<typeof run>>> = {};

	for (const workers of [1, 2]) {
		results[workers] = await run(mod, workers, srtp);
		console.log(
			`${name} ${mode} ${workers} worker(s), 1->${N} each: max ${results[workers].maxPps} fwd pps in all ` +
				`(${results[workers].cpuUs} µs/pkt; stopped by ${results[workers].stoppedBy})`,
		);
		metrics.push({
			key: `scaling.${mode}.workers${workers}.maxPps`,
			label: `${workers} worker(s) ${mode} 1->${N}: max fwd pps <0.1% loss`,
			value: results[workers].maxPps,
			unit: 'pps',
			better: 'higher',
			note: results[workers].stoppedBy,
		});
		curves.push({ chart: 'Scaling: max forwarded pps vs workers (1->10, plain)', series: `${name} ${mode}`, x: workers, y: results[workers].maxPps });
	}
	metrics.push({
		key: `scaling.${mode}.factor`,
		label: `2 workers / 1 worker (${mode})`,
		value: results[1].maxPps && results[2].maxPps ? round(results[2].maxPps / results[1].maxPps) : null,
		unit: '×',
		better: 'higher',
	});
	emit({ scenario: 'scaling', module: name, load: { before: loadBefore, after: loadavg() }, metrics, curves, extra: results });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
