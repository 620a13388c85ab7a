import type { ScalabilityMode } from './scalabilityModesTypes';

// webrtc-svc mode names: L (layered) or S (simulcast-like) spatial layers, then
// T temporal layers, each 1-99 without a leading zero, optionally '_KEY'
// (K-SVC). Only the prefix must match, so suffixes such as '_SHIFT' or 'h' are
// tolerated, as mediasoup does.
const scalabilityModeRe = /^[LS]([1-9][0-9]?)T([1-9][0-9]?)(_KEY)?/;

/**
 * Parses a scalability mode such as 'L1T3', 'S3T3' or 'L3T2_KEY'. Anything
 * missing or unrecognised gives one spatial and one temporal layer.
 */
export function parseScalabilityMode(scalabilityMode?: string): ScalabilityMode {
	const m = typeof scalabilityMode === 'string' ? scalabilityModeRe.exec(scalabilityMode) : null;

	if (!m) {
		return { spatialLayers: 1, temporalLayers: 1, ksvc: false };
	}

	return {
		spatialLayers: Number(m[1]),
		temporalLayers: Number(m[2]),
		ksvc: m[3] !== undefined,
	};
}
