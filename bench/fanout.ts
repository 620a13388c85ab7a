/**
 * Worker CPU per forwarded packet: 1 producer -> 1, 10, 100 consumers over
 * PlainTransports (one transport per consumer, as one per receiver), plain
 * RTP and SRTP (AES_CM_128_HMAC_SHA1_80 in and out), 1,200-byte packets from
 * a separate load-generator process. CPU is the worker's own
 * getResourceUsage() (user + system) over the run; one "forwarded packet" is
 * one packet sent by one consumer (so ingest is amortised over the fan-out).
 * Run: node dist/bench/fanout.js
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as mediasoup from '../src';
import type { RtpCapabilities } from '../src/ortc/rtpParametersTypes';

const SECONDS = 3;
const capabilities: RtpCapabilities = {
	codecs: [{ kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
	headerExtensions: [],
};

function load(port: number, rate: number, seconds: number, key?: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const args = [path.join(__dirname, '_forwardingLoad.js'), String(port), String(rate), String(seconds), '1234', ...(key ? [key] : [])];
		const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';

		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.on('error', reject);
		child.on('close', () => resolve(Number(out.trim())));
	});
}

async function run(consumers: number, srtp: boolean): Promise<Record<string, string | number>> {
	const worker = await mediasoup.createWorker({ logLevel: 'error' });
	const router = await worker.createRouter({ mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }] });
	const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
	const srtpOptions = srtp ? { enableSrtp: true, srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const } : {};
	const key = randomBytes(30).toString('base64');
	const ingest = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true, ...srtpOptions });

	if (srtp) {
		await ingest.connect({ srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: key } });
	}

	const producer = await ingest.produce({
		kind: 'video',
		rtpParameters: {
			codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
			encodings: [{ ssrc: 1234 }],
		},
	});
	// Consumers send to a port nobody reads: a receiving socket here would take
	// the CPU the worker needs (2 cores); the worker's own stats say what went out.
	const sink = createSocket('udp4');

	await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', () => resolve()));

	const sinkPort = sink.address().port;

	sink.close();

	const egresses = [];

	for (let i = 0; i < consumers; i++) {
		const egress = await router.createPlainTransport({ listenInfo, rtcpMux: true, ...srtpOptions });

		egresses.push(egress);
		await egress.consume({ producerId: producer.id, rtpCapabilities: capabilities });
		await egress.connect({
			ip: '127.0.0.1',
			port: sinkPort,
			...(srtp ? { srtpParameters: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: key } } : {}),
		});
	}

	// Keep the fan-out near 30-60k packets/s so the worker is not saturated.
	const rate = consumers === 1 ? 4000 : consumers === 10 ? 4000 : 500;
	const before = await worker.getResourceUsage();
	const sent = await load(ingest.tuple.localPort, rate, SECONDS, srtp ? key : undefined);

	await new Promise((resolve) => setTimeout(resolve, 300));

	const after = await worker.getResourceUsage();
	const cpuMs = after.ru_utime + after.ru_stime - (before.ru_utime + before.ru_stime);
	const [stat] = (await producer.getStats()) as any[];
	const ingested = stat?.packetCount ?? 0;
	let forwarded = 0;

	for (const egress of egresses) {
		forwarded += Math.round(((await egress.getStats())[0] as any).rtpBytesSent / (1200 - 12 + 12));
	}

	const ingestStats = (await ingest.getStats())[0] as any;

	worker.close();

	return {
		consumers,
		srtp: srtp ? 'yes' : 'no',
		'sent pps': rate,
		sent,
		ingested,
		forwarded,
		'SRTP failures': ingestStats.srtpUnprotectFailures,
		'worker CPU ms': Math.round(cpuMs),
		'µs / forwarded pkt': forwarded > 0 ? ((cpuMs * 1000) / forwarded).toFixed(2) : 'n/a',
		'worker CPU %': ((cpuMs / (SECONDS * 1000)) * 100).toFixed(0),
	};
}

async function main(): Promise<void> {
	const rows: Record<string, string | number>[] = [];

	for (const srtp of [false, true]) {
		for (const consumers of [1, 10, 100]) {
			rows.push(await run(consumers, srtp));
		}
	}
	console.log('forwarding: 1 producer -> N consumers over PlainTransport, 1200-byte packets');
	console.table(rows);
}

void main();
