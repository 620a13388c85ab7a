import type { Router } from '../Router';
import type { EngineProducer } from '../types';
import { RtpObserver } from './RtpObserver';

/** mediasoup's lower bound for the decision interval, in ms. */
const MIN_INTERVAL = 100;

/**
 * Picks the dominant speaker among its producers every `interval` ms
 * ('dominantspeaker'). The speech activity scoring comes with the media
 * path; until then nothing is reported.
 */
export class ActiveSpeakerObserver extends RtpObserver {
	readonly interval: number;

	constructor(id: string, data: any, router: Router) {
		const interval = data?.interval;

		if (typeof interval !== 'number' || Number.isNaN(interval)) {
			throw new TypeError('invalid interval value');
		}

		super(id, router);

		this.interval = Math.max(interval, MIN_INTERVAL);
	}

	protected override checkAddProducer(producer: EngineProducer): void {
		if (this.producers.has(producer.id)) {
			throw new Error(`Producer already in the observer [id:${producer.id}]`);
		}
	}
}
