/**
 * Test helpers for the demo: start it as `npm start` would (its built entry,
 * default options, a free port), and a signaling client over `ws`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import WebSocket from 'ws';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const startEntry = path.join(repoRoot, 'dist', 'scripts', 'start.js');

export type LogRecord = { level: string; msg: string; [k: string]: unknown };

export type DemoProcess = {
	url: string;
	port: number;
	proc: ChildProcess;
	logs: LogRecord[];
	stdout: string[];
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	stop(): Promise<void>;
};

/** Starts `node dist/scripts/start.js --port 0 [args]` and waits for its URL. */
export async function startDemo(args: string[] = [], env: Record<string, string> = {}): Promise<DemoProcess> {
	const proc = spawn(process.execPath, [startEntry, '--port', '0', ...args], {
		cwd: repoRoot,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const logs: LogRecord[] = [];
	const stdout: string[] = [];
	let stderr = '';
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
		proc.once('exit', (code, signal) => resolve({ code, signal }));
	});
	let buffer = '';
	const listening = new Promise<{ url: string }>((resolve, reject) => {
		proc.stdout!.on('data', (chunk: Buffer) => {
			buffer += chunk.toString();
			let nl: number;
			while ((nl = buffer.indexOf('\n')) >= 0) {
				const line = buffer.slice(0, nl);
				buffer = buffer.slice(nl + 1);
				stdout.push(line);
				if (!line.startsWith('{')) continue;
				try {
					const rec = JSON.parse(line) as LogRecord;
					logs.push(rec);
					if (rec.msg === 'listening') resolve({ url: String(rec.url) });
				} catch { /* not a log line */ }
			}
		});
		proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		void exited.then(({ code }) => reject(new Error(`demo exited (${code}) before listening: ${stderr}`)));
		setTimeout(() => reject(new Error('demo did not start in 20 s')), 20_000).unref();
	});
	let url: string;
	try {
		({ url } = await listening);
	} catch (error) {
		proc.kill('SIGKILL');
		throw error;
	}
	return {
		url,
		port: Number(new URL(url).port),
		proc,
		logs,
		stdout,
		exited,
		async stop() {
			if (proc.exitCode === null && proc.signalCode === null) {
				proc.kill('SIGTERM');
				const timer = setTimeout(() => proc.kill('SIGKILL'), 8000);
				await exited;
				clearTimeout(timer);
			}
		},
	};
}

export type Response = { response: true; id: number | null; ok: boolean; data?: any; error?: { code: string; message: string } };

/** A signaling client. Answers newConsumer requests with `onNewConsumer` (default: ok). */
export class Client {
	readonly ws: WebSocket;
	#nextId = 1;
	readonly #pending = new Map<number, (r: Response) => void>();
	/** Responses with id null (envelope errors, throttling). */
	readonly orphanErrors: Response[] = [];
	readonly notifications: { method: string; data: any }[] = [];
	readonly serverRequests: { method: string; data: any }[] = [];
	onNewConsumer: (data: any) => Promise<unknown> = async () => ({});
	readonly #waiters: { pred: (m: { method: string; data: any }) => boolean; resolve: (d: any) => void }[] = [];
	readonly closed: Promise<{ code: number; reason: string }>;

	static async connect(baseUrl: string, roomId: string, headers: Record<string, string> = {}): Promise<Client> {
		const url = new URL(`ws?roomId=${encodeURIComponent(roomId)}`, baseUrl.replace(/^http/, 'ws'));
		const ws = new WebSocket(url, { headers });
		await new Promise<void>((resolve, reject) => {
			ws.once('open', () => resolve());
			ws.once('error', reject);
			ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
		});
		return new Client(ws);
	}

	private constructor(ws: WebSocket) {
		this.ws = ws;
		this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
		ws.on('message', (raw) => {
			const msg = JSON.parse(raw.toString());
			if (msg.response === true) {
				const resolve = typeof msg.id === 'number' ? this.#pending.get(msg.id) : undefined;
				if (resolve) {
					this.#pending.delete(msg.id);
					resolve(msg);
				} else {
					this.orphanErrors.push(msg);
				}
			} else if (msg.request === true) {
				const entry = { method: msg.method, data: msg.data };
				this.serverRequests.push(entry);
				this.#check(entry);
				this.onNewConsumer(msg.data).then(
					(data) => this.#send({ response: true, id: msg.id, ok: true, data }),
					(error: Error) => this.#send({ response: true, id: msg.id, ok: false, error: { code: 'failed', message: error.message } }),
				);
			} else if (msg.notification === true) {
				const entry = { method: msg.method, data: msg.data };
				this.notifications.push(entry);
				this.#check(entry);
			}
		});
	}

	#send(msg: unknown): void {
		if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
	}

	#check(entry: { method: string; data: any }): void {
		for (let i = this.#waiters.length - 1; i >= 0; i--) {
			const w = this.#waiters[i];
			if (w.pred(entry)) {
				this.#waiters.splice(i, 1);
				w.resolve(entry.data);
			}
		}
	}

	/** Sends a request; resolves with the whole response (ok or not). */
	request(method: string, data?: unknown): Promise<Response> {
		const id = this.#nextId++;
		return new Promise((resolve) => {
			this.#pending.set(id, resolve);
			this.#send({ request: true, id, method, data });
		});
	}

	/** Sends a request and returns its data; throws on an error reply. */
	async ok(method: string, data?: unknown): Promise<any> {
		const r = await this.request(method, data);
		if (!r.ok) throw new Error(`${method}: ${r.error?.code} ${r.error?.message}`);
		return r.data;
	}

	sendRaw(text: string | Buffer): void {
		this.ws.send(text);
	}

	/** Resolves with the data of the first notification or server request (past or future) matching. */
	waitFor(method: string, pred: (data: any) => boolean = () => true, timeoutMs = 5000): Promise<any> {
		const match = (m: { method: string; data: any }): boolean => m.method === method && pred(m.data);
		const past = [...this.notifications, ...this.serverRequests].find(match);
		if (past) return Promise.resolve(past.data);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
			this.#waiters.push({ pred: match, resolve: (d) => { clearTimeout(timer); resolve(d); } });
		});
	}

	close(): void {
		this.ws.close();
	}
}

/** Prometheus text → { 'name{labels}': value }. */
export function parseMetrics(text: string): Map<string, number> {
	const out = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const sp = line.lastIndexOf(' ');
		out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
	}
	return out;
}

export async function scrape(baseUrl: string): Promise<Map<string, number>> {
	const res = await fetch(new URL('metrics', baseUrl));
	if (res.status !== 200) throw new Error(`/metrics: HTTP ${res.status}`);
	return parseMetrics(await res.text());
}
