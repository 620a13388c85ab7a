/**
 * Synthetic VP8 (RFC 7741) and VP9 (RFC 9628) packet streams with the layer structure libwebrtc
 * gives them, for the layer selection tests.
 */
import { RtpPacket } from '../../../../src/proto/rtp/rtpPacket';

/** libwebrtc's 3-layer VP8 pattern (default_temporal_layers.cc): TL0, TL2, TL1, TL2 ... */
export const TID_PATTERN = [0, 2, 1, 2];

export interface Vp8Frame {
	index: number;
	tid: number;
	/** Layer sync (Y): the first TL1 and TL2 frames of each 8-frame cycle reference TL0 only. */
	sync: boolean;
	key: boolean;
	pictureId: number;
	tl0PicIdx: number;
	timestamp: number;
	packets: RtpPacket[];
}

export interface Vp8StreamOptions {
	ssrc?: number;
	payloadType?: number;
	firstSeq?: number;
	firstPictureId?: number;
	firstTl0PicIdx?: number;
	firstTimestamp?: number;
	/** Frame indexes that are key frames (default: only 0). */
	keyFrames?: readonly number[];
	packetsPerFrame?: number;
	/** 1 for L1T1 (no T bit), 3 for L1T3. */
	temporalLayers?: number;
	/** 7-bit picture ids (M=0). */
	shortPictureId?: boolean;
}

/** VP8 payload: descriptor with X, I (15 or 7 bit), L, T (TID, Y), then a payload header. */
export function vp8Payload(f: {
	start: boolean;
	key: boolean;
	pictureId: number;
	tl0PicIdx: number;
	tid: number | undefined;
	sync: boolean;
	shortPictureId?: boolean;
	size?: number;
}): Buffer {
	const bytes: number[] = [0x80 | (f.start ? 0x10 : 0)];

	bytes.push(0x80 | 0x40 | (f.tid !== undefined ? 0x20 : 0));
	if (f.shortPictureId) {
		bytes.push(f.pictureId & 0x7f);
	} else {
		bytes.push(0x80 | ((f.pictureId >> 8) & 0x7f), f.pictureId & 0xff);
	}
	bytes.push(f.tl0PicIdx & 0xff);
	if (f.tid !== undefined) {
		bytes.push((f.tid << 6) | (f.sync ? 0x20 : 0));
	}
	if (f.start) {
		// RFC 6386 §9.1: P bit (inverse key frame flag), then for key frames the start code and size.
		bytes.push(f.key ? 0x50 : 0x51, 0x00, 0x00);
		if (f.key) {
			bytes.push(0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01);
		}
	}
	while (bytes.length < (f.size ?? 40)) {
		bytes.push(0xab);
	}

	return Buffer.from(bytes);
}

/** `frames` VP8 frames of an L1T3 (or L1T1) stream, `packetsPerFrame` packets each. */
export function vp8Stream(frames: number, options: Vp8StreamOptions = {}): Vp8Frame[] {
	const out: Vp8Frame[] = [];
	const keyFrames = new Set(options.keyFrames ?? [0]);
	const perFrame = options.packetsPerFrame ?? 2;
	const layers = options.temporalLayers ?? 3;
	let seq = options.firstSeq ?? 1000;
	let pictureId = options.firstPictureId ?? 100;
	let tl0 = options.firstTl0PicIdx ?? 10;
	let ts = options.firstTimestamp ?? 90000;

	tl0--;
	for (let i = 0; i < frames; i++) {
		const key = keyFrames.has(i);
		const phase = i % 8;
		const tid = layers === 1 ? 0 : key ? 0 : TID_PATTERN[phase % 4]!;

		if (tid === 0) {
			tl0 = (tl0 + 1) & 0xff;
		}

		// The first TL2 (phase 1) and TL1 (phase 2) frames after each TL0 of phase 0 are layer syncs.
		const sync = tid > 0 && (phase === 1 || phase === 2);
		const packets: RtpPacket[] = [];

		for (let k = 0; k < perFrame; k++) {
			packets.push(
				RtpPacket.create({
					payloadType: options.payloadType ?? 96,
					sequenceNumber: seq & 0xffff,
					timestamp: ts >>> 0,
					ssrc: options.ssrc ?? 1111,
					marker: k === perFrame - 1,
					payload: vp8Payload({
						start: k === 0,
						key,
						pictureId,
						tl0PicIdx: tl0,
						tid: layers === 1 ? undefined : tid,
						sync,
						shortPictureId: options.shortPictureId,
					}),
				}),
			);
			seq++;
		}
		out.push({ index: i, tid, sync, key, pictureId, tl0PicIdx: tl0, timestamp: ts >>> 0, packets });
		pictureId = (pictureId + 1) & (options.shortPictureId ? 0x7f : 0x7fff);
		ts += 3000;
	}

	return out;
}

export interface Vp9Picture {
	index: number;
	tid: number;
	switchingUp: boolean;
	key: boolean;
	pictureId: number;
	timestamp: number;
	/** All packets in order: layer frames sid 0, 1, 2... */
	packets: RtpPacket[];
	/** The spatial layer of each packet in `packets`. */
	sids: number[];
}

export interface Vp9StreamOptions {
	ssrc?: number;
	payloadType?: number;
	firstSeq?: number;
	firstPictureId?: number;
	firstTimestamp?: number;
	keyPictures?: readonly number[];
	spatialLayers?: number;
	temporalLayers?: number;
	/** K-SVC: upper layers depend on lower ones only in key pictures. */
	ksvc?: boolean;
	packetsPerLayerFrame?: number;
	/** Spatial layers present per picture index (the encoder may leave the top out). */
	layersOf?: (index: number) => number;
}

/** VP9 payload, non-flexible mode (RFC 9628 §4.2): I (15 bit), P, L, B, E; layer byte; TL0PICIDX. */
export function vp9Payload(f: {
	p: boolean;
	b: boolean;
	e: boolean;
	pictureId: number;
	tid: number;
	u: boolean;
	sid: number;
	d: boolean;
	tl0PicIdx: number;
	size?: number;
}): Buffer {
	const bytes: number[] = [0x80 | (f.p ? 0x40 : 0) | 0x20 | (f.b ? 0x08 : 0) | (f.e ? 0x04 : 0)];

	bytes.push(0x80 | ((f.pictureId >> 8) & 0x7f), f.pictureId & 0xff);
	bytes.push((f.tid << 5) | (f.u ? 0x10 : 0) | (f.sid << 1) | (f.d ? 1 : 0));
	bytes.push(f.tl0PicIdx & 0xff);
	while (bytes.length < (f.size ?? 40)) {
		bytes.push(0xcd);
	}

	return Buffer.from(bytes);
}

/**
 * `pictures` VP9 SVC pictures (L3T3 or L3T3_KEY by default), temporal pattern 0, 2, 1, 2 with U
 * set as libwebrtc's GOF for 3 temporal layers does (the first TL2 and every TL1 frame), the
 * marker on the last packet of the top spatial layer.
 */
export function vp9Stream(pictures: number, options: Vp9StreamOptions = {}): Vp9Picture[] {
	const out: Vp9Picture[] = [];
	const keys = new Set(options.keyPictures ?? [0]);
	const spatial = options.spatialLayers ?? 3;
	const temporal = options.temporalLayers ?? 3;
	const perLayer = options.packetsPerLayerFrame ?? 2;
	let seq = options.firstSeq ?? 2000;
	let pictureId = options.firstPictureId ?? 300;
	let ts = options.firstTimestamp ?? 180000;
	let tl0 = -1;

	for (let i = 0; i < pictures; i++) {
		const key = keys.has(i);
		const phase = i % 4;
		const tid = key || temporal === 1 ? 0 : temporal === 2 ? phase % 2 : TID_PATTERN[phase]!;
		const u = tid > 0 && (phase === 1 || phase === 2);
		const layers = Math.min(spatial, options.layersOf?.(i) ?? spatial);

		if (tid === 0) {
			tl0 = (tl0 + 1) & 0xff;
		}

		const packets: RtpPacket[] = [];
		const sids: number[] = [];

		for (let sid = 0; sid < layers; sid++) {
			for (let k = 0; k < perLayer; k++) {
				const p = key ? false : true;
				const d = sid > 0 && (key || !options.ksvc);

				packets.push(
					RtpPacket.create({
						payloadType: options.payloadType ?? 98,
						sequenceNumber: seq & 0xffff,
						timestamp: ts >>> 0,
						ssrc: options.ssrc ?? 2222,
						marker: sid === layers - 1 && k === perLayer - 1,
						payload: vp9Payload({
							p,
							b: k === 0,
							e: k === perLayer - 1,
							pictureId,
							tid,
							u,
							sid,
							d,
							tl0PicIdx: tl0,
						}),
					}),
				);
				sids.push(sid);
				seq++;
			}
		}
		out.push({ index: i, tid, switchingUp: u, key, pictureId, timestamp: ts >>> 0, packets, sids });
		pictureId = (pictureId + 1) & 0x7fff;
		ts += 3000;
	}

	return out;
}
