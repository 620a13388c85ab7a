/**
 * The page's side of the signaling WebSocket: requests with responses,
 * server requests (newConsumer) and notifications. One instance per socket;
 * main.ts makes a new one after each reconnect.
 */
import type { Message } from '../shared/protocol';

type Pending = { resolve: (data: any) => void; reject: (error: Error) => void; timer: number };

export class SignalingError extends Error {
	constructor(public readonly code: string, message: string) {
		super(message);
	}
}

export class Signaling {
	readonly #ws: WebSocket;
	#nextId = 1;
	readonly #pending = new Map<number, Pending>();
	onNotification: (method: string, data: any) => void = () => undefined;
	onRequest: (method: string, data: any) => Promise<unknown> = async () => {
		throw new Error('no handler');
	};
	onClose: () => void = () => undefined;
	readonly opened: Promise<void>;

	constructor(url: string) {
		this.#ws = new WebSocket(url);
		this.opened = new Promise((resolve, reject) => {
			this.#ws.addEventListener('open', () => resolve(), { once: true });
			this.#ws.addEventListener('close', () => reject(new Error('websocket closed')), { once: true });
		});
		this.#ws.addEventListener('message', (ev) => this.#onMessage(ev.data));
		this.#ws.addEventListener('close', () => {
			for (const p of this.#pending.values()) {
				clearTimeout(p.timer);
				p.reject(new Error('websocket closed'));
			}
			this.#pending.clear();
			this.onClose();
		});
	}

	get open(): boolean {
		return this.#ws.readyState === WebSocket.OPEN;
	}

	request<T = any>(method: string, data: unknown = {}, timeoutMs = 10_000): Promise<T> {
		const id = this.#nextId++;
		return new Promise<T>((resolve, reject) => {
			const timer = window.setTimeout(() => {
				this.#pending.delete(id);
				reject(new Error(`${method}: timeout`));
			}, timeoutMs);
			this.#pending.set(id, { resolve, reject, timer });
			this.#send({ request: true, id, method, data });
		});
	}

	close(): void {
		this.#ws.close();
	}

	#send(message: Message): void {
		if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
	}

	#onMessage(text: unknown): void {
		if (typeof text !== 'string') return;
		let msg: any;
		try {
			msg = JSON.parse(text);
		} catch {
			return;
		}
		if (msg.response === true) {
			const p = this.#pending.get(msg.id);
			if (!p) {
				if (msg.ok === false) console.warn('server error', msg.error);
				return;
			}
			this.#pending.delete(msg.id);
			clearTimeout(p.timer);
			if (msg.ok) p.resolve(msg.data);
			else p.reject(new SignalingError(msg.error?.code ?? 'failed', msg.error?.message ?? 'request failed'));
		} else if (msg.request === true) {
			this.onRequest(msg.method, msg.data).then(
				(data) => this.#send({ response: true, id: msg.id, ok: true, data }),
				(error: Error) => this.#send({ response: true, id: msg.id, ok: false, error: { code: 'failed', message: String(error?.message ?? error) } }),
			);
		} else if (msg.notification === true) {
			this.onNotification(msg.method, msg.data);
		}
	}
}
