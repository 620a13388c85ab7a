import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationDefined } from '../../../src/proto/rtcp/app';
import { randomApp } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// From pion's captured compound (packet_test.go): name 'NAME', data 'ABCD'.
const APP = hex('80 cc 00 03 4b aa e1 ab 4e 41 4d 45 41 42 43 44');

test('APP: subtype, SSRC, name and data (RFC 3550 6.7)', () => {
	const app = assertRoundTrip(ApplicationDefined.parse, APP);
	assert.equal(app.kind, 'app');
	assert.equal(app.subtype, 0);
	assert.equal(app.ssrc, 0x4baae1ab);
	assert.equal(app.name, 'NAME');
	assert.deepEqual(Buffer.from(app.data), Buffer.from('ABCD'));
	const sub = assertRoundTrip(ApplicationDefined.parse, hex('9f cc 00 02 00000001 ff 00 80 7f'));
	assert.equal(sub.subtype, 31);
	assert.equal(sub.name, '\xff\x00\x80\x7f', 'any four octets survive');
	assert.equal(sub.data.length, 0);
});

test('APP: malformed input is refused', () => {
	assertRejectsMalformed(ApplicationDefined.parse, APP);
	assert.equal(ApplicationDefined.parse(hex('80 cc 00 01 00000001')), undefined, 'no name');
	assert.throws(() => new ApplicationDefined({ name: 'TOOLONG' }).serialize(), RangeError);
});

test('APP: seeded random packets parse back to what built them', () => {
	const rand = prng(204);
	for (let i = 0; i < 500; i++) {
		const app = randomApp(rand);
		assert.deepEqual(ApplicationDefined.parse(app.serialize()), app);
	}
});
