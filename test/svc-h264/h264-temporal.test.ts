/**
 * H264 temporal layers selected from the Dependency Descriptor with a real peer (mediasoup 3.19
 * reads H264 temporal layers from the descriptor, PR 1517, since libwebrtc dropped
 * frame-marking): page A (Chromium's OpenH264 encoder) sends three H264 simulcast encodings,
 * L1T3 each as mediasoup-client asks, with the descriptor the router offers for video; page B
 * consumes the top one. setPreferredLayers temporal 2 -> 0 -> 1 -> 2 on spatial layer 2:
 * 'layerschange' reports the temporal layer and B's decoded frame rate follows (full, about a
 * quarter, about a half, full).
 * Runs inside ../shared/tools/netns-run like test/e2e.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { INSIDE, SimulcastCall, runInNetns, sleep, until } from '../simulcast/browser';

const DD_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

if (!INSIDE) {
	runInNetns(__filename, 'Chromium H264 temporal layers from the dependency descriptor (inside netns-run)', 170);
} else {
	const c = new SimulcastCall({
		mediaCodecs: [
			{
				kind: 'video',
				mimeType: 'video/H264',
				clockRate: 90000,
				parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
			},
		],
	});
	/** 'spatial.temporal' per 'layerschange' of the consumer. */
	const layers: string[] = [];

	/** B's decoded frames per second over `ms`. */
	const fps = async (ms: number): Promise<number> => {
		const a = await c.inbound();

		await sleep(ms);

		const b = await c.inbound();

		return ((b.framesDecoded - a.framesDecoded) * 1000) / Math.max(1, b.t - a.t);
	};

	before(() => c.start());
	after(() => c.close());

	test('Chromium sends the dependency descriptor with its H264 simulcast (L1T3 per encoding)', { timeout: 70_000 }, async () => {
		await c.connect([
			{ scaleResolutionDownBy: 4, maxBitrate: 150000 },
			{ scaleResolutionDownBy: 2, maxBitrate: 400000 },
			{ scaleResolutionDownBy: 1, maxBitrate: 1200000 },
		]);
		c.consumer.on('layerschange', (l: any) => layers.push(l ? `${l.spatialLayer}.${l.temporalLayer}` : 'none'));

		const extensions = c.producer.rtpParameters.headerExtensions ?? [];

		console.log(
			`figure: h264 producer: ${c.producer.rtpParameters.codecs[0]!.mimeType}, encodings ${JSON.stringify(
				c.producer.rtpParameters.encodings!.map((e) => [e.rid, e.scalabilityMode]),
			)}, header extensions ${extensions.map((e) => `${e.id} ${e.uri}`).join(', ')}`,
		);
		assert.equal(c.producer.rtpParameters.codecs[0]!.mimeType, 'video/H264');
		assert.ok(extensions.some((e) => e.uri === DD_URI), 'the producer negotiated the dependency descriptor');
		assert.ok(await until(async () => (await c.inbound()).framesDecoded > 10, 15_000), await c.describe());
	});

	test('setPreferredLayers temporal 2 -> 0 -> 1 -> 2 on the top stream: layerschange and B\'s decoded fps follow', { timeout: 90_000 }, async () => {
		const { consumer } = c;

		await consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: 2 });
		// Going up waits for the estimate to allow the top stream (probing): up to 30 s.
		assert.ok(
			await until(() => consumer.currentLayers?.spatialLayer === 2 && consumer.currentLayers.temporalLayer === 2, 30_000),
			`${JSON.stringify(consumer.currentLayers)} ${layers.join(',')} ${await c.describe()}`,
		);
		assert.ok(await until(async () => (await c.inbound()).frameWidth === 640, 10_000), await c.describe());
		await sleep(1000);

		const full = await fps(3000);
		const steps: string[] = [`T2 ${full.toFixed(1)} fps`];

		assert.ok(full > 12, `B decodes ${full.toFixed(1)} fps at full rate`);
		for (const [temporal, ratio] of [
			[0, 0.25],
			[1, 0.5],
			[2, 1],
		] as const) {
			const events = layers.length;
			const t0 = Date.now();

			await consumer.setPreferredLayers({ spatialLayer: 2, temporalLayer: temporal });
			assert.ok(
				await until(() => consumer.currentLayers?.temporalLayer === temporal, 5_000),
				`${JSON.stringify(consumer.currentLayers)} ${layers.join(',')}`,
			);
			assert.ok(layers.slice(events).includes(`2.${temporal}`), `no layerschange to 2.${temporal}: ${layers.join(',')}`);

			const ms = Date.now() - t0;

			// Let B's jitter buffer drain frames of the previous rate.
			await sleep(700);

			const rate = await fps(3000);

			steps.push(`T${temporal} ${rate.toFixed(1)} fps (${(rate / full).toFixed(2)} of full; reported in ${ms} ms)`);
			assert.ok(
				rate > full * ratio * 0.7 && rate < full * ratio * 1.3 + 1,
				`T${temporal}: ${rate.toFixed(1)} fps, wanted about ${(full * ratio).toFixed(1)}; ${steps.join('; ')}; ${await c.describe()}`,
			);
			assert.equal((await c.inbound()).frameWidth, 640);
		}
		console.log(`figure: h264 temporal layers on the 640-wide stream: ${steps.join('; ')}; layerschange ${layers.join(',')}`);
	});
}
