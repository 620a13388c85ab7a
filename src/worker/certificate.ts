import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/** Hash functions of RFC 8122 section 5 that mediasoup lists in `dtlsParameters.fingerprints`. */
export type DtlsFingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

/** Same shape as mediasoup's `DtlsFingerprint`. */
export interface DtlsFingerprint {
	algorithm: DtlsFingerprintAlgorithm;
	/** Uppercase hex pairs separated by ':' (RFC 8122 section 5, as browsers print it). */
	value: string;
}

export interface DtlsCertificate {
	/** The certificate, DER, as sent in the DTLS Certificate message. */
	certificateDer: Buffer;
	certificatePem: string;
	privateKey: KeyObject;
	keyType: 'ec' | 'rsa';
	fingerprints: DtlsFingerprint[];
	/** True when generated at start, false when loaded from files. */
	generated: boolean;
}

export interface LoadCertificateOptions {
	/** mediasoup's `dtlsCertificateFile`: PEM (or DER) X.509 certificate. */
	certificateFile?: string;
	/** mediasoup's `dtlsPrivateKeyFile`: PEM (or DER) unencrypted EC or RSA private key. */
	privateKeyFile?: string;
}

/** Thrown when the configured certificate or key cannot be used; the message says why. */
export class DtlsCertificateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'DtlsCertificateError';
	}
}

const FINGERPRINT_HASHES: ReadonlyArray<[DtlsFingerprintAlgorithm, string]> = [
	['sha-1', 'sha1'],
	['sha-224', 'sha224'],
	['sha-256', 'sha256'],
	['sha-384', 'sha384'],
	['sha-512', 'sha512'],
];

/** Uppercase hex pairs joined with ':' (e.g. "AB:01:..."). */
export function formatFingerprint(digest: Uint8Array): string {
	let out = '';
	for (let i = 0; i < digest.length; i++) {
		if (i > 0) out += ':';
		out += digest[i].toString(16).toUpperCase().padStart(2, '0');
	}
	return out;
}

/** RFC 8122 section 5: the hash is over the DER form of the certificate. */
export function computeFingerprints(certificateDer: Uint8Array): DtlsFingerprint[] {
	return FINGERPRINT_HASHES.map(([algorithm, hash]) => ({
		algorithm,
		value: formatFingerprint(createHash(hash).update(certificateDer).digest()),
	}));
}

function toPem(der: Buffer): string {
	const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
	return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/**
 * Without files: a fresh self-signed ECDSA P-256 certificate, as browsers make for each
 * RTCPeerConnection (P-256 keeps the DTLS flight small, unlike RSA). With both files: loads and
 * checks them. Rejects with DtlsCertificateError and a message naming the file and the problem.
 */
export async function loadOrGenerateCertificate(options: LoadCertificateOptions = {}): Promise<DtlsCertificate> {
	const { certificateFile, privateKeyFile } = options;
	if (certificateFile === undefined && privateKeyFile === undefined) return generateCertificate();
	if (certificateFile === undefined || privateKeyFile === undefined) {
		throw new DtlsCertificateError(
			`dtlsCertificateFile and dtlsPrivateKeyFile must be given together (got only ${
				certificateFile === undefined ? 'dtlsPrivateKeyFile' : 'dtlsCertificateFile'
			})`
		);
	}
	return loadCertificate(certificateFile, privateKeyFile);
}

// Minimal DER (X.690) writer for the one certificate shape we generate. @peculiar/x509 is in
// package.json but cannot load here: it needs the reflect-metadata polyfill, which is not installed.
function derLength(n: number): Buffer {
	if (n < 0x80) return Buffer.from([n]);
	const bytes: number[] = [];
	for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
	return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
	const body = Buffer.concat(content);
	return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const derSequence = (...items: Buffer[]): Buffer => der(0x30, ...items);

function derUnsignedInteger(bytes: Buffer): Buffer {
	let i = 0;
	while (i < bytes.length - 1 && bytes[i] === 0) i++;
	const v = bytes.subarray(i);
	// A leading 1 bit would make it negative: prefix a zero byte.
	return der(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function derOid(dotted: string): Buffer {
	const parts = dotted.split('.').map(Number);
	const out: number[] = [40 * parts[0] + parts[1]];
	for (const p of parts.slice(2)) {
		const groups: number[] = [p & 0x7f];
		for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v & 0x7f));
		out.push(...groups);
	}
	return der(0x06, Buffer.from(out));
}

/** RFC 5280 section 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function derTime(date: Date): Buffer {
	const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
	const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
	const year = date.getUTCFullYear();
	return year < 2050 ? der(0x17, Buffer.from(digits.slice(2), 'ascii')) : der(0x18, Buffer.from(digits, 'ascii'));
}

const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';

/**
 * A fresh self-signed ECDSA P-256 certificate (v3, SHA-256 signature, CN=broth, random 64-bit
 * serial), the kind browsers generate for each RTCPeerConnection. Synchronous.
 */
export function generateCertificate(now: number = Date.now()): DtlsCertificate {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
	const serial = randomBytes(8);
	serial[0] &= 0x7f;
	serial[0] |= 0x01; // positive and non-zero (RFC 5280 section 4.1.2.2)
	const algorithm = derSequence(derOid(OID_ECDSA_WITH_SHA256));
	const name = derSequence(der(0x31, derSequence(derOid(OID_COMMON_NAME), der(0x0c, Buffer.from('broth', 'utf8')))));
	const tbs = derSequence(
		der(0xa0, der(0x02, Buffer.from([2]))), // [0] EXPLICIT version v3
		derUnsignedInteger(serial),
		algorithm,
		name,
		// A day back tolerates a peer's clock skew. Peers authenticate the certificate by its
		// fingerprint from signalling, not by dates, and a worker may run for months: long validity.
		derSequence(derTime(new Date(now - 24 * 3600 * 1000)), derTime(new Date(now + 10 * 365 * 24 * 3600 * 1000))),
		name,
		publicKey.export({ type: 'spki', format: 'der' })
	);
	// ECDSA-Sig-Value in DER, which is what node's sign() gives for EC keys by default.
	const signature = sign('sha256', tbs, privateKey);
	const certificateDer = derSequence(tbs, algorithm, der(0x03, Buffer.from([0]), signature));
	return {
		certificateDer,
		certificatePem: toPem(certificateDer),
		privateKey,
		keyType: 'ec',
		fingerprints: computeFingerprints(certificateDer),
		generated: true,
	};
}

function reason(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}

async function readSetting(setting: string, file: string): Promise<Buffer> {
	try {
		return await readFile(file);
	} catch (err) {
		const code = (err as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : reason(err);
		throw new DtlsCertificateError(`${setting} '${file}' cannot be read: ${why}`);
	}
}

function parsePrivateKey(data: Buffer): KeyObject {
	if (data.includes('-----BEGIN')) return createPrivateKey({ key: data, format: 'pem' });
	// DER carries no label: try PKCS#8, then the traditional SEC1 (EC) and PKCS#1 (RSA) forms.
	let first: unknown;
	for (const type of ['pkcs8', 'sec1', 'pkcs1'] as const) {
		try {
			return createPrivateKey({ key: data, format: 'der', type });
		} catch (err) {
			first ??= err;
		}
	}
	throw first;
}

async function loadCertificate(certificateFile: string, privateKeyFile: string): Promise<DtlsCertificate> {
	const [certData, keyData] = await Promise.all([
		readSetting('dtlsCertificateFile', certificateFile),
		readSetting('dtlsPrivateKeyFile', privateKeyFile),
	]);
	let cert: X509Certificate;
	try {
		cert = new X509Certificate(certData);
	} catch (err) {
		const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certData.toString('latin1'))
			? ' (it holds a private key: are the two files swapped?)'
			: '';
		throw new DtlsCertificateError(
			`dtlsCertificateFile '${certificateFile}' is not an X.509 certificate in PEM or DER${hint}: ${reason(err)}`
		);
	}
	let privateKey: KeyObject;
	try {
		privateKey = parsePrivateKey(keyData);
	} catch (err) {
		const text = keyData.toString('latin1');
		const hint = /-----BEGIN CERTIFICATE-----/.test(text)
			? ' (it holds a certificate: are the two files swapped?)'
			: /ENCRYPTED/.test(text)
				? ' (it is encrypted; give an unencrypted key)'
				: '';
		throw new DtlsCertificateError(
			`dtlsPrivateKeyFile '${privateKeyFile}' is not a private key in PEM or DER${hint}: ${reason(err)}`
		);
	}
	const keyType = privateKey.asymmetricKeyType;
	if (keyType !== 'ec' && keyType !== 'rsa') {
		throw new DtlsCertificateError(
			`dtlsPrivateKeyFile '${privateKeyFile}' holds a ${keyType ?? 'unknown'} key; DTLS needs an EC or RSA key`
		);
	}
	if (!cert.checkPrivateKey(privateKey)) {
		throw new DtlsCertificateError(
			`dtlsPrivateKeyFile '${privateKeyFile}' does not match the certificate in dtlsCertificateFile '${certificateFile}'`
		);
	}
	const certificateDer = cert.raw;
	return {
		certificateDer,
		certificatePem: toPem(certificateDer),
		privateKey,
		keyType,
		fingerprints: computeFingerprints(certificateDer),
		generated: false,
	};
}
