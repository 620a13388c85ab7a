import { Logger } from './Logger';
import { PausableEntity, TRANSPORT_CLOSE } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import type { TransportInternal } from './Transport';
import type { AppData } from './types';
import type { MediaKind, RtpParameters } from '../ortc/rtpParametersTypes';
import type {
	ProducerDump,
	ProducerEvents,
	ProducerObserverEvents,
	ProducerScore,
	ProducerStat,
	ProducerTraceEventData,
	ProducerTraceEventType,
	ProducerType,
	ProducerVideoOrientation,
} from './ProducerTypes';

const logger = new Logger('Producer');

const TRACE_EVENT_TYPES: readonly string[] = ['rtp', 'keyframe', 'nack', 'pli', 'fir', 'sr'];

type ProducerInternal = TransportInternal & { producerId: string };

type ProducerData = {
	kind: MediaKind;
	rtpParameters: RtpParameters;
	type: ProducerType;
	consumableRtpParameters: RtpParameters;
};

/**
 * A media source injected into a router. This object mirrors the worker's
 * state (paused, score) and turns the worker's notifications into events.
 */
export class Producer<ProducerAppData extends AppData = AppData> extends PausableEntity<
	ProducerAppData,
	ProducerEvents,
	ProducerObserverEvents
> {
	readonly #data: ProducerData;
	#score: ProducerScore[] = [];

	/** @private Use transport.produce(). */
	constructor({
		internal,
		data,
		channel,
		appData,
		paused,
	}: {
		internal: ProducerInternal;
		data: ProducerData;
		channel: Channel;
		appData?: ProducerAppData;
		paused: boolean;
	}) {
		super({
			name: 'Producer',
			logger,
			channel,
			id: internal.producerId,
			notified: true,
			closeRequest: ['transport.closeProducer', internal.transportId, { producerId: internal.producerId }],
			appData,
			paused,
			requestPrefix: 'producer',
		});

		this.#data = data;

		logListenerErrors(this, logger);
	}

	get kind(): MediaKind {
		return this.#data.kind;
	}

	get rtpParameters(): RtpParameters {
		return this.#data.rtpParameters;
	}

	get type(): ProducerType {
		return this.#data.type;
	}

	/** @private Parameters every consumer of this producer derives from. */
	get consumableRtpParameters(): RtpParameters {
		return this.#data.consumableRtpParameters;
	}

	get score(): ProducerScore[] {
		return this.#score;
	}

	/** @private For tests: simulate worker notifications. */
	get channelForTesting(): Channel {
		return this.channel;
	}

	/** @private The transport closed (so did this producer, in the worker too). */
	transportClosed(): void {
		this.closeFrom(TRANSPORT_CLOSE);
	}

	async dump(): Promise<ProducerDump> {
		return this.request('dump');
	}

	async getStats(): Promise<ProducerStat[]> {
		return this.request('getStats');
	}

	async enableTraceEvent(types: ProducerTraceEventType[] = []): Promise<void> {
		await this.requestTraceEvent(types, TRACE_EVENT_TYPES, 'ProducerTraceEventType');
	}

	/** Injects an RTP packet (only for producers of a DirectTransport). */
	send(rtpPacket: Buffer): void {
		if (!Buffer.isBuffer(rtpPacket)) {
			throw new TypeError('rtpPacket must be a Buffer');
		}

		// The worker would drop it anyway.
		if (this.closed) {
			return;
		}

		this.channel.notify('producer.send', this.id, rtpPacket);
	}

	protected override handleWorkerNotification(event: string, data?: any): boolean {
		switch (event) {
			case 'score': {
				this.#score = data as ProducerScore[];
				this.emitWithObserver('score', this.#score);

				return true;
			}

			case 'videoorientationchange':
				this.emitWithObserver('videoorientationchange', data as ProducerVideoOrientation);

				return true;

			case 'trace':
				this.emitWithObserver('trace', data as ProducerTraceEventData);

				return true;

			default:
				return false;
		}
	}
}
