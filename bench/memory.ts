/**
 * Scenario 4, memory: worker RSS (VmRSS from /proc/<pid>/status) per
 * consumer and per producer, with media flowing (retransmission buffers
 * filled as in a call): 1 producer (VP8-like 1,200-byte packets at 100 pps,
 * ~1 Mbps) -> 200 consumers, each on its own PlainTransport; then 200 more
 * producers, each on its own PlainTransport, at 100 pps. Plain RTP.
 *
 *   node dist/bench/memory.js [--module <path>]
 */
import { randomBytes } from 'node:crypto';
import { emit, Helper, listenInfo, loadavg, loadModule, pool, round, rssKiB, sinkCapabilities, sleep, vp8Parameters, type Metric } from './_sfu/common';
import { INGEST_BUFFER, setupFanout } from './_sfu/fanout';

const CONSUMERS = 200;
const PRODUCERS = 200;

async function main(): Promise<void> {
	const { mod, name } = loadModule();
	const loadBefore = loadavg();
	const gen = new Helper('loadgen');
	const sink = new Helper('sink');
	const worker = await mod.createWorker({ logLevel: 'error' });
	const metrics: Metric[] = [];
	const extra: any = {};

	try {
		// Baseline: one producer with one consumer, traffic on.
		const base = await setupFanout(worker, { srtp: false, n: 1, sink, gen, pps: 100 });

		await gen.request('run', {});
		await sleep(2000);
		extra.baseKiB = rssKiB(worker.pid);

		// + consumers of that producer.
		const { ports } = await sink.request('bind', { count: CONSUMERS });

		await pool(ports as number[], 16, async (port) => {
			const transport = await base.router.createPlainTransport({ listenInfo: listenInfo(), rtcpMux: true, comedia: false });

			await transport.connect({ ip: '127.0.0.1', port });
			await transport.consume({ producerId: base.producer.id, rtpCapabilities: sinkCapabilities });
		});
		await sleep(3000);
		extra.withConsumersKiB = rssKiB(worker.pid);

		// + producers, each on its own transport, each at 100 pps.
		const streams = await pool(Array.from({ length: PRODUCERS }), 16, async (_x, i) => {
			const transport = await base.router.createPlainTransport({ listenInfo: listenInfo(INGEST_BUFFER), rtcpMux: true, comedia: true });
			const ssrc = 33330000 + i;

			await transport.produce({ kind: 'video', rtpParameters: vp8Parameters(ssrc) });

			return { id: `p${ssrc}${randomBytes(2).toString('hex')}`, port: transport.tuple.localPort, ssrc, kind: 'video', payloadType: 96, size: 1188, pps: 100 };
		});

		await gen.request('add', { streams });
		await gen.request('run', { ids: streams.map((s) => s.id) });
		await sleep(3000);
		extra.withProducersKiB = rssKiB(worker.pid);
	} finally {
		worker.close();
		gen.close();
		sink.close();
	}

	const perConsumer = (extra.withConsumersKiB - extra.baseKiB) / CONSUMERS;
	const perProducer = (extra.withProducersKiB - extra.withConsumersKiB) / PRODUCERS;

	console.log(
		`${name}: RSS ${extra.baseKiB} KiB with 1 producer; +${CONSUMERS} consumers (1 Mbps each): ${extra.withConsumersKiB} KiB ` +
			`(${perConsumer.toFixed(1)} KiB each); +${PRODUCERS} producers (1 Mbps each): ${extra.withProducersKiB} KiB (${perProducer.toFixed(1)} KiB each)`,
	);
	metrics.push(
		{ key: 'memory.perConsumer', label: 'worker RSS per consumer (+transport, 1 Mbps)', value: round(perConsumer, 1), unit: 'KiB', target: 60, better: 'lower' },
		{ key: 'memory.perProducer', label: 'worker RSS per producer (+transport, 1 Mbps)', value: round(perProducer, 1), unit: 'KiB', better: 'lower' },
		{ key: 'memory.base', label: 'worker RSS, 1 producer + 1 consumer', value: round(extra.baseKiB / 1024, 1), unit: 'MiB', better: 'lower' },
	);
	emit({ scenario: 'memory', module: name, load: { before: loadBefore, after: loadavg() }, metrics, extra });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
