import type { RequestHandler } from '../channel';
import type { RtpPacket } from '../../proto/rtp/rtpPacket';

/**
 * Shapes the Router relies on. Transports, producers, consumers and observers
 * implement them; the Router keeps the routing tables between them.
 */
export interface EngineTransport extends RequestHandler {
	readonly id: string;
	/** Close because the router closes (no notification to the application needed). */
	close(): void;
	dump(): unknown;
}

export interface EngineProducer {
	readonly id: string;
	readonly kind: 'audio' | 'video';
	readonly paused: boolean;
}

export interface EngineConsumer {
	readonly id: string;
	/** The producer went away: close and tell the application ('producerclose'). */
	onProducerClosed(): void;
	onProducerPaused(): void;
	onProducerResumed(): void;
	/**
	 * A packet of the producer, already mangled to the router's payload types,
	 * mapped SSRC and header extension ids. `encodingIdx` is the producer stream
	 * it belongs to. The packet is shared by every consumer: read it, never
	 * modify it (rewrite a copy).
	 */
	onProducerRtpPacket?(packet: RtpPacket, encodingIdx: number, isKeyFrame: boolean, nowMs: number): void;
	/** The score of a producer stream changed. */
	onProducerScore?(): void;
}

export interface EngineDataProducer {
	readonly id: string;
}

export interface EngineDataConsumer {
	readonly id: string;
	/** The data producer went away: close and tell the application ('dataproducerclose'). */
	onDataProducerClosed(): void;
	onDataProducerPaused?(): void;
	onDataProducerResumed?(): void;
}

export interface EngineRtpObserver extends RequestHandler {
	readonly id: string;
	close(): void;
	/** A producer this observer watches closed. */
	producerClosed(producerId: string): void;
	producerPaused?(producerId: string): void;
	producerResumed?(producerId: string): void;
	/**
	 * An RTP packet of a watched producer (audio level observers read the
	 * ssrc-audio-level extension). Header extension ids are the router's
	 * (urn:ietf:params:rtp-hdrext:ssrc-audio-level is ROUTER_EXT_ID.audioLevel,
	 * 10). Only packets that are forwarded (not while the producer is paused).
	 * The packet is shared: never modify it.
	 */
	receiveRtpPacket?(producerId: string, packet: RtpPacket): void;
}

/**
 * What a Transport gives the producers, consumers and data producers/consumers
 * it creates. Each of them registers itself as a channel handler under its own
 * id (for 'producer.*', 'consumer.*', ... requests) and unregisters on close.
 */
export interface TransportOwner {
	readonly id: string;
	readonly router: import('./Router').Router;
	readonly ctx: import('./context').WorkerContext;
	/** The object closed (from the application or by cascade): forget it. */
	onProducerClosed(producer: EngineProducer): void;
	onConsumerClosed(consumer: EngineConsumer): void;
	onDataProducerClosed(dataProducer: EngineDataProducer): void;
	onDataConsumerClosed(dataConsumer: EngineDataConsumer): void;
}
