import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTransmissionOffset, RtpPacket, setTransmissionOffset } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('RFC 5450 §3: 24-bit signed transmission offset', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0001 22 fffffe`))!;
	assert.equal(getTransmissionOffset(p, 2), -2);
	const q = RtpPacket.parse(hex(`${HDR} bede0001 22 7fffff`))!;
	assert.equal(getTransmissionOffset(q, 2), 0x7fffff);
	const r = bare();
	setTransmissionOffset(r, 2, -0x800000);
	assert.deepEqual(r.serialize(), hex(`${HDR} bede0001 22 800000 abcd`));
	assert.equal(getTransmissionOffset(r, 2), -0x800000);
	setTransmissionOffset(r, 2, 1000);
	assert.equal(getTransmissionOffset(r, 2), 1000);
	assert.throws(() => setTransmissionOffset(r, 2, 0x800000), RangeError);
});
