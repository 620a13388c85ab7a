import { PassThroughLayerContext } from './passThrough';
import type { LayerContextParams } from './types';

/**
 * H264 (RFC 6184): the payload carries no temporal layer id (mediasoup reads it from the
 * frame-marking header extension, which browsers no longer send), so packets pass untouched;
 * simulcast consumers switch producer streams at IDR frames.
 */
export class H264LayerContext extends PassThroughLayerContext {
	constructor(params: LayerContextParams) {
		super(params);
	}
}
