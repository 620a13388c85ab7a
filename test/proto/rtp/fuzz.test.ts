import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtensionForm, RtpPacket, rtxDecapsulate, rtxEncapsulate } from '../../../src/proto/rtp';
import { classifyPacket } from '../../../src/proto/demux';
import { encodeModel, randomModel } from './generate';
import { Prng } from '../../helpers/prng';

/** Every offset the packet reports lies inside `buffer[0 .. length)`, and they tile it. */
function checkInvariants(p: RtpPacket, input: Buffer): void {
	const len = p.length;
	assert.ok(len >= 12 && len <= p.buffer.length);
	assert.ok(p.headerLength >= 12 && p.headerLength <= len);
	assert.ok(p.payloadOffset >= p.headerLength);
	assert.equal(p.payloadOffset + p.payloadLength + p.paddingLength, len);
	assert.ok(p.payloadLength >= 0 && p.paddingLength >= 0 && p.paddingLength <= 255);
	if (p.extensionForm === ExtensionForm.None) {
		assert.equal(p.payloadOffset, p.headerLength);
	} else {
		assert.equal(p.extensionDataOffset, p.headerLength + 4);
		assert.equal(p.extensionDataOffset + p.extensionDataLength, p.payloadOffset);
	}
	const blockEnd = p.extensionDataOffset + p.extensionDataLength;
	for (let k = 0; k < p.extensionCount; k++) {
		const id = p.extensionIdAt(k);
		const o = p.getExtensionOffset(id);
		assert.ok(id >= 1 && id <= 255);
		assert.ok(o >= p.extensionDataOffset && o + p.getExtensionLength(id) <= blockEnd);
	}
	// Zero copy: the parsed packet is a view of the input.
	assert.equal(p.buffer, input);
}

test('fuzz: 100,000 random and mutated inputs never throw; offsets stay in bounds', () => {
	const rng = new Prng(0xf022);
	const p = new RtpPacket();
	const table = new Uint8Array(256);
	const seeds: Buffer[] = [];
	for (let i = 0; i < 256; i++) seeds.push(encodeModel(randomModel(rng, 40), rng));
	let parsed = 0;
	let mutated = 0;
	const started = Date.now();
	for (let i = 0; i < 100_000; i++) {
		let input: Buffer;
		const kind = i % 4;
		if (kind === 0) {
			// Random bytes, version 2 most of the time so parsing goes deep.
			input = rng.bytes(rng.int(72));
			if (input.length > 0 && rng.int(8) !== 0) input[0] = 0x80 | (input[0] & 0x3f);
		} else {
			const seed = seeds[rng.int(seeds.length)];
			input = Buffer.from(seed);
			const flips = rng.range(1, 4);
			for (let f = 0; f < flips; f++) {
				if (input.length === 0) break;
				const at = rng.int(Math.min(input.length, kind === 1 ? 24 : input.length));
				input[at] = rng.int(3) === 0 ? input[at] ^ (1 << rng.int(8)) : rng.int(256);
			}
			if (kind === 3) input = input.subarray(0, rng.int(input.length + 1));
		}
		classifyPacket(input);
		const r = p.parse(input);
		if (r === undefined) continue;
		parsed++;
		checkInvariants(p, input);
		if ((i & 3) === 1) {
			// Mutations on whatever parsed must keep the packet well formed.
			mutated++;
			for (let k = 1; k < 256; k++) table[k] = rng.int(4) === 0 ? 0 : rng.range(1, 255);
			p.remapExtensionIds(table);
			if (p.extensionForm !== ExtensionForm.Other) p.reserveExtension(rng.range(1, 255), rng.int(24));
			if (p.extensionCount > 0) p.removeExtension(p.extensionIdAt(0));
			rtxEncapsulate(p, 1, 2, 3);
			rtxDecapsulate(p, 4, 5);
			const again = RtpPacket.parse(Buffer.from(p.serialize()));
			assert.ok(again, `mutated packet ${i} re-parses`);
		}
	}
	const ms = Date.now() - started;
	assert.ok(parsed > 20_000, `only ${parsed} inputs parsed`);
	assert.ok(mutated > 1_000);
	assert.ok(ms < 10_000, `fuzz took ${ms} ms`);
});
