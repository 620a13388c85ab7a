/**
 * Rollover counter estimate of RFC 3711 section 3.3.1 / appendix A: given the stream's ROC and
 * highest sequence number s_l, the ROC v of a packet with sequence number `seq` is the one that
 * puts its index nearest to ROC * 2^16 + s_l. May return roc - 1 (possibly -1 when the packet
 * predates the stream's first packet; the caller drops it) or roc + 1 (mod 2^32 is not applied:
 * a session must be re-keyed long before 2^48 packets).
 */
export function estimateRoc(roc: number, sl: number, seq: number): number {
	if (sl < 0x8000) {
		return seq - sl > 0x8000 ? roc - 1 : roc;
	}
	return sl - 0x8000 > seq ? roc + 1 : roc;
}

/** Per-SSRC SRTP state for one direction. */
export class RtpStreamState {
	roc: number;
	/** Highest sequence number seen with the current ROC (s_l). */
	sl: number;

	constructor(firstSeq: number, roc = 0) {
		this.roc = roc;
		this.sl = firstSeq;
	}

	/** RFC 3711 section 3.3.1: update ROC and s_l once a packet with ROC guess v is accepted. */
	update(v: number, seq: number): void {
		if (v > this.roc) {
			this.roc = v;
			this.sl = seq;
		} else if (v === this.roc && seq > this.sl) {
			this.sl = seq;
		}
	}
}
