import type { RtpPacket } from '../../../proto/rtp/rtpPacket';
import { Vp8PictureIdRewriter, createVp8Descriptor, parseVp8Descriptor } from '../../../proto/codecs/vp8';
import { FrameVerdicts, isTimestampNewer } from './frameVerdicts';
import { TemporalSync } from './temporalSync';
import type { LayerContext, LayerContextParams, PacketEdit, PacketLayersReader } from './types';

/**
 * VP8 (RFC 7741): temporal layer selection from the payload descriptor's TID and Y (layer sync)
 * bits, and picture id / TL0PICIDX kept continuous for the receiver across dropped frames and
 * across input streams (simulcast switches, resumes). libwebrtc's VP8 reference finder takes a
 * gap in picture ids for lost frames and waits for them, so every frame not forwarded is taken
 * out of the numbering (Vp8PictureIdRewriter). VP8 has no spatial layers: the current spatial
 * layer is 0 once something was forwarded.
 *
 * Decisions are per frame (all packets of one RTP timestamp): going up a temporal layer needs a
 * frame of that layer with Y set (it depends on TL0 only), going down is immediate. A packet
 * whose descriptor does not parse, or a stream without TID, passes (temporal layer 0).
 */
export class Vp8LayerContext implements LayerContext {
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	readonly ksvc = false;
	targetSpatialLayer = -1;
	targetTemporalLayer = -1;
	#currentSpatial = -1;
	#currentTemporal = -1;
	readonly #desc = createVp8Descriptor();
	readonly #ids = new Vp8PictureIdRewriter();
	readonly #sync = new TemporalSync();
	readonly #verdicts = new FrameVerdicts();
	#started = false;
	#lastTs = 0;
	#lastForward = false;

	constructor(params: LayerContextParams) {
		this.spatialLayers = 1;
		this.temporalLayers = Math.max(1, Math.min(4, params.temporalLayers));
	}

	get currentSpatialLayer(): number {
		return this.#currentSpatial;
	}

	get currentTemporalLayer(): number {
		return this.#currentTemporal;
	}

	get keyFrameNeeded(): boolean {
		return this.#currentSpatial < 0;
	}

	sync(): void {
		this.#ids.sync();
		this.#started = false;
		this.#verdicts.clear();
		this.#sync.clear();
	}

	reset(): void {
		// Picture ids continue after a pause as after a switch (the receiver's decoder goes on).
		this.sync();
		this.#currentSpatial = -1;
		this.#currentTemporal = -1;
	}

	process(packet: RtpPacket, isKeyFrame: boolean, edit: PacketEdit): boolean {
		if (this.targetTemporalLayer < 0) {
			return false;
		}

		const d = parseVp8Descriptor(packet.payload, this.#desc);

		if (d === undefined) {
			return true;
		}

		const ts = packet.timestamp;
		let forward: boolean;

		if (this.#started && ts === this.#lastTs) {
			forward = this.#lastForward;
		} else if (this.#started && !isTimestampNewer(ts, this.#lastTs)) {
			// A late packet of an earlier frame: as its frame went (unknown = long gone: drop).
			forward = this.#verdicts.get(ts) === 1;
			if (!forward) {
				return false;
			}
		} else {
			forward = this.#decide(isKeyFrame || d.isKeyFrame);
			this.#started = true;
			this.#lastTs = ts;
			this.#lastForward = forward;
			this.#verdicts.set(ts, forward);
			if (!forward) {
				this.#ids.dropFrame(d);
			}
		}
		if (!forward) {
			return false;
		}
		this.#currentSpatial = 0;
		if (this.#ids.map(d)) {
			let length = d.pictureIdLength;
			let value = length === 2 ? 0x8000 | this.#ids.outPictureId : this.#ids.outPictureId;

			// TL0PICIDX follows the picture id (RFC 7741 §4.2): one patch for both.
			if (this.#ids.outTl0PicIdx >= 0 && d.tl0PicIdxOffset === d.pictureIdOffset + length) {
				value = value * 256 + this.#ids.outTl0PicIdx;
				length++;
			}
			edit.payloadOffset = d.pictureIdOffset;
			edit.payloadLength = length;
			edit.payloadValue = value;
		}

		return true;
	}

	/** The verdict for a new frame (the descriptor of its first packet seen is in #desc). */
	#decide(isKeyFrame: boolean): boolean {
		const d = this.#desc;
		const target = Math.min(this.targetTemporalLayer, this.temporalLayers - 1);
		const sync = this.#sync;

		if (isKeyFrame) {
			sync.keyFrame();
		}
		if (!d.hasTid) {
			// No temporal structure signalled: everything is layer 0.
			this.#currentTemporal = 0;

			return true;
		}

		const tid = d.tid;
		let forward: boolean;

		if (tid > target) {
			forward = false;
		} else if (sync.upTo(tid)) {
			forward = true;
		} else if (d.layerSync && sync.upTo(0)) {
			// Y: depends on TL0 frames only, so the receiver can take this layer up from here.
			sync.add(tid);
			forward = true;
		} else {
			forward = false;
		}
		if (!forward && !d.nonReference && tid > 0) {
			sync.remove(tid);
		}
		this.#currentTemporal = sync.current(target);

		return forward;
	}
}

const readerDesc = createVp8Descriptor();

/** The temporal layer (TID) of a VP8 packet; spatial layer 0. */
export const readVp8Layers: PacketLayersReader = (payload) => {
	const d = parseVp8Descriptor(payload, readerDesc);

	return d === undefined ? -1 : d.hasTid ? d.tid : 0;
};
