import { readU32, writeU32 } from './header';

/** Size of one report block (RFC 3550 section 6.4.1). */
export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlockInit {
	ssrc?: number;
	fractionLost?: number;
	cumulativeLost?: number;
	highestSequenceNumber?: number;
	jitter?: number;
	lastSr?: number;
	delaySinceLastSr?: number;
}

/**
 * One reception report block, shared by SR and RR (RFC 3550 section 6.4.1):
 * SSRC, fraction lost (8 bits, fixed point /256), cumulative number of packets lost (24-bit
 * signed: duplicates can make it negative), extended highest sequence number, interarrival
 * jitter, LSR (middle 32 bits of the last SR's NTP time) and DLSR (units of 1/65536 s).
 */
export class ReportBlock {
	ssrc: number;
	fractionLost: number;
	cumulativeLost: number;
	highestSequenceNumber: number;
	jitter: number;
	lastSr: number;
	delaySinceLastSr: number;

	constructor(init: ReportBlockInit = {}) {
		this.ssrc = init.ssrc ?? 0;
		this.fractionLost = init.fractionLost ?? 0;
		this.cumulativeLost = init.cumulativeLost ?? 0;
		this.highestSequenceNumber = init.highestSequenceNumber ?? 0;
		this.jitter = init.jitter ?? 0;
		this.lastSr = init.lastSr ?? 0;
		this.delaySinceLastSr = init.delaySinceLastSr ?? 0;
	}

	/** Reads a block at `offset`; the caller has checked that 24 bytes are there. */
	static read(b: Uint8Array, offset: number): ReportBlock {
		const block = new ReportBlock();
		block.ssrc = readU32(b, offset);
		block.fractionLost = b[offset + 4];
		// Sign-extend the 24-bit cumulative loss.
		block.cumulativeLost = ((b[offset + 5] << 24) | (b[offset + 6] << 16) | (b[offset + 7] << 8)) >> 8;
		block.highestSequenceNumber = readU32(b, offset + 8);
		block.jitter = readU32(b, offset + 12);
		block.lastSr = readU32(b, offset + 16);
		block.delaySinceLastSr = readU32(b, offset + 20);
		return block;
	}

	/**
	 * Writes the block at `offset`. The cumulative loss is clamped to the 24-bit signed range, as
	 * RFC 3550 appendix A.3 asks of the sender when the true count does not fit.
	 */
	writeInto(b: Uint8Array, offset: number): void {
		writeU32(b, offset, this.ssrc);
		b[offset + 4] = this.fractionLost;
		const lost = Math.max(-0x800000, Math.min(0x7fffff, this.cumulativeLost | 0));
		b[offset + 5] = lost >>> 16;
		b[offset + 6] = lost >>> 8;
		b[offset + 7] = lost;
		writeU32(b, offset + 8, this.highestSequenceNumber);
		writeU32(b, offset + 12, this.jitter);
		writeU32(b, offset + 16, this.lastSr);
		writeU32(b, offset + 20, this.delaySinceLastSr);
	}
}
