import { test } from 'node:test';
import * as assert from 'node:assert/strict';

import { isOpusDtx, parseOpusToc } from '../../../src/proto/codecs/opus.js';
import { fuzz, guarded, hex } from './helpers.js';

test('RFC 6716 §3.1: TOC byte config, mode, stereo and frame size', () => {
	// config 1 (SILK NB 20 ms), mono, code 0.
	let t = parseOpusToc(hex('08 aa'));

	assert.deepEqual(t, { config: 1, mode: 'silk', stereo: false, code: 0, frameCount: 1, frameDurationUs: 20000 });

	// config 13 (hybrid FB 20 ms), stereo, code 1.
	t = parseOpusToc(hex('6d aa aa'));
	assert.equal(t?.mode, 'hybrid');
	assert.equal(t?.stereo, true);
	assert.equal(t?.frameCount, 2);
	assert.equal(t?.frameDurationUs, 20000);

	// config 31 (CELT FB 20 ms) — what browsers send: TOC 0xfc (code 0, stereo).
	t = parseOpusToc(hex('fc ff fe'));
	assert.equal(t?.mode, 'celt');
	assert.equal(t?.config, 31);
	assert.equal(t?.stereo, true);
	assert.equal(t?.frameDurationUs, 20000);

	// config 16 (CELT NB 2.5 ms), code 3 with 48 frames = 120 ms (R5 limit).
	assert.equal(parseOpusToc(hex('83 30'))?.frameCount, 48);
});

test('RFC 6716 §3.2.5: code 3 frame count of 0 or over 120 ms is invalid', () => {
	assert.equal(parseOpusToc(hex('83 00')), undefined);
	assert.equal(parseOpusToc(hex('83 31')), undefined);
	// 20 ms SILK x 7 = 140 ms.
	assert.equal(parseOpusToc(hex('0b 07')), undefined);
	assert.equal(parseOpusToc(hex('0b')), undefined);
	assert.equal(parseOpusToc(new Uint8Array(0)), undefined);
});

test('DTX: 1-2 byte packets (TOC with no / an empty frame) are DTX; audio is not', () => {
	assert.equal(isOpusDtx(hex('f8')), true);
	assert.equal(isOpusDtx(hex('fc')), true);
	assert.equal(isOpusDtx(hex('78 00')), true);
	assert.equal(isOpusDtx(hex('fc ff fe')), false);
	assert.equal(isOpusDtx(hex('f8 0b 2c 95 ff')), false);
	// Code 1 (two equal frames) and code 2 with data.
	assert.equal(isOpusDtx(hex('f9 aa bb')), false);
	assert.equal(isOpusDtx(hex('fa 01 aa bb')), false);
	assert.equal(isOpusDtx(new Uint8Array(0)), undefined);
});

test('DTX, RFC 6716 §3.2.5: code 3 packets whose frames are all empty', () => {
	// CBR, 2 frames, padded (P=1): padding length byte 2, then the 2 padding bytes, no frame data.
	assert.equal(isOpusDtx(hex('fb 42 02 00 00')), true);
	// CBR, 2 frames with 2 data bytes.
	assert.equal(isOpusDtx(hex('fb 02 aa bb')), false);
	// VBR, 3 frames, lengths 0, 0, last takes the rest (none).
	assert.equal(isOpusDtx(hex('fb 83 00 00')), true);
	assert.equal(isOpusDtx(hex('fb 83 00 01 aa')), false);
	// VBR lengths missing.
	assert.equal(isOpusDtx(hex('fb 83 00')), undefined);
	// Padding length runs past the end (255 means 254 more and another length byte).
	assert.equal(isOpusDtx(hex('fb 42 ff')), undefined);
});

test('fuzz: 100,000 random and mutated packets, no throw, no out-of-range access', () => {
	const seeds = [hex('fb 42 02 00 00'), hex('fb 83 00 00'), hex('fc ff fe'), hex('f8')];
	const n = fuzz(0x6716, 100_000, seeds, (b) => {
		const t = parseOpusToc(b);
		const dtx = isOpusDtx(b);

		assert.ok(dtx === undefined ? b.length === 0 || (b[0] & 3) === 3 : typeof dtx === 'boolean');

		if (b.length > 0 && b.length <= 2) {
			assert.equal(dtx, true);
		}

		return t;
	});

	assert.ok(n > 50_000);
	assert.equal(isOpusDtx(guarded(hex('fb 83 00 00'))), true);
});
