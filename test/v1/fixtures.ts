import { enhancedOnce } from '../../src/extras';
import type { V1Server } from '../../src/v1';

/** Room codecs in v1's shape (codec `name` with its `kind`, `numChannels`). */
export const v1MediaCodecs = [
	{ kind: 'audio' as const, name: 'opus', clockRate: 48000, numChannels: 2, parameters: { useinbandfec: 1 } },
	{ kind: 'video' as const, name: 'VP8', clockRate: 90000 },
];

/** Capabilities of an endpoint in v1's shape: more than the room has (H264, an unknown extension). */
export const v1PeerCapabilities = {
	codecs: [
		{ kind: 'audio' as const, name: 'opus', clockRate: 48000, numChannels: 2, preferredPayloadType: 111 },
		{ kind: 'video' as const, name: 'VP8', clockRate: 90000, preferredPayloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
		{ kind: 'video' as const, name: 'rtx', clockRate: 90000, preferredPayloadType: 97, parameters: { apt: 96 } },
		{ kind: 'video' as const, name: 'H264', clockRate: 90000, preferredPayloadType: 102, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } },
		{ kind: 'video' as const, name: 'rtx', clockRate: 90000, preferredPayloadType: 103, parameters: { apt: 102 } },
	],
	headerExtensions: [
		{ kind: '' as const, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 4 },
		{ kind: 'audio' as const, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 1 },
		{ kind: 'video' as const, uri: 'urn:example:unknown', preferredId: 9 },
	],
	fecMechanisms: [],
};

/** v1-shaped parameters of an endpoint sending opus. */
export function v1AudioParameters(muxId = 'a0', ssrc = 1111) {
	return {
		muxId,
		codecs: [{ name: 'opus', payloadType: 111, clockRate: 48000, numChannels: 2 }],
		headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }],
		encodings: [{ ssrc }],
		rtcp: { cname: 'endpoint', reducedSize: true, mux: true },
	};
}

/** v3-shaped parameters of an endpoint sending VP8 with RTX. */
export function v3VideoParameters(mid = 'v0', ssrc = 2222) {
	return {
		mid,
		codecs: [
			{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] },
			{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
		],
		headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' as const, id: 4 }],
		encodings: [{ ssrc, rtx: { ssrc: ssrc + 1 } }],
		rtcp: { cname: 'endpoint' },
	};
}

/** Close a server and wait until its worker processes are gone. */
export async function closeServer(server: V1Server): Promise<void> {
	const workers = server._workers.filter((worker) => !worker.subprocessClosed);
	const exits = workers.map((worker) => enhancedOnce(worker, 'subprocessclose'));

	server.close();
	await Promise.all(exits);
}

/** Resolve when `emitter` emits `event` (first arguments). */
export function next<T = unknown>(emitter: { once(event: string, fn: (...args: any[]) => void): unknown }, event: string): Promise<T> {
	return new Promise((resolve) => emitter.once(event, (value: T) => resolve(value)));
}

/** Count the emissions of some events on an emitter. */
export function counter(emitter: { on(event: string, fn: (...args: any[]) => void): unknown }, ...events: string[]): Record<string, number> {
	const counts: Record<string, number> = {};

	for (const event of events) {
		counts[event] = 0;
		emitter.on(event, () => counts[event]!++);
	}

	return counts;
}
