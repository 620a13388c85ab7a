/**
 * AV1 SVC with Chromium + mediasoup-client through broth (issue 10, SvcConsumer for AV1): page A
 * sends AV1 (libaom) with scalabilityMode L3T3_KEY and the dependency descriptor header extension
 * (the router offers it 'recvonly', as mediasoup 3.19: producers send it, consumers never get
 * it); page B consumes through an svc consumer whose layer selection reads the descriptor:
 * - setPreferredLayers spatial 0, 1, 2, 0, 2: 'layerschange' and B's decoded frame width follow
 *   (240/480/960: libwebrtc keeps AV1's lowest spatial layer at least 240x135, so the camera is
 *   captured at 960x540; at 640x480 Chromium sends L2T3_KEY), without a long decode stall;
 * - temporal layers 2, 0, 1, 2 (at spatial layer 0): B's decoded frame rate follows (all of
 *   it, a quarter, a half).
 * Runs inside ../shared/tools/netns-run like test/svc and test/simulcast.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { INSIDE, LayerCall, runInNetns, until } from '../svc/call';
import { call } from '../e2e/harness';

const DD_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

if (!INSIDE) {
	runInNetns(__filename, 'Chromium AV1 L3T3_KEY through an svc consumer (inside netns-run)', 240);
} else {
	const c = new LayerCall();

	before(() => c.start());
	after(() => c.close());

	test('AV1 L3T3_KEY: the dependency descriptor drives the svc consumer; spatial 0,1,2,0,2 and temporal 0,1,2 follow', { timeout: 200_000 }, async () => {
		await c.connect([{ kind: 'video', mimeType: 'video/AV1', clockRate: 90000 }], [{ scalabilityMode: 'L3T3_KEY' }], {
			width: 960,
			height: 540,
		});
		assert.equal(c.producer.type, 'svc');
		assert.equal(c.consumer.type, 'svc');
		assert.equal(c.producer.rtpParameters.codecs[0]!.mimeType.toLowerCase(), 'video/av1');
		// Page A sends the descriptor and B gets it (mediasoup 3.19 keeps it from consumers, but
		// Chromium cannot decode a unit of several spatial layer frames without it).
		assert.ok(c.producer.rtpParameters.headerExtensions!.some((e) => e.uri === DD_URI), 'producer without the dependency descriptor');
		assert.ok(c.consumer.rtpParameters.headerExtensions!.some((e) => e.uri === DD_URI), 'consumer without the dependency descriptor');
		// Key frames and requests on the producer, for the assertion messages.
		const trace: string[] = [];
		const t0 = Date.now();

		await c.producer.enableTraceEvent(['keyframe', 'pli', 'fir']);
		c.producer.on('trace', (e: any) => trace.push(`${Date.now() - t0} ${e.type} ${e.direction}`));
		assert.ok(await until(async () => (await c.inbound()).framesDecoded > 10, 30_000), await c.describe());
		// Chromium enables its upper spatial layers as its send estimate grows.
		assert.ok(
			await until(async () => Object.entries(await c.producerLayers()).some(([l, kbps]) => l.startsWith('2.') && kbps > 0), 60_000),
			await c.describe(),
		);
		console.log(`figure: av1 sender ${await call(c.pageA, 'senderStats')}`);
		console.log(`figure: av1 producer kbps per layer: ${JSON.stringify(await c.producerLayers())}`);
		await c.startSampler(100);

		const { widths, figures } = await c.walkSpatialLayers(
			[0, 1, 2, 0, 2],
			(spatialLayer) => 960 >> (2 - spatialLayer),
			20_000,
			() => `producer trace ${trace.join(', ')}`,
		);
		const { first, last, stall } = c.logDecoding('av1', await c.stopSampler());

		console.log(`figure: av1 switches ${figures.join('; ')}`);
		assert.deepEqual(widths, [240, 480, 960, 240, 960]);
		assert.ok(last.framesDecoded > first.framesDecoded + 50, 'B decoded too few frames');
		assert.ok(stall.stallMs < 2000, `decoding stalled ${Math.round(stall.stallMs)} ms`);

		/**
		 * B's decoded frame rate over 3 s once the temporal layer is reached, on spatial layer 0
		 * (the one the transport's allocation never takes away).
		 */
		const fpsAt = async (temporalLayer: number): Promise<number> => {
			const fps = await c.fpsAt(temporalLayer, 15_000);

			layersAt.push(`T${temporalLayer} ${JSON.stringify(await c.producerLayers())} ${c.layerEvents.map(([, l]) => l).join(',')}`);

			return fps;
		};
		const layersAt: string[] = [];
		const full = await fpsAt(2);
		const quarter = await fpsAt(0);
		const half = await fpsAt(1);
		const again = await fpsAt(2);

		console.log(
			`figure: av1 decoded fps at temporal layers 2/0/1/2: ${[full, quarter, half, again].map((f) => f.toFixed(1)).join(' / ')}; width ${(await c.inbound()).frameWidth}; producer kbps ${layersAt.join('; ')}`,
		);
		assert.ok(full > 5, `full rate ${full}`);
		assert.ok(quarter > full * 0.12 && quarter < full * 0.4, `temporal 0: ${quarter} fps vs ${full}`);
		assert.ok(half > full * 0.35 && half < full * 0.7, `temporal 1: ${half} fps vs ${full}`);
		assert.ok(again > full * 0.75, `back to temporal 2: ${again} fps vs ${full}`);
		assert.equal((await c.inbound()).frameWidth, 240);
		await c.hangUp();
	});
}
