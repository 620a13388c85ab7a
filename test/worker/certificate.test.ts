import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	DtlsCertificateError,
	computeFingerprints,
	formatFingerprint,
	generateCertificate,
	loadOrGenerateCertificate,
	type DtlsCertificate,
} from '../../src/worker/certificate';

let dir = '';
const file = (name: string): string => join(dir, name);
const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(() => {
	dir = mkdtempSync(join(tmpdir(), 'broth-cert-'));
	// RSA, PKCS#8 key.
	openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('rsa.key'), '-out', file('rsa.crt'), '-subj', '/CN=rsa', '-days', '2');
	// RSA, traditional PKCS#1 key ("BEGIN RSA PRIVATE KEY").
	openssl('genrsa', '-traditional', '-out', file('rsa1.key'), '2048');
	openssl('req', '-x509', '-new', '-key', file('rsa1.key'), '-out', file('rsa1.crt'), '-subj', '/CN=rsa1', '-days', '2');
	// EC P-256, PKCS#8 key.
	openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file('ec.key'), '-out', file('ec.crt'), '-subj', '/CN=ec', '-days', '2');
	// EC P-384, traditional SEC1 key ("BEGIN EC PRIVATE KEY"), certificate in DER.
	openssl('ecparam', '-name', 'secp384r1', '-genkey', '-noout', '-out', file('ec1.key'));
	openssl('req', '-x509', '-new', '-key', file('ec1.key'), '-outform', 'DER', '-out', file('ec1.der'), '-subj', '/CN=ec1', '-days', '2');
	// Ed25519: a valid pair DTLS-SRTP with browsers cannot use.
	openssl('req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', file('ed.key'), '-out', file('ed.crt'), '-subj', '/CN=ed', '-days', '2');
	// Encrypted key.
	openssl('pkcs8', '-topk8', '-in', file('ec.key'), '-out', file('enc.key'), '-passout', 'pass:secret');
	writeFileSync(file('garbage'), 'this is not a certificate\n\x00\x01\x02');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** openssl's own fingerprint of a certificate file, e.g. for 'sha256'. */
function opensslFingerprint(certFile: string, hash: string, form = 'PEM'): string {
	const out = openssl('x509', '-inform', form, '-in', certFile, '-noout', '-fingerprint', `-${hash}`);
	return out.trim().split('=')[1];
}

function assertFingerprintsMatchOpenssl(cert: DtlsCertificate, certFile: string, form = 'PEM'): void {
	assert.deepEqual(
		cert.fingerprints.map((f) => f.algorithm),
		['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']
	);
	for (const f of cert.fingerprints) {
		assert.equal(f.value, opensslFingerprint(certFile, f.algorithm.replace('-', ''), form), f.algorithm);
	}
}

test('generated: self-signed ECDSA P-256 whose fingerprints match openssl x509 -fingerprint', async () => {
	const cert = await loadOrGenerateCertificate();
	assert.equal(cert.generated, true);
	assert.equal(cert.keyType, 'ec');
	assert.equal(cert.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
	writeFileSync(file('gen.crt'), cert.certificatePem);
	assertFingerprintsMatchOpenssl(cert, file('gen.crt'));
	// RFC 8122 section 5 form: uppercase hex pairs joined by ':'.
	const sha256 = cert.fingerprints.find((f) => f.algorithm === 'sha-256')!;
	assert.match(sha256.value, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
	// Self-signed, key matches, the key signs.
	const x = new X509Certificate(cert.certificateDer);
	assert.equal(x.verify(x.publicKey), true);
	assert.equal(x.checkPrivateKey(cert.privateKey), true);
	assert.equal(x.subject, 'CN=broth');
	assert.ok(new Date(x.validFrom).getTime() < Date.now());
	assert.ok(new Date(x.validTo).getTime() > Date.now() + 365 * 24 * 3600 * 1000);
	const data = Buffer.from('dtls');
	assert.equal(verify('sha256', data, createPublicKey(cert.privateKey), sign('sha256', data, cert.privateKey)), true);
	assert.match(openssl('verify', '-CAfile', file('gen.crt'), file('gen.crt')), /OK/);
	assert.match(openssl('x509', '-in', file('gen.crt'), '-noout', '-text'), /Version: 3[\s\S]*ecdsa-with-SHA256[\s\S]*prime256v1/);
});

test('generated: each call gives a new key and serial', () => {
	const a = generateCertificate();
	const b = generateCertificate();
	assert.notEqual(a.fingerprints[2].value, b.fingerprints[2].value);
	assert.notEqual(new X509Certificate(a.certificateDer).serialNumber, new X509Certificate(b.certificateDer).serialNumber);
});

test('generated: dates past 2049 are GeneralizedTime (RFC 5280 section 4.1.2.5)', () => {
	const cert = generateCertificate(Date.UTC(2045, 0, 1));
	const x = new X509Certificate(cert.certificateDer);
	assert.equal(new Date(x.validTo).getUTCFullYear(), 2054);
	assert.equal(x.verify(x.publicKey), true);
});

test('loads openssl-generated RSA and EC certificates and keys (PKCS#8, PKCS#1, SEC1, DER)', async () => {
	const cases: Array<[string, string, 'ec' | 'rsa', string]> = [
		['rsa.crt', 'rsa.key', 'rsa', 'PEM'],
		['rsa1.crt', 'rsa1.key', 'rsa', 'PEM'],
		['ec.crt', 'ec.key', 'ec', 'PEM'],
		['ec1.der', 'ec1.key', 'ec', 'DER'],
	];
	for (const [crt, key, keyType, form] of cases) {
		const cert = await loadOrGenerateCertificate({ certificateFile: file(crt), privateKeyFile: file(key) });
		assert.equal(cert.generated, false);
		assert.equal(cert.keyType, keyType, crt);
		assertFingerprintsMatchOpenssl(cert, file(crt), form);
		assert.match(cert.certificatePem, /^-----BEGIN CERTIFICATE-----\n/);
	}
});

async function rejects(options: { certificateFile?: string; privateKeyFile?: string }, message: RegExp): Promise<void> {
	await assert.rejects(loadOrGenerateCertificate(options), (err: unknown) => {
		assert.ok(err instanceof DtlsCertificateError, String(err));
		assert.match(err.message, message);
		return true;
	});
}

test('a key that does not match the certificate is refused', async () => {
	await rejects(
		{ certificateFile: file('rsa.crt'), privateKeyFile: file('ec.key') },
		/dtlsPrivateKeyFile '.*ec\.key' does not match the certificate in dtlsCertificateFile '.*rsa\.crt'/
	);
	await rejects({ certificateFile: file('rsa.crt'), privateKeyFile: file('rsa1.key') }, /does not match/);
});

test('missing files are refused with the setting name and path', async () => {
	await rejects(
		{ certificateFile: file('nope.crt'), privateKeyFile: file('ec.key') },
		/dtlsCertificateFile '.*nope\.crt' cannot be read: no such file/
	);
	await rejects(
		{ certificateFile: file('ec.crt'), privateKeyFile: file('nope.key') },
		/dtlsPrivateKeyFile '.*nope\.key' cannot be read: no such file/
	);
	await rejects({ certificateFile: dir, privateKeyFile: file('ec.key') }, /dtlsCertificateFile .* cannot be read/);
});

test('garbage, swapped, encrypted and unsupported inputs are refused with clear reasons', async () => {
	await rejects(
		{ certificateFile: file('garbage'), privateKeyFile: file('ec.key') },
		/dtlsCertificateFile '.*garbage' is not an X\.509 certificate/
	);
	await rejects(
		{ certificateFile: file('ec.crt'), privateKeyFile: file('garbage') },
		/dtlsPrivateKeyFile '.*garbage' is not a private key/
	);
	await rejects({ certificateFile: file('ec.key'), privateKeyFile: file('ec.crt') }, /are the two files swapped\?/);
	await rejects({ certificateFile: file('ec.crt'), privateKeyFile: file('enc.key') }, /encrypted/);
	await rejects({ certificateFile: file('ed.crt'), privateKeyFile: file('ed.key') }, /ed25519 key; DTLS needs an EC or RSA key/);
	await rejects({ certificateFile: file('ec.crt') }, /must be given together \(got only dtlsCertificateFile\)/);
	await rejects({ privateKeyFile: file('ec.key') }, /must be given together \(got only dtlsPrivateKeyFile\)/);
});

test('formatFingerprint and computeFingerprints', () => {
	assert.equal(formatFingerprint(Buffer.from([0x00, 0x0a, 0xff])), '00:0A:FF');
	const fps = computeFingerprints(Buffer.from('abc'));
	// FIPS 180 "abc" SHA-1 vector.
	assert.equal(fps[0].value, 'A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D');
});
