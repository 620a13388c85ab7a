// DTLS 1.2 costs: full handshakes between two in-process endpoints (client and server CPU both
// counted, one core), and application-data records sealed and opened after it.
// Run alone: node dist/bench/proto-dtls.js
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtlsEndpoint, type DtlsEndpointOptions, type DtlsLocalCertificate } from '../src/proto/dtls';
import { generateCertificate } from '../src/worker/certificate';

function rsaCertificate(): DtlsLocalCertificate | undefined {
	const dir = mkdtempSync(join(tmpdir(), 'broth-bench-dtls-'));
	try {
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		writeFileSync(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
		execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'k.pem'), '-outform', 'DER', '-out', join(dir, 'c.der'), '-days', '1', '-subj', '/CN=bench'], { stdio: 'ignore' });
		return { certificateDer: readFileSync(join(dir, 'c.der')), privateKey, keyType: 'rsa' };
	} catch {
		return undefined; // no openssl binary: skip the RSA line
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function handshake(client: DtlsEndpoint, server: DtlsEndpoint): boolean {
	client.start(0);
	for (let i = 0; i < 20; i++) {
		for (let d = client.pollOutgoing(); d !== undefined; d = client.pollOutgoing()) server.handleDatagram(d, 0);
		for (let d = server.pollOutgoing(); d !== undefined; d = server.pollOutgoing()) client.handleDatagram(d, 0);
		if (client.state === 'connected' && server.state === 'connected') return true;
	}
	return false;
}

function measureHandshakes(name: string, seconds: number, clientOpts: Omit<DtlsEndpointOptions, 'role'>, serverOpts: Omit<DtlsEndpointOptions, 'role'>): void {
	for (let i = 0; i < 20; i++) handshake(new DtlsEndpoint({ role: 'client', ...clientOpts }), new DtlsEndpoint({ role: 'server', ...serverOpts }));
	let n = 0;
	let ok = 0;
	const start = process.hrtime.bigint();
	const limit = BigInt(Math.round(seconds * 1e9));
	while (process.hrtime.bigint() - start < limit) {
		if (handshake(new DtlsEndpoint({ role: 'client', ...clientOpts }), new DtlsEndpoint({ role: 'server', ...serverOpts }))) ok++;
		n++;
	}
	const s = Number(process.hrtime.bigint() - start) / 1e9;
	console.log(`${name.padEnd(58)} ${(n / s).toFixed(0).padStart(6)} handshakes/s  ${((s / n) * 1e3).toFixed(2)} ms each  (${n}, ${ok === n ? 'ok' : 'FAILED'})`);
}

function measureRecords(size: number, iterations: number): void {
	const client = new DtlsEndpoint({ role: 'client', certificate: generateCertificate() });
	const server = new DtlsEndpoint({ role: 'server', certificate: generateCertificate() });
	handshake(client, server);
	while (server.pollEvent()) {} // the 'connected' event
	const payload = Buffer.alloc(size, 7);
	let got = 0;
	const start = process.hrtime.bigint();
	for (let i = 0; i < iterations; i++) {
		client.send(payload);
		server.handleDatagram(client.pollOutgoing()!, 0);
		if (server.pollEvent()?.type === 'applicationData') got++;
	}
	const ns = Number(process.hrtime.bigint() - start) / iterations;
	console.log(`${`application data ${size} B: seal + open (AES-128-GCM)`.padEnd(58)} ${ns.toFixed(0).padStart(6)} ns/record  (${iterations}, ${got === iterations ? 'ok' : 'FAILED'})`);
}

export function run(): void {
	console.log(`proto-dtls: in-process DTLS 1.2 handshakes (both ends on one thread), Node ${process.version}`);
	const ec = { certificate: generateCertificate() };
	const ec2 = { certificate: generateCertificate() };
	measureHandshakes('ECDSA P-256 certs, X25519, HelloVerifyRequest, mutual auth', 2, ec, ec2);
	measureHandshakes('ECDSA P-256 certs, P-256 ECDHE, no cookie, mutual auth', 2, { ...ec, groups: [0x17] }, { ...ec2, helloVerify: false });
	const rsa = rsaCertificate();
	if (rsa) measureHandshakes('RSA-2048 certs, X25519, AES-256-GCM, mutual auth', 2, { certificate: rsa, cipherSuites: [0xc030] }, { certificate: rsa });
	measureRecords(100, 100_000);
	measureRecords(1100, 50_000);
}

if (require.main === module) run();
