import { ApplicationDefined } from './app';
import { Goodbye } from './bye';
import { FullIntraRequest } from './fir';
import {
	FMT_AFB,
	FMT_FIR,
	FMT_NACK,
	FMT_PLI,
	FMT_SLI,
	FMT_TRANSPORT_CC,
	PT_APP,
	PT_BYE,
	PT_PSFB,
	PT_RR,
	PT_RTPFB,
	PT_SDES,
	PT_SR,
	PT_XR,
	RTCP_HEADER_LENGTH,
	allocPacket,
	copyBytes,
	checkPacket,
	checkPadding,
	rtcpPacketLength,
	writeHeader,
} from './header';
import { GenericNack } from './nack';
import { PictureLossIndication } from './pli';
import { ReceiverReport } from './receiverreport';
import { Remb } from './remb';
import { SourceDescription } from './sdes';
import { SenderReport } from './senderreport';
import { SliceLossIndication } from './sli';
import { TransportCcFeedback } from './transportcc';
import { ExtendedReport } from './xr';

/**
 * Any packet type this module does not model (TMMBR, RPSI, other AFB, future types), kept as
 * bytes so that it can be forwarded or re-serialized unchanged.
 */
export class RawRtcpPacket {
	readonly kind = 'raw' as const;
	packetType: number;
	/** The 5-bit count / FMT / subtype field. */
	count: number;
	/** Everything after the 4-byte header, padding excluded. */
	body: Uint8Array;
	padding: number;

	constructor(packetType = 0, count = 0, body: Uint8Array = new Uint8Array(0), padding = 0) {
		this.packetType = packetType;
		this.count = count;
		this.body = body;
		this.padding = padding;
	}

	static parse(b: Uint8Array, offset = 0, length = b.length - offset): RawRtcpPacket | undefined {
		if (length < RTCP_HEADER_LENGTH) return undefined;
		const padding = checkPacket(b, offset, length, b[offset + 1]);
		if (padding < 0) return undefined;
		return new RawRtcpPacket(b[offset + 1], b[offset] & 0x1f, copyBytes(b, offset + 4, offset + length - padding), padding);
	}

	size(): number {
		return RTCP_HEADER_LENGTH + this.body.length + this.padding;
	}

	serializeInto(b: Uint8Array, offset: number): number {
		checkPadding(this.padding);
		const size = this.size();
		writeHeader(b, offset, this.count, this.packetType, size, this.padding);
		b.set(this.body, offset + 4);
		return size;
	}

	serialize(): Buffer {
		const b = allocPacket(this.size());
		this.serializeInto(b, 0);
		return b;
	}
}

export type RtcpPacket =
	| SenderReport
	| ReceiverReport
	| SourceDescription
	| Goodbye
	| ApplicationDefined
	| GenericNack
	| TransportCcFeedback
	| PictureLossIndication
	| SliceLossIndication
	| FullIntraRequest
	| Remb
	| ExtendedReport
	| RawRtcpPacket;

/**
 * Parses the one packet at `b[offset, offset + length)` into its type, or RawRtcpPacket for
 * types and feedback formats not modelled here. Undefined when the packet is malformed.
 */
export function parseRtcpPacket(b: Uint8Array, offset = 0, length = b.length - offset): RtcpPacket | undefined {
	if (length < RTCP_HEADER_LENGTH || offset < 0 || offset + length > b.length) return undefined;
	const fmt = b[offset] & 0x1f;
	switch (b[offset + 1]) {
		case PT_SR:
			return SenderReport.parse(b, offset, length);
		case PT_RR:
			return ReceiverReport.parse(b, offset, length);
		case PT_SDES:
			return SourceDescription.parse(b, offset, length);
		case PT_BYE:
			return Goodbye.parse(b, offset, length);
		case PT_APP:
			return ApplicationDefined.parse(b, offset, length);
		case PT_XR:
			return ExtendedReport.parse(b, offset, length);
		case PT_RTPFB:
			if (fmt === FMT_NACK) return GenericNack.parse(b, offset, length);
			if (fmt === FMT_TRANSPORT_CC) return TransportCcFeedback.parse(b, offset, length);
			break;
		case PT_PSFB:
			if (fmt === FMT_PLI) return PictureLossIndication.parse(b, offset, length);
			if (fmt === FMT_SLI) return SliceLossIndication.parse(b, offset, length);
			if (fmt === FMT_FIR) return FullIntraRequest.parse(b, offset, length);
			if (fmt === FMT_AFB && Remb.isRemb(b, offset, length)) return Remb.parse(b, offset, length);
			break;
	}
	return RawRtcpPacket.parse(b, offset, length);
}

export interface RtcpParseOptions {
	/**
	 * Accept reduced-size RTCP (RFC 5506 section 3.4.2): the datagram need not start with an SR
	 * or RR, e.g. a lone PLI or transport-cc from Chromium. Off by default (RFC 3550 A.2).
	 */
	allowReducedSize?: boolean;
	/**
	 * Accept padding in packets other than the last. RFC 3550 A.2 forbids it, but libwebrtc
	 * sets the P bit on each transport-cc packet and may send several in one datagram.
	 */
	allowPaddingAnywhere?: boolean;
}

/**
 * The structural checks of RFC 3550 appendix A.2 on a whole datagram, without parsing bodies:
 * version 2 in every header, padding only in the last packet, packet lengths adding up exactly
 * to the datagram, and an SR or RR first (unless reduced-size RTCP is allowed).
 * Returns the number of packets, or -1. Allocates nothing.
 */
export function validateCompound(b: Uint8Array, options?: RtcpParseOptions): number {
	const total = b.length;
	if (total < RTCP_HEADER_LENGTH) return -1;
	const pt = b[1];
	if (!options?.allowReducedSize && pt !== PT_SR && pt !== PT_RR) return -1;
	const paddingAnywhere = options?.allowPaddingAnywhere === true;
	let offset = 0;
	let count = 0;
	while (offset < total) {
		if (total - offset < RTCP_HEADER_LENGTH || (b[offset] >>> 6) !== 2) return -1;
		const length = rtcpPacketLength(b, offset);
		if (offset + length > total) return -1;
		if ((b[offset] & 0x20) !== 0 && offset + length !== total && !paddingAnywhere) return -1;
		offset += length;
		count++;
	}
	return count;
}

/**
 * Validates (see validateCompound) and parses every packet of a datagram. Undefined when the
 * datagram or any packet in it is malformed: the caller counts and drops it.
 */
export function parseCompound(b: Uint8Array, options?: RtcpParseOptions): RtcpPacket[] | undefined {
	if (validateCompound(b, options) < 0) return undefined;
	const packets: RtcpPacket[] = [];
	let offset = 0;
	while (offset < b.length) {
		const length = rtcpPacketLength(b, offset);
		const packet = parseRtcpPacket(b, offset, length);
		if (!packet) return undefined;
		packets.push(packet);
		offset += length;
	}
	return packets;
}

/** Serializes packets back to back into one datagram. */
export function serializeCompound(packets: readonly RtcpPacket[]): Buffer {
	let size = 0;
	for (const packet of packets) size += packet.size();
	const b = allocPacket(size);
	let offset = 0;
	for (const packet of packets) offset += packet.serializeInto(b, offset);
	return b;
}
