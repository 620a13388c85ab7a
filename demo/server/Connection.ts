/**
 * One client's WebSocket: parses and checks envelopes, rate-limits, runs the
 * client's requests one at a time (so a client can't race its own objects),
 * answers, and lets the server send requests and notifications.
 */
import type { WebSocket, RawData } from 'ws';
import type { DemoLimits } from './config';
import type { Logger } from './log';
import type { ErrorCode } from '../shared/protocol';
import { isObject } from './validate';

/** Thrown by request handlers to answer with a specific error code. */
export class RequestError extends Error {
	constructor(public readonly code: ErrorCode, message: string) {
		super(message);
	}
}

export type RequestHandler = (method: string, data: unknown) => Promise<unknown>;

/** Over this much unsent data a client isn't reading: drop it. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class Connection {
	readonly #ws: WebSocket;
	readonly #limits: DemoLimits;
	readonly #log: Logger;
	#handler: RequestHandler | undefined;
	/** Requests wait here until the room is ready (it may still be being created). */
	#queue: Promise<void>;
	#ready!: () => void;
	#tokens: number;
	#lastRefill = performance.now();
	#nextId = 1;
	readonly #pending = new Map<number, { resolve: (d: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
	#closed = false;
	readonly #closeListeners: (() => void)[] = [];
	/** Counters, for logs and tests. */
	readonly counts = { requests: 0, rejected: 0, throttled: 0 };

	constructor(ws: WebSocket, limits: DemoLimits, log: Logger) {
		this.#ws = ws;
		this.#limits = limits;
		this.#log = log;
		this.#tokens = limits.requestBurst;
		this.#queue = new Promise<void>((resolve) => (this.#ready = resolve));
		ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
		ws.on('close', () => this.#onClose());
		ws.on('error', (error) => this.#log.warn('websocket error', { error }));
	}

	get closed(): boolean {
		return this.#closed;
	}

	setHandler(handler: RequestHandler): void {
		this.#handler = handler;
		this.#ready();
	}

	onClose(listener: () => void): void {
		if (this.#closed) queueMicrotask(listener);
		else this.#closeListeners.push(listener);
	}

	notify(method: string, data: unknown = {}): void {
		this.#send({ notification: true, method, data });
	}

	/** A server → client request; rejects on error reply, timeout or close. */
	request(method: string, data: unknown, timeoutMs: number): Promise<unknown> {
		if (this.#closed) return Promise.reject(new Error('connection closed'));
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#pending.delete(id);
				reject(new Error(`${method} request timed out`));
			}, timeoutMs);
			this.#pending.set(id, { resolve, reject, timer });
			this.#send({ request: true, id, method, data });
		});
	}

	close(code = 1000, reason = ''): void {
		if (this.#closed) return;
		try {
			this.#ws.close(code, reason);
		} catch {
			this.#ws.terminate();
		}
		// The 'close' event finishes the cleanup; don't wait for a slow client forever.
		setTimeout(() => this.#ws.terminate(), 2000).unref();
	}

	#send(message: unknown): void {
		if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
		if (this.#ws.bufferedAmount > MAX_BUFFERED_BYTES) {
			this.#log.warn('client does not read its messages; dropping it');
			this.#ws.terminate();
			return;
		}
		this.#ws.send(JSON.stringify(message));
	}

	#error(id: number | null, code: ErrorCode, message: string): void {
		this.counts.rejected++;
		this.#send({ response: true, id, ok: false, error: { code, message } });
	}

	#takeToken(): boolean {
		const now = performance.now();
		const { requestsPerSecond, requestBurst } = this.#limits;
		this.#tokens = Math.min(requestBurst, this.#tokens + ((now - this.#lastRefill) / 1000) * requestsPerSecond);
		this.#lastRefill = now;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}

	#onMessage(raw: RawData, isBinary: boolean): void {
		// Every message costs a token, well-formed or not.
		const allowed = this.#takeToken();
		let msg: unknown;
		if (!isBinary) {
			try {
				msg = JSON.parse(raw.toString());
			} catch {
				msg = undefined;
			}
		}
		if (!allowed) {
			this.counts.throttled++;
			// Answer with the request's id when it has one, so the client can fail that request.
			const id = isObject(msg) && msg.request === true && Number.isSafeInteger(msg.id) ? (msg.id as number) : null;
			this.#error(id, 'rate_limited', 'too many messages; slow down');
			return;
		}
		if (isBinary) {
			this.#error(null, 'bad_json', 'binary messages are not accepted');
			return;
		}
		if (msg === undefined) {
			this.#error(null, 'bad_json', 'message is not JSON');
			return;
		}
		if (!isObject(msg)) {
			this.#error(null, 'bad_json', 'message must be a JSON object');
			return;
		}
		if (msg.response === true) {
			this.#onResponse(msg);
			return;
		}
		const id = msg.id;
		if (msg.request !== true || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
			this.#error(null, 'bad_json', 'expected { request: true, id: <non-negative integer>, method, data }');
			return;
		}
		if (typeof msg.method !== 'string' || msg.method.length > 64) {
			this.#error(id, 'bad_request', 'method must be a short string');
			return;
		}
		const method = msg.method;
		const data = msg.data === undefined ? {} : msg.data;
		this.counts.requests++;
		this.#queue = this.#queue.then(() => this.#handle(id, method, data));
	}

	async #handle(id: number, method: string, data: unknown): Promise<void> {
		if (this.#closed) return;
		const handler = this.#handler;
		if (!handler) {
			this.#error(id, 'failed', 'not ready');
			return;
		}
		try {
			const result = await handler(method, data);
			this.#send({ response: true, id, ok: true, data: result ?? {} });
		} catch (error) {
			if (error instanceof RequestError) {
				this.#error(id, error.code, error.message);
			} else {
				// broth's own validation (TypeError, UnsupportedError, InvalidStateError) lands here.
				const message = error instanceof Error ? error.message : String(error);
				this.#log.warn('request failed', { method, error: message });
				this.#error(id, 'failed', message.slice(0, 300));
			}
		}
	}

	#onResponse(msg: Record<string, unknown>): void {
		const id = msg.id;
		if (typeof id !== 'number') return;
		const pending = this.#pending.get(id);
		if (!pending) return;
		this.#pending.delete(id);
		clearTimeout(pending.timer);
		if (msg.ok === true) pending.resolve(msg.data);
		else pending.reject(new Error('client refused the request'));
	}

	#onClose(): void {
		if (this.#closed) return;
		this.#closed = true;
		for (const p of this.#pending.values()) {
			clearTimeout(p.timer);
			p.reject(new Error('connection closed'));
		}
		this.#pending.clear();
		for (const l of this.#closeListeners.splice(0)) {
			try {
				l();
			} catch (error) {
				this.#log.error('close listener failed', { error });
			}
		}
	}
}
