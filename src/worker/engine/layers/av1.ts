import { createAv1PayloadInfo, parseAv1Payload } from '../../../proto/codecs/av1';
import { DependencyDescriptorLayerContext } from './dependencyDescriptor';
import type { LayerContextParams, PacketLayersReader } from './types';

/**
 * AV1 layer selection: all of it comes from the Dependency Descriptor header extension (the AV1
 * RTP payload format's appendix A), codec-independent, in `DependencyDescriptorLayerContext`
 * (see there: decode targets, DTIs, switch points, markers; the descriptor goes to svc and pipe
 * receivers as it came). Packets without a descriptor: everything passes.
 */
export class Av1LayerContext extends DependencyDescriptorLayerContext {
	constructor(params: LayerContextParams) {
		super(params);
	}
}

/**
 * A reader of the spatial and temporal layer of one AV1 stream's packets (`sid * 8 + tid`), for
 * the producer's per-layer bitrates, from the first OBU extension header in the payload (AV1
 * spec §5.3.3; libwebrtc keeps them in SVC streams). A packet that only continues an OBU (Z=1,
 * no OBU starting in it: most packets of a large frame) belongs to the layer of the OBU it
 * continues, the last one this reader saw: counting it in layer 0 made the base layer look
 * several times as costly as it is and the allocator never granted the layers above. -1 while
 * nothing is known. (The dependency descriptor says it for every packet, but needs the stream's
 * structure and the header extensions, which a payload reader does not get.)
 */
export function createAv1LayersReader(): PacketLayersReader {
	const info = createAv1PayloadInfo();
	let last = -1;

	return (payload) => {
		const p = parseAv1Payload(payload, info);

		if (p === undefined) {
			return last;
		}
		if (p.temporalId >= 0) {
			last = p.spatialId * 8 + p.temporalId;
		} else if (!p.continuation) {
			// OBUs without an extension header (a sequence header alone): the base layer.
			last = 0;
		}

		return last;
	};
}
