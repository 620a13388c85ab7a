import type { RtpPacket } from '../../proto/rtp/rtpPacket';
import type { PacketLayersReader } from './layers';

/**
 * The `rtpPacket` object of a producer's or consumer's 'rtp'/'keyframe' trace event (mediasoup's
 * RtpPacket dump): header fields, sizes, and the spatial/temporal layer the codec's payload
 * descriptor names (0/0 for codecs without one). `extra` adds the producer's extension values.
 */
export function rtpPacketTraceInfo(
	packet: RtpPacket,
	isKeyFrame: boolean,
	layersReader: PacketLayersReader | undefined,
	extra?: Record<string, unknown>,
): Record<string, unknown> {
	const layers = layersReader !== undefined && packet.payloadLength > 0 ? layersReader(packet.payload) : -1;

	return {
		payloadType: packet.payloadType,
		sequenceNumber: packet.sequenceNumber,
		timestamp: packet.timestamp,
		marker: packet.marker,
		ssrc: packet.ssrc,
		isKeyFrame,
		size: packet.length,
		payloadSize: packet.payloadLength,
		spatialLayer: layers > 0 ? layers >> 3 : 0,
		temporalLayer: layers > 0 ? layers & 7 : 0,
		...extra,
	};
}
