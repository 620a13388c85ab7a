/**
 * Header extension ids on the media path. A packet enters with the ids its
 * sender negotiated (the producer's rtpParameters), is mapped once to the
 * router's ids (the preferredId of each URI in the router's capabilities,
 * fixed per URI as in mediasoup's supportedRtpCapabilities), and each
 * consumer maps the router's ids to its own.
 */

export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
export const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
export const RRID_URI = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';
export const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
export const DEPENDENCY_DESCRIPTOR_URI =
	'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
export const VIDEO_ORIENTATION_URI = 'urn:3gpp:video-orientation';
export const TOFFSET_URI = 'urn:ietf:params:rtp-hdrext:toffset';
export const ABS_CAPTURE_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';
export const PLAYOUT_DELAY_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';

/**
 * The router's id of each URI that travels through it (src/ortc's supported
 * capabilities use the same numbers). MID, RID and RRID identify the stream
 * on the way in and are not forwarded: each consumer writes its own MID.
 */
export const ROUTER_EXT_ID: Readonly<Record<string, number>> = {
	[ABS_SEND_TIME_URI]: 4,
	[TRANSPORT_CC_URI]: 5,
	[DEPENDENCY_DESCRIPTOR_URI]: 8,
	[AUDIO_LEVEL_URI]: 10,
	[VIDEO_ORIENTATION_URI]: 11,
	[TOFFSET_URI]: 12,
	[ABS_CAPTURE_TIME_URI]: 13,
	[PLAYOUT_DELAY_URI]: 14,
};

export const ROUTER_MID_ID = 1;
export const ROUTER_AUDIO_LEVEL_ID = 10;
export const ROUTER_VIDEO_ORIENTATION_ID = 11;

type ExtensionParameters = { uri?: unknown; id?: unknown }[] | undefined;

function idOf(headerExtensions: ExtensionParameters, uri: string): number {
	for (const ext of headerExtensions ?? []) {
		if (ext?.uri === uri && typeof ext.id === 'number' && ext.id >= 1 && ext.id <= 255) {
			return ext.id;
		}
	}

	return 0;
}

/** How a producer's packets are read and mapped to the router's ids. */
export type ProducerExtensionMap = {
	/** table[producer id] = router id (0 = drop). */
	table: Uint8Array;
	/** Whether mapping changes anything (else the packet is left alone). */
	identity: boolean;
	mid: number;
	rid: number;
	rrid: number;
	videoOrientation: number;
	transportCc: number;
	absSendTime: number;
};

export function producerExtensionMap(headerExtensions: ExtensionParameters): ProducerExtensionMap {
	const table = new Uint8Array(256);
	let identity = true;

	for (const ext of headerExtensions ?? []) {
		if (typeof ext?.id !== 'number' || typeof ext.uri !== 'string' || ext.id < 1 || ext.id > 255) {
			continue;
		}

		const routerId = ROUTER_EXT_ID[ext.uri] ?? 0;

		table[ext.id] = routerId;
		if (routerId !== ext.id) {
			identity = false;
		}
	}
	// Ids the producer did not negotiate must not travel either.
	for (let id = 1; id < 256; id++) {
		if (table[id] === 0 && Object.values(ROUTER_EXT_ID).includes(id)) {
			identity = false;
		}
	}

	return {
		table,
		identity,
		mid: idOf(headerExtensions, MID_URI),
		rid: idOf(headerExtensions, RID_URI),
		rrid: idOf(headerExtensions, RRID_URI),
		videoOrientation: idOf(headerExtensions, VIDEO_ORIENTATION_URI),
		transportCc: idOf(headerExtensions, TRANSPORT_CC_URI),
		absSendTime: idOf(headerExtensions, ABS_SEND_TIME_URI),
	};
}

/** How a consumer maps the router's ids to its own. */
export type ConsumerExtensionMap = {
	/** table[router id] = consumer id (0 = drop). Shared by consumers with the same ids: read only. */
	table: Uint8Array;
	identity: boolean;
	/** The consumer's MID extension id (0 = none). */
	mid: number;
};

/**
 * Consumer tables by content (the consumer ids of the router ids, in ROUTER_EXT_ID's order):
 * consumers negotiate a handful of id sets, and each table is an off-heap Uint8Array(256)
 * (~0.6 KiB). Bounded, in case an application hands out many different ids.
 */
const consumerTables = new Map<string, Uint8Array>();
const MAX_CONSUMER_TABLES = 64;

export function consumerExtensionMap(headerExtensions: ExtensionParameters): ConsumerExtensionMap {
	const routerExtensions = Object.entries(ROUTER_EXT_ID);
	const ids = routerExtensions.map(([uri]) => idOf(headerExtensions, uri));
	const identity = routerExtensions.every(([, routerId], i) => ids[i] === routerId);
	const key = ids.join(',');
	let table = consumerTables.get(key);

	if (table === undefined) {
		table = new Uint8Array(256);
		for (let i = 0; i < routerExtensions.length; i++) {
			table[routerExtensions[i]![1]] = ids[i]!;
		}
		if (consumerTables.size < MAX_CONSUMER_TABLES) {
			consumerTables.set(key, table);
		}
	}

	return { table, identity, mid: idOf(headerExtensions, MID_URI) };
}
