import type { RtcpPacket } from '../../proto/rtcp/compound';

/**
 * What producers and consumers need from the transport they live on to move
 * media (the Transport base implements it; test doubles need not).
 */
export interface MediaTransport {
	/** Whether media can flow out (remote known, SRTP keys in place). */
	readonly connected: boolean;
	/**
	 * Sends an RTP packet of a consumer: `data[0 .. length)`, owned by the
	 * callee until it returns (it may encrypt it, or send it from a reused scratch). `now` is
	 * nowMs() of the packet being forwarded (read once, not per consumer).
	 */
	sendConsumerRtp(consumerId: string, data: Buffer, length: number, isRtx: boolean, now?: number): void;
	/**
	 * A buffer for an outgoing RTP packet of `length` bytes. A transport that
	 * encrypts (copying) may hand out a reused scratch; others a fresh one.
	 */
	allocRtpBuffer(length: number): Buffer;
	/** Producers call this when they need `onFastTimer()` (NACK retries, key frame timers). */
	wakeFastTimer(): void;
	/** Sends one RTCP packet (feedback to a producer's sender, reports). */
	sendRtcpFeedback(packet: RtcpPacket): void;
}

export function isMediaTransport(owner: unknown): owner is MediaTransport {
	return typeof (owner as MediaTransport | undefined)?.sendRtcpFeedback === 'function';
}

/**
 * Milliseconds on the wall clock's epoch from the monotonic clock: what the
 * feedback units take (RtpStreamSend turns it into NTP for sender reports).
 */
export function nowMs(): number {
	return performance.timeOrigin + performance.now();
}
