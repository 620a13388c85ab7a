/** SRTP keying for transports that do not use DTLS (plain and pipe transports). */
export type SrtpParameters = {
	/** Crypto suite (RFC 4568 / RFC 7714 names). */
	cryptoSuite: SrtpCryptoSuite;
	/** Master key followed by master salt, Base64 encoded. */
	keyBase64: string;
};

/** Supported SRTP crypto suites. */
export type SrtpCryptoSuite =
	| 'AEAD_AES_256_GCM'
	| 'AEAD_AES_128_GCM'
	| 'AES_CM_128_HMAC_SHA1_80'
	| 'AES_CM_128_HMAC_SHA1_32';
