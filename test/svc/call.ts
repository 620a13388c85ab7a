/**
 * A two-page Chromium call through broth for the layer tests (test/helpers/layerCall.ts): page A
 * produces a camera track with the encodings given (VP9 SVC or VP8 simulcast), page B consumes
 * it; B's inbound-rtp is read or sampled in the page. Runs inside ../shared/tools/netns-run
 * (recipe in ../shared/guide/testing.md): `runInNetns` is the outer test re-running a file there.
 */
import * as assert from 'node:assert/strict';
import { INSIDE, sleep } from '../helpers/browser';
import { TwoPageCall, decodedFps, longestDecodeStall, type InboundSample } from '../helpers/layerCall';
import { runInNetns, until } from '../simulcast/browser';

export { INSIDE, sleep, until, runInNetns, decodedFps, longestDecodeStall, type InboundSample };

/** One Chromium with pages A (sending) and B (receiving) per call, over one broth worker. */
export class LayerCall extends TwoPageCall {
	/** [Date.now(), 'spatial.temporal' or 'none'] per 'layerschange'. */
	readonly layerEvents: [number, string][] = [];

	/**
	 * A new router with `mediaCodecs`, pages A and B; A produces its camera at width x height
	 * with `encodings`, B consumes it with `preferredLayers`.
	 */
	async connect(
		mediaCodecs: any[],
		encodings: any[],
		size: { width: number; height: number },
		preferredLayers?: { spatialLayer: number; temporalLayer?: number },
	): Promise<void> {
		this.router = await this.worker.createRouter({ mediaCodecs });
		await this.open(encodings, size, preferredLayers);
	}

	protected override onLayersChange(layers: { spatialLayer: number; temporalLayer?: number } | undefined): void {
		this.layerEvents.push([Date.now(), layers ? `${layers.spatialLayer}.${layers.temporalLayer}` : 'none']);
	}

	/** Closes this call's pages and router (the browser and worker stay for the next). */
	override async hangUp(): Promise<void> {
		await super.hangUp();
		this.layerEvents.length = 0;
	}

	/**
	 * Prefers the spatial layers of `order` in turn: each time 'layerschange' reaches it and B's
	 * decoded width becomes `widthOf(layer)` (each within `timeoutMs`), then it stays 1.5 s there.
	 * `detail` adds to the message when the layer is not reached. B's widths and a figure per step.
	 */
	async walkSpatialLayers(
		order: readonly number[],
		widthOf: (spatialLayer: number) => number,
		timeoutMs: number,
		detail?: () => string,
	): Promise<{ widths: number[]; figures: string[] }> {
		const widths: number[] = [];
		const figures: string[] = [];

		for (const spatialLayer of order) {
			const t0 = Date.now();

			await this.consumer.setPreferredLayers({ spatialLayer });
			assert.ok(
				await until(() => this.consumer.currentLayers?.spatialLayer === spatialLayer, timeoutMs),
				detail ? `${await this.describe()}; ${detail()}` : await this.describe(),
			);

			const layered = Date.now() - t0;
			const width = widthOf(spatialLayer);

			assert.ok(await until(async () => (await this.inbound()).frameWidth === width, timeoutMs), await this.describe());
			widths.push((await this.inbound()).frameWidth);
			figures.push(`${spatialLayer}: layerschange ${layered} ms, width ${width} ${Date.now() - t0} ms`);
			// Stay a little at each layer.
			await sleep(1500);
		}

		return { widths, figures };
	}

	/** B's decoded frame rate over 3 s once the temporal layer is reached (within `timeoutMs`) on spatial layer 0. */
	async fpsAt(temporalLayer: number, timeoutMs: number): Promise<number> {
		await this.consumer.setPreferredLayers({ spatialLayer: 0, temporalLayer });
		assert.ok(await until(() => this.consumer.currentLayers?.temporalLayer === temporalLayer, timeoutMs), await this.describe());
		await sleep(500);

		const a = await this.inbound();

		await sleep(3000);

		return decodedFps(a, await this.inbound());
	}

	/** Prints the `figure: <label> decoded …` line of sampled decoding; the first and last samples and the longest stall. */
	logDecoding(label: string, samples: readonly InboundSample[]): { first: InboundSample; last: InboundSample; stall: { stallMs: number; atMs: number } } {
		const first = samples[0]!;
		const last = samples[samples.length - 1]!;
		const stall = longestDecodeStall(samples);

		console.log(
			`figure: ${label} decoded ${last.framesDecoded - first.framesDecoded} frames in ${Math.round(last.t - first.t)} ms, longest stall ${Math.round(stall.stallMs)} ms, freezes ${(last.freezeCount ?? 0) - (first.freezeCount ?? 0)}, key frames ${(last.keyFramesDecoded ?? 0) - (first.keyFramesDecoded ?? 0)}, B PLIs ${(last.pliCount ?? 0) - (first.pliCount ?? 0)}, lost ${last.packetsLost}, layers ${this.layerEvents.map(([, l]) => l).join(',')}`,
		);

		return { first, last, stall };
	}

	/** A one-line picture of the state for assertion messages. */
	async describe(): Promise<string> {
		return this.describeWith(this.layerEvents.map(([, l]) => l).join(','), [`producer layers ${JSON.stringify(await this.producerLayers())}`]);
	}
}
