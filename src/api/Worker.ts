import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import { Channel } from './Channel';
import { InvalidStateError } from './errors';
import { checkAppData, clone, generateUUIDv4 } from './utils';
import * as ortc from '../ortc';
import { WRONG_SETTINGS_EXIT_CODE } from '../channel/messages';
import { Router } from './Router';
import { WebRtcServer } from './WebRtcServer';
import type { AppData } from './types';
import type {
	WorkerDump,
	WorkerEvents,
	WorkerObserverEvents,
	WorkerResourceUsage,
	WorkerSettings,
	WorkerUpdateableSettings,
	WorkerLogLevel,
} from './WorkerTypes';
import type { WebRtcServerOptions } from './WebRtcServerTypes';
import type { RouterOptions } from './RouterTypes';
import { listenInfoToWire } from './transportUtils';

const logger = new Logger('Worker');
const workerLogger = new Logger('Worker');

/** Full path of broth's worker entry (a Node.js script run by `process.execPath`). */
export const workerBin: string = path.join(__dirname, '..', 'worker', 'main.js');

const LOG_LEVELS: WorkerLogLevel[] = ['debug', 'warn', 'error', 'none'];

export class Worker<WorkerAppData extends AppData = AppData> extends EnhancedEventEmitter<WorkerEvents> {
	readonly #child: ChildProcess;
	readonly #pid: number;
	readonly #channel: Channel;
	#closed = false;
	#died = false;
	#subprocessClosed = false;
	#appData: WorkerAppData;
	readonly #webRtcServers = new Set<WebRtcServer>();
	readonly #routers = new Set<Router>();
	readonly #observer = new EnhancedEventEmitter<WorkerObserverEvents>();

	/** @private Use createWorker(). */
	constructor({
		logLevel,
		logTags,
		rtcMinPort,
		rtcMaxPort,
		dtlsCertificateFile,
		dtlsPrivateKeyFile,
		libwebrtcFieldTrials,
		disableLiburing,
		appData,
	}: WorkerSettings<WorkerAppData>) {
		super();

		logger.debug('constructor()');

		const spawnArgs: string[] = [workerBin];

		if (typeof logLevel === 'string' && logLevel) {
			spawnArgs.push(`--logLevel=${logLevel}`);
		}
		for (const logTag of Array.isArray(logTags) ? logTags : []) {
			if (typeof logTag === 'string' && logTag) {
				spawnArgs.push(`--logTag=${logTag}`);
			}
		}
		if (typeof rtcMinPort === 'number' && !Number.isNaN(rtcMinPort)) {
			spawnArgs.push(`--rtcMinPort=${rtcMinPort}`);
		}
		if (typeof rtcMaxPort === 'number' && !Number.isNaN(rtcMaxPort)) {
			spawnArgs.push(`--rtcMaxPort=${rtcMaxPort}`);
		}
		if (typeof dtlsCertificateFile === 'string' && dtlsCertificateFile) {
			spawnArgs.push(`--dtlsCertificateFile=${dtlsCertificateFile}`);
		}
		if (typeof dtlsPrivateKeyFile === 'string' && dtlsPrivateKeyFile) {
			spawnArgs.push(`--dtlsPrivateKeyFile=${dtlsPrivateKeyFile}`);
		}
		if (typeof libwebrtcFieldTrials === 'string' && libwebrtcFieldTrials) {
			spawnArgs.push(`--libwebrtcFieldTrials=${libwebrtcFieldTrials}`);
		}
		if (disableLiburing) {
			spawnArgs.push('--disableLiburing=true');
		}

		logger.debug(`spawning worker process: ${process.execPath} ${spawnArgs.join(' ')}`);

		this.#child = spawn(process.execPath, spawnArgs, {
			env: { BROTH_VERSION: require('../../../package.json').version, ...process.env },
			detached: false,
			// fd 3: application -> worker, fd 4: worker -> application.
			stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
			windowsHide: true,
		});

		this.#pid = this.#child.pid!;
		this.#channel = new Channel({
			producerSocket: this.#child.stdio[3] as Writable,
			consumerSocket: this.#child.stdio[4] as Readable,
			pid: this.#pid,
		});
		this.#appData = appData ?? ({} as WorkerAppData);

		let spawnDone = false;
		let stderrTail = '';

		this.#channel.once(String(this.#pid), (event: string) => {
			if (!spawnDone && event === 'running') {
				spawnDone = true;
				logger.debug(`worker process running [pid:${this.#pid}]`);
				this.emit('@success');
			}
		});

		this.#child.on('exit', (code, signal) => {
			if (this.#closed) {
				return;
			}

			if (!spawnDone) {
				spawnDone = true;

				if (code === WRONG_SETTINGS_EXIT_CODE) {
					const reason = /wrong settings: (.*)/.exec(stderrTail)?.[1] ?? 'wrong settings';

					logger.error(`worker process failed due to wrong settings [pid:${this.#pid}]: ${reason}`);
					this.close();
					this.emit('@failure', new TypeError(`wrong settings: ${reason}`));
				} else {
					logger.error(`worker process failed unexpectedly [pid:${this.#pid}, code:${code}, signal:${signal}]`);
					this.close();
					this.emit('@failure', new Error(`[pid:${this.#pid}, code:${code}, signal:${signal}]`));
				}
			} else {
				logger.error(`worker process died unexpectedly [pid:${this.#pid}, code:${code}, signal:${signal}]`);
				this.workerDied(new Error(`[pid:${this.#pid}, code:${code}, signal:${signal}]`));
			}
		});

		this.#child.on('error', (error) => {
			if (this.#closed) {
				return;
			}

			if (!spawnDone) {
				spawnDone = true;
				logger.error(`worker process failed [pid:${this.#pid}]: ${error.message}`);
				this.close();
				this.emit('@failure', error);
			} else {
				logger.error(`worker process error [pid:${this.#pid}]: ${error.message}`);
				this.workerDied(error);
			}
		});

		this.#child.on('close', (code, signal) => {
			logger.debug(`worker process closed [pid:${this.#pid}, code:${code}, signal:${signal}]`);

			if (!this.#subprocessClosed) {
				this.#subprocessClosed = true;
				this.safeEmit('subprocessclose');
			}
		});

		this.#child.stdout!.on('data', (buffer: Buffer) => {
			for (const line of buffer.toString('utf8').split('\n')) {
				if (line) {
					workerLogger.debug(`(stdout) ${line}`);
				}
			}
		});

		this.#child.stderr!.on('data', (buffer: Buffer) => {
			const text = buffer.toString('utf8');

			stderrTail = (stderrTail + text).slice(-4096);
			for (const line of text.split('\n')) {
				if (line) {
					workerLogger.error(`(stderr) ${line}`);
				}
			}
		});

		logListenerErrors(this, logger);
	}

	get pid(): number {
		return this.#pid;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get died(): boolean {
		return this.#died;
	}

	get subprocessClosed(): boolean {
		return this.#subprocessClosed;
	}

	get appData(): WorkerAppData {
		return this.#appData;
	}

	set appData(appData: WorkerAppData) {
		this.#appData = appData;
	}

	get observer(): EnhancedEventEmitter<WorkerObserverEvents> {
		return this.#observer;
	}

	/** @private For tests. */
	get webRtcServersForTesting(): Set<WebRtcServer> {
		return this.#webRtcServers;
	}

	/** @private For tests. */
	get routersForTesting(): Set<Router> {
		return this.#routers;
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');

		this.#closed = true;

		this.#closeChildren();

		this.#channel
			.request('worker.close')
			.catch((error) => {
				logger.error('close() | worker process failed to process the close request:', error);
			})
			.finally(() => {
				this.#channel.close();
			});

		// If the worker does not go away by itself, make it.
		const killTimer = setTimeout(() => {
			if (!this.#subprocessClosed) {
				this.#child.kill('SIGKILL');
			}
		}, 3000);

		killTimer.unref();
		this.#observer.safeEmit('close');
	}

	async dump(): Promise<WorkerDump> {
		logger.debug('dump()');
		this.#assertOpen();

		return this.#channel.request('worker.dump');
	}

	async getResourceUsage(): Promise<WorkerResourceUsage> {
		logger.debug('getResourceUsage()');
		this.#assertOpen();

		return this.#channel.request('worker.getResourceUsage');
	}

	async updateSettings({ logLevel, logTags }: WorkerUpdateableSettings<WorkerAppData> = {}): Promise<void> {
		logger.debug('updateSettings()');
		this.#assertOpen();

		if (logLevel !== undefined && !LOG_LEVELS.includes(logLevel)) {
			throw new TypeError(`invalid logLevel "${String(logLevel)}"`);
		}
		if (logTags !== undefined && !Array.isArray(logTags)) {
			throw new TypeError('logTags must be an array');
		}

		await this.#channel.request('worker.updateSettings', '', { logLevel, logTags });
	}

	async createWebRtcServer<WebRtcServerAppData extends AppData = AppData>({
		listenInfos,
		appData,
	}: WebRtcServerOptions<WebRtcServerAppData>): Promise<WebRtcServer<WebRtcServerAppData>> {
		logger.debug('createWebRtcServer()');
		this.#assertOpen();

		if (!Array.isArray(listenInfos) || listenInfos.length === 0) {
			throw new TypeError('missing or empty listenInfos');
		}
		checkAppData(appData);

		const wireListenInfos = listenInfos.map((listenInfo) => listenInfoToWire(listenInfo));
		const webRtcServerId = generateUUIDv4();

		await this.#channel.request('worker.createWebRtcServer', '', {
			webRtcServerId,
			listenInfos: wireListenInfos,
		});

		const webRtcServer = new WebRtcServer<WebRtcServerAppData>({
			internal: { webRtcServerId },
			channel: this.#channel,
			appData,
		});

		track(this.#webRtcServers, webRtcServer as WebRtcServer);
		this.#observer.safeEmit('newwebrtcserver', webRtcServer as WebRtcServer);

		return webRtcServer;
	}

	async createRouter<RouterAppData extends AppData = AppData>({
		mediaCodecs,
		appData,
	}: RouterOptions<RouterAppData> = {}): Promise<Router<RouterAppData>> {
		logger.debug('createRouter()');
		this.#assertOpen();
		checkAppData(appData);

		const rtpCapabilities = ortc.generateRouterRtpCapabilities(clone(mediaCodecs));
		const routerId = generateUUIDv4();

		await this.#channel.request('worker.createRouter', '', { routerId });

		const router = new Router<RouterAppData>({
			internal: { routerId },
			data: { rtpCapabilities },
			channel: this.#channel,
			appData,
		});

		track(this.#routers, router as Router);
		this.#observer.safeEmit('newrouter', router as Router);

		return router;
	}

	/** @private */
	workerDied(error: Error): void {
		if (this.#closed) {
			return;
		}

		logger.debug(`workerDied() [error:${error.toString()}]`);

		this.#closed = true;
		this.#died = true;
		this.#channel.close();

		this.#closeChildren();

		this.safeEmit('died', error);
		if (!this.#subprocessClosed) {
			this.#subprocessClosed = true;
			this.safeEmit('subprocessclose');
		}
		this.#observer.safeEmit('close');
	}

	/** Routers first, then WebRtcServers (their transports are the routers'). */
	#closeChildren(): void {
		for (const router of this.#routers) {
			router.workerClosed();
		}
		this.#routers.clear();

		for (const webRtcServer of this.#webRtcServers) {
			webRtcServer.workerClosed();
		}
		this.#webRtcServers.clear();
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError('Worker closed');
		}
	}
}

/** Keeps a child in `children` until it closes. */
function track<T extends Router | WebRtcServer>(children: Set<T>, child: T): void {
	children.add(child);
	child.on('@close', () => children.delete(child));
}
