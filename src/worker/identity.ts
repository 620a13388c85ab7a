import type { WorkerProcessSettings } from './settings';
import type { DtlsIdentity } from './engine/context';
import { loadOrGenerateCertificate } from './certificate';

/**
 * The worker's DTLS identity: the configured certificate and key, or a fresh
 * self-signed ECDSA P-256 certificate (as browsers make) when none is given.
 */
export async function loadOrGenerateIdentity(settings: WorkerProcessSettings): Promise<DtlsIdentity> {
	const certificate = await loadOrGenerateCertificate({
		certificateFile: settings.dtlsCertificateFile,
		privateKeyFile: settings.dtlsPrivateKeyFile,
	});

	return { fingerprints: certificate.fingerprints, certificate };
}
