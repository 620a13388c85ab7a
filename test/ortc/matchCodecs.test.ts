import { test } from 'node:test';
import assert from 'node:assert/strict';

import { UnsupportedError } from '../../src/api/errors';
import * as ortc from '../../src/ortc';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

test('isRtxCodec() recognises RTX MIME types in any case', () => {
	assert.equal(ortc.isRtxCodec({ mimeType: 'video/rtx' }), true);
	assert.equal(ortc.isRtxCodec({ mimeType: 'audio/RTX' }), true);
	assert.equal(ortc.isRtxCodec({ mimeType: 'video/VP8' }), false);
	assert.equal(ortc.isRtxCodec({ mimeType: 'rtx' }), false);
});

test('matchCodecs() compares MIME type case-insensitively, clock rate and channels', () => {
	const opus = { mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: {} };

	assert.equal(ortc.matchCodecs(opus, { ...opus, mimeType: 'AUDIO/OPUS' }), true);
	assert.equal(ortc.matchCodecs(opus, { ...opus, clockRate: 16000 }), false);
	assert.equal(ortc.matchCodecs(opus, { ...opus, channels: 1 }), false);
	assert.equal(ortc.matchCodecs(opus, { ...opus, mimeType: 'audio/multiopus' }), false);
});

test('matchCodecs() H264 rules only apply when strict (RFC 6184 section 8.1)', () => {
	const a = { mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } };
	const mode0 = { mimeType: 'video/H264', clockRate: 90000, parameters: { 'profile-level-id': '42e01f' } };
	const main = { mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '4d001f' } };

	assert.equal(ortc.matchCodecs(a, mode0), true);
	assert.equal(ortc.matchCodecs(a, main), true);
	assert.equal(ortc.matchCodecs(a, mode0, { strict: true }), false);
	assert.equal(ortc.matchCodecs(a, main, { strict: true }), false);

	// packetization-mode absent equals 0.
	assert.equal(
		ortc.matchCodecs(mode0, { ...mode0, parameters: { 'packetization-mode': 0, 'profile-level-id': '42e01f' } }, { strict: true }),
		true,
	);

	// modify rewrites only the first codec, and only with strict.
	const high = { mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e034' } };

	assert.equal(ortc.matchCodecs(high, a, { modify: true }), true);
	assert.equal(high.parameters['profile-level-id'], '42e034');
	assert.equal(ortc.matchCodecs(high, a, { strict: true, modify: true }), true);
	assert.equal(high.parameters['profile-level-id'], '42e01f');
	assert.equal(a.parameters['profile-level-id'], '42e01f');
});

test('matchCodecs() multiopus needs the same stream counts even when not strict', () => {
	const m = { mimeType: 'audio/multiopus', clockRate: 48000, channels: 6, parameters: { num_streams: 4, coupled_streams: 2 } };

	assert.equal(ortc.matchCodecs(m, { ...m, parameters: { num_streams: 4, coupled_streams: 2, channel_mapping: 'x' } }), true);
	assert.equal(ortc.matchCodecs(m, { ...m, parameters: { num_streams: 3, coupled_streams: 2 } }), false);
	assert.equal(ortc.matchCodecs(m, { ...m, parameters: { num_streams: 4, coupled_streams: 1 } }), false);
});

// Seeded xorshift so failures reproduce.
function prng(seed: number): () => number {
	let x = seed >>> 0 || 1;

	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 0x100000000;
	};
}

test('fuzz: validators and router generation only throw their documented errors', () => {
	const rnd = prng(0xb07f);
	const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
	const scalars: unknown[] = [undefined, null, 0, 1, 96, 127, -1, 'x', '', true, false, [], {}, 'audio', 'video/VP8', 'audio/opus', 90000, 48000, NaN];
	const v = (): unknown => pick(scalars);

	for (let i = 0; i < 3000; ++i) {
		const codec: Any = {
			kind: v(),
			mimeType: pick([v(), 'audio/opus', 'video/VP8', 'video/H264', 'video/rtx', 'audio/PCMU']),
			preferredPayloadType: v(),
			payloadType: pick([v(), 100]),
			clockRate: pick([v(), 90000, 48000, 8000]),
			channels: pick([v(), 2]),
			parameters: pick([v(), { apt: v(), 'profile-level-id': pick(['42e01f', 'zz', v()]), 'packetization-mode': v() }]),
			rtcpFeedback: pick([v(), [{ type: v(), parameter: v() }], [v()]]),
		};
		const hdr: Any = { kind: v(), uri: v(), preferredId: v(), preferredEncrypt: v(), direction: v(), id: v(), encrypt: v(), parameters: pick([v(), { a: v() }]) };
		const enc: Any = { ssrc: v(), rid: v(), rtx: pick([v(), { ssrc: v() }]), dtx: v(), scalabilityMode: v(), maxBitrate: v() };

		const calls: [string, () => void, Function[]][] = [
			['caps', () => ortc.validateRtpCapabilities(pick([v(), { codecs: pick([v(), [codec]]), headerExtensions: pick([v(), [hdr]]) }]) as Any), [TypeError]],
			[
				'params',
				() => ortc.validateRtpParameters(pick([v(), { mid: v(), codecs: pick([v(), [codec]]), headerExtensions: pick([v(), [hdr]]), encodings: pick([v(), [enc]]), rtcp: pick([v(), { cname: v(), reducedSize: v() }]) }]) as Any),
				[TypeError],
			],
			['sctp', () => ortc.validateSctpStreamParameters(pick([v(), { streamId: v(), ordered: v(), maxPacketLifeTime: v(), maxRetransmits: v() }]) as Any), [TypeError]],
			['router', () => ortc.generateRouterRtpCapabilities(pick([v(), [structuredClone(codec)], [structuredClone(codec), structuredClone(codec)]]) as Any), [TypeError, UnsupportedError]],
		];

		for (const [name, call, allowed] of calls) {
			try {
				call();
			} catch (error) {
				assert.ok(
					allowed.some((cls) => error instanceof cls),
					`${name} threw ${(error as Error).name}: ${(error as Error).message} (iteration ${i})`,
				);
			}
		}
	}
});
