/** Statistics of an RTP stream received by the SFU. */
export type RtpStreamRecvStats = BaseRtpStreamStats & {
	type: string;
	jitter: number;
	packetCount: number;
	byteCount: number;
	bitrate: number;
	bitrateByLayer: BitrateByLayer;
};

/** Statistics of an RTP stream sent by the SFU. */
export type RtpStreamSendStats = BaseRtpStreamStats & {
	type: string;
	packetCount: number;
	byteCount: number;
	bitrate: number;
};

/** Fields common to received and sent stream statistics. */
export type BaseRtpStreamStats = {
	timestamp: number;
	ssrc: number;
	rtxSsrc?: number;
	rid?: string;
	kind: string;
	mimeType: string;
	packetsLost: number;
	fractionLost: number;
	packetsDiscarded: number;
	packetsRetransmitted: number;
	packetsRepaired: number;
	nackCount: number;
	nackPacketCount: number;
	pliCount: number;
	firCount: number;
	score: number;
	roundTripTime?: number;
	rtxPacketsDiscarded?: number;
};

/** Bitrate per layer, keyed 'spatial.temporal' (e.g. '0.1'). */
export type BitrateByLayer = {
	[key: string]: number;
};
