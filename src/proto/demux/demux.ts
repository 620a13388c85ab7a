/**
 * First-byte demultiplexing of a datagram on a shared 5-tuple (RFC 7983 §7, which updates
 * RFC 5764 §5.1.2), then RTP vs RTCP on a muxed port (RFC 5761 §4).
 *
 * Only looks at the first two bytes: each protocol's own parser validates the rest.
 */
export const PacketKind = {
	Unknown: 0,
	/** 0-3: STUN (RFC 5389). */
	Stun: 1,
	/** 16-19: ZRTP (RFC 6189). */
	Zrtp: 2,
	/** 20-63: DTLS (RFC 6347). */
	Dtls: 3,
	/** 64-79: TURN channel data (RFC 5766). */
	TurnChannel: 4,
	/** 128-191, second byte not 192-223. */
	Rtp: 5,
	/** 128-191, second byte 192-223. */
	Rtcp: 6,
} as const;
export type PacketKind = (typeof PacketKind)[keyof typeof PacketKind];

export function classifyPacket(data: Uint8Array): PacketKind {
	if (data.length === 0) return PacketKind.Unknown;
	const b = data[0];
	if (b <= 3) return PacketKind.Stun;
	if (b >= 128 && b <= 191) {
		if (data.length < 2) return PacketKind.Unknown;
		return isRtcpSecondByte(data[1]) ? PacketKind.Rtcp : PacketKind.Rtp;
	}
	if (b >= 20 && b <= 63) return PacketKind.Dtls;
	if (b >= 16 && b <= 19) return PacketKind.Zrtp;
	if (b >= 64 && b <= 79) return PacketKind.TurnChannel;
	return PacketKind.Unknown;
}

/**
 * RFC 5761 §4: RTCP packet types 192-223 occupy the RTP marker bit plus payload types 64-95,
 * which RTP therefore must not use when muxed.
 */
export function isRtcpSecondByte(b: number): boolean {
	return b >= 192 && b <= 223;
}

export function isStun(data: Uint8Array): boolean {
	return data.length > 0 && data[0] <= 3;
}

export function isDtls(data: Uint8Array): boolean {
	return data.length > 0 && data[0] >= 20 && data[0] <= 63;
}

/** RTP or RTCP (RFC 7983 range 128-191). */
export function isRtpOrRtcp(data: Uint8Array): boolean {
	return data.length > 0 && data[0] >= 128 && data[0] <= 191;
}

export function isRtp(data: Uint8Array): boolean {
	return data.length >= 2 && data[0] >= 128 && data[0] <= 191 && !isRtcpSecondByte(data[1]);
}

export function isRtcp(data: Uint8Array): boolean {
	return data.length >= 2 && data[0] >= 128 && data[0] <= 191 && isRtcpSecondByte(data[1]);
}
