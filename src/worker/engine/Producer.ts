import type { RequestHandler } from '../channel';
import { WorkerLogger } from '../logger';
import type { EngineProducer, TransportOwner } from './types';

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

/**
 * A producer in the worker: its parameters, pause state and scores, and the
 * routing entry that its consumers hang from. RTP streams appear with the
 * first packets (media path); until then there are no scores and no stats.
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
	/**
	 * Where RTP packets injected by the application (DirectTransport
	 * `producer.send()`) go; set by the media path.
	 */
	onDirectRtpPacket: ((producer: Producer, packet: Buffer) => void) | undefined = undefined;
	#paused: boolean;
	#closed = false;

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
		this.#paused = Boolean(data.paused);

		if (encodings.length > 1) {
			this.type = 'simulcast';
		} else if (parseLayers(encodings[0].scalabilityMode).spatialLayers > 1) {
			this.type = 'svc';
		} else {
			this.type = 'simple';
		}

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

				return undefined;
			}

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	handleNotification(event: string, data: any): void {
		switch (event) {
			case 'producer.send': {
				if (!Buffer.isBuffer(data) && !(data instanceof Uint8Array)) {
					logger.warn('producer.send: data is not binary, ignored');

					return;
				}

				const packet = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

				this.onDirectRtpPacket?.(this, packet);
				break;
			}

			default:
				logger.warn(`unknown notification "${event}"`);
		}
	}

	dump(): unknown {
		return {
			id: this.id,
			kind: this.kind,
			type: this.type,
			rtpParameters: this.rtpParameters,
			rtpMapping: this.rtpMapping,
			// No RTP stream exists before the first packet.
			rtpStreams: undefined,
			traceEventTypes: [...this.traceEventTypes],
			paused: this.#paused,
		};
	}

	/** One 'inbound-rtp' entry per live RTP stream: none before media flows. */
	getStats(): unknown[] {
		return [];
	}

	pause(): void {
		if (this.#paused) {
			return;
		}
		this.#paused = true;
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
}
