/**
 * SDP offer/answer for plain RTCPeerConnection endpoints, as mediasoup v1
 * applications did it: the server parses the browser's SDP with
 * sdp-transform, feeds v1 objects with capabilities and RTP parameters
 * taken from it, and writes back an SDP built from its transports,
 * receivers and senders.
 *
 * These helpers work on sdp-transform's object model (`parse()` output,
 * `write()` input) but do not load sdp-transform themselves: the
 * application calls `sdpTransform.parse()`/`write()` around them, so broth
 * has no runtime dependency on it. Types mirror the parts of sdp-transform's
 * model used here.
 *
 * The model is the one of a v1 peer with one RTCPeerConnection per
 * direction: the endpoint offers what it sends (answered with
 * createAnswer()), and the server offers what the endpoint should receive
 * (createOffer(), answered by the endpoint).
 */
import { matchCodecs } from '../ortc/ortc';
import type { RtpCodecCapability } from '../ortc/rtpParametersTypes';
import { codecMimeType, isV1RtxCodec } from './rtp';
import type { V1RtpCapabilities, V1RtpCodec, V1RtpParameters } from './rtp';
import type { RtpReceiver } from './RtpReceiver';
import type { RtpSender } from './RtpSender';
import type { Transport } from './Transport';

export type SdpDirection = 'sendrecv' | 'recvonly' | 'sendonly' | 'inactive';

/** One m= section (sdp-transform's MediaDescription, the fields used here). */
export type SdpMedia = {
	type: string;
	port: number;
	protocol: string;
	payloads?: string;
	connection?: { version: number; ip: string };
	rtp: { payload: number; codec: string; rate?: number; encoding?: number }[];
	fmtp: { payload: number; config: string }[];
	rtcpFb?: { payload: number | string; type: string; subtype?: string }[];
	ext?: { value: number; direction?: string; uri: string; config?: string }[];
	/** sdp-transform gives a numeric a=mid as a number. */
	mid?: string | number;
	msid?: { id: string; appdata?: string }[];
	direction?: SdpDirection;
	iceUfrag?: string;
	icePwd?: string;
	fingerprint?: { type: string; hash: string };
	setup?: string;
	candidates?: {
		foundation: string;
		component: number;
		transport: string;
		priority: number;
		ip: string;
		port: number;
		type: string;
		tcptype?: string;
	}[];
	endOfCandidates?: 'end-of-candidates';
	ssrcs?: { id: number; attribute: string; value?: string }[];
	ssrcGroups?: { semantics: string; ssrcs: string }[];
	rtcpMux?: 'rtcp-mux';
	rtcpRsize?: 'rtcp-rsize';
};

/** A session description (sdp-transform's SessionDescription, the fields used here). */
export type SdpSession = {
	version: number;
	origin: {
		username: string;
		sessionId: string | number;
		sessionVersion: number;
		netType: string;
		ipVer: number;
		address: string;
	};
	name: string;
	timing: { start: number; stop: number };
	icelite?: 'ice-lite';
	groups?: { type: string; mids: string }[];
	msidSemantic?: { semantic: string; token: string };
	fingerprint?: { type: string; hash: string };
	setup?: string;
	media: SdpMedia[];
};

/** Parse an a=fmtp config ('minptime=10;useinbandfec=1') into parameters (numbers where numeric). */
export function parseFmtp(config: string): Record<string, unknown> {
	const parameters: Record<string, unknown> = {};

	for (const item of config.split(';')) {
		const [key, ...rest] = item.trim().split('=');

		// Not key=value (e.g. RED's '111/111'): nothing to match codecs on.
		if (!key || rest.length === 0) {
			continue;
		}

		const value = rest.join('=');

		// profile-level-id is hex digits that may look numeric ('42e01f' does not, '640032' does).
		parameters[key] = key !== 'profile-level-id' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
	}

	return parameters;
}

/** Codec parameters as an a=fmtp config. */
export function writeFmtp(parameters: Record<string, unknown> = {}): string {
	return Object.entries(parameters)
		.map(([key, value]) => `${key}=${value}`)
		.join(';');
}

function isMediaSection(media: SdpMedia): media is SdpMedia & { type: 'audio' | 'video' } {
	return media.type === 'audio' || media.type === 'video';
}

function codecsOfMedia(media: SdpMedia): V1RtpCodec[] {
	const kind = media.type as 'audio' | 'video';
	// sdp-transform reads a single payload type as a number.
	const order = String(media.payloads ?? '').split(' ').filter(Boolean).map(Number);
	const rtp = [...media.rtp].sort((a, b) => {
		const ia = order.indexOf(a.payload);
		const ib = order.indexOf(b.payload);

		return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
	});

	return rtp.map((entry) => {
		const fmtp = media.fmtp.find((f) => f.payload === entry.payload);
		const rtcpFeedback = (media.rtcpFb ?? [])
			.filter((fb) => String(fb.payload) === String(entry.payload) || fb.payload === '*')
			.map((fb) => (fb.subtype ? { type: fb.type, parameter: fb.subtype } : { type: fb.type }));
		const codec: V1RtpCodec = {
			kind,
			name: entry.codec,
			mimeType: `${kind}/${entry.codec}`,
			clockRate: entry.rate ?? (kind === 'audio' ? 8000 : 90000),
			payloadType: entry.payload,
			parameters: fmtp ? parseFmtp(fmtp.config) : {},
			rtcpFeedback,
		};

		if (kind === 'audio') {
			codec.channels = entry.encoding ?? 1;
			codec.numChannels = codec.channels;
		}

		return codec;
	});
}

/**
 * The endpoint's RTP capabilities (v1 shape) from its SDP (any offer or
 * answer listing its codecs), for `peer.setCapabilities()`.
 */
export function capabilitiesFromSdp(session: SdpSession): V1RtpCapabilities {
	const codecs: V1RtpCodec[] = [];
	const headerExtensions: NonNullable<V1RtpCapabilities['headerExtensions']> = [];

	for (const media of session.media) {
		if (!isMediaSection(media)) {
			continue;
		}

		for (const codec of codecsOfMedia(media)) {
			if (!codecs.some((c) => c.kind === codec.kind && c.payloadType === codec.payloadType)) {
				const { payloadType, ...rest } = codec;

				codecs.push({ ...rest, preferredPayloadType: payloadType });
			}
		}

		for (const ext of media.ext ?? []) {
			if (!headerExtensions.some((e) => e.kind === media.type && e.uri === ext.uri)) {
				headerExtensions.push({ kind: media.type, uri: ext.uri, preferredId: ext.value });
			}
		}
	}

	return { codecs, headerExtensions, fecMechanisms: [] };
}

/** The m= sections the endpoint sends media in (sendonly/sendrecv with SSRCs). */
export function sendingMedia(session: SdpSession): SdpMedia[] {
	return session.media.filter(
		(media) =>
			isMediaSection(media) &&
			media.port !== 0 &&
			(media.direction === 'sendonly' || media.direction === 'sendrecv' || media.direction === undefined) &&
			(media.ssrcs ?? []).length > 0,
	);
}

function toV3CodecCapability(codec: V1RtpCodec): Omit<RtpCodecCapability, 'preferredPayloadType'> {
	const mimeType = codecMimeType(codec);

	return {
		kind: mimeType.split('/')[0] as 'audio' | 'video',
		mimeType,
		clockRate: codec.clockRate,
		...(codec.channels ?? codec.numChannels ? { channels: codec.channels ?? codec.numChannels } : {}),
		parameters: codec.parameters ?? {},
	};
}

/**
 * The RTP parameters (v1 shape, for `rtpReceiver.receive()`) of one m=
 * section the endpoint sends in. With the peer's capabilities (from
 * `peer.rtpCapabilities` or the 'capabilities' event), codecs and header
 * extensions are reduced to those the room supports, in the endpoint's
 * order of preference.
 */
export function rtpParametersFromMedia(media: SdpMedia, capabilities?: V1RtpCapabilities): V1RtpParameters {
	if (!isMediaSection(media)) {
		throw new TypeError(`m=${media.type} carries no RTP`);
	}

	const kind = media.type;
	const capCodecs = (capabilities?.codecs ?? []).filter((c) => !isV1RtxCodec(c)).map(toV3CodecCapability);
	let codecs = codecsOfMedia(media).map(({ kind: _kind, ...codec }) => codec);

	if (capabilities) {
		const media_ = codecs.filter(
			(codec) =>
				!isV1RtxCodec(codec) &&
				capCodecs.some((cap) => cap.kind === kind && matchCodecs(cap, toV3CodecCapability({ ...codec, kind }), { strict: true })),
		);
		const rtx = codecs.filter(
			(codec) => isV1RtxCodec(codec) && media_.some((m) => m.payloadType === codec.parameters?.apt),
		);

		codecs = [...media_, ...rtx];
	}

	const headerExtensions = (media.ext ?? [])
		.filter(
			(ext) =>
				!capabilities ||
				(capabilities.headerExtensions ?? []).some((e) => (!e.kind || e.kind === kind) && e.uri === ext.uri),
		)
		.map((ext) => ({ uri: ext.uri, id: ext.value }));

	const ssrcs = media.ssrcs ?? [];
	const fid = (media.ssrcGroups ?? []).find((group) => group.semantics === 'FID');
	let encoding: { ssrc: number; rtx?: { ssrc: number } } | undefined;

	if (fid) {
		const [ssrc, rtxSsrc] = fid.ssrcs.split(' ').map(Number) as [number, number | undefined];

		encoding = rtxSsrc !== undefined ? { ssrc, rtx: { ssrc: rtxSsrc } } : { ssrc };
	} else if (ssrcs.length > 0) {
		encoding = { ssrc: Number(ssrcs[0]!.id) };
	}

	const cname = ssrcs.find((s) => s.attribute === 'cname')?.value;

	return {
		// sdp-transform reads a numeric a=mid as a number.
		...(media.mid !== undefined ? { muxId: String(media.mid) } : {}),
		codecs,
		headerExtensions,
		encodings: encoding ? [encoding] : [],
		rtcp: { ...(cname ? { cname } : {}), reducedSize: Boolean(media.rtcpRsize), mux: true },
	};
}

/**
 * The endpoint's DTLS parameters for `transport.setRemoteDtlsParameters()`.
 * Its role follows a=setup: 'active' is a DTLS client, 'passive' a server,
 * and 'actpass' (an offer) a server, since createAnswer() answers 'active'.
 */
export function dtlsParametersFromSdp(session: SdpSession): {
	role: 'client' | 'server';
	fingerprints: { algorithm: 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512'; value: string }[];
} {
	const media = session.media.find((m) => m.port !== 0 && (m.fingerprint || m.setup)) ?? session.media[0];
	const fingerprint = media?.fingerprint ?? session.fingerprint;
	const setup = media?.setup ?? session.setup ?? 'actpass';

	if (!fingerprint) {
		throw new TypeError('no a=fingerprint in the SDP');
	}

	return {
		role: setup === 'active' ? 'client' : 'server',
		fingerprints: [
			{
				algorithm: fingerprint.type.toLowerCase() as 'sha-256',
				value: fingerprint.hash.toUpperCase(),
			},
		],
	};
}

function transportAttributes(transport: Transport, setup: string): Partial<SdpMedia> {
	const ice = transport.iceLocalParameters;
	const fingerprint =
		transport.dtlsLocalParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ??
		transport.dtlsLocalParameters.fingerprints[0]!;

	return {
		connection: { version: 4, ip: '127.0.0.1' },
		iceUfrag: ice.usernameFragment,
		icePwd: ice.password,
		candidates: transport.iceLocalCandidates.map((candidate) => ({
			foundation: candidate.foundation,
			component: 1,
			transport: candidate.protocol,
			priority: candidate.priority,
			ip: candidate.address ?? candidate.ip,
			port: candidate.port,
			type: candidate.type,
			...(candidate.tcpType ? { tcptype: candidate.tcpType } : {}),
		})),
		endOfCandidates: 'end-of-candidates',
		fingerprint: { type: fingerprint.algorithm, hash: fingerprint.value },
		setup,
		rtcpMux: 'rtcp-mux',
		rtcpRsize: 'rtcp-rsize',
	};
}

function codecsToMedia(parameters: V1RtpParameters): Pick<SdpMedia, 'rtp' | 'fmtp' | 'rtcpFb' | 'payloads' | 'ext'> {
	const rtp: SdpMedia['rtp'] = [];
	const fmtp: SdpMedia['fmtp'] = [];
	const rtcpFb: NonNullable<SdpMedia['rtcpFb']> = [];

	for (const codec of parameters.codecs) {
		const name = codecMimeType(codec, 'audio').split('/')[1]!;
		const channels = codec.channels ?? codec.numChannels;
		const payload = codec.payloadType!;

		rtp.push({ payload, codec: name, rate: codec.clockRate, ...(channels && channels > 1 ? { encoding: channels } : {}) });

		const config = writeFmtp(codec.parameters);

		if (config) {
			fmtp.push({ payload, config });
		}
		for (const fb of codec.rtcpFeedback ?? []) {
			rtcpFb.push({ payload, type: fb.type, ...(fb.parameter ? { subtype: fb.parameter } : {}) });
		}
	}

	return {
		rtp,
		fmtp,
		rtcpFb,
		payloads: rtp.map((r) => r.payload).join(' '),
		ext: (parameters.headerExtensions ?? []).map((ext) => ({ value: ext.id, uri: ext.uri })),
	};
}

function newSession(sessionId: number | string, sessionVersion: number): SdpSession {
	return {
		version: 0,
		origin: { username: 'broth', sessionId, sessionVersion, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
		name: '-',
		timing: { start: 0, stop: 0 },
		icelite: 'ice-lite',
		msidSemantic: { semantic: 'WMS', token: '*' },
		groups: [],
		media: [],
	};
}

/**
 * The answer to an endpoint's offer of what it sends: every m= section a
 * receiver of `receivers` receives (matched by MID) is accepted recvonly
 * with the receiver's codecs and header extensions; other sections are
 * rejected (port 0). The server is the DTLS client (a=setup:active).
 */
export function createAnswer({
	offer,
	transport,
	receivers,
	sessionId = Date.now(),
	sessionVersion = 1,
}: {
	offer: SdpSession;
	transport: Transport;
	receivers: RtpReceiver[];
	sessionId?: number | string;
	sessionVersion?: number;
}): SdpSession {
	const answer = newSession(sessionId, sessionVersion);
	const bundle: string[] = [];

	for (const offered of offer.media) {
		const mid = offered.mid !== undefined ? String(offered.mid) : undefined;
		const receiver = receivers.find((r) => !r.closed && r.rtpParameters?.muxId === mid);
		const parameters = receiver?.rtpParameters;

		if (!receiver || !parameters || !isMediaSection(offered)) {
			const first = offered.rtp[0];

			answer.media.push({
				type: offered.type,
				port: 0,
				protocol: offered.protocol,
				payloads: first ? String(first.payload) : offered.payloads,
				connection: { version: 4, ip: '127.0.0.1' },
				rtp: first ? [first] : [],
				fmtp: [],
				...(mid !== undefined ? { mid } : {}),
				direction: 'inactive',
			});
			continue;
		}

		answer.media.push({
			type: offered.type,
			port: 7,
			protocol: 'UDP/TLS/RTP/SAVPF',
			...transportAttributes(transport, offered.setup === 'active' ? 'passive' : 'active'),
			...codecsToMedia(parameters),
			mid: mid!,
			direction: 'recvonly',
		} as SdpMedia);
		bundle.push(mid!);
	}

	if (bundle.length) {
		answer.groups = [{ type: 'BUNDLE', mids: bundle.join(' ') }];
	}

	return answer;
}

/** msid tokens are [\w-]+ (RFC 8830 allows more, but sdp-transform's grammar reads no more). */
function msidToken(value: string): string {
	return value.replace(/[^\w-]/g, '-') || 'broth';
}

/**
 * An offer of what the endpoint should receive: one sendonly m= section per
 * sender (in the given order, which must stay stable across renegotiations;
 * closed senders become inactive sections), each with the sender's codecs,
 * header extensions, SSRCs (with RTX in an FID group) and an msid naming the
 * associated peer as the stream. The server offers a=setup:actpass.
 * Senders should have their transport set (and awaited) first, so that
 * their parameters are final.
 */
export function createOffer({
	transport,
	senders,
	sessionId = Date.now(),
	sessionVersion = 1,
}: {
	transport: Transport;
	senders: RtpSender[];
	sessionId?: number | string;
	sessionVersion?: number;
}): SdpSession {
	const offer = newSession(sessionId, sessionVersion);
	const bundle: string[] = [];

	for (const sender of senders) {
		const parameters = sender.rtpParameters;

		if (!parameters || parameters.muxId === undefined) {
			continue;
		}

		const mid = parameters.muxId;
		const encoding = parameters.encodings?.[0];
		const cname = parameters.rtcp?.cname ?? 'broth';
		const streamId = msidToken(sender.associatedPeer.name);
		const trackId = msidToken(`${sender.kind}-${sender.associatedRtpReceiver.id}`);
		const ssrcs: NonNullable<SdpMedia['ssrcs']> = [];
		const ssrcGroups: NonNullable<SdpMedia['ssrcGroups']> = [];

		if (encoding?.ssrc !== undefined) {
			ssrcs.push({ id: encoding.ssrc, attribute: 'cname', value: cname });

			if (encoding.rtx) {
				ssrcs.push({ id: encoding.rtx.ssrc, attribute: 'cname', value: cname });
				ssrcGroups.push({ semantics: 'FID', ssrcs: `${encoding.ssrc} ${encoding.rtx.ssrc}` });
			}
		}

		const live = !sender.closed;

		offer.media.push({
			type: sender.kind,
			port: live ? 7 : 0,
			protocol: 'UDP/TLS/RTP/SAVPF',
			...transportAttributes(transport, 'actpass'),
			...codecsToMedia(parameters),
			mid,
			direction: live ? (sender.active ? 'sendonly' : 'inactive') : 'inactive',
			...(live ? { msid: [{ id: streamId, appdata: trackId }], ssrcs, ssrcGroups } : {}),
		} as SdpMedia);

		if (live) {
			bundle.push(mid);
		}
	}

	if (bundle.length) {
		offer.groups = [{ type: 'BUNDLE', mids: bundle.join(' ') }];
	}

	return offer;
}
