import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	encodeVideoOrientation,
	getVideoOrientation,
	RtpPacket,
	setVideoOrientation,
	videoOrientationBackCamera,
	videoOrientationFlip,
	videoOrientationRotation,
} from '../../../src/proto/rtp';
import { bare, HDR, hex } from './helpers';

test('3GPP TS 26.114 §7.4.5: 0 0 0 0 C F R1 R0', () => {
	// C=1 F=0 R1R0=01 (90 degrees).
	const p = RtpPacket.parse(hex(`${HDR} bede0001 40 09 0000`))!;
	const v = getVideoOrientation(p, 4)!;
	assert.equal(videoOrientationBackCamera(v), true);
	assert.equal(videoOrientationFlip(v), false);
	assert.equal(videoOrientationRotation(v), 90);
	assert.equal(encodeVideoOrientation(false, true, 270), 0x07);
	assert.equal(encodeVideoOrientation(true, false, 180), 0x0a);
	assert.throws(() => encodeVideoOrientation(false, false, 45), RangeError);
	const q = bare();
	setVideoOrientation(q, 4, encodeVideoOrientation(false, true, 180));
	assert.deepEqual(q.serialize(), hex(`${HDR} bede0001 40 06 0000 abcd`));
	assert.equal(getVideoOrientation(q, 5), undefined);
});
