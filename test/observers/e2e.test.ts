/**
 * RTP observers end to end: a worker process, a DirectTransport whose producers
 * send RTP carrying the RFC 6464 ssrc-audio-level extension (at the producer's
 * own id, which the media path maps to the router's), and the application-side
 * AudioLevelObserver / ActiveSpeakerObserver events.
 */
import { test, afterEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/api/enhancedEvents';
import type { Producer } from '../../src/api/Producer';
import type { Router } from '../../src/api/Router';
import type { Worker } from '../../src/api/Worker';
import { RtpPacket } from '../../src/proto/rtp';

const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** Not the router's id (10): the worker must map it. */
const PRODUCER_AUDIO_LEVEL_ID = 3;

let worker: Worker | undefined;

afterEach(async () => {
	if (worker && !worker.subprocessClosed) {
		worker.close();
		await enhancedOnce(worker, 'subprocessclose');
	}
	worker = undefined;
});

/** Room noise from everyone before A starts (a live microphone is never digital silence). */
const LEAD_IN = 300;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function setup(names: string[]): Promise<{ router: Router; producers: Producer[]; send: (p: Producer, level: number | undefined) => void }> {
	worker = await mediasoup.createWorker();

	const router = await worker.createRouter({
		mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
	});
	const transport = await router.createDirectTransport();
	const producers: Producer[] = [];
	const state = new Map<Producer, { ssrc: number; seq: number }>();

	for (let i = 0; i < names.length; i++) {
		const ssrc = 1000 + i;
		const producer = await transport.produce({
			kind: 'audio',
			rtpParameters: {
				codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
				headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: PRODUCER_AUDIO_LEVEL_ID }],
				encodings: [{ ssrc }],
			},
			appData: { name: names[i] },
		});

		producers.push(producer);
		state.set(producer, { ssrc, seq: 0 });
	}

	const payload = Buffer.alloc(40, 0xfc);
	const send = (producer: Producer, level: number | undefined): void => {
		const s = state.get(producer)!;

		s.seq = (s.seq + 1) & 0xffff;

		const packet = RtpPacket.create({
			payloadType: 100,
			sequenceNumber: s.seq,
			timestamp: s.seq * 960,
			ssrc: s.ssrc,
			extensions: level === undefined ? [] : [{ id: PRODUCER_AUDIO_LEVEL_ID, value: Uint8Array.of((level < 127 ? 0x80 : 0) | level) }],
			payload,
		});

		producer.send(packet.serialize());
	};

	return { router, producers, send };
}

const nameOf = (p: Producer): string => (p.appData as { name: string }).name;

test('AudioLevelObserver end to end: volumes and silence follow the levels sent (values, order, maxEntries, threshold)', async () => {
	const { router, producers, send } = await setup(['a', 'b', 'c', 'd', 'e']);
	const [a, b, c, d, e] = producers;
	const alo = await router.createAudioLevelObserver({ maxEntries: 2, threshold: -70, interval: 250 });
	const events: string[] = [];

	alo.on('volumes', (volumes) => events.push(JSON.stringify(volumes.map((v) => [nameOf(v.producer), v.volume]))));
	alo.on('silence', () => events.push('silence'));
	for (const p of producers) {
		await alo.addProducer({ producerId: p.id });
	}

	// Resuming restarts the worker's interval timer: what is sent right after
	// lands in one interval, reported 250 ms later.
	const interval = async (burst: () => void, expected: string[]): Promise<void> => {
		await alo.pause();
		events.length = 0;
		await alo.resume();
		burst();
		await sleep(700);
		assert.deepEqual(events, expected);
	};

	await interval(() => {
		for (let i = 0; i < 20; i++) {
			send(a, i < 10 ? 30 : 50); // mean 40
			send(b, 20);
			send(c, 60); // third loudest: cut by maxEntries
			send(e, 71); // below the threshold
			send(a, undefined); // no extension: counts for nothing
		}
		for (let i = 0; i < 9; i++) {
			send(d, 0); // fewer than 10 packets in the interval: not reported
		}
	}, [JSON.stringify([['b', -20], ['a', -40]]), 'silence']);

	await interval(() => {
		for (let i = 0; i < 12; i++) {
			send(e, 70); // at the threshold
			send(c, 0);
		}
	}, [JSON.stringify([['c', 0], ['e', -70]]), 'silence']);

	// Pausing after volumes says silence at once.
	await alo.pause();
	events.length = 0;
	await alo.resume();
	for (let i = 0; i < 12; i++) {
		send(d, 5);
	}
	await sleep(350);
	assert.deepEqual(events, [JSON.stringify([['d', -5]])]);
	await alo.pause();
	await sleep(20);
	assert.deepEqual(events, [JSON.stringify([['d', -5]]), 'silence']);

	// A paused producer counts nothing.
	await b.pause();
	await interval(() => {
		for (let i = 0; i < 12; i++) {
			send(b, 1);
			send(a, 44);
		}
	}, [JSON.stringify([['a', -44]]), 'silence']);

	// The router closes: the observer too, and the worker reports nothing more.
	events.length = 0;
	for (let i = 0; i < 12; i++) {
		send(a, 10);
	}
	router.close();
	assert.equal(alo.closed, true);
	await sleep(400);
	assert.deepEqual(events, []);
});

test('ActiveSpeakerObserver end to end in real time: A talks 3 s, B coughs 0.2 s, C talks 3 s -> A then C, never B', async () => {
	// B joins first, so that "the first one" would be the cougher.
	const { router, producers, send } = await setup(['B', 'A', 'C']);
	const [B, A, C] = producers;
	const aso = await router.createActiveSpeakerObserver({ interval: 300 });
	const events: { t: number; name: string }[] = [];

	for (const p of producers) {
		await aso.addProducer({ producerId: p.id });
	}

	const start = performance.now();

	aso.on('dominantspeaker', ({ producer }) => events.push({ t: performance.now() - start, name: nameOf(producer) }));

	let i = 0;

	await new Promise<void>((resolve) => {
		const timer = setInterval(() => {
			const t = performance.now() - start;

			if (t > LEAD_IN + 6400) {
				clearInterval(timer);
				resolve();

				return;
			}
			i++;
			// Speech around -25 dBov with syllable dips; room noise around -100 dBov.
			const talk = i % 9 === 0 ? 70 : 18 + (i % 7) * 3;
			const quiet = 98 + (i % 5);

			const s = t - LEAD_IN;

			send(A, s >= 0 && s < 3000 ? talk : quiet);
			send(B, s >= 3000 && s < 3200 ? talk : quiet);
			send(C, s >= 3200 && s < 6200 ? talk : quiet);
		}, 20);
	});

	assert.deepEqual(events.map((e) => e.name), ['A', 'C'], JSON.stringify(events));
	assert.ok(events[0].t > LEAD_IN && events[0].t - LEAD_IN <= 1500, `A ${events[0].t - LEAD_IN} ms after it began`);
	assert.ok(events[1].t > LEAD_IN + 3200 && events[1].t - LEAD_IN - 3200 <= 1500, `C ${events[1].t - LEAD_IN - 3200} ms after it began`);
	console.log(`# end to end: A named ${Math.round(events[0].t - LEAD_IN)} ms after it began, C ${Math.round(events[1].t - LEAD_IN - 3200)} ms`);

	router.close();
	assert.equal(aso.closed, true);
});

test('AudioLevelObserver end to end over a PlainTransport fed by a UDP socket (comedia)', async () => {
	worker = await mediasoup.createWorker();

	const router = await worker.createRouter({
		mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
	});
	const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true, rtcpMux: true });
	const producer = await transport.produce({
		kind: 'audio',
		rtpParameters: {
			codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
			headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: PRODUCER_AUDIO_LEVEL_ID }],
			encodings: [{ ssrc: 4242 }],
		},
	});
	const alo = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -127, interval: 250 });
	const socket = dgram.createSocket('udp4');
	const volumes: number[] = [];

	alo.on('volumes', (v) => volumes.push(v[0].volume));
	await alo.addProducer({ producerId: producer.id });

	try {
		for (let seq = 1; seq <= 40; seq++) {
			const packet = RtpPacket.create({
				payloadType: 100,
				sequenceNumber: seq,
				timestamp: seq * 960,
				ssrc: 4242,
				extensions: [{ id: PRODUCER_AUDIO_LEVEL_ID, value: Uint8Array.of(0x80 | 33) }],
				payload: Buffer.alloc(40, 0xfc),
			});

			socket.send(packet.serialize(), transport.tuple.localPort, '127.0.0.1');
			await sleep(10);
		}
		await sleep(300);
		assert.ok(volumes.length >= 1, 'volumes reported');
		assert.ok(volumes.every((v) => v === -33), JSON.stringify(volumes));
	} finally {
		socket.close();
	}
});
