/**
 * Shared by the simulcast tests: a Chromium with two pages (A produces simulcast, B consumes)
 * running mediasoup-client against a broth router, inside ../shared/tools/netns-run (recipe in
 * ../shared/guide/testing.md). `runInNetns` is the outer test that re-runs a test file inside a
 * fresh namespace; `SimulcastCall` is the inside, test/helpers/layerCall.ts with page B's
 * receive transport optionally behind a UdpRelay.
 */
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import { INSIDE, runInNetns as runInNetnsWith, sleep, until as untilEvery } from '../helpers/browser';
import { TwoPageCall, longestDecodeStall, type InboundSample } from '../helpers/layerCall';
import { UdpRelay } from './relay';

export { INSIDE, sleep, longestDecodeStall, type InboundSample };

/** Polls `check` every 200 ms for up to `ms`. */
export function until(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
	return untilEvery(check, ms);
}

/** The outer test: runs this same file inside netns-run and prints its figures and results. */
export function runInNetns(file: string, title: string, limitSeconds: number): void {
	runInNetnsWith(file, title, limitSeconds, { print: 'console' });
}

export interface CallOptions {
	mediaCodecs: any[];
	/** Route page B's receive transport through a UdpRelay. */
	relay?: boolean;
}

/** One browser, page A sending simulcast, page B receiving it through broth. */
export class SimulcastCall extends TwoPageCall {
	relay: UdpRelay | undefined;
	readonly layerEvents: number[] = [];
	/** [Date.now(), spatial layer or -1] per 'layerschange'. */
	readonly layerTimeline: [number, number][] = [];
	readonly #options: CallOptions;

	constructor(options: CallOptions) {
		super();
		this.#options = options;
	}

	override async start(): Promise<void> {
		await super.start();
		this.router = await this.worker.createRouter({ mediaCodecs: this.#options.mediaCodecs });
	}

	override async close(): Promise<void> {
		this.relay?.close();
		await super.close();
	}

	protected override async recvCandidates(t: WebRtcTransport): Promise<WebRtcTransport['iceCandidates']> {
		if (this.#options.relay !== true) {
			return t.iceCandidates;
		}
		// The browser is told the relay's port instead of the transport's.
		this.relay = await UdpRelay.create(t.iceCandidates[0]!.port);

		return t.iceCandidates.map((c) => ({ ...c, port: this.relay!.port }));
	}

	protected override onLayersChange(layers: { spatialLayer: number } | undefined): void {
		this.layerEvents.push(layers ? layers.spatialLayer : -1);
		this.layerTimeline.push([Date.now(), layers ? layers.spatialLayer : -1]);
	}

	/** Opens both pages, A produces with `encodings` (640x480), B consumes (through the relay if asked). */
	async connect(encodings: any[]): Promise<void> {
		await this.open(encodings, { width: 640, height: 480 });
	}

	/** A one-line picture of the state for assertion messages. */
	describe(): Promise<string> {
		return this.describeWith(this.layerEvents.join(','), this.relay ? [`relay ${JSON.stringify(this.relay.stats)}`] : []);
	}
}
