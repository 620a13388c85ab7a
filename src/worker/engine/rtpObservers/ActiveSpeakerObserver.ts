import { performance } from 'node:perf_hooks';
import { DominantSpeakerIdentifier } from '../../audio/DominantSpeakerIdentifier';
import type { Router } from '../Router';
import type { EngineProducer } from '../types';
import { RtpObserver } from './RtpObserver';

/** mediasoup's bounds for the decision interval, in ms. */
const MIN_INTERVAL = 100;
const MAX_INTERVAL = 5000;

/**
 * Names the dominant speaker among its producers ('dominantspeaker', on change)
 * with the Volfin-Cohen identification in DominantSpeakerIdentifier; this
 * object feeds it levels with the time of arrival and runs the decision every
 * `interval` ms while open and not paused.
 */
export class ActiveSpeakerObserver extends RtpObserver {
	readonly interval: number;
	readonly identifier = new DominantSpeakerIdentifier();
	#timer: NodeJS.Timeout | undefined = undefined;

	constructor(id: string, data: any, router: Router) {
		const interval = data?.interval;

		if (typeof interval !== 'number' || Number.isNaN(interval)) {
			throw new TypeError('invalid interval value');
		}

		super(id, router);

		this.interval = Math.min(Math.max(interval, MIN_INTERVAL), MAX_INTERVAL);
		this.#startTimer();
	}

	get dominantProducerId(): string | undefined {
		return this.identifier.dominantId;
	}

	protected override checkAddProducer(producer: EngineProducer): void {
		if (this.producers.has(producer.id)) {
			throw new Error(`Producer already in the observer [id:${producer.id}]`);
		}
	}

	protected override onProducerAdded(producer: EngineProducer): void {
		this.identifier.addSpeaker(producer.id, performance.now(), producer.paused);
	}

	protected override onProducerRemoved(producerId: string): void {
		// Removing the dominant speaker names another at once (as mediasoup).
		this.#announce(this.identifier.removeSpeaker(producerId, performance.now()));
	}

	protected override onProducerPaused(producerId: string): void {
		this.identifier.setSpeakerPaused(producerId, true);
	}

	protected override onProducerResumed(producerId: string): void {
		this.identifier.setSpeakerPaused(producerId, false);
	}

	protected override onAudioLevel(producerId: string, level: number): void {
		this.identifier.levelChanged(producerId, level, performance.now());
	}

	protected override onPaused(): void {
		this.#stopTimer();
	}

	protected override onResumed(): void {
		this.#startTimer();
	}

	protected override onClosed(): void {
		this.#stopTimer();
	}

	#announce(producerId: string | undefined): void {
		if (producerId !== undefined && !this.closed) {
			this.emit('dominantspeaker', { producerId });
		}
	}

	#startTimer(): void {
		this.#stopTimer();
		this.#timer = setInterval(() => this.#announce(this.identifier.update(performance.now())), this.interval);
		// The channel keeps the worker alive, not this timer.
		this.#timer.unref();
	}

	#stopTimer(): void {
		if (this.#timer) {
			clearInterval(this.#timer);
			this.#timer = undefined;
		}
	}
}
