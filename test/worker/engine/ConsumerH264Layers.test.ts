/**
 * An H264 simulcast consumer (Chromium's H264 simulcast: L1T3 per encoding, the Dependency
 * Descriptor on every packet, as mediasoup 3.19 reads it since PR 1517) through the real
 * Producer -> Router -> Consumer path: spatial switches at the target stream's IDR (STAP-A
 * SPS/PPS + FU-A IDR), temporal layers filtered within the stream from the descriptor,
 * sequence numbers and timestamps continuous for the receiver, the marker at the end of every
 * frame it gets, 'layerschange' with the temporal layer.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as ortc from '../../../src/ortc';
import { Producer } from '../../../src/worker/engine/Producer';
import { Consumer } from '../../../src/worker/engine/Consumer';
import { nowMs } from '../../../src/worker/engine/media';
import { RtpPacket } from '../../../src/proto/rtp/rtpPacket';
import { L1T3, h264Stream, type H264Frame } from './layers/h264Streams';
import { engineRouter, feedback } from './engineDoubles';

const DD_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

const h264Parameters = { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 };

test('H264 simulcast with the dependency descriptor: switch at the target IDR, temporal layers 0/1/2 filtered, seq/timestamps continuous, markers', () => {
	const { channel, send, recv } = engineRouter();
	const caps = ortc.generateRouterRtpCapabilities([
		{ kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: h264Parameters },
	]);
	// Chromium's ids (the producer's) differ from the router's (8): the producer maps them.
	const producerParameters: any = {
		mid: '0',
		codecs: [
			{ mimeType: 'video/H264', payloadType: 107, clockRate: 90000, parameters: h264Parameters, rtcpFeedback: feedback },
			{ mimeType: 'video/rtx', payloadType: 108, clockRate: 90000, parameters: { apt: 107 } },
		],
		headerExtensions: [{ uri: DD_URI, id: 11 }],
		encodings: [
			{ ssrc: 1111, scalabilityMode: 'L1T3' },
			{ ssrc: 2222, scalabilityMode: 'L1T3' },
			{ ssrc: 3333, scalabilityMode: 'L1T3' },
		],
		rtcp: { cname: 'h264' },
	};
	const rtpMapping = ortc.getProducerRtpParametersMapping(producerParameters, caps);
	const consumable = ortc.getConsumableRtpParameters('video', producerParameters, caps, rtpMapping);
	const producer = new Producer('p', { producerId: 'p', kind: 'video', rtpParameters: producerParameters, rtpMapping, paused: false }, send);
	const rtpParameters = ortc.getConsumerRtpParameters({
		consumableRtpParameters: consumable,
		remoteRtpCapabilities: {
			codecs: [
				{ mimeType: 'video/H264', kind: 'video', preferredPayloadType: 100, clockRate: 90000, parameters: h264Parameters, rtcpFeedback: feedback },
				{ mimeType: 'video/rtx', kind: 'video', preferredPayloadType: 101, clockRate: 90000, parameters: { apt: 100 }, rtcpFeedback: [] },
			],
			headerExtensions: [{ kind: 'video', uri: DD_URI, preferredId: 8, direction: 'sendrecv' }],
		},
		pipe: false,
		enableRtx: true,
	});
	const consumer = new Consumer(
		'c',
		{
			consumerId: 'c',
			producerId: 'p',
			kind: 'video',
			rtpParameters,
			type: producer.type,
			consumableRtpEncodings: consumable.encodings!,
			preferredLayers: { spatialLayer: 2, temporalLayer: 0 },
		},
		recv,
	);

	assert.equal(producer.type, 'simulcast');
	const streams = [1111, 2222, 3333].map((ssrc, s) =>
		h264Stream(L1T3, 64, {
			ssrc,
			payloadType: 107,
			ddId: 11,
			firstSeq: 100 + 10000 * s,
			firstFrameNumber: 300 + 20000 * s,
			firstTimestamp: 1000 + 100000 * s,
			keyTus: s === 0 ? [0, 20, 40] : [20, 40],
		}),
	);
	/** Per output frame: the input frame and its stream. */
	const sentFrom: Array<{ s: number; frame: H264Frame }> = [];
	const feedFrame = (i: number): void => {
		// Streams 1 and 2 start two frames later, without an IDR.
		for (const [s, stream] of streams.entries()) {
			if (i < 2 && s > 0) {
				continue;
			}

			const before = recv.sent.length;

			for (const packet of stream[i]!.packets) {
				// A copy: the producer rewrites ids in place.
				producer.receiveRtpPacket(RtpPacket.parse(Buffer.from(packet.serialize()))!, nowMs());
			}
			if (recv.sent.length > before) {
				assert.equal(recv.sent.length - before, stream[i]!.packets.length, 'frames forwarded whole');
				sentFrom.push({ s, frame: stream[i]! });
			}
		}
	};

	for (let i = 0; i < 20; i++) {
		feedFrame(i);
	}
	// Started on the lowest stream (below the preferred spatial layer: every temporal layer),
	// then aims at stream 2 and asks for its IDR.
	assert.deepEqual(channel.layers('c'), ['0.2']);
	assert.ok(send.plis(3333) >= 1, 'key frame asked of stream 2');
	assert.equal(sentFrom.length, 20);

	for (let i = 20; i < 40; i++) {
		feedFrame(i);
	}
	// Stream 0's frame 20 (fed first), then at stream 2's IDR (frame 20): its T0 frames only
	// (20, 24, ..., 36): a quarter of the rate.
	assert.deepEqual(channel.layers('c'), ['0.2', '2.0']);
	assert.deepEqual(consumer.currentLayers, { spatialLayer: 2, temporalLayer: 0 });
	assert.deepEqual(
		sentFrom.slice(20).map((f) => `${f.s}:${f.frame.tu}`),
		['0:20', ...[20, 24, 28, 32, 36].map((tu) => `2:${tu}`)],
	);

	// Temporal layer 1 asked before frame 41 (T2A), then 2 before frame 49 (T2A), 0 before 57.
	for (let i = 40; i < 64; i++) {
		if (i === 41) {
			channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2, temporalLayer: 1 });
		} else if (i === 49) {
			channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2, temporalLayer: 2 });
		} else if (i === 57) {
			channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2, temporalLayer: 0 });
		}
		feedFrame(i);
	}
	assert.deepEqual(channel.layers('c'), ['0.2', '2.0', '2.1', '2.2', '2.0']);
	// 40 (IDR); T1 from 42 on (42, 44, 46, 48); everything 49..56; T0 from 57 (60).
	assert.deepEqual(
		sentFrom.slice(26).map((f) => f.frame.tu),
		[40, 42, 44, 46, 48, 49, 50, 51, 52, 53, 54, 55, 56, 60],
	);
	assert.ok(sentFrom.slice(26).every((f) => f.s === 2));

	const out = recv.media();
	const ssrc = consumer.rtpParameters.encodings[0].ssrc;
	const ddOut = consumer.rtpParameters.headerExtensions?.find((e: any) => e.uri === DD_URI);

	// Non-pipe consumers of simulcast producers do not get the descriptor (each stream has its
	// own structure and frame numbers; the receiver reassembles H264 by sequence number).
	assert.equal(ddOut, undefined);
	assert.equal(out.length, sentFrom.reduce((n, f) => n + f.frame.packets.length, 0));

	let k = 0;

	for (const [i, f] of sentFrom.entries()) {
		const n = f.frame.packets.length;

		for (let j = 0; j < n; j++, k++) {
			const p = out[k]!;

			assert.equal(p.ssrc, ssrc);
			if (k > 0) {
				assert.equal(p.sequenceNumber, (out[k - 1]!.sequenceNumber + 1) & 0xffff, `seq at output packet ${k}`);
			}
			// Marker at the end of every frame the receiver gets, only there.
			assert.equal(p.marker, j === n - 1, `marker of output frame ${i} packet ${j}`);
			// Same payload as the input packet.
			assert.deepEqual(p.payload, f.frame.packets[j]!.payload);
		}
		if (i > 0) {
			// Timestamps go forward by the frames' spacing, also across the switch.
			const prev = out[k - n - 1]!;
			const delta = (out[k - 1]!.timestamp - prev.timestamp) >>> 0;

			assert.ok(delta > 0 && delta <= 3000 * 4 + 90000, `timestamp step ${delta} at output frame ${i}`);
		}
	}

	const dump = channel.request('c', 'consumer.dump');

	assert.equal(dump.currentSpatialLayer, 2);
	assert.equal(dump.currentTemporalLayer, 0);
});
