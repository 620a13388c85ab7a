/**
 * The SRTP crypto suites mediasoup negotiates, with their key material sizes.
 * Master key and salt lengths: RFC 3711 section 8.2 (AES-CM, 128-bit key, 112-bit salt) and
 * RFC 7714 section 12 (AEAD_AES_*_GCM, 96-bit salt).
 */
export type SrtpCryptoSuite =
	| 'AES_CM_128_HMAC_SHA1_80'
	| 'AES_CM_128_HMAC_SHA1_32'
	| 'AEAD_AES_128_GCM'
	| 'AEAD_AES_256_GCM';

export interface SrtpSuiteParams {
	readonly name: SrtpCryptoSuite;
	readonly aead: boolean;
	readonly masterKeyLength: number;
	readonly masterSaltLength: number;
	/** Session salt length; equals the master salt length for every suite here. */
	readonly sessionSaltLength: number;
	/** HMAC-SHA1 session key length (RFC 3711 section 8.2: 160 bits); 0 for AEAD. */
	readonly authKeyLength: number;
	readonly rtpTagLength: number;
	/**
	 * SRTCP always carries an 80-bit tag with the HMAC suites, even with _32 (RFC 4568
	 * section 6.2.1: the short tag applies to SRTP only; libsrtp and ffmpeg agree).
	 */
	readonly rtcpTagLength: number;
}

export const SRTP_SUITES: Readonly<Record<SrtpCryptoSuite, SrtpSuiteParams>> = {
	AES_CM_128_HMAC_SHA1_80: {
		name: 'AES_CM_128_HMAC_SHA1_80', aead: false, masterKeyLength: 16, masterSaltLength: 14,
		sessionSaltLength: 14, authKeyLength: 20, rtpTagLength: 10, rtcpTagLength: 10,
	},
	AES_CM_128_HMAC_SHA1_32: {
		name: 'AES_CM_128_HMAC_SHA1_32', aead: false, masterKeyLength: 16, masterSaltLength: 14,
		sessionSaltLength: 14, authKeyLength: 20, rtpTagLength: 4, rtcpTagLength: 10,
	},
	AEAD_AES_128_GCM: {
		name: 'AEAD_AES_128_GCM', aead: true, masterKeyLength: 16, masterSaltLength: 12,
		sessionSaltLength: 12, authKeyLength: 0, rtpTagLength: 16, rtcpTagLength: 16,
	},
	AEAD_AES_256_GCM: {
		name: 'AEAD_AES_256_GCM', aead: true, masterKeyLength: 32, masterSaltLength: 12,
		sessionSaltLength: 12, authKeyLength: 0, rtpTagLength: 16, rtcpTagLength: 16,
	},
};

export function isSrtpCryptoSuite(value: unknown): value is SrtpCryptoSuite {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(SRTP_SUITES, value);
}

/**
 * Splits key material as mediasoup passes it (`keyBase64`: base64 of master key || master
 * salt; a Buffer is taken as the raw bytes). Throws TypeError: this is configuration, not
 * network input.
 */
export function parseMasterKey(
	suite: SrtpCryptoSuite,
	keyMaterial: Buffer | Uint8Array | string,
): { masterKey: Buffer; masterSalt: Buffer } {
	const params = SRTP_SUITES[suite];
	if (!params) {
		throw new TypeError(`unknown SRTP crypto suite ${String(suite)}`);
	}
	let raw: Buffer;
	if (typeof keyMaterial === 'string') {
		if (!/^[A-Za-z0-9+/]*={0,2}$/.test(keyMaterial)) {
			throw new TypeError('SRTP key is not valid base64');
		}
		raw = Buffer.from(keyMaterial, 'base64');
	} else if (keyMaterial instanceof Uint8Array) {
		raw = Buffer.from(keyMaterial);
	} else {
		throw new TypeError('SRTP key must be a base64 string or a Buffer');
	}
	const expected = params.masterKeyLength + params.masterSaltLength;
	if (raw.length !== expected) {
		throw new TypeError(`${suite} needs ${expected} bytes of master key and salt, got ${raw.length}`);
	}
	return {
		masterKey: raw.subarray(0, params.masterKeyLength),
		masterSalt: raw.subarray(params.masterKeyLength),
	};
}
