import type { WorkerContext } from '../context';
import type { Router } from '../Router';
import type { EngineTransport } from '../types';
import { WebRtcTransport } from './WebRtcTransport';
import { PlainTransport } from './PlainTransport';
import { PipeTransport } from './PipeTransport';
import { DirectTransport } from './DirectTransport';
import { WebRtcServer } from './WebRtcServer';

/** A WebRtcServer in the worker: shared UDP/TCP sockets demultiplexed to WebRtcTransports. */
export interface EngineWebRtcServer {
	readonly id: string;
	close(): void;
}

export { WebRtcTransport, PlainTransport, PipeTransport, DirectTransport, WebRtcServer };

/**
 * Creates a transport of the given kind ('WebRtcTransport', 'PlainTransport',
 * 'PipeTransport', 'DirectTransport') from the application's request data.
 * The transport binds its sockets first and registers itself as a channel
 * handler under `id` only once that worked; on failure nothing stays open.
 */
export async function createTransport(kind: string, id: string, data: any, router: Router): Promise<EngineTransport> {
	switch (kind) {
		case 'WebRtcTransport':
			return WebRtcTransport.create(id, data, router);

		case 'PlainTransport':
			return PlainTransport.create(id, data, router);

		case 'PipeTransport':
			return PipeTransport.create(id, data, router);

		case 'DirectTransport':
			return DirectTransport.create(id, data, router);

		default:
			throw new TypeError(`unknown transport kind "${kind}"`);
	}
}

export async function createWebRtcServer(id: string, data: any, ctx: WorkerContext): Promise<EngineWebRtcServer> {
	return WebRtcServer.create(id, data, ctx);
}
