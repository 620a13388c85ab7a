/** SCTP capabilities of an endpoint. */
export type SctpCapabilities = {
	numStreams: NumSctpStreams;
};

/**
 * Stream counts negotiated in the SCTP INIT/INIT-ACK (RFC 4960 section 3.3.2).
 * OS is the number of outgoing streams the SFU opens (used by DataConsumers);
 * MIS is the most incoming streams it accepts (used by DataProducers).
 *
 * libwebrtc does not implement SCTP_ADD_STREAMS (RFC 6525), so when data
 * consumers are wanted toward it, OS should be 1024 (its channel limit);
 * Firefox does, so a smaller OS grows on demand.
 */
export type NumSctpStreams = {
	/** Initially requested number of outgoing streams. */
	OS: number;
	/** Maximum number of incoming streams. */
	MIS: number;
};

/** SCTP association parameters. */
export type SctpParameters = {
	/** SCTP port; always 5000. */
	port: number;
	/** Initially requested number of outgoing streams. */
	OS: number;
	/** Maximum number of incoming streams. */
	MIS: number;
	/** Largest message size accepted. */
	maxMessageSize: number;
};

/**
 * Reliability of one SCTP stream (RFC 8831). Ordered streams are reliable, so
 * they take neither maxPacketLifeTime nor maxRetransmits; an unordered stream
 * takes at most one of the two.
 */
export type SctpStreamParameters = {
	/** Stream id. */
	streamId: number;
	/** In-order (and reliable) delivery. Defaults to true. */
	ordered?: boolean;
	/** For unordered streams: give up retransmitting after this many ms. */
	maxPacketLifeTime?: number;
	/** For unordered streams: give up after this many retransmissions. */
	maxRetransmits?: number;
};

/** SCTP state as reported by a transport dump. */
export type SctpParametersDump = {
	port: number;
	OS: number;
	MIS: number;
	maxMessageSize: number;
	sendBufferSize: number;
	sctpBufferedAmount: number;
	isDataChannel: boolean;
};
