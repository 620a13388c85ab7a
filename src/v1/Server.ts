import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorker } from '../index';
import { EnhancedEventEmitter } from '../api/enhancedEvents';
import { InvalidStateError } from '../api/errors';
import { Logger } from '../api/Logger';
import type { Worker } from '../api/Worker';
import type { WorkerLogLevel, WorkerLogTag } from '../api/WorkerTypes';
import { Room } from './Room';
import type { V1RtpCodec } from './rtp';

const logger = new Logger('v1:Server');

/** mediasoup v1's server settings. */
export type ServerOptions = {
	/** Number of worker processes. Default: the number of CPU cores. */
	numWorkers?: number | null;
	/** 'debug', 'warn', 'error' (or 'none'). Default 'error'. */
	logLevel?: WorkerLogLevel;
	/** Worker log tags ('info', 'ice', 'dtls', 'rtp', 'srtp', 'rtcp', 'rbe', 'rtx', ...). */
	logTags?: string[];
	/** IPv4 to listen on for RTC: an address, true (detect) or false (none). Default true. */
	rtcIPv4?: string | boolean | null;
	/** IPv6 to listen on for RTC: an address, true (detect) or false (none). Default true. */
	rtcIPv6?: string | boolean | null;
	/** IPv4 announced in ICE candidates instead of the listening one (e.g. behind NAT). */
	rtcAnnouncedIPv4?: string | null;
	/** IPv6 announced in ICE candidates instead of the listening one. */
	rtcAnnouncedIPv6?: string | null;
	/** Lowest RTC port. Default 10000. */
	rtcMinPort?: number;
	/** Highest RTC port. Default 59999. */
	rtcMaxPort?: number;
	/** PEM certificate for DTLS (a random one is generated otherwise). */
	dtlsCertificateFile?: string | null;
	/** PEM private key for DTLS. */
	dtlsPrivateKeyFile?: string | null;
};

export type ServerEvents = {
	close: [Error | undefined];
	newroom: [Room];
};

/** An address the server listens on for RTC, with what it announces. */
export type ListenIp = {
	family: 4 | 6;
	ip: string;
	announcedAddress?: string;
};

const LOG_LEVELS = ['debug', 'warn', 'error', 'none'];
const LOG_TAGS: Record<string, WorkerLogTag> = {
	info: 'info',
	ice: 'ice',
	dtls: 'dtls',
	rtp: 'rtp',
	srtp: 'srtp',
	rtcp: 'rtcp',
	rtx: 'rtx',
	// v1's remote bitrate estimator tag is v3's bandwidth estimation one.
	rbe: 'bwe',
	bwe: 'bwe',
	score: 'score',
	simulcast: 'simulcast',
	svc: 'svc',
	sctp: 'sctp',
	message: 'message',
};

function isPort(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function given(value: unknown): boolean {
	return value !== undefined && value !== null;
}

/** The first non-internal address of a family (IPv6: not link-local, which needs a scope). */
function detectAddress(family: 4 | 6): string | undefined {
	for (const addresses of Object.values(os.networkInterfaces())) {
		for (const address of addresses ?? []) {
			if (address.internal) {
				continue;
			}
			if (family === 4 && address.family === 'IPv4') {
				return address.address;
			}
			if (family === 6 && address.family === 'IPv6' && !/^fe80:/i.test(address.address)) {
				return address.address;
			}
		}
	}

	return undefined;
}

/**
 * mediasoup v1's Server: runs `numWorkers` worker processes and places each
 * Room on one of them (in turn). Usable as soon as it is constructed; the
 * workers start behind the scenes and every Room waits for them.
 */
export class V1Server extends EnhancedEventEmitter<ServerEvents> {
	readonly #rooms = new Set<Room>();
	readonly #listenIps: ListenIp[];
	readonly #workersReady: Promise<Worker[]>;
	#workers: Worker[] = [];
	#closed = false;
	#nextWorker = 0;

	constructor(options: ServerOptions = {}) {
		super();
		logger.debug('constructor()');

		if (options === null || typeof options !== 'object' || Array.isArray(options)) {
			throw new TypeError('options must be an object');
		}

		const {
			numWorkers,
			logLevel = 'error',
			logTags = [],
			rtcIPv4 = true,
			rtcIPv6 = true,
			rtcAnnouncedIPv4,
			rtcAnnouncedIPv6,
			rtcMinPort = 10000,
			rtcMaxPort = 59999,
			dtlsCertificateFile,
			dtlsPrivateKeyFile,
		} = options;

		if (given(numWorkers) && (typeof numWorkers !== 'number' || !Number.isInteger(numWorkers) || numWorkers < 1)) {
			throw new TypeError('numWorkers must be a positive integer');
		}
		if (!LOG_LEVELS.includes(logLevel as string)) {
			throw new TypeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
		}
		if (!Array.isArray(logTags) || logTags.some((tag) => typeof tag !== 'string')) {
			throw new TypeError('logTags must be an Array of strings');
		}
		if (given(rtcIPv4) && typeof rtcIPv4 !== 'boolean' && !(typeof rtcIPv4 === 'string' && net.isIPv4(rtcIPv4))) {
			throw new TypeError('rtcIPv4 must be an IPv4 address or a boolean');
		}
		if (given(rtcIPv6) && typeof rtcIPv6 !== 'boolean' && !(typeof rtcIPv6 === 'string' && net.isIPv6(rtcIPv6))) {
			throw new TypeError('rtcIPv6 must be an IPv6 address or a boolean');
		}
		if (given(rtcAnnouncedIPv4) && !(typeof rtcAnnouncedIPv4 === 'string' && net.isIPv4(rtcAnnouncedIPv4))) {
			throw new TypeError('rtcAnnouncedIPv4 must be an IPv4 address');
		}
		if (given(rtcAnnouncedIPv6) && !(typeof rtcAnnouncedIPv6 === 'string' && net.isIPv6(rtcAnnouncedIPv6))) {
			throw new TypeError('rtcAnnouncedIPv6 must be an IPv6 address');
		}
		if (!isPort(rtcMinPort)) {
			throw new TypeError('rtcMinPort must be an integer between 1 and 65535');
		}
		if (!isPort(rtcMaxPort)) {
			throw new TypeError('rtcMaxPort must be an integer between 1 and 65535');
		}
		if (rtcMaxPort < rtcMinPort) {
			throw new TypeError('rtcMaxPort must not be lower than rtcMinPort');
		}
		if (given(dtlsCertificateFile) && (typeof dtlsCertificateFile !== 'string' || !dtlsCertificateFile)) {
			throw new TypeError('dtlsCertificateFile must be a path');
		}
		if (given(dtlsPrivateKeyFile) && (typeof dtlsPrivateKeyFile !== 'string' || !dtlsPrivateKeyFile)) {
			throw new TypeError('dtlsPrivateKeyFile must be a path');
		}
		if (Boolean(dtlsCertificateFile) !== Boolean(dtlsPrivateKeyFile)) {
			throw new TypeError('dtlsCertificateFile and dtlsPrivateKeyFile go together');
		}

		const listenIps: ListenIp[] = [];
		const ipv4 = rtcIPv4 === true ? (detectAddress(4) ?? '127.0.0.1') : rtcIPv4 || undefined;
		const ipv6 = rtcIPv6 === true ? detectAddress(6) : rtcIPv6 || undefined;

		if (ipv4) {
			listenIps.push({ family: 4, ip: ipv4, ...(rtcAnnouncedIPv4 ? { announcedAddress: rtcAnnouncedIPv4 } : {}) });
		}
		if (ipv6) {
			listenIps.push({ family: 6, ip: ipv6, ...(rtcAnnouncedIPv6 ? { announcedAddress: rtcAnnouncedIPv6 } : {}) });
		}
		if (listenIps.length === 0) {
			throw new TypeError('rtcIPv4 and rtcIPv6 leave no address to listen on');
		}

		this.#listenIps = listenIps;

		const settings = {
			logLevel,
			logTags: [...new Set(logTags.map((tag) => LOG_TAGS[tag]).filter((tag): tag is WorkerLogTag => Boolean(tag)))],
			rtcMinPort,
			rtcMaxPort,
			...(dtlsCertificateFile ? { dtlsCertificateFile: path.resolve(dtlsCertificateFile) } : {}),
			...(dtlsPrivateKeyFile ? { dtlsPrivateKeyFile: path.resolve(dtlsPrivateKeyFile) } : {}),
		};
		const count = numWorkers ?? os.cpus().length ?? 1;

		this.#workersReady = this.#startWorkers(count, settings);
		// Failures surface as the server's 'close' event (and rejected room work).
		this.#workersReady.catch(() => undefined);
	}

	async #startWorkers(count: number, settings: Parameters<typeof createWorker>[0]): Promise<Worker[]> {
		const results = await Promise.allSettled(Array.from({ length: count }, () => createWorker(settings)));
		const workers = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
		const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');

		if (failure || this.#closed) {
			for (const worker of workers) {
				worker.close();
			}

			const error = failure ? (failure.reason as Error) : new InvalidStateError('Server closed');

			this.close(failure ? error : undefined);
			throw error;
		}

		for (const worker of workers) {
			worker.on('died', (error: Error) => this.#onWorkerDied(worker, error));
		}
		this.#workers = workers;

		return workers;
	}

	#onWorkerDied(worker: Worker, error: Error): void {
		logger.error(`worker ${worker.pid} died: ${error}`);
		this.#workers = this.#workers.filter((w) => w !== worker);

		for (const room of [...this.#rooms]) {
			if (room._worker === worker) {
				room._close(error);
			}
		}

		if (this.#workers.length === 0) {
			this.close(error);
		}
	}

	/** Whether the server is closed. */
	get closed(): boolean {
		return this.#closed;
	}

	/** The rooms of this server. */
	get rooms(): Room[] {
		return [...this.#rooms];
	}

	/** @internal Addresses for WebRTC transports, in v1's order (IPv4 first). */
	get _listenIps(): ListenIp[] {
		return this.#listenIps;
	}

	/** @internal The worker a new room goes to (in turn), once workers run. */
	async _pickWorker(): Promise<Worker> {
		const workers = await this.#workersReady;

		if (this.#closed) {
			throw new InvalidStateError('Server closed');
		}

		const alive = this.#workers.length ? this.#workers : workers;
		const worker = alive[this.#nextWorker++ % alive.length]!;

		return worker;
	}

	/**
	 * Create a Room with the given media codecs (v1 shape with `name`, or v3
	 * with `mimeType`). Returns at once; the router is created behind it.
	 * Throws TypeError on invalid codecs, InvalidStateError if closed.
	 */
	Room(mediaCodecs: V1RtpCodec[]): Room {
		logger.debug('Room()');

		if (this.#closed) {
			throw new InvalidStateError('Server closed');
		}

		const room = new Room(this, mediaCodecs);

		this.#rooms.add(room);
		room.once('close', () => this.#rooms.delete(room));
		this.safeEmit('newroom', room);

		return room;
	}

	/** Dump of every worker (and its routers). */
	async dump(): Promise<{ workers: unknown[]; rooms: unknown[] }> {
		if (this.#closed) {
			throw new InvalidStateError('Server closed');
		}

		const workers = await this.#workersReady;

		return {
			workers: await Promise.all(workers.filter((w) => !w.closed).map((worker) => worker.dump())),
			rooms: await Promise.all([...this.#rooms].map((room) => room.dump().catch((error: Error) => ({ error: error.message })))),
		};
	}

	/** Change the workers' logLevel and logTags. */
	async updateSettings({ logLevel, logTags }: Pick<ServerOptions, 'logLevel' | 'logTags'> = {}): Promise<void> {
		if (this.#closed) {
			throw new InvalidStateError('Server closed');
		}
		if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
			throw new TypeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
		}
		if (logTags !== undefined && (!Array.isArray(logTags) || logTags.some((tag) => typeof tag !== 'string'))) {
			throw new TypeError('logTags must be an Array of strings');
		}

		const workers = await this.#workersReady;
		const tags = logTags?.map((tag) => LOG_TAGS[tag]).filter((tag): tag is WorkerLogTag => Boolean(tag));

		await Promise.all(workers.filter((w) => !w.closed).map((worker) => worker.updateSettings({ logLevel, logTags: tags })));
	}

	/** Close the server: its rooms, then its workers. Emits 'close' once. */
	close(error?: Error): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');
		this.#closed = true;

		for (const room of [...this.#rooms]) {
			room._close(error);
		}

		for (const worker of this.#workers) {
			worker.close();
		}

		this.safeEmit('close', error);
	}

	/** @internal The running workers (for tests and diagnostics). */
	get _workers(): Worker[] {
		return [...this.#workers];
	}
}
