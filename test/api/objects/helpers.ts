import * as mediasoup from '../../../src';
import { enhancedOnce } from '../../../src/api/enhancedEvents';
import type { Worker } from '../../../src/api/Worker';
import type { Router } from '../../../src/api/Router';
import { mediaCodecs } from './fixtures';

export type Env = {
	worker: Worker;
	router: Router;
};

export async function createEnv(): Promise<Env> {
	const worker = await mediasoup.createWorker();
	const router = await worker.createRouter({ mediaCodecs });

	return { worker, router };
}

export async function closeEnv(env: Env | undefined): Promise<void> {
	if (!env) {
		return;
	}
	env.worker.close();
	if (!env.worker.subprocessClosed) {
		await enhancedOnce(env.worker, 'subprocessclose');
	}
}

export function plainTransport(router: Router, enableSctp = false) {
	return router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, enableSctp });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts calls, like jest.fn() in mediasoup's tests. */
export function counter(): { (...args: unknown[]): void; calls: unknown[][] } {
	const fn = ((...args: unknown[]) => {
		fn.calls.push(args);
	}) as { (...args: unknown[]): void; calls: unknown[][] };

	fn.calls = [];

	return fn;
}
