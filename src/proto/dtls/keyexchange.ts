/** ECDHE (RFC 8422, RFC 7748) and handshake signatures (RFC 5246 4.7, RFC 8446 4.2.3) on node:crypto. */
import {
	constants,
	createECDH,
	createPublicKey,
	diffieHellman,
	generateKeyPairSync,
	sign,
	verify,
	type ECDH,
	type KeyObject,
} from 'node:crypto';
import { NamedGroup, SIGNATURE_SCHEMES } from './constants';

/** DER SubjectPublicKeyInfo prefix of an X25519 key (RFC 8410 section 4): the 32 raw bytes follow. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

export interface EcdheKeyPair {
	group: number;
	/** Our public value as sent on the wire (RFC 8422 5.4 uncompressed point, RFC 8422 5.11 raw X25519). */
	publicKey: Buffer;
	/** The shared secret with the peer's public value, or undefined when that value is invalid. */
	computeSecret(peerPublic: Buffer): Buffer | undefined;
}

export function generateEcdhe(group: number): EcdheKeyPair | undefined {
	if (group === NamedGroup.x25519) {
		const { privateKey, publicKey } = generateKeyPairSync('x25519');
		const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length);
		return {
			group,
			publicKey: Buffer.from(raw),
			computeSecret(peer: Buffer): Buffer | undefined {
				if (peer.length !== 32) return undefined;
				try {
					const peerKey = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, peer]), format: 'der', type: 'spki' });
					const secret = diffieHellman({ privateKey, publicKey: peerKey });
					// RFC 7748 section 6.1 / RFC 8422 5.11: an all-zero result means a low-order point.
					if (secret.every((b) => b === 0)) return undefined;
					return secret;
				} catch {
					return undefined;
				}
			},
		};
	}
	if (group === NamedGroup.secp256r1) {
		const ecdh: ECDH = createECDH('prime256v1');
		const publicKey = ecdh.generateKeys();
		return {
			group,
			publicKey,
			computeSecret(peer: Buffer): Buffer | undefined {
				// RFC 8422 section 5.1.2: only the uncompressed form (0x04 | X | Y) is used.
				if (peer.length !== 65 || peer[0] !== 4) return undefined;
				try {
					return ecdh.computeSecret(peer); // throws for a point not on the curve
				} catch {
					return undefined;
				}
			},
		};
	}
	return undefined;
}

function pssOptions(key: KeyObject, hash: string): { key: KeyObject; padding: number; saltLength: number } {
	// RFC 8446 4.2.3: rsa_pss_rsae_* uses a salt as long as the digest.
	return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64 };
}

/** Signs with a scheme the key can use; undefined when it cannot. */
export function signWith(scheme: number, key: KeyObject, data: Buffer): Buffer | undefined {
	const info = SIGNATURE_SCHEMES.get(scheme);
	if (info === undefined || info.key !== key.asymmetricKeyType) return undefined;
	try {
		return info.pss ? sign(info.hash, data, pssOptions(key, info.hash)) : sign(info.hash, data, key);
	} catch {
		return undefined;
	}
}

/** Verifies a handshake signature; false for an unknown scheme, a key mismatch or a bad signature. */
export function verifyWith(scheme: number, key: KeyObject, data: Buffer, signature: Buffer): boolean {
	const info = SIGNATURE_SCHEMES.get(scheme);
	if (info === undefined || info.key !== key.asymmetricKeyType) return false;
	try {
		return info.pss ? verify(info.hash, data, pssOptions(key, info.hash), signature) : verify(info.hash, data, key, signature);
	} catch {
		return false;
	}
}

/** The scheme we sign with, chosen from the peer's list (our preference), for our key type. */
export function chooseSignatureScheme(keyType: 'ec' | 'rsa', peerSchemes: readonly number[] | undefined, preference: readonly number[]): number | undefined {
	// RFC 5246 7.4.1.4.1: without signature_algorithms the peer accepts {sha1, ...}; nobody
	// sends that any more, and we do not sign with SHA-1, so we fall back to SHA-256.
	for (const s of preference) {
		const info = SIGNATURE_SCHEMES.get(s);
		if (info === undefined || info.key !== keyType) continue;
		if (peerSchemes === undefined || peerSchemes.includes(s)) return s;
	}
	return undefined;
}
