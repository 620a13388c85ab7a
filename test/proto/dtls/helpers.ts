/** In-process plumbing between two DtlsEndpoints with a simulated clock and seeded loss. Not a test file. */
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtlsEndpoint, type DtlsEvent, type DtlsLocalCertificate } from '../../../src/proto/dtls/index.js';
import { generateCertificate } from '../../../src/worker/certificate.js';
import { Prng } from '../../helpers/prng.js';

export function ecCertificate(): DtlsLocalCertificate {
	return generateCertificate();
}

let rsaCache: DtlsLocalCertificate | undefined;
/** A self-signed RSA-2048 certificate made by openssl (our own generator only does ECDSA). */
export function rsaCertificate(): DtlsLocalCertificate {
	if (rsaCache !== undefined) return rsaCache;
	const dir = mkdtempSync(join(tmpdir(), 'broth-dtls-rsa-'));
	try {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
		require('node:fs').writeFileSync(join(dir, 'key.pem'), keyPem);
		execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'key.pem'), '-out', join(dir, 'cert.der'), '-outform', 'DER', '-days', '30', '-subj', '/CN=broth-rsa'], { stdio: 'ignore' });
		rsaCache = { certificateDer: readFileSync(join(dir, 'cert.der')), privateKey, keyType: 'rsa' };
		return rsaCache;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

export interface PairResult {
	clientEvents: DtlsEvent[];
	serverEvents: DtlsEvent[];
	nowMs: number;
	datagrams: number;
}

export function drainEvents(e: DtlsEndpoint, into: DtlsEvent[]): void {
	for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent()) into.push(ev);
}

/**
 * Runs client and server until both are connected (or failed, or the simulated deadline passes),
 * dropping each datagram with probability `loss` and optionally shuffling each batch.
 */
export function runPair(
	client: DtlsEndpoint,
	server: DtlsEndpoint,
	opts: { loss?: number; seed?: number; reorder?: boolean; maxMs?: number; mutate?: (d: Buffer, from: 'client' | 'server') => Buffer[] } = {}
): PairResult {
	const prng = new Prng(opts.seed ?? 1);
	const loss = opts.loss ?? 0;
	const clientEvents: DtlsEvent[] = [];
	const serverEvents: DtlsEvent[] = [];
	let now = 0;
	let datagrams = 0;
	client.start(now);
	const done = (): boolean =>
		(client.state === 'connected' || client.state === 'failed' || client.state === 'closed') &&
		(server.state === 'connected' || server.state === 'failed' || server.state === 'closed');
	const maxMs = opts.maxMs ?? 600_000;
	for (let iter = 0; iter < 100_000 && now <= maxMs; iter++) {
		let moved = false;
		for (const [from, to, name] of [
			[client, server, 'client'],
			[server, client, 'server'],
		] as const) {
			const batch: Buffer[] = [];
			for (let d = from.pollOutgoing(); d !== undefined; d = from.pollOutgoing()) batch.push(d);
			if (opts.reorder) for (let i = batch.length - 1; i > 0; i--) { const j = prng.int(i + 1); [batch[i], batch[j]] = [batch[j], batch[i]]; }
			for (const d of batch) {
				moved = true;
				datagrams++;
				if (loss > 0 && prng.u32() / 2 ** 32 < loss) continue;
				for (const x of opts.mutate ? opts.mutate(d, name) : [d]) to.handleDatagram(x, now);
			}
		}
		drainEvents(client, clientEvents);
		drainEvents(server, serverEvents);
		if (done() && !moved) break;
		if (!moved) {
			const t = [client.nextTimeoutMs(), server.nextTimeoutMs()].filter((x): x is number => x !== undefined);
			if (t.length === 0) break;
			now = Math.max(now, Math.min(...t));
			client.handleTimeout(now);
			server.handleTimeout(now);
		}
	}
	drainEvents(client, clientEvents);
	drainEvents(server, serverEvents);
	return { clientEvents, serverEvents, nowMs: now, datagrams };
}
