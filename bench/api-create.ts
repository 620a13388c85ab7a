/**
 * Control-plane latency: median time for createWorker() to resolve, and for
 * createPlainTransport() (1,000 calls, sequential, one router).
 */
import * as mediasoup from '../src';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;

	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
	const workerTimes: number[] = [];

	for (let i = 0; i < 10; i++) {
		const t0 = process.hrtime.bigint();
		const worker = await mediasoup.createWorker();

		workerTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
		worker.close();
	}

	const worker = await mediasoup.createWorker({ rtcMinPort: 20000, rtcMaxPort: 29999 });
	const router = await worker.createRouter();
	const transportTimes: number[] = [];
	const t0 = process.hrtime.bigint();

	for (let i = 0; i < 1000; i++) {
		const t = process.hrtime.bigint();

		await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });
		transportTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
	}

	const total = Number(process.hrtime.bigint() - t0) / 1e6;

	console.log(`createWorker():            median ${median(workerTimes).toFixed(1)} ms over ${workerTimes.length} workers`);
	console.log(`createPlainTransport():    median ${median(transportTimes).toFixed(3)} ms over 1000 calls (${total.toFixed(0)} ms in all)`);
	worker.close();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
