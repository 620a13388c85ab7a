import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import { RtpObserver, type RtpObserverConstructorOptions } from './RtpObserver';
import type { AppData } from './types';
import type {
	AudioLevelObserverEvents,
	AudioLevelObserverObserver,
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

		this.#handleWorkerNotifications();
		logListenerErrors(this, logger);
	}

	get type(): 'audiolevel' {
		return 'audiolevel';
	}

	override get observer(): AudioLevelObserverObserver {
		return super.observer;
	}

	#handleWorkerNotifications(): void {
		this.channel.on(this.internal.rtpObserverId, (event: string, data?: any) => {
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
						this.safeEmit('volumes', volumes);
						this.observer.safeEmit('volumes', volumes);
					}
					break;
				}

				case 'silence':
					this.safeEmit('silence');
					this.observer.safeEmit('silence');
					break;

				default:
					logger.error(`ignoring unknown event "${event}"`);
			}
		});
	}
}
