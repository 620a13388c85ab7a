import type { Readable, Writable } from 'node:stream';
import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { InvalidStateError, UnsupportedError } from './errors';
import { encodeFrame, FrameReader } from '../channel/framing';
import type { Request, Notification, WorkerToApi, Response } from '../channel/messages';

const logger = new Logger('Channel');
const REQUEST_TIMEOUT_MS = 15000;

type Sent = {
	id: number;
	method: string;
	resolve: (data: any) => void;
	reject: (error: Error) => void;
	timer: NodeJS.Timeout;
};

/**
 * The application end of a worker's channel: requests with ids and timeouts,
 * notifications both ways. Emits `<targetId>` events `(event, data)` for
 * notifications from the worker.
 */
export class Channel extends EnhancedEventEmitter {
	readonly #producerSocket: Writable;
	readonly #consumerSocket: Readable;
	readonly #pid: number;
	readonly #workerLoggers = new Map<string, Logger>();
	readonly #sents = new Map<number, Sent>();
	readonly #reader = new FrameReader();
	#closed = false;
	#nextId = 0;

	constructor({ producerSocket, consumerSocket, pid }: { producerSocket: Writable; consumerSocket: Readable; pid: number }) {
		super();

		this.#producerSocket = producerSocket;
		this.#consumerSocket = consumerSocket;
		this.#pid = pid;

		this.#consumerSocket.on('data', (chunk: Buffer) => {
			try {
				this.#reader.push(chunk, (message: WorkerToApi) => this.#onMessage(message));
			} catch (error) {
				logger.error(`invalid data from worker [pid:${this.#pid}]: ${(error as Error).message}`);
			}
		});
		// The worker going away is handled by Worker through the child's exit.
		this.#consumerSocket.on('error', () => {});
		this.#producerSocket.on('error', () => {});
	}

	get closed(): boolean {
		return this.#closed;
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		this.#closed = true;

		for (const sent of this.#sents.values()) {
			clearTimeout(sent.timer);
			sent.reject(new InvalidStateError('Channel closed, pending request aborted'));
		}
		this.#sents.clear();

		this.#consumerSocket.removeAllListeners('data');
		this.#consumerSocket.on('error', () => {});
		try {
			this.#producerSocket.end();
		} catch {
			// already gone
		}
		try {
			(this.#consumerSocket as any).destroy?.();
		} catch {
			// already gone
		}
	}

	/** Fire-and-forget message to a worker-side object. */
	notify(event: string, handlerId: string, data?: any): void {
		if (this.#closed) {
			throw new InvalidStateError('Channel closed');
		}

		const msg: Notification = { t: 'ntf', event, handlerId, data };

		this.#producerSocket.write(encodeFrame(msg));
	}

	async request<T = any>(method: string, handlerId: string = '', data?: any): Promise<T> {
		if (this.#closed) {
			throw new InvalidStateError('Channel closed');
		}

		const id = ++this.#nextId;

		if (this.#nextId >= 4294967295) {
			this.#nextId = 0;
		}

		const msg: Request = { t: 'req', id, method, handlerId, data };

		this.#producerSocket.write(encodeFrame(msg));

		return new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				if (this.#sents.delete(id)) {
					reject(new Error(`request timeout [method:${method}, id:${id}]`));
				}
			}, REQUEST_TIMEOUT_MS);

			this.#sents.set(id, { id, method, resolve, reject, timer });
		});
	}

	#onMessage(message: WorkerToApi): void {
		switch (message.t) {
			case 'res':
				this.#onResponse(message);
				break;

			case 'evt':
				this.emit(message.targetId, message.event, message.data);
				break;

			case 'log': {
				let workerLogger = this.#workerLoggers.get(message.source);

				if (!workerLogger) {
					workerLogger = new Logger(`worker:${message.source}`);
					this.#workerLoggers.set(message.source, workerLogger);
				}

				const text = `[pid:${this.#pid}] ${message.msg}`;

				if (message.level === 'debug') {
					workerLogger.debug(text);
				} else if (message.level === 'warn') {
					workerLogger.warn(text);
				} else {
					workerLogger.error(text);
				}
				break;
			}

			default:
				logger.error(`unexpected message from worker [pid:${this.#pid}]`);
		}
	}

	#onResponse(response: Response): void {
		const sent = this.#sents.get(response.id);

		if (!sent) {
			logger.error(`received response does not match any sent request [id:${response.id}]`);

			return;
		}

		this.#sents.delete(response.id);
		clearTimeout(sent.timer);

		if (response.ok) {
			sent.resolve(response.data);

			return;
		}

		switch (response.error) {
			case 'TypeError':
				sent.reject(new TypeError(response.reason));
				break;
			case 'UnsupportedError':
				sent.reject(new UnsupportedError(response.reason));
				break;
			case 'InvalidStateError':
				sent.reject(new InvalidStateError(response.reason));
				break;
			default:
				sent.reject(new Error(response.reason));
		}
	}
}
