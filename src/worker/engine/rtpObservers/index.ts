import type { Router } from '../Router';
import type { EngineRtpObserver } from '../types';
import { ActiveSpeakerObserver } from './ActiveSpeakerObserver';
import { AudioLevelObserver } from './AudioLevelObserver';

export { RtpObserver } from './RtpObserver';
export { ActiveSpeakerObserver } from './ActiveSpeakerObserver';
export { AudioLevelObserver } from './AudioLevelObserver';

/** Creates 'ActiveSpeakerObserver' or 'AudioLevelObserver'; it registers itself under `id`. */
export function createRtpObserver(kind: string, id: string, data: any, router: Router): EngineRtpObserver {
	switch (kind) {
		case 'ActiveSpeakerObserver':
			return new ActiveSpeakerObserver(id, data, router);

		case 'AudioLevelObserver':
			return new AudioLevelObserver(id, data, router);

		default:
			throw new TypeError(`unknown RTP observer kind "${kind}"`);
	}
}
