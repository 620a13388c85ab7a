import * as net from 'node:net';
import { encodeFrame, FrameReader } from '../channel/framing';
import type {
	ApiToWorker,
	ErrorName,
	LogLevel,
	Request,
	Response,
	WorkerNotification,
} from '../channel/messages';

/**
 * Something in the worker that answers requests addressed to its id.
 * Throwing (or rejecting) turns into an error response of the same class name.
 */
export interface RequestHandler {
	handleRequest(method: string, data: any): unknown;
	handleNotification?(event: string, data: any): void;
}

/**
 * The worker end of the channel: reads requests from fd 3, writes responses,
 * events and logs to fd 4. When the application end goes away (fd 3 closes)
 * the worker has no reason to live, so `onClose` runs.
 */
export class WorkerChannel {
	readonly #in: net.Socket;
	readonly #out: net.Socket;
	readonly #reader = new FrameReader();
	readonly #handlers = new Map<string, RequestHandler>();
	#closed = false;
	onClose: () => void = () => {};

	constructor(inFd = 3, outFd = 4) {
		this.#in = new net.Socket({ fd: inFd, readable: true, writable: false });
		this.#out = new net.Socket({ fd: outFd, readable: false, writable: true });

		this.#in.on('data', (chunk: Buffer) => {
			try {
				this.#reader.push(chunk, (msg: ApiToWorker) => this.#onMessage(msg));
			} catch (error) {
				this.log('error', 'Channel', `invalid frame from application: ${(error as Error).message}`);
			}
		});
		this.#in.on('end', () => this.#close());
		this.#in.on('close', () => this.#close());
		this.#in.on('error', () => this.#close());
		this.#out.on('error', () => this.#close());
	}

	get closed(): boolean {
		return this.#closed;
	}

	register(id: string, handler: RequestHandler): void {
		if (this.#handlers.has(id)) {
			throw new Error(`handler with id "${id}" already exists`);
		}
		this.#handlers.set(id, handler);
	}

	has(id: string): boolean {
		return this.#handlers.has(id);
	}

	unregister(id: string): void {
		this.#handlers.delete(id);
	}

	handlerIds(): string[] {
		return [...this.#handlers.keys()];
	}

	emit(targetId: string, event: string, data?: unknown): void {
		if (this.#closed) {
			return;
		}
		const msg: WorkerNotification = { t: 'evt', targetId, event, data };

		this.#out.write(encodeFrame(msg));
	}

	log(level: LogLevel, source: string, msg: string): void {
		if (this.#closed) {
			return;
		}
		this.#out.write(encodeFrame({ t: 'log', level, source, msg }));
	}

	/** Flush and end the output stream (the application reads it to the end). */
	end(cb?: () => void): void {
		this.#out.end(cb);
	}

	#close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.onClose();
	}

	#onMessage(msg: ApiToWorker): void {
		if (msg.t === 'req') {
			this.#onRequest(msg);
		} else if (msg.t === 'ntf') {
			const handler = this.#handlers.get(msg.handlerId);

			if (!handler?.handleNotification) {
				this.log('debug', 'Channel', `notification for unknown handler [event:${msg.event}, handlerId:${msg.handlerId}]`);

				return;
			}
			try {
				handler.handleNotification(msg.event, msg.data);
			} catch (error) {
				this.log('error', 'Channel', `notification failed [event:${msg.event}]: ${(error as Error).message}`);
			}
		}
	}

	#onRequest(req: Request): void {
		const handler = this.#handlers.get(req.handlerId);

		if (!handler) {
			this.#respondError(req.id, 'Error', `handler not found [method:${req.method}, handlerId:${req.handlerId}]`);

			return;
		}

		let result: unknown;

		try {
			result = handler.handleRequest(req.method, req.data);
		} catch (error) {
			this.#respondError(req.id, errorName(error), (error as Error).message ?? String(error));

			return;
		}

		if (result instanceof Promise) {
			result.then(
				(data) => this.#respond(req.id, data),
				(error) => this.#respondError(req.id, errorName(error), (error as Error)?.message ?? String(error)),
			);
		} else {
			this.#respond(req.id, result);
		}
	}

	#respond(id: number, data: unknown): void {
		if (this.#closed) {
			return;
		}
		const msg: Response = { t: 'res', id, ok: true, data };

		this.#out.write(encodeFrame(msg));
	}

	#respondError(id: number, error: ErrorName, reason: string): void {
		if (this.#closed) {
			return;
		}
		const msg: Response = { t: 'res', id, ok: false, error, reason };

		this.#out.write(encodeFrame(msg));
	}
}

function errorName(error: unknown): ErrorName {
	if (error instanceof TypeError) {
		return 'TypeError';
	}
	const name = (error as Error)?.name;

	if (name === 'UnsupportedError' || name === 'InvalidStateError') {
		return name;
	}

	return 'Error';
}
