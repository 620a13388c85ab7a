import { FullIntraRequest } from '../../proto/rtcp/fir';
import { PictureLossIndication } from '../../proto/rtcp/pli';

/**
 * Producer-side key frame requests, per media SSRC, after mediasoup's KeyFrameRequestManager:
 *
 * - `request(ssrc)` (a consumer needs a key frame) sends a PLI (RFC 4585 6.3.1) or a FIR
 *   (RFC 5104 4.3.1) unless one is already pending for that SSRC; a pending request that sees
 *   another ask is retried once if no key frame came within `retryTimeoutMs`.
 * - With `keyFrameRequestDelay` > 0 (the producer option), after a request the SSRC is quiet
 *   for that long: asks in between are coalesced into one request sent when the delay ends.
 * - `request(ssrc, now, true)` (a simulcast consumer waiting to switch to that stream) also
 *   retries at every timeout until the key frame comes: the sender may ignore a request (libwebrtc
 *   drops a PLI within 300 ms of the previous key frame request, whatever SSRC it named) and
 *   nothing else would ask again.
 * - A request sent less than 300 ms after the previous one (for another SSRC of the same sender,
 *   or for this one when its key frame came quickly and a new consumer asks) is likely dropped (libwebrtc's EncoderRtcpFeedback honours one key frame request per 300 ms
 *   for all the SSRCs of a send stream): it is sent again once that window is over (plus a
 *   margin), if its key frame has not come, instead of after the 1 s timeout. A simulcast
 *   consumer going down two layers in a row (2 -> 1 -> 0 as the estimate falls) otherwise
 *   waits a second more for the second switch, on a link that is already losing packets.
 * - `onKeyFrame(ssrc)` (a key frame arrived) clears the pending request.
 *
 * PLI vs FIR follows the codec's rtcpFeedback ('nack pli' preferred over 'ccm fir', as
 * mediasoup); FIR carries a command sequence number per SSRC, +1 for each request sent (a
 * timeout retry is a new command: the earlier key frame may have been sent and lost).
 *
 * No timers: call `onTimer(nowMs)` every ~100 ms while `hasPending` (or when `nextDueMs` says).
 */

/** mediasoup: wait this long for the key frame before one retry. */
export const KEY_FRAME_RETRY_TIMEOUT_MS = 1000;
/** libwebrtc (EncoderRtcpFeedback): a sender honours one key frame request per this long. */
export const SENDER_KEY_FRAME_INTERVAL_MS = 300;
/** After that window, wait this much more before asking again. */
const SENDER_WINDOW_MARGIN_MS = 50;

export type KeyFrameRequestKind = 'pli' | 'fir';

/** One request to send now. */
export interface KeyFrameRequest {
	ssrc: number;
	kind: KeyFrameRequestKind;
	/** FIR command sequence number (0-255); 0 for PLI. */
	firSequenceNumber: number;
}

export interface KeyFrameRequestManagerOptions {
	/** Producer `keyFrameRequestDelay` (ms); 0 = no delay. */
	keyFrameRequestDelay?: number;
	retryTimeoutMs?: number;
}

class SsrcState {
	readonly ssrc: number;
	kind: KeyFrameRequestKind | null;
	firSeq: number;
	pending: boolean;
	pendingUntilMs: number;
	retryOnTimeout: boolean;
	untilKeyFrame: boolean;
	delaying: boolean;
	delayUntilMs: number;
	delayedRequest: boolean;
	pliCount: number;
	firCount: number;

	constructor(ssrc: number, kind: KeyFrameRequestKind | null) {
		this.ssrc = ssrc;
		this.kind = kind;
		this.firSeq = 0;
		this.pending = false;
		this.pendingUntilMs = 0;
		this.retryOnTimeout = false;
		this.untilKeyFrame = false;
		this.delaying = false;
		this.delayUntilMs = 0;
		this.delayedRequest = false;
		this.pliCount = 0;
		this.firCount = 0;
	}
}

/** The request kind a codec's rtcpFeedback allows: PLI first, then FIR, else none. */
export function keyFrameRequestKind(rtcpFeedback: ReadonlyArray<{ type: string; parameter?: string }>): KeyFrameRequestKind | null {
	let fir = false;
	for (const fb of rtcpFeedback) {
		if (fb.type === 'nack' && fb.parameter === 'pli') return 'pli';
		if (fb.type === 'ccm' && fb.parameter === 'fir') fir = true;
	}
	return fir ? 'fir' : null;
}

export class KeyFrameRequestManager {
	readonly keyFrameRequestDelay: number;
	readonly retryTimeoutMs: number;
	private readonly streams: Map<number, SsrcState>;
	private readonly out: KeyFrameRequest[];
	/** The last request sent (any SSRC): when and for which SSRC. */
	private lastEmitMs: number;
	private lastEmitSsrc: number;

	constructor(options: KeyFrameRequestManagerOptions = {}) {
		this.keyFrameRequestDelay = Math.max(0, options.keyFrameRequestDelay ?? 0);
		this.retryTimeoutMs = options.retryTimeoutMs ?? KEY_FRAME_RETRY_TIMEOUT_MS;
		this.streams = new Map();
		this.out = [];
		this.lastEmitMs = -Infinity;
		this.lastEmitSsrc = -1;
	}

	/** Declares an SSRC and how to ask it (`keyFrameRequestKind(codec.rtcpFeedback)`). */
	addStream(ssrc: number, kind: KeyFrameRequestKind | null): void {
		const existing = this.streams.get(ssrc >>> 0);
		if (existing) existing.kind = kind;
		else this.streams.set(ssrc >>> 0, new SsrcState(ssrc >>> 0, kind));
	}

	removeStream(ssrc: number): void {
		this.streams.delete(ssrc >>> 0);
	}

	/**
	 * A consumer needs a key frame from `ssrc`: the request to send now, or undefined.
	 * `untilKeyFrame`: retry at every timeout until the key frame comes (a waiting switch).
	 */
	request(ssrc: number, nowMs: number, untilKeyFrame = false): KeyFrameRequest | undefined {
		const s = this.streams.get(ssrc >>> 0);
		if (s === undefined || s.kind === null) return undefined;
		if (untilKeyFrame) s.untilKeyFrame = true;
		if (this.keyFrameRequestDelay > 0) {
			if (s.delaying && nowMs < s.delayUntilMs) {
				s.delayedRequest = true;
				return undefined;
			}
			s.delaying = true;
			s.delayUntilMs = nowMs + this.keyFrameRequestDelay;
			s.delayedRequest = false;
		}
		if (s.pending && nowMs < s.pendingUntilMs) {
			// Already asked: ask again on timeout if the key frame does not come.
			s.retryOnTimeout = true;
			return undefined;
		}
		s.pending = true;
		s.pendingUntilMs = nowMs + this.retryTimeoutMs;
		s.retryOnTimeout = false;
		return this.emit(s, nowMs);
	}

	/**
	 * Requests regardless of a pending one (mediasoup ForceKeyFrameNeeded, e.g. a consumer
	 * resumed): restarts the delay and the retry timeout.
	 */
	forceRequest(ssrc: number, nowMs: number): KeyFrameRequest | undefined {
		const s = this.streams.get(ssrc >>> 0);
		if (s === undefined || s.kind === null) return undefined;
		if (this.keyFrameRequestDelay > 0) {
			s.delaying = true;
			s.delayUntilMs = nowMs + this.keyFrameRequestDelay;
			s.delayedRequest = false;
		}
		s.retryOnTimeout = s.pending;
		s.pending = true;
		s.pendingUntilMs = nowMs + this.retryTimeoutMs;
		return this.emit(s, nowMs);
	}

	/** A key frame arrived on `ssrc`: nothing is pending any more. */
	onKeyFrame(ssrc: number, _nowMs: number): void {
		const s = this.streams.get(ssrc >>> 0);
		if (s === undefined) return;
		s.pending = false;
		s.retryOnTimeout = false;
		s.untilKeyFrame = false;
	}

	/**
	 * Timeouts: a pending request whose key frame did not come is retried once if it was asked
	 * for again meanwhile (else dropped); a delay that ends with coalesced asks sends one
	 * request. Returns the requests to send (array reused by the next call).
	 */
	onTimer(nowMs: number): KeyFrameRequest[] {
		const out = this.out;
		out.length = 0;
		for (const s of this.streams.values()) {
			if (s.delaying && nowMs >= s.delayUntilMs) {
				s.delaying = false;
				if (s.delayedRequest) {
					s.delayedRequest = false;
					const r = this.request(s.ssrc, nowMs);
					if (r !== undefined) out.push(r);
				}
			}
			if (s.pending && nowMs >= s.pendingUntilMs) {
				if (!s.retryOnTimeout && !s.untilKeyFrame) {
					s.pending = false;
				} else {
					// Best effort in case the PLI/FIR was lost; no further retry.
					s.retryOnTimeout = false;
					s.pendingUntilMs = nowMs + this.retryTimeoutMs;
					out.push(this.emit(s, nowMs, true));
				}
			}
		}
		return out;
	}

	/** True while some SSRC waits for a key frame or a delay: keep calling `onTimer`. */
	get hasPending(): boolean {
		for (const s of this.streams.values()) if (s.pending || s.delaying) return true;
		return false;
	}

	/** Earliest time `onTimer` has something to do, or Infinity. */
	get nextDueMs(): number {
		let due = Infinity;
		for (const s of this.streams.values()) {
			if (s.pending && s.pendingUntilMs < due) due = s.pendingUntilMs;
			if (s.delaying && s.delayUntilMs < due) due = s.delayUntilMs;
		}
		return due;
	}

	/** PLI and FIR counts sent for `ssrc` (producer stats). */
	getCounts(ssrc: number): { pliCount: number; firCount: number } {
		const s = this.streams.get(ssrc >>> 0);
		return { pliCount: s?.pliCount ?? 0, firCount: s?.firCount ?? 0 };
	}

	/** `retry`: the same request again (its own window is the one it waited out: no early retry). */
	private emit(s: SsrcState, nowMs: number, retry = false): KeyFrameRequest {
		if (nowMs - this.lastEmitMs < SENDER_KEY_FRAME_INTERVAL_MS && !(retry && s.ssrc === this.lastEmitSsrc)) {
			// Within the sender's window of the last request (this SSRC, whose key frame has come
			// since, or another one): likely ignored, so ask again after it.
			s.pendingUntilMs = Math.min(s.pendingUntilMs, this.lastEmitMs + SENDER_KEY_FRAME_INTERVAL_MS + SENDER_WINDOW_MARGIN_MS);
			s.retryOnTimeout = true;
		}
		this.lastEmitMs = nowMs;
		this.lastEmitSsrc = s.ssrc;
		if (s.kind === 'fir') {
			s.firSeq = (s.firSeq + 1) & 0xff;
			s.firCount++;
			return { ssrc: s.ssrc, kind: 'fir', firSequenceNumber: s.firSeq };
		}
		s.pliCount++;
		return { ssrc: s.ssrc, kind: 'pli', firSequenceNumber: 0 };
	}
}

/**
 * The RTCP packet for a request. PLI: sender SSRC = media SSRC, as mediasoup sends it (it
 * notes gstreamer rejects 0). FIR: media source SSRC 0 (RFC 5104 4.3.1.2 "SHALL be set to 0"),
 * the target in the FCI.
 */
export function buildKeyFrameRequestPacket(
	request: KeyFrameRequest,
	senderSsrc: number = request.ssrc
): PictureLossIndication | FullIntraRequest {
	if (request.kind === 'pli') return new PictureLossIndication(senderSsrc, request.ssrc);
	return new FullIntraRequest({
		senderSsrc,
		mediaSsrc: 0,
		entries: [{ ssrc: request.ssrc, sequenceNumber: request.firSequenceNumber }],
	});
}
