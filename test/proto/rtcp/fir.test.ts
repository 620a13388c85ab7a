import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FullIntraRequest } from '../../../src/proto/rtcp/fir';
import { randomFir } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// PSFB FMT=4, media source SSRC 0, two FCI entries (SSRC, seq nr, 24 reserved bits).
const FIR = hex('84 ce 00 06 00000001 00000000 12345678 2a 000000 9abcdef0 ff 000000');

test('FIR: FCI entries of SSRC + command sequence number (RFC 5104 4.3.1)', () => {
	const fir = assertRoundTrip(FullIntraRequest.parse, FIR);
	assert.equal(fir.kind, 'fir');
	assert.equal(fir.senderSsrc, 1);
	assert.equal(fir.mediaSsrc, 0, 'RFC 5104 4.3.1.2: SHALL be 0');
	assert.deepEqual(fir.entries, [{ ssrc: 0x12345678, sequenceNumber: 42 }, { ssrc: 0x9abcdef0, sequenceNumber: 255 }]);
});

test('FIR: reserved bits are ignored on read and zero on write (RFC 5104 4.3.1.1)', () => {
	const b = Buffer.from(FIR);
	b[17] = 0xff;
	const fir = FullIntraRequest.parse(b)!;
	assert.equal(fir.entries[0].sequenceNumber, 42);
	assert.deepEqual(fir.serialize(), FIR);
});

test('FIR: malformed input is refused', () => {
	assertRejectsMalformed(FullIntraRequest.parse, FIR);
	assert.equal(FullIntraRequest.parse(hex('84 ce 00 02 00000001 00000000')), undefined, 'no FCI');
	assert.equal(FullIntraRequest.parse(hex('84 ce 00 03 00000001 00000000 12345678')), undefined, 'half an FCI');
});

test('FIR: seeded random packets parse back to what built them', () => {
	const rand = prng(209);
	for (let i = 0; i < 300; i++) {
		const fir = randomFir(rand);
		assert.deepEqual(FullIntraRequest.parse(fir.serialize()), fir);
	}
});
