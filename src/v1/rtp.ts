/**
 * RTP dictionaries in mediasoup v1's shape and their conversion to and from
 * broth's v3 shape.
 *
 * v1 names a codec by `name` ('opus', 'VP8', 'rtx'; early v1 also wrote
 * 'audio/opus') next to its `kind`, calls the BUNDLE id `muxId`, the RID of an
 * encoding `encodingId`, and (following ORTC) the channel count `numChannels`.
 * v3 uses `mimeType`, `mid`, `rid` and `channels`. Input may be in either
 * shape (or a mix); output in v1's shape also carries the v3 names
 * (`mimeType`, `channels`, `mid`, `rid`) so that code written against either
 * finds what it reads.
 */
import type {
	MediaKind,
	RouterRtpCodecCapability,
	RtcpFeedback,
	RtpCapabilities,
	RtpCodecCapability,
	RtpCodecParameters,
	RtpEncodingParameters,
	RtpHeaderExtension,
	RtpHeaderExtensionParameters,
	RtpHeaderExtensionUri,
	RtpParameters,
} from '../ortc/rtpParametersTypes';

/** v1's kinds. v1 also knew 'depth'; broth routes audio and video only. */
export type V1MediaKind = MediaKind;

/** A codec as v1 wrote it in `mediaCodecs`, capabilities and parameters. */
export type V1RtpCodec = {
	/** 'audio' or 'video' ('' or missing: taken from `mimeType` or the context). */
	kind?: MediaKind | '';
	/** Codec name, e.g. 'opus', 'VP8', 'rtx' (or 'audio/opus'). */
	name?: string;
	/** v3 spelling, e.g. 'audio/opus'. Either `name` or `mimeType` is needed. */
	mimeType?: string;
	clockRate: number;
	/** Payload type (v1 media codecs and parameters). */
	payloadType?: number;
	/** Preferred payload type (capabilities). */
	preferredPayloadType?: number;
	/** v1/ORTC spelling of the channel count. */
	numChannels?: number;
	/** v3 spelling of the channel count. */
	channels?: number;
	maxptime?: number;
	ptime?: number;
	parameters?: Record<string, unknown>;
	rtcpFeedback?: RtcpFeedback[];
};

export type V1RtpHeaderExtension = {
	/** 'audio', 'video', or '' (both). */
	kind?: MediaKind | '';
	uri: string;
	preferredId: number;
	preferredEncrypt?: boolean;
	direction?: RtpHeaderExtension['direction'];
};

export type V1RtpCapabilities = {
	codecs?: V1RtpCodec[];
	headerExtensions?: V1RtpHeaderExtension[];
	/** v1 listed FEC mechanisms; broth has none and ignores them. */
	fecMechanisms?: string[];
};

export type V1RtpHeaderExtensionParameters = {
	uri: string;
	id: number;
	encrypt?: boolean;
	parameters?: Record<string, unknown>;
};

export type V1RtpEncodingParameters = {
	ssrc?: number;
	/** v1 spelling of the RID. */
	encodingId?: string;
	/** v3 spelling of the RID. */
	rid?: string;
	codecPayloadType?: number;
	rtx?: { ssrc: number };
	/** v1 fields broth does not use; accepted and dropped. */
	fec?: unknown;
	active?: boolean;
	resolutionScale?: number;
	framerateScale?: number;
	maxFramerate?: number;
	dependencyEncodingIds?: string[];
	dtx?: boolean;
	scalabilityMode?: string;
	maxBitrate?: number;
};

export type V1RtpParameters = {
	/** v1 spelling of the BUNDLE id. */
	muxId?: string;
	/** v3 spelling of the BUNDLE id. */
	mid?: string;
	codecs: V1RtpCodec[];
	headerExtensions?: V1RtpHeaderExtensionParameters[];
	encodings?: V1RtpEncodingParameters[];
	rtcp?: { cname?: string; reducedSize?: boolean; mux?: boolean };
};

function isObject(value: unknown): value is Record<string, any> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isKind(value: unknown): value is MediaKind {
	return value === 'audio' || value === 'video';
}

/**
 * The v3 MIME type of a codec given in either shape. `kind` is the context's
 * kind (a receiver's) used when the codec names neither its kind nor a MIME
 * type. Throws TypeError when it cannot be told.
 */
export function codecMimeType(codec: V1RtpCodec, kind?: MediaKind): string {
	if (!isObject(codec)) {
		throw new TypeError('codec must be an object');
	}

	if (typeof codec.mimeType === 'string' && codec.mimeType.includes('/')) {
		return codec.mimeType;
	}

	if (typeof codec.name !== 'string' || !codec.name) {
		throw new TypeError('codec needs a name (v1) or a mimeType (v3)');
	}

	if (codec.name.includes('/')) {
		return codec.name;
	}

	const codecKind = isKind(codec.kind) ? codec.kind : kind;

	if (!codecKind) {
		throw new TypeError(`codec "${codec.name}" has no kind`);
	}

	return `${codecKind}/${codec.name}`;
}

function kindOfMimeType(mimeType: string): MediaKind | undefined {
	const kind = mimeType.split('/')[0]!.toLowerCase();

	return isKind(kind) ? kind : undefined;
}

function channelsOf(codec: V1RtpCodec): number | undefined {
	const channels = codec.channels ?? codec.numChannels;

	return typeof channels === 'number' ? channels : undefined;
}

function optional<T extends Record<string, unknown>>(object: T): T {
	for (const key of Object.keys(object)) {
		if (object[key] === undefined) {
			delete object[key];
		}
	}

	return object;
}

function cloneJson<T>(value: T): T {
	return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** Whether a codec (either shape) is RTX. */
export function isV1RtxCodec(codec: V1RtpCodec): boolean {
	const name = typeof codec.mimeType === 'string' ? codec.mimeType : String(codec.name ?? '');

	return /(^|\/)rtx$/i.test(name);
}

/**
 * A room's `mediaCodecs` (either shape) as the router's. RTX entries are
 * dropped: a v3 router adds RTX for every video codec by itself.
 */
export function toV3MediaCodecs(mediaCodecs: V1RtpCodec[]): RouterRtpCodecCapability[] {
	if (!Array.isArray(mediaCodecs)) {
		throw new TypeError('mediaCodecs must be an Array');
	}

	const codecs: RouterRtpCodecCapability[] = [];

	for (const codec of mediaCodecs) {
		if (!isObject(codec)) {
			throw new TypeError('each media codec must be an object');
		}
		if (isV1RtxCodec(codec)) {
			continue;
		}

		const mimeType = codecMimeType(codec);
		const kind = isKind(codec.kind) ? codec.kind : kindOfMimeType(mimeType);

		if (!kind) {
			throw new TypeError(`media codec "${mimeType}" has no valid kind`);
		}

		codecs.push(
			optional({
				kind,
				mimeType,
				preferredPayloadType: codec.preferredPayloadType ?? codec.payloadType,
				clockRate: codec.clockRate,
				channels: channelsOf(codec),
				parameters: cloneJson(codec.parameters),
				rtcpFeedback: cloneJson(codec.rtcpFeedback),
			}) as RouterRtpCodecCapability,
		);
	}

	return codecs;
}

/** RTP capabilities (either shape) in v3's shape. */
export function toV3Capabilities(capabilities: V1RtpCapabilities | RtpCapabilities): RtpCapabilities {
	if (!isObject(capabilities)) {
		throw new TypeError('capabilities must be an object');
	}

	const caps = capabilities as V1RtpCapabilities;

	if (caps.codecs !== undefined && !Array.isArray(caps.codecs)) {
		throw new TypeError('capabilities.codecs must be an Array');
	}
	if (caps.headerExtensions !== undefined && !Array.isArray(caps.headerExtensions)) {
		throw new TypeError('capabilities.headerExtensions must be an Array');
	}

	const codecs: RtpCodecCapability[] = [];

	for (const codec of caps.codecs ?? []) {
		const mimeType = codecMimeType(codec);
		const kind = isKind(codec.kind) ? codec.kind : kindOfMimeType(mimeType);

		if (!kind) {
			throw new TypeError(`codec "${mimeType}" has no valid kind`);
		}

		codecs.push(
			optional({
				kind,
				mimeType,
				preferredPayloadType: codec.preferredPayloadType ?? codec.payloadType,
				clockRate: codec.clockRate,
				channels: channelsOf(codec),
				parameters: cloneJson(codec.parameters),
				rtcpFeedback: cloneJson(codec.rtcpFeedback),
			}) as RtpCodecCapability,
		);
	}

	const headerExtensions: RtpHeaderExtension[] = [];

	for (const ext of caps.headerExtensions ?? []) {
		if (!isObject(ext)) {
			throw new TypeError('each header extension must be an object');
		}

		// v1: an empty kind means the extension applies to every kind.
		const kinds: MediaKind[] = isKind(ext.kind) ? [ext.kind] : ['audio', 'video'];

		for (const kind of kinds) {
			headerExtensions.push(
				optional({
					kind,
					uri: ext.uri as RtpHeaderExtensionUri,
					preferredId: ext.preferredId,
					preferredEncrypt: ext.preferredEncrypt,
					direction: ext.direction,
				}) as RtpHeaderExtension,
			);
		}
	}

	return { codecs, headerExtensions };
}

/** A v3 codec (capability or parameters) in v1's shape (keeping the v3 names too). */
function toV1Codec(codec: RtpCodecCapability | RtpCodecParameters, kind?: MediaKind): V1RtpCodec {
	const [type, subtype] = codec.mimeType.split('/') as [string, string];
	const codecKind = (codec as RtpCodecCapability).kind ?? (isKind(type) ? type : kind);

	return optional({
		kind: codecKind,
		name: subtype,
		mimeType: codec.mimeType,
		clockRate: codec.clockRate,
		payloadType: (codec as RtpCodecParameters).payloadType,
		preferredPayloadType: (codec as RtpCodecCapability).preferredPayloadType,
		numChannels: codec.channels,
		channels: codec.channels,
		parameters: cloneJson(codec.parameters) ?? {},
		rtcpFeedback: cloneJson(codec.rtcpFeedback) ?? [],
	});
}

/** v3 RTP capabilities in v1's shape. */
export function toV1Capabilities(capabilities: RtpCapabilities): V1RtpCapabilities {
	return {
		codecs: (capabilities.codecs ?? []).map((codec) => toV1Codec(codec)),
		headerExtensions: (capabilities.headerExtensions ?? []).map((ext) =>
			optional({
				kind: ext.kind,
				uri: ext.uri,
				preferredId: ext.preferredId,
				preferredEncrypt: ext.preferredEncrypt ?? false,
				direction: ext.direction,
			}),
		),
		fecMechanisms: [],
	};
}

/** RTP parameters (either shape) in v3's shape; `kind` names codecs without one. */
export function toV3Parameters(parameters: V1RtpParameters | RtpParameters, kind: MediaKind): RtpParameters {
	if (!isObject(parameters)) {
		throw new TypeError('rtpParameters must be an object');
	}

	const params = parameters as V1RtpParameters;

	if (!Array.isArray(params.codecs)) {
		throw new TypeError('rtpParameters.codecs must be an Array');
	}
	if (params.headerExtensions !== undefined && !Array.isArray(params.headerExtensions)) {
		throw new TypeError('rtpParameters.headerExtensions must be an Array');
	}
	if (params.encodings !== undefined && !Array.isArray(params.encodings)) {
		throw new TypeError('rtpParameters.encodings must be an Array');
	}

	const mid = params.mid ?? params.muxId;

	if (mid !== undefined && typeof mid !== 'string') {
		throw new TypeError('rtpParameters.muxId/mid must be a string');
	}

	const codecs: RtpCodecParameters[] = params.codecs.map((codec) => {
		const mimeType = codecMimeType(codec, kind);
		const codecKind = kindOfMimeType(mimeType);

		if (codecKind && codecKind !== kind) {
			throw new TypeError(`codec "${mimeType}" is not of kind "${kind}"`);
		}

		return optional({
			mimeType,
			payloadType: codec.payloadType ?? (codec.preferredPayloadType as number),
			clockRate: codec.clockRate,
			channels: channelsOf(codec),
			parameters: cloneJson(codec.parameters),
			rtcpFeedback: cloneJson(codec.rtcpFeedback),
		}) as RtpCodecParameters;
	});

	const headerExtensions: RtpHeaderExtensionParameters[] = (params.headerExtensions ?? []).map((ext) =>
		optional({
			uri: ext.uri as RtpHeaderExtensionUri,
			id: ext.id,
			encrypt: ext.encrypt,
			parameters: cloneJson(ext.parameters),
		}) as RtpHeaderExtensionParameters,
	);

	const encodings: RtpEncodingParameters[] = (params.encodings ?? []).map((encoding) => {
		if (!isObject(encoding)) {
			throw new TypeError('each encoding must be an object');
		}

		return optional({
			ssrc: encoding.ssrc,
			rid: encoding.rid ?? encoding.encodingId,
			codecPayloadType: encoding.codecPayloadType,
			rtx: encoding.rtx && typeof encoding.rtx.ssrc === 'number' ? { ssrc: encoding.rtx.ssrc } : undefined,
			dtx: encoding.dtx,
			scalabilityMode: encoding.scalabilityMode,
			maxBitrate: encoding.maxBitrate,
		}) as RtpEncodingParameters;
	});

	const rtcp = params.rtcp
		? optional({ cname: params.rtcp.cname, reducedSize: params.rtcp.reducedSize })
		: undefined;

	return optional({ mid, codecs, headerExtensions, encodings, rtcp }) as RtpParameters;
}

/** v3 RTP parameters in v1's shape (keeping the v3 names too). */
export function toV1Parameters(parameters: RtpParameters, kind: MediaKind): V1RtpParameters {
	return optional({
		muxId: parameters.mid,
		mid: parameters.mid,
		codecs: parameters.codecs.map((codec) => toV1Codec(codec, kind)),
		headerExtensions: (parameters.headerExtensions ?? []).map((ext) =>
			optional({
				uri: ext.uri,
				id: ext.id,
				encrypt: ext.encrypt ?? false,
				parameters: cloneJson(ext.parameters) ?? {},
			}),
		),
		encodings: (parameters.encodings ?? []).map((encoding) =>
			optional({
				ssrc: encoding.ssrc,
				encodingId: encoding.rid,
				rid: encoding.rid,
				codecPayloadType: encoding.codecPayloadType,
				rtx: encoding.rtx ? { ssrc: encoding.rtx.ssrc } : undefined,
				dtx: encoding.dtx,
				scalabilityMode: encoding.scalabilityMode,
				maxBitrate: encoding.maxBitrate,
			}),
		),
		rtcp: parameters.rtcp
			? optional({ cname: parameters.rtcp.cname, reducedSize: parameters.rtcp.reducedSize ?? true, mux: true })
			: undefined,
	});
}

/**
 * A peer's capabilities reduced to what the room supports (v1's "effective
 * capabilities"): media codecs matching one of the room's, RTX codecs whose
 * `apt` points at a kept codec, and header extensions the room has for the
 * same kind. The peer's own payload types and ids are kept, since they are
 * what its endpoint will use.
 */
export function filterCapabilities(
	peerCapabilities: RtpCapabilities,
	roomCapabilities: RtpCapabilities,
	matchCodecs: (a: RtpCodecCapability, b: RtpCodecCapability) => boolean,
): RtpCapabilities {
	const roomCodecs = roomCapabilities.codecs ?? [];
	const peerCodecs = peerCapabilities.codecs ?? [];
	const isRtx = (codec: RtpCodecCapability): boolean => /\/rtx$/i.test(codec.mimeType);
	const codecs: RtpCodecCapability[] = [];

	for (const codec of peerCodecs) {
		if (isRtx(codec)) {
			continue;
		}
		if (roomCodecs.some((roomCodec) => !isRtx(roomCodec) && roomCodec.kind === codec.kind && matchCodecs(roomCodec, codec))) {
			codecs.push(cloneJson(codec));
		}
	}

	for (const codec of peerCodecs) {
		if (!isRtx(codec)) {
			continue;
		}

		const apt = codec.parameters?.apt;

		if (codecs.some((kept) => !isRtx(kept) && kept.preferredPayloadType === apt)) {
			codecs.push(cloneJson(codec));
		}
	}

	const headerExtensions = (peerCapabilities.headerExtensions ?? [])
		.filter((ext) =>
			(roomCapabilities.headerExtensions ?? []).some((roomExt) => roomExt.kind === ext.kind && roomExt.uri === ext.uri),
		)
		.map((ext) => cloneJson(ext));

	return { codecs, headerExtensions };
}
