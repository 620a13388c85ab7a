/**
 * Simulcast layer selection with Chromium + mediasoup-client (issue 10 acceptance, VP8 part):
 * page A sends VP8 simulcast with three encodings (L1T3), page B consumes it through a UDP relay
 * of ours (./relay.ts, its downlink). Preferred layers 2 -> 0 -> 2 show in 'layerschange' and
 * B's decoded width; setMaxOutgoingBitrate on B's transport pushes the current spatial layer down
 * and lifting it lets it climb back; so does a 250 kbps bottleneck in the relay, with B's
 * decoding never stalling for more than a second.
 * Runs inside ../shared/tools/netns-run like test/e2e.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { INSIDE, SimulcastCall, longestDecodeStall, runInNetns, sleep, until } from './browser';

if (!INSIDE) {
	runInNetns(__filename, 'Chromium VP8 simulcast layer selection (inside netns-run)', 180);
} else {
	const c = new SimulcastCall({
		mediaCodecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 }],
		relay: true,
	});

	before(() => c.start());
	after(() => c.close());

	test('A sends three VP8 encodings; B consumes starting at an active layer and climbs to 640 wide', { timeout: 70_000 }, async () => {
		await c.connect([
			{ scaleResolutionDownBy: 4, maxBitrate: 150000, scalabilityMode: 'L1T3' },
			{ scaleResolutionDownBy: 2, maxBitrate: 400000, scalabilityMode: 'L1T3' },
			{ scaleResolutionDownBy: 1, maxBitrate: 1200000, scalabilityMode: 'L1T3' },
		]);
		assert.equal(c.producer.type, 'simulcast');
		assert.ok(await until(async () => (await c.inbound()).framesDecoded > 10, 15_000), 'no frames decoded');
		// The first layer forwarded is an active one (never a layer with score 0).
		assert.ok(c.layerEvents.length > 0 && c.layerEvents[0]! >= 0);
		// Under a loaded CI run (two Chromium tests at once on 2 cores) the climb takes longer.
		assert.ok(await until(async () => (await c.inbound()).frameWidth === 640, 50_000), await c.describe());
		console.log(`figure: simulcast layerschange on start: ${c.layerEvents.join(' -> ')}`);
	});

	// Right after a fast climb Chromium ignores the PLI for layer 0 (it drops one within 300 ms of
	// the previous key frame request, whatever SSRC): the switch keeps asking until it comes.
	test('setPreferredLayers 2 -> 0 -> 2: layerschange and decoded width follow', { timeout: 50_000 }, async () => {
		const { consumer } = c;

		await consumer.setPreferredLayers({ spatialLayer: 0 });
		assert.ok(await until(() => consumer.currentLayers?.spatialLayer === 0, 10_000), await c.describe());
		assert.ok(await until(async () => (await c.inbound()).frameWidth === 160, 10_000), await c.describe());
		await consumer.setPreferredLayers({ spatialLayer: 2 });
		assert.ok(await until(() => consumer.currentLayers?.spatialLayer === 2, 10_000), await c.describe());
		assert.ok(await until(async () => (await c.inbound()).frameWidth === 640, 10_000), await c.describe());
		assert.deepEqual(c.layerEvents.slice(-2), [0, 2]);
	});

	// The climb back needs probing: without it the estimate stops at 1.5 x the layer-0 rate
	// (libwebrtc's AIMD throughput cap); the transport's prober sends the estimator's probe
	// clusters as padding-only RTX packets.
	test('setMaxOutgoingBitrate squeezes B: the spatial layer falls, then climbs back', { timeout: 40_000 }, async () => {
		const { consumer, recvTransport } = c;
		const traces: number[] = [];

		await recvTransport.enableTraceEvent(['bwe']);
		recvTransport.on('trace', (trace: any) => {
			if (trace.type === 'bwe') {
				traces.push(trace.info.availableBitrate);
			}
		});

		const t0 = Date.now();

		await recvTransport.setMaxOutgoingBitrate(150_000);
		assert.ok(await until(() => (consumer.currentLayers?.spatialLayer ?? 2) < 2, 10_000), await c.describe());

		const fell = Date.now() - t0;
		const low = consumer.currentLayers!.spatialLayer;

		// Decoding goes on at the lower layer.
		const before = (await c.inbound()).framesDecoded;

		await sleep(1000);
		assert.ok((await c.inbound()).framesDecoded > before, 'decoding stalled');

		const t1 = Date.now();

		await recvTransport.setMaxOutgoingBitrate(0);
		assert.ok(
			await until(() => (consumer.currentLayers?.spatialLayer ?? 0) > low, 20_000),
			`${await c.describe()}, bwe ${traces.slice(-5).join(',')}`,
		);
		console.log(
			`figure: simulcast squeeze: layer 2 -> ${low} in ${fell} ms at 150 kbps; back up to ${consumer.currentLayers!.spatialLayer} ${Date.now() - t1} ms after lifting; bwe traces ${traces.length}`,
		);
		assert.ok(traces.length > 0, 'no bwe trace');
	});

	// The squeeze: B's downlink (the relay) limited to 250 kbps with a 100 ms drop-tail
	// buffer for 6 s, then lifted. The layer falls on the estimator's own evidence (transport-cc
	// delay and loss; no setMaxOutgoingBitrate), climbs back once the limit is lifted (the
	// periodic probe finds the room), and B never goes more than a second without decoding a
	// frame: its inbound-rtp framesDecoded is sampled in the page every 50 ms.
	test('250 kbps bottleneck on B\'s downlink: layer falls, climbs back, decoding never stalls > 1 s', { timeout: 60_000 }, async () => {
		const { consumer, relay } = c;
		const bwe: [number, number][] = [];

		assert.ok(relay);
		c.recvTransport.on('trace', (trace: any) => {
			if (trace.type === 'bwe') {
				bwe.push([Date.now(), trace.info.availableBitrate]);
			}
		});
		// Start from the top layer.
		assert.ok(await until(() => consumer.currentLayers?.spatialLayer === 2, 20_000), await c.describe());
		await sleep(1000);
		await c.startSampler(50);

		const before = await c.inbound();
		const t0 = Date.now();

		relay.setLimit(250_000, 100);

		const fell = (await until(() => (consumer.currentLayers?.spatialLayer ?? 2) < 2, 5_000)) ? Date.now() - t0 : -1;

		await sleep(Math.max(0, t0 + 6000 - Date.now()));

		const low = consumer.currentLayers?.spatialLayer ?? -1;
		const squeezed = { ...relay.stats };
		const t1 = Date.now();

		relay.setLimit(0);

		const climbed = (await until(() => (consumer.currentLayers?.spatialLayer ?? 0) > low, 20_000)) ? Date.now() - t1 : -1;
		const top = (await until(() => consumer.currentLayers?.spatialLayer === 2, 10_000)) ? Date.now() - t1 : -1;

		await sleep(1000);

		const samples = await c.stopSampler();
		const after = samples[samples.length - 1]!;
		const stall = longestDecodeStall(samples);
		const intervals = samples.slice(1).map((s, i) => s.t - samples[i]!.t);
		const freezes =
			after.freezeCount !== undefined
				? `freezeCount +${after.freezeCount - (before.freezeCount ?? 0)}, totalFreezesDuration +${((after.totalFreezesDuration ?? 0) - (before.totalFreezesDuration ?? 0)).toFixed(2)} s`
				: 'no freezeCount in inbound-rtp';
		const layers = c.layerTimeline.filter(([t]) => t >= t0).map(([t, l]) => `${l}@${t - t0}`);
		const bweLine = bwe
			.filter(([t]) => t >= t0 - 500)
			.map(([t, b]) => `${t - t0}:${Math.round(b / 1000)}`)
			.join(' ');

		console.log(
			`figure: simulcast relay squeeze 250 kbps: layer 2 -> ${low} in ${fell} ms; lifted: up in ${climbed} ms, back at 2 in ${top} ms; longest decode stall ${Math.round(stall.stallMs)} ms (from ${Math.round(stall.atMs - t0)} ms); ${freezes}; layers (ms from the squeeze) ${layers.join(' ')}; relay dropped ${squeezed.droppedPackets} of ${squeezed.droppedPackets + squeezed.downPackets} packets`,
		);
		console.log(`figure: simulcast relay squeeze, bwe trace (ms: kbps) ${bweLine}`);
		assert.ok(fell >= 0, `layer did not fall within 5 s: ${await c.describe()}`);
		assert.ok(climbed >= 0, `layer did not climb back within 20 s: ${await c.describe()}`);
		assert.ok(samples.length > 100 && Math.max(...intervals) < 500, `sampler ran badly: ${samples.length} samples`);
		assert.ok(after.framesDecoded > before.framesDecoded + 30, `B decoded ${after.framesDecoded - before.framesDecoded} frames`);
		assert.ok(stall.stallMs <= 1000, `decoding stalled ${Math.round(stall.stallMs)} ms from ${Math.round(stall.atMs - t0)} ms`);
	});
}
