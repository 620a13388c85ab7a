/**
 * Budget for the retransmissions (NACK resends, RTX) a transport sends: libwebrtc's
 * retransmission RateLimiter (RtpTransportControllerSend, checked by RTPSender::ReSendPacket
 * before each resend): the bytes resent over the last 500 ms stay within the estimate.
 *
 * Why: when the receiver's link is squeezed, its NACKs ask for every packet the bottleneck
 * dropped, up to ten times each, and resending them all (Chromium behind a 250 kbps link got
 * ~1 Mbps of resends) keeps the bottleneck full, so the key frame of the lower layer the
 * allocator switched to cannot get through and the receiver stalls for seconds. (Leaving the
 * resends only what the estimate has over the media starved them instead: right after a
 * squeeze the estimate sits just over the lowest layer, and the receiver, missing a few
 * packets of that layer's key frame, waited 3 s for its own key frame request.)
 *
 * Pure: every call takes `nowMs`.
 */

export const RETRANSMISSION_WINDOW_MS = 500;
const SLOT_MS = 50;
const SLOTS = RETRANSMISSION_WINDOW_MS / SLOT_MS;

export class RetransmissionRateLimiter {
	/** Resends refused since creation. */
	refused = 0;
	private readonly bytes = new Float64Array(SLOTS);
	private readonly slotIds = new Float64Array(SLOTS).fill(-1);

	/** Whether a resend of `bytes` fits the estimate (bps); if it does it is counted. */
	tryUse(bytes: number, availableBps: number, nowMs: number): boolean {
		const slotId = Math.floor(nowMs / SLOT_MS);
		let used = 0;

		for (let i = 0; i < SLOTS; i++) {
			if (this.slotIds[i]! > slotId - SLOTS) used += this.bytes[i]!;
		}
		if ((used + bytes) * 8000 > availableBps * RETRANSMISSION_WINDOW_MS) {
			this.refused++;
			return false;
		}

		const index = slotId % SLOTS;

		if (this.slotIds[index] !== slotId) {
			this.slotIds[index] = slotId;
			this.bytes[index] = 0;
		}
		this.bytes[index]! += bytes;
		return true;
	}
}
