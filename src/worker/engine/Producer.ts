import type { RequestHandler } from '../channel';
import { WorkerLogger } from '../logger';
import type { EngineProducer, TransportOwner } from './types';
import type { RtpPacket } from '../../proto/rtp/rtpPacket';
import { rtxDecapsulate, rtxOriginalSequenceNumber } from '../../proto/rtp/rtx';
import { getStringExtension } from '../../proto/rtp/stringExtension';
import { getTransportSequenceNumber } from '../../proto/rtp/transportCcExtension';
import {
	getVideoOrientation,
	videoOrientationBackCamera,
	videoOrientationFlip,
	videoOrientationRotation,
} from '../../proto/rtp/videoOrientationExtension';
import { isVp8KeyFrame } from '../../proto/codecs/vp8';
import { isVp9KeyFrame } from '../../proto/codecs/vp9';
import { isH264KeyFrame } from '../../proto/codecs/h264';
import { isAv1KeyFrame } from '../../proto/codecs/av1';
import { packetLayersReader, type PacketLayersReader } from './layers';
import { rtpPacketTraceInfo } from './rtpTrace';
import { GenericNack } from '../../proto/rtcp/nack';
import type { ReportBlock } from '../../proto/rtcp/reportblock';
import { RECV_BAD_SEQ, RECV_DUPLICATE, RECV_PROBATION, RtpStreamRecv } from '../feedback/RtpStreamRecv';
import { NackGenerator } from '../feedback/NackGenerator';
import {
	KeyFrameRequestManager,
	buildKeyFrameRequestPacket,
	keyFrameRequestKind,
	type KeyFrameRequest,
} from '../feedback/KeyFrameRequestManager';
import { producerExtensionMap, type ProducerExtensionMap } from './rtpHeaderExtensions';
import { isMediaTransport, nowMs, type MediaTransport } from './media';

const logger = new WorkerLogger('Producer');

export type ProducerType = 'simple' | 'simulcast' | 'svc';

/** What a transport hands a new producer (from the application's produce request). */
export type ProducerData = {
	producerId: string;
	kind: 'audio' | 'video';
	rtpParameters: any;
	rtpMapping: { codecs: { payloadType: number; mappedPayloadType: number }[]; encodings: any[] };
	keyFrameRequestDelay?: number;
	paused?: boolean;
};

const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir', 'sr'];

// Canonical spelling of codec subtypes, as mediasoup's worker prints them
// (MIME types compare case-insensitively, RFC 6838 section 4.2).
const CANONICAL_SUBTYPES: ReadonlyMap<string, string> = new Map(
	[
		'opus', 'multiopus', 'PCMA', 'PCMU', 'ISAC', 'G722', 'iLBC', 'SILK', 'CN', 'telephone-event',
		'rtx', 'ulpfec', 'x-ulpfecuc', 'flexfec', 'red', 'VP8', 'VP9', 'AV1', 'H264', 'H264-SVC', 'H265',
	].map((subtype) => [subtype.toLowerCase(), subtype]),
);

// Codecs that carry no media of their own (RTX, FEC, RED).
const NON_MEDIA_SUBTYPES: ReadonlySet<string> = new Set(['rtx', 'ulpfec', 'x-ulpfecuc', 'flexfec', 'red']);

/** 'audio/OPUS' -> 'audio/opus', 'video/h264' -> 'video/H264'; unknown subtypes are kept. */
export function canonicalMimeType(mimeType: string): string {
	const slash = mimeType.indexOf('/');

	if (slash < 0) {
		return mimeType;
	}

	const type = mimeType.slice(0, slash).toLowerCase();
	const subtype = mimeType.slice(slash + 1);

	return `${type}/${CANONICAL_SUBTYPES.get(subtype.toLowerCase()) ?? subtype}`;
}

export function isMediaCodec(codec: { mimeType: string }): boolean {
	const subtype = codec.mimeType.slice(codec.mimeType.indexOf('/') + 1).toLowerCase();

	return !NON_MEDIA_SUBTYPES.has(subtype);
}

/** webrtc-svc scalability mode ('L1T3', 'S3T3', 'L2T2_KEY'...); one layer each when absent. */
export function parseLayers(scalabilityMode: unknown): { spatialLayers: number; temporalLayers: number } {
	const m = typeof scalabilityMode === 'string' ? /^[LS]([1-9][0-9]?)T([1-9][0-9]?)/.exec(scalabilityMode) : null;

	return m ? { spatialLayers: Number(m[1]), temporalLayers: Number(m[2]) } : { spatialLayers: 1, temporalLayers: 1 };
}

/**
 * RTP parameters checked and completed the way mediasoup's worker does it
 * (encodings get the payload type of their codec, defaults are explicit),
 * in the shape its dumps show. Throws TypeError on malformed input.
 */
export function normalizeRtpParameters(params: any): any {
	if (!params || typeof params !== 'object') {
		throw new TypeError('missing rtpParameters');
	}
	if (!Array.isArray(params.codecs) || params.codecs.length === 0) {
		throw new TypeError('empty rtpParameters.codecs');
	}

	const codecs = params.codecs.map((codec: any) => {
		if (!codec || typeof codec.mimeType !== 'string' || typeof codec.payloadType !== 'number') {
			throw new TypeError('invalid codec in rtpParameters.codecs');
		}

		return {
			mimeType: canonicalMimeType(codec.mimeType),
			payloadType: codec.payloadType,
			clockRate: codec.clockRate,
			channels: typeof codec.channels === 'number' ? codec.channels : undefined,
			parameters: { ...(codec.parameters ?? {}) },
			rtcpFeedback: (Array.isArray(codec.rtcpFeedback) ? codec.rtcpFeedback : []).map((fb: any) => ({
				type: fb.type,
				// An empty parameter is no parameter (RFC 4585 section 4.2: "a=rtcp-fb:pt nack").
				parameter: fb.parameter ? fb.parameter : undefined,
			})),
		};
	});

	const firstMediaCodec = codecs.find((codec: any) => isMediaCodec(codec));

	if (!firstMediaCodec) {
		throw new TypeError('no media codec found in rtpParameters.codecs');
	}

	if (!Array.isArray(params.encodings) || params.encodings.length === 0) {
		throw new TypeError('empty rtpParameters.encodings');
	}

	const encodings = params.encodings.map((encoding: any) => {
		let codecPayloadType = encoding?.codecPayloadType;

		if (codecPayloadType === undefined) {
			codecPayloadType = firstMediaCodec.payloadType;
		} else if (!codecs.some((codec: any) => codec.payloadType === codecPayloadType && isMediaCodec(codec))) {
			throw new TypeError(`invalid codecPayloadType ${codecPayloadType} in encoding`);
		}

		return {
			ssrc: typeof encoding.ssrc === 'number' ? encoding.ssrc : undefined,
			rid: typeof encoding.rid === 'string' && encoding.rid ? encoding.rid : undefined,
			codecPayloadType,
			rtx: typeof encoding.rtx?.ssrc === 'number' ? { ssrc: encoding.rtx.ssrc } : undefined,
			dtx: Boolean(encoding.dtx),
			scalabilityMode: typeof encoding.scalabilityMode === 'string' ? encoding.scalabilityMode : undefined,
			maxBitrate: typeof encoding.maxBitrate === 'number' ? encoding.maxBitrate : undefined,
		};
	});

	return {
		mid: typeof params.mid === 'string' && params.mid ? params.mid : undefined,
		codecs,
		headerExtensions: (Array.isArray(params.headerExtensions) ? params.headerExtensions : []).map((ext: any) => ({
			uri: ext.uri,
			id: ext.id,
			encrypt: Boolean(ext.encrypt),
			parameters: { ...(ext.parameters ?? {}) },
		})),
		encodings,
		rtcp: {
			cname: typeof params.rtcp?.cname === 'string' ? params.rtcp.cname : undefined,
			reducedSize: params.rtcp?.reducedSize ?? true,
		},
	};
}

/** Whether the payload starts a key frame, per codec (RTP payload formats). */
type KeyFrameCheck = (payload: Uint8Array) => boolean;

function keyFrameCheckFor(mimeType: string): KeyFrameCheck | undefined {
	switch (mimeType.toLowerCase()) {
		case 'video/vp8':
			return isVp8KeyFrame;
		case 'video/vp9':
			return isVp9KeyFrame;
		case 'video/h264':
		case 'video/h264-svc':
			return isH264KeyFrame;
		case 'video/av1':
			return isAv1KeyFrame;
		default:
			return undefined;
	}
}

/** What `Producer.receiveRtpPacket()` made of a packet (the transport counts it). */
export const RECEIVED_MEDIA = 0;
export const RECEIVED_RTX = 1;
export const RECEIVED_DISCARDED = 2;

/**
 * One RTP stream received by a producer (one encoding): identification,
 * receive statistics and score (RtpStreamRecv), NACK generation, RTX.
 */
export class ProducerRtpStream {
	readonly encodingIdx: number;
	readonly ssrc: number;
	readonly mappedSsrc: number;
	readonly rid: string | undefined;
	readonly payloadType: number;
	readonly mimeType: string;
	readonly clockRate: number;
	readonly recv: RtpStreamRecv;
	readonly nack: NackGenerator | undefined;
	rtxSsrc: number | undefined;
	rtxPayloadType: number;
	nackCount = 0;
	nackPacketCount = 0;
	rtxPacketCount = 0;
	rtxByteCount = 0;
	rtxPacketsDiscarded = 0;
	/** An SR came since the last report tick (it scored the interval already). */
	srSinceTick = false;
	/** Reads a packet's spatial/temporal layer for the per-layer bitrates (layered VP8/VP9 streams). */
	layersReader: PacketLayersReader | undefined = undefined;
	lastVideoOrientation = -1;

	constructor(options: {
		encodingIdx: number;
		ssrc: number;
		mappedSsrc: number;
		rid: string | undefined;
		payloadType: number;
		mimeType: string;
		clockRate: number;
		rtxSsrc: number | undefined;
		rtxPayloadType: number;
		useNack: boolean;
		useDtx: boolean;
		spatialLayers: number;
		temporalLayers: number;
	}) {
		this.encodingIdx = options.encodingIdx;
		this.ssrc = options.ssrc;
		this.mappedSsrc = options.mappedSsrc;
		this.rid = options.rid;
		this.payloadType = options.payloadType;
		this.mimeType = options.mimeType;
		this.clockRate = options.clockRate;
		this.rtxSsrc = options.rtxSsrc;
		this.rtxPayloadType = options.rtxPayloadType;
		// mediasoup accepts the first packet (no probation) and tolerates NACK-era reordering.
		this.recv = new RtpStreamRecv({
			ssrc: options.ssrc,
			clockRate: options.clockRate,
			spatialLayers: options.spatialLayers,
			temporalLayers: options.temporalLayers,
			useRtx: options.rtxPayloadType >= 0,
			useDtx: options.useDtx,
			minSequential: 1,
			maxMisorder: 1500,
		});
		this.nack = options.useNack ? new NackGenerator() : undefined;
	}

	/** mediasoup's 'inbound-rtp' stats entry. */
	stats(kind: string, now: number, kf: KeyFrameRequestManager | undefined): Record<string, unknown> {
		const recv = this.recv;
		const counts = kf?.getCounts(this.ssrc) ?? { pliCount: 0, firCount: 0 };
		const bitrateByLayer: Record<string, number> = {};

		if (recv.spatialLayers > 1 || recv.temporalLayers > 1) {
			for (let s = 0; s < recv.spatialLayers; s++) {
				for (let t = 0; t < recv.temporalLayers; t++) {
					bitrateByLayer[`${s}.${t}`] = recv.getLayerBitrate(now, s, t);
				}
			}
		}

		return {
			type: 'inbound-rtp',
			timestamp: Math.round(now),
			ssrc: this.ssrc,
			rtxSsrc: this.rtxSsrc,
			rid: this.rid,
			kind,
			mimeType: this.mimeType,
			packetsLost: Math.max(0, recv.packetsLost),
			fractionLost: recv.fractionLost,
			packetsDiscarded: recv.packetsDiscarded,
			packetsRetransmitted: recv.packetsRetransmitted,
			packetsRepaired: recv.packetsRepaired,
			nackCount: this.nackCount,
			nackPacketCount: this.nackPacketCount,
			pliCount: counts.pliCount,
			firCount: counts.firCount,
			score: recv.score,
			roundTripTime: 0,
			rtxPacketsDiscarded: this.rtxSsrc !== undefined ? this.rtxPacketsDiscarded : undefined,
			jitter: recv.jitter,
			packetCount: recv.packetCount,
			byteCount: recv.bytesReceived,
			bitrate: recv.getBitrate(now),
			bitrateByLayer,
		};
	}

	dump(): unknown {
		return {
			params: {
				encodingIdx: this.encodingIdx,
				ssrc: this.ssrc,
				payloadType: this.payloadType,
				mimeType: this.mimeType,
				clockRate: this.clockRate,
				rid: this.rid,
				rtxSsrc: this.rtxSsrc,
				rtxPayloadType: this.rtxPayloadType >= 0 ? this.rtxPayloadType : undefined,
				useNack: this.nack !== undefined,
			},
			score: this.recv.score,
		};
	}
}

/**
 * A producer in the worker: its parameters, pause state, its receive streams
 * (created as their first packets arrive, as in mediasoup) and the routing
 * entry its consumers hang from. Incoming packets are matched to a stream,
 * counted, repaired from RTX, mangled in place to the router's payload type,
 * mapped SSRC and extension ids, and handed to the router once.
 */
export class Producer implements EngineProducer, RequestHandler {
	readonly id: string;
	readonly kind: 'audio' | 'video';
	readonly type: ProducerType;
	readonly rtpParameters: any;
	readonly rtpMapping: ProducerData['rtpMapping'];
	readonly keyFrameRequestDelay: number;
	/** Score (0..10) of the RTP stream of each encoding; 0 until media arrives. */
	readonly rtpStreamScores: number[];
	readonly traceEventTypes = new Set<string>();
	/** Streams by encoding index (undefined until their first packet). */
	readonly streams: (ProducerRtpStream | undefined)[];
	/** Packets matched to this producer but dropped (unknown PT, bad seq, unrequested RTX). */
	packetsDiscarded = 0;
	/**
	 * Where RTP packets injected by the application (DirectTransport
	 * `producer.send()`) go instead of the transport, when set (tests).
	 */
	onDirectRtpPacket: ((producer: Producer, packet: Buffer) => void) | undefined = undefined;
	#paused: boolean;
	#closed = false;
	readonly #media: MediaTransport | undefined;
	readonly #encodings: any[];
	readonly #ssrcStream = new Map<number, ProducerRtpStream>();
	readonly #rtxSsrcStream = new Map<number, ProducerRtpStream>();
	readonly #mappedSsrcStream = new Map<number, ProducerRtpStream>();
	/** mapped PT by PT (-1: unknown), RTX apt by RTX PT (-1: not RTX). */
	readonly #ptMap = new Int16Array(128).fill(-1);
	readonly #rtxApt = new Int16Array(128).fill(-1);
	readonly #keyFrameChecks: (KeyFrameCheck | undefined)[] = new Array(128).fill(undefined);
	readonly #ext: ProducerExtensionMap;
	readonly #keyFrames: KeyFrameRequestManager | undefined;
	#traceRtp = false;
	#traceKeyFrame = false;
	#fastTimerNeeded = false;

	constructor(producerId: string, data: ProducerData, readonly owner: TransportOwner) {
		if (typeof producerId !== 'string' || !producerId) {
			throw new TypeError('missing producerId');
		}
		if (data.kind !== 'audio' && data.kind !== 'video') {
			throw new TypeError(`invalid kind "${String(data.kind)}"`);
		}

		const rtpParameters = normalizeRtpParameters(data.rtpParameters);
		const encodings = rtpParameters.encodings as any[];

		// Packets must be matched to a stream: by ssrc or rid, or (one stream) by MID.
		if (encodings.length > 1) {
			for (const encoding of encodings) {
				if (encoding.ssrc === undefined && encoding.rid === undefined) {
					throw new TypeError('wrong encoding: simulcast encodings need ssrc or rid');
				}
			}
		} else if (encodings[0].ssrc === undefined && encodings[0].rid === undefined && rtpParameters.mid === undefined) {
			throw new TypeError('wrong encoding: a single encoding without ssrc nor rid needs a mid');
		}

		const rtpMapping = data.rtpMapping;

		if (!rtpMapping || !Array.isArray(rtpMapping.codecs) || !Array.isArray(rtpMapping.encodings)) {
			throw new TypeError('missing rtpMapping');
		}
		if (rtpMapping.encodings.length !== encodings.length) {
			throw new TypeError('rtpMapping.encodings size does not match rtpParameters.encodings size');
		}
		for (const codec of rtpParameters.codecs) {
			if (!rtpMapping.codecs.some((entry) => entry.payloadType === codec.payloadType)) {
				throw new TypeError(`codec payloadType ${codec.payloadType} not found in rtpMapping.codecs`);
			}
		}

		const keyFrameRequestDelay = data.keyFrameRequestDelay ?? 0;

		if (typeof keyFrameRequestDelay !== 'number' || keyFrameRequestDelay < 0) {
			throw new TypeError('invalid keyFrameRequestDelay');
		}

		const ctx = owner.ctx;

		if (ctx.channel.has(producerId)) {
			throw new Error(`an entity with the given id already exists [id:${producerId}]`);
		}

		this.id = producerId;
		this.kind = data.kind;
		this.rtpParameters = rtpParameters;
		this.rtpMapping = rtpMapping;
		this.keyFrameRequestDelay = keyFrameRequestDelay;
		this.rtpStreamScores = encodings.map(() => 0);
		this.streams = encodings.map(() => undefined);
		this.#paused = Boolean(data.paused);
		this.#media = isMediaTransport(owner) ? owner : undefined;
		this.#encodings = encodings;

		if (encodings.length > 1) {
			this.type = 'simulcast';
		} else if (parseLayers(encodings[0].scalabilityMode).spatialLayers > 1) {
			this.type = 'svc';
		} else {
			this.type = 'simple';
		}

		for (const entry of rtpMapping.codecs) {
			if (entry.payloadType >= 0 && entry.payloadType < 128) {
				this.#ptMap[entry.payloadType] = entry.mappedPayloadType;
			}
		}
		for (const codec of rtpParameters.codecs) {
			if (codec.payloadType < 0 || codec.payloadType >= 128) {
				continue;
			}
			if (/\/rtx$/i.test(codec.mimeType) && codec.parameters?.apt !== undefined) {
				this.#rtxApt[codec.payloadType] = Number(codec.parameters.apt);
			}
			this.#keyFrameChecks[codec.payloadType] = keyFrameCheckFor(codec.mimeType);
		}
		this.#ext = producerExtensionMap(rtpParameters.headerExtensions);
		this.#keyFrames =
			this.kind === 'video' ? new KeyFrameRequestManager({ keyFrameRequestDelay }) : undefined;

		// Throws if the id is taken in this router.
		owner.router.addProducer(this);
		ctx.channel.register(producerId, this);

		logger.debug(`producer created [id:${producerId}, kind:${this.kind}, type:${this.type}]`, 'info');
	}

	get paused(): boolean {
		return this.#paused;
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Whether the transport should call `onFastTimer()` (NACK retries, key frame retries/delays). */
	get needsFastTimer(): boolean {
		return this.#fastTimerNeeded;
	}

	handleRequest(method: string, data: any): unknown {
		switch (method) {
			case 'producer.dump':
				return this.dump();

			case 'producer.getStats':
				return this.getStats();

			case 'producer.pause':
				this.pause();

				return undefined;

			case 'producer.resume':
				this.resume();

				return undefined;

			case 'producer.enableTraceEvent': {
				const types = data?.types;

				if (!Array.isArray(types)) {
					throw new TypeError('types must be an array');
				}
				this.traceEventTypes.clear();
				for (const type of types) {
					if (TRACE_EVENT_TYPES.includes(type)) {
						this.traceEventTypes.add(type);
					}
				}
				this.#traceRtp = this.traceEventTypes.has('rtp');
				this.#traceKeyFrame = this.traceEventTypes.has('keyframe');

				return undefined;
			}

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	handleNotification(event: string, data: any): void {
		switch (event) {
			case 'producer.send': {
				if (!(data instanceof Uint8Array)) {
					logger.warn('producer.send: data is not binary, ignored');

					return;
				}

				const packet = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
				const owner = this.owner as TransportOwner & {
					receiveDirectRtpPacket?(producer: Producer, data: Buffer): void;
				};

				if (this.onDirectRtpPacket !== undefined) {
					this.onDirectRtpPacket(this, packet);
				} else {
					owner.receiveDirectRtpPacket?.(this, packet);
				}
				break;
			}

			default:
				logger.warn(`unknown notification "${event}"`);
		}
	}

	dump(): unknown {
		const streams = this.streams.filter((stream): stream is ProducerRtpStream => stream !== undefined);

		return {
			id: this.id,
			kind: this.kind,
			type: this.type,
			rtpParameters: this.rtpParameters,
			rtpMapping: this.rtpMapping,
			// No RTP stream exists before the first packet.
			rtpStreams: streams.length > 0 ? streams.map((stream) => stream.dump()) : undefined,
			traceEventTypes: [...this.traceEventTypes],
			paused: this.#paused,
		};
	}

	/** One 'inbound-rtp' entry per live RTP stream: none before media flows. */
	getStats(): unknown[] {
		const now = nowMs();
		const stats: unknown[] = [];

		for (const stream of this.streams) {
			if (stream) {
				stats.push(stream.stats(this.kind, now, this.#keyFrames));
			}
		}

		return stats;
	}

	/** The 'inbound-rtp' entry of the stream a consumer reads (for its getStats). */
	getStreamStats(encodingIdx: number): unknown | undefined {
		const stream = this.streams[encodingIdx];

		return stream ? stream.stats(this.kind, nowMs(), this.#keyFrames) : undefined;
	}

	pause(): void {
		if (this.#paused) {
			return;
		}
		this.#paused = true;
		for (const stream of this.streams) {
			stream?.recv.pause();
		}
		logger.debug(`producer paused [id:${this.id}]`, 'info');
		this.owner.router.producerPaused(this);
	}

	resume(): void {
		if (!this.#paused) {
			return;
		}
		this.#paused = false;
		logger.debug(`producer resumed [id:${this.id}]`, 'info');
		this.owner.router.producerResumed(this);
		// Its consumers wait for a key frame: ask for one now (mediasoup does).
		if (this.kind === 'video') {
			for (const stream of this.streams) {
				if (stream) {
					this.requestKeyFrame(stream.mappedSsrc, true);
				}
			}
		}
	}

	/** Closes from the application or with its transport: its consumers get 'producerclose'. */
	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.owner.ctx.channel.unregister(this.id);
		this.owner.router.removeProducer(this);
		this.owner.onProducerClosed(this);
		logger.debug(`producer closed [id:${this.id}]`, 'info');
	}

	// --- media path --------------------------------------------------------

	/**
	 * An RTP packet the transport matched to this producer (parsed once, over
	 * a buffer the caller owns). Mangled in place and forwarded.
	 */
	receiveRtpPacket(packet: RtpPacket, now: number): number {
		const ssrc = packet.ssrc;
		let stream = this.#ssrcStream.get(ssrc);
		let isRtx = false;

		if (stream === undefined) {
			stream = this.#rtxSsrcStream.get(ssrc);
			if (stream !== undefined) {
				isRtx = true;
			} else {
				stream = this.#identify(packet, now);
				if (stream === undefined) {
					this.packetsDiscarded++;

					return RECEIVED_DISCARDED;
				}
				isRtx = stream.ssrc !== ssrc;
			}
		}

		let seq: number;
		let isKeyFrame = false;

		if (isRtx) {
			stream.rtxPacketCount++;
			stream.rtxByteCount += packet.length;

			const pt = packet.payloadType;

			// RFC 4588 section 4: the RTX payload type and the 2-byte original sequence number.
			if (pt !== stream.rtxPayloadType || rtxOriginalSequenceNumber(packet) < 0) {
				stream.rtxPacketsDiscarded++;

				return RECEIVED_DISCARDED;
			}
			rtxDecapsulate(packet, stream.ssrc, this.#rtxApt[pt]!);
			seq = packet.sequenceNumber;
			isKeyFrame = this.#isKeyFrame(packet);

			const nack = stream.nack;
			let repaired = false;

			if (nack !== undefined) {
				nack.onPacket(seq, isKeyFrame, true, now);
				repaired = nack.lastPacketWasNacked;
			}
			// An RTX packet nobody asked for (probing, a late duplicate) is not forwarded.
			if (!stream.recv.receiveRtxPacket(seq, packet.length, now, repaired) || !repaired) {
				stream.rtxPacketsDiscarded++;

				return RECEIVED_DISCARDED;
			}
		} else {
			const pt = packet.payloadType;

			if (this.#ptMap[pt]! < 0 || this.#rtxApt[pt]! >= 0) {
				stream.recv.packetsDiscarded++;

				return RECEIVED_DISCARDED;
			}
			seq = packet.sequenceNumber;

			// Layer of the packet for the per-layer bitrates (what svc consumers are allocated by).
			const layers =
				stream.layersReader !== undefined && packet.payloadLength > 0 ? stream.layersReader(packet.payload) : 0;
			const result =
				layers > 0
					? stream.recv.receivePacket(seq, packet.timestamp, packet.length, now, layers >> 3, layers & 7)
					: stream.recv.receivePacket(seq, packet.timestamp, packet.length, now);

			if (result === RECV_BAD_SEQ || result === RECV_PROBATION || result === RECV_DUPLICATE) {
				return RECEIVED_DISCARDED;
			}
			isKeyFrame = this.#isKeyFrame(packet);

			const nack = stream.nack;

			if (nack !== undefined) {
				const lost = nack.onPacket(seq, isKeyFrame, false, now);

				if (nack.lastPacketWasNacked) {
					stream.recv.packetRecoveredInBand();
				}
				if (lost.length > 0) {
					this.#sendNack(stream, lost);
				}
				if (nack.pending > 0) {
					this.#fastTimerNeeded = true;
				}
				if (nack.keyFrameRequired) {
					this.requestKeyFrame(stream.mappedSsrc, false);
				}
			}
		}

		if (isKeyFrame) {
			this.#keyFrames?.onKeyFrame(stream.ssrc, now);
		}
		if (this.#traceRtp || (isKeyFrame && this.#traceKeyFrame)) {
			this.#traceRtpPacket(packet, isKeyFrame, isRtx, stream.layersReader);
		}
		if (this.#ext.videoOrientation !== 0) {
			this.#checkVideoOrientation(stream, packet);
		}

		// Counted, but held back while paused.
		if (this.#paused) {
			return isRtx ? RECEIVED_RTX : RECEIVED_MEDIA;
		}

		// Mangle to the router's space (mediasoup's Producer::MangleRtpPacket).
		packet.payloadType = this.#ptMap[packet.payloadType]!;
		packet.ssrc = stream.mappedSsrc;
		if (packet.extensionCount > 0 && !this.#ext.identity) {
			packet.remapExtensionIds(this.#ext.table);
		}

		this.owner.router.onProducerRtpPacket(this, packet, stream.encodingIdx, isKeyFrame, now);

		return isRtx ? RECEIVED_RTX : RECEIVED_MEDIA;
	}

	/** Whether this SSRC belongs to one of this producer's streams (media or RTX). */
	hasSsrc(ssrc: number): boolean {
		return this.#ssrcStream.has(ssrc) || this.#rtxSsrcStream.has(ssrc);
	}

	/** A sender report about one of our incoming streams. */
	receiveSenderReport(ssrc: number, ntpSeconds: number, ntpFraction: number, rtpTimestamp: number, now: number): void {
		const stream = this.#ssrcStream.get(ssrc);

		if (!stream) {
			return;
		}
		stream.srSinceTick = true;
		if (stream.recv.receiveSenderReport(ntpSeconds, ntpFraction, rtpTimestamp, now)) {
			this.#onScoreChanged(stream);
		}
		if (this.traceEventTypes.has('sr')) {
			this.#trace('sr', 'in', {
				ssrc,
				ntpSec: ntpSeconds,
				ntpFrac: ntpFraction,
				rtpTs: rtpTimestamp,
			});
		}
	}

	/**
	 * A consumer needs a key frame of the stream with this mapped SSRC (its
	 * consumer resumed, switched, or its receiver sent PLI/FIR). `force`: ask
	 * even if a request is pending (resume), as mediasoup's ForceKeyFrameNeeded. `untilKeyFrame`:
	 * retry until the key frame comes (a simulcast switch waits for it).
	 */
	requestKeyFrame(mappedSsrc: number, force = false, untilKeyFrame = false): void {
		const kf = this.#keyFrames;
		const stream = this.#mappedSsrcStream.get(mappedSsrc);

		if (kf === undefined || stream === undefined || this.#closed) {
			return;
		}

		const now = nowMs();
		const request = force ? kf.forceRequest(stream.ssrc, now) : kf.request(stream.ssrc, now, untilKeyFrame);

		if (request) {
			this.#sendKeyFrameRequest(request);
		}
		if (kf.hasPending && !this.#fastTimerNeeded) {
			this.#fastTimerNeeded = true;
			this.#media?.wakeFastTimer();
		}
	}

	/** Every ~40 ms while `needsFastTimer`: NACK retries, key frame request delays and retries. */
	onFastTimer(now: number): void {
		let needed = false;

		for (const stream of this.streams) {
			const nack = stream?.nack;

			if (nack === undefined || nack.pending === 0) {
				continue;
			}

			const seqs = nack.onTimer(now, 0);

			if (seqs.length > 0) {
				this.#sendNack(stream!, seqs);
			}
			if (nack.pending > 0) {
				needed = true;
			}
		}

		const kf = this.#keyFrames;

		if (kf !== undefined && kf.hasPending) {
			for (const request of kf.onTimer(now)) {
				this.#sendKeyFrameRequest(request);
			}
			if (kf.hasPending) {
				needed = true;
			}
		}
		this.#fastTimerNeeded = needed;
	}

	/**
	 * The transport's report tick (~1 s): a receiver report block per stream
	 * (into `blocks`), one score sample for streams without a sender report in
	 * the interval, inactivity.
	 */
	onReportTimer(now: number, blocks: ReportBlock[]): void {
		for (const stream of this.streams) {
			if (!stream) {
				continue;
			}

			let changed = stream.recv.onTimer(now);

			if (!stream.srSinceTick && !this.#paused) {
				changed = stream.recv.updateScore() || changed;
			}
			stream.srSinceTick = false;
			if (changed) {
				this.#onScoreChanged(stream);
			}
			blocks.push(stream.recv.getReportBlock(now));
		}
	}

	/** SSRCs of the streams (REMB lists them). */
	collectSsrcs(out: number[]): void {
		for (const stream of this.streams) {
			if (stream) {
				out.push(stream.ssrc);
			}
		}
	}

	/** mediasoup's ProducerScore list. */
	scores(): { encodingIdx: number; ssrc: number; rid: string | undefined; score: number }[] {
		const out: { encodingIdx: number; ssrc: number; rid: string | undefined; score: number }[] = [];

		for (const stream of this.streams) {
			if (stream) {
				out.push({ encodingIdx: stream.encodingIdx, ssrc: stream.ssrc, rid: stream.rid, score: stream.recv.score });
			}
		}

		return out;
	}

	#onScoreChanged(stream: ProducerRtpStream): void {
		this.rtpStreamScores[stream.encodingIdx] = stream.recv.score;
		this.owner.ctx.channel.emit(this.id, 'score', this.scores());
		this.owner.router.onProducerScore(this);
	}

	#isKeyFrame(packet: RtpPacket): boolean {
		const check = this.#keyFrameChecks[packet.payloadType];

		return check !== undefined && packet.payloadLength > 0 && check(packet.payload);
	}

	/**
	 * A packet of an unknown SSRC: find its encoding (by ssrc, RID/RRID, or the
	 * only encoding when the producer is matched by MID) and create the stream,
	 * or learn the RTX SSRC of an existing one (mediasoup's GetRtpStream).
	 */
	#identify(packet: RtpPacket, now: number): ProducerRtpStream | undefined {
		const ssrc = packet.ssrc;
		const pt = packet.payloadType;
		const isRtxPt = this.#rtxApt[pt]! >= 0;
		const isMediaPt = this.#ptMap[pt]! >= 0 && !isRtxPt;
		const encodings = this.#encodings;

		for (let i = 0; i < encodings.length; i++) {
			const encoding = encodings[i];

			if (encoding.ssrc === ssrc) {
				return isMediaPt ? this.#createStream(i, ssrc, now) : undefined;
			}
			if (encoding.rtx?.ssrc === ssrc) {
				return isRtxPt ? this.#learnRtx(i, ssrc) : undefined;
			}
		}

		if (this.#ext.rid !== 0 || this.#ext.rrid !== 0) {
			const rid = this.#ext.rid !== 0 ? getStringExtension(packet, this.#ext.rid) : undefined;

			if (rid !== undefined) {
				const i = encodings.findIndex((encoding) => encoding.rid === rid);

				return i >= 0 && isMediaPt && encodings[i].ssrc === undefined ? this.#createStream(i, ssrc, now) : undefined;
			}

			const rrid = this.#ext.rrid !== 0 ? getStringExtension(packet, this.#ext.rrid) : undefined;

			if (rrid !== undefined) {
				const i = encodings.findIndex((encoding) => encoding.rid === rrid);

				return i >= 0 && isRtxPt ? this.#learnRtx(i, ssrc) : undefined;
			}
		}

		// One encoding known only by the MID the transport matched.
		if (encodings.length === 1 && encodings[0].ssrc === undefined && encodings[0].rid === undefined) {
			if (isMediaPt && this.streams[0] === undefined) {
				return this.#createStream(0, ssrc, now);
			}
			if (isRtxPt) {
				return this.#learnRtx(0, ssrc);
			}
		}

		return undefined;
	}

	#learnRtx(encodingIdx: number, rtxSsrc: number): ProducerRtpStream | undefined {
		const stream = this.streams[encodingIdx];

		if (!stream) {
			return undefined;
		}
		if (stream.rtxSsrc !== undefined && stream.rtxSsrc !== rtxSsrc) {
			this.#rtxSsrcStream.delete(stream.rtxSsrc);
		}
		stream.rtxSsrc = rtxSsrc;
		this.#rtxSsrcStream.set(rtxSsrc, stream);
		this.#notifySsrc(rtxSsrc);

		return stream;
	}

	#createStream(encodingIdx: number, ssrc: number, now: number): ProducerRtpStream | undefined {
		if (this.streams[encodingIdx] !== undefined) {
			// A new SSRC for an encoding that has a stream (the sender restarted): ignore.
			return undefined;
		}

		const encoding = this.#encodings[encodingIdx];
		const codec = this.rtpParameters.codecs.find((c: any) => c.payloadType === encoding.codecPayloadType);
		const rtxCodec = this.rtpParameters.codecs.find(
			(c: any) => /\/rtx$/i.test(c.mimeType) && Number(c.parameters?.apt) === codec.payloadType,
		);
		const feedback: { type: string; parameter?: string }[] = codec.rtcpFeedback ?? [];
		const layers = parseLayers(encoding.scalabilityMode);
		const stream = new ProducerRtpStream({
			encodingIdx,
			ssrc,
			mappedSsrc: this.rtpMapping.encodings[encodingIdx].mappedSsrc,
			rid: encoding.rid,
			payloadType: codec.payloadType,
			mimeType: codec.mimeType,
			clockRate: codec.clockRate,
			rtxSsrc: undefined,
			rtxPayloadType: rtxCodec ? rtxCodec.payloadType : -1,
			useNack: feedback.some((fb) => fb.type === 'nack' && !fb.parameter),
			useDtx: encoding.dtx === true,
			spatialLayers: this.type === 'svc' ? layers.spatialLayers : 1,
			temporalLayers: layers.temporalLayers,
		});

		if (stream.recv.spatialLayers > 1 || stream.recv.temporalLayers > 1) {
			stream.layersReader = packetLayersReader(codec.mimeType);
		}
		this.streams[encodingIdx] = stream;
		this.#ssrcStream.set(ssrc, stream);
		this.#mappedSsrcStream.set(stream.mappedSsrc, stream);
		this.#keyFrames?.addStream(ssrc, keyFrameRequestKind(feedback));
		this.#notifySsrc(ssrc);

		const rtxSsrc = encoding.rtx?.ssrc;

		if (typeof rtxSsrc === 'number' && stream.rtxPayloadType >= 0) {
			stream.rtxSsrc = rtxSsrc;
			this.#rtxSsrcStream.set(rtxSsrc, stream);
		}
		logger.debug(`new RTP stream [producerId:${this.id}, ssrc:${ssrc}, encodingIdx:${encodingIdx}]`, 'rtp');

		// The first score (mediasoup emits it as the stream appears).
		this.#onScoreChanged(stream);
		void now;

		return stream;
	}

	/** Let the transport's RTP listener find this SSRC directly next time. */
	#notifySsrc(ssrc: number): void {
		const owner = this.owner as TransportOwner & { learnProducerSsrc?(producer: Producer, ssrc: number): void };

		owner.learnProducerSsrc?.(this, ssrc);
	}

	#sendNack(stream: ProducerRtpStream, seqs: readonly number[]): void {
		const nack = GenericNack.fromSequenceNumbers(0, stream.ssrc, seqs);

		stream.nackCount++;
		stream.nackPacketCount += seqs.length;
		this.#media?.sendRtcpFeedback(nack);
		if (this.traceEventTypes.has('nack')) {
			this.#trace('nack', 'out', {});
		}
	}

	#sendKeyFrameRequest(request: KeyFrameRequest): void {
		this.#media?.sendRtcpFeedback(buildKeyFrameRequestPacket(request));
		if (this.traceEventTypes.has(request.kind)) {
			this.#trace(request.kind, 'out', { ssrc: request.ssrc });
		}
	}

	#checkVideoOrientation(stream: ProducerRtpStream, packet: RtpPacket): void {
		const value = getVideoOrientation(packet, this.#ext.videoOrientation);

		if (value === undefined || (value & 0x0f) === stream.lastVideoOrientation) {
			return;
		}
		stream.lastVideoOrientation = value & 0x0f;
		this.owner.ctx.channel.emit(this.id, 'videoorientationchange', {
			camera: !videoOrientationBackCamera(value),
			flip: videoOrientationFlip(value),
			rotation: videoOrientationRotation(value),
		});
	}

	#traceRtpPacket(packet: RtpPacket, isKeyFrame: boolean, isRtx: boolean, layersReader: PacketLayersReader | undefined): void {
		const info = {
			rtpPacket: rtpPacketTraceInfo(packet, isKeyFrame, isRtx ? undefined : layersReader, {
				mid: this.#ext.mid !== 0 ? getStringExtension(packet, this.#ext.mid) : undefined,
				rid: this.#ext.rid !== 0 ? getStringExtension(packet, this.#ext.rid) : undefined,
				rrid: this.#ext.rrid !== 0 ? getStringExtension(packet, this.#ext.rrid) : undefined,
				wideSequenceNumber:
					this.#ext.transportCc !== 0 ? getTransportSequenceNumber(packet, this.#ext.transportCc) : undefined,
			}),
			isRtx,
		};

		if (this.#traceRtp) {
			this.#trace('rtp', 'in', info);
		}
		if (isKeyFrame && this.#traceKeyFrame) {
			this.#trace('keyframe', 'in', info);
		}
	}

	#trace(type: string, direction: 'in' | 'out', info: unknown): void {
		this.owner.ctx.channel.emit(this.id, 'trace', { type, timestamp: Date.now(), direction, info });
	}
}
