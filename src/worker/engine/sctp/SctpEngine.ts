import { SctpAssociation, Ppid, parseDcep, buildDcepAck, type SctpState } from '../../../proto/sctp';
import { WorkerLogger } from '../../logger';

const logger = new WorkerLogger('SctpEngine');

export interface SctpEngineOptions {
	OS: number;
	MIS: number;
	maxMessageSize: number;
	sendBufferSize: number;
	/** SCTP packets out (over DTLS application data or plain UDP); may drop while not connected. */
	send(packet: Buffer): void;
	onStateChange(state: SctpState): void;
	/** A user message (DCEP already handled) on an incoming stream. */
	onMessage(streamId: number, ppid: number, data: Buffer): void;
	onBufferedAmountLow(streamId: number, bufferedAmount: number): void;
}

/**
 * Runs one sans-I/O SctpAssociation for a transport: clock, timers, and the
 * DCEP answers. As mediasoup, both ends send INIT on port 5000 (RFC 8841);
 * the association resolves the collision (RFC 9260 5.2.1).
 */
export class SctpEngine {
	readonly assoc: SctpAssociation;
	#timer: NodeJS.Timeout | undefined = undefined;
	#timerAt = Infinity;
	#closed = false;
	#connectCalled = false;
	readonly #options: SctpEngineOptions;

	constructor(options: SctpEngineOptions) {
		this.#options = options;
		this.assoc = new SctpAssociation({
			localPort: 5000,
			remotePort: 5000,
			role: 'client',
			os: options.OS,
			mis: options.MIS,
			maxMessageSize: options.maxMessageSize,
			sendBufferSize: options.sendBufferSize,
			onStateChange: (state) => {
				logger.debug(`SCTP state ${state}`, 'sctp');
				options.onStateChange(state);
			},
			onMessage: (streamId, ppid, data) => this.#onMessage(streamId, ppid, data),
			onBufferedAmountLow: (streamId, amount) => options.onBufferedAmountLow(streamId, amount),
		});
	}

	get state(): SctpState {
		return this.assoc.state;
	}

	static now(): number {
		return performance.now();
	}

	/** The transport can now reach the remote: send our INIT. */
	connect(): void {
		if (this.#closed || this.#connectCalled) {
			return;
		}
		this.#connectCalled = true;
		this.assoc.connect(SctpEngine.now());
		this.flush();
	}

	handlePacket(packet: Buffer): void {
		if (this.#closed) {
			return;
		}
		this.assoc.handlePacket(packet, SctpEngine.now());
		this.flush();
	}

	send(streamId: number, ppid: number, data: Buffer, opts: { ordered?: boolean; maxPacketLifeTime?: number; maxRetransmits?: number }): ReturnType<SctpAssociation['send']> {
		if (this.#closed) {
			return 'closed';
		}

		const result = this.assoc.send(streamId, ppid, data, opts, SctpEngine.now());

		if (result === 'ok') {
			this.flush();
		}

		return result;
	}

	resetStream(streamId: number): void {
		if (this.#closed) {
			return;
		}
		if (this.assoc.resetStreams([streamId])) {
			this.flush();
		}
	}

	flush(): void {
		if (this.#closed) {
			return;
		}
		for (const packet of this.assoc.pollOutgoing()) {
			this.#options.send(packet);
		}

		const next = this.assoc.nextTimeoutMs();

		if (next === undefined) {
			this.#clearTimer();

			return;
		}
		if (this.#timer !== undefined && this.#timerAt <= next) {
			return;
		}
		this.#clearTimer();
		this.#timerAt = next;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#timerAt = Infinity;
			if (this.#closed) {
				return;
			}
			this.assoc.handleTimeout(SctpEngine.now());
			this.flush();
		}, Math.max(0, Math.ceil(next - SctpEngine.now())));
	}

	#clearTimer(): void {
		if (this.#timer !== undefined) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		this.#timerAt = Infinity;
	}

	#onMessage(streamId: number, ppid: number, data: Buffer): void {
		if (ppid === Ppid.DCEP) {
			const dcep = parseDcep(data);

			// mediasoup-client's channels are negotiated; a browser that opens one anyway gets its ACK (RFC 8832 5).
			if (dcep?.type === 'open') {
				this.assoc.send(streamId, Ppid.DCEP, buildDcepAck(), { ordered: true }, SctpEngine.now());
			}

			return;
		}
		this.#options.onMessage(streamId, ppid, data);
	}

	/** With the transport: ABORT so the peer does not wait for its timers. */
	close(): void {
		if (this.#closed) {
			return;
		}
		this.assoc.abort(SctpEngine.now(), 'transport closed');
		for (const packet of this.assoc.pollOutgoing()) {
			try {
				this.#options.send(packet);
			} catch {
				// sockets may be gone already
			}
		}
		this.#closed = true;
		this.#clearTimer();
	}
}
