/**
 * The engine RTP observers on their own (a stand-in router and channel, real
 * timers): RTP packets with the RFC 6464 ssrc-audio-level extension (at the
 * router's id) in, 'volumes' / 'silence' / 'dominantspeaker' notifications out.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RtpPacket, setAudioLevel } from '../../../src/proto/rtp';
import type { Router } from '../../../src/worker/engine/Router';
import type { EngineProducer, EngineRtpObserver } from '../../../src/worker/engine/types';
import {
	ActiveSpeakerObserver,
	AudioLevelObserver,
	RtpObserver,
	createRtpObserver,
} from '../../../src/worker/engine/rtpObservers';
import { ROUTER_AUDIO_LEVEL_ID } from '../../../src/worker/engine/rtpObservers/RtpObserver';

type Notification = { t: number; event: string; data: any };

class FakeChannel {
	readonly handlers = new Map<string, unknown>();
	readonly notifications: Notification[] = [];
	readonly t0 = performance.now();

	has(id: string): boolean {
		return this.handlers.has(id);
	}

	register(id: string, handler: unknown): void {
		this.handlers.set(id, handler);
	}

	unregister(id: string): void {
		this.handlers.delete(id);
	}

	emit(_targetId: string, event: string, data?: unknown): void {
		this.notifications.push({ t: performance.now() - this.t0, event, data });
	}
}

class FakeProducer implements EngineProducer {
	readonly kind: 'audio' | 'video';
	paused = false;
	seq = 0;

	constructor(readonly id: string, kind: 'audio' | 'video' = 'audio') {
		this.kind = kind;
	}
}

function fakeRouter(producers: FakeProducer[]): { router: Router; channel: FakeChannel } {
	const channel = new FakeChannel();
	const byId = new Map(producers.map((p) => [p.id, p]));
	const router = {
		ctx: { channel },
		getProducer: (id: string) => byId.get(id),
		addProducerToObserver: (_o: EngineRtpObserver, id: string) => byId.get(id),
		removeProducerFromObserver: () => {},
	};

	return { router: router as unknown as Router, channel };
}

/** An Opus-like packet with the audio level (-dBov) at the router's extension id. */
function packet(producer: FakeProducer, level: number | undefined): RtpPacket {
	const p = RtpPacket.create({ payloadType: 100, sequenceNumber: producer.seq++, timestamp: producer.seq * 960, ssrc: 1234, payload: Buffer.alloc(20), capacity: 8 });

	if (level !== undefined) {
		setAudioLevel(p, ROUTER_AUDIO_LEVEL_ID, level, level < 127);
	}

	return p;
}

/** Room noise from everyone before A starts (a live microphone is never digital silence). */
const LEAD_IN = 300;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function add(observer: EngineRtpObserver, producerId: string): void {
	observer.handleRequest('rtpObserver.addProducer', { producerId });
}

function send(observer: RtpObserver, producer: FakeProducer, levels: number[]): void {
	for (const level of levels) {
		observer.receiveRtpPacket(producer.id, packet(producer, level));
	}
}

const repeat = (level: number, n = 20): number[] => new Array<number>(n).fill(level);

async function until(channel: FakeChannel, count: number, timeoutMs = 3000): Promise<void> {
	const start = performance.now();

	while (channel.notifications.length < count) {
		if (performance.now() - start > timeoutMs) {
			throw new Error(`timed out waiting for ${count} notifications: ${JSON.stringify(channel.notifications)}`);
		}
		await sleep(10);
	}
}

test('AudioLevelObserver: volumes follow the packets of each interval exactly, then silence once', async () => {
	const [a, b, c, v] = [new FakeProducer('a'), new FakeProducer('b'), new FakeProducer('c'), new FakeProducer('v', 'video')];
	const { router, channel } = fakeRouter([a, b, c, v]);
	const alo = createRtpObserver('AudioLevelObserver', 'alo', { maxEntries: 2, threshold: -70, interval: 250 }, router) as AudioLevelObserver;

	try {
		assert.throws(() => add(alo, 'v'), TypeError);
		for (const p of [a, b, c]) {
			add(alo, p.id);
		}
		// Right after creation: all of this lands in the first interval.
		send(alo, a, [...repeat(30, 10), ...repeat(50, 10)]); // -40
		send(alo, b, repeat(20)); // -20, loudest
		send(alo, c, repeat(60)); // -60, third: cut by maxEntries
		// Packets without the extension count for nothing.
		for (let i = 0; i < 30; i++) {
			alo.receiveRtpPacket(c.id, packet(c, undefined));
		}
		await until(channel, 1);
		assert.deepEqual(channel.notifications[0].event, 'volumes');
		assert.deepEqual(channel.notifications[0].data, [
			{ producerId: 'b', volume: -20 },
			{ producerId: 'a', volume: -40 },
		]);

		// Below the threshold (-71) is silence, said once.
		send(alo, a, repeat(71));
		await until(channel, 2);
		assert.equal(channel.notifications[1].event, 'silence');
		await sleep(600);
		assert.equal(channel.notifications.length, 2);
		const period = channel.notifications[1].t - channel.notifications[0].t;

		assert.ok(period > 200 && period < 400, `period ${period} ms`);
	} finally {
		alo.close();
	}
});

test('AudioLevelObserver: paused producer and paused observer stop counting; close stops the timer', async () => {
	const [a, b] = [new FakeProducer('a'), new FakeProducer('b')];
	const { router, channel } = fakeRouter([a, b]);
	const alo = createRtpObserver('AudioLevelObserver', 'alo', { maxEntries: 5, threshold: -127, interval: 250 }, router) as AudioLevelObserver;

	add(alo, 'a');
	add(alo, 'b');
	alo.producerPaused('a');
	send(alo, a, repeat(10));
	send(alo, b, repeat(40));
	await until(channel, 1);
	assert.deepEqual(channel.notifications[0].data, [{ producerId: 'b', volume: -40 }]);

	alo.producerResumed('a');
	send(alo, a, repeat(10));
	// The observer pauses mid-interval: the interval is dropped, silence said at once.
	alo.handleRequest('rtpObserver.pause', undefined);
	assert.equal(alo.paused, true);
	assert.equal(channel.notifications.length, 2);
	assert.equal(channel.notifications[1].event, 'silence');
	send(alo, a, repeat(10));
	await sleep(400);
	assert.equal(channel.notifications.length, 2);

	alo.handleRequest('rtpObserver.resume', undefined);
	send(alo, a, repeat(10));
	await until(channel, 3);
	assert.deepEqual(channel.notifications[2].data, [{ producerId: 'a', volume: -10 }]);

	// A removed producer is forgotten; close ends everything.
	alo.handleRequest('rtpObserver.removeProducer', { producerId: 'a' });
	send(alo, a, repeat(10));
	send(alo, b, repeat(10));
	alo.close();
	await sleep(400);
	assert.equal(channel.notifications.length, 3);
	assert.equal(channel.handlers.has('alo'), false);
});

test('AudioLevelObserver: the interval is clamped to 250..5000 ms as mediasoup', () => {
	const { router } = fakeRouter([]);
	const low = createRtpObserver('AudioLevelObserver', 'l', { maxEntries: 1, threshold: -80, interval: 10 }, router) as AudioLevelObserver;
	const high = createRtpObserver('AudioLevelObserver', 'h', { maxEntries: 1, threshold: -80, interval: 60000 }, router) as AudioLevelObserver;
	const aso = createRtpObserver('ActiveSpeakerObserver', 'a', { interval: 1 }, router) as ActiveSpeakerObserver;

	assert.equal(low.interval, 250);
	assert.equal(high.interval, 5000);
	assert.equal(aso.interval, 100);
	low.close();
	high.close();
	aso.close();
});

test('ActiveSpeakerObserver in real time: A talks 3 s, B coughs 0.2 s, C talks 3 s -> A then C, never B', async () => {
	const [A, B, C] = [new FakeProducer('A'), new FakeProducer('B'), new FakeProducer('C')];
	const { router, channel } = fakeRouter([A, B, C]);
	const aso = createRtpObserver('ActiveSpeakerObserver', 'aso', { interval: 300 }, router) as ActiveSpeakerObserver;

	try {
		// Joined in an order that puts the cougher first.
		for (const id of ['B', 'A', 'C']) {
			add(aso, id);
		}

		const start = performance.now();
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

				send(aso, A, [s >= 0 && s < 3000 ? talk : quiet]);
				send(aso, B, [s >= 3000 && s < 3200 ? talk : quiet]);
				send(aso, C, [s >= 3200 && s < 6200 ? talk : quiet]);
			}, 20);
		});

		const events = channel.notifications.filter((n) => n.event === 'dominantspeaker');

		assert.deepEqual(
			events.map((n) => n.data.producerId),
			['A', 'C'],
			JSON.stringify(channel.notifications),
		);
		assert.ok(events[0].t > LEAD_IN && events[0].t - LEAD_IN <= 1500, `A ${events[0].t - LEAD_IN} ms after it began`);
		assert.ok(events[1].t > LEAD_IN + 3200 && events[1].t - LEAD_IN - 3200 <= 1500, `C ${events[1].t - LEAD_IN - 3200} ms after it began`);
		console.log(`# real time: A named ${Math.round(events[0].t - LEAD_IN)} ms after it began, C ${Math.round(events[1].t - LEAD_IN - 3200)} ms`);

		// Removing the dominant speaker: nobody speaks, so nobody is named.
		aso.handleRequest('rtpObserver.removeProducer', { producerId: 'C' });
		assert.equal(aso.dominantProducerId, undefined);
		assert.throws(() => add(aso, 'A'), /already/);
	} finally {
		aso.close();
	}
	const count = channel.notifications.length;

	await sleep(400);
	assert.equal(channel.notifications.length, count, 'no decisions after close');
});

test('ActiveSpeakerObserver: a lone producer is named at the first decision; paused observer decides nothing', async () => {
	const [A] = [new FakeProducer('A')];
	const { router, channel } = fakeRouter([A]);
	const aso = createRtpObserver('ActiveSpeakerObserver', 'aso', { interval: 100 }, router) as ActiveSpeakerObserver;

	try {
		aso.handleRequest('rtpObserver.pause', undefined);
		add(aso, 'A');
		await sleep(250);
		assert.equal(channel.notifications.length, 0);
		aso.handleRequest('rtpObserver.resume', undefined);
		await until(channel, 1);
		assert.deepEqual(channel.notifications[0], { ...channel.notifications[0], event: 'dominantspeaker', data: { producerId: 'A' } });
		await sleep(250);
		assert.equal(channel.notifications.length, 1, 'said once');
	} finally {
		aso.close();
	}
});
