import type { RequestHandler } from '../channel';
import { WORKER_HANDLER_ID } from '../../channel/messages';
import { WorkerLogger } from '../logger';
import { parseLogLevel, parseLogTags } from '../settings';
import type { WorkerContext } from './context';
import { Router } from './Router';
import { createWebRtcServer, type EngineWebRtcServer } from './transports';

const logger = new WorkerLogger('Worker');

/** The worker process itself: owns routers and WebRtcServers. */
export class EngineWorker implements RequestHandler {
	readonly routers = new Map<string, Router>();
	readonly webRtcServers: Map<string, EngineWebRtcServer>;
	#closed = false;

	constructor(readonly ctx: WorkerContext, private readonly onClosed: () => void) {
		this.webRtcServers = ctx.webRtcServers as Map<string, EngineWebRtcServer>;
		ctx.channel.register(WORKER_HANDLER_ID, this);
	}

	handleRequest(method: string, data: any): unknown {
		switch (method) {
			case 'worker.dump':
				return {
					pid: process.pid,
					webRtcServerIds: [...this.webRtcServers.keys()],
					routerIds: [...this.routers.keys()],
					channelMessageHandlers: {
						channelRequestHandlers: this.ctx.channel.handlerIds().filter((id) => id !== WORKER_HANDLER_ID),
						channelNotificationHandlers: [],
					},
				};

			case 'worker.getResourceUsage':
				return resourceUsage();

			case 'worker.updateSettings': {
				const logLevel = data?.logLevel === undefined ? WorkerLogger.level : parseLogLevel(data.logLevel);
				const logTags = data?.logTags === undefined ? [...WorkerLogger.tags] : parseLogTags(data.logTags);

				WorkerLogger.configure(logLevel, logTags);

				return undefined;
			}

			case 'worker.createRouter': {
				const routerId = data.routerId as string;

				this.#checkNewId(routerId);
				this.routers.set(routerId, new Router(routerId, this.ctx));
				logger.debug(`router created [id:${routerId}]`, 'info');

				return undefined;
			}

			case 'worker.closeRouter': {
				const router = this.routers.get(data.routerId);

				if (!router) {
					throw new Error(`Router not found [id:${data.routerId}]`);
				}
				this.routers.delete(router.id);
				router.close();

				return undefined;
			}

			case 'worker.createWebRtcServer': {
				const id = data.webRtcServerId as string;

				this.#checkNewId(id);

				return createWebRtcServer(id, data, this.ctx).then((server) => {
					this.webRtcServers.set(id, server);
				});
			}

			case 'worker.closeWebRtcServer': {
				const server = this.webRtcServers.get(data.webRtcServerId);

				if (!server) {
					throw new Error(`WebRtcServer not found [id:${data.webRtcServerId}]`);
				}
				this.webRtcServers.delete(server.id);
				server.close();

				return undefined;
			}

			case 'worker.close':
				this.close();

				return undefined;

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;

		for (const router of this.routers.values()) {
			router.close();
		}
		this.routers.clear();
		for (const server of this.webRtcServers.values()) {
			server.close();
		}
		this.webRtcServers.clear();
		// Let the response to 'worker.close' go out first.
		setImmediate(this.onClosed);
	}

	#checkNewId(id: unknown): void {
		if (typeof id !== 'string' || !id) {
			throw new TypeError('missing id');
		}
		if (this.ctx.channel.has(id)) {
			throw new Error(`an entity with the given id already exists [id:${id}]`);
		}
	}
}

function resourceUsage(): Record<string, number> {
	const ru = process.resourceUsage();

	// Same units as mediasoup's worker (uv_getrusage): CPU times in ms, sizes in KiB.
	return {
		ru_utime: ru.userCPUTime / 1000,
		ru_stime: ru.systemCPUTime / 1000,
		ru_maxrss: ru.maxRSS,
		ru_ixrss: ru.sharedMemorySize,
		ru_idrss: ru.unsharedDataSize,
		ru_isrss: ru.unsharedStackSize,
		ru_minflt: ru.minorPageFault,
		ru_majflt: ru.majorPageFault,
		ru_nswap: ru.swappedOut,
		ru_inblock: ru.fsRead,
		ru_oublock: ru.fsWrite,
		ru_msgsnd: ru.ipcSent,
		ru_msgrcv: ru.ipcReceived,
		ru_nsignals: ru.signalsCount,
		ru_nvcsw: ru.voluntaryContextSwitches,
		ru_nivcsw: ru.involuntaryContextSwitches,
	};
}
