import type { WorkerContext } from '../context';
import type { Router } from '../Router';
import type { EngineTransport } from '../types';

/** A WebRtcServer in the worker: shared UDP/TCP sockets demultiplexed to WebRtcTransports. */
export interface EngineWebRtcServer {
	readonly id: string;
	close(): void;
}

/**
 * Creates a transport of the given kind ('WebRtcTransport', 'PlainTransport',
 * 'PipeTransport', 'DirectTransport') from the application's request data.
 * The transport registers itself as a channel handler under `id`.
 */
export async function createTransport(kind: string, id: string, data: any, router: Router): Promise<EngineTransport> {
	throw new Error(`transport kind not available yet: ${kind} [id:${id}, router:${router.id}, data:${typeof data}]`);
}

export async function createWebRtcServer(id: string, data: any, ctx: WorkerContext): Promise<EngineWebRtcServer> {
	throw new Error(`WebRtcServer not available yet [id:${id}, data:${typeof data}, pid:${ctx.settings.rtcMinPort}]`);
}
