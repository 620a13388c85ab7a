import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import { RtpObserver, type RtpObserverConstructorOptions } from './RtpObserver';
import type { AppData } from './types';
import type {
	ActiveSpeakerObserverDominantSpeaker,
	ActiveSpeakerObserverEvents,
	ActiveSpeakerObserverObserver,
	ActiveSpeakerObserverObserverEvents,
} from './ActiveSpeakerObserverTypes';

const logger = new Logger('ActiveSpeakerObserver');

/** Reports the dominant speaker among the audio producers it watches. */
export class ActiveSpeakerObserver<ActiveSpeakerObserverAppData extends AppData = AppData> extends RtpObserver<
	ActiveSpeakerObserverAppData,
	ActiveSpeakerObserverEvents,
	ActiveSpeakerObserverObserverEvents
> {
	/** @private Use router.createActiveSpeakerObserver(). */
	constructor(options: RtpObserverConstructorOptions<ActiveSpeakerObserverAppData>) {
		super(options);

		this.#handleWorkerNotifications();
		logListenerErrors(this, logger);
	}

	get type(): 'activespeaker' {
		return 'activespeaker';
	}

	override get observer(): ActiveSpeakerObserverObserver {
		return super.observer;
	}

	#handleWorkerNotifications(): void {
		this.channel.on(this.internal.rtpObserverId, (event: string, data?: any) => {
			switch (event) {
				case 'dominantspeaker': {
					const producer = this.getProducerById((data as { producerId: string }).producerId);

					// The producer may have closed meanwhile.
					if (!producer) {
						break;
					}

					const dominantSpeaker: ActiveSpeakerObserverDominantSpeaker = { producer };

					this.safeEmit('dominantspeaker', dominantSpeaker);
					this.observer.safeEmit('dominantspeaker', dominantSpeaker);
					break;
				}

				default:
					logger.error(`ignoring unknown event "${event}"`);
			}
		});
	}
}
