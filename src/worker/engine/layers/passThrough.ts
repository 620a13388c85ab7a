import type { RtpPacket } from '../../../proto/rtp/rtpPacket';
import type { LayerContext, LayerContextParams, PacketEdit } from './types';

/**
 * A codec whose packets say nothing the worker reads about temporal layers (H264 without the
 * frame-marking extension, which Chromium does not send): every packet passes, and the receiver
 * gets every temporal layer the stream has (so that is the current one once anything passed).
 * Simulcast consumers still select the spatial layer (the producer stream).
 */
export class PassThroughLayerContext implements LayerContext {
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	readonly ksvc = false;
	targetSpatialLayer = -1;
	targetTemporalLayer = -1;
	#current = -1;

	constructor(params: LayerContextParams) {
		this.spatialLayers = 1;
		this.temporalLayers = Math.max(1, params.temporalLayers);
	}

	get currentSpatialLayer(): number {
		return this.#current < 0 ? -1 : 0;
	}

	get currentTemporalLayer(): number {
		return this.#current < 0 ? -1 : this.temporalLayers - 1;
	}

	get keyFrameNeeded(): boolean {
		return this.#current < 0;
	}

	sync(): void {}

	reset(): void {
		this.#current = -1;
	}

	process(_packet: RtpPacket, _isKeyFrame: boolean, _edit: PacketEdit): boolean {
		if (this.targetTemporalLayer < 0) {
			return false;
		}
		this.#current = 0;

		return true;
	}
}
