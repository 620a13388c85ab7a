import type { WorkerChannel } from '../channel';
import type { WorkerProcessSettings } from '../settings';

/** The DTLS identity of this worker (one per process, as in mediasoup). */
export type DtlsIdentity = {
	/** `[{ algorithm: 'sha-256', value: 'AB:CD:...' }, ...]` for sha-1/224/256/384/512. */
	fingerprints: { algorithm: string; value: string }[];
	/** Whatever the DTLS layer needs (certificate DER, private key, key type). */
	certificate: unknown;
};

/** What every engine object may reach: the channel, settings, identity. */
export type WorkerContext = {
	channel: WorkerChannel;
	settings: WorkerProcessSettings;
	identity: DtlsIdentity;
	/** Process-wide registries, for lookups by id across routers (e.g. webRtcServerId). */
	webRtcServers: Map<string, unknown>;
};
