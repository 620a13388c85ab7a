import { Logger } from './Logger';
import { Transport, type TransportConstructorOptions } from './Transport';
import { UnsupportedError } from './errors';
import type {
	DirectTransportDump,
	DirectTransportEvents,
	DirectTransportObserverEvents,
	DirectTransportStat,
} from './DirectTransportTypes';
import type { AppData } from './types';

const logger = new Logger('DirectTransport');

/** @private */
export type DirectTransportData = {
	maxMessageSize?: number;
};

export class DirectTransport<DirectTransportAppData extends AppData = AppData> extends Transport<
	DirectTransportAppData,
	DirectTransportEvents,
	DirectTransportObserverEvents
> {
	/** @private Use router.createDirectTransport(). */
	constructor(options: TransportConstructorOptions<DirectTransportAppData> & { data: DirectTransportData }) {
		super(options);

		logger.debug('constructor()');
	}

	get type(): 'direct' {
		return 'direct';
	}

	override async dump(): Promise<DirectTransportDump> {
		return (await super.dump()) as DirectTransportDump;
	}

	override async getStats(): Promise<DirectTransportStat[]> {
		return (await super.getStats()) as DirectTransportStat[];
	}

	/** Nothing to connect: the application is the other end. */
	async connect(): Promise<void> {
		logger.debug('connect()');
	}

	override async setMaxIncomingBitrate(_bitrate: number): Promise<void> {
		throw new UnsupportedError('setMaxIncomingBitrate() not implemented in DirectTransport');
	}

	override async setMaxOutgoingBitrate(_bitrate: number): Promise<void> {
		throw new UnsupportedError('setMaxOutgoingBitrate() not implemented in DirectTransport');
	}

	override async setMinOutgoingBitrate(_bitrate: number): Promise<void> {
		throw new UnsupportedError('setMinOutgoingBitrate() not implemented in DirectTransport');
	}

	/** Send a RTCP packet from the application to the worker (binary, no base64). */
	sendRtcp(rtcpPacket: Buffer): void {
		if (!Buffer.isBuffer(rtcpPacket)) {
			throw new TypeError('rtcpPacket must be a Buffer');
		}

		this.channel.notify('transport.sendRtcp', this.internal.transportId, rtcpPacket);
	}

	protected override handleWorkerNotification(event: string, data: any): boolean {
		if (event === 'rtcp') {
			if (!this.closed) {
				const packet = Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);

				this.safeEmit('rtcp', packet);
			}

			return true;
		}

		return super.handleWorkerNotification(event, data);
	}
}
