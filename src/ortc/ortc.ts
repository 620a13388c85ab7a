import { randomInt } from 'node:crypto';
import * as h264 from 'h264-profile-level-id';

import { UnsupportedError } from '../api/errors';
import { parseScalabilityMode } from './scalabilityModes';
import { supportedRtpCapabilities } from './supportedRtpCapabilities';
import type {
	MediaKind,
	RouterRtpCapabilities,
	RouterRtpCodecCapability,
	RtcpFeedback,
	RtcpParameters,
	RtpCapabilities,
	RtpCodecCapability,
	RtpCodecParameters,
	RtpEncodingParameters,
	RtpHeaderExtension,
	RtpHeaderExtensionParameters,
	RtpParameters,
} from './rtpParametersTypes';
import type {
	NumSctpStreams,
	SctpCapabilities,
	SctpParameters,
	SctpStreamParameters,
} from './sctpParametersTypes';

/**
 * How a producer's payload types and streams map onto the router's: the
 * worker rewrites incoming packets with these values.
 */
export type RtpCodecsEncodingsMapping = {
	codecs: {
		payloadType: number;
		mappedPayloadType: number;
	}[];
	encodings: {
		ssrc?: number;
		rid?: string;
		scalabilityMode?: string;
		mappedSsrc: number;
	}[];
};

// Dynamic payload types (RFC 3551 section 6) in the order mediasoup hands them
// out: 100-127 first, then 96-99, so that routers built from the same codec
// list get the same numbers on both implementations.
const DYNAMIC_PAYLOAD_TYPES: readonly number[] = [
	100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118,
	119, 120, 121, 122, 123, 124, 125, 126, 127, 96, 97, 98, 99,
];

const MIME_TYPE_RE = /^(audio|video)\/(.+)/i;
const RTX_MIME_TYPE_RE = /.+\/rtx$/i;

const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const DEPENDENCY_DESCRIPTOR_URI = 'https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension';

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
	return typeof value === 'object' && value !== null;
}

/* The validators' recurring checks, with mediasoup's messages. */

/** `<name> is not an object`: every validator's first check. */
function assertObject(value: unknown, name: string): asserts value is Loose {
	if (!isObject(value)) {
		throw new TypeError(`${name} is not an object`);
	}
}

/** `missing <name>.<field>` for the first of `fields` that is not a number. */
function requireNumbers(value: Loose, name: string, fields: readonly string[]): void {
	for (const field of fields) {
		if (typeof value[field] !== 'number') {
			throw new TypeError(`missing ${name}.${field}`);
		}
	}
}

/** `missing <name>.<field>` unless it is a non-empty string. */
function requireString(value: Loose, name: string, field: string): void {
	if (!value[field] || typeof value[field] !== 'string') {
		throw new TypeError(`missing ${name}.${field}`);
	}
}

/** `invalid <name>.<field>` when given (truthy) with another type. */
function checkOptional(value: Loose, name: string, field: string, type: 'number' | 'string' | 'boolean' | 'object'): void {
	if (value[field] && typeof value[field] !== type) {
		throw new TypeError(`invalid ${name}.${field}`);
	}
}

/**
 * `owner.parameters` made an object ({} when missing or not one) of string
 * and number values: an undefined value, how some SDP parsers express a bare
 * flag, becomes ''; any other is refused with the message `invalid` gives.
 * `check` sees each value in turn, after that.
 */
function normalizeParameters(
	owner: Loose,
	invalid: (key: string, value: unknown) => string,
	check?: (key: string, value: string | number) => void,
): void {
	if (!isObject(owner.parameters) || Array.isArray(owner.parameters)) {
		owner.parameters = {};
	}

	const parameters = owner.parameters as Loose;

	for (const key of Object.keys(parameters)) {
		if (parameters[key] === undefined) {
			parameters[key] = '';
		}

		const value = parameters[key];

		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new TypeError(invalid(key, value));
		}

		check?.(key, value);
	}
}

/** An optional list: `<name>.<field> is not an array` when given as something else, [] when missing. */
function optionalArray<T>(value: Loose, name: string, field: string): T[] {
	if (value[field] && !Array.isArray(value[field])) {
		throw new TypeError(`${name}.${field} is not an array`);
	} else if (!value[field]) {
		value[field] = [];
	}

	return value[field] as T[];
}

// Same range as mediasoup: nine-digit positive numbers, leaving room for
// consecutive ssrcs (simulcast, RTX) without overflowing 32 bits.
function generateRandomSsrc(): number {
	return randomInt(100_000_000, 999_999_999);
}

function clone<T>(value: T): T {
	return value === undefined ? value : structuredClone(value);
}

/* ------------------------------------------------------------------------ */
/* Validation. Each validator throws TypeError on bad input and fills in     */
/* defaults in place, like mediasoup's, so later steps can rely on them.    */
/* ------------------------------------------------------------------------ */

/**
 * Validates RTP capabilities, filling in defaults (empty codec and header
 * extension lists, codec defaults). Throws TypeError if invalid.
 */
export function validateRtpCapabilities(caps: RtpCapabilities | RouterRtpCapabilities): void {
	assertObject(caps, 'caps');

	for (const codec of optionalArray<RtpCodecCapability>(caps, 'caps', 'codecs')) {
		validateRtpCodecCapability(codec);
	}

	for (const ext of optionalArray<RtpHeaderExtension>(caps, 'caps', 'headerExtensions')) {
		validateRtpHeaderExtension(ext);
	}
}

/** Alias of validateRtpCapabilities() whose name says that it also normalizes. */
export const validateAndNormalizeRtpCapabilities = validateRtpCapabilities;

// Shared by codec capabilities and codec parameters: default channels to 1
// for audio (and drop it for video), default parameters and feedback, and
// check parameter values.
function normalizeCodecCommon(codec: Loose, kind: MediaKind): void {
	if (kind === 'audio') {
		if (typeof codec.channels !== 'number') {
			codec.channels = 1;
		}
	} else {
		delete codec.channels;
	}

	normalizeParameters(
		codec,
		(key, value) => `invalid codec parameter [key:${key}, value:${String(value)}]`,
		(key, value) => {
			// RFC 4588 section 8.6: apt names the payload type RTX repairs.
			if (key === 'apt' && typeof value !== 'number') {
				throw new TypeError('invalid codec apt parameter');
			}
		},
	);

	if (!Array.isArray(codec.rtcpFeedback)) {
		codec.rtcpFeedback = [];
	}

	for (const fb of codec.rtcpFeedback as RtcpFeedback[]) {
		validateRtcpFeedback(fb);
	}
}

function mimeTypeKind(codec: Loose): MediaKind {
	if (!codec.mimeType || typeof codec.mimeType !== 'string') {
		throw new TypeError('missing codec.mimeType');
	}

	const match = MIME_TYPE_RE.exec(codec.mimeType);

	if (!match) {
		throw new TypeError(`invalid codec.mimeType [mimeType:${codec.mimeType}]`);
	}

	return match[1]!.toLowerCase() as MediaKind;
}

/**
 * Validates a codec capability (preferredPayloadType may be missing, as in a
 * router's mediaCodecs). `kind` is always overwritten with the media type of
 * `mimeType`. Throws TypeError if invalid.
 */
export function validateRtpCodecCapability(codec: RtpCodecCapability | RouterRtpCodecCapability): void {
	assertObject(codec, 'codec');

	const kind = mimeTypeKind(codec);

	codec.kind = kind;

	checkOptional(codec, 'codec', 'preferredPayloadType', 'number');
	requireNumbers(codec, 'codec', ['clockRate']);
	normalizeCodecCommon(codec, kind);
}

/**
 * Validates an RTCP feedback entry; a missing parameter becomes ''. Throws
 * TypeError if invalid.
 */
export function validateRtcpFeedback(fb: RtcpFeedback): void {
	assertObject(fb, 'fb');
	requireString(fb, 'fb', 'type');

	if (!fb.parameter || typeof fb.parameter !== 'string') {
		fb.parameter = '';
	}
}

/**
 * Validates a header extension capability; preferredEncrypt defaults to false
 * and direction to 'sendrecv'. Throws TypeError if invalid.
 */
export function validateRtpHeaderExtension(ext: RtpHeaderExtension): void {
	assertObject(ext, 'ext');

	if (ext.kind !== 'audio' && ext.kind !== 'video') {
		throw new TypeError('invalid ext.kind');
	}

	requireString(ext, 'ext', 'uri');
	requireNumbers(ext, 'ext', ['preferredId']);
	checkOptional(ext, 'ext', 'preferredEncrypt', 'boolean');
	ext.preferredEncrypt ||= false;
	checkOptional(ext, 'ext', 'direction', 'string');
	ext.direction ||= 'sendrecv';
}

/**
 * Validates RTP parameters, filling in defaults (empty header extension and
 * encoding lists, rtcp object). Throws TypeError if invalid.
 */
export function validateRtpParameters(params: RtpParameters): void {
	assertObject(params, 'params');

	if (params.mid && typeof params.mid !== 'string') {
		throw new TypeError('params.mid is not a string');
	}

	if (!Array.isArray(params.codecs)) {
		throw new TypeError('missing params.codecs');
	}

	for (const codec of params.codecs) {
		validateRtpCodecParameters(codec);
	}

	for (const ext of optionalArray<RtpHeaderExtensionParameters>(params, 'params', 'headerExtensions')) {
		validateRtpHeaderExtensionParameters(ext);
	}

	for (const encoding of optionalArray<RtpEncodingParameters>(params, 'params', 'encodings')) {
		validateRtpEncodingParameters(encoding);
	}

	if (params.rtcp && typeof params.rtcp !== 'object') {
		throw new TypeError('params.rtcp is not an object');
	} else if (!params.rtcp) {
		params.rtcp = {};
	}

	validateRtcpParameters(params.rtcp);
}

/**
 * Validates a codec in RTP parameters. Throws TypeError if invalid.
 */
export function validateRtpCodecParameters(codec: RtpCodecParameters): void {
	assertObject(codec, 'codec');

	const kind = mimeTypeKind(codec);

	requireNumbers(codec, 'codec', ['payloadType', 'clockRate']);
	normalizeCodecCommon(codec, kind);
}

/**
 * Validates a header extension in RTP parameters; encrypt defaults to false
 * and parameters to {}. Throws TypeError if invalid.
 */
export function validateRtpHeaderExtensionParameters(ext: RtpHeaderExtensionParameters): void {
	assertObject(ext, 'ext');
	requireString(ext, 'ext', 'uri');
	requireNumbers(ext, 'ext', ['id']);
	checkOptional(ext, 'ext', 'encrypt', 'boolean');
	ext.encrypt ||= false;

	normalizeParameters(ext, (key) => `invalid header extension parameter [key:${key}]`);
}

/**
 * Validates an encoding; dtx defaults to false. Throws TypeError if invalid.
 */
export function validateRtpEncodingParameters(encoding: RtpEncodingParameters): void {
	assertObject(encoding, 'encoding');
	checkOptional(encoding, 'encoding', 'ssrc', 'number');
	checkOptional(encoding, 'encoding', 'rid', 'string');
	checkOptional(encoding, 'encoding', 'rtx', 'object');

	if (encoding.rtx) {
		requireNumbers(encoding.rtx, 'encoding.rtx', ['ssrc']);
	}

	if (!encoding.dtx || typeof encoding.dtx !== 'boolean') {
		encoding.dtx = false;
	}

	checkOptional(encoding, 'encoding', 'scalabilityMode', 'string');
}

/**
 * Validates RTCP parameters; reducedSize is forced to true when not a true
 * boolean (the SFU always uses reduced-size RTCP, RFC 5506). Throws TypeError
 * if invalid.
 */
export function validateRtcpParameters(rtcp: RtcpParameters): void {
	assertObject(rtcp, 'rtcp');
	checkOptional(rtcp, 'rtcp', 'cname', 'string');

	if (!rtcp.reducedSize || typeof rtcp.reducedSize !== 'boolean') {
		rtcp.reducedSize = true;
	}
}

/**
 * Validates SCTP capabilities. Throws TypeError if invalid.
 */
export function validateSctpCapabilities(caps: SctpCapabilities): void {
	assertObject(caps, 'caps');

	if (!isObject(caps.numStreams)) {
		throw new TypeError('missing caps.numStreams');
	}

	validateNumSctpStreams(caps.numStreams);
}

/**
 * Validates SCTP stream counts. Throws TypeError if invalid.
 */
export function validateNumSctpStreams(numStreams: NumSctpStreams): void {
	assertObject(numStreams, 'numStreams');
	requireNumbers(numStreams, 'numStreams', ['OS', 'MIS']);
}

/**
 * Validates SCTP association parameters. Throws TypeError if invalid.
 */
export function validateSctpParameters(params: SctpParameters): void {
	assertObject(params, 'params');
	requireNumbers(params, 'params', ['port', 'OS', 'MIS', 'maxMessageSize']);
}

/**
 * Validates SCTP stream parameters. `ordered` defaults to true, or to false
 * when a partial-reliability limit is given (RFC 8831 section 6.1). Throws
 * TypeError if invalid.
 */
export function validateSctpStreamParameters(params: SctpStreamParameters): void {
	assertObject(params, 'params');
	requireNumbers(params, 'params', ['streamId']);

	const orderedGiven = typeof params.ordered === 'boolean';

	if (!orderedGiven) {
		params.ordered = true;
	}

	checkOptional(params, 'params', 'maxPacketLifeTime', 'number');
	checkOptional(params, 'params', 'maxRetransmits', 'number');

	if (params.maxPacketLifeTime && params.maxRetransmits) {
		throw new TypeError('cannot provide both maxPacketLifeTime and maxRetransmits');
	}

	const partiallyReliable = Boolean(params.maxPacketLifeTime || params.maxRetransmits);

	if (orderedGiven && params.ordered && partiallyReliable) {
		throw new TypeError('cannot be ordered with maxPacketLifeTime or maxRetransmits');
	} else if (!orderedGiven && partiallyReliable) {
		params.ordered = false;
	}
}

/* ------------------------------------------------------------------------ */
/* Negotiation.                                                             */
/* ------------------------------------------------------------------------ */

/**
 * Builds a router's RTP capabilities from its mediaCodecs and the supported
 * table: each codec gets its given payload type, the table's static one, or
 * the next free dynamic one; each video codec is followed by an RTX codec
 * (RFC 4588) on the next free dynamic payload type. The given codecs are not
 * modified.
 *
 * Throws TypeError on invalid input or a duplicated payload type,
 * UnsupportedError for a codec the SFU cannot route, and Error when the
 * dynamic payload types run out.
 */
export function generateRouterRtpCapabilities(mediaCodecs: RouterRtpCodecCapability[] = []): RtpCapabilities {
	if (!Array.isArray(mediaCodecs)) {
		throw new TypeError('mediaCodecs must be an Array');
	}

	const supported = structuredClone(supportedRtpCapabilities);

	validateRtpCapabilities(supported);

	const supportedCodecs = supported.codecs!;
	const dynamicPayloadTypes = DYNAMIC_PAYLOAD_TYPES.slice();
	const codecs: RtpCodecCapability[] = [];
	const caps: RtpCapabilities = {
		codecs,
		headerExtensions: supported.headerExtensions,
	};

	for (const givenCodec of mediaCodecs) {
		const mediaCodec = clone(givenCodec);

		validateRtpCodecCapability(mediaCodec);

		const matched = supportedCodecs.find((supportedCodec) =>
			matchCodecs(mediaCodec, supportedCodec, { strict: false }),
		);

		if (!matched) {
			throw new UnsupportedError(`media codec not supported [mimeType:${mediaCodec.mimeType}]`);
		}

		const codec = clone(matched) as RtpCodecCapability;

		if (typeof mediaCodec.preferredPayloadType === 'number') {
			codec.preferredPayloadType = mediaCodec.preferredPayloadType;

			const idx = dynamicPayloadTypes.indexOf(codec.preferredPayloadType);

			if (idx !== -1) {
				dynamicPayloadTypes.splice(idx, 1);
			}
		} else if (typeof codec.preferredPayloadType !== 'number') {
			// Static payload types from the table (PCMU, PCMA, G722, CN) are kept
			// as they are; everything else draws a dynamic one.
			const pt = dynamicPayloadTypes.shift();

			if (pt === undefined) {
				throw new Error('cannot allocate more dynamic codec payload types');
			}

			codec.preferredPayloadType = pt;
		}

		if (codecs.some((c) => c.preferredPayloadType === codec.preferredPayloadType)) {
			throw new TypeError(`duplicated codec.preferredPayloadType [${codec.preferredPayloadType}]`);
		}

		// The application's parameters win over the table's; its rtcpFeedback
		// is ignored (the table says what the SFU implements).
		codec.parameters = { ...codec.parameters, ...mediaCodec.parameters };

		codecs.push(codec);

		if (codec.kind === 'video') {
			const pt = dynamicPayloadTypes.shift();

			if (pt === undefined) {
				throw new Error('cannot allocate more dynamic codec payload types');
			}

			codecs.push({
				kind: codec.kind,
				mimeType: `${codec.kind}/rtx`,
				preferredPayloadType: pt,
				clockRate: codec.clockRate,
				parameters: { apt: codec.preferredPayloadType },
				rtcpFeedback: [],
			});
		}
	}

	return caps;
}

/**
 * Maps a producer's codecs and encodings onto the router's capabilities.
 * `params` must have been validated. For H264 the producer's
 * profile-level-id is rewritten in place to the negotiated one (RFC 6184
 * answer rules), as mediasoup does, so the consumable parameters carry it.
 *
 * Throws UnsupportedError for a codec the router lacks (or without RTX when
 * the producer uses RTX), TypeError for an RTX codec whose apt names no codec.
 */
export function getProducerRtpParametersMapping(
	params: RtpParameters,
	caps: RtpCapabilities,
): RtpCodecsEncodingsMapping {
	const capCodecs = caps.codecs ?? [];
	const rtpMapping: RtpCodecsEncodingsMapping = { codecs: [], encodings: [] };
	const codecToCapCodec = new Map<RtpCodecParameters, RtpCodecCapability>();

	for (const codec of params.codecs) {
		if (isRtxCodec(codec)) {
			continue;
		}

		const matched = capCodecs.find((capCodec) => matchCodecs(codec, capCodec, { strict: true, modify: true }));

		if (!matched) {
			throw new UnsupportedError(
				`unsupported codec [mimeType:${codec.mimeType}, payloadType:${codec.payloadType}]`,
			);
		}

		codecToCapCodec.set(codec, matched);
	}

	for (const codec of params.codecs) {
		if (!isRtxCodec(codec)) {
			continue;
		}

		const apt = codec.parameters?.['apt'];
		const associated = params.codecs.find((mediaCodec) => mediaCodec.payloadType === apt);

		if (!associated) {
			throw new TypeError(`missing media codec found for RTX PT ${codec.payloadType}`);
		}

		const capMediaCodec = codecToCapCodec.get(associated);

		// apt pointing at another RTX codec has no capability behind it.
		if (!capMediaCodec) {
			throw new TypeError(`RTX PT ${codec.payloadType} does not point to a media codec`);
		}

		const capRtxCodec = capCodecs.find(
			(capCodec) =>
				isRtxCodec(capCodec) && capCodec.parameters?.['apt'] === capMediaCodec.preferredPayloadType,
		);

		if (!capRtxCodec) {
			throw new UnsupportedError(
				`no RTX codec for capability codec PT ${capMediaCodec.preferredPayloadType}`,
			);
		}

		codecToCapCodec.set(codec, capRtxCodec);
	}

	for (const [codec, capCodec] of codecToCapCodec) {
		rtpMapping.codecs.push({
			payloadType: codec.payloadType,
			mappedPayloadType: capCodec.preferredPayloadType,
		});
	}

	// Consecutive ssrcs from a random base, as mediasoup does.
	let mappedSsrc = generateRandomSsrc();

	for (const encoding of params.encodings ?? []) {
		const mapped: RtpCodecsEncodingsMapping['encodings'][number] = { mappedSsrc: mappedSsrc++ };

		if (encoding.ssrc !== undefined) {
			mapped.ssrc = encoding.ssrc;
		}

		if (encoding.rid !== undefined) {
			mapped.rid = encoding.rid;
		}

		if (encoding.scalabilityMode !== undefined) {
			mapped.scalabilityMode = encoding.scalabilityMode;
		}

		rtpMapping.encodings.push(mapped);
	}

	return rtpMapping;
}

/**
 * The RTP parameters every consumer of a producer is derived from: router
 * payload types, the producer's codec parameters, the router's feedback, the
 * header extensions the SFU can send for this kind, and the producer's
 * encodings with mapped ssrcs (rid, rtx and codecPayloadType removed).
 * The result shares no objects with the inputs.
 */
export function getConsumableRtpParameters(
	kind: string,
	params: RtpParameters,
	caps: RtpCapabilities,
	rtpMapping: RtpCodecsEncodingsMapping,
): RtpParameters {
	const capCodecs = caps.codecs ?? [];
	const codecs: RtpCodecParameters[] = [];
	const headerExtensions: RtpHeaderExtensionParameters[] = [];
	const encodings: RtpEncodingParameters[] = [];

	for (const codec of params.codecs) {
		if (isRtxCodec(codec)) {
			continue;
		}

		const entry = rtpMapping.codecs.find((e) => e.payloadType === codec.payloadType);

		if (!entry) {
			throw new TypeError(`no mapping for codec payload type ${codec.payloadType}`);
		}

		const capCodec = capCodecs.find((c) => c.preferredPayloadType === entry.mappedPayloadType);

		if (!capCodec) {
			throw new TypeError(`no capability codec for mapped payload type ${entry.mappedPayloadType}`);
		}

		const consumableCodec: RtpCodecParameters = {
			mimeType: capCodec.mimeType,
			payloadType: capCodec.preferredPayloadType,
			clockRate: capCodec.clockRate,
		};

		if (capCodec.channels !== undefined) {
			consumableCodec.channels = capCodec.channels;
		}

		// The producer's format parameters travel to consumers unchanged.
		consumableCodec.parameters = clone(codec.parameters);
		consumableCodec.rtcpFeedback = clone(capCodec.rtcpFeedback);

		codecs.push(consumableCodec);

		const capRtxCodec = capCodecs.find(
			(c) => isRtxCodec(c) && c.parameters?.['apt'] === consumableCodec.payloadType,
		);

		if (capRtxCodec) {
			codecs.push({
				mimeType: capRtxCodec.mimeType,
				payloadType: capRtxCodec.preferredPayloadType,
				clockRate: capRtxCodec.clockRate,
				parameters: clone(capRtxCodec.parameters),
				rtcpFeedback: clone(capRtxCodec.rtcpFeedback),
			});
		}
	}

	for (const capExt of caps.headerExtensions ?? []) {
		// Only extensions the SFU is able to send toward consumers.
		if (capExt.kind !== kind || (capExt.direction !== 'sendrecv' && capExt.direction !== 'sendonly')) {
			continue;
		}

		headerExtensions.push({
			uri: capExt.uri,
			id: capExt.preferredId,
			encrypt: capExt.preferredEncrypt ?? false,
			parameters: {},
		});
	}

	const producerEncodings = clone(params.encodings) ?? [];

	for (let i = 0; i < producerEncodings.length; ++i) {
		const encoding = producerEncodings[i]!;
		const mapped = rtpMapping.encodings[i];

		if (!mapped) {
			throw new TypeError(`no mapping for encoding ${i}`);
		}

		delete encoding.rid;
		delete encoding.rtx;
		delete encoding.codecPayloadType;
		encoding.ssrc = mapped.mappedSsrc;

		encodings.push(encoding);
	}

	const rtcp: RtcpParameters = {};

	if (params.rtcp?.cname !== undefined) {
		rtcp.cname = params.rtcp.cname;
	}

	rtcp.reducedSize = true;

	return { codecs, headerExtensions, encodings, rtcp };
}

/**
 * Whether an endpoint with the given capabilities can consume a producer
 * with these consumable parameters: some codec must match and the first
 * matching one must be a media codec. Validates (and normalizes) `caps` in
 * place, so it throws TypeError on invalid capabilities.
 */
export function canConsume(consumableParams: RtpParameters, caps: RtpCapabilities): boolean {
	validateRtpCapabilities(caps);

	const capCodecs = caps.codecs!;
	const matching: RtpCodecParameters[] = [];

	for (const codec of consumableParams.codecs) {
		if (capCodecs.some((capCodec) => matchCodecs(capCodec, codec, { strict: true }))) {
			matching.push(codec);
		}
	}

	return matching.length > 0 && !isRtxCodec(matching[0]!);
}

/**
 * RTP parameters for one consumer. Codecs are reduced to those the remote
 * supports (with the remote's feedback list), RTX kept only if enabled and
 * its media codec survives, header extensions reduced to those the remote
 * has with the same id, and only one BWE mechanism kept (transport-cc if
 * negotiated, else REMB with abs-send-time, else none).
 *
 * Non-pipe consumers get a single encoding with a random ssrc; a simulcast
 * producer of N streams shows as scalabilityMode `L<N>T<temporal layers>`
 * and the highest maxBitrate is kept. Pipe consumers keep every encoding.
 *
 * Throws UnsupportedError when no media codec is compatible.
 */
export function getConsumerRtpParameters({
	consumableRtpParameters,
	remoteRtpCapabilities,
	pipe,
	enableRtx,
}: {
	consumableRtpParameters: RtpParameters;
	remoteRtpCapabilities: RtpCapabilities;
	pipe: boolean;
	enableRtx: boolean;
}): RtpParameters {
	const remoteCodecs = remoteRtpCapabilities.codecs ?? [];
	const remoteExts = remoteRtpCapabilities.headerExtensions ?? [];

	for (const capCodec of remoteCodecs) {
		validateRtpCodecCapability(capCodec);
	}

	let codecs: RtpCodecParameters[] = [];

	for (const codec of clone(consumableRtpParameters.codecs) ?? []) {
		if (!enableRtx && isRtxCodec(codec)) {
			continue;
		}

		const matched = remoteCodecs.find((capCodec) => matchCodecs(capCodec, codec, { strict: true }));

		if (!matched) {
			continue;
		}

		// Without RTX, plain NACK (RFC 4585 generic NACK) is useless: drop it,
		// but keep 'nack pli'.
		codec.rtcpFeedback = (matched.rtcpFeedback ?? [])
			.filter((fb) => enableRtx || fb.type !== 'nack' || fb.parameter)
			.map((fb) => ({ ...fb }));

		codecs.push(codec);
	}

	// Drop RTX codecs whose media codec did not survive.
	let rtxSupported = false;

	codecs = codecs.filter((codec) => {
		if (!isRtxCodec(codec)) {
			return true;
		}

		const hasMedia = codecs.some((c) => c.payloadType === codec.parameters?.['apt']);

		if (hasMedia) {
			rtxSupported = true;
		}

		return hasMedia;
	});

	if (codecs.length === 0 || isRtxCodec(codecs[0]!)) {
		throw new UnsupportedError('no compatible media codecs');
	}

	const simulcast = !pipe && (consumableRtpParameters.encodings ?? []).length > 1;
	const headerExtensions = (consumableRtpParameters.headerExtensions ?? [])
		.filter((ext) => remoteExts.some((capExt) => capExt.preferredId === ext.id && capExt.uri === ext.uri))
		// A simulcast consumer switches streams, whose dependency descriptors number frames and
		// name structures each their own way (libwebrtc drops a key frame numbered below the
		// last one); each stream has one spatial layer per temporal unit, which Chromium decodes
		// without the descriptor.
		.filter((ext) => !(simulcast && ext.uri === DEPENDENCY_DESCRIPTOR_URI))
		.map((ext) => clone(ext));

	let dropFeedback: (fb: RtcpFeedback) => boolean;

	if (headerExtensions.some((ext) => ext.uri === TRANSPORT_CC_URI)) {
		dropFeedback = (fb) => fb.type === 'goog-remb';
	} else if (headerExtensions.some((ext) => ext.uri === ABS_SEND_TIME_URI)) {
		dropFeedback = (fb) => fb.type === 'transport-cc';
	} else {
		dropFeedback = (fb) => fb.type === 'transport-cc' || fb.type === 'goog-remb';
	}

	for (const codec of codecs) {
		codec.rtcpFeedback = (codec.rtcpFeedback ?? []).filter((fb) => !dropFeedback(fb));
	}

	const consumableEncodings = consumableRtpParameters.encodings ?? [];
	let encodings: RtpEncodingParameters[] = [];

	if (!pipe) {
		const ssrc = generateRandomSsrc();
		const encoding: RtpEncodingParameters = { ssrc };

		if (rtxSupported) {
			encoding.rtx = { ssrc: ssrc + 1 };
		}

		// All encodings are assumed to share one scalabilityMode.
		let scalabilityMode = consumableEncodings.find((e) => e.scalabilityMode)?.scalabilityMode;

		// Simulcast streams become the spatial layers of the single outgoing stream.
		if (consumableEncodings.length > 1) {
			const { temporalLayers } = parseScalabilityMode(scalabilityMode);

			scalabilityMode = `L${consumableEncodings.length}T${temporalLayers}`;
		}

		if (scalabilityMode) {
			encoding.scalabilityMode = scalabilityMode;
		}

		const maxBitrate = consumableEncodings.reduce(
			(max, e) => (e.maxBitrate && e.maxBitrate > max ? e.maxBitrate : max),
			0,
		);

		if (maxBitrate) {
			encoding.maxBitrate = maxBitrate;
		}

		encodings.push(encoding);
	} else {
		encodings = renumberEncodings(consumableEncodings, rtxSupported);
	}

	return {
		codecs,
		headerExtensions,
		encodings,
		rtcp: clone(consumableRtpParameters.rtcp) ?? {},
	};
}

/** Copies of the encodings on consecutive new ssrcs, with consecutive RTX ssrcs when `rtx` (else without RTX). */
function renumberEncodings(encodings: RtpEncodingParameters[], rtx: boolean): RtpEncodingParameters[] {
	const baseSsrc = generateRandomSsrc();
	const baseRtxSsrc = generateRandomSsrc();

	return clone(encodings).map((encoding, i) => {
		encoding.ssrc = baseSsrc + i;

		if (rtx) {
			encoding.rtx = { ssrc: baseRtxSsrc + i };
		} else {
			delete encoding.rtx;
		}

		return encoding;
	});
}

/**
 * RTP parameters for a consumer on a pipe transport: every encoding is kept
 * (with new ssrcs), BWE is removed (abs-send-time, transport-cc and MID
 * extensions; only PLI, FIR and, with RTX, NACK feedback remain) and, unless
 * enableRtx, RTX and NACK are removed too.
 */
export function getPipeConsumerRtpParameters({
	consumableRtpParameters,
	enableRtx,
}: {
	consumableRtpParameters: RtpParameters;
	enableRtx: boolean;
}): RtpParameters {
	const codecs: RtpCodecParameters[] = [];

	for (const codec of clone(consumableRtpParameters.codecs) ?? []) {
		if (!enableRtx && isRtxCodec(codec)) {
			continue;
		}

		codec.rtcpFeedback = (codec.rtcpFeedback ?? []).filter(
			(fb) =>
				(fb.type === 'nack' && fb.parameter === 'pli') ||
				(fb.type === 'ccm' && fb.parameter === 'fir') ||
				(enableRtx && fb.type === 'nack' && !fb.parameter),
		);

		codecs.push(codec);
	}

	const headerExtensions = (consumableRtpParameters.headerExtensions ?? [])
		.filter((ext) => ext.uri !== MID_URI && ext.uri !== ABS_SEND_TIME_URI && ext.uri !== TRANSPORT_CC_URI)
		.map((ext) => clone(ext));

	return {
		codecs,
		headerExtensions,
		encodings: renumberEncodings(consumableRtpParameters.encodings ?? [], enableRtx),
		rtcp: clone(consumableRtpParameters.rtcp) ?? {},
	};
}

/* ------------------------------------------------------------------------ */
/* Codec matching.                                                          */
/* ------------------------------------------------------------------------ */

/** Whether a codec is RTX (RFC 4588), e.g. 'video/rtx'. */
export function isRtxCodec(codec: { mimeType: string }): boolean {
	return RTX_MIME_TYPE_RE.test(codec.mimeType);
}

type MatchableCodec = {
	mimeType: string;
	clockRate: number;
	channels?: number;
	parameters?: Record<string, unknown>;
};

/**
 * Whether two codecs are the same for routing purposes: same MIME type (case
 * insensitive), clock rate and channels, and for multiopus the same stream
 * counts. With `strict`, also H264 packetization-mode and profile (RFC 6184
 * section 8.1; levels may differ) and VP9 profile-id. With `modify` (and
 * strict), `aCodec`'s H264 profile-level-id is set to the answer level.
 */
export function matchCodecs(
	aCodec: MatchableCodec,
	bCodec: MatchableCodec,
	{ strict = false, modify = false }: { strict?: boolean; modify?: boolean } = {},
): boolean {
	const aMimeType = aCodec.mimeType.toLowerCase();
	const bMimeType = bCodec.mimeType.toLowerCase();

	if (aMimeType !== bMimeType) {
		return false;
	}

	if (aCodec.clockRate !== bCodec.clockRate) {
		return false;
	}

	if (aCodec.channels !== bCodec.channels) {
		return false;
	}

	const aParams = aCodec.parameters ?? {};
	const bParams = bCodec.parameters ?? {};

	switch (aMimeType) {
		case 'audio/multiopus': {
			if (aParams['num_streams'] !== bParams['num_streams']) {
				return false;
			}

			if (aParams['coupled_streams'] !== bParams['coupled_streams']) {
				return false;
			}

			break;
		}

		case 'video/h264': {
			if (strict) {
				// RFC 6184 section 6.2: packetization-mode defaults to 0.
				if (!sameOrZero(aParams, bParams, 'packetization-mode')) {
					return false;
				}

				if (!h264.isSameProfile(aParams, bParams)) {
					return false;
				}

				let selectedProfileLevelId: string | undefined;

				try {
					selectedProfileLevelId = h264.generateProfileLevelIdStringForAnswer(aParams, bParams);
				} catch {
					return false;
				}

				if (modify && aCodec.parameters) {
					if (selectedProfileLevelId) {
						aCodec.parameters['profile-level-id'] = selectedProfileLevelId;
					} else {
						delete aCodec.parameters['profile-level-id'];
					}
				}
			}

			break;
		}

		case 'video/vp9': {
			// VP9 RTP payload format section 6: profile-id defaults to 0.
			if (strict && !sameOrZero(aParams, bParams, 'profile-id')) {
				return false;
			}

			break;
		}
	}

	return true;
}

/** Whether a codec parameter is the same in both, a missing one counting as 0. */
function sameOrZero(aParams: Record<string, unknown>, bParams: Record<string, unknown>, key: string): boolean {
	return (aParams[key] || 0) === (bParams[key] || 0);
}
