// broth/ortc: the application-side RTP negotiation layer (mediasoup's ortc).
export {
	validateRtpCapabilities,
	validateAndNormalizeRtpCapabilities,
	validateRtpCodecCapability,
	validateRtcpFeedback,
	validateRtpHeaderExtension,
	validateRtpParameters,
	validateRtpCodecParameters,
	validateRtpHeaderExtensionParameters,
	validateRtpEncodingParameters,
	validateRtcpParameters,
	validateSctpCapabilities,
	validateNumSctpStreams,
	validateSctpParameters,
	validateSctpStreamParameters,
	generateRouterRtpCapabilities,
	getProducerRtpParametersMapping,
	getConsumableRtpParameters,
	canConsume,
	getConsumerRtpParameters,
	getPipeConsumerRtpParameters,
	isRtxCodec,
	matchCodecs,
} from './ortc';
export type { RtpCodecsEncodingsMapping } from './ortc';
export { supportedRtpCapabilities, getSupportedRtpCapabilities } from './supportedRtpCapabilities';
export { parseScalabilityMode } from './scalabilityModes';
export type * from './rtpParametersTypes';
export type * from './sctpParametersTypes';
export type * from './srtpParametersTypes';
export type * from './scalabilityModesTypes';
export type * from './rtpStreamStatsTypes';
