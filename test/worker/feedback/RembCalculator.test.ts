import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Remb } from '../../../src/proto/rtcp/remb';
import { RembCalculator } from '../../../src/worker/feedback/RembCalculator';

test('REMB: incoming bitrate with headroom, capped by setMaxIncomingBitrate', () => {
	const r = new RembCalculator({ headroom: 0.5 });
	for (let t = 0; t < 1000; t += 10) r.onPacket(1250, t); // 1 Mbps
	assert.equal(r.getIncomingBitrate(999), 1000000);
	assert.equal(r.getEstimate(999), 1500000);
	r.setMaxIncomingBitrate(800000);
	assert.equal(r.getEstimate(999), 800000);
	r.setMaxIncomingBitrate(0);
	assert.equal(r.getEstimate(999), 1500000, '0 removes the cap');
	assert.equal(r.getEstimate(10000), 30000, 'silence: the floor, so the sender can start');
});

test('REMB packets: due at the interval or on a drop; serialized through proto/rtcp', () => {
	const r = new RembCalculator({ maxIncomingBitrate: 600000 });
	for (let t = 0; t < 1000; t += 10) r.onPacket(1250, t);
	const remb = r.onTimer(999, 0x1234, [111, 222])!;
	assert.equal(remb.bitrate, 600000);
	const parsed = Remb.parse(remb.serialize())!;
	assert.deepEqual(parsed.ssrcs, [111, 222]);
	assert.ok(parsed.bitrate <= 600000 && parsed.bitrate > 599000, 'mantissa/exponent rounds down');
	assert.equal(r.onTimer(1500, 0x1234, [111]), undefined, 'not due, no drop');
	// Traffic stops: the estimate falls well below what was sent: early REMB.
	const early = r.onTimer(1800, 0x1234, [111]);
	assert.ok(early && early.bitrate < 600000);
});
