import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import { RtpObserver, type RtpObserverConstructorOptions } from './RtpObserver';
import type { AppData } from './types';
import type {
	AudioLevelObserverEvents,
	AudioLevelObserverObserverEvents,
	AudioLevelObserverVolume,
} from './AudioLevelObserverTypes';

const logger = new Logger('AudioLevelObserver');

/** Reports the loudest audio producers of a router ('volumes') or 'silence'. */
export class AudioLevelObserver<AudioLevelObserverAppData extends AppData = AppData> extends RtpObserver<
	AudioLevelObserverAppData,
	AudioLevelObserverEvents,
	AudioLevelObserverObserverEvents
> {
	/** @private Use router.createAudioLevelObserver(). */
	constructor(options: RtpObserverConstructorOptions<AudioLevelObserverAppData>) {
		super(options);

		logListenerErrors(this, logger);
	}

	get type(): 'audiolevel' {
		return 'audiolevel';
	}

	protected override handleWorkerNotification(event: string, data?: any): boolean {
		switch (event) {
			case 'volumes': {
				// Producers closed meanwhile are left out.
				const volumes: AudioLevelObserverVolume[] = [];

				for (const { producerId, volume } of (data ?? []) as { producerId: string; volume: number }[]) {
					const producer = this.getProducerById(producerId);

					if (producer) {
						volumes.push({ producer, volume });
					}
				}

				if (volumes.length > 0) {
					this.emitWithObserver('volumes', volumes);
				}

				return true;
			}

			case 'silence':
				this.emitWithObserver('silence');

				return true;

			default:
				return false;
		}
	}
}
