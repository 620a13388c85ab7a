import type { RequestHandler } from '../../channel';
import { WorkerLogger } from '../../logger';
import type { WorkerContext } from '../context';
import type { Router } from '../Router';
import type {
	EngineConsumer,
	EngineDataConsumer,
	EngineDataProducer,
	EngineProducer,
	EngineTransport,
	TransportOwner,
} from '../types';
import { Producer, RECEIVED_MEDIA, RECEIVED_RTX } from '../Producer';
import { Consumer } from '../Consumer';
import { RtpPacket } from '../../../proto/rtp/rtpPacket';
import { getStringExtension } from '../../../proto/rtp/stringExtension';
import { parseCompound, serializeCompound, type RtcpPacket } from '../../../proto/rtcp/compound';
import { ReceiverReport } from '../../../proto/rtcp/receiverreport';
import { SourceDescription, type SdesChunk } from '../../../proto/rtcp/sdes';
import type { ReportBlock } from '../../../proto/rtcp/reportblock';
import { RembCalculator } from '../../feedback/RembCalculator';
import { TransportCcFeedbackGenerator } from '../../feedback/TransportCcFeedbackGenerator';
import { getTransportSequenceNumber, setTransportSequenceNumber } from '../../../proto/rtp/transportCcExtension';
import { SendSideBandwidthEstimator } from '../../bwe/SendSideBandwidthEstimator';
import { RetransmissionRateLimiter } from '../../bwe/RetransmissionRateLimiter';
import type { ProbeClusterSpec } from '../../bwe/ProbeBitrateEstimator';
import { distributeBitrate } from '../bwe/allocation';
import { nowMs, type MediaTransport } from '../media';
import { DataProducer } from '../DataProducer';
import { DataConsumer } from '../DataConsumer';
import { SctpEngine } from '../sctp/SctpEngine';
import { attachSctp, sendOnStream, type SctpHost } from '../sctp/glue';
import { RateCalculator } from './rate';

const logger = new WorkerLogger('Transport');

/**
 * Where sendConsumerRtp() stamps the transport-wide seq: one per worker, as it is parsed, written
 * and read back within that call, which calls out to nothing in between.
 */
const stampScratch = new RtpPacket();

/** Below this a bitrate limit makes no sense for congestion control (mediasoup's floor). */
const MIN_OUTGOING_BITRATE = 30000;

const TRACE_EVENT_TYPES = ['probation', 'bwe'];

const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const RID_URI = 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id';
const RRID_URI = 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id';
const ABS_SEND_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

type Closable = { close(): void };
type AnyProducer = EngineProducer & Closable & Record<string, any>;
type AnyConsumer = EngineConsumer & Closable & Record<string, any>;
type AnyDataProducer = EngineDataProducer & Closable & Record<string, any>;
type AnyDataConsumer = EngineDataConsumer & Closable & Record<string, any>;

/** Options common to every transport kind, as the application sends them. */
export type BaseTransportOptions = {
	direct?: boolean;
	maxMessageSize?: number;
	initialAvailableOutgoingBitrate?: number;
	enableSctp?: boolean;
	numSctpStreams?: { OS: number; MIS: number };
	maxSctpMessageSize?: number;
	sctpSendBufferSize?: number;
	isDataChannel?: boolean;
};

type SctpState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

/** How often receiver and sender reports go out (mediasoup: at most 1 s for video). */
const REPORT_INTERVAL_MS = 1000;
/** Send-side estimator process() period (the estimator wants 25-100 ms). */
const BWE_INTERVAL_MS = 50;
const PROBE_INTERVAL_MS = 5;
const PROBE_PADDING_BYTES = 240;
const MAX_PROBES_PER_TICK = 20;
/** Re-share the estimate at least this often (layer bitrates and stream activity change). */
const ALLOCATION_INTERVAL_MS = 1000;
/** NACK retries and key frame request timers (NACK_TIMER_INTERVAL_MS of the NackGenerator). */
const FAST_INTERVAL_MS = 40;
/** Keep RTCP datagrams under a safe MTU. */
const MAX_RTCP_SRS_PER_DATAGRAM = 15;

type ProducerEntry = {
	producer: AnyProducer;
	ssrcs: number[];
	mid: string | undefined;
	rids: string[];
};

/**
 * The part every transport kind shares: the producers, consumers and data
 * producers/consumers created on it, its RTP listener tables (which producer
 * owns which ssrc, MID and RID), SCTP parameters, bitrate limits, byte counters
 * and the requests about all that. Subclasses own the sockets.
 */
export abstract class Transport implements EngineTransport, TransportOwner, RequestHandler, MediaTransport {
	readonly id: string;
	readonly router: Router;
	readonly ctx: WorkerContext;
	protected closed = false;

	readonly #producers = new Map<string, ProducerEntry>();
	readonly #consumers = new Map<string, { consumer: AnyConsumer; ssrcs: number[]; rtxSsrcs: number[] }>();
	readonly #dataProducers = new Map<string, { dataProducer: AnyDataProducer; streamId: number | undefined }>();
	readonly #dataConsumers = new Map<string, AnyDataConsumer>();

	// RTP listener (incoming streams to producers).
	readonly #ssrcTable = new Map<number, Producer>();
	readonly #midTable = new Map<string, Producer>();
	readonly #ridTable = new Map<string, Producer>();
	// Extension ids this transport reads MID and RID at (the first producer's).
	#midExtId = 0;
	#ridExtId = 0;
	#rridExtId = 0;
	/**
	 * Our consumers' streams by SSRC (media and RTX): where RTCP feedback goes, and what dump()
	 * shows as mapSsrcConsumerId and mapRtxSsrcConsumerId.
	 */
	readonly #ssrcConsumer = new Map<number, Consumer>();
	// SCTP listener (incoming SCTP streams to data producers).
	readonly #streamIdTable = new Map<number, string>();
	readonly #recvRtpHeaderExtensions: Record<string, number> = {};

	readonly #direct: boolean;
	readonly #maxMessageSize: number;
	readonly #sctp:
		| {
				OS: number;
				MIS: number;
				maxMessageSize: number;
				sendBufferSize: number;
				isDataChannel: boolean;
				state: SctpState;
				engine?: SctpEngine;
		  }
		| undefined;

	#maxIncomingBitrate = 0;
	#maxOutgoingBitrate = 0;
	#minOutgoingBitrate = 0;
	#traceEventTypes: string[] = [];

	// Counters (bytes) and rates.
	#bytesReceived = 0;
	#bytesSent = 0;
	readonly #recvRate = new RateCalculator();
	readonly #sendRate = new RateCalculator();
	#rtpBytesReceived = 0;
	#rtxBytesReceived = 0;
	#rtpBytesSent = 0;
	#rtxBytesSent = 0;
	readonly #rtpRecvRate = new RateCalculator();
	readonly #rtxRecvRate = new RateCalculator();
	readonly #rtpSendRate = new RateCalculator();
	readonly #rtxSendRate = new RateCalculator();
	/** Incoming packets dropped: no producer for their SSRC/MID/RID, malformed RTP or RTCP. */
	rtpPacketsDropped = 0;
	rtcpPacketsDropped = 0;
	/** One parse per incoming packet, into this reused object (made by the first one: many transports only send). */
	#rtpPacket: RtpPacket | undefined = undefined;
	/** SSRC of the RTCP packets we originate (receiver reports). */
	readonly #rtcpSsrc = (Math.random() * 0xffffffff) >>> 0;
	#reportTimer: NodeJS.Timeout | undefined = undefined;
	#fastTimer: NodeJS.Timeout | undefined = undefined;
	#remb: RembCalculator | undefined = undefined;
	/**
	 * Receive side of transport-wide congestion control: arrival times of the packets carrying
	 * the transport-wide sequence number, reported to the sender every ~100 ms
	 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1), and the extension id we
	 * read it at (the first producer that negotiated it; one id per BUNDLE transport).
	 */
	#tccFeedback: TransportCcFeedbackGenerator | undefined = undefined;
	#tccRecvExtId = 0;
	/**
	 * Send side (WebRtcTransport): the transport-wide seq we stamp on consumer packets, the
	 * estimator fed by the receiver's feedback, and its timer (process, allocation, trace).
	 */
	#bwe: SendSideBandwidthEstimator | undefined = undefined;
	/** Resends within the estimate (libwebrtc's retransmission rate limiter), made with the estimator. */
	#rtxLimiter: RetransmissionRateLimiter | undefined = undefined;
	/** Set while the prober sends: its padding goes out as RTX but is not a resend. */
	#sendingProbe = false;
	#bweTimer: NodeJS.Timeout | undefined = undefined;
	#probeTimer: NodeJS.Timeout | undefined = undefined;
	#probeClusters: { spec: ProbeClusterSpec; bytes: number; probes: number; startMs: number }[] = [];
	#desiredBitrate = 0;
	#wideSeq = 0;
	#lastAllocationMs = 0;
	/** The estimate the last allocation shared. */
	#allocatedBitrate = 0;
	readonly #initialAvailableOutgoingBitrate: number | undefined;

	protected constructor(id: string, options: BaseTransportOptions, router: Router) {
		this.id = id;
		this.router = router;
		this.ctx = router.ctx;
		this.#direct = Boolean(options.direct);
		this.#initialAvailableOutgoingBitrate = options.initialAvailableOutgoingBitrate;

		if (options.enableSctp && !this.#direct) {
			const OS = options.numSctpStreams?.OS ?? 1024;
			const MIS = options.numSctpStreams?.MIS ?? 1024;

			if (!Number.isInteger(OS) || !Number.isInteger(MIS) || OS < 1 || MIS < 1 || OS > 65535 || MIS > 65535) {
				throw new TypeError('wrong numSctpStreams');
			}

			this.#sctp = {
				OS,
				MIS,
				maxMessageSize: options.maxSctpMessageSize ?? 262144,
				sendBufferSize: options.sctpSendBufferSize ?? 262144,
				isDataChannel: Boolean(options.isDataChannel),
				state: 'new',
			};
			this.#sctp.engine = attachSctp(this.#sctpHost(), this.#sctp);
		}

		this.#maxMessageSize = this.#direct
			? (options.maxMessageSize ?? 262144)
			: (this.#sctp?.maxMessageSize ?? 262144);
	}

	/** Register as the channel handler of this id (once the sockets are bound). */
	protected register(): void {
		this.ctx.channel.register(this.id, this);
	}

	get sctpState(): SctpState | undefined {
		return this.#sctp?.state;
	}

	// --- SCTP (the association itself lives in ../sctp) -----------------------

	/** What the SCTP glue needs from this transport. */
	#sctpHost(): SctpHost {
		return {
			sendPacket: (packet) => this.sendSctpData(packet),
			setState: (state) => {
				if (this.#sctp && this.#sctp.state !== state && !this.closed) {
					this.#sctp.state = state;
					this.notify('sctpstatechange', { sctpState: state });
				}
			},
			dataProducerOfStream: (streamId) => {
				const id = this.#streamIdTable.get(streamId);

				return id === undefined ? undefined : this.#dataProducers.get(id)?.dataProducer;
			},
			dataConsumers: () => this.#dataConsumers.values(),
			emit: (id, event, data) => this.ctx.channel.emit(id, event, data),
		};
	}

	/** SCTP packets out; kinds that carry SCTP override (DTLS application data or plain UDP). */
	protected sendSctpData(_packet: Buffer): void {}

	/** An SCTP packet arrived (kinds call this). */
	protected receiveSctpData(packet: Buffer): void {
		this.#sctp?.engine?.handlePacket(packet);
	}

	/** The remote is reachable now: start the SCTP handshake (both ends send INIT, as mediasoup). */
	protected sctpConnect(): void {
		this.#sctp?.engine?.connect();
	}

	/** SctpMessageSender: a DataConsumer's message over our association. */
	sendSctpMessage(dataConsumer: DataConsumer, data: Buffer, ppid: number): boolean {
		const engine = this.#sctp?.engine;

		if (!engine || !dataConsumer.sctpStreamParameters) {
			return false;
		}

		return sendOnStream(engine, dataConsumer, data, ppid, (event) => this.ctx.channel.emit(dataConsumer.id, event));
	}

	sctpBufferedAmountOf(dataConsumer: DataConsumer): number {
		const streamId = dataConsumer.sctpStreamParameters?.streamId;

		return streamId === undefined ? 0 : (this.#sctp?.engine?.assoc.streamBufferedAmount(streamId) ?? 0);
	}

	setSctpBufferedAmountLowThreshold(dataConsumer: DataConsumer, threshold: number): void {
		const streamId = dataConsumer.sctpStreamParameters?.streamId;

		if (streamId !== undefined) {
			this.#sctp?.engine?.assoc.setBufferedAmountLowThreshold(streamId, threshold);
		}
	}

	// --- requests -----------------------------------------------------------

	handleRequest(method: string, data: any): unknown {
		if (this.closed) {
			throw new Error(`Transport closed [id:${this.id}]`);
		}

		switch (method) {
			case 'transport.dump':
				return this.dump();

			case 'transport.getStats':
				return this.getStats();

			case 'transport.setMaxIncomingBitrate': {
				const bitrate = checkBitrate(data?.bitrate);

				this.#maxIncomingBitrate = bitrate;
				if (bitrate > 0 && !this.#remb) {
					this.#remb = new RembCalculator();
				}
				this.#remb?.setMaxIncomingBitrate(bitrate);

				return undefined;
			}

			case 'transport.setMaxOutgoingBitrate': {
				const bitrate = checkBitrate(data?.bitrate);

				if (bitrate > 0) {
					if (bitrate < MIN_OUTGOING_BITRATE) {
						throw new TypeError(`bitrate must be >= ${MIN_OUTGOING_BITRATE} bps`);
					}
					if (this.#minOutgoingBitrate > 0 && bitrate < this.#minOutgoingBitrate) {
						throw new Error('maxOutgoingBitrate must be >= minOutgoingBitrate');
					}
				}
				this.#maxOutgoingBitrate = bitrate;
				this.#bwe?.setMaxOutgoingBitrate(bitrate, nowMs());
				this.#allocate(nowMs());

				return undefined;
			}

			case 'transport.setMinOutgoingBitrate': {
				const bitrate = checkBitrate(data?.bitrate);

				if (bitrate > 0) {
					if (bitrate < MIN_OUTGOING_BITRATE) {
						throw new TypeError(`bitrate must be >= ${MIN_OUTGOING_BITRATE} bps`);
					}
					if (this.#maxOutgoingBitrate > 0 && bitrate > this.#maxOutgoingBitrate) {
						throw new Error('minOutgoingBitrate must be <= maxOutgoingBitrate');
					}
				}
				this.#minOutgoingBitrate = bitrate;
				this.#bwe?.setMinOutgoingBitrate(bitrate, nowMs());
				this.#allocate(nowMs());

				return undefined;
			}

			case 'transport.enableTraceEvent': {
				const types: unknown[] = Array.isArray(data?.types) ? data.types : [];

				this.#traceEventTypes = TRACE_EVENT_TYPES.filter((type) => types.includes(type));

				return undefined;
			}

			case 'transport.produce':
				return this.#produce(data);

			case 'transport.consume':
				return this.#consume(data);

			case 'transport.produceData':
				return this.#produceData(data);

			case 'transport.consumeData':
				return this.#consumeData(data);

			case 'transport.closeProducer': {
				const entry = this.#producers.get(data?.producerId);

				if (!entry) {
					throw new Error(`Producer not found [producerId:${String(data?.producerId)}]`);
				}
				entry.producer.close();

				return undefined;
			}

			case 'transport.closeConsumer': {
				const entry = this.#consumers.get(data?.consumerId);

				if (!entry) {
					throw new Error(`Consumer not found [consumerId:${String(data?.consumerId)}]`);
				}
				entry.consumer.close();

				return undefined;
			}

			case 'transport.closeDataProducer': {
				const entry = this.#dataProducers.get(data?.dataProducerId);

				if (!entry) {
					throw new Error(`DataProducer not found [dataProducerId:${String(data?.dataProducerId)}]`);
				}
				entry.dataProducer.close();

				return undefined;
			}

			case 'transport.closeDataConsumer': {
				const dataConsumer = this.#dataConsumers.get(data?.dataConsumerId);

				if (!dataConsumer) {
					throw new Error(`DataConsumer not found [dataConsumerId:${String(data?.dataConsumerId)}]`);
				}
				dataConsumer.close();

				return undefined;
			}

			default:
				return this.handleTransportRequest(method, data);
		}
	}

	handleNotification(event: string, _data: any): void {
		logger.debug(`ignoring notification "${event}" [transportId:${this.id}]`);
	}

	/** Requests specific to the transport kind (connect, restartIce...). */
	protected handleTransportRequest(method: string, _data: any): unknown {
		throw new Error(`unknown method "${method}"`);
	}

	// --- dump and stats -----------------------------------------------------

	abstract dump(): unknown;

	abstract getStats(): unknown;

	/** SSRC -> consumer id of our consumers' media (or RTX) streams, in the order they were added. */
	#ssrcConsumerIds(rtx: boolean): { key: number; value: string }[] {
		const out: { key: number; value: string }[] = [];

		for (const [ssrc, consumer] of this.#ssrcConsumer) {
			const entry = this.#consumers.get(consumer.id);

			if (entry !== undefined && (rtx ? entry.rtxSsrcs : entry.ssrcs).includes(ssrc)) {
				out.push({ key: ssrc, value: consumer.id });
			}
		}

		return out;
	}

	/** The fields every transport dump has (mediasoup's BaseTransportDump). */
	protected baseDump(): Record<string, unknown> {
		const dump: Record<string, unknown> = {
			id: this.id,
			producerIds: [...this.#producers.keys()],
			consumerIds: [...this.#consumers.keys()],
			mapSsrcConsumerId: this.#ssrcConsumerIds(false),
			mapRtxSsrcConsumerId: this.#ssrcConsumerIds(true),
			recvRtpHeaderExtensions: { ...this.#recvRtpHeaderExtensions },
			rtpListener: {
				ssrcTable: [...this.#ssrcTable].map(([key, value]) => ({ key, value: value.id })),
				midTable: [...this.#midTable].map(([key, value]) => ({ key, value: value.id })),
				ridTable: [...this.#ridTable].map(([key, value]) => ({ key, value: value.id })),
			},
			maxMessageSize: this.#maxMessageSize,
			dataProducerIds: [...this.#dataProducers.keys()],
			dataConsumerIds: [...this.#dataConsumers.keys()],
			traceEventTypes: [...this.#traceEventTypes],
		};

		if (this.#sctp) {
			dump['sctpParameters'] = this.sctpParameters();
			dump['sctpState'] = this.#sctp.state;
			dump['sctpListener'] = {
				streamIdTable: [...this.#streamIdTable].map(([key, value]) => ({ key, value })),
			};
		}

		return dump;
	}

	/** SCTP parameters as mediasoup dumps them (port 5000 as in WebRTC, RFC 8841). */
	protected sctpParameters(): Record<string, unknown> | undefined {
		if (!this.#sctp) {
			return undefined;
		}

		return {
			port: 5000,
			OS: this.#sctp.OS,
			MIS: this.#sctp.MIS,
			maxMessageSize: this.#sctp.maxMessageSize,
			sendBufferSize: this.#sctp.sendBufferSize,
			sctpBufferedAmount: this.#sctp.engine?.assoc.bufferedAmount ?? 0,
			isDataChannel: this.#sctp.isDataChannel,
		};
	}

	/** The fields every transport's stats have (mediasoup's BaseTransportStats). */
	protected baseStats(): Record<string, unknown> {
		// The rate calculators run on nowMs() (what the packet path passes down).
		const now = nowMs();
		const stats: Record<string, unknown> = {
			transportId: this.id,
			timestamp: Date.now(),
			sctpState: this.#sctp?.state,
			bytesReceived: this.#bytesReceived,
			recvBitrate: this.#recvRate.getRate(now),
			bytesSent: this.#bytesSent,
			sendBitrate: this.#sendRate.getRate(now),
			rtpBytesReceived: this.#rtpBytesReceived,
			rtpRecvBitrate: this.#rtpRecvRate.getRate(now),
			rtpBytesSent: this.#rtpBytesSent,
			rtpSendBitrate: this.#rtpSendRate.getRate(now),
			rtxBytesReceived: this.#rtxBytesReceived,
			rtxRecvBitrate: this.#rtxRecvRate.getRate(now),
			rtxBytesSent: this.#rtxBytesSent,
			rtxSendBitrate: this.#rtxSendRate.getRate(now),
			probationBytesSent: 0,
			probationSendBitrate: 0,
		};

		if (this.#maxIncomingBitrate) {
			stats['maxIncomingBitrate'] = this.#maxIncomingBitrate;
		}
		if (this.#maxOutgoingBitrate) {
			stats['maxOutgoingBitrate'] = this.#maxOutgoingBitrate;
		}
		if (this.#minOutgoingBitrate) {
			stats['minOutgoingBitrate'] = this.#minOutgoingBitrate;
		}

		return stats;
	}

	/** Bytes arrived on any socket of this transport. */
	protected dataReceived(length: number): void {
		this.#bytesReceived += length;
		this.#recvRate.update(length, nowMs());
	}

	/** Bytes sent on any socket of this transport. */
	protected dataSent(length: number, now: number = nowMs()): void {
		this.#bytesSent += length;
		this.#sendRate.update(length, now);
	}

	/** Tell the application (an event on this transport's id). */
	protected notify(event: string, data?: unknown): void {
		this.ctx.channel.emit(this.id, event, data);
	}

	// --- close --------------------------------------------------------------

	/** Closed by the application, by its router, or by its WebRtcServer. */
	close(): void {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.ctx.channel.unregister(this.id);
		clearInterval(this.#reportTimer);
		clearInterval(this.#fastTimer);
		clearInterval(this.#bweTimer);
		this.#bweTimer = undefined;
		clearInterval(this.#probeTimer);
		this.#probeTimer = undefined;
		this.#reportTimer = undefined;
		this.#fastTimer = undefined;

		// They unregister themselves and update the router tables (and call back here).
		for (const { consumer } of [...this.#consumers.values()]) {
			safeClose(consumer);
		}
		for (const dataConsumer of [...this.#dataConsumers.values()]) {
			safeClose(dataConsumer);
		}
		for (const { producer } of [...this.#producers.values()]) {
			safeClose(producer);
		}
		for (const { dataProducer } of [...this.#dataProducers.values()]) {
			safeClose(dataProducer);
		}
		this.#consumers.clear();
		this.#dataConsumers.clear();
		this.#producers.clear();
		this.#dataProducers.clear();

		if (this.#sctp) {
			this.#sctp.engine?.close();
			this.#sctp.state = 'closed';
		}

		this.closeSockets();
	}

	/** Release every socket (and whatever else the kind owns). */
	protected abstract closeSockets(): void;

	// --- TransportOwner ----------------------------------------------------

	onProducerClosed(producer: EngineProducer): void {
		const entry = this.#producers.get(producer.id);

		if (!entry || entry.producer !== producer) {
			return;
		}
		this.#producers.delete(producer.id);
		// Declared and learnt SSRCs alike.
		for (const [ssrc, owner] of [...this.#ssrcTable]) {
			if (owner === (producer as unknown)) {
				this.#ssrcTable.delete(ssrc);
			}
		}
		if (entry.mid !== undefined && this.#midTable.get(entry.mid) === (producer as unknown)) {
			this.#midTable.delete(entry.mid);
		}
		for (const rid of entry.rids) {
			if (this.#ridTable.get(rid) === (producer as unknown)) {
				this.#ridTable.delete(rid);
			}
		}
		if (this.router.getProducer(producer.id) === producer) {
			this.router.removeProducer(producer);
		}
	}

	onConsumerClosed(consumer: EngineConsumer): void {
		const entry = this.#consumers.get(consumer.id);

		if (!entry || entry.consumer !== consumer) {
			return;
		}
		this.#consumers.delete(consumer.id);
		for (const ssrc of entry.ssrcs) {
			this.#ssrcConsumer.delete(ssrc);
		}
		for (const ssrc of entry.rtxSsrcs) {
			this.#ssrcConsumer.delete(ssrc);
		}
		this.router.removeConsumer(consumer);
	}

	onDataProducerClosed(dataProducer: EngineDataProducer): void {
		const entry = this.#dataProducers.get(dataProducer.id);

		if (!entry || entry.dataProducer !== dataProducer) {
			return;
		}
		this.#dataProducers.delete(dataProducer.id);
		if (entry.streamId !== undefined && this.#streamIdTable.get(entry.streamId) === dataProducer.id) {
			this.#streamIdTable.delete(entry.streamId);
			// RFC 8831 6.7: closing a channel resets its streams.
			if (!this.closed) {
				this.#sctp?.engine?.resetStream(entry.streamId);
			}
		}
		if (this.router.getDataProducer(dataProducer.id) === dataProducer) {
			this.router.removeDataProducer(dataProducer);
		}
	}

	onDataConsumerClosed(dataConsumer: EngineDataConsumer): void {
		if (this.#dataConsumers.get(dataConsumer.id) !== dataConsumer) {
			return;
		}
		this.#dataConsumers.delete(dataConsumer.id);
		this.router.removeDataConsumer(dataConsumer);

		const streamId = (dataConsumer as AnyDataConsumer)['sctpStreamParameters']?.streamId;

		if (typeof streamId === 'number' && !this.closed) {
			this.#sctp?.engine?.resetStream(streamId);
		}
	}

	// --- media path ----------------------------------------------------------

	/** Whether media can go out (remote known, SRTP keys in place). Kinds override. */
	get connected(): boolean {
		return false;
	}

	/**
	 * Puts an RTP packet on the wire (already counted); `data[0 .. length)` is ours until we
	 * return (a reused scratch may be written again after). `now` is nowMs(). Kinds override.
	 */
	protected sendRtpData(_data: Buffer, _length: number, _now: number): void {}

	/** Puts an RTCP datagram on the wire. Kinds override. */
	protected sendRtcpData(_data: Buffer): void {}

	/** A buffer for an outgoing RTP packet (fresh: the socket may still hold it after send()). */
	allocRtpBuffer(length: number): Buffer {
		return Buffer.allocUnsafe(length);
	}

	/** `now` (nowMs()) comes from the caller: one clock read per ingested packet, not per consumer. */
	sendConsumerRtp(consumerId: string, data: Buffer, length: number, isRtx: boolean, now: number = nowMs()): void {
		if (this.closed) {
			return;
		}
		if (
			isRtx &&
			this.#bwe !== undefined &&
			!this.#sendingProbe &&
			!this.#rtxLimiter!.tryUse(length, this.#bwe.getAvailableBitrate(), now)
		) {
			return;
		}
		if (this.#bwe !== undefined) {
			const extId = (this.#consumers.get(consumerId)?.consumer as unknown as Consumer | undefined)?.transportCcExtId ?? 0;

			if (extId !== 0) {
				const packet = stampScratch.parse(data, length);

				if (packet !== undefined) {
					const seq = this.#wideSeq;

					this.#wideSeq = (seq + 1) & 0xffff;
					setTransportSequenceNumber(packet, extId, seq);
					data = packet.buffer;
					length = packet.length;
					this.#bwe.onPacketSent(seq, length, now);
				}
			}
		}

		if (isRtx) {
			this.#rtxBytesSent += length;
			this.#rtxSendRate.update(length, now);
		} else {
			this.#rtpBytesSent += length;
			this.#rtpSendRate.update(length, now);
		}
		this.sendRtpData(data, length, now);
	}

	sendRtcpFeedback(packet: RtcpPacket): void {
		if (this.closed) {
			return;
		}
		this.sendRtcpData(packet.serialize());
	}

	/** A producer learnt an SSRC (new stream or its RTX): match it directly from now on. */
	learnProducerSsrc(producer: Producer, ssrc: number): void {
		if (!this.#ssrcTable.has(ssrc)) {
			this.#ssrcTable.set(ssrc, producer);
		}
	}

	/** A producer needs `onFastTimer()` (NACK retries, key frame request timers). */
	wakeFastTimer(): void {
		if (this.#fastTimer !== undefined || this.closed) {
			return;
		}
		this.#fastTimer = setInterval(() => this.#onFastTimer(), FAST_INTERVAL_MS);
		this.#fastTimer.unref();
	}

	/**
	 * An RTP packet arrived (decrypted already): parse once, find its producer
	 * (SSRC, then MID, then RID, learning the SSRC as mediasoup's RtpListener
	 * does) and hand it over. `data` is ours: it gets rewritten in place.
	 */
	protected receiveRtpData(data: Buffer, length: number): void {
		const packet = (this.#rtpPacket ??= new RtpPacket()).parse(data, length);

		if (packet === undefined) {
			this.rtpPacketsDropped++;

			return;
		}

		// Every packet with a transport-wide seq is reported, also those no producer takes
		// (Chromium's padding probes on an RTX SSRC not learnt yet): unreported ones count as
		// lost at the sender and sink its estimate. Read before the producer maps the ids.
		if (this.#tccFeedback !== undefined && packet.extensionCount > 0) {
			const wideSeq = getTransportSequenceNumber(packet, this.#tccRecvExtId);

			if (wideSeq !== undefined) {
				this.#tccFeedback.mediaSsrc = packet.ssrc;
				this.#onWideSeqReceived(wideSeq, nowMs());
			}
		}

		const producer = this.#findProducer(packet);

		if (producer === undefined) {
			this.rtpPacketsDropped++;
			logger.debug(`no producer for RTP packet [ssrc:${packet.ssrc}, transportId:${this.id}]`, 'rtp');

			return;
		}
		this.#receiveProducerPacket(producer, packet);
	}

	/** DirectTransport: `producer.send()` from the application. */
	receiveDirectRtpPacket(producer: Producer, data: Buffer): void {
		if (this.closed) {
			return;
		}
		this.dataReceived(data.length);

		const packet = (this.#rtpPacket ??= new RtpPacket()).parse(data, data.length);

		if (packet === undefined) {
			this.rtpPacketsDropped++;

			return;
		}
		this.#receiveProducerPacket(producer, packet);
	}

	#receiveProducerPacket(producer: Producer, packet: RtpPacket): void {
		const length = packet.length;
		const now = nowMs();
		const result = producer.receiveRtpPacket(packet, now);

		if (result === RECEIVED_MEDIA) {
			this.#rtpBytesReceived += length;
			this.#rtpRecvRate.update(length, now);
			this.#remb?.onPacket(length, now);
		} else if (result === RECEIVED_RTX) {
			this.#rtxBytesReceived += length;
			this.#rtxRecvRate.update(length, now);
		}
		if (producer.needsFastTimer) {
			this.wakeFastTimer();
		}
	}

	/** Every packet with a transport-wide seq counts (RTX and discarded ones too: they used the link). */
	#onWideSeqReceived(wideSeq: number, now: number): void {
		const generator = this.#tccFeedback!;
		const early = generator.onPacket(wideSeq, now * 1000, now);
		const feedback = early ?? generator.onTimer(now);

		if (feedback.length === 0 || !this.connected) {
			return;
		}
		for (const packet of feedback) {
			this.sendRtcpData(packet.serialize());
		}
	}

	#findProducer(packet: RtpPacket): Producer | undefined {
		const ssrc = packet.ssrc;
		const producer = this.#ssrcTable.get(ssrc);

		if (producer !== undefined) {
			return producer;
		}
		if (this.#midExtId !== 0 && this.#midTable.size > 0) {
			const mid = getStringExtension(packet, this.#midExtId);
			const byMid = mid !== undefined ? this.#midTable.get(mid) : undefined;

			if (byMid !== undefined) {
				this.#ssrcTable.set(ssrc, byMid);

				return byMid;
			}
		}
		if (this.#ridTable.size > 0) {
			const rid =
				(this.#ridExtId !== 0 ? getStringExtension(packet, this.#ridExtId) : undefined) ??
				(this.#rridExtId !== 0 ? getStringExtension(packet, this.#rridExtId) : undefined);
			const byRid = rid !== undefined ? this.#ridTable.get(rid) : undefined;

			if (byRid !== undefined) {
				this.#ssrcTable.set(ssrc, byRid);

				return byRid;
			}
		}

		return undefined;
	}

	/**
	 * An RTCP datagram arrived (decrypted already): reports and feedback to
	 * the producers (sender reports) and consumers (receiver reports, NACK,
	 * PLI, FIR) they are about.
	 */
	protected receiveRtcpData(data: Uint8Array): void {
		// Reduced-size RTCP (RFC 5506) and libwebrtc's padded transport-cc are accepted.
		const packets = parseCompound(data, { allowReducedSize: true, allowPaddingAnywhere: true });

		if (packets === undefined) {
			this.rtcpPacketsDropped++;

			return;
		}

		const now = nowMs();

		for (const packet of packets) {
			switch (packet.kind) {
				case 'sr': {
					this.#ssrcTable
						.get(packet.ssrc)
						?.receiveSenderReport(packet.ssrc, packet.ntpSeconds, packet.ntpFraction, packet.rtpTimestamp, now);
					for (const block of packet.reports) {
						this.#ssrcConsumer.get(block.ssrc)?.receiveReportBlock(block, now);
					}
					this.#bweReportBlocks(packet.reports, now);
					break;
				}

				case 'rr': {
					for (const block of packet.reports) {
						this.#ssrcConsumer.get(block.ssrc)?.receiveReportBlock(block, now);
					}
					this.#bweReportBlocks(packet.reports, now);
					break;
				}

				case 'transport-cc':
					this.#bwe?.onTransportCcFeedback(packet.getPacketResults(), now);
					break;

				case 'remb':
					this.#bwe?.onRemb(packet.bitrate, now);
					break;

				case 'nack':
					this.#ssrcConsumer.get(packet.mediaSsrc)?.receiveNack(packet, now);
					break;

				case 'pli':
					this.#ssrcConsumer.get(packet.mediaSsrc)?.receiveKeyFrameRequest('pli', packet.mediaSsrc);
					break;

				case 'fir':
					for (const entry of packet.entries) {
						this.#ssrcConsumer.get(entry.ssrc)?.receiveKeyFrameRequest('fir', entry.ssrc);
					}
					break;

				default:
					// SDES, BYE, APP, XR, REMB and transport-cc from receivers: nothing to act on yet.
					break;
			}
		}
	}

	/** Loss (and RTT) of the streams we send, for the loss-based part of the estimate. */
	#bweReportBlocks(blocks: readonly ReportBlock[], now: number): void {
		if (this.#bwe === undefined) {
			return;
		}
		for (const block of blocks) {
			const consumer = this.#ssrcConsumer.get(block.ssrc);

			if (consumer !== undefined) {
				this.#bwe.onReceiverReport(block.fractionLost, consumer.getRttMs(block.ssrc), now);
			}
		}
	}

	/** WebRtcTransport: estimate the downlink (transport-wide seq, transport-cc/REMB). Kinds override. */
	protected get sendSideBwe(): boolean {
		return false;
	}

	#startBwe(): void {
		if (this.#bwe !== undefined || !this.sendSideBwe || this.closed) {
			return;
		}
		this.#bwe = new SendSideBandwidthEstimator({
			initialAvailableOutgoingBitrate: this.#initialAvailableOutgoingBitrate,
			minOutgoingBitrate: this.#minOutgoingBitrate || undefined,
			maxOutgoingBitrate: this.#maxOutgoingBitrate,
		});
		this.#rtxLimiter = new RetransmissionRateLimiter();
		this.#bweTimer = setInterval(() => this.#onBweTimer(), BWE_INTERVAL_MS);
		this.#bweTimer.unref();
	}

	#onBweTimer(): void {
		const bwe = this.#bwe;

		if (this.closed || bwe === undefined || !this.connected) {
			return;
		}

		const now = nowMs();

		// Consumers held below what they want (a simulcast layer that does not fit): the estimate
		// cannot grow past 1.5 x what is delivered without probes, so this counts as
		// application-limited for the probe controller's periodic probing.
		bwe.process(now, this.#desiredBitrate > bwe.getAvailableBitrate());

		let cluster: ProbeClusterSpec | undefined;

		while ((cluster = bwe.popProbeCluster()) !== undefined) {
			this.#probeClusters.push({ spec: cluster, bytes: 0, probes: 0, startMs: -1 });
		}
		if (this.#probeClusters.length > 0 && this.#probeTimer === undefined) {
			this.#probeTimer = setInterval(() => this.#onProbeTimer(), PROBE_INTERVAL_MS);
			this.#probeTimer.unref();
		}
		if (bwe.takeAvailableBitrateEvent(now)) {
			this.#allocate(now);
			if (this.#traceEventTypes.includes('bwe')) {
				this.ctx.channel.emit(this.id, 'trace', { ...bwe.getTrace(now), timestamp: Date.now() });
			}
		} else if (now - this.#lastAllocationMs >= ALLOCATION_INTERVAL_MS || bwe.getAvailableBitrate() < this.#allocatedBitrate) {
			// Any fall reallocates at once (mediasoup's event waits for a 25 % fall): a squeeze
			// walks the estimate down in AIMD steps, and a consumer can skip a layer that stopped
			// fitting one step earlier instead of switching to it and on again 350 ms later.
			this.#allocate(now);
		}
	}

	/**
	 * The prober (libwebrtc's BitrateProber, with padding only): sends each probe cluster's
	 * bytes at its bitrate as padding-only RTX packets of a video consumer, paced by a short
	 * timer, each marked with its cluster id so the estimator reads the rate the receiver saw.
	 */
	#onProbeTimer(): void {
		const bwe = this.#bwe;
		const queue = this.#probeClusters;
		const now = nowMs();

		if (this.closed || bwe === undefined || !this.connected || queue.length === 0) {
			queue.length = 0;
			clearInterval(this.#probeTimer);
			this.#probeTimer = undefined;

			return;
		}

		const cluster = queue[0]!;

		if (cluster.startMs < 0) {
			cluster.startMs = now;
		}

		// Bytes due by the end of this tick at the cluster's rate.
		const due = (cluster.spec.bitrate * (now - cluster.startMs + PROBE_INTERVAL_MS)) / 8000;
		let sent = 0;

		while (
			cluster.bytes < due &&
			(cluster.probes < cluster.spec.minProbes || cluster.bytes < cluster.spec.minBytes) &&
			sent < MAX_PROBES_PER_TICK
		) {
			const size = this.#sendProbe(cluster.spec.id);

			if (size === 0) {
				// Nothing can carry padding (no video consumer with RTX and transport-cc).
				queue.length = 0;

				return;
			}
			cluster.bytes += size;
			cluster.probes++;
			sent++;
		}
		if (cluster.probes >= cluster.spec.minProbes && cluster.bytes >= cluster.spec.minBytes) {
			queue.shift();
		} else if (now - cluster.startMs > 1000) {
			// Timers starved: a cluster older than the estimator's window is of no use.
			queue.shift();
		}
	}

	/** One padding probe on the first consumer able to carry it; its size, 0 when none is. */
	#sendProbe(clusterId: number): number {
		for (const { consumer } of this.#consumers.values()) {
			const engineConsumer = consumer as unknown as Consumer;
			const probe = engineConsumer.buildProbePadding(PROBE_PADDING_BYTES, this as unknown as MediaTransport);

			if (probe !== undefined) {
				const seq = this.#wideSeq;

				this.#sendingProbe = true;
				this.sendConsumerRtp(engineConsumer.id, probe.buffer, probe.length, true);
				this.#sendingProbe = false;
				if (this.#wideSeq !== seq) {
					this.#bwe?.markProbe(seq, clusterId);
				}

				return probe.length;
			}
		}

		return 0;
	}

	/** Shares the estimate among the consumers (layers) and tells the estimator what they want. */
	#allocate(now: number): void {
		const bwe = this.#bwe;

		if (bwe === undefined) {
			return;
		}
		this.#lastAllocationMs = now;
		this.#allocatedBitrate = bwe.getAvailableBitrate();

		const consumers = [...this.#consumers.values()].map(({ consumer }) => consumer as unknown as Consumer);
		const desired = distributeBitrate(bwe.getAvailableBitrate(), consumers, now);

		this.#desiredBitrate = desired;
		bwe.setDesiredBitrate(desired, now);
	}

	/** The remote became known (connect(), or comedia learnt it): consumers start. */
	protected onConnected(): void {
		this.sctpConnect();
		for (const { consumer } of this.#consumers.values()) {
			(consumer as unknown as Consumer).onTransportConnected();
		}
	}

	#startReportTimer(): void {
		if (this.#reportTimer !== undefined || this.closed) {
			return;
		}
		this.#reportTimer = setInterval(() => this.#onReportTimer(), REPORT_INTERVAL_MS);
		this.#reportTimer.unref();
	}

	#onFastTimer(): void {
		const now = nowMs();
		let needed = false;

		for (const { producer } of this.#producers.values()) {
			const engineProducer = producer as unknown as Producer;

			if (engineProducer.needsFastTimer) {
				engineProducer.onFastTimer(now);
				needed = needed || engineProducer.needsFastTimer;
			}
		}
		if (!needed) {
			clearInterval(this.#fastTimer);
			this.#fastTimer = undefined;
		}
	}

	/**
	 * RTCP reports (RFC 3550 6.4): a sender report and SDES CNAME per stream we
	 * send, a receiver report block per stream we receive, REMB when asked for.
	 */
	#onReportTimer(): void {
		if (this.closed) {
			return;
		}

		const now = nowMs();
		const senderReports: RtcpPacket[] = [];
		const chunks: SdesChunk[] = [];
		const blocks: ReportBlock[] = [];

		for (const { consumer } of this.#consumers.values()) {
			(consumer as unknown as Consumer).onReportTimer(now, senderReports, chunks);
		}
		for (const { producer } of this.#producers.values()) {
			(producer as unknown as Producer).onReportTimer(now, blocks);
		}
		if (!this.connected) {
			return;
		}
		for (let i = 0; i < senderReports.length; i += MAX_RTCP_SRS_PER_DATAGRAM) {
			const packets = senderReports.slice(i, i + MAX_RTCP_SRS_PER_DATAGRAM);

			packets.push(new SourceDescription({ chunks: chunks.slice(i, i + MAX_RTCP_SRS_PER_DATAGRAM) }));
			this.sendRtcpData(serializeCompound(packets));
		}

		const ssrcs: number[] = [];

		if (this.#remb) {
			for (const { producer } of this.#producers.values()) {
				(producer as unknown as Producer).collectSsrcs(ssrcs);
			}
		}

		const remb = this.#remb && ssrcs.length > 0 ? this.#remb.onTimer(now, this.#rtcpSsrc, ssrcs) : undefined;

		if (blocks.length > 0 || remb) {
			const packets: RtcpPacket[] = [];

			for (let i = 0; i < blocks.length || i === 0; i += 31) {
				packets.push(new ReceiverReport({ ssrc: this.#rtcpSsrc, reports: blocks.slice(i, i + 31) }));
			}
			if (remb) {
				packets.push(remb);
			}
			this.sendRtcpData(serializeCompound(packets));
		}
	}


	// --- producers and consumers -------------------------------------------

	#produce(data: any): unknown {
		const producerId = data?.producerId;

		this.router.checkNewId(producerId);

		if (data.kind !== 'audio' && data.kind !== 'video') {
			throw new TypeError(`invalid kind "${String(data.kind)}"`);
		}

		const rtpParameters = data.rtpParameters ?? {};
		const encodings: any[] = Array.isArray(rtpParameters.encodings) ? rtpParameters.encodings : [];
		const mid: string | undefined = typeof rtpParameters.mid === 'string' ? rtpParameters.mid : undefined;
		const ssrcs: number[] = [];
		const rids: string[] = [];

		for (const encoding of encodings) {
			if (typeof encoding.ssrc === 'number') {
				ssrcs.push(encoding.ssrc);
			}
			if (typeof encoding.rtx?.ssrc === 'number') {
				ssrcs.push(encoding.rtx.ssrc);
			}
			if (typeof encoding.rid === 'string') {
				rids.push(encoding.rid);
			}
		}

		// The RTP listener must be able to tell every incoming stream apart.
		for (const ssrc of ssrcs) {
			if (this.#ssrcTable.has(ssrc)) {
				throw new Error(`ssrc already exists in RTP listener [ssrc:${ssrc}]`);
			}
		}
		if (mid !== undefined && this.#midTable.has(mid)) {
			throw new Error(`MID already exists in RTP listener [mid:${mid}]`);
		}
		for (const rid of rids) {
			// RIDs only need to be unique when no MID tells the streams apart.
			if (mid === undefined && this.#ridTable.has(rid)) {
				throw new Error(`RID already exists in RTP listener [rid:${rid}]`);
			}
		}

		const engineProducer = new Producer(producerId, data, this);
		const producer = engineProducer as unknown as AnyProducer;

		if (this.router.getProducer(producerId) !== producer) {
			this.router.addProducer(producer);
		}

		this.#producers.set(producerId, { producer, ssrcs, mid, rids });
		for (const ssrc of ssrcs) {
			this.#ssrcTable.set(ssrc, engineProducer);
		}
		if (mid !== undefined) {
			this.#midTable.set(mid, engineProducer);
		}
		if (mid === undefined) {
			for (const rid of rids) {
				this.#ridTable.set(rid, engineProducer);
			}
		}
		this.#learnHeaderExtensions(rtpParameters.headerExtensions);
		this.#startReportTimer();

		const tccExtId = transportCcExtId(rtpParameters);

		if (tccExtId !== 0 && !this.#tccFeedback) {
			this.#tccRecvExtId = tccExtId;
			this.#tccFeedback = new TransportCcFeedbackGenerator({ senderSsrc: this.#rtcpSsrc, mediaSsrc: ssrcs[0] ?? 0 });
		}
		// REMB from incoming bitrate would cap the sender's own (transport-cc) estimate: libwebrtc
		// takes REMB as an upper bound. With transport-cc, REMB only for setMaxIncomingBitrate.
		if (
			!this.#remb &&
			!this.#tccFeedback &&
			(rtpParameters.codecs ?? []).some((codec: any) =>
				(codec.rtcpFeedback ?? []).some((fb: any) => fb.type === 'goog-remb'),
			)
		) {
			this.#remb = new RembCalculator({ maxIncomingBitrate: this.#maxIncomingBitrate });
		}

		logger.debug(`producer created [id:${producerId}, transportId:${this.id}]`, 'rtp');

		return { type: producer['type'] ?? producerType(rtpParameters) };
	}

	#consume(data: any): unknown {
		const consumerId = data?.consumerId;

		this.router.checkNewId(consumerId);

		if (!this.router.getProducer(data.producerId)) {
			throw new Error(`Producer not found [producerId:${String(data.producerId)}]`);
		}

		const engineConsumer = new Consumer(consumerId, data, this);
		const consumer = engineConsumer as unknown as AnyConsumer;

		if (!this.router.consumerProducer.has(consumer)) {
			this.router.addConsumer(consumer, data.producerId);
		}

		const ssrcs: number[] = [];
		const rtxSsrcs: number[] = [];

		for (const encoding of data.rtpParameters?.encodings ?? []) {
			if (typeof encoding.ssrc === 'number') {
				ssrcs.push(encoding.ssrc);
				this.#ssrcConsumer.set(encoding.ssrc, engineConsumer);
			}
			if (typeof encoding.rtx?.ssrc === 'number') {
				rtxSsrcs.push(encoding.rtx.ssrc);
				this.#ssrcConsumer.set(encoding.rtx.ssrc, engineConsumer);
			}
		}

		this.#consumers.set(consumerId, { consumer, ssrcs, rtxSsrcs });
		this.#startReportTimer();
		this.#startBwe();
		// Consumers of a connected transport start at once (key frame wait, request).
		if (this.connected) {
			engineConsumer.onTransportConnected();
		}

		return {
			paused: consumer['paused'],
			producerPaused: consumer['producerPaused'],
			score: consumer['score'],
			preferredLayers: consumer['preferredLayers'],
		};
	}

	#produceData(data: any): unknown {
		const dataProducerId = data?.dataProducerId;

		this.router.checkNewId(dataProducerId);

		let streamId: number | undefined;

		if (data.type === 'sctp') {
			if (!this.#sctp) {
				throw new Error('SCTP not enabled and not a direct Transport');
			}

			streamId = data.sctpStreamParameters?.streamId;

			if (typeof streamId !== 'number' || !Number.isInteger(streamId) || streamId < 0 || streamId > 65534) {
				throw new TypeError('missing or invalid sctpStreamParameters.streamId');
			}
			if (this.#streamIdTable.has(streamId)) {
				throw new Error(`streamId already exists in SCTP listener [streamId:${streamId}]`);
			}
		} else if (data.type === 'direct') {
			if (!this.#direct) {
				throw new TypeError('a DataProducer of type "direct" needs a DirectTransport');
			}
		} else {
			throw new TypeError(`invalid type "${String(data.type)}"`);
		}

		const dataProducer = new DataProducer(dataProducerId, data, this) as unknown as AnyDataProducer;

		if (this.router.getDataProducer(dataProducerId) !== dataProducer) {
			this.router.addDataProducer(dataProducer);
		}

		this.#dataProducers.set(dataProducerId, { dataProducer, streamId });
		if (streamId !== undefined) {
			this.#streamIdTable.set(streamId, dataProducerId);
		}

		return undefined;
	}

	#consumeData(data: any): unknown {
		const dataConsumerId = data?.dataConsumerId;

		this.router.checkNewId(dataConsumerId);

		if (!this.router.getDataProducer(data.dataProducerId)) {
			throw new Error(`DataProducer not found [dataProducerId:${String(data.dataProducerId)}]`);
		}
		if (data.type === 'sctp' && !this.#sctp) {
			throw new Error('SCTP not enabled and not a direct Transport');
		} else if (data.type === 'direct' && !this.#direct) {
			throw new TypeError('a DataConsumer of type "direct" needs a DirectTransport');
		}

		const dataConsumer = new DataConsumer(dataConsumerId, data, this) as unknown as AnyDataConsumer;

		if (!this.router.dataConsumerDataProducer.has(dataConsumer)) {
			this.router.addDataConsumer(dataConsumer, data.dataProducerId);
		}

		this.#dataConsumers.set(dataConsumerId, dataConsumer);

		return {
			dataProducerPaused: Boolean(dataConsumer['dataProducerPaused']),
			subchannels: Array.isArray(dataConsumer['subchannels']) ? [...dataConsumer['subchannels']] : undefined,
		};
	}

	/** The first producer to use an extension sets the id this transport reads it at. */
	#learnHeaderExtensions(headerExtensions: unknown): void {
		if (!Array.isArray(headerExtensions)) {
			return;
		}

		const names: Record<string, string> = {
			[MID_URI]: 'mid',
			[RID_URI]: 'rid',
			[RRID_URI]: 'rrid',
			[ABS_SEND_TIME_URI]: 'absSendTime',
			[TRANSPORT_CC_URI]: 'transportWideCc01',
		};

		for (const ext of headerExtensions) {
			const name = names[ext?.uri];

			if (name && typeof ext.id === 'number' && this.#recvRtpHeaderExtensions[name] === undefined) {
				this.#recvRtpHeaderExtensions[name] = ext.id;
				if (name === 'mid') {
					this.#midExtId = ext.id;
				} else if (name === 'rid') {
					this.#ridExtId = ext.id;
				} else if (name === 'rrid') {
					this.#rridExtId = ext.id;
				}
			}
		}
	}
}

/** The transport-wide-cc extension id when both the extension and 'transport-cc' feedback were negotiated, else 0. */
export function transportCcExtId(rtpParameters: any): number {
	const ext = (Array.isArray(rtpParameters?.headerExtensions) ? rtpParameters.headerExtensions : []).find(
		(h: any) => h?.uri === TRANSPORT_CC_URI && typeof h.id === 'number' && h.id >= 1 && h.id <= 255,
	);

	if (ext === undefined) {
		return 0;
	}

	const feedback = (Array.isArray(rtpParameters?.codecs) ? rtpParameters.codecs : []).some((codec: any) =>
		(codec?.rtcpFeedback ?? []).some((fb: any) => fb?.type === 'transport-cc'),
	);

	return feedback ? ext.id : 0;
}

function checkBitrate(bitrate: unknown): number {
	if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 0) {
		throw new TypeError('bitrate must be a non negative number');
	}

	return Math.floor(bitrate);
}

function safeClose(object: Closable): void {
	try {
		object.close();
	} catch (error) {
		logger.error(`error closing a child of a transport: ${(error as Error).message}`);
	}
}

/** simple, simulcast (several encodings) or svc (one encoding with layers of a scalable codec). */
function producerType(rtpParameters: any): 'simple' | 'simulcast' | 'svc' {
	const encodings: any[] = rtpParameters?.encodings ?? [];

	if (encodings.length > 1) {
		return 'simulcast';
	}

	const match = /^[LS](\d+)T(\d+)/.exec(encodings[0]?.scalabilityMode ?? '');

	if (!match) {
		return 'simple';
	}

	const spatialLayers = Number(match[1]);
	const temporalLayers = Number(match[2]);
	const mimeType: string = (rtpParameters.codecs?.[0]?.mimeType ?? '').toLowerCase();
	const scalableCodec = ['video/vp9', 'video/av1', 'video/h264-svc'].includes(mimeType);

	if (scalableCodec && (spatialLayers > 1 || temporalLayers > 1)) {
		return 'svc';
	}
	if (spatialLayers > 1) {
		return 'simulcast';
	}

	return 'simple';
}
