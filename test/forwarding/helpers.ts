import { RtpPacket } from '../../src/proto/rtp/rtpPacket';
import type { RtpCapabilities, RtpParameters, RouterRtpCodecCapability } from '../../src/ortc/rtpParametersTypes';

export const mediaCodecs: RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

/** What a receiver (the test) can take: VP8 with NACK/PLI/FIR and RTX, Opus. */
export const receiverCapabilities: RtpCapabilities = {
	codecs: [
		{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, rtcpFeedback: [] },
		{
			kind: 'video',
			mimeType: 'video/VP8',
			preferredPayloadType: 101,
			clockRate: 90000,
			rtcpFeedback: [
				{ type: 'nack' },
				{ type: 'nack', parameter: 'pli' },
				{ type: 'ccm', parameter: 'fir' },
			],
		},
		{ kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
	],
	headerExtensions: [],
};

export function vp8Parameters(ssrc: number, { rtxSsrc, nack = true, extensions = [] as { uri: string; id: number }[] } = {} as any): RtpParameters {
	return {
		codecs: [
			{
				mimeType: 'video/VP8',
				payloadType: 96,
				clockRate: 90000,
				rtcpFeedback: nack
					? [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }]
					: [{ type: 'nack', parameter: 'pli' }],
			},
			...(rtxSsrc !== undefined
				? [{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } }]
				: []),
		],
		headerExtensions: extensions as any,
		encodings: [{ ssrc, ...(rtxSsrc !== undefined ? { rtx: { ssrc: rtxSsrc } } : {}) }],
		rtcp: { cname: 'forwarding-test' },
	};
}

export function opusParameters(ssrc: number, dtx = false): RtpParameters {
	return {
		codecs: [
			{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: dtx ? { usedtx: 1 } : {} },
		],
		headerExtensions: [],
		encodings: [{ ssrc, dtx }],
		rtcp: { cname: 'forwarding-test' },
	};
}

/**
 * A VP8 RTP packet (RFC 7741): descriptor with a 15-bit picture id, S=1 on the
 * first packet of a frame, and a payload header whose P bit is 0 on key frames.
 */
export function vp8Packet({
	ssrc,
	seq,
	timestamp,
	keyFrame = false,
	start = true,
	pictureId = 0,
	payloadType = 96,
	size = 200,
	marker = true,
	extensions,
}: {
	ssrc: number;
	seq: number;
	timestamp: number;
	keyFrame?: boolean;
	start?: boolean;
	pictureId?: number;
	payloadType?: number;
	size?: number;
	marker?: boolean;
	extensions?: { id: number; value: Uint8Array }[];
}): Buffer {
	const payload = Buffer.alloc(size, 0xab);

	payload[0] = 0x80 | (start ? 0x10 : 0); // X, S, PID 0
	payload[1] = 0x80; // I: picture id present
	payload[2] = 0x80 | ((pictureId >> 8) & 0x7f);
	payload[3] = pictureId & 0xff;
	// VP8 payload header (RFC 6386 9.1): bit 0 is the inverse key frame flag.
	payload[4] = keyFrame ? 0x10 : 0x11;

	return RtpPacket.create({ payloadType, sequenceNumber: seq & 0xffff, timestamp: timestamp >>> 0, ssrc, marker, payload, extensions })
		.serialize();
}

export function opusPacket({ ssrc, seq, timestamp, dtx = false, payloadType = 111 }: { ssrc: number; seq: number; timestamp: number; dtx?: boolean; payloadType?: number }): Buffer {
	// A DTX packet is a lone TOC byte (libopus), a normal one carries a frame.
	const payload = dtx ? Buffer.from([0x78]) : Buffer.alloc(60, 0x55);

	if (!dtx) {
		payload[0] = 0x78;
	}

	return RtpPacket.create({ payloadType, sequenceNumber: seq & 0xffff, timestamp: timestamp >>> 0, ssrc, payload }).serialize();
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `fn` until it returns true (or the time is up). */
export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;

	while (Date.now() < deadline) {
		if (await fn()) {
			return true;
		}
		await sleep(20);
	}

	return fn();
}

/** Sequence numbers consecutive (mod 2^16)? */
export function isConsecutive(seqs: number[]): boolean {
	for (let i = 1; i < seqs.length; i++) {
		if (((seqs[i]! - seqs[i - 1]!) & 0xffff) !== 1) {
			return false;
		}
	}

	return true;
}
