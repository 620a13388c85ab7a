import type { RequestHandler } from '../channel';
import { WorkerLogger } from '../logger';
import { Producer, isMediaCodec, normalizeRtpParameters, parseLayers } from './Producer';
import type { EngineConsumer, TransportOwner } from './types';
import { RtpPacket } from '../../proto/rtp/rtpPacket';
import { rtxEncapsulateInto } from '../../proto/rtp/rtx';
import { setStringExtension } from '../../proto/rtp/stringExtension';
import { isOpusDtx } from '../../proto/codecs/opus';
import type { GenericNack } from '../../proto/rtcp/nack';
import type { ReportBlock } from '../../proto/rtcp/reportblock';
import type { RtcpPacket } from '../../proto/rtcp/compound';
import { SdesChunk, SdesItem, SDES_CNAME } from '../../proto/rtcp/sdes';
import { RtpStreamSend } from '../feedback/RtpStreamSend';
import { RetransmissionBuffer, type RetransmissionItem } from '../feedback/RetransmissionBuffer';
import { SeqManager } from './SeqManager';
import { TRANSPORT_CC_URI, consumerExtensionMap, type ConsumerExtensionMap } from './rtpHeaderExtensions';
import { isMediaTransport, nowMs, type MediaTransport } from './media';
import { PacketEdit, createLayerContext, isKsvcMode, packetLayersReader, type LayerContext, type PacketLayersReader } from './layers';
import { rtpPacketTraceInfo } from './rtpTrace';

const logger = new WorkerLogger('Consumer');

export type ConsumerType = 'simple' | 'simulcast' | 'svc' | 'pipe';

export type ConsumerLayers = { spatialLayer: number; temporalLayer?: number };

/** What a transport hands a new consumer (from the application's consume request). */
export type ConsumerData = {
	consumerId: string;
	producerId: string;
	kind: 'audio' | 'video';
	rtpParameters: any;
	type: ConsumerType;
	consumableRtpEncodings: any[];
	paused?: boolean;
	preferredLayers?: ConsumerLayers;
	ignoreDtx?: boolean;
};

/** Where a packet kept by reference is rebuilt for a resend (used before the next one). */
let resendScratch = Buffer.allocUnsafe(2048);
/**
 * Packets parsed for rewriting (#mapExtensions), RTX encapsulation and the resend rebuild: one
 * each per worker, as each is parsed and read within one call that calls out to nothing
 * meanwhile (one set per consumer cost ~3.4 KiB each).
 */
const outScratch = new RtpPacket();
const rtxInScratch = new RtpPacket();
const rtxOutScratch = new RtpPacket();
const resendInScratch = new RtpPacket();
const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir'];

// Codecs whose key frames the worker recognises: a (re)starting video stream waits for one.
const KEY_FRAME_CODECS: ReadonlySet<string> = new Set(['video/vp8', 'video/vp9', 'video/h264', 'video/h264-svc', 'video/av1']);

function randomUint16(): number {
	return Math.floor(Math.random() * 0x10000);
}

/**
 * An RTP stream this consumer sends: its parameters (from the consumer's RTP
 * parameters), its sequence number rewriting, send statistics and score
 * (RtpStreamSend), and the retransmission buffer when NACK is negotiated.
 */
export class SendStream {
	readonly params: {
		encodingIdx: number;
		ssrc: number;
		payloadType: number;
		mimeType: string;
		clockRate: number;
		rid: string | undefined;
		cname: string;
		rtxSsrc: number | undefined;
		rtxPayloadType: number | undefined;
		useNack: boolean;
		usePli: boolean;
		useFir: boolean;
		useInBandFec: boolean;
		useDtx: boolean;
		spatialLayers: number;
		temporalLayers: number;
	};
	readonly send: RtpStreamSend;
	readonly seq: SeqManager;
	readonly rtxBuffer: RetransmissionBuffer | undefined;
	/** Wait for a key frame (video) and restart the output sequence after the last one sent. */
	syncRequired = true;
	/** Added to the input timestamp (non zero after a simulcast stream switch). */
	tsOffset = 0;
	lastOutTs = 0;
	lastOutMs = 0;
	/** The newest packet sent ended a frame (marker bit): a switch cuts no frame in the middle. */
	lastOutMarker = true;
	/** Leave one sequence number out at the next sync (a simulcast switch cut a frame short). */
	seqGap = false;
	rtxSeq = randomUint16();
	/** The producer stream (mapped SSRC) this one forwards (pipe: one each; others: the current one). */
	mappedSsrc: number;

	constructor(rtpParameters: any, encodingIdx: number, encoding: any, kind: 'audio' | 'video', mappedSsrc: number) {
		const codec = rtpParameters.codecs.find((c: any) => c.payloadType === encoding.codecPayloadType);
		const rtxCodec = rtpParameters.codecs.find(
			(c: any) => !isMediaCodec(c) && /\/rtx$/i.test(c.mimeType) && Number(c.parameters?.apt) === codec.payloadType,
		);
		const feedback: { type: string; parameter?: string }[] = codec.rtcpFeedback;
		const layers = parseLayers(encoding.scalabilityMode);

		if (typeof encoding.ssrc !== 'number') {
			throw new TypeError('missing ssrc in consumer encoding');
		}

		this.params = {
			encodingIdx,
			ssrc: encoding.ssrc,
			payloadType: codec.payloadType,
			mimeType: codec.mimeType,
			clockRate: codec.clockRate,
			rid: encoding.rid,
			cname: rtpParameters.rtcp.cname ?? '',
			rtxSsrc: encoding.rtx && rtxCodec ? encoding.rtx.ssrc : undefined,
			rtxPayloadType: encoding.rtx && rtxCodec ? rtxCodec.payloadType : undefined,
			useNack: feedback.some((fb) => fb.type === 'nack' && !fb.parameter),
			usePli: feedback.some((fb) => fb.type === 'nack' && fb.parameter === 'pli'),
			useFir: feedback.some((fb) => fb.type === 'ccm' && fb.parameter === 'fir'),
			useInBandFec: Number(codec.parameters.useinbandfec) === 1,
			useDtx: Number(codec.parameters.usedtx) === 1,
			spatialLayers: layers.spatialLayers,
			temporalLayers: layers.temporalLayers,
		};
		this.send = new RtpStreamSend({ ssrc: encoding.ssrc, clockRate: codec.clockRate });
		this.seq = new SeqManager(randomUint16());
		// mediasoup keeps 2 s of video and 1 s of audio for retransmissions.
		this.rtxBuffer = this.params.useNack
			? new RetransmissionBuffer({ maxPackets: 2500, maxAgeMs: kind === 'video' ? 2000 : 1000, minAgeMs: 500 })
			: undefined;
		this.mappedSsrc = mappedSsrc;
	}

	get score(): number {
		return this.send.score;
	}

	dump(): unknown {
		const p = this.params;

		return {
			params: { ...p },
			score: this.score,
			rtxStream:
				p.rtxSsrc !== undefined
					? {
							params: {
								ssrc: p.rtxSsrc,
								payloadType: p.rtxPayloadType,
								mimeType: `${p.mimeType.slice(0, p.mimeType.indexOf('/'))}/rtx`,
								clockRate: p.clockRate,
								rrid: p.rid,
								cname: p.cname,
							},
						}
					: undefined,
		};
	}

	/** mediasoup's 'outbound-rtp' stats entry. */
	stats(kind: string, now: number): unknown {
		const send = this.send;

		return {
			type: 'outbound-rtp',
			timestamp: Math.round(now),
			ssrc: this.params.ssrc,
			rtxSsrc: this.params.rtxSsrc,
			rid: this.params.rid,
			kind,
			mimeType: this.params.mimeType,
			packetsLost: Math.max(0, send.packetsLost),
			fractionLost: send.fractionLost,
			packetsDiscarded: 0,
			packetsRetransmitted: send.packetsRetransmitted,
			packetsRepaired: send.packetsRepaired,
			nackCount: send.nackCount,
			nackPacketCount: send.nackPacketCount,
			pliCount: send.pliCount,
			firCount: send.firCount,
			score: send.score,
			roundTripTime: send.rttMs,
			rtxPacketsDiscarded: undefined,
			packetCount: send.packetsSent,
			byteCount: send.bytesSent,
			bitrate: send.getBitrate(now),
		};
	}
}

/** mediasoup-client's 'probator' consumer (RTP_PROBATOR_SSRC / RTP_PROBATOR_CODEC_PAYLOAD_TYPE). */
const PROBATION_SSRC = 1234;
const PROBATION_PAYLOAD_TYPE = 127;
/**
 * The sequence space of probation packets, one per transport (the receiver at its end sees one
 * probator SSRC): kept beside the transport rather than in it so a consumer needs nothing more
 * of MediaTransport.
 */
const probationSeqs = new WeakMap<MediaTransport, { seq: number }>();

/**
 * A consumer in the worker: its parameters, the pause state of itself and of
 * its producer, priority, preferred layers (simulcast/SVC) and its send
 * streams. Hangs from its producer in the router's routing table and rewrites
 * a copy of every forwarded packet: SSRC, sequence number (continuous across
 * pauses and key frame waits), timestamp offset, header extension ids and MID.
 */
export class Consumer implements RequestHandler, EngineConsumer {
	readonly id: string;
	readonly producerId: string;
	readonly kind: 'audio' | 'video';
	readonly type: ConsumerType;
	readonly rtpParameters: any;
	readonly consumableRtpEncodings: any[];
	readonly ignoreDtx: boolean;
	readonly supportedCodecPayloadTypes: number[];
	readonly sendStreams: SendStream[];
	readonly traceEventTypes = new Set<string>();
	/** Spatial and temporal layers the rtpParameters offer (simulcast/SVC), else 1 and 1. */
	readonly spatialLayers: number;
	readonly temporalLayers: number;
	paused: boolean;
	producerPaused: boolean;
	priority = 1;
	preferredLayers: ConsumerLayers | undefined;
	targetLayers: { spatialLayer: number; temporalLayer: number } = { spatialLayer: -1, temporalLayer: -1 };
	currentLayers: { spatialLayer: number; temporalLayer: number } = { spatialLayer: -1, temporalLayer: -1 };
	#closed = false;
	readonly #media: MediaTransport | undefined;
	readonly #producer: Producer | undefined;
	/** Bit pt of the media payload types (pt < 128) this consumer forwards. */
	readonly #supportedPt = new Uint32Array(4);
	readonly #keyFrameSupported: boolean;
	readonly #opus: boolean;
	/** Reads the spatial/temporal layer of a packet for trace events (undefined: codec without layers). */
	readonly #layersReader: PacketLayersReader | undefined;
	readonly #ext: ConsumerExtensionMap;
	readonly #mid: string | undefined;
	readonly #ssrcStream = new Map<number, SendStream>();
	#traceRtp = false;
	#traceKeyFrame = false;
	/** Simulcast: the producer stream to switch to (at its key frame). */
	#targetEncodingIdx = 0;
	/**
	 * Simulcast: the highest spatial layer the transport's bandwidth allocation grants
	 * (Infinity without an estimator; -1 = not even the lowest fits, the lowest is kept).
	 */
	#bweSpatialLayer = Infinity;
	/** Svc: when the target was last worked out (per-layer traffic changes without events). */
	#svcTargetCheckMs = 0;
	/**
	 * Simulcast and svc video: the codec's layer selection (temporal layers for simulcast, both for
	 * svc) and its payload rewrites (VP8 picture id); undefined for others.
	 */
	readonly #layers: LayerContext | undefined;
	/** What #layers asks to change in the packet being forwarded (reused). */
	readonly #edit = new PacketEdit();
	/**
	 * Our id of the transport-wide seq extension when this consumer negotiated transport-cc
	 * (extension and rtcp-fb), else 0: the transport stamps its own sequence there.
	 */
	readonly transportCcExtId: number;

	constructor(consumerId: string, data: ConsumerData, readonly owner: TransportOwner) {
		if (typeof consumerId !== 'string' || !consumerId) {
			throw new TypeError('missing consumerId');
		}
		if (data.kind !== 'audio' && data.kind !== 'video') {
			throw new TypeError(`invalid kind "${String(data.kind)}"`);
		}
		if (!['simple', 'simulcast', 'svc', 'pipe'].includes(data.type)) {
			throw new TypeError(`invalid type "${String(data.type)}"`);
		}

		const rtpParameters = normalizeRtpParameters(data.rtpParameters);
		const encodings = rtpParameters.encodings as any[];
		const consumableRtpEncodings = data.consumableRtpEncodings;

		if (!Array.isArray(consumableRtpEncodings) || consumableRtpEncodings.length === 0) {
			throw new TypeError('empty consumableRtpEncodings');
		}

		const layers = parseLayers(encodings[0].scalabilityMode);

		switch (data.type) {
			case 'simple':
				if (encodings.length !== 1) {
					throw new TypeError('simple consumer needs exactly one encoding');
				}
				break;

			case 'simulcast':
				if (encodings.length !== 1) {
					throw new TypeError('simulcast consumer needs exactly one encoding');
				}
				if (consumableRtpEncodings.length < 2) {
					throw new TypeError('invalid consumableRtpEncodings with size <= 1');
				}
				// One spatial layer per producer stream.
				if (layers.spatialLayers !== consumableRtpEncodings.length) {
					throw new TypeError('encoding.spatialLayers does not match number of consumableRtpEncodings');
				}
				break;

			case 'svc':
				if (encodings.length !== 1) {
					throw new TypeError('svc consumer needs exactly one encoding');
				}
				if (consumableRtpEncodings.length !== 1) {
					throw new TypeError('invalid consumableRtpEncodings with size != 1');
				}
				if (layers.spatialLayers < 2 && layers.temporalLayers < 2) {
					throw new TypeError('invalid number of layers');
				}
				break;

			case 'pipe':
				if (encodings.length !== consumableRtpEncodings.length) {
					throw new TypeError('number of rtpParameters.encodings and consumableRtpEncodings do not match');
				}
				break;
		}

		const ctx = owner.ctx;

		if (ctx.channel.has(consumerId)) {
			throw new Error(`an entity with the given id already exists [id:${consumerId}]`);
		}

		const producer = owner.router.getProducer(data.producerId);

		if (!producer) {
			throw new Error(`Producer not found [id:${String(data.producerId)}]`);
		}

		this.id = consumerId;
		this.producerId = data.producerId;
		this.kind = data.kind;
		this.type = data.type;
		this.rtpParameters = rtpParameters;
		this.consumableRtpEncodings = consumableRtpEncodings;
		this.ignoreDtx = Boolean(data.ignoreDtx);
		this.supportedCodecPayloadTypes = rtpParameters.codecs
			.filter((codec: any) => isMediaCodec(codec))
			.map((codec: any) => codec.payloadType as number);
		this.sendStreams = encodings.map(
			(encoding, idx) =>
				new SendStream(
					rtpParameters,
					idx,
					encoding,
					data.kind,
					consumableRtpEncodings[this.type === 'pipe' ? idx : 0]?.ssrc ?? 0,
				),
		);
		this.spatialLayers = layers.spatialLayers;
		this.temporalLayers = layers.temporalLayers;
		this.paused = Boolean(data.paused);
		this.producerPaused = producer.paused;
		this.#media = isMediaTransport(owner) ? owner : undefined;
		this.#producer = producer instanceof Producer ? producer : undefined;
		for (const pt of this.supportedCodecPayloadTypes) {
			if (Number.isInteger(pt) && pt >= 0 && pt < 128) {
				this.#supportedPt[pt >>> 5]! |= 1 << (pt & 31);
			}
		}

		const mimeType = String(rtpParameters.codecs.find((c: any) => isMediaCodec(c))?.mimeType ?? '').toLowerCase();

		this.#keyFrameSupported = this.kind === 'video' && KEY_FRAME_CODECS.has(mimeType);
		this.#opus = mimeType === 'audio/opus' || mimeType === 'audio/multiopus';
		this.#layersReader = packetLayersReader(mimeType);
		this.#ext = consumerExtensionMap(rtpParameters.headerExtensions);
		this.transportCcExtId = transportCcExtIdOf(rtpParameters);
		this.#mid = this.#ext.mid !== 0 && this.type !== 'pipe' ? rtpParameters.mid : undefined;
		for (const stream of this.sendStreams) {
			this.#ssrcStream.set(stream.params.ssrc, stream);
			if (stream.params.rtxSsrc !== undefined) {
				this.#ssrcStream.set(stream.params.rtxSsrc, stream);
			}
		}

		if (this.type === 'simulcast' || this.type === 'svc') {
			// Default: the best the stream offers.
			this.preferredLayers = this.#clampLayers(
				data.preferredLayers ?? { spatialLayer: this.spatialLayers - 1 },
			);
			// Nothing known to be active yet: the lowest layer first (#updateTarget moves it).
			this.#targetEncodingIdx = 0;
			this.#layers =
				this.kind === 'video'
					? createLayerContext(mimeType, {
							// A simulcast consumer picks the spatial layer by producer stream.
							spatialLayers: this.type === 'svc' ? this.spatialLayers : 1,
							temporalLayers: this.temporalLayers,
							ksvc: this.type === 'svc' && isKsvcMode(encodings[0].scalabilityMode),
						})
					: undefined;
		} else {
			this.preferredLayers = undefined;
			this.#layers = undefined;
		}

		owner.router.addConsumer(this, data.producerId);
		ctx.channel.register(consumerId, this);

		logger.debug(`consumer created [id:${consumerId}, type:${this.type}, producerId:${this.producerId}]`, 'info');
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Media goes out: neither side paused, the transport connected. */
	get active(): boolean {
		return !this.#closed && !this.paused && !this.producerPaused && this.#media !== undefined && this.#media.connected;
	}

	/** mediasoup's ConsumerScore: own stream, current producer stream and all producer streams. */
	get score(): { score: number; producerScore: number; producerScores: number[] } {
		const producer = this.#producer;
		const producerScores = producer ? [...producer.rtpStreamScores] : this.consumableRtpEncodings.map(() => 0);

		if (this.type === 'pipe') {
			// A pipe consumer forwards every stream as is: it has nothing to rate.
			return { score: 10, producerScore: 10, producerScores };
		}

		// The producer stream in use (the only one, or the current spatial layer).
		let producerScore = 0;

		if (this.type === 'simulcast') {
			producerScore = this.currentLayers.spatialLayer >= 0 ? (producerScores[this.currentLayers.spatialLayer] ?? 0) : 0;
		} else {
			producerScore = producerScores[0] ?? 0;
		}

		return { score: this.sendStreams[0].score, producerScore, producerScores };
	}

	handleRequest(method: string, data: any): unknown {
		switch (method) {
			case 'consumer.dump':
				return this.dump();

			case 'consumer.getStats':
				return this.getStats();

			case 'consumer.pause': {
				const wasActive = this.active;

				this.paused = true;
				if (wasActive) {
					this.#onPaused();
				}

				return undefined;
			}

			case 'consumer.resume': {
				const wasActive = this.active;

				this.paused = false;
				if (!wasActive && this.active) {
					this.#onResumed();
				}

				return undefined;
			}

			case 'consumer.setPreferredLayers': {
				if (typeof data?.spatialLayer !== 'number') {
					throw new TypeError('spatialLayer must be a number');
				}
				if (data.temporalLayer !== undefined && data.temporalLayer !== null && typeof data.temporalLayer !== 'number') {
					throw new TypeError('if given, temporalLayer must be a number');
				}
				// Simple and pipe consumers have no layers to choose from: empty answer.
				if (this.type !== 'simulcast' && this.type !== 'svc') {
					return undefined;
				}

				this.preferredLayers = this.#clampLayers({
					spatialLayer: data.spatialLayer,
					temporalLayer: data.temporalLayer ?? undefined,
				});
				this.#updateTarget();

				return { preferredLayers: { ...this.preferredLayers } };
			}

			case 'consumer.setPriority': {
				const priority = data?.priority;

				if (typeof priority !== 'number' || !(priority >= 1)) {
					throw new TypeError('invalid priority value (must be 1 or higher)');
				}
				this.priority = priority;

				return { priority };
			}

			case 'consumer.requestKeyFrame':
				// Audio has no key frames.
				if (this.active) {
					this.requestKeyFrame();
				}

				return undefined;

			case 'consumer.enableTraceEvent': {
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

	dump(): unknown {
		const base = {
			id: this.id,
			producerId: this.producerId,
			kind: this.kind,
			type: this.type,
			rtpParameters: this.rtpParameters,
			consumableRtpEncodings: this.consumableRtpEncodings,
			supportedCodecPayloadTypes: [...this.supportedCodecPayloadTypes],
			traceEventTypes: [...this.traceEventTypes],
			paused: this.paused,
			producerPaused: this.producerPaused,
			priority: this.priority,
		};

		switch (this.type) {
			case 'simple':
				return { ...base, rtpStream: this.sendStreams[0].dump() };

			case 'pipe':
				return { ...base, rtpStreams: this.sendStreams.map((stream) => stream.dump()) };

			default:
				return {
					...base,
					rtpStream: this.sendStreams[0].dump(),
					preferredSpatialLayer: this.preferredLayers!.spatialLayer,
					targetSpatialLayer: this.targetLayers.spatialLayer,
					currentSpatialLayer: this.currentLayers.spatialLayer,
					preferredTemporalLayer: this.preferredLayers!.temporalLayer,
					targetTemporalLayer: this.targetLayers.temporalLayer,
					currentTemporalLayer: this.currentLayers.temporalLayer,
				};
		}
	}

	/** 'outbound-rtp' entries of the streams sent, then the producer stream's 'inbound-rtp' (once it exists). */
	getStats(): unknown[] {
		const now = nowMs();
		const stats = this.sendStreams.map((stream) => stream.stats(this.kind, now));

		if (this.type !== 'pipe' && this.#producer) {
			const idx = this.type === 'simulcast' ? Math.max(0, this.currentLayers.spatialLayer) : 0;
			const producerStats = this.#producer.getStreamStats(idx);

			if (producerStats) {
				stats.push(producerStats);
			}
		}

		return stats;
	}

	// --- router callbacks ---------------------------------------------------

	/** The producer paused: tell the application (once). */
	onProducerPaused(): void {
		if (this.producerPaused) {
			return;
		}

		const wasActive = this.active;

		this.producerPaused = true;
		this.owner.ctx.channel.emit(this.id, 'producerpause');
		if (wasActive) {
			this.#onPaused();
		}
	}

	onProducerResumed(): void {
		if (!this.producerPaused) {
			return;
		}

		const wasActive = this.active;

		this.producerPaused = false;
		this.owner.ctx.channel.emit(this.id, 'producerresume');
		if (!wasActive && this.active) {
			this.#onResumed();
		}
	}

	/** The producer closed: tell the application, then go away. */
	onProducerClosed(): void {
		if (this.#closed) {
			return;
		}
		this.owner.ctx.channel.emit(this.id, 'producerclose');
		this.close();
	}

	onProducerScore(): void {
		if (!this.#closed) {
			this.#updateTarget();
			this.#emitScore();
		}
	}

	// --- simulcast layer selection -------------------------------------------

	/** Whether producer stream `idx` is receiving media (score > 0; 0 = never seen or inactive). */
	#streamActive(idx: number): boolean {
		const stream = this.#producer?.streams[idx];

		return stream !== undefined && stream.recv.score > 0;
	}

	/**
	 * The bitrate (bps) the receiver needs for each spatial layer up to the preferred one, 0 for
	 * inactive ones: the ladder the transport's allocator climbs. Simulcast: each producer
	 * stream's bitrate. Svc: from the producer stream's per-layer bitrates, layers 0..s in full
	 * SVC (each layer predicts from the ones below), layer s alone in K-SVC.
	 */
	layerBitrates(now: number): number[] {
		const out: number[] = [];
		const producer = this.#producer;

		if (!producer) {
			return out;
		}
		if (this.type === 'simulcast') {
			for (let s = 0; s <= this.preferredLayers!.spatialLayer; s++) {
				out.push(this.#streamActive(s) ? (producer.streams[s]?.recv.getBitrate(now) ?? 0) : 0);
			}
		} else if (this.type === 'svc') {
			const recv = this.#streamActive(0) ? producer.streams[0]?.recv : undefined;
			let below = 0;

			for (let s = 0; s <= this.preferredLayers!.spatialLayer; s++) {
				let own = 0;

				if (recv !== undefined && s < recv.spatialLayers) {
					for (let t = 0; t < recv.temporalLayers; t++) {
						own += recv.getSingleLayerBitrate(now, s, t);
					}
				}
				out.push(own > 0 ? (this.#layers?.ksvc ? own : below + own) : 0);
				below += own;
			}
		}

		return out;
	}

	/** The bitrate (bps) this consumer sends now (what the allocator cannot move). */
	sendBitrate(now: number): number {
		let sum = 0;

		for (const stream of this.sendStreams) {
			sum += stream.send.getBitrate(now);
		}

		return sum;
	}

	/** The transport's allocation: highest spatial layer that fits (-1: none, keep the lowest). */
	setBweSpatialLayer(spatialLayer: number): void {
		if ((this.type !== 'simulcast' && this.type !== 'svc') || spatialLayer === this.#bweSpatialLayer) {
			return;
		}
		this.#bweSpatialLayer = spatialLayer;
		this.#updateTarget();
	}

	/**
	 * Simulcast target: never an inactive stream (score 0). The highest active layer within the
	 * preferred one and the bandwidth allocation; the lowest active one to start with (its key
	 * frame is the cheapest and the estimate is unknown) or when nothing fits. A new target asks
	 * the producer for its key frame (the producer honours keyFrameRequestDelay); the switch
	 * itself happens at that key frame (onProducerRtpPacket).
	 */
	#updateTarget(): void {
		if (this.#closed) {
			return;
		}
		if (this.type === 'svc') {
			this.#updateSvcTarget();

			return;
		}
		if (this.type !== 'simulcast') {
			return;
		}

		const current = this.currentLayers.spatialLayer;
		let lowest = -1;
		let best = -1;
		const cap = Math.min(this.preferredLayers!.spatialLayer, this.#bweSpatialLayer);

		for (let s = 0; s < this.consumableRtpEncodings.length; s++) {
			if (!this.#streamActive(s)) {
				continue;
			}
			if (lowest < 0) {
				lowest = s;
			}
			if (s <= cap) {
				best = s;
			}
		}
		if (lowest < 0) {
			// Nothing active (yet): keep the target; the first packets update it.
			return;
		}

		let target = best >= 0 ? best : lowest;

		// Start low: the first stream forwarded is the lowest active one.
		if (current < 0 || !this.#streamActive(current)) {
			target = current < 0 ? lowest : target;
		}
		const temporal = this.#targetTemporalFor(target);

		this.targetLayers = { spatialLayer: target, temporalLayer: temporal };
		// The context filters the stream forwarded now: a new temporal target for another
		// stream waits for the switch (#updateTarget runs again right after it).
		if (this.#layers !== undefined && (target === current || current < 0)) {
			this.#layers.targetSpatialLayer = 0;
			this.#layers.targetTemporalLayer = temporal;
		}
		if (target === this.#targetEncodingIdx) {
			return;
		}
		this.#targetEncodingIdx = target;
		if (target !== current && this.active) {
			// The switch waits for this key frame: keep asking until it comes (a sender may
			// ignore one request, e.g. Chromium within 300 ms of the last one).
			this.requestKeyFrame(true);
		}
	}

	/**
	 * The temporal layer to aim at with this spatial one (mediasoup): the preferred one at the
	 * preferred spatial layer, all of them below it, the lowest above it (only taken when nothing
	 * at or below the preferred one is active).
	 */
	#targetTemporalFor(spatialLayer: number): number {
		const preferred = this.preferredLayers!;

		if (spatialLayer === preferred.spatialLayer) {
			return preferred.temporalLayer ?? this.temporalLayers - 1;
		}

		return spatialLayer < preferred.spatialLayer ? this.temporalLayers - 1 : 0;
	}

	/** Svc: whether the producer stream carries spatial layer `s` now (bitrate > 0 in any temporal layer). */
	#svcSpatialActive(s: number, now: number): boolean {
		const recv = this.#producer?.streams[0]?.recv;

		if (recv === undefined || s >= recv.spatialLayers) {
			return false;
		}
		for (let t = 0; t < recv.temporalLayers; t++) {
			if (recv.getSingleLayerBitrate(now, s, t) > 0) {
				return true;
			}
		}

		return false;
	}

	/**
	 * Svc target (mediasoup's SvcConsumer::RecalculateTargetLayers): nothing while the producer
	 * stream is inactive; else the highest spatial layer with traffic within the preferred one and
	 * the bandwidth allocation, or the lowest with traffic when none is within (the lowest layer
	 * while no per-layer traffic is known yet). Reaching a higher layer (or, in K-SVC, any other
	 * one) needs a key picture: ask the producer until it comes.
	 */
	#updateSvcTarget(): void {
		const layers = this.#layers;

		if (layers === undefined) {
			return;
		}

		const now = nowMs();
		let target = -1;

		this.#svcTargetCheckMs = now;
		if (this.#streamActive(0)) {
			const cap = Math.min(this.preferredLayers!.spatialLayer, this.#bweSpatialLayer);

			for (let s = 0; s < this.spatialLayers; s++) {
				if (!this.#svcSpatialActive(s, now)) {
					continue;
				}
				target = s;
				if (s >= cap) {
					break;
				}
			}
			if (target < 0) {
				target = 0;
			}
		}

		const temporal = target < 0 ? -1 : this.#targetTemporalFor(target);

		this.targetLayers = { spatialLayer: target, temporalLayer: temporal };
		if (target === layers.targetSpatialLayer && temporal === layers.targetTemporalLayer) {
			return;
		}

		const spatialChanged = target !== layers.targetSpatialLayer;

		layers.targetSpatialLayer = target;
		layers.targetTemporalLayer = temporal;
		if (spatialChanged && target >= 0 && this.active && layers.keyFrameNeeded) {
			this.requestKeyFrame(true);
		}
	}

	/** The transport can send now (connected, or comedia learnt the remote). */
	onTransportConnected(): void {
		for (const stream of this.sendStreams) {
			stream.syncRequired = true;
		}
		this.#layers?.sync();
		if (this.active) {
			// Nothing is forwarded until a key frame comes, so the receiver will not ask for one:
			// keep asking until it comes (the sender may ignore a request, e.g. Chromium one made
			// within 300 ms of the last, which another consumer of the producer may have sent).
			this.requestKeyFrame(true);
		}
	}

	/**
	 * A producer packet (router's payload types, mapped SSRC and extension
	 * ids; shared, read only). Rewritten into a copy and sent.
	 */
	onProducerRtpPacket(packet: RtpPacket, encodingIdx: number, isKeyFrame: boolean, now: number): void {
		if (this.paused || this.producerPaused || this.#closed) {
			return;
		}

		const media = this.#media;

		if (media === undefined || !media.connected) {
			return;
		}

		const layers = this.#layers;
		let stream: SendStream;
		let switched = false;

		if (this.type === 'pipe') {
			stream = this.sendStreams[encodingIdx]!;
			if (stream === undefined) {
				return;
			}
		} else if (this.type === 'simulcast') {
			stream = this.sendStreams[0]!;
			if (encodingIdx !== this.currentLayers.spatialLayer) {
				// Not started yet, or the target went quiet: re-pick among the active streams.
				if (this.currentLayers.spatialLayer < 0 && !this.#streamActive(this.#targetEncodingIdx)) {
					this.#updateTarget();
				}
				// Switch to the target stream on its key frame only.
				if (encodingIdx !== this.#targetEncodingIdx || !isKeyFrame) {
					return;
				}
				this.#switchStream(stream, packet, encodingIdx, now);
				switched = true;
				// Once started, aim at what the preferences and the allocation allow.
				this.#updateTarget();
			}
		} else {
			stream = this.sendStreams[0]!;
			// Svc: per-layer traffic comes and goes without events (an encoder dropping its top
			// layer): look again every second.
			if (layers !== undefined && this.type === 'svc' && now - this.#svcTargetCheckMs >= 1000) {
				this.#updateSvcTarget();
			}
		}

		const pt = packet.payloadType;

		if (((this.#supportedPt[pt >>> 5]! >>> (pt & 31)) & 1) === 0) {
			return;
		}

		const inSeq = packet.sequenceNumber;

		// A (re)starting video stream waits for a key frame; until then nothing is counted.
		if (stream.syncRequired && this.#keyFrameSupported && !isKeyFrame) {
			return;
		}

		let edit: PacketEdit | undefined;

		if (layers !== undefined) {
			const spatial = layers.currentSpatialLayer;
			const temporal = layers.currentTemporalLayer;
			const e = this.#edit;

			e.reset();

			const forward = layers.process(packet, isKeyFrame, e);

			if (switched || layers.currentSpatialLayer !== spatial || layers.currentTemporalLayer !== temporal) {
				this.#onCurrentLayers();
			}
			if (!forward) {
				// Not sent and not missed: the receiver's sequence closes over it.
				if (!stream.syncRequired) {
					stream.seq.drop(inSeq);
				}

				return;
			}
			edit = e.empty ? undefined : e;
		}
		if (stream.syncRequired) {
			if (stream.seqGap) {
				// The switch cut a frame short: a missing seq tells the receiver it is incomplete
				// (mediasoup, issue 408), instead of its tail running into the key frame.
				stream.seq.maxOutput = (stream.seq.maxOutput + 1) & 0xffff;
				stream.seqGap = false;
			}
			stream.seq.sync(inSeq);
			stream.syncRequired = false;
		}
		if (this.ignoreDtx && this.#opus && packet.payloadLength > 0 && isOpusDtx(packet.payload) === true) {
			// Not sent and not missed: the sequence closes over it.
			stream.seq.drop(inSeq);

			return;
		}

		const outSeq = stream.seq.input(inSeq);
		let length = packet.length;
		let buf = media.allocRtpBuffer(length);

		packet.buffer.copy(buf, 0, 0, length);

		const ssrc = stream.params.ssrc;
		const ts = stream.tsOffset === 0 ? packet.timestamp : (packet.timestamp + stream.tsOffset) >>> 0;

		writeSeqTimestampSsrc(buf, outSeq, ts, ssrc);
		if ((packet.extensionCount > 0 && !this.#ext.identity) || this.#mid !== undefined) {
			const out = this.#mapExtensions(buf, length);

			if (out !== undefined) {
				buf = out.buffer;
				length = out.length;
			}
		}
		if (edit !== undefined) {
			// Header rewrites never move the payload's end (padding stays last).
			edit.applyTo(buf, length - packet.paddingLength - packet.payloadLength, packet.payloadLength);
		}

		stream.lastOutTs = ts;
		stream.lastOutMs = now;
		if (outSeq === stream.seq.maxOutput) {
			stream.lastOutMarker = (buf[1]! & 0x80) !== 0;
		}
		stream.send.onPacketSent(ts, length, now);
		// By reference to the packet as it arrived (copied once for all consumers of it).
		stream.rtxBuffer?.storeShared(outSeq, ts, packet.buffer, packet.length, now, edit);
		if (this.#traceRtp || (isKeyFrame && this.#traceKeyFrame)) {
			this.#traceRtpPacket(buf, length, isKeyFrame, false);
		}
		media.sendConsumerRtp(this.id, buf, length, false, now);
	}

	/**
	 * A padding-only packet (RFC 3550 5.1 P bit) for the transport's bandwidth prober, sent as
	 * mediasoup sends its probation packets: SSRC 1234 and payload type 127, which
	 * mediasoup-client signals as its 'probator' consumer once a video consumer exists. The
	 * receiver counts it in transport-cc and then drops it, so it never shows in the stats of
	 * this consumer's stream. Only the transport-wide seq extension (stamped by the transport).
	 * Undefined when this consumer cannot carry probes (no transport-cc, not sending).
	 */
	buildProbePadding(paddingLength: number, media: MediaTransport): { buffer: Buffer; length: number } | undefined {
		const stream = this.type === 'pipe' ? undefined : this.sendStreams[0];

		if (
			stream === undefined ||
			this.kind !== 'video' ||
			this.transportCcExtId === 0 ||
			this.transportCcExtId > 14 ||
			stream.lastOutMs === 0 ||
			!this.active
		) {
			return undefined;
		}

		const pad = Math.max(1, Math.min(255, paddingLength));
		const length = 12 + 8 + pad;
		const buf = media.allocRtpBuffer(length);

		buf.fill(0, 0, length);
		buf[0] = 0x80 | 0x20 | 0x10; // V=2, P, X
		buf[1] = PROBATION_PAYLOAD_TYPE;

		let probation = probationSeqs.get(media);

		if (probation === undefined) {
			probation = { seq: randomUint16() };
			probationSeqs.set(media, probation);
		}
		buf.writeUInt16BE(probation.seq, 2);
		probation.seq = (probation.seq + 1) & 0xffff;
		buf.writeUInt32BE(stream.lastOutTs >>> 0, 4);
		buf.writeUInt32BE(PROBATION_SSRC, 8);
		// RFC 8285 one-byte header: the transport-wide seq (2 bytes), then zero padding.
		buf.writeUInt16BE(0xbede, 12);
		buf.writeUInt16BE(1, 14);
		buf[16] = (this.transportCcExtId << 4) | 1;
		buf[length - 1] = pad;

		return { buffer: buf, length };
	}

	// --- RTCP from the receiving endpoint ----------------------------------

	/** Whether this consumer sends this SSRC (media or RTX). */
	hasSsrc(ssrc: number): boolean {
		return this.#ssrcStream.has(ssrc);
	}

	receiveReportBlock(block: ReportBlock, now: number): void {
		const stream = this.#ssrcStream.get(block.ssrc);

		if (stream === undefined || stream.params.ssrc !== block.ssrc) {
			return;
		}
		if (stream.send.receiveReportBlock(block, now) && this.type !== 'pipe') {
			this.#emitScore();
		}
	}

	/** A generic NACK (RFC 4585 6.2.1) for one of our streams: resend what we still have, over RTX if negotiated. */
	receiveNack(nack: GenericNack, now: number): void {
		const stream = this.#ssrcStream.get(nack.mediaSsrc);

		if (stream === undefined) {
			return;
		}

		let requested = 0;

		for (const { blp } of nack.entries) {
			requested++;
			for (let b = blp; b !== 0; b &= b - 1) {
				requested++;
			}
		}
		stream.send.onNackReceived(requested);
		if (this.traceEventTypes.has('nack')) {
			this.#trace('nack', 'in', {});
		}

		const buffer = stream.rtxBuffer;
		const media = this.#media;

		if (buffer === undefined || media === undefined || !this.active) {
			return;
		}
		buffer.onNack(nack, now, stream.send.rttMs);
		for (const item of buffer.resend) {
			if (item.shared !== null && !this.#rebuildForResend(stream, item)) {
				continue;
			}

			const rtxSsrc = stream.params.rtxSsrc;

			if (rtxSsrc !== undefined) {
				// RFC 4588 section 4: own SSRC, payload type and sequence space, OSN first.
				const source = rtxInScratch.parse(item.buffer, item.length);

				if (source === undefined) {
					continue;
				}

				const target = media.allocRtpBuffer(item.length + 2);
				const out = rtxEncapsulateInto(source, rtxOutScratch, rtxSsrc, stream.params.rtxPayloadType!, stream.rtxSeq, target);

				stream.rtxSeq = (stream.rtxSeq + 1) & 0xffff;
				media.sendConsumerRtp(this.id, out.buffer, out.length, true, now);
			} else {
				const copy = media.allocRtpBuffer(item.length);

				item.buffer.copy(copy, 0, 0, item.length);
				media.sendConsumerRtp(this.id, copy, item.length, true, now);
			}
			stream.send.onPacketRetransmitted(item.length, item.sentTimes === 1, now);
		}
	}

	/**
	 * This consumer's header extensions in a copy `buf[0 .. length)`: the router's ids mapped to
	 * the receiver's, and its MID. The copy parsed (reused), or undefined when it does not parse.
	 */
	#mapExtensions(buf: Buffer, length: number): RtpPacket | undefined {
		const out = outScratch.parse(buf, length);

		if (out !== undefined) {
			if (!this.#ext.identity) {
				out.remapExtensionIds(this.#ext.table);
			}
			if (this.#mid !== undefined) {
				setStringExtension(out, this.#ext.mid, this.#mid);
			}
		}

		return out;
	}

	/**
	 * Rewrites a packet kept by reference (storeShared) as this consumer sent it: seq, timestamp
	 * and SSRC, header extension ids and MID, into a scratch the caller uses before the next one.
	 */
	#rebuildForResend(stream: SendStream, item: RetransmissionItem): boolean {
		const shared = item.shared!;

		if (!RetransmissionBuffer.sharedValid(item)) {
			return false;
		}

		let length = shared.length;

		if (resendScratch.length < length) {
			resendScratch = Buffer.allocUnsafe(length * 2);
		}

		let buf: Buffer = resendScratch.subarray(0, length);

		shared.buffer.copy(buf, 0, 0, length);

		const seq = item.seq & 0xffff;
		const ts = item.timestamp;
		const ssrc = stream.params.ssrc;

		writeSeqTimestampSsrc(buf, seq, ts, ssrc);
		if (!this.#ext.identity || this.#mid !== undefined) {
			const out = this.#mapExtensions(buf, length);

			if (out === undefined) {
				return false;
			}
			buf = out.buffer;
			length = out.length;
		}
		if (item.markerSet || item.patchOffset >= 0) {
			// What the layer selection changed when it was first sent (marker, VP8 picture id).
			const original = resendInScratch.parse(shared.buffer, shared.length);

			if (original === undefined) {
				return false;
			}

			const edit = this.#edit;

			edit.marker = item.markerSet;
			edit.payloadOffset = item.patchOffset;
			edit.payloadLength = item.patchLength;
			edit.payloadValue = item.patchValue;
			edit.applyTo(buf, length - original.paddingLength - original.payloadLength, original.payloadLength);
		}
		item.buffer = buf;
		item.length = length;

		return true;
	}

	/** PLI (RFC 4585 6.3.1) or FIR (RFC 5104 4.3.1) from the receiver. */
	receiveKeyFrameRequest(kind: 'pli' | 'fir', ssrc: number): void {
		const stream = this.#ssrcStream.get(ssrc);

		if (stream === undefined) {
			return;
		}
		stream.send.onKeyFrameRequestReceived(kind);
		if (this.traceEventTypes.has(kind)) {
			this.#trace(kind, 'in', { ssrc });
		}
		if (this.active) {
			this.#requestKeyFrameFor(stream);
		}
	}

	/**
	 * Ask the producer for a key frame of every stream this consumer forwards (video only).
	 * `untilKeyFrame`: the producer retries until it comes.
	 */
	requestKeyFrame(untilKeyFrame = false): void {
		if (this.kind !== 'video' || !this.#producer) {
			return;
		}
		for (const stream of this.sendStreams) {
			this.#requestKeyFrameFor(stream, untilKeyFrame);
		}
	}

	/** The report tick: a sender report (and SDES CNAME) per stream that sent something. */
	onReportTimer(now: number, out: RtcpPacket[], chunks: SdesChunk[]): void {
		for (const stream of this.sendStreams) {
			const sr = stream.send.buildSenderReport(now);

			if (sr !== undefined) {
				out.push(sr);
				chunks.push(new SdesChunk(stream.params.ssrc, [SdesItem.fromText(SDES_CNAME, stream.params.cname || 'broth')]));
			}
		}
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.owner.ctx.channel.unregister(this.id);
		this.owner.router.removeConsumer(this);
		this.owner.onConsumerClosed(this);
		logger.debug(`consumer closed [id:${this.id}]`, 'info');
	}

	#requestKeyFrameFor(stream: SendStream, untilKeyFrame = false): void {
		if (this.kind !== 'video' || !this.#producer) {
			return;
		}

		let mappedSsrc = stream.mappedSsrc;

		if (this.type === 'simulcast') {
			mappedSsrc = this.consumableRtpEncodings[this.#targetEncodingIdx]?.ssrc ?? mappedSsrc;
		}
		this.#producer.requestKeyFrame(mappedSsrc, false, untilKeyFrame);
	}

	#onPaused(): void {
		for (const stream of this.sendStreams) {
			stream.rtxBuffer?.clear();
		}
		// Nothing is forwarded any more (mediasoup: layerschange with no layers).
		this.#layers?.reset();
		if ((this.type === 'simulcast' || this.type === 'svc') && this.currentLayers.spatialLayer >= 0) {
			this.currentLayers = { spatialLayer: -1, temporalLayer: -1 };
			this.owner.ctx.channel.emit(this.id, 'layerschange', null);
		}
	}

	#onResumed(): void {
		for (const stream of this.sendStreams) {
			stream.syncRequired = true;
		}
		this.#layers?.reset();
		if (this.type === 'simulcast') {
			this.currentLayers = { spatialLayer: -1, temporalLayer: -1 };
		}
		// As on connection: nothing goes out before a key frame, so ask until it comes.
		this.requestKeyFrame(true);
	}

	/** Simulcast: continue on another producer stream (at its key frame). */
	#switchStream(stream: SendStream, packet: RtpPacket, encodingIdx: number, now: number): void {
		const hadStream = this.currentLayers.spatialLayer >= 0 || stream.send.packetsSent > 0;

		// The timestamps continue from the last one sent, advanced by the time that passed.
		stream.tsOffset = hadStream
			? ((stream.lastOutTs + Math.max(1, Math.round(((now - stream.lastOutMs) * stream.params.clockRate) / 1000))) -
					packet.timestamp) >>>
				0
			: 0;
		stream.syncRequired = true;
		// The receiver decodes on from the switch key frame: resending the old stream's packets
		// is of no use to it, and on a squeezed link (the usual reason to switch down) they
		// took the resend budget and the link from that key frame's lost packets.
		stream.rtxBuffer?.clear();
		stream.seqGap = hadStream && stream.send.packetsSent > 0 && !stream.lastOutMarker;
		stream.mappedSsrc = this.consumableRtpEncodings[encodingIdx]?.ssrc ?? stream.mappedSsrc;
		this.currentLayers = {
			spatialLayer: encodingIdx,
			temporalLayer: this.#layers !== undefined ? this.#layers.currentTemporalLayer : this.temporalLayers - 1,
		};
		// Picture ids (VP8) continue after the last ones sent; the 'layerschange' follows the
		// key frame's processing (with its temporal layer).
		this.#layers?.sync();
		if (this.#layers === undefined) {
			this.#emitLayersChange();
		}
		this.#emitScore();
	}

	/** The layer context moved (or the simulcast stream switched): current layers and 'layerschange'. */
	#onCurrentLayers(): void {
		const layers = this.#layers!;

		if (this.type === 'svc') {
			this.currentLayers = { spatialLayer: layers.currentSpatialLayer, temporalLayer: layers.currentTemporalLayer };
		} else {
			this.currentLayers = { spatialLayer: this.currentLayers.spatialLayer, temporalLayer: layers.currentTemporalLayer };
		}
		this.#emitLayersChange();
	}

	#emitLayersChange(): void {
		this.owner.ctx.channel.emit(
			this.id,
			'layerschange',
			this.currentLayers.spatialLayer >= 0 ? { ...this.currentLayers } : null,
		);
	}

	#emitScore(): void {
		this.owner.ctx.channel.emit(this.id, 'score', this.score);
	}

	#traceRtpPacket(buf: Buffer, length: number, isKeyFrame: boolean, isRtx: boolean): void {
		const packet = RtpPacket.parse(buf, length);

		if (!packet) {
			return;
		}

		const info = { rtpPacket: rtpPacketTraceInfo(packet, isKeyFrame, isRtx ? undefined : this.#layersReader), isRtx };

		if (this.#traceRtp) {
			this.#trace('rtp', 'out', info);
		}
		if (isKeyFrame && this.#traceKeyFrame) {
			this.#trace('keyframe', 'out', info);
		}
	}

	#trace(type: string, direction: 'in' | 'out', info: unknown): void {
		this.owner.ctx.channel.emit(this.id, 'trace', { type, timestamp: Date.now(), direction, info });
	}

	/** The RTT (ms) the receiver's reports give for one of our SSRCs (0 when unknown). */
	getRttMs(ssrc: number): number {
		return this.#ssrcStream.get(ssrc)?.send.rttMs ?? 0;
	}

	/** Preferred layers within what the stream offers; no temporal layer means the highest. */
	#clampLayers(layers: ConsumerLayers): { spatialLayer: number; temporalLayer: number } {
		const spatialLayer = Math.max(0, Math.min(Math.floor(layers.spatialLayer), this.spatialLayers - 1));
		const temporalLayer =
			typeof layers.temporalLayer === 'number'
				? Math.max(0, Math.min(Math.floor(layers.temporalLayer), this.temporalLayers - 1))
				: this.temporalLayers - 1;

		return { spatialLayer, temporalLayer };
	}
}

/** Our transport-wide-cc extension id when the extension and 'transport-cc' feedback are negotiated, else 0. */
function transportCcExtIdOf(rtpParameters: any): number {
	const ext = (rtpParameters.headerExtensions ?? []).find(
		(h: any) => h?.uri === TRANSPORT_CC_URI && typeof h.id === 'number' && h.id >= 1 && h.id <= 255,
	);
	const feedback = (rtpParameters.codecs ?? []).some((codec: any) =>
		(codec?.rtcpFeedback ?? []).some((fb: any) => fb?.type === 'transport-cc'),
	);

	return ext !== undefined && feedback ? ext.id : 0;
}

/** RTP header bytes 2..11: sequence number, timestamp and SSRC (RFC 3550 5.1), big endian. */
function writeSeqTimestampSsrc(buf: Uint8Array, seq: number, ts: number, ssrc: number): void {
	buf[2] = seq >>> 8;
	buf[3] = seq & 0xff;
	buf[4] = ts >>> 24;
	buf[5] = (ts >>> 16) & 0xff;
	buf[6] = (ts >>> 8) & 0xff;
	buf[7] = ts & 0xff;
	buf[8] = ssrc >>> 24;
	buf[9] = (ssrc >>> 16) & 0xff;
	buf[10] = (ssrc >>> 8) & 0xff;
	buf[11] = ssrc & 0xff;
}
