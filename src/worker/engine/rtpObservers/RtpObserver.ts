import { getAudioLevel, type RtpPacket } from '../../../proto/rtp';
import type { Router } from '../Router';
import { ROUTER_AUDIO_LEVEL_ID } from '../rtpHeaderExtensions';
import type { EngineProducer, EngineRtpObserver } from '../types';

// The media path maps each producer's extension ids to the router's before
// packets reach the observers: ssrc-audio-level is ROUTER_AUDIO_LEVEL_ID.
export { ROUTER_AUDIO_LEVEL_ID };

/**
 * Common part of the RTP observers: the audio producers watched, which of
 * them are paused, and the observer's own pause state; and the audio level
 * (RFC 6464) of each packet the router hands over. The measuring (audio
 * levels, dominant speaker) lives in the subclasses.
 */
export abstract class RtpObserver implements EngineRtpObserver {
	/** Watched producers by id. */
	readonly producers = new Map<string, EngineProducer>();
	/** Ids of watched producers that are paused (they count as silent). */
	readonly pausedProducerIds = new Set<string>();
	#paused = false;
	#closed = false;

	protected constructor(readonly id: string, readonly router: Router) {
		if (router.ctx.channel.has(id)) {
			throw new Error(`an entity with the given id already exists [id:${id}]`);
		}
		router.ctx.channel.register(id, this);
	}

	get paused(): boolean {
		return this.#paused;
	}

	get closed(): boolean {
		return this.#closed;
	}

	handleRequest(method: string, data: any): unknown {
		switch (method) {
			case 'rtpObserver.pause':
				if (!this.#paused) {
					this.#paused = true;
					this.onPaused();
				}

				return undefined;

			case 'rtpObserver.resume':
				if (this.#paused) {
					this.#paused = false;
					this.onResumed();
				}

				return undefined;

			case 'rtpObserver.addProducer': {
				const producer = this.#getProducer(data?.producerId);

				if (producer.kind !== 'audio') {
					throw new TypeError('not an audio Producer');
				}
				this.checkAddProducer(producer);
				this.router.addProducerToObserver(this, producer.id);
				this.producers.set(producer.id, producer);
				if (producer.paused) {
					this.pausedProducerIds.add(producer.id);
				}
				this.onProducerAdded(producer);

				return undefined;
			}

			case 'rtpObserver.removeProducer': {
				const producer = this.#getProducer(data?.producerId);

				this.router.removeProducerFromObserver(this, producer.id);
				this.#forget(producer.id);

				return undefined;
			}

			default:
				throw new Error(`unknown method "${method}"`);
		}
	}

	producerClosed(producerId: string): void {
		this.#forget(producerId);
	}

	producerPaused(producerId: string): void {
		if (this.producers.has(producerId) && !this.pausedProducerIds.has(producerId)) {
			this.pausedProducerIds.add(producerId);
			this.onProducerPaused(producerId);
		}
	}

	producerResumed(producerId: string): void {
		if (this.pausedProducerIds.delete(producerId)) {
			this.onProducerResumed(producerId);
		}
	}

	/**
	 * An RTP packet received by a watched producer, from the router's media
	 * path: its header extension ids are already the router's. Packets of a
	 * paused producer, to a paused observer, or without the audio level
	 * extension (the producer did not negotiate it) count for nothing.
	 */
	receiveRtpPacket(producerId: string, packet: RtpPacket): void {
		if (this.#paused || this.#closed || this.pausedProducerIds.has(producerId)) {
			return;
		}

		const level = getAudioLevel(packet, ROUTER_AUDIO_LEVEL_ID);

		if (level !== undefined) {
			this.onAudioLevel(producerId, level);
		}
	}

	close(): void {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		this.router.ctx.channel.unregister(this.id);
		for (const producerId of this.producers.keys()) {
			this.router.removeProducerFromObserver(this, producerId);
		}
		this.producers.clear();
		this.pausedProducerIds.clear();
		this.onClosed();
	}

	/** Throws if this producer cannot be added (already there, for some observers). */
	protected checkAddProducer(_producer: EngineProducer): void {}

	protected onProducerAdded(_producer: EngineProducer): void {}

	protected onProducerRemoved(_producerId: string): void {}

	protected onProducerPaused(_producerId: string): void {}

	protected onProducerResumed(_producerId: string): void {}

	/** The RFC 6464 level (-dBov: 0 loudest, 127 silence) of a packet of an active producer. */
	protected onAudioLevel(_producerId: string, _level: number): void {}

	/** Notification to the application about this observer. */
	protected emit(event: string, data?: unknown): void {
		this.router.ctx.channel.emit(this.id, event, data);
	}

	protected onPaused(): void {}

	protected onResumed(): void {}

	protected onClosed(): void {}

	#getProducer(producerId: unknown): EngineProducer {
		const producer = typeof producerId === 'string' ? this.router.getProducer(producerId) : undefined;

		if (!producer) {
			throw new Error(`Producer not found [id:${String(producerId)}]`);
		}

		return producer;
	}

	#forget(producerId: string): void {
		if (this.producers.delete(producerId)) {
			this.pausedProducerIds.delete(producerId);
			this.onProducerRemoved(producerId);
		}
	}
}

