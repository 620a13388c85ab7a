import type { Router } from '../Router';
import type { EngineRtpObserver } from '../types';

/** Creates 'ActiveSpeakerObserver' or 'AudioLevelObserver'; it registers itself under `id`. */
export function createRtpObserver(kind: string, id: string, data: any, router: Router): EngineRtpObserver {
	throw new Error(`RTP observer kind not available yet: ${kind} [id:${id}, router:${router.id}, data:${typeof data}]`);
}
