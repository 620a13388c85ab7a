/** TLS 1.2 PRF and the secrets derived with it (RFC 5246 section 5, 8.1, 6.3; RFC 7627; RFC 5705). */
import { createHmac, createHash } from 'node:crypto';

export type PrfHash = 'sha256' | 'sha384';

/** RFC 5246 section 5: P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ... */
export function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Buffer {
	const out = Buffer.allocUnsafe(length);
	let a: Buffer = createHmac(hash, secret).update(seed).digest(); // A(1)
	let written = 0;
	while (written < length) {
		const block = createHmac(hash, secret).update(a).update(seed).digest();
		written += block.copy(out, written, 0, Math.min(block.length, length - written));
		if (written < length) a = createHmac(hash, secret).update(a).digest();
	}
	return out;
}

/** RFC 5246 section 5: PRF(secret, label, seed) = P_<hash>(secret, label + seed). */
export function prf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
	return pHash(hash, secret, Buffer.concat([Buffer.from(label, 'latin1'), seed]), length);
}

/** RFC 5246 section 8.1: master_secret = PRF(pre_master_secret, "master secret", client_random + server_random)[0..47]. */
export function masterSecret(hash: PrfHash, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Buffer {
	return prf(hash, preMaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}

/** RFC 7627 section 4: PRF(pre_master_secret, "extended master secret", session_hash)[0..47]. */
export function extendedMasterSecret(hash: PrfHash, preMaster: Uint8Array, sessionHash: Uint8Array): Buffer {
	return prf(hash, preMaster, 'extended master secret', sessionHash, 48);
}

export interface AeadKeys {
	clientWriteKey: Buffer;
	serverWriteKey: Buffer;
	/** RFC 5288 section 3: 4-byte implicit part of the GCM nonce (the "salt"). */
	clientWriteIv: Buffer;
	serverWriteIv: Buffer;
}

/**
 * RFC 5246 section 6.3: key_block = PRF(master_secret, "key expansion", server_random + client_random).
 * AEAD suites have no MAC keys (mac_key_length = 0), so the block is keys then fixed IVs.
 */
export function keyExpansion(hash: PrfHash, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, keyLength: number): AeadKeys {
	const ivLength = 4;
	const block = prf(hash, master, 'key expansion', Buffer.concat([serverRandom, clientRandom]), 2 * keyLength + 2 * ivLength);
	let o = 0;
	const take = (n: number): Buffer => {
		const b = Buffer.from(block.subarray(o, o + n));
		o += n;
		return b;
	};
	return { clientWriteKey: take(keyLength), serverWriteKey: take(keyLength), clientWriteIv: take(ivLength), serverWriteIv: take(ivLength) };
}

/** RFC 5246 section 7.4.9: verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
export function finishedVerifyData(hash: PrfHash, master: Uint8Array, label: 'client finished' | 'server finished', transcript: Uint8Array): Buffer {
	return prf(hash, master, label, createHash(hash).update(transcript).digest(), 12);
}

/**
 * RFC 5705 section 4: PRF(master_secret, label, client_random + server_random [+ context_length + context]).
 * RFC 5764 section 4.2 uses it without context, label "EXTRACTOR-dtls_srtp".
 */
export function exportKeyingMaterial(
	hash: PrfHash,
	master: Uint8Array,
	label: string,
	clientRandom: Uint8Array,
	serverRandom: Uint8Array,
	length: number,
	context?: Uint8Array
): Buffer {
	const parts: Uint8Array[] = [clientRandom, serverRandom];
	if (context !== undefined) {
		const len = Buffer.alloc(2);
		len.writeUInt16BE(context.length);
		parts.push(len, context);
	}
	return prf(hash, master, label, Buffer.concat(parts), length);
}
