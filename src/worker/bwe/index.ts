export { AcknowledgedBitrateEstimator } from './AcknowledgedBitrateEstimator';
export { AimdRateControl, LinkCapacityEstimator, RateControlState } from './AimdRateControl';
export {
	allocateBitrate,
	buildLadder,
	type AllocatableConsumer,
	type AllocationMode,
	type AllocationResult,
	type LayerAllocation,
	type LayerRung,
} from './BitrateAllocator';
export { InterArrival } from './InterArrival';
export { LossBasedControl } from './LossBasedControl';
export { ProbeBitrateEstimator, type ProbeClusterSpec } from './ProbeBitrateEstimator';
export { ProbeController } from './ProbeController';
export { RetransmissionRateLimiter } from './RetransmissionRateLimiter';
export { RobustThroughputEstimator } from './RobustThroughputEstimator';
export {
	DEFAULT_INITIAL_AVAILABLE_OUTGOING_BITRATE,
	MIN_OUTGOING_BITRATE,
	SendSideBandwidthEstimator,
	type BweTrace,
	type BweTraceInfo,
	type BweType,
	type PacketResultLike,
	type SendSideBandwidthEstimatorOptions,
} from './SendSideBandwidthEstimator';
export { BandwidthUsage, TrendlineEstimator, bandwidthUsageName } from './TrendlineEstimator';
