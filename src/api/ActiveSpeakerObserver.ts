import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import { RtpObserver, type RtpObserverConstructorOptions } from './RtpObserver';
import type { AppData } from './types';
import type {
	ActiveSpeakerObserverDominantSpeaker,
	ActiveSpeakerObserverEvents,
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

		logListenerErrors(this, logger);
	}

	get type(): 'activespeaker' {
		return 'activespeaker';
	}

	protected override handleWorkerNotification(event: string, data?: any): boolean {
		if (event !== 'dominantspeaker') {
			return false;
		}

		const producer = this.getProducerById((data as { producerId: string }).producerId);

		// The producer may have closed meanwhile.
		if (producer) {
			const dominantSpeaker: ActiveSpeakerObserverDominantSpeaker = { producer };

			this.emitWithObserver('dominantspeaker', dominantSpeaker);
		}

		return true;
	}
}
