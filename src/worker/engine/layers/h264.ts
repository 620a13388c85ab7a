import { DependencyDescriptorLayerContext } from './dependencyDescriptor';
import type { LayerContextParams } from './types';

/**
 * H264 (RFC 6184): the payload carries no temporal layer id (mediasoup read it from the
 * frame-marking header extension, which libwebrtc dropped; mediasoup 3.19 reads it from the
 * Dependency Descriptor instead, PR 1517). libwebrtc's H264 encoder with temporal layers (L1T2,
 * L1T3: what mediasoup-client asks of each simulcast encoding) fills the generic frame info, so
 * a sender that negotiated the descriptor writes it on every packet, the template structure on
 * IDR frames: temporal layers are selected from it exactly as for AV1 (switch points, the
 * marker at the end of each forwarded frame). Packets without a descriptor pass untouched and
 * the receiver gets every temporal layer. Simulcast consumers switch producer streams at IDR
 * frames (the consumer's key frame detection: STAP-A with SPS/PPS, then the IDR slice) and
 * `sync()` the context there.
 */
export class H264LayerContext extends DependencyDescriptorLayerContext {
	constructor(params: LayerContextParams) {
		super(params);
	}
}
