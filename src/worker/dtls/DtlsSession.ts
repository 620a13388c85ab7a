/**
 * Glue between a transport and the sans-I/O DTLS endpoint (src/proto/dtls): the clock and the
 * retransmission timer, the check of the peer certificate against the fingerprints signalled in
 * dtlsParameters (RFC 8122 section 5, RFC 8842 section 5), and the SRTP sessions keyed from the
 * exporter (RFC 5764 section 4.2). States and events as mediasoup's DtlsTransport.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DtlsEndpoint, type DtlsConnectedEvent, type DtlsLocalCertificate } from '../../proto/dtls';
import { SrtpSession, type SrtpCryptoSuite } from '../../proto/srtp';

export type DtlsSessionState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type DtlsRemoteFingerprint = { algorithm: string; value: string };

export interface DtlsSessionListener {
	/** Sends one datagram to the peer (on the selected tuple). */
	send(datagram: Buffer): void;
	/** 'connecting' on start, then 'connected' (with the peer certificate, PEM), 'failed' or 'closed'. */
	onStateChange(state: DtlsSessionState, remoteCertPem?: string): void;
	/** On 'connected', before onStateChange: SRTP sessions for sending (our key) and receiving (peer's). */
	onSrtp(suite: SrtpCryptoSuite, send: SrtpSession, recv: SrtpSession): void;
	/** DTLS application data (SCTP, RFC 8261). */
	onApplicationData?(data: Buffer): void;
}

export interface DtlsSessionOptions {
	role: 'client' | 'server';
	certificate: DtlsLocalCertificate;
	remoteFingerprints: readonly DtlsRemoteFingerprint[];
	/** SRTP profile ids, preferred first (default: the endpoint's, mediasoup's order). */
	srtpProfiles?: readonly number[];
	mtu?: number;
	/** Datagrams received before start() (e.g. a ClientHello that beat connect()), replayed then. */
	maxEarlyDatagrams?: number;
}

const HASHES: Readonly<Record<string, string>> = {
	'sha-1': 'sha1',
	'sha-224': 'sha224',
	'sha-256': 'sha256',
	'sha-384': 'sha384',
	'sha-512': 'sha512',
};

/** True when the DER certificate hashes to any of the signalled fingerprints (case and ':' insensitive). */
export function matchesFingerprints(certificateDer: Buffer, fingerprints: readonly DtlsRemoteFingerprint[]): boolean {
	for (const { algorithm, value } of fingerprints) {
		const hash = HASHES[algorithm.toLowerCase()];

		if (!hash) {
			continue;
		}

		const digest = createHash(hash).update(certificateDer).digest('hex');

		if (digest === value.replace(/:/g, '').toLowerCase()) {
			return true;
		}
	}

	return false;
}

export type DtlsSessionStats = {
	/** The peer's certificate did not match the signalled fingerprints. */
	fingerprintMismatches: number;
	handshakeMs: number | undefined;
};

export class DtlsSession {
	readonly role: 'client' | 'server';
	readonly stats: DtlsSessionStats = { fingerprintMismatches: 0, handshakeMs: undefined };
	readonly #listener: DtlsSessionListener;
	readonly #endpoint: DtlsEndpoint;
	readonly #remoteFingerprints: readonly DtlsRemoteFingerprint[];
	#state: DtlsSessionState = 'new';
	#timer: NodeJS.Timeout | undefined = undefined;
	#timerDeadline = 0;
	#startMs = 0;
	#remoteCertPem: string | undefined = undefined;

	constructor(options: DtlsSessionOptions, listener: DtlsSessionListener) {
		this.role = options.role;
		this.#listener = listener;
		this.#remoteFingerprints = options.remoteFingerprints;
		this.#endpoint = new DtlsEndpoint({
			role: options.role,
			certificate: options.certificate,
			srtpProfiles: options.srtpProfiles,
			mtu: options.mtu,
		});
	}

	get state(): DtlsSessionState {
		return this.#state;
	}

	get remoteCertPem(): string | undefined {
		return this.#remoteCertPem;
	}

	/** The endpoint's counters (decrypt failures, retransmissions...). */
	get endpointStats(): DtlsEndpoint['stats'] {
		return this.#endpoint.stats;
	}

	/** Starts the handshake (client: sends the ClientHello; server: waits for one). */
	start(): void {
		if (this.#state !== 'new') {
			return;
		}
		this.#startMs = performance.now();
		this.#setState('connecting');
		this.#endpoint.start(this.#startMs);
		this.#flush();
	}

	/** One DTLS datagram from the peer (RFC 7983 first byte 20-63). */
	handleDatagram(data: Buffer): void {
		if (this.#state !== 'connecting' && this.#state !== 'connected') {
			return;
		}
		this.#endpoint.handleDatagram(data, performance.now());
		this.#flush();
	}

	/** DTLS application data to the peer; false unless connected. */
	send(data: Uint8Array): boolean {
		if (this.#state !== 'connected') {
			return false;
		}

		const sent = this.#endpoint.send(data);

		this.#flush();

		return sent;
	}

	/** Sends close_notify when a handshake ran, stops the timer; no state event (the transport closes). */
	close(): void {
		this.#clearTimer();
		if (this.#state === 'closed' || this.#state === 'failed') {
			this.#state = 'closed';

			return;
		}
		this.#state = 'closed';
		this.#endpoint.close();
		// Send close_notify; drop the events (the transport is going away).
		for (let datagram = this.#endpoint.pollOutgoing(); datagram; datagram = this.#endpoint.pollOutgoing()) {
			this.#listener.send(datagram);
		}
	}

	#flush(): void {
		for (let datagram = this.#endpoint.pollOutgoing(); datagram; datagram = this.#endpoint.pollOutgoing()) {
			this.#listener.send(datagram);
		}

		for (let event = this.#endpoint.pollEvent(); event; event = this.#endpoint.pollEvent()) {
			switch (event.type) {
				case 'connected':
					this.#onConnected(event);
					break;

				case 'applicationData':
					if (this.#state === 'connected') {
						this.#listener.onApplicationData?.(event.data);
					}
					break;

				case 'closed':
					if (this.#state === 'connecting' || this.#state === 'connected') {
						// The peer's close_notify (answered by the endpoint): flush that answer.
						for (let d = this.#endpoint.pollOutgoing(); d; d = this.#endpoint.pollOutgoing()) {
							this.#listener.send(d);
						}
						this.#setState('closed');
					}
					break;

				case 'failed':
					for (let d = this.#endpoint.pollOutgoing(); d; d = this.#endpoint.pollOutgoing()) {
						this.#listener.send(d);
					}
					if (this.#state === 'connecting' || this.#state === 'connected') {
						this.#setState('failed');
					}
					break;

				default:
					break;
			}
		}

		this.#armTimer();
	}

	#onConnected(event: DtlsConnectedEvent): void {
		if (this.#state !== 'connecting') {
			return;
		}

		const certificate = event.peerCertificate;

		// RFC 8842 section 5: the certificate must match a signalled fingerprint.
		if (!certificate || !matchesFingerprints(certificate, this.#remoteFingerprints)) {
			this.stats.fingerprintMismatches++;
			this.#endpoint.close();
			for (let d = this.#endpoint.pollOutgoing(); d; d = this.#endpoint.pollOutgoing()) {
				this.#listener.send(d);
			}
			// The endpoint's own 'closed' event is ours to swallow: we report 'failed'.
			while (this.#endpoint.pollEvent()) {
				// drain
			}
			this.#setState('failed');

			return;
		}

		// RFC 5764 section 4.1.2: without a negotiated profile there is no SRTP: fail, as mediasoup.
		if (!event.srtp) {
			this.#endpoint.close();
			for (let d = this.#endpoint.pollOutgoing(); d; d = this.#endpoint.pollOutgoing()) {
				this.#listener.send(d);
			}
			while (this.#endpoint.pollEvent()) {
				// drain
			}
			this.#setState('failed');

			return;
		}

		try {
			this.#remoteCertPem = new X509Certificate(certificate).toString();
		} catch {
			this.#remoteCertPem = undefined;
		}

		const srtp = event.srtp;
		const suite = srtp.profileName as SrtpCryptoSuite;
		const send = new SrtpSession(suite, Buffer.concat([srtp.localKey, srtp.localSalt]));
		const recv = new SrtpSession(suite, Buffer.concat([srtp.remoteKey, srtp.remoteSalt]));

		this.stats.handshakeMs = performance.now() - this.#startMs;
		this.#listener.onSrtp(suite, send, recv);
		this.#setState('connected', this.#remoteCertPem);
	}

	#setState(state: DtlsSessionState, remoteCertPem?: string): void {
		if (this.#state === state) {
			return;
		}
		this.#state = state;
		if (state !== 'connecting' && state !== 'connected') {
			this.#clearTimer();
		}
		this.#listener.onStateChange(state, remoteCertPem);
	}

	#armTimer(): void {
		const deadline = this.#endpoint.nextTimeoutMs();

		if (deadline === undefined || (this.#state !== 'connecting' && this.#state !== 'connected')) {
			this.#clearTimer();

			return;
		}
		if (this.#timer && this.#timerDeadline === deadline) {
			return;
		}
		this.#clearTimer();
		this.#timerDeadline = deadline;
		this.#timer = setTimeout(
			() => {
				this.#timer = undefined;
				this.#endpoint.handleTimeout(performance.now());
				this.#flush();
			},
			Math.max(0, deadline - performance.now()),
		);
		this.#timer.unref();
	}

	#clearTimer(): void {
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
	}
}
