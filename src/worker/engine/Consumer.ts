import type { RequestHandler } from '../channel';
import { WorkerLogger } from '../logger';
import { Producer, isMediaCodec, normalizeRtpParameters, parseLayers } from './Producer';
import type { EngineConsumer, TransportOwner } from './types';

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

const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir'];

// An RTP stream sent to the endpoint starts with the best score: nothing was
// lost yet (mediasoup's RtpStreamSend does the same).
const INITIAL_SEND_SCORE = 10;

/**
 * An RTP stream this consumer sends: its parameters (from the consumer's RTP
 * parameters) and its counters. Counters stay at zero until media flows.
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
	score = INITIAL_SEND_SCORE;
	packetCount = 0;
	byteCount = 0;
	bitrate = 0;
	packetsLost = 0;
	fractionLost = 0;
	packetsDiscarded = 0;
	packetsRetransmitted = 0;
	packetsRepaired = 0;
	nackCount = 0;
	nackPacketCount = 0;
	pliCount = 0;
	firCount = 0;
	roundTripTime = 0;

	constructor(rtpParameters: any, encodingIdx: number, encoding: any) {
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
		return {
			type: 'outbound-rtp',
			timestamp: now,
			ssrc: this.params.ssrc,
			rtxSsrc: this.params.rtxSsrc,
			rid: this.params.rid,
			kind,
			mimeType: this.params.mimeType,
			packetsLost: this.packetsLost,
			fractionLost: this.fractionLost,
			packetsDiscarded: this.packetsDiscarded,
			packetsRetransmitted: this.packetsRetransmitted,
			packetsRepaired: this.packetsRepaired,
			nackCount: this.nackCount,
			nackPacketCount: this.nackPacketCount,
			pliCount: this.pliCount,
			firCount: this.firCount,
			score: this.score,
			roundTripTime: this.roundTripTime,
			rtxPacketsDiscarded: undefined,
			packetCount: this.packetCount,
			byteCount: this.byteCount,
			bitrate: this.bitrate,
		};
	}
}

/**
 * A consumer in the worker: its parameters, the pause state of itself and of
 * its producer, priority, preferred layers (simulcast/SVC) and its send
 * streams. Hangs from its producer in the router's routing table.
 */
/**
 * The entry of a consumer in the router's routing table. types.ts names the
 * callbacks `producerPaused()`/`producerResumed()`, while the transport reads
 * `consumer.producerPaused` as state for its reply: the router's
 * producer-to-consumers sets therefore hold this small adapter, while its
 * consumer-to-producer map (and the transport) hold the Consumer itself.
 */
export type ConsumerRouterEntry = EngineConsumer & { readonly consumer: Consumer };

export class Consumer implements RequestHandler {
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
	/** What the router's tables hold for this consumer. */
	readonly routerEntry: ConsumerRouterEntry;
	#closed = false;

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
		this.sendStreams = encodings.map((encoding, idx) => new SendStream(rtpParameters, idx, encoding));
		this.spatialLayers = layers.spatialLayers;
		this.temporalLayers = layers.temporalLayers;
		this.paused = Boolean(data.paused);
		this.producerPaused = producer.paused;

		if (this.type === 'simulcast' || this.type === 'svc') {
			// Default: the best the stream offers.
			this.preferredLayers = this.#clampLayers(
				data.preferredLayers ?? { spatialLayer: this.spatialLayers - 1 },
			);
		} else {
			this.preferredLayers = undefined;
		}

		this.routerEntry = {
			id: consumerId,
			consumer: this,
			producerClosed: () => this.producerClosed(),
			producerPaused: () => this.onProducerPaused(),
			producerResumed: () => this.onProducerResumed(),
		};

		owner.router.addConsumer(this.routerEntry, data.producerId);
		// The producer's set holds the adapter (whose callbacks the router calls);
		// the reverse map holds this consumer, the object transports know.
		owner.router.consumerProducer.delete(this.routerEntry);
		owner.router.consumerProducer.set(this as unknown as EngineConsumer, data.producerId);
		ctx.channel.register(consumerId, this);

		logger.debug(`consumer created [id:${consumerId}, type:${this.type}, producerId:${this.producerId}]`, 'info');
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** mediasoup's ConsumerScore: own stream, current producer stream and all producer streams. */
	get score(): { score: number; producerScore: number; producerScores: number[] } {
		const producer = this.owner.router.getProducer(this.producerId);
		const producerScores =
			producer instanceof Producer ? [...producer.rtpStreamScores] : this.consumableRtpEncodings.map(() => 0);

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

			case 'consumer.pause':
				this.paused = true;

				return undefined;

			case 'consumer.resume':
				this.paused = false;

				return undefined;

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
				// Audio has no key frames; for video the media path asks the producer.
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

	/** 'outbound-rtp' entries of the streams sent (producer streams join once media flows). */
	getStats(): unknown[] {
		const now = Date.now();

		return this.sendStreams.map((stream) => stream.stats(this.kind, now));
	}

	/** The producer paused: tell the application (once). */
	onProducerPaused(): void {
		if (this.producerPaused) {
			return;
		}
		this.producerPaused = true;
		this.owner.ctx.channel.emit(this.id, 'producerpause');
	}

	onProducerResumed(): void {
		if (!this.producerPaused) {
			return;
		}
		this.producerPaused = false;
		this.owner.ctx.channel.emit(this.id, 'producerresume');
	}

	/** The producer closed: tell the application, then go away. */
	producerClosed(): void {
		if (this.#closed) {
			return;
		}
		this.owner.ctx.channel.emit(this.id, 'producerclose');
		this.close();
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.owner.ctx.channel.unregister(this.id);
		this.owner.router.consumerProducer.delete(this as unknown as EngineConsumer);
		this.owner.router.consumersOf(this.producerId)?.delete(this.routerEntry);
		// The transport forgets it by id (or by object: it gets this very consumer).
		this.owner.onConsumerClosed(this as unknown as EngineConsumer);
		logger.debug(`consumer closed [id:${this.id}]`, 'info');
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
