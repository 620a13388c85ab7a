/**
 * Synthetic AV1 RTP streams as Chromium sends them with scalability modes: per temporal unit one
 * frame per spatial layer, each frame's packets carrying the Dependency Descriptor ("RTP Payload
 * Format for AV1" appendix A) of libwebrtc's template structures (test/proto/codecs/av1-structures),
 * the structure attached to the first packet of each key frame, frame numbers counting layer
 * frames, the marker on the last packet of the temporal unit; payloads are AV1 aggregation
 * headers (§4.4) with one OBU_FRAME per frame carrying an OBU extension header (temporal_id,
 * spatial_id), fragmented over the frame's packets.
 */
import { RtpPacket } from '../../../../src/proto/rtp/rtpPacket';
import {
	createAv1TemplateStructure,
	writeAv1DependencyDescriptor,
	type Av1TemplateStructure,
} from '../../../../src/proto/codecs/av1-dependency-descriptor';
import type { LibwebrtcMode } from '../../../proto/codecs/av1-structures';

export { L1T3, L3T3, L3T3_KEY, MODES, type LibwebrtcMode } from '../../../proto/codecs/av1-structures';

/** The router's id of the dependency descriptor extension. */
export const DD_ID = 8;

export interface Av1Frame {
	/** Temporal unit index. */
	tu: number;
	key: boolean;
	sid: number;
	tid: number;
	/** 16-bit frame_number. */
	frameNumber: number;
	/** Unwrapped frame number (counts frames from the stream's first). */
	frameId: number;
	timestamp: number;
	dtis: number[];
	fdiffs: number[];
	packets: RtpPacket[];
}

export interface Av1StreamOptions {
	/** Temporal units that are key frames (default: only 0). */
	keyTus?: readonly number[];
	packetsPerFrame?: number;
	firstFrameNumber?: number;
	firstSeq?: number;
	firstTimestamp?: number;
	templateIdOffset?: number;
	ddId?: number;
	/** Spatial layers present per temporal unit (the encoder leaving the top ones out). */
	layersOf?: (tu: number) => number;
	/** Custom fields for a frame (what libwebrtc sends when no template matches). */
	custom?: (f: { tu: number; sid: number; tid: number; frameId: number }) => { fdiffs?: number[]; dtis?: number[] } | undefined;
}

/** AV1 aggregation header (§4.4): Z, Y, W, N. */
function aggregationHeader(z: boolean, y: boolean, w: number, n: boolean): number {
	return (z ? 0x80 : 0) | (y ? 0x40 : 0) | (w << 4) | (n ? 0x08 : 0);
}

/** The payload of packet `k` of `count` of a frame. */
export function av1Payload(f: { key: boolean; sid: number; tid: number; k: number; count: number; size?: number }): Buffer {
	const bytes: number[] = [];
	const first = f.k === 0;
	const last = f.k === f.count - 1;

	if (first && f.key) {
		// W=2: a sequence header OBU (with its length), then the frame OBU's first fragment.
		bytes.push(aggregationHeader(false, !last, 2, true));
		bytes.push(3, 1 << 3, 0x00, 0x00);
	} else {
		bytes.push(aggregationHeader(!first, !last, 1, false));
	}
	if (first) {
		// OBU_FRAME with obu_extension_flag; extension: temporal_id (3), spatial_id (2).
		bytes.push((6 << 3) | 0x04, (f.tid << 5) | (f.sid << 3));
	}
	while (bytes.length < (f.size ?? 60)) {
		bytes.push(0x5a);
	}

	return Buffer.from(bytes);
}

/**
 * `tus` temporal units of `mode`: a key temporal unit, then libwebrtc's cycle of patterns
 * (T2A, T1, T2B, T0 for three temporal layers) from each key temporal unit on.
 */
export function av1Stream(mode: LibwebrtcMode, tus: number, options: Av1StreamOptions = {}): Av1Frame[] {
	const structure = createAv1TemplateStructure({ ...mode.structure, templateIdOffset: options.templateIdOffset ?? 0 });

	if (structure === undefined) {
		throw new Error(`${mode.name}: bad structure`);
	}

	const keys = new Set(options.keyTus ?? [0]);
	const perFrame = options.packetsPerFrame ?? 2;
	const ddId = options.ddId ?? DD_ID;
	const out: Av1Frame[] = [];
	let seq = options.firstSeq ?? 1000;
	let ts = options.firstTimestamp ?? 90000;
	let frameId = options.firstFrameNumber ?? 500;
	let sinceKey = 0;

	for (let tu = 0; tu < tus; tu++) {
		const key = keys.has(tu) || tu === 0;

		sinceKey = key ? 0 : sinceKey + 1;

		const templates = key ? mode.key : mode.cycle[(sinceKey - 1) % mode.cycle.length]!;
		const layers = Math.min(mode.spatialLayers, options.layersOf?.(tu) ?? mode.spatialLayers);

		for (let sid = 0; sid < layers; sid++) {
			const index = templates[sid]!;
			const tpl = mode.structure.templates[index]!;
			const tid = tpl.temporalId;
			const custom = options.custom?.({ tu, sid, tid, frameId });
			const dtis = custom?.dtis ?? Array.from(tpl.dtis);
			const fdiffs = custom?.fdiffs ?? Array.from(tpl.fdiffs);
			const packets: RtpPacket[] = [];

			for (let k = 0; k < perFrame; k++) {
				const dd = writeAv1DependencyDescriptor(
					{
						startOfFrame: k === 0,
						endOfFrame: k === perFrame - 1,
						templateId: (structure.templateIdOffset + index) % 64,
						frameNumber: frameId & 0xffff,
						attachedStructure: key && sid === 0 && k === 0 ? structure : undefined,
						customDtis: custom?.dtis,
						customFdiffs: custom?.fdiffs,
					},
					structure,
				);

				if (dd === undefined) {
					throw new Error('descriptor not writable');
				}
				packets.push(
					RtpPacket.create({
						payloadType: 45,
						sequenceNumber: seq & 0xffff,
						timestamp: ts >>> 0,
						ssrc: 0x1111,
						marker: sid === layers - 1 && k === perFrame - 1,
						extensions: [{ id: ddId, value: dd }],
						payload: av1Payload({ key: key && sid === 0, sid, tid, k, count: perFrame }),
					}),
				);
				seq++;
			}
			out.push({ tu, key: key && sid === 0, sid, tid, frameNumber: frameId & 0xffff, frameId, timestamp: ts >>> 0, dtis, fdiffs, packets });
			frameId++;
		}
		ts += 3000;
	}

	return out;
}

export function structureOf(mode: LibwebrtcMode): Av1TemplateStructure {
	return createAv1TemplateStructure(mode.structure)!;
}
