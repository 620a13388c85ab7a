import { Av1LayerContext, createAv1LayersReader } from './av1';
import { H264LayerContext } from './h264';
import { PassThroughLayerContext } from './passThrough';
import type { LayerContext, LayerContextParams, PacketLayersReader } from './types';
import { Vp8LayerContext, readVp8Layers } from './vp8';
import { Vp9LayerContext, readVp9Layers } from './vp9';

export { PacketEdit } from './types';
export type { LayerContext, LayerContextParams, PacketLayersReader } from './types';

/**
 * The layer context for a consumer of this codec (lower-case mime type), or undefined for codecs
 * with no layers (audio). Video codecs without a context of their own pass everything.
 */
export function createLayerContext(mimeType: string, params: LayerContextParams): LayerContext | undefined {
	switch (mimeType.toLowerCase()) {
		case 'video/vp8':
			return new Vp8LayerContext(params);

		case 'video/vp9':
			return new Vp9LayerContext(params);

		case 'video/h264':
		case 'video/h264-svc':
			return new H264LayerContext(params);

		case 'video/av1':
			return new Av1LayerContext(params);

		default:
			return mimeType.toLowerCase().startsWith('video/') ? new PassThroughLayerContext(params) : undefined;
	}
}

/** Whether an svc consumer can select layers of this codec (mediasoup: VP9, H264-SVC, AV1). */
export function svcLayerSelection(mimeType: string): boolean {
	const m = mimeType.toLowerCase();

	return m === 'video/vp9' || m === 'video/av1';
}

/** What reads the layers of this codec's packets for the producer's per-layer bitrates. */
export function packetLayersReader(mimeType: string): PacketLayersReader | undefined {
	switch (mimeType.toLowerCase()) {
		case 'video/vp8':
			return readVp8Layers;

		case 'video/vp9':
			return readVp9Layers;

		case 'video/av1':
			// One per stream: it remembers the layer a continuation packet's OBU started in.
			return createAv1LayersReader();

		default:
			return undefined;
	}
}

/** K-SVC: the scalability mode ends in _KEY (webrtc-svc, e.g. L3T3_KEY, L2T2_KEY_SHIFT). */
export function isKsvcMode(scalabilityMode: unknown): boolean {
	return typeof scalabilityMode === 'string' && /^L[1-9][0-9]?T[1-9][0-9]?_KEY/.test(scalabilityMode);
}
