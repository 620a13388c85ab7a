import type { RtpPacket } from '../../../proto/rtp/rtpPacket';

/**
 * Layer selection per consumer and per codec (mediasoup's Codecs::EncodingContext plus its
 * PayloadDescriptorHandler::Process): for every producer packet a consumer may forward, the
 * codec's payload descriptor (or header extension) says which spatial/temporal layer the packet
 * belongs to and whether a receiver can start decoding a layer there; the context decides
 * forward or drop against the target layers and says what to change in the consumer's copy.
 *
 * The consumer owns everything codec-independent: the RTP sequence number space (a dropped
 * packet is `SeqManager.drop()`ed so the receiver sees no gap), timestamps, SSRC, extensions,
 * key frame requests and the choice of target layers. The context owns the codec's own
 * continuity (VP8 picture id / TL0PICIDX across dropped frames and simulcast switches) and the
 * current layers (what the receiver actually gets now).
 *
 * Who uses it:
 * - simulcast consumers: one context for the single outgoing stream; spatial selection is the
 *   choice of producer stream (done by the consumer, which calls `sync()` at each switch), so the
 *   context is built with `spatialLayers: 1` and filters temporal layers only;
 * - svc consumers: one context selecting both spatial and temporal layers of the one stream.
 *
 * Adding a codec (e.g. AV1 with the dependency descriptor): implement `LayerContext` in a file of
 * this folder, a `PacketLayersReader` for the producer's per-layer bitrates, and register both in
 * `index.ts`. A codec whose selection lives in a header extension gets the router's extension ids
 * through `LayerContextParams` (add a field) and may need more kinds of edit in `PacketEdit`
 * (which must stay replayable on retransmissions: a few numbers, no references).
 */
export interface LayerContext {
	/** Spatial / temporal layers of the stream this context sees (1 when it has none). */
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	/** K-SVC ('..._KEY' scalability modes): upper spatial layers depend on lower ones only in key pictures. */
	readonly ksvc: boolean;
	/** What the consumer aims at; -1 = nothing chosen yet (the context then forwards nothing it can filter). */
	targetSpatialLayer: number;
	targetTemporalLayer: number;
	/** What the receiver gets now (-1 until a packet was forwarded); moved by `process()` only. */
	readonly currentSpatialLayer: number;
	readonly currentTemporalLayer: number;
	/**
	 * Whether the target can only be reached at a key frame from where the receiver stands now
	 * (spatial upgrade, K-SVC downgrade): the consumer then asks the producer for one.
	 */
	readonly keyFrameNeeded: boolean;
	/**
	 * The next packet comes from another input stream (simulcast switch, always at a key frame):
	 * codec numbering (picture ids...) continues right after the last one sent.
	 */
	sync(): void;
	/** Forget the current layers (pause, resume, reconnection): selection restarts at a key frame. */
	reset(): void;
	/**
	 * One producer packet (shared and read only: never write it). True = forward it, with `edit`
	 * (reset by the caller before the call) saying what to change in the consumer's copy. A frame's
	 * packets all get the same verdict, and a packet of a frame decided earlier (reordered, or
	 * repaired by the producer's NACK) gets the verdict its frame got.
	 */
	process(packet: RtpPacket, isKeyFrame: boolean, edit: PacketEdit): boolean;
}

export interface LayerContextParams {
	spatialLayers: number;
	temporalLayers: number;
	ksvc: boolean;
	/**
	 * AV1, H264: the router's id of the dependency descriptor header extension (the id producer packets
	 * carry once mapped to the router's ids). Absent: the router's fixed id for its URI; 0: none.
	 */
	dependencyDescriptorId?: number;
}

/**
 * The changes a context asks for in a forwarded copy, kept with the packet in the consumer's
 * retransmission buffer so a resend carries the same bytes. Plain numbers only.
 */
export class PacketEdit {
	/** Set the RTP marker bit (the end of what this receiver gets of a picture). */
	marker = false;
	/** Overwrite `payloadLength` (0..4) bytes at this offset of the payload with `payloadValue` (big endian); -1: none. */
	payloadOffset = -1;
	payloadLength = 0;
	payloadValue = 0;

	reset(): void {
		this.marker = false;
		this.payloadOffset = -1;
		this.payloadLength = 0;
		this.payloadValue = 0;
	}

	get empty(): boolean {
		return !this.marker && this.payloadOffset < 0;
	}

	copyFrom(other: PacketEdit): void {
		this.marker = other.marker;
		this.payloadOffset = other.payloadOffset;
		this.payloadLength = other.payloadLength;
		this.payloadValue = other.payloadValue;
	}

	/**
	 * Applies the edit to an RTP packet in `buf` whose payload starts at `payloadStart` and has
	 * `payloadLength` bytes (the caller's copy; header rewrites never move the payload's end).
	 */
	applyTo(buf: Uint8Array, payloadStart: number, payloadLength: number): void {
		if (this.marker) {
			buf[1] |= 0x80;
		}

		const o = this.payloadOffset;
		const n = this.payloadLength;

		if (o >= 0 && o + n <= payloadLength) {
			const v = this.payloadValue;

			for (let k = 0; k < n; k++) {
				buf[payloadStart + o + k] = (v >>> (8 * (n - 1 - k))) & 0xff;
			}
		}
	}
}

/**
 * Reads the layers of a producer packet for the producer's per-layer bitrates (what the
 * transport's allocator climbs): `spatial * 8 + temporal`, or -1 when the packet carries none.
 * Reads the payload only (never throws, never writes).
 */
export type PacketLayersReader = (payload: Uint8Array) => number;
