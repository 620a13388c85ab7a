import { EnhancedEventEmitter } from '../api/enhancedEvents';
import { InvalidStateError } from '../api/errors';
import { Logger } from '../api/Logger';
import type { TransportTuple } from '../api/TransportTypes';
import type { WebRtcTransport } from '../api/WebRtcTransport';
import type { DtlsParameters, DtlsRole, IceCandidate, IceParameters, IceState, DtlsState } from '../api/WebRtcTransportTypes';
import { OperationQueue } from './queue';
import type { Peer } from './Peer';

const logger = new Logger('v1:Transport');

export type TransportEvents = {
	close: [Error | undefined];
	icestatechange: [IceState];
	iceselectedtuplechange: [TransportTuple];
	dtlsstatechange: [DtlsState];
};

/** mediasoup v1's ICE candidate (v3's, of which v1 read `ip`). */
export type V1IceCandidate = IceCandidate;

/** DTLS parameters as v1 exchanged them: the role and the fingerprints. */
export type V1DtlsParameters = DtlsParameters;

const DTLS_ROLES = ['auto', 'client', 'server'];

/**
 * mediasoup v1's Transport: an ICE-lite + DTLS transport, a v3
 * WebRtcTransport underneath. Its local ICE and DTLS parameters go into the
 * SDP for the endpoint; the endpoint's DTLS parameters come back through
 * setRemoteDtlsParameters().
 */
export class Transport extends EnhancedEventEmitter<TransportEvents> {
	static #nextId = 1;

	/** Unique identifier (number). */
	readonly id: number = Transport.#nextId++;

	readonly #peer: Peer;
	readonly #transport: WebRtcTransport;
	readonly #queue = new OperationQueue();
	#closed = false;

	/** @internal Use `peer.createTransport()`. */
	constructor(peer: Peer, transport: WebRtcTransport) {
		super();
		this.#peer = peer;
		this.#transport = transport;

		transport.on('icestatechange', (state: IceState) => this.safeEmit('icestatechange', state));
		transport.on('iceselectedtuplechange', (tuple: TransportTuple) => this.safeEmit('iceselectedtuplechange', tuple));
		transport.on('dtlsstatechange', (state: DtlsState) => {
			this.safeEmit('dtlsstatechange', state);

			// v1 closed a transport whose DTLS failed or was closed by the remote.
			if (state === 'failed') {
				this._close(new Error('DTLS failed'));
			} else if (state === 'closed') {
				this._close();
			}
		});
		transport.on('routerclose', () => this._close());
		transport.on('listenserverclose', () => this._close());
	}

	/** Whether the transport is closed. */
	get closed(): boolean {
		return this.#closed;
	}

	/** The peer it belongs to. */
	get peer(): Peer {
		return this.#peer;
	}

	/** Always 'controlled': the server is ICE-lite. */
	get iceRole(): 'controlled' {
		return 'controlled';
	}

	/** Local ICE username fragment and password (and `iceLite: true`). */
	get iceLocalParameters(): IceParameters {
		return { ...this.#transport.iceParameters, iceLite: true };
	}

	/** Local ICE candidates. */
	get iceLocalCandidates(): V1IceCandidate[] {
		return this.#transport.iceCandidates.map((candidate) => ({ ...candidate }));
	}

	/** 'new', 'connected', 'completed', 'disconnected' or 'closed'. */
	get iceState(): IceState {
		return this.#transport.iceState;
	}

	/** The tuple media flows on, once ICE has chosen one. */
	get iceSelectedTuple(): TransportTuple | undefined {
		return this.#transport.iceSelectedTuple;
	}

	/** Local DTLS role and certificate fingerprints. */
	get dtlsLocalParameters(): V1DtlsParameters {
		const { role = 'auto', fingerprints } = this.#transport.dtlsParameters;

		return { role, fingerprints: fingerprints.map((f) => ({ ...f })) };
	}

	/** 'new', 'connecting', 'connected', 'failed' or 'closed'. */
	get dtlsState(): DtlsState {
		return this.#transport.dtlsState;
	}

	/** The remote certificate (PEM) once DTLS connected. */
	get dtlsRemoteCert(): string | undefined {
		return this.#transport.dtlsRemoteCert;
	}

	/** @internal The v3 transport. */
	get _webRtcTransport(): WebRtcTransport {
		return this.#transport;
	}

	/**
	 * Give the endpoint's DTLS parameters: its `role` ('client', 'server' or
	 * 'auto') and `fingerprints`. Resolves to this transport.
	 */
	async setRemoteDtlsParameters(parameters: { role?: DtlsRole; fingerprints: DtlsParameters['fingerprints'] }): Promise<this> {
		logger.debug('setRemoteDtlsParameters()');

		if (this.#closed) {
			throw new InvalidStateError('Transport closed');
		}
		if (parameters === null || typeof parameters !== 'object') {
			throw new TypeError('parameters must be an object');
		}
		if (parameters.role !== undefined && !DTLS_ROLES.includes(parameters.role)) {
			throw new TypeError(`invalid DTLS role "${parameters.role}"`);
		}
		if (!Array.isArray(parameters.fingerprints) || parameters.fingerprints.length === 0) {
			throw new TypeError('fingerprints must be a non-empty Array');
		}

		const dtlsParameters: DtlsParameters = {
			role: parameters.role ?? 'auto',
			fingerprints: parameters.fingerprints.map(({ algorithm, value }) => ({ algorithm, value })),
		};

		return this.#queue.push(async () => {
			if (this.#closed) {
				throw new InvalidStateError('Transport closed');
			}

			await this.#transport.connect({ dtlsParameters });

			return this;
		});
	}

	/** Set the maximum incoming bitrate (bps) the endpoint is asked to keep under. */
	async setMaxBitrate(bitrate: number): Promise<this> {
		if (this.#closed) {
			throw new InvalidStateError('Transport closed');
		}

		await this.#queue.push(() => this.#transport.setMaxIncomingBitrate(bitrate));

		return this;
	}

	/** New local ICE username fragment and password (an ICE restart). Resolves to this. */
	async changeUfragPwd(): Promise<this> {
		if (this.#closed) {
			throw new InvalidStateError('Transport closed');
		}

		await this.#queue.push(() => this.#transport.restartIce());

		return this;
	}

	/** The transport's internals (the v3 dump plus v1's names). */
	async dump(): Promise<Record<string, unknown>> {
		if (this.#closed) {
			throw new InvalidStateError('Transport closed');
		}

		const dump = await this.#transport.dump();

		return {
			...dump,
			transportId: this.id,
			iceLocalParameters: this.iceLocalParameters,
			iceLocalCandidates: this.iceLocalCandidates,
			dtlsLocalParameters: this.dtlsLocalParameters,
		};
	}

	/** Close the transport; its receivers and senders close with it. Emits 'close' once. */
	close(): void {
		this._close();
	}

	/** @internal */
	_close(error?: Error): void {
		if (this.#closed) {
			return;
		}

		this.#closed = true;
		// Receivers and senders using this transport listen to our 'close'
		// (emitted first, so theirs come before the v3 close cascade).
		this.safeEmit('close', error);
		this.#transport.close();
	}
}
