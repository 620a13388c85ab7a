/**
 * Scenario 6, control plane: createWorker() time (median of 5), and how many
 * PlainTransports and Consumers one router creates per second (500 each,
 * sequential calls, as a signalling server does for one client at a time;
 * and 32 in flight, as for many clients at once).
 *
 *   node dist/bench/api-create.js [--module <path>]
 */
import { emit, listenInfo, loadavg, loadModule, mediaCodecs, pool, round, sinkCapabilities, vp8Parameters, type Metric } from './_sfu/common';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;

	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function seconds(t0: bigint): number {
	return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
	const { mod, name } = loadModule();
	const loadBefore = loadavg();
	const workerTimes: number[] = [];

	for (let i = 0; i < 5; i++) {
		const t0 = process.hrtime.bigint();
		const worker = await mod.createWorker({ logLevel: 'error' });

		workerTimes.push(seconds(t0) * 1000);
		worker.close();
	}

	const worker = await mod.createWorker({ logLevel: 'error', rtcMinPort: 20000, rtcMaxPort: 29999 });
	const router = await worker.createRouter({ mediaCodecs });
	const COUNT = 500;
	let t0 = process.hrtime.bigint();

	for (let i = 0; i < COUNT; i++) {
		await router.createPlainTransport({ listenInfo: listenInfo() });
	}

	const transportsSeq = COUNT / seconds(t0);

	t0 = process.hrtime.bigint();
	await pool(Array.from({ length: COUNT }), 32, () => router.createPlainTransport({ listenInfo: listenInfo() }));

	const transportsPar = COUNT / seconds(t0);
	const ingest = await router.createPlainTransport({ listenInfo: listenInfo(), comedia: true, rtcpMux: true });
	const producer = await ingest.produce({ kind: 'video', rtpParameters: vp8Parameters(4444) });
	const egress: any[] = await pool(Array.from({ length: 50 }), 8, () => router.createPlainTransport({ listenInfo: listenInfo() }));

	t0 = process.hrtime.bigint();
	for (let i = 0; i < COUNT; i++) {
		await egress[i % 50].consume({ producerId: producer.id, rtpCapabilities: sinkCapabilities });
	}

	const consumersSeq = COUNT / seconds(t0);

	t0 = process.hrtime.bigint();
	await pool(Array.from({ length: COUNT }), 32, (_x, i) => egress[i % 50].consume({ producerId: producer.id, rtpCapabilities: sinkCapabilities }));

	const consumersPar = COUNT / seconds(t0);

	worker.close();
	console.log(
		`${name}: createWorker median ${median(workerTimes).toFixed(1)} ms; PlainTransports/s ${Math.round(transportsSeq)} sequential, ` +
			`${Math.round(transportsPar)} with 32 in flight; consumers/s ${Math.round(consumersSeq)} sequential, ${Math.round(consumersPar)} with 32 in flight`,
	);

	const metrics: Metric[] = [
		{ key: 'control.createWorkerMs', label: 'createWorker() median', value: round(median(workerTimes), 1), unit: 'ms', better: 'lower' },
		{ key: 'control.transportsPerSec', label: 'createPlainTransport()/s sequential', value: Math.round(transportsSeq), unit: '/s', better: 'higher' },
		{ key: 'control.transportsPerSecPar', label: 'createPlainTransport()/s 32 in flight', value: Math.round(transportsPar), unit: '/s', better: 'higher' },
		{ key: 'control.consumersPerSec', label: 'consume()/s sequential', value: Math.round(consumersSeq), unit: '/s', better: 'higher' },
		{ key: 'control.consumersPerSecPar', label: 'consume()/s 32 in flight', value: Math.round(consumersPar), unit: '/s', better: 'higher' },
	];

	emit({ scenario: 'control', module: name, load: { before: loadBefore, after: loadavg() }, metrics });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
