/**
 * Loss and recovery: 5% random loss (seeded) between a sender and broth, on a
 * small UDP relay of ours. The sender keeps a history and answers NACKs
 * (RFC 4585 6.2.1) with RTX (RFC 4588) as browsers do; broth's producer
 * NACKs what is missing, repairs the stream from RTX and its consumer
 * forwards the repaired packets: the receiver must get at least 99% of them.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import { RtpPacket } from '../../src/proto/rtp/rtpPacket';
import { parseCompound } from '../../src/proto/rtcp/compound';
import { closeWorker } from '../api/transports/helpers';
import { mediaCodecs, receiverCapabilities, sleep, vp8Packet, vp8Parameters, waitFor } from './helpers';

let worker: Worker;
let router: Router;

before(async () => {
	worker = await mediasoup.createWorker({ logLevel: 'warn' });
	router = await worker.createRouter({ mediaCodecs });
});

after(async () => {
	await closeWorker(worker);
});

/** mulberry32: a small seeded PRNG, so the loss pattern is the same on every run. */
function prng(seed: number): () => number {
	let a = seed >>> 0;

	return () => {
		a = (a + 0x6d2b79f5) >>> 0;

		let t = a;

		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

async function bind(): Promise<Socket> {
	const socket = createSocket('udp4');

	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));

	return socket;
}

test('5% loss between sender and broth: NACK + RTX recover >= 99% of the packets for the consumer', { timeout: 30000 }, async (t) => {
	const SSRC = 5555;
	const RTX_SSRC = 5556;
	const COUNT = 1500;
	const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
	const ingest = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
	const producer = await ingest.produce({ kind: 'video', rtpParameters: vp8Parameters(SSRC, { rtxSsrc: RTX_SSRC }) });
	const egress = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
	const consumer = await egress.consume({ producerId: producer.id, rtpCapabilities: receiverCapabilities });
	const sink = await bind();
	const sender = await bind();
	const relayIn = await bind();
	const relayOut = await bind();
	t.after(() => {
		for (const socket of [sink, sender, relayIn, relayOut]) {
			socket.close();
		}
	});

	const random = prng(20240501);
	const outSsrc = consumer.rtpParameters.encodings![0]!.ssrc!;
	const received = new Set<number>();
	let relayed = 0;
	let dropped = 0;
	let nacked = 0;
	let rtxSent = 0;

	sink.on('message', (data: Buffer) => {
		const packet = RtpPacket.parse(data);

		if (packet && packet.ssrc === outSsrc) {
			received.add(packet.sequenceNumber);
		}
	});
	await egress.connect({ ip: '127.0.0.1', port: sink.address().port });

	// The relay: lossy towards broth (after the first packets), lossless back.
	relayIn.on('message', (data: Buffer) => {
		relayed++;
		if (relayed > 5 && random() < 0.05) {
			dropped++;

			return;
		}
		relayOut.send(data, ingest.tuple.localPort, '127.0.0.1');
	});
	relayOut.on('message', (data: Buffer) => relayIn.send(data, sender.address().port, '127.0.0.1'));

	// The sender: history of what it sent, RTX for what is NACKed.
	const history = new Map<number, Buffer>();
	let rtxSeq = 1000;

	sender.on('message', (data: Buffer) => {
		for (const packet of parseCompound(data, { allowReducedSize: true }) ?? []) {
			if (packet.kind !== 'nack' || packet.mediaSsrc !== SSRC) {
				continue;
			}
			for (const seq of packet.toSequenceNumbers()) {
				const original = history.get(seq);

				nacked++;
				if (!original) {
					continue;
				}

				const rtp = RtpPacket.parse(Buffer.from(original))!;
				const payload = Buffer.concat([Buffer.from([seq >> 8, seq & 0xff]), rtp.payload]);
				const rtx = RtpPacket.create({
					payloadType: 97,
					sequenceNumber: rtxSeq++ & 0xffff,
					timestamp: rtp.timestamp,
					ssrc: RTX_SSRC,
					marker: rtp.marker,
					payload,
				});

				rtxSent++;
				sender.send(rtx.serialize(), relayIn.address().port, '127.0.0.1');
			}
		}
	});

	// 1500 packets in ~3 s: 3 packets per frame, a key frame every 90 packets.
	for (let i = 0; i < COUNT; i++) {
		const seq = (60000 + i) & 0xffff;
		const data = vp8Packet({
			ssrc: SSRC,
			seq,
			timestamp: Math.floor(i / 3) * 3000,
			keyFrame: i % 90 === 0,
			start: i % 3 === 0,
			marker: i % 3 === 2,
			pictureId: Math.floor(i / 3),
			size: 1000,
		});

		history.set(seq, data);
		sender.send(data, relayIn.address().port, '127.0.0.1');
		if (i % 10 === 9) {
			await sleep(20);
		}
	}
	await waitFor(() => received.size >= COUNT, 3000);

	const ratio = received.size / COUNT;
	const [stat] = (await producer.getStats()) as any[];
	const transportStat = (await ingest.getStats())[0] as any;

	t.diagnostic(
		`relayed ${relayed}, dropped ${dropped} (${((100 * dropped) / relayed).toFixed(1)}%), NACKed ${nacked}, ` +
			`RTX sent ${rtxSent}, consumer got ${received.size}/${COUNT} (${(100 * ratio).toFixed(2)}%); ` +
			`producer repaired ${stat.packetsRepaired}, NACKs ${stat.nackCount}`,
	);
	assert.ok(dropped >= COUNT * 0.03, `only ${dropped} dropped: the test did not test much`);
	assert.ok(ratio >= 0.99, `consumer got ${(100 * ratio).toFixed(2)}% of the packets`);
	assert.ok(stat.packetsRepaired > 0);
	assert.ok(stat.nackCount > 0);
	assert.ok(transportStat.rtxBytesReceived > 0);

	ingest.close();
	egress.close();
});
