import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getTransportSequenceNumber, RtpPacket, setTransportSequenceNumber } from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: 16-bit sequence number', () => {
	const p = RtpPacket.parse(hex(`${HDR} bede0001 51 fffe 00`))!;
	assert.equal(getTransportSequenceNumber(p, 5), 0xfffe);
	const q = bare();
	setTransportSequenceNumber(q, 5, 0x10001);
	assert.deepEqual(q.serialize(), hex(`${HDR} bede0001 51 0001 00 abcd`));
	setTransportSequenceNumber(q, 5, 0xbeef);
	assert.equal(getTransportSequenceNumber(q, 5), 0xbeef);
	// Version 02 appends a feedback request; the sequence number is still the first 2 bytes.
	const v2 = RtpPacket.parse(hex(`${HDR} bede0002 53 1234 8001 000000`))!;
	assert.equal(getTransportSequenceNumber(v2, 5), 0x1234);
});
