/**
 * Shared pieces of the SFU scenarios (bench/forwarding, conference, memory,
 * scaling, api-create): loading the module under test (broth or any
 * mediasoup-compatible one given with --module), /proc readings of the worker,
 * the helper processes (load generator, sinks) and the result line that
 * bench/run.ts collects.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';

export const SUITE = 'AES_CM_128_HMAC_SHA1_80';

/** The module under test: `--module <path>` or broth itself. */
export function loadModule(argv = process.argv): { mod: any; name: string } {
	const i = argv.indexOf('--module');

	if (i >= 0 && argv[i + 1]) {
		const resolved = path.resolve(argv[i + 1]!);
		const mod = require(resolved);
		let name = path.basename(resolved);

		try {
			const pkg = require(path.join(resolved, 'package.json'));

			name = `${pkg.name}@${pkg.version}`;
		} catch {
			// not a package directory
		}

		return { mod, name };
	}

	return { mod: require('../../src'), name: 'broth' };
}

export function argValue(name: string, argv = process.argv): string | undefined {
	const i = argv.indexOf(name);

	return i >= 0 ? argv[i + 1] : undefined;
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux

/** utime + stime of a process (all its threads) in microseconds, from /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	// The command name may hold spaces: fields count from after the closing parenthesis.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');

	return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/** Resident set size in KiB, from /proc/<pid>/status. */
export function rssKiB(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const match = /VmRSS:\s+(\d+)/.exec(status);

	return match ? Number(match[1]) : NaN;
}

export function loadavg(): string {
	return os.loadavg().map((v) => v.toFixed(2)).join(' ');
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A helper process (bench/_sfu/loadgen.js or sink.js) driven by request/response over IPC. */
export class Helper {
	readonly child: ChildProcess;
	#next = 1;
	#pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

	constructor(script: 'loadgen' | 'sink' | 'floor') {
		// A clean environment for helpers: no NODE_OPTIONS (--cpu-prof is for the worker only).
		const env = { ...process.env };

		delete env.NODE_OPTIONS;
		delete env.BENCH_CPU_PROF_DIR;
		this.child = fork(path.join(__dirname, `${script}.js`), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
		this.child.on('message', (msg: any) => {
			const p = this.#pending.get(msg.id);

			if (!p) {
				return;
			}
			this.#pending.delete(msg.id);
			if (msg.error) {
				p.reject(new Error(msg.error));
			} else {
				p.resolve(msg.result);
			}
		});
		this.child.on('exit', () => {
			for (const p of this.#pending.values()) {
				p.reject(new Error(`${script} exited`));
			}
			this.#pending.clear();
		});
	}

	get pid(): number {
		return this.child.pid!;
	}

	request<T = any>(method: string, data: any = {}): Promise<T> {
		const id = this.#next++;

		return new Promise<T>((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			this.child.send({ id, method, data });
		});
	}

	close(): void {
		this.child.kill('SIGKILL');
	}
}

/** Serves requests in a helper process. */
export function serve(handlers: Record<string, (data: any) => any>): void {
	process.on('message', async (msg: any) => {
		try {
			const result = await handlers[msg.method]!(msg.data);

			process.send!({ id: msg.id, result });
		} catch (error) {
			process.send!({ id: msg.id, error: String((error as Error)?.stack ?? error) });
		}
	});
	process.on('disconnect', () => process.exit(0));
}

export type Metric = {
	/** Stable key, e.g. 'fanout.plain.n10.cpuUsPerPacket'. */
	key: string;
	label: string;
	value: number | null;
	unit: string;
	/** Target from issue 9, if any, and which way is better. */
	target?: number;
	better?: 'lower' | 'higher';
	note?: string;
};

export type Curve = { chart: string; series: string; x: number; y: number | null };

/** The one line bench/run.ts parses: everything a scenario measured. */
export function emit(result: { scenario: string; module: string; load: { before: string; after: string }; metrics: Metric[]; curves?: Curve[]; extra?: unknown }): void {
	console.log(`BENCH_JSON ${JSON.stringify(result)}`);
}

// --- RTP parameters the scenarios use -------------------------------------

export const mediaCodecs = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

/** A receiver (the sinks): VP8 with NACK/PLI/FIR, Opus; no RTX, no header extensions. */
export const sinkCapabilities = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, rtcpFeedback: [] },
		{
			kind: 'video',
			mimeType: 'video/VP8',
			preferredPayloadType: 101,
			clockRate: 90000,
			rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
		},
	],
	headerExtensions: [],
};

export function vp8Parameters(ssrc: number): any {
	return {
		codecs: [
			{
				mimeType: 'video/VP8',
				payloadType: 96,
				clockRate: 90000,
				rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
			},
		],
		headerExtensions: [],
		encodings: [{ ssrc }],
		rtcp: { cname: `bench-${ssrc}` },
	};
}

export function opusParameters(ssrc: number): any {
	return {
		codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
		headerExtensions: [],
		encodings: [{ ssrc }],
		rtcp: { cname: `bench-${ssrc}` },
	};
}

/** A listen info on loopback; ingest sockets get a 4 MiB receive buffer (the Linux rmem_max here). */
export function listenInfo(recvBufferSize?: number): any {
	return { protocol: 'udp', ip: '127.0.0.1', ...(recvBufferSize ? { recvBufferSize, sendBufferSize: recvBufferSize } : {}) };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const out: R[] = new Array(items.length);
	let next = 0;

	await Promise.all(
		Array.from({ length: Math.min(limit, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;

				out[i] = await fn(items[i]!, i);
			}
		}),
	);

	return out;
}

export function percentile(sorted: ArrayLike<number>, p: number): number | null {
	if (sorted.length === 0) {
		return null;
	}

	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function round(v: number | null | undefined, digits = 2): number | null {
	return v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(digits));
}
