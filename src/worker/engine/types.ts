import type { RequestHandler } from '../channel';

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
	producerClosed(): void;
	producerPaused(): void;
	producerResumed(): void;
}

export interface EngineDataProducer {
	readonly id: string;
}

export interface EngineDataConsumer {
	readonly id: string;
	/** The data producer went away: close and tell the application ('dataproducerclose'). */
	dataProducerClosed(): void;
	dataProducerPaused?(): void;
	dataProducerResumed?(): void;
}

export interface EngineRtpObserver extends RequestHandler {
	readonly id: string;
	close(): void;
	/** A producer this observer watches closed. */
	producerClosed(producerId: string): void;
	producerPaused?(producerId: string): void;
	producerResumed?(producerId: string): void;
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
