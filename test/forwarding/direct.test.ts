/**
 * Media forwarding through DirectTransports: producer.send() in, consumer
 * 'rtp' events out (binary over the channel), transport.sendRtcp() and 'rtcp'.
 * Checks the rewrite a receiver relies on: SSRC and payload type of the
 * consumer, sequence numbers continuous across pauses and key frame waits
 * (mediasoup's SimpleConsumer), timestamps kept, RTX answers to NACK
 * (RFC 4588), PLI towards the sender (RFC 4585 6.3.1), DTX dropping.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import { RtpPacket } from '../../src/proto/rtp/rtpPacket';
import { parseCompound } from '../../src/proto/rtcp/compound';
import { GenericNack } from '../../src/proto/rtcp/nack';
import { PictureLossIndication } from '../../src/proto/rtcp/pli';
import { closeWorker } from '../api/transports/helpers';
import { isConsecutive, mediaCodecs, opusPacket, opusParameters, receiverCapabilities, sleep, vp8Packet, vp8Parameters, waitFor } from './helpers';

let worker: Worker;
let router: Router;

before(async () => {
	worker = await mediasoup.createWorker();
	router = await worker.createRouter({ mediaCodecs });
});

after(async () => {
	await closeWorker(worker);
});

async function pair(kind: 'video' | 'audio', options: { ignoreDtx?: boolean; dtx?: boolean } = {}) {
	const sendTransport = await router.createDirectTransport();
	const recvTransport = await router.createDirectTransport();
	const producer = await sendTransport.produce({
		kind,
		rtpParameters: kind === 'video' ? vp8Parameters(1111, { rtxSsrc: 1112 }) : opusParameters(2222, options.dtx),
	});
	const consumer = await recvTransport.consume({
		producerId: producer.id,
		rtpCapabilities: receiverCapabilities,
		ignoreDtx: options.ignoreDtx,
	});
	const received: RtpPacket[] = [];

	consumer.on('rtp', (data: Buffer) => received.push(RtpPacket.parse(Buffer.from(data))!));

	return { sendTransport, recvTransport, producer, consumer, received };
}

test('video: waits for a key frame, rewrites SSRC/PT, keeps timestamps, continuous seqs across pause/resume', async () => {
	const { sendTransport, recvTransport, producer, consumer, received } = await pair('video');
	const ssrc = consumer.rtpParameters.encodings![0]!.ssrc!;
	const pt = consumer.rtpParameters.codecs[0]!.payloadType;
	let seq = 65530;
	let ts = 1000;
	const send = (keyFrame = false): void => {
		producer.send(vp8Packet({ ssrc: 1111, seq: seq++, timestamp: (ts += 3000), keyFrame }));
	};

	// Not a key frame: the consumer waits.
	send();
	send();
	send(true);
	for (let i = 0; i < 9; i++) {
		send();
	}
	assert.ok(await waitFor(() => received.length === 10), `got ${received.length}`);
	assert.ok(received.every((p) => p.ssrc === ssrc && p.payloadType === pt));
	assert.ok(isConsecutive(received.map((p) => p.sequenceNumber)));
	assert.equal(received[0]!.timestamp, 1000 + 3 * 3000);

	await consumer.pause();
	for (let i = 0; i < 5; i++) {
		send(i === 2);
	}
	await sleep(100);
	assert.equal(received.length, 10);
	await consumer.resume();
	send();
	send(true);
	send();
	assert.ok(await waitFor(() => received.length === 12));
	// The input skipped 6 packets; the output did not.
	assert.ok(isConsecutive(received.map((p) => p.sequenceNumber)));
	assert.equal(received[10]!.timestamp, 1000 + 19 * 3000);

	// Producer pause/resume: the same continuity, and the consumer hears about it.
	const events: string[] = [];

	consumer.on('producerpause', () => events.push('pause'));
	consumer.on('producerresume', () => events.push('resume'));
	await producer.pause();
	send(true);
	await sleep(50);
	await producer.resume();
	send();
	send(true);
	assert.ok(await waitFor(() => received.length === 13));
	assert.ok(isConsecutive(received.map((p) => p.sequenceNumber)));
	assert.deepEqual(events, ['pause', 'resume']);

	const [outbound, inbound] = (await consumer.getStats()) as any[];

	assert.equal(outbound.type, 'outbound-rtp');
	assert.equal(outbound.packetCount, 13);
	assert.equal(inbound.type, 'inbound-rtp');
	assert.equal(inbound.ssrc, 1111);

	const [producerStat] = (await producer.getStats()) as any[];

	assert.equal(producerStat.type, 'inbound-rtp');
	assert.equal(producerStat.ssrc, 1111);
	assert.equal(producerStat.rtxSsrc, 1112);
	assert.equal(producerStat.mimeType, 'video/VP8');
	assert.equal(producerStat.packetCount, seq - 65530);
	assert.equal(producerStat.score, 10);
	assert.deepEqual(producer.score, [{ encodingIdx: 0, ssrc: 1111, rid: undefined, score: 10 }]);

	const transportStats = (await sendTransport.getStats())[0] as any;

	assert.ok(transportStats.rtpBytesReceived > 0);
	assert.ok(((await recvTransport.getStats())[0] as any).rtpBytesSent > 0);
	sendTransport.close();
	recvTransport.close();
});

test('NACK from the receiver is answered with RTX (original seq first, own SSRC and PT)', async () => {
	const { sendTransport, recvTransport, producer, consumer, received } = await pair('video');
	const rtx = consumer.rtpParameters.encodings![0]!.rtx!.ssrc;
	const rtxPt = consumer.rtpParameters.codecs.find((c) => c.mimeType === 'video/rtx')!.payloadType;

	for (let i = 0; i < 20; i++) {
		producer.send(vp8Packet({ ssrc: 1111, seq: 100 + i, timestamp: i * 3000, keyFrame: i === 0, size: 300 + i }));
	}
	assert.ok(await waitFor(() => received.length === 20));

	const lost = [received[5]!, received[6]!, received[12]!];
	const ssrc = consumer.rtpParameters.encodings![0]!.ssrc!;

	recvTransport.sendRtcp(GenericNack.fromSequenceNumbers(1, ssrc, lost.map((p) => p.sequenceNumber)).serialize());
	assert.ok(await waitFor(() => received.length === 23));

	const repairs = received.slice(20);

	for (let i = 0; i < 3; i++) {
		assert.equal(repairs[i]!.ssrc, rtx);
		assert.equal(repairs[i]!.payloadType, rtxPt);
		// RFC 4588 section 4: the OSN, then the original payload.
		assert.equal(repairs[i]!.payload.readUInt16BE(0), lost[i]!.sequenceNumber);
		assert.deepEqual(repairs[i]!.payload.subarray(2), lost[i]!.payload);
	}

	const [stat] = (await consumer.getStats()) as any[];

	assert.equal(stat.nackCount, 1);
	assert.equal(stat.nackPacketCount, 3);
	assert.equal(stat.packetsRetransmitted, 3);
	sendTransport.close();
	recvTransport.close();
});

test('requestKeyFrame() and PLI from the receiver reach the sender as PLI; FIR too', async () => {
	const { sendTransport, recvTransport, producer, consumer, received } = await pair('video');
	const rtcp: Buffer[] = [];

	sendTransport.on('rtcp', (packet: Buffer) => rtcp.push(packet));
	producer.send(vp8Packet({ ssrc: 1111, seq: 1, timestamp: 0, keyFrame: true }));
	assert.ok(await waitFor(() => received.length === 1));
	await consumer.requestKeyFrame();

	const isPli = (b: Buffer): boolean =>
		(parseCompound(b, { allowReducedSize: true }) ?? []).some((p) => p.kind === 'pli' && p.mediaSsrc === 1111);

	assert.ok(await waitFor(() => rtcp.some(isPli)), 'no PLI to the sender');

	// The key frame answered it; a PLI from the receiver asks again.
	producer.send(vp8Packet({ ssrc: 1111, seq: 2, timestamp: 3000, keyFrame: true }));
	await sleep(50);

	const before = rtcp.filter(isPli).length;

	recvTransport.sendRtcp(new PictureLossIndication(1, consumer.rtpParameters.encodings![0]!.ssrc!).serialize());
	assert.ok(await waitFor(() => rtcp.filter(isPli).length > before));

	const [stat] = (await consumer.getStats()) as any[];

	assert.equal(stat.pliCount, 1);
	assert.ok(((await producer.getStats())[0] as any).pliCount >= 2);
	sendTransport.close();
	recvTransport.close();
});

test('trace events (rtp, keyframe in; rtp out, nack/pli in) and videoorientationchange', async () => {
	const sendTransport = await router.createDirectTransport();
	const recvTransport = await router.createDirectTransport();
	const producer = await sendTransport.produce({
		kind: 'video',
		rtpParameters: vp8Parameters(3333, { extensions: [{ uri: 'urn:3gpp:video-orientation', id: 4 }] }),
	});
	const consumer = await recvTransport.consume({ producerId: producer.id, rtpCapabilities: receiverCapabilities });
	const producerTraces: any[] = [];
	const consumerTraces: any[] = [];
	const orientations: any[] = [];

	producer.on('trace', (t) => producerTraces.push(t));
	consumer.on('trace', (t) => consumerTraces.push(t));
	producer.on('videoorientationchange', (o) => orientations.push(o));
	await producer.enableTraceEvent(['rtp', 'keyframe', 'pli']);
	await consumer.enableTraceEvent(['rtp', 'keyframe', 'pli']);
	// C=1 (back camera), F=0, rotation 90 (RFC 7742 section 4, 3GPP TS 26.114 7.4.5).
	producer.send(vp8Packet({ ssrc: 3333, seq: 1, timestamp: 0, keyFrame: true, extensions: [{ id: 4, value: Buffer.from([0x09]) }] }));
	producer.send(vp8Packet({ ssrc: 3333, seq: 2, timestamp: 3000, extensions: [{ id: 4, value: Buffer.from([0x09]) }] }));
	producer.send(vp8Packet({ ssrc: 3333, seq: 3, timestamp: 6000, extensions: [{ id: 4, value: Buffer.from([0x00]) }] }));
	assert.ok(await waitFor(() => consumerTraces.filter((t) => t.type === 'rtp').length === 3));
	recvTransport.sendRtcp(new PictureLossIndication(1, consumer.rtpParameters.encodings![0]!.ssrc!).serialize());
	assert.ok(await waitFor(() => consumerTraces.some((t) => t.type === 'pli')));
	assert.ok(await waitFor(() => producerTraces.some((t) => t.type === 'pli')));

	const rtpIn = producerTraces.filter((t) => t.type === 'rtp');

	assert.equal(rtpIn.length, 3);
	assert.equal(rtpIn[0].direction, 'in');
	assert.equal(rtpIn[0].info.rtpPacket.ssrc, 3333);
	assert.equal(rtpIn[0].info.rtpPacket.isKeyFrame, true);
	assert.equal(rtpIn[0].info.isRtx, false);
	assert.equal(producerTraces.filter((t) => t.type === 'keyframe').length, 1);
	assert.equal(consumerTraces.find((t) => t.type === 'rtp').direction, 'out');
	assert.equal(consumerTraces.filter((t) => t.type === 'keyframe').length, 1);
	assert.deepEqual(consumerTraces.find((t) => t.type === 'pli').info, { ssrc: consumer.rtpParameters.encodings![0]!.ssrc });
	assert.deepEqual(producerTraces.find((t) => t.type === 'pli').info, { ssrc: 3333 });
	assert.deepEqual(orientations, [
		{ camera: false, flip: false, rotation: 90 },
		{ camera: true, flip: false, rotation: 0 },
	]);
	sendTransport.close();
	recvTransport.close();
});

test('audio: no key frame wait; ignoreDtx drops DTX packets and keeps seqs continuous', async () => {
	const { sendTransport, recvTransport, producer, received } = await pair('audio', { ignoreDtx: true, dtx: true });
	const plain = await pair('audio', { dtx: true });

	for (let i = 0; i < 10; i++) {
		const packet = { ssrc: 2222, seq: 500 + i, timestamp: i * 960, dtx: i >= 3 && i < 7 };

		producer.send(opusPacket(packet));
		plain.producer.send(opusPacket(packet));
	}
	assert.ok(await waitFor(() => received.length === 6 && plain.received.length === 10));
	assert.ok(isConsecutive(received.map((p) => p.sequenceNumber)));
	assert.deepEqual(received.map((p) => p.timestamp), [0, 1, 2, 7, 8, 9].map((i) => i * 960));
	sendTransport.close();
	recvTransport.close();
	plain.sendTransport.close();
	plain.recvTransport.close();
});

test('unknown SSRCs are dropped; producer close closes the consumer', async () => {
	const { sendTransport, recvTransport, producer, consumer, received } = await pair('audio');
	const closed = new Promise<void>((resolve) => consumer.once('producerclose', () => resolve()));

	// producer.send() goes to that producer only: an SSRC it does not have is no stream of it.
	producer.send(opusPacket({ ssrc: 999, seq: 1, timestamp: 0 }));
	producer.send(opusPacket({ ssrc: 2222, seq: 1, timestamp: 0 }));
	assert.ok(await waitFor(() => received.length === 1));
	assert.equal((await producer.getStats()).length, 1);
	producer.close();
	await closed;
	assert.equal(consumer.closed, true);
	sendTransport.close();
	recvTransport.close();
});
