import { WorkerLogger } from '../../logger';
import type { Router } from '../Router';
import { Transport } from './Transport';
import { nowMs } from '../media';

const logger = new WorkerLogger('DirectTransport');

/**
 * No network: the application itself sends and receives (producer.send(),
 * consumer 'rtp' events, data messages, sendRtcp()) over the channel.
 */
export class DirectTransport extends Transport {
	private constructor(id: string, data: any, router: Router) {
		const maxMessageSize = data?.maxMessageSize ?? 262144;

		if (typeof maxMessageSize !== 'number' || !Number.isFinite(maxMessageSize) || maxMessageSize < 0) {
			throw new TypeError('wrong maxMessageSize');
		}

		super(id, { direct: true, maxMessageSize }, router);
	}

	static async create(id: string, data: any, router: Router): Promise<DirectTransport> {
		const transport = new DirectTransport(id, data, router);

		transport.register();
		logger.debug(`DirectTransport created [id:${id}]`, 'info');

		return transport;
	}

	override handleNotification(event: string, data: any): void {
		if (event === 'transport.sendRtcp') {
			if (this.closed || !(data instanceof Uint8Array)) {
				return;
			}
			this.dataReceived(data.length);
			this.receiveRtcpData(data);

			return;
		}

		super.handleNotification(event, data);
	}

	dump(): unknown {
		return this.baseDump();
	}

	/** The application is the other end: always there. */
	override get connected(): boolean {
		return true;
	}

	/** Consumer RTP goes to the application as the consumer's 'rtp' event (binary). */
	override sendConsumerRtp(consumerId: string, data: Buffer, length: number, isRtx: boolean, now: number = nowMs()): void {
		if (this.closed) {
			return;
		}
		super.sendConsumerRtp(consumerId, data, length, isRtx, now);
		this.dataSent(length, now);
		this.ctx.channel.emit(consumerId, 'rtp', data.length === length ? data : data.subarray(0, length));
	}

	protected override sendRtcpData(data: Buffer): void {
		this.dataSent(data.length);
		this.notify('rtcp', data);
	}

	getStats(): unknown {
		return { ...this.baseStats(), type: 'direct-transport' };
	}

	protected closeSockets(): void {
		// Nothing bound.
	}
}
