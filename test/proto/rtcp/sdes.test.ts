import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SDES_CNAME, SDES_TOOL, SdesChunk, SdesItem, SourceDescription } from '../../../src/proto/rtcp/sdes';
import { randomSdes } from './generators';
import { assertRejectsMalformed, assertRoundTrip, hex, prng } from './helpers';

// SDES from a Firefox capture (pion packet_test.go "realPacket"): a 38-octet CNAME ends exactly on
// a 32-bit boundary, so a whole word of null octets follows (RFC 3550 6.5).
const SDES_CAPTURED = hex(`
	81 ca 00 0c  90 2f 9e 2e  01 26
	7b 39 63 30 30 65 62 39 32 2d 31 61 66 62 2d 39 64 34 39 2d
	61 34 37 64 2d 39 31 66 36 34 65 65 65 36 39 66 35 7d
	00 00 00 00
`);

test('SDES: captured CNAME chunk (RFC 3550 6.5.1)', () => {
	const sdes = assertRoundTrip(SourceDescription.parse, SDES_CAPTURED);
	assert.equal(sdes.kind, 'sdes');
	assert.equal(sdes.chunks.length, 1);
	assert.equal(sdes.chunks[0].ssrc, 0x902f9e2e);
	assert.equal(sdes.chunks[0].cname, '{9c00eb92-1afb-9d49-a47d-91f64eee69f5}');
	assert.deepEqual(SourceDescription.cname(0x902f9e2e, '{9c00eb92-1afb-9d49-a47d-91f64eee69f5}').serialize(), SDES_CAPTURED);
});

test('SDES: null octets pad each chunk to 32 bits (RFC 3550 6.5)', () => {
	// CNAME "ab": 4 + 2 + 2 = 8 octets, so 4 null octets; then TOOL "x" + CNAME "" in a second chunk.
	const b = hex('82 ca 00 06  00000001 01 02 6162 00000000  00000002 06 01 78 01 00 00 00 00');
	const sdes = assertRoundTrip(SourceDescription.parse, b);
	assert.equal(sdes.chunks[0].cname, 'ab');
	assert.equal(sdes.chunks[1].items[0].type, SDES_TOOL);
	assert.equal(sdes.chunks[1].items[0].text, 'x');
	assert.equal(sdes.chunks[1].cname, '');
	// An empty SDES (SC=0) is valid.
	assert.equal(assertRoundTrip(SourceDescription.parse, hex('80 ca 00 00')).chunks.length, 0);
	// UTF-8 text survives.
	const utf = new SourceDescription({ chunks: [new SdesChunk(7, [SdesItem.fromText(SDES_CNAME, 'çé✓')])] });
	assert.equal(SourceDescription.parse(utf.serialize())!.chunks[0].cname, 'çé✓');
});

test('SDES: malformed input is refused', () => {
	assertRejectsMalformed(SourceDescription.parse, SDES_CAPTURED);
	assert.equal(SourceDescription.parse(hex('81 ca 00 02 00000001 01 05 616263 00')), undefined, 'item past the end');
	assert.equal(SourceDescription.parse(hex('81 ca 00 02 00000001 01 01 61 00 00 07')), undefined, 'non-null pad octet');
	assert.equal(SourceDescription.parse(hex('81 ca 00 02 00000001 01 02 6162 0000')), undefined, 'no null item before the boundary');
	assert.equal(SourceDescription.parse(hex('82 ca 00 02 00000001 01 01 61 00')), undefined, 'SC larger than the chunks');
	assert.equal(SourceDescription.parse(hex('81 ca 00 03 00000001 01 01 61 00 00000002')), undefined, 'bytes after the last chunk');
});

test('SDES: seeded random packets parse back to what built them', () => {
	const rand = prng(202);
	for (let i = 0; i < 500; i++) {
		const sdes = randomSdes(rand);
		assert.deepEqual(SourceDescription.parse(sdes.serialize()), sdes);
	}
});
