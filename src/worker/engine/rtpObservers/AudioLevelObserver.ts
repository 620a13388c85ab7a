import type { Router } from '../Router';
import { RtpObserver } from './RtpObserver';

/** mediasoup's bounds for the measuring interval, in ms. */
const MIN_INTERVAL = 250;
const MAX_INTERVAL = 5000;

/**
 * Watches the audio levels (RFC 6464 ssrc-audio-level) of its producers and
 * reports the loudest ones every `interval` ms ('volumes') or 'silence'.
 * The measuring comes with the media path; until then nothing is reported.
 */
export class AudioLevelObserver extends RtpObserver {
	readonly maxEntries: number;
	/** dBov, -127..0. */
	readonly threshold: number;
	readonly interval: number;

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
	}
}
