/**
 * AudioLevelMeter: the arithmetic of the AudioLevelObserver (mediasoup's rules),
 * driven with RFC 6464 levels (-dBov, 0 = loudest, 127 = silence, §3).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { AudioLevelMeter, MIN_PACKETS_PER_INTERVAL } from '../../../src/worker/audio/AudioLevelMeter';

function feed(meter: AudioLevelMeter, id: string, levels: number[]): void {
	for (const level of levels) {
		meter.addLevel(id, level);
	}
}

const repeat = (level: number, n = 50): number[] => new Array<number>(n).fill(level);

test('volumes: per-producer average of the interval, as dBov, loudest first', () => {
	const meter = new AudioLevelMeter(10, -80);

	meter.addProducer('a');
	meter.addProducer('b');
	meter.addProducer('c');
	feed(meter, 'a', [...repeat(30, 25), ...repeat(40, 25)]); // mean 35
	feed(meter, 'b', repeat(10)); // loudest
	feed(meter, 'c', repeat(79)); // just above -80
	assert.deepEqual(meter.update(), {
		event: 'volumes',
		volumes: [
			{ producerId: 'b', volume: -10 },
			{ producerId: 'a', volume: -35 },
			{ producerId: 'c', volume: -79 },
		],
	});
});

test('volumes: the mean is truncated in -dBov (toward loud), as mediasoup', () => {
	const meter = new AudioLevelMeter(1, -127);

	meter.addProducer('a');
	feed(meter, 'a', [...repeat(20, 10), ...repeat(21, 10)]); // 20.5
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'a', volume: -20 }] });
	feed(meter, 'a', [...repeat(20, 1), ...repeat(21, 9)]); // 20.9
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'a', volume: -20 }] });
});

test('threshold is inclusive (volume >= threshold); below it is left out', () => {
	const meter = new AudioLevelMeter(5, -50);

	meter.addProducer('at');
	meter.addProducer('below');
	feed(meter, 'at', repeat(50));
	feed(meter, 'below', repeat(51));
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'at', volume: -50 }] });
});

test('maxEntries keeps only the loudest; equal volumes are all kept, in order of addition', () => {
	const meter = new AudioLevelMeter(2, -127);

	for (const id of ['a', 'b', 'c', 'd']) {
		meter.addProducer(id);
	}
	feed(meter, 'a', repeat(60));
	feed(meter, 'b', repeat(20));
	feed(meter, 'c', repeat(40));
	feed(meter, 'd', repeat(30));
	assert.deepEqual(meter.update(), {
		event: 'volumes',
		volumes: [
			{ producerId: 'b', volume: -20 },
			{ producerId: 'd', volume: -30 },
		],
	});

	const tie = new AudioLevelMeter(3, -127);

	for (const id of ['x', 'y', 'z']) {
		tie.addProducer(id);
	}
	feed(tie, 'z', repeat(25));
	feed(tie, 'y', repeat(25));
	feed(tie, 'x', repeat(25));
	assert.deepEqual(tie.update(), {
		event: 'volumes',
		volumes: ['x', 'y', 'z'].map((producerId) => ({ producerId, volume: -25 })),
	});
});

test(`a producer with fewer than ${MIN_PACKETS_PER_INTERVAL} packets in the interval is not reported`, () => {
	const meter = new AudioLevelMeter(5, -127);

	meter.addProducer('few');
	meter.addProducer('enough');
	feed(meter, 'few', repeat(0, MIN_PACKETS_PER_INTERVAL - 1));
	feed(meter, 'enough', repeat(90, MIN_PACKETS_PER_INTERVAL));
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'enough', volume: -90 }] });
});

test('silence once when nobody is above the threshold, not repeated until volumes again', () => {
	const meter = new AudioLevelMeter(1, -60);

	meter.addProducer('a');
	// Nothing was ever loud: no silence at start (the observer starts silent).
	assert.equal(meter.update(), undefined);
	feed(meter, 'a', repeat(20));
	assert.equal(meter.update()?.event, 'volumes');
	feed(meter, 'a', repeat(100));
	assert.deepEqual(meter.update(), { event: 'silence' });
	feed(meter, 'a', repeat(100));
	assert.equal(meter.update(), undefined);
	assert.equal(meter.update(), undefined);
	feed(meter, 'a', repeat(0));
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'a', volume: 0 }] });
	assert.deepEqual(meter.update(), { event: 'silence' });
});

test('every interval starts from zero', () => {
	const meter = new AudioLevelMeter(1, -127);

	meter.addProducer('a');
	feed(meter, 'a', repeat(0));
	meter.update();
	feed(meter, 'a', repeat(100));
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'a', volume: -100 }] });
});

test('a paused producer counts nothing (its partial interval is dropped); resumed, it counts again', () => {
	const meter = new AudioLevelMeter(5, -127);

	meter.addProducer('a');
	meter.addProducer('b', true);
	feed(meter, 'a', repeat(10));
	feed(meter, 'b', repeat(10));
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'a', volume: -10 }] });

	feed(meter, 'a', repeat(10));
	meter.setProducerPaused('a', true);
	feed(meter, 'a', repeat(10));
	meter.setProducerPaused('b', false);
	feed(meter, 'b', repeat(30));
	assert.deepEqual(meter.update(), { event: 'volumes', volumes: [{ producerId: 'b', volume: -30 }] });
});

test('a removed producer is forgotten; unknown producers are ignored', () => {
	const meter = new AudioLevelMeter(5, -127);

	meter.addProducer('a');
	feed(meter, 'a', repeat(10));
	feed(meter, 'ghost', repeat(10));
	meter.removeProducer('a');
	assert.equal(meter.has('a'), false);
	assert.equal(meter.update(), undefined);
});

test('pausing the observer drops the interval and says silence if volumes were last', () => {
	const meter = new AudioLevelMeter(1, -127);

	meter.addProducer('a');
	assert.equal(meter.pause(), undefined);
	feed(meter, 'a', repeat(10));
	meter.update();
	feed(meter, 'a', repeat(10));
	assert.deepEqual(meter.pause(), { event: 'silence' });
	assert.equal(meter.update(), undefined);
});
