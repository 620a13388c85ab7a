/**
 * v1 <-> v3 RTP dictionaries: codec `name` + `kind` vs `mimeType`, `muxId`
 * vs `mid`, `encodingId` vs `rid`, `numChannels` vs `channels`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { matchCodecs } from '../../src/ortc/ortc';
import { rtp } from '../../src/v1';

test('toV3MediaCodecs(): v1 names (and early v1 "audio/opus"), v3 mimeTypes, RTX dropped', () => {
	assert.deepEqual(
		rtp.toV3MediaCodecs([
			{ kind: 'audio', name: 'opus', clockRate: 48000, numChannels: 2, payloadType: 100, parameters: { useinbandfec: 1 } },
			{ kind: '', name: 'video/VP8', clockRate: 90000 },
			{ kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1 } },
			{ kind: 'video', name: 'rtx', clockRate: 90000 },
		]),
		[
			{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } },
			{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
			{ kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1 } },
		],
	);
	assert.throws(() => rtp.toV3MediaCodecs([{ name: 'opus', clockRate: 48000 }]), TypeError);
	assert.throws(() => rtp.toV3MediaCodecs([{ kind: 'audio', clockRate: 48000 } as any]), TypeError);
	assert.throws(() => rtp.toV3MediaCodecs({} as any), TypeError);
});

test('capabilities: v1 -> v3 -> v1 keeps names, kinds and ids; an empty kind means both', () => {
	const v3 = rtp.toV3Capabilities({
		codecs: [{ kind: 'audio', name: 'opus', clockRate: 48000, numChannels: 2, preferredPayloadType: 111 }],
		headerExtensions: [{ kind: '', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 }],
		fecMechanisms: [],
	});

	assert.deepEqual(v3, {
		codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2 }],
		headerExtensions: [
			{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
			{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
		],
	});

	const back = rtp.toV1Capabilities(v3);

	assert.deepEqual(back.codecs, [
		{
			kind: 'audio',
			name: 'opus',
			mimeType: 'audio/opus',
			clockRate: 48000,
			preferredPayloadType: 111,
			numChannels: 2,
			channels: 2,
			parameters: {},
			rtcpFeedback: [],
		},
	]);
	assert.equal(back.headerExtensions!.length, 2);
	// v3 in, v3 out (a v1 object carries both names).
	assert.deepEqual(rtp.toV3Capabilities(back), {
		codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
		headerExtensions: v3.headerExtensions!.map((e) => ({ ...e, preferredEncrypt: false })),
	});
	assert.throws(() => rtp.toV3Capabilities({ codecs: 'opus' } as any), TypeError);
	assert.throws(() => rtp.toV3Capabilities(null as any), TypeError);
});

test('parameters: muxId <-> mid, encodingId <-> rid, name <-> mimeType, v1-only fields dropped', () => {
	const v3 = rtp.toV3Parameters(
		{
			muxId: 'v0',
			codecs: [
				{ name: 'VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] },
				{ name: 'rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
			],
			headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
			encodings: [
				{ encodingId: 'low', ssrc: 10, rtx: { ssrc: 11 }, resolutionScale: 4, active: true, fec: { mechanism: 'red' } },
				{ encodingId: 'high', ssrc: 20, maxBitrate: 900000 },
			],
			rtcp: { cname: 'c', reducedSize: true, mux: true },
		},
		'video',
	);

	assert.deepEqual(v3, {
		mid: 'v0',
		codecs: [
			{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] },
			{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
		],
		headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
		encodings: [
			{ ssrc: 10, rid: 'low', rtx: { ssrc: 11 } },
			{ ssrc: 20, rid: 'high', maxBitrate: 900000 },
		],
		rtcp: { cname: 'c', reducedSize: true },
	});

	const v1 = rtp.toV1Parameters(v3, 'video');

	assert.equal(v1.muxId, 'v0');
	assert.deepEqual(v1.codecs.map((c) => [c.kind, c.name, c.mimeType]), [
		['video', 'VP8', 'video/VP8'],
		['video', 'rtx', 'video/rtx'],
	]);
	assert.deepEqual(v1.encodings!.map((e) => e.encodingId), ['low', 'high']);
	assert.deepEqual(v1.rtcp, { cname: 'c', reducedSize: true, mux: true });
	// And back again, unchanged.
	assert.deepEqual(rtp.toV3Parameters(v1, 'video'), {
		...v3,
		codecs: v3.codecs.map((c) => ({ parameters: {}, rtcpFeedback: [], ...c })),
		headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} }],
	});

	// The receiver's kind names codecs without one; a codec of another kind is refused.
	assert.equal(rtp.toV3Parameters({ codecs: [{ name: 'opus', payloadType: 111, clockRate: 48000 }] }, 'audio').codecs[0]!.mimeType, 'audio/opus');
	assert.throws(() => rtp.toV3Parameters({ codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000 }] }, 'video'), TypeError);
	assert.throws(() => rtp.toV3Parameters({ muxId: 5 as any, codecs: [] }, 'audio'), TypeError);
	assert.throws(() => rtp.toV3Parameters({ codecs: [], encodings: 'x' as any }, 'audio'), TypeError);
});

test('filterCapabilities(): codecs the room has, RTX of kept codecs, extensions of the same kind', () => {
	const room = {
		codecs: [
			{ kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
			{ kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 101 },
			{ kind: 'video' as const, mimeType: 'video/rtx', clockRate: 90000, preferredPayloadType: 102, parameters: { apt: 101 } },
		],
		headerExtensions: [{ kind: 'video' as const, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' as const, preferredId: 1 }],
	};
	const peer = rtp.toV3Capabilities({
		codecs: [
			{ kind: 'video', name: 'rtx', clockRate: 90000, preferredPayloadType: 97, parameters: { apt: 96 } },
			{ kind: 'video', name: 'VP8', clockRate: 90000, preferredPayloadType: 96 },
			{ kind: 'video', name: 'VP9', clockRate: 90000, preferredPayloadType: 98 },
			{ kind: 'video', name: 'rtx', clockRate: 90000, preferredPayloadType: 99, parameters: { apt: 98 } },
			{ kind: 'audio', name: 'opus', clockRate: 48000, numChannels: 1, preferredPayloadType: 111 },
		],
		headerExtensions: [
			{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
			{ kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
		],
	});
	const effective = rtp.filterCapabilities(peer, room, (a, b) => matchCodecs(a, b, { strict: true }));

	// Mono opus is not the room's stereo opus; VP9 and its RTX are gone.
	assert.deepEqual(effective.codecs!.map((c) => `${c.mimeType}:${c.preferredPayloadType}`), ['video/VP8:96', 'video/rtx:97']);
	assert.deepEqual(effective.headerExtensions!.map((e) => e.kind), ['video']);
});
