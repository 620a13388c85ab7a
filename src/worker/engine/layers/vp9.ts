import type { RtpPacket } from '../../../proto/rtp/rtpPacket';
import { createVp9Descriptor, parseVp9Descriptor } from '../../../proto/codecs/vp9';
import { FrameVerdicts, isTimestampNewer } from './frameVerdicts';
import { TemporalSync } from './temporalSync';
import type { LayerContext, LayerContextParams, PacketEdit, PacketLayersReader } from './types';

/**
 * VP9 (RFC 9628): spatial and temporal selection from the payload descriptor's layer indices
 * (SID, TID, U), its P (inter-picture predicted), B/E (start/end of a layer frame) bits, for full
 * SVC (L3T3: each spatial layer predicts from the one below in every picture) and K-SVC
 * (L3T3_KEY: only key pictures predict across spatial layers; elsewhere each spatial layer is its
 * own stream).
 *
 * Decisions are taken per picture (all layer frames of one RTP timestamp), at the first packet
 * seen of a new picture, so a target change never cuts a picture in the middle:
 * - spatial up: at a key picture (SID 0 starts with P=0); spatial down: full SVC at any picture
 *   (lower layers never reference upper ones), K-SVC at a key picture only (the lower layer's own
 *   references were not forwarded). `keyFrameNeeded` tells the consumer to ask for one;
 * - temporal (TID is per picture in both modes): up at a frame with U set (a switching-up point:
 *   it references lower temporal layers only, TL0 in libwebrtc's structures, as mediasoup
 *   assumes), down at once (TemporalSync);
 * - within a picture: layer frames with SID above the current spatial layer are dropped, and in
 *   K-SVC also those below it unless not inter-picture predicted (the key picture);
 * - the marker bit is set at the end (E) of the current spatial layer's frame, the last thing
 *   the receiver gets of the picture.
 * Picture ids are left alone: libwebrtc's VP9 reference finder only waits for missing pictures
 * of lower temporal layers than the frame's, and whole pictures are only dropped for being in a
 * higher temporal layer (as mediasoup, which tracks but never rewrites them).
 */
export class Vp9LayerContext implements LayerContext {
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	readonly ksvc: boolean;
	targetSpatialLayer = -1;
	targetTemporalLayer = -1;
	#currentSpatial = -1;
	#currentTemporal = -1;
	readonly #desc = createVp9Descriptor();
	readonly #sync = new TemporalSync();
	/** Per picture (RTP timestamp): 0 = dropped, s + 1 = forwarded up to spatial layer s. */
	readonly #verdicts = new FrameVerdicts();
	#started = false;
	#lastTs = 0;
	/** The picture being forwarded: spatial layer it goes up to (-1: dropped). */
	#pictureSpatial = -1;

	constructor(params: LayerContextParams) {
		this.spatialLayers = Math.max(1, Math.min(8, params.spatialLayers));
		this.temporalLayers = Math.max(1, Math.min(8, params.temporalLayers));
		this.ksvc = params.ksvc && this.spatialLayers > 1;
	}

	get currentSpatialLayer(): number {
		return this.#currentSpatial;
	}

	get currentTemporalLayer(): number {
		return this.#currentTemporal;
	}

	get keyFrameNeeded(): boolean {
		const current = this.#currentSpatial;
		const target = this.targetSpatialLayer;

		if (target < 0) {
			return false;
		}

		return current < 0 || target > current || (this.ksvc && target !== current);
	}

	sync(): void {
		this.#started = false;
		this.#verdicts.clear();
		this.#sync.clear();
	}

	reset(): void {
		this.sync();
		this.#currentSpatial = -1;
		this.#currentTemporal = -1;
	}

	process(packet: RtpPacket, isKeyFrame: boolean, edit: PacketEdit): boolean {
		if (this.targetSpatialLayer < 0 || this.targetTemporalLayer < 0) {
			return false;
		}

		const d = parseVp9Descriptor(packet.payload, this.#desc);

		if (d === undefined) {
			return true;
		}

		const sid = d.hasLayerIndices ? d.sid : 0;
		const tid = d.hasLayerIndices ? d.tid : 0;

		// Layers the stream was not announced with: nobody can be asking for them.
		if (sid >= this.spatialLayers || tid >= this.temporalLayers) {
			return false;
		}

		const ts = packet.timestamp;
		let top: number;

		if (this.#started && ts === this.#lastTs) {
			top = this.#pictureSpatial;
		} else if (this.#started && !isTimestampNewer(ts, this.#lastTs)) {
			top = this.#verdicts.get(ts) - 1;
		} else {
			top = this.#decide(isKeyFrame || d.isKeyFrame, tid);
			this.#started = true;
			this.#lastTs = ts;
			this.#pictureSpatial = top;
			this.#verdicts.set(ts, top + 1);
		}
		if (top < 0 || sid > top) {
			return false;
		}
		// K-SVC: below the current layer only the key picture's frames (not inter-picture predicted).
		if (this.ksvc && sid !== top && d.interPicturePredicted) {
			return false;
		}
		if (sid === top && d.endOfFrame) {
			edit.marker = true;
		}

		return true;
	}

	/**
	 * A new picture (the descriptor of its first packet seen is in #desc): the spatial layer the
	 * receiver gets of it, -1 to drop it whole.
	 */
	#decide(isKeyPicture: boolean, tid: number): number {
		const d = this.#desc;
		const sync = this.#sync;
		const targetS = Math.min(this.targetSpatialLayer, this.spatialLayers - 1);
		const targetT = Math.min(this.targetTemporalLayer, this.temporalLayers - 1);
		let spatial = this.#currentSpatial;

		if (isKeyPicture) {
			sync.keyFrame();
			spatial = targetS;
		} else if (spatial < 0) {
			// Nothing forwarded yet: the receiver needs a key picture first.
			return -1;
		} else if (targetS < spatial && !this.ksvc) {
			spatial = targetS;
		}

		let forward: boolean;

		if (tid > targetT) {
			forward = false;
		} else if (sync.upTo(tid)) {
			forward = true;
		} else if (d.switchingUpPoint && d.startOfFrame && sync.upTo(0)) {
			// U: references lower temporal layers only (libwebrtc's GOF: the TL0 picture before
			// it), so this layer can be taken up from here.
			sync.add(tid);
			forward = true;
		} else {
			forward = false;
		}
		if (!forward && tid > 0) {
			sync.remove(tid);
		}
		this.#currentSpatial = spatial;
		this.#currentTemporal = sync.current(targetT);

		return forward ? spatial : -1;
	}
}

const readerDesc = createVp9Descriptor();

/** Spatial and temporal layer of a VP9 packet (`sid * 8 + tid`). */
export const readVp9Layers: PacketLayersReader = (payload) => {
	const d = parseVp9Descriptor(payload, readerDesc);

	if (d === undefined) {
		return -1;
	}

	return d.hasLayerIndices ? d.sid * 8 + d.tid : 0;
};
