/**
 * Simulcast and svc consumers of the engine with synthetic VP8 simulcast (3 x L1T3) and VP9
 * L3T3 / L3T3_KEY producers: what the receiver gets (sequence numbers without gaps over dropped
 * packets, VP8 picture id / TL0PICIDX continuous across a stream switch, timestamps continuous,
 * marker bits at the end of the layers forwarded), 'layerschange' with temporal changes, key
 * frame requests towards the producer when a target needs one, resends carrying the rewritten
 * descriptor, and the per-layer bitrates the transport's allocator climbs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as ortc from '../../../src/ortc';
import { Producer } from '../../../src/worker/engine/Producer';
import { Consumer } from '../../../src/worker/engine/Consumer';
import { nowMs } from '../../../src/worker/engine/media';
import { RtpPacket } from '../../../src/proto/rtp/rtpPacket';
import { parseVp8Descriptor } from '../../../src/proto/codecs/vp8';
import { parseVp9Descriptor } from '../../../src/proto/codecs/vp9';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import { vp8Stream, vp9Stream, type Vp8Frame } from './layers/streams';
import { engineRouter, FakeTransport, feedback } from './engineDoubles';


const mediaCodecs: any[] = [
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
	{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 0 } },
];

const receiverCapabilities: any = {
	codecs: [
		{ mimeType: 'video/VP8', kind: 'video', preferredPayloadType: 100, clockRate: 90000, rtcpFeedback: feedback },
		{ mimeType: 'video/rtx', kind: 'video', preferredPayloadType: 101, clockRate: 90000, parameters: { apt: 100 }, rtcpFeedback: [] },
		{
			mimeType: 'video/VP9',
			kind: 'video',
			preferredPayloadType: 102,
			clockRate: 90000,
			parameters: { 'profile-id': 0 },
			rtcpFeedback: feedback,
		},
		{ mimeType: 'video/rtx', kind: 'video', preferredPayloadType: 103, clockRate: 90000, parameters: { apt: 102 }, rtcpFeedback: [] },
	],
	headerExtensions: [],
};

function setup(
	producerParameters: any,
	preferredLayers?: { spatialLayer: number; temporalLayer?: number },
	capabilities: any = receiverCapabilities,
) {
	const { channel, router, send, recv } = engineRouter();
	const caps = ortc.generateRouterRtpCapabilities(mediaCodecs);
	const rtpMapping = ortc.getProducerRtpParametersMapping(producerParameters, caps);
	const consumable = ortc.getConsumableRtpParameters('video', producerParameters, caps, rtpMapping);
	const producer = new Producer('p', { producerId: 'p', kind: 'video', rtpParameters: producerParameters, rtpMapping, paused: false }, send);
	const rtpParameters = ortc.getConsumerRtpParameters({
		consumableRtpParameters: consumable,
		remoteRtpCapabilities: capabilities,
		pipe: false,
		enableRtx: true,
	});
	/** Another consumer of the producer on `transport`. */
	const consume = (id: string, transport: FakeTransport): Consumer =>
		new Consumer(
			id,
			{
				consumerId: id,
				producerId: 'p',
				kind: 'video',
				rtpParameters: structuredClone(rtpParameters),
				type: producer.type,
				consumableRtpEncodings: consumable.encodings!,
				preferredLayers,
			},
			transport,
		);
	const consumer = consume('c', recv);

	/** Feeds one packet (a copy: the producer mangles it in place). */
	const feed = (packet: RtpPacket): void => {
		producer.receiveRtpPacket(RtpPacket.parse(Buffer.from(packet.serialize()))!, nowMs());
	};

	return { channel, router, send, recv, producer, consumer, consume, feed, rtpParameters };
}

function vp8SimulcastParameters(): any {
	return {
		mid: '0',
		codecs: [
			{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: feedback },
			{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
		],
		headerExtensions: [],
		encodings: [
			{ ssrc: 1111, scalabilityMode: 'L1T3' },
			{ ssrc: 2222, scalabilityMode: 'L1T3' },
			{ ssrc: 3333, scalabilityMode: 'L1T3' },
		],
		rtcp: { cname: 'vp8' },
	};
}

function vp9Parameters(scalabilityMode: string): any {
	return {
		mid: '0',
		codecs: [
			{ mimeType: 'video/VP9', payloadType: 98, clockRate: 90000, parameters: { 'profile-id': 0 }, rtcpFeedback: feedback },
			{ mimeType: 'video/rtx', payloadType: 99, clockRate: 90000, parameters: { apt: 98 } },
		],
		headerExtensions: [],
		encodings: [{ ssrc: 5555, scalabilityMode }],
		rtcp: { cname: 'vp9' },
	};
}

/** Sequence numbers one after the other (16-bit). */
function assertConsecutive(packets: readonly RtpPacket[]): void {
	for (let i = 1; i < packets.length; i++) {
		assert.equal(packets[i]!.sequenceNumber, (packets[i - 1]!.sequenceNumber + 1) & 0xffff, `seq at ${i}`);
	}
}

test('VP8 simulcast: temporal filtering, switch at the target key frame with picture id, TL0PICIDX, seq and timestamps continuous', () => {
	const { channel, send, recv, consumer, feed } = setup(vp8SimulcastParameters(), { spatialLayer: 2, temporalLayer: 0 });
	const streams = [1111, 2222, 3333].map((ssrc, s) =>
		vp8Stream(48, {
			ssrc,
			payloadType: 96,
			firstSeq: 100 + 10000 * s,
			firstPictureId: 1000 + 7000 * s,
			firstTl0PicIdx: 50 * s,
			firstTimestamp: 1000 + 100000 * s,
			keyFrames: s === 0 ? [0, 20, 40] : [20, 40],
		}),
	);
	const sentFrom: Vp8Frame[] = [];
	const feedFrame = (i: number): void => {
		// Streams 1 and 2 start two frames later, without a key frame.
		for (const stream of i < 2 ? streams.slice(0, 1) : streams) {
			for (const packet of stream[i]!.packets) {
				const before = recv.sent.length;

				feed(packet);
				if (recv.sent.length > before) {
					sentFrom.push(stream[i]!);
				}
			}
		}
	};

	for (let i = 0; i < 20; i++) {
		feedFrame(i);
	}
	// Started on the lowest stream (below the preferred spatial layer: every temporal layer),
	// then aims at stream 2 and asks for its key frame.
	assert.deepEqual(channel.layers('c'), ['0.2']);
	assert.deepEqual(consumer.targetLayers, { spatialLayer: 2, temporalLayer: 0 });
	assert.ok(send.plis(3333) >= 1, 'key frame asked of stream 2');
	assert.equal(recv.media().length, 40);

	for (let i = 20; i < 40; i++) {
		feedFrame(i);
	}
	// At stream 2's key frame (frame 20): the preferred layers, temporal layer 0 only.
	assert.deepEqual(channel.layers('c'), ['0.2', '2.0']);
	assert.deepEqual(consumer.currentLayers, { spatialLayer: 2, temporalLayer: 0 });

	const out = recv.media();

	// Stream 0 frames 0..20 (all), then stream 2's TL0 frames 20, 24, ..., 36.
	assert.equal(out.length, 21 * 2 + 5 * 2);
	assert.ok(sentFrom.slice(42).every((f) => f.tid === 0 && f.packets[0]!.ssrc === 3333));
	assertConsecutive(out);
	assert.ok(out.every((p) => p.ssrc === consumer.rtpParameters.encodings[0].ssrc));

	const desc = out.map((p) => parseVp8Descriptor(p.payload)!);

	for (let i = 2; i < desc.length; i += 2) {
		assert.equal(desc[i]!.pictureId, (desc[i - 2]!.pictureId + 1) & 0x7fff, `picture id of output frame ${i / 2}`);
		assert.equal(desc[i]!.tl0PicIdx, desc[i]!.tid === 0 ? (desc[i - 2]!.tl0PicIdx + 1) & 0xff : desc[i - 2]!.tl0PicIdx);
		// Timestamps go forward across the switch.
		assert.ok(((out[i]!.timestamp - out[i - 2]!.timestamp) >>> 0) < 90000 * 2, `timestamp at ${i}`);
	}

	// The receiver asks for a packet of stream 2 again: the resend carries the rewritten ids.
	const nacked = out[out.length - 1]!;

	consumer.receiveNack(GenericNack.fromSequenceNumbers(0, nacked.ssrc, [nacked.sequenceNumber]), nowMs());

	const rtx = recv.sent.filter((s) => s.isRtx).map((s) => RtpPacket.parse(s.data)!);

	assert.equal(rtx.length, 1);
	assert.equal(rtx[0]!.payload.readUInt16BE(0), nacked.sequenceNumber);
	assert.deepEqual(rtx[0]!.payload.subarray(2), nacked.payload);

	// All temporal layers now: up at the next layer sync frames (41: TL2 Y, 42: TL1 Y).
	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2, temporalLayer: 2 });
	for (let i = 40; i < 48; i++) {
		feedFrame(i);
	}
	assert.deepEqual(channel.layers('c'), ['0.2', '2.0', '2.2']);

	const all = recv.media();

	assertConsecutive(all);
	// Frames 40..47 of stream 2: all of them (40 is a key frame).
	assert.equal(all.length - out.length, 16);

	const dump = channel.request('c', 'consumer.dump');

	assert.equal(dump.currentSpatialLayer, 2);
	assert.equal(dump.currentTemporalLayer, 2);
	assert.equal(dump.preferredTemporalLayer, 2);
});

test('VP8 simulcast: a switch cutting a frame short leaves one sequence number out', () => {
	const { recv, consumer, feed, channel } = setup(vp8SimulcastParameters(), { spatialLayer: 0 });
	const s0 = vp8Stream(8, { ssrc: 1111, payloadType: 96, keyFrames: [0], packetsPerFrame: 3 });
	const s1 = vp8Stream(8, { ssrc: 2222, payloadType: 96, keyFrames: [0, 5], firstSeq: 7000, packetsPerFrame: 3 });

	for (let i = 0; i < 4; i++) {
		s0[i]!.packets.forEach(feed);
		s1[i]!.packets.forEach(feed);
	}
	assert.equal(recv.media().length, 12);
	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 1 });
	// Stream 0's frame 4 is half sent when stream 1's key frame comes.
	feed(s0[4]!.packets[0]!);
	s1[4]!.packets.forEach(feed);
	s1[5]!.packets.forEach(feed);
	feed(s0[4]!.packets[1]!);

	const out = recv.media();

	assert.equal(consumer.currentLayers.spatialLayer, 1);
	assert.equal(out.length, 13 + 3);
	assert.equal(out[13]!.sequenceNumber, (out[12]!.sequenceNumber + 2) & 0xffff, 'one seq left out');
	assertConsecutive(out.slice(0, 13));
	assertConsecutive(out.slice(13));
	assert.equal(parseVp8Descriptor(out[13]!.payload)!.pictureId, parseVp8Descriptor(out[12]!.payload)!.pictureId + 1);
});

test('VP9 K-SVC (L3T3_KEY): start low, up and down at key pictures asked for, temporal down at once, markers', () => {
	const { channel, send, recv, consumer, feed } = setup(vp9Parameters('L3T3_KEY'));
	const pictures = vp9Stream(60, { ksvc: true, payloadType: 98, ssrc: 5555, keyPictures: [0, 20, 40] });
	const feedPictures = (from: number, to: number): void => {
		for (let i = from; i < to; i++) {
			pictures[i]!.packets.forEach(feed);
		}
	};

	assert.equal(consumer.type, 'svc');
	feedPictures(0, 10);
	// No per-layer traffic known when the stream appeared: the lowest layer first.
	assert.deepEqual(channel.layers('c'), ['0.2']);

	let out = recv.media();

	assert.ok(out.every((p) => parseVp9Descriptor(p.payload)!.sid === 0));
	assert.equal(out.length, 20);
	assert.ok(out.every((p, i) => p.marker === (i % 2 === 1)), 'marker at the end of each layer 0 frame');

	// Layers 1 and 2 are seen now: the preferred (top) layers become the target.
	const plis = send.plis(5555);

	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2 });
	assert.deepEqual(consumer.targetLayers, { spatialLayer: 2, temporalLayer: 2 });
	assert.ok(send.plis(5555) > plis, 'key frame asked for the spatial upgrade');
	feedPictures(10, 30);
	assert.deepEqual(channel.layers('c'), ['0.2', '2.2']);
	out = recv.media();
	// 10..19 at layer 0, the key picture 20 whole, then layer 2 alone.
	assert.equal(out.length, 20 + 10 * 2 + 6 + 9 * 2);
	assert.deepEqual(
		out.slice(40, 46).map((p) => parseVp9Descriptor(p.payload)!.sid),
		[0, 0, 1, 1, 2, 2],
	);
	assert.ok(out.slice(46).every((p) => parseVp9Descriptor(p.payload)!.sid === 2));

	// Down to spatial 1, temporal 0: the temporal layer falls at once, the spatial one at the
	// next key picture (asked for).
	const plis2 = send.plis(5555);

	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 1, temporalLayer: 0 });
	assert.ok(send.plis(5555) > plis2, 'key frame asked for the K-SVC downgrade');
	feedPictures(30, 50);
	assert.deepEqual(channel.layers('c'), ['0.2', '2.2', '2.0', '1.0']);

	const tail = recv.media().slice(out.length);
	const shape = tail.map((p) => {
		const d = parseVp9Descriptor(p.payload)!;

		return `${d.sid}${d.tid}${p.marker ? 'M' : ''}`;
	});

	// 32 and 36 (TL0) at layer 2; key picture 40 at layers 0-1; 44 and 48 at layer 1.
	assert.deepEqual(shape, ['20', '20M', '20', '20M', '00', '00', '10', '10M', '10', '10M', '10', '10M']);
	assertConsecutive(recv.media());

	const dump = channel.request('c', 'consumer.dump');

	assert.deepEqual(
		[dump.preferredSpatialLayer, dump.targetSpatialLayer, dump.currentSpatialLayer, dump.currentTemporalLayer],
		[1, 1, 1, 0],
	);

	// The allocator's ladder: K-SVC layers are separate streams (each layer's own bitrate).
	const bitrates = consumer.layerBitrates(nowMs());

	assert.equal(bitrates.length, 2);
	assert.ok(bitrates[0]! > 0 && bitrates[1]! > 0);

	// Pause: nothing forwarded, layerschange with no layers; resume restarts at a key picture.
	channel.request('c', 'consumer.pause');
	assert.deepEqual(channel.layers('c').slice(-1), ['none']);
	channel.request('c', 'consumer.resume');
	feedPictures(50, 60);
	assert.equal(recv.media().length, out.length + tail.length);
});

test('VP9 full SVC (L3T3): down without a key frame request, up at a key picture; allocator bitrates cumulative', () => {
	const { channel, send, recv, consumer, feed } = setup(vp9Parameters('L3T3'), { spatialLayer: 2 });
	const pictures = vp9Stream(40, { payloadType: 98, ssrc: 5555, keyPictures: [0, 30] });

	for (let i = 0; i < 10; i++) {
		pictures[i]!.packets.forEach(feed);
	}
	assert.equal(consumer.currentLayers.spatialLayer, 0, 'started low');

	const plis0 = send.plis(5555);

	// Layers 1 and 2 have traffic now: up, at a key picture asked for (and asked again until it comes).
	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2 });
	assert.ok(send.plis(5555) > plis0, 'key frame asked for the upgrade');
	for (let i = 10; i < 12; i++) {
		pictures[i]!.packets.forEach(feed);
	}

	const full = consumer.layerBitrates(nowMs());

	assert.equal(full.length, 3);
	assert.ok(full[0]! > 0 && full[1]! > full[0]! && full[2]! > full[1]!, `cumulative: ${full.join(',')}`);

	const plis = send.plis(5555);
	const before = recv.media().length;

	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 0 });
	assert.equal(send.plis(5555), plis, 'full SVC goes down without a key frame');
	for (let i = 12; i < 20; i++) {
		pictures[i]!.packets.forEach(feed);
	}

	const down = recv.media().slice(before);

	assert.equal(down.length, 8 * 2);
	assert.ok(down.every((p, i) => parseVp9Descriptor(p.payload)!.sid === 0 && p.marker === (i % 2 === 1)));
	assert.equal(consumer.currentLayers.spatialLayer, 0);

	// Back up: the key picture asked for (still outstanding) comes at picture 30.
	channel.request('c', 'consumer.setPreferredLayers', { spatialLayer: 2 });
	for (let i = 20; i < 40; i++) {
		pictures[i]!.packets.forEach(feed);
	}
	assert.equal(consumer.currentLayers.spatialLayer, 2);
	assertConsecutive(recv.media());
	assert.equal(recv.media().length, before + 8 * 2 + 10 * 2 + 10 * 6);
	assert.ok(recv.media().slice(-60).every((p, i) => p.marker === (i % 6 === 5)));
});

test('probe padding: one probation sequence per transport (mediasoup-client\'s probator SSRC 1234)', () => {
	const uri = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
	const caps = structuredClone(receiverCapabilities);

	for (const codec of caps.codecs) {
		if (codec.mimeType !== 'video/rtx') {
			codec.rtcpFeedback = [...codec.rtcpFeedback, { type: 'transport-cc', parameter: '' }];
		}
	}
	caps.headerExtensions = [{ kind: 'video', uri, preferredId: 5, preferredEncrypt: false }];

	const { router, channel, recv, consumer, consume, feed } = setup(vp8SimulcastParameters(), { spatialLayer: 0 }, caps);
	const other = new FakeTransport('other', router, channel);
	const a = consume('c2', recv);
	const b = consume('c3', other);

	vp8Stream(1, { ssrc: 1111, payloadType: 96 })[0]!.packets.forEach(feed);

	const seqOf = (consumer: Consumer, transport: FakeTransport): number => {
		const probe = consumer.buildProbePadding(100, transport)!;

		assert.ok(probe, 'a probe');

		const packet = RtpPacket.parse(Buffer.from(probe.buffer.subarray(0, probe.length)))!;

		assert.equal(packet.ssrc, 1234);
		assert.equal(packet.payloadType, 127);

		return packet.sequenceNumber;
	};
	const first = seqOf(a, recv);

	// The consumers of one transport share its sequence; another transport has its own.
	assert.equal(seqOf(consumer, recv), (first + 1) & 0xffff);
	assert.equal(seqOf(a, recv), (first + 2) & 0xffff);

	const otherFirst = seqOf(b, other);

	assert.equal(seqOf(b, other), (otherFirst + 1) & 0xffff);
	assert.equal(seqOf(consumer, recv), (first + 3) & 0xffff);
});

test("trace 'rtp' events name each packet's spatial and temporal layer from the payload descriptor (producer in, consumer out)", () => {
	const { channel, recv, feed } = setup(vp9Parameters('L3T3'), { spatialLayer: 2 });
	const pictures = vp9Stream(8, { payloadType: 98, ssrc: 5555, keyPictures: [0] });

	channel.request('p', 'producer.enableTraceEvent', { types: ['rtp'] });
	channel.request('c', 'consumer.enableTraceEvent', { types: ['rtp'] });
	for (const picture of pictures) {
		picture.packets.forEach(feed);
	}

	const traced = (id: string, direction: string): string[] =>
		channel.events
			.filter((e) => e.targetId === id && e.event === 'trace' && e.data.type === 'rtp' && e.data.direction === direction)
			.map((e) => `${e.data.info.rtpPacket.spatialLayer}${e.data.info.rtpPacket.temporalLayer}`);
	const layersOf = (packets: readonly RtpPacket[]): string[] =>
		packets.map((packet) => {
			const d = parseVp9Descriptor(packet.payload)!;

			return `${d.sid}${d.tid}`;
		});
	const inbound = traced('p', 'in');

	assert.deepEqual(inbound, layersOf(pictures.flatMap((p) => p.packets)), 'every producer packet, with its own layers');
	assert.ok(new Set(inbound).size > 3, `several layers seen: ${[...new Set(inbound)]}`);

	const outbound = traced('c', 'out');

	assert.ok(outbound.length > 0);
	assert.deepEqual(outbound, layersOf(recv.media()), 'every forwarded packet, with its own layers');
	assert.ok(outbound.some((l) => l !== '00'));
});

test('a consumer waiting for its first key frame keeps asking until it comes (a sender may ignore one request)', () => {
	const single = { ...vp8SimulcastParameters(), encodings: [{ ssrc: 1111 }] };
	const { channel, send, recv, producer, consumer, feed } = setup(single);
	const frames = vp8Stream(12, { ssrc: 1111, payloadType: 96, keyFrames: [0, 10], temporalLayers: 1 });

	assert.equal(consumer.type, 'simple');
	frames[0]!.packets.forEach(feed);
	frames[1]!.packets.forEach(feed);
	assert.equal(recv.media().length, 4, 'forwarding from the key frame');

	// Paused and resumed: nothing goes out before a key frame, so the receiver will not ask.
	channel.request('c', 'consumer.pause');
	channel.request('c', 'consumer.resume');

	const asked = send.plis(1111);

	assert.ok(asked >= 1, 'asked at resume');
	frames.slice(2, 10).forEach((f) => f.packets.forEach(feed));
	assert.equal(recv.media().length, 4, 'delta frames are not forwarded');
	// The sender ignored it: asked again at every timeout while the consumer waits.
	producer.onFastTimer(nowMs() + 1100);
	assert.equal(send.plis(1111), asked + 1, 'asked again after 1 s');
	producer.onFastTimer(nowMs() + 2200);
	assert.equal(send.plis(1111), asked + 2, 'and again');
	frames[10]!.packets.forEach(feed);
	assert.equal(recv.media().length, 6, 'the key frame restarts forwarding');
	producer.onFastTimer(nowMs() + 3300);
	assert.equal(send.plis(1111), asked + 2, 'no more requests once it came');
});
