/**
 * Layer selection with Chromium + mediasoup-client (issue 10 acceptance, SVC part, and the
 * temporal half of simulcast):
 * - page A sends VP9 with scalabilityMode L3T3_KEY (K-SVC, one RTP stream); page B consumes it
 *   through an svc consumer: setPreferredLayers spatial 0, 1, 2 shows in 'layerschange' and in
 *   B's decoded frame width, and B never stops decoding for long;
 * - page A sends VP8 simulcast (3 x L1T3); B's preferred temporal layer 0 brings its decoded
 *   frame rate to about a quarter, 1 to about a half, and B keeps decoding across spatial
 *   switches.
 * Runs inside ../shared/tools/netns-run like test/e2e and test/simulcast.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { INSIDE, LayerCall, longestDecodeStall, runInNetns, sleep, until } from './call';

if (!INSIDE) {
	runInNetns(__filename, 'Chromium VP9 K-SVC and VP8 temporal layer selection (inside netns-run)', 240);
} else {
	const c = new LayerCall();

	before(() => c.start());
	after(() => c.close());

	test('VP9 L3T3_KEY: svc consumer at spatial layers 0, 1, 2; layerschange and decoded width follow', { timeout: 110_000 }, async () => {
		await c.connect(
			[{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } }],
			[{ scalabilityMode: 'L3T3_KEY' }],
			// libwebrtc keeps the lowest spatial layer at least 240x135: at 640x480 it sends L2T3_KEY.
			{ width: 960, height: 540 },
		);
		assert.equal(c.producer.type, 'svc');
		assert.equal(c.consumer.type, 'svc');
		assert.ok(await until(async () => (await c.inbound()).framesDecoded > 10, 15_000), await c.describe());
		// Chromium enables its upper spatial layers as its send estimate grows.
		assert.ok(
			await until(async () => Object.entries(await c.producerLayers()).some(([l, kbps]) => l.startsWith('2.') && kbps > 0), 40_000),
			await c.describe(),
		);
		console.log(`figure: svc producer kbps per layer: ${JSON.stringify(await c.producerLayers())}`);
		await c.startSampler(100);

		const { widths, figures } = await c.walkSpatialLayers([0, 1, 2, 0, 2], (spatialLayer) => 960 >> (2 - spatialLayer), 15_000);
		const { first, last, stall } = c.logDecoding('svc', await c.stopSampler());

		console.log(`figure: svc switches ${figures.join('; ')}`);
		assert.deepEqual(widths, [240, 480, 960, 240, 960]);
		assert.ok(last.framesDecoded > first.framesDecoded + 50, 'B decoded too few frames');
		assert.ok(stall.stallMs < 2000, `decoding stalled ${Math.round(stall.stallMs)} ms`);
		await c.hangUp();
	});

	test('VP8 simulcast: preferred temporal layer 0 / 1 lowers B\'s frame rate; B decodes across spatial switches', { timeout: 110_000 }, async () => {
		await c.connect(
			[{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
			[
				{ scaleResolutionDownBy: 4, maxBitrate: 150000, scalabilityMode: 'L1T3' },
				{ scaleResolutionDownBy: 2, maxBitrate: 400000, scalabilityMode: 'L1T3' },
				{ scaleResolutionDownBy: 1, maxBitrate: 1200000, scalabilityMode: 'L1T3' },
			],
			{ width: 640, height: 480 },
			{ spatialLayer: 0 },
		);
		assert.equal(c.consumer.type, 'simulcast');
		assert.ok(await until(async () => (await c.inbound()).framesDecoded > 10, 15_000), await c.describe());
		assert.ok(await until(() => c.consumer.currentLayers?.spatialLayer === 0, 10_000), await c.describe());

		const fpsAt = (temporalLayer: number): Promise<number> => c.fpsAt(temporalLayer, 10_000);
		const full = await fpsAt(2);
		const quarter = await fpsAt(0);
		const half = await fpsAt(1);
		const again = await fpsAt(2);

		console.log(
			`figure: vp8 decoded fps at temporal layers 2/0/1/2: ${[full, quarter, half, again].map((f) => f.toFixed(1)).join(' / ')}; layers ${c.layerEvents.map(([, l]) => l).join(',')}`,
		);
		assert.ok(full > 8, `full rate ${full}`);
		assert.ok(quarter > full * 0.12 && quarter < full * 0.4, `temporal 0: ${quarter} fps vs ${full}`);
		assert.ok(half > full * 0.35 && half < full * 0.7, `temporal 1: ${half} fps vs ${full}`);
		assert.ok(again > full * 0.75, `back to temporal 2: ${again} fps vs ${full}`);
		assert.ok(c.layerEvents.some(([, l]) => l === '0.0') && c.layerEvents.some(([, l]) => l === '0.1'));

		// Spatial switches with every temporal layer: B keeps decoding.
		await c.startSampler(100);

		const figures: string[] = [];

		for (const spatialLayer of [1, 2, 0]) {
			const t0 = Date.now();

			await c.consumer.setPreferredLayers({ spatialLayer, temporalLayer: 2 });
			assert.ok(await until(() => c.consumer.currentLayers?.spatialLayer === spatialLayer, 40_000), await c.describe());
			assert.ok(await until(async () => (await c.inbound()).frameWidth === 640 >> (2 - spatialLayer), 10_000), await c.describe());
			figures.push(`${spatialLayer} in ${Date.now() - t0} ms`);
			await sleep(1500);
		}

		const samples = await c.stopSampler();
		const first = samples[0]!;
		const last = samples[samples.length - 1]!;
		const stall = longestDecodeStall(samples);

		console.log(
			`figure: vp8 spatial switches ${figures.join(', ')}; longest decode stall ${Math.round(stall.stallMs)} ms; freezes ${(last.freezeCount ?? 0) - (first.freezeCount ?? 0)}; B PLIs ${(last.pliCount ?? 0) - (first.pliCount ?? 0)}`,
		);
		assert.ok(last.framesDecoded > first.framesDecoded + 50, 'B decoded too few frames');
		assert.ok(stall.stallMs < 2000, `decoding stalled ${Math.round(stall.stallMs)} ms`);
		await c.hangUp();
	});
}
