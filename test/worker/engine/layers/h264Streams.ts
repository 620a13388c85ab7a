/**
 * Synthetic H264 RTP streams as Chromium sends them with a temporal scalability mode (L1T3 per
 * simulcast encoding) and the Dependency Descriptor negotiated: libwebrtc's H264 encoder fills
 * the generic frame info, so every packet carries a descriptor ("RTP Payload Format for AV1"
 * appendix A) from libwebrtc's L1T3 template structure (test/proto/codecs/av1-structures), the
 * structure attached to the first packet of each IDR frame. Payloads (RFC 6184): an IDR frame is
 * a STAP-A with SPS and PPS, then the IDR slice in FU-A fragments; a delta frame is a non-IDR
 * slice in FU-A fragments; the marker on the last packet of each frame (one frame per temporal
 * unit).
 */
import { RtpPacket } from '../../../../src/proto/rtp/rtpPacket';
import { createAv1TemplateStructure, writeAv1DependencyDescriptor } from '../../../../src/proto/codecs/av1-dependency-descriptor';
import type { LibwebrtcMode } from '../../../proto/codecs/av1-structures';

export { L1T3 } from '../../../proto/codecs/av1-structures';

/** The router's id of the dependency descriptor extension. */
export const DD_ID = 8;

export interface H264Frame {
	/** Frame (temporal unit) index in the stream. */
	tu: number;
	key: boolean;
	tid: number;
	/** Unwrapped frame number. */
	frameId: number;
	timestamp: number;
	fdiffs: number[];
	packets: RtpPacket[];
}

export interface H264StreamOptions {
	/** Frames that are IDR frames (default: only 0). */
	keyTus?: readonly number[];
	/** Packets of a delta frame (FU-A fragments; an IDR frame has one more, the STAP-A). */
	packetsPerFrame?: number;
	firstFrameNumber?: number;
	firstSeq?: number;
	firstTimestamp?: number;
	ssrc?: number;
	payloadType?: number;
	/** Extension id of the descriptor; 0: packets without one. */
	ddId?: number;
}

/** SPS (Constrained Baseline, level 3.1, 640x480) and PPS as Chromium's OpenH264 sends them. */
const SPS = [0x67, 0x42, 0xc0, 0x1f, 0x8c, 0x8d, 0x40, 0x50, 0x1e, 0xd0, 0x0f, 0x08, 0x84, 0x6a];
const PPS = [0x68, 0xce, 0x3c, 0x80];

/** STAP-A (RFC 6184 §5.7.1) with SPS and PPS. */
function stapA(): Buffer {
	return Buffer.from([24 | 0x60, 0, SPS.length, ...SPS, 0, PPS.length, ...PPS]);
}

/** FU-A fragment (§5.8) `k` of `count` of a slice NAL unit (type 5 IDR, 1 non-IDR). */
function fuA(nalType: number, k: number, count: number): Buffer {
	const bytes = [0x60 | 28, (k === 0 ? 0x80 : 0) | (k === count - 1 ? 0x40 : 0) | nalType];

	while (bytes.length < 80) {
		bytes.push(0x5a);
	}

	return Buffer.from(bytes);
}

/** `tus` frames of `mode` (one spatial layer): an IDR frame, then libwebrtc's T2A, T1, T2B, T0 cycle. */
export function h264Stream(mode: LibwebrtcMode, tus: number, options: H264StreamOptions = {}): H264Frame[] {
	const structure = createAv1TemplateStructure(mode.structure)!;
	const keys = new Set(options.keyTus ?? [0]);
	const perFrame = options.packetsPerFrame ?? 2;
	const ddId = options.ddId ?? DD_ID;
	const out: H264Frame[] = [];
	let seq = options.firstSeq ?? 1000;
	let ts = options.firstTimestamp ?? 90000;
	let frameId = options.firstFrameNumber ?? 500;
	let sinceKey = 0;

	for (let tu = 0; tu < tus; tu++) {
		const key = keys.has(tu) || tu === 0;

		sinceKey = key ? 0 : sinceKey + 1;

		const index = key ? mode.key[0]! : mode.cycle[(sinceKey - 1) % mode.cycle.length]![0]!;
		const tpl = mode.structure.templates[index]!;
		const payloads = key
			? [stapA(), ...Array.from({ length: perFrame }, (_, k) => fuA(5, k, perFrame))]
			: Array.from({ length: perFrame }, (_, k) => fuA(1, k, perFrame));
		const packets = payloads.map((payload, k) => {
			const dd = writeAv1DependencyDescriptor(
				{
					startOfFrame: k === 0,
					endOfFrame: k === payloads.length - 1,
					templateId: (structure.templateIdOffset + index) % 64,
					frameNumber: frameId & 0xffff,
					attachedStructure: key && k === 0 ? structure : undefined,
				},
				structure,
			);

			if (dd === undefined) {
				throw new Error('descriptor not writable');
			}

			return RtpPacket.create({
				payloadType: options.payloadType ?? 107,
				sequenceNumber: seq++ & 0xffff,
				timestamp: ts >>> 0,
				ssrc: options.ssrc ?? 0x2222,
				marker: k === payloads.length - 1,
				extensions: ddId > 0 ? [{ id: ddId, value: dd }] : [],
				payload,
			});
		});

		out.push({ tu, key, tid: tpl.temporalId, frameId, timestamp: ts >>> 0, fdiffs: Array.from(tpl.fdiffs), packets });
		frameId++;
		ts += 3000;
	}

	return out;
}
