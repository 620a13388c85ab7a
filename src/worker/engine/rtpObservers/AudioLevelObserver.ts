import { AudioLevelMeter, type AudioLevelReport } from '../../audio/AudioLevelMeter';
import type { Router } from '../Router';
import type { EngineProducer } from '../types';
import { RtpObserver } from './RtpObserver';

/** mediasoup's bounds for the measuring interval, in ms. */
const MIN_INTERVAL = 250;
const MAX_INTERVAL = 5000;

/**
 * Watches the audio levels (RFC 6464 ssrc-audio-level) of its producers and
 * reports the loudest ones every `interval` ms ('volumes') or 'silence'.
 * The arithmetic is in AudioLevelMeter; this object owns the timer, which runs
 * while the observer is open and not paused.
 */
export class AudioLevelObserver extends RtpObserver {
	readonly maxEntries: number;
	/** dBov, -127..0. */
	readonly threshold: number;
	readonly interval: number;
	readonly meter: AudioLevelMeter;
	#timer: NodeJS.Timeout | undefined = undefined;

	constructor(id: string, data: any, router: Router) {
		const maxEntries = data?.maxEntries;
		const threshold = data?.threshold;
		const interval = data?.interval;

		if (typeof maxEntries !== 'number' || !(maxEntries >= 1)) {
			throw new TypeError('invalid maxEntries value');
		}
		if (typeof threshold !== 'number' || threshold < -127 || threshold > 0) {
			throw new TypeError('invalid threshold value');
		}
		if (typeof interval !== 'number' || Number.isNaN(interval)) {
			throw new TypeError('invalid interval value');
		}

		super(id, router);

		this.maxEntries = maxEntries;
		this.threshold = threshold;
		this.interval = Math.min(Math.max(interval, MIN_INTERVAL), MAX_INTERVAL);
		this.meter = new AudioLevelMeter(maxEntries, threshold);
		this.#startTimer();
	}

	protected override onProducerAdded(producer: EngineProducer): void {
		this.meter.addProducer(producer.id, producer.paused);
	}

	protected override onProducerRemoved(producerId: string): void {
		this.meter.removeProducer(producerId);
	}

	protected override onProducerPaused(producerId: string): void {
		this.meter.setProducerPaused(producerId, true);
	}

	protected override onProducerResumed(producerId: string): void {
		this.meter.setProducerPaused(producerId, false);
	}

	protected override onAudioLevel(producerId: string, level: number): void {
		this.meter.addLevel(producerId, level);
	}

	protected override onPaused(): void {
		this.#stopTimer();
		this.#report(this.meter.pause());
	}

	protected override onResumed(): void {
		this.#startTimer();
	}

	protected override onClosed(): void {
		this.#stopTimer();
	}

	#report(report: AudioLevelReport): void {
		if (report?.event === 'volumes') {
			this.emit('volumes', report.volumes);
		} else if (report?.event === 'silence') {
			this.emit('silence');
		}
	}

	#startTimer(): void {
		this.#stopTimer();
		this.#timer = setInterval(() => this.#report(this.meter.update()), this.interval);
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
