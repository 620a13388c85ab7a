/**
 * H264 simulcast consumed (issue 10 acceptance): page A (Chromium's own H264 encoder, OpenH264
 * in Debian's build) sends three H264 encodings (packetization-mode 1, constrained baseline
 * 42e01f) through mediasoup-client, page B consumes them; the decoded width follows
 * setPreferredLayers and 'layerschange' (the worker switches streams at the target's key frame:
 * STAP-A with SPS/PPS, then the IDR, as Chromium packetizes them).
 * Runs inside ../shared/tools/netns-run like test/e2e.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { call } from '../e2e/harness';
import { INSIDE, SimulcastCall, runInNetns, sleep, until } from './browser';

if (!INSIDE) {
	runInNetns(__filename, 'Chromium H264 simulcast layer selection (inside netns-run)', 150);
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
	const width = async (): Promise<number> => (await c.inbound()).frameWidth;

	before(() => c.start());
	after(() => c.close());

	test('Chromium has an H264 encoder; A sends three H264 encodings, B decodes them', { timeout: 70_000 }, async () => {
		await c.connect([
			{ scaleResolutionDownBy: 4, maxBitrate: 150000 },
			{ scaleResolutionDownBy: 2, maxBitrate: 400000 },
			{ scaleResolutionDownBy: 1, maxBitrate: 1200000 },
		]);

		const sendCodecs: string[] = await c.pageA.evaluate(() =>
			(globalThis as any).RTCRtpSender.getCapabilities('video').codecs.map((codec: any) => `${codec.mimeType} ${codec.sdpFmtpLine ?? ''}`),
		);

		assert.ok(
			sendCodecs.some((codec) => /H264/.test(codec) && /packetization-mode=1/.test(codec) && /42e01f/.test(codec)),
			sendCodecs.join('\n'),
		);
		assert.equal(c.producer.type, 'simulcast');
		assert.equal(c.producer.rtpParameters.codecs[0]!.mimeType, 'video/H264');
		assert.equal(c.producer.rtpParameters.encodings!.length, 3);
		assert.ok(await until(async () => (await c.inbound()).framesDecoded > 10, 15_000), await c.describe());

		const outbound = await call<Record<string, any>>(c.pageA, 'outbound');
		const encoders = ['r0', 'r1', 'r2'].map((rid) => `${rid} ${outbound[rid]?.frameWidth} wide by ${outbound[rid]?.encoder}`);

		console.log(
			`figure: h264 simulcast: A encodes ${encoders.join(', ')}; encodings ${JSON.stringify(c.producer.rtpParameters.encodings!.map((e) => [e.rid, e.scalabilityMode]))}`,
		);
		// Every encoding reaches the worker (a stream with a score: it is being received).
		assert.ok(
			await until(async () => (await c.producer.getStats()).filter((s: any) => s.type === 'inbound-rtp' && s.score > 0).length === 3, 20_000),
			await c.describe(),
		);
	});

	test('setPreferredLayers 0 -> 2 -> 1 -> 0: layerschange and B\'s decoded width follow', { timeout: 70_000 }, async () => {
		const { consumer } = c;
		const steps: string[] = [];

		for (const [layer, expected] of [
			[0, 160],
			[2, 640],
			[1, 320],
			[0, 160],
		] as const) {
			const t0 = Date.now();
			const events = c.layerEvents.length;

			await consumer.setPreferredLayers({ spatialLayer: layer });
			// Going up waits for the estimate to allow the layer (probing), so up to 30 s.
			assert.ok(await until(() => consumer.currentLayers?.spatialLayer === layer, layer === 0 ? 10_000 : 30_000), await c.describe());
			assert.ok(c.layerEvents.slice(events).includes(layer), `no layerschange to ${layer}: ${c.layerEvents.join(',')}`);
			if (!(await until(async () => (await width()) === expected, 10_000))) {
				// Is B still decoding (the old layer) or stuck (the new one undecodable)?
				const series: string[] = [];

				for (let k = 0; k < 5; k++) {
					const s = await c.inbound();

					series.push(`${s.framesDecoded}/${s.framesReceived}/${s.packetsReceived} ${s.frameWidth}w pli ${s.pliCount}`);
					await sleep(400);
				}
				assert.fail(
					`width ${await width()}, wanted ${expected}; B every 400 ms (decoded/received frames/packets): ${series.join(', ')}; consumer ${JSON.stringify(await consumer.getStats())}; ${await c.describe()}`,
				);
			}
			steps.push(`${layer}: ${expected} wide in ${Date.now() - t0} ms`);
		}
		console.log(`figure: h264 simulcast setPreferredLayers ${steps.join('; ')}`);
	});
}
