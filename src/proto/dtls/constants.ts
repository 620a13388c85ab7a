/** Wire constants of DTLS 1.2 (RFC 6347, RFC 5246 and the extension RFCs each line cites). */

/** RFC 5246 section 6.2.1 ContentType. */
export const ContentType = {
	ChangeCipherSpec: 20,
	Alert: 21,
	Handshake: 22,
	ApplicationData: 23,
} as const;

/** RFC 6347 section 4.1: DTLS 1.2 is {254, 253}; DTLS 1.0 is {254, 255}. */
export const DTLS1_2 = 0xfefd;
export const DTLS1_0 = 0xfeff;

/** RFC 5246 section 7.4 and RFC 6347 section 4.3.2 HandshakeType. */
export const HandshakeType = {
	HelloRequest: 0,
	ClientHello: 1,
	ServerHello: 2,
	HelloVerifyRequest: 3,
	Certificate: 11,
	ServerKeyExchange: 12,
	CertificateRequest: 13,
	ServerHelloDone: 14,
	CertificateVerify: 15,
	ClientKeyExchange: 16,
	Finished: 20,
} as const;

/** RFC 5246 section 7.2 AlertDescription (the ones we send or name). */
export const AlertDescription = {
	CloseNotify: 0,
	UnexpectedMessage: 10,
	BadRecordMac: 20,
	HandshakeFailure: 40,
	BadCertificate: 42,
	UnsupportedCertificate: 43,
	CertificateUnknown: 46,
	IllegalParameter: 47,
	DecodeError: 50,
	DecryptError: 51,
	ProtocolVersion: 70,
	InsufficientSecurity: 71,
	InternalError: 80,
	NoRenegotiation: 100,
	UnsupportedExtension: 110,
} as const;

export const AlertLevel = { Warning: 1, Fatal: 2 } as const;

/** Extension types (IANA TLS ExtensionType registry). */
export const ExtensionType = {
	SupportedGroups: 10, // RFC 8422 section 5.1.1
	EcPointFormats: 11, // RFC 8422 section 5.1.2
	SignatureAlgorithms: 13, // RFC 5246 section 7.4.1.4.1
	UseSrtp: 14, // RFC 5764 section 4.1.1
	ExtendedMasterSecret: 23, // RFC 7627 section 5.1
	SupportedVersions: 43, // RFC 8446 section 4.2.1 (DTLS 1.3 offers; ignored)
	RenegotiationInfo: 0xff01, // RFC 5746 section 3.2
} as const;

/** RFC 5746 section 3.3: the signalling cipher suite value stands for an empty renegotiation_info. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** Named groups (RFC 8422 section 5.1.1, RFC 7748). */
export const NamedGroup = { secp256r1: 0x0017, x25519: 0x001d } as const;
export type NamedGroupId = (typeof NamedGroup)[keyof typeof NamedGroup];

/** SignatureScheme / SignatureAndHashAlgorithm values (RFC 5246 7.4.1.4.1, RFC 8446 4.2.3). */
export const SignatureScheme = {
	rsa_pkcs1_sha256: 0x0401,
	rsa_pkcs1_sha384: 0x0501,
	rsa_pkcs1_sha512: 0x0601,
	ecdsa_secp256r1_sha256: 0x0403,
	ecdsa_secp384r1_sha384: 0x0503,
	ecdsa_secp521r1_sha512: 0x0603,
	rsa_pss_rsae_sha256: 0x0804,
	rsa_pss_rsae_sha384: 0x0805,
	rsa_pss_rsae_sha512: 0x0806,
} as const;

export interface SignatureSchemeInfo {
	hash: 'sha256' | 'sha384' | 'sha512';
	key: 'ec' | 'rsa';
	pss: boolean;
}

export const SIGNATURE_SCHEMES: ReadonlyMap<number, SignatureSchemeInfo> = new Map([
	[SignatureScheme.ecdsa_secp256r1_sha256, { hash: 'sha256', key: 'ec', pss: false }],
	[SignatureScheme.ecdsa_secp384r1_sha384, { hash: 'sha384', key: 'ec', pss: false }],
	[SignatureScheme.ecdsa_secp521r1_sha512, { hash: 'sha512', key: 'ec', pss: false }],
	[SignatureScheme.rsa_pkcs1_sha256, { hash: 'sha256', key: 'rsa', pss: false }],
	[SignatureScheme.rsa_pkcs1_sha384, { hash: 'sha384', key: 'rsa', pss: false }],
	[SignatureScheme.rsa_pkcs1_sha512, { hash: 'sha512', key: 'rsa', pss: false }],
	[SignatureScheme.rsa_pss_rsae_sha256, { hash: 'sha256', key: 'rsa', pss: true }],
	[SignatureScheme.rsa_pss_rsae_sha384, { hash: 'sha384', key: 'rsa', pss: true }],
	[SignatureScheme.rsa_pss_rsae_sha512, { hash: 'sha512', key: 'rsa', pss: true }],
] as const);

/** What we offer in signature_algorithms and CertificateRequest, most preferred first. */
export const OFFERED_SIGNATURE_SCHEMES: readonly number[] = [
	SignatureScheme.ecdsa_secp256r1_sha256,
	SignatureScheme.rsa_pss_rsae_sha256,
	SignatureScheme.rsa_pkcs1_sha256,
	SignatureScheme.ecdsa_secp384r1_sha384,
	SignatureScheme.rsa_pss_rsae_sha384,
	SignatureScheme.rsa_pkcs1_sha384,
	SignatureScheme.rsa_pss_rsae_sha512,
	SignatureScheme.rsa_pkcs1_sha512,
	SignatureScheme.ecdsa_secp521r1_sha512,
];

/** RFC 5246 section 7.4.4 ClientCertificateType. */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** The four ECDHE AES-GCM suites (RFC 5289 section 3.2). */
export const CipherSuite = {
	TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
	TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
	TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
	TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 0xc030,
} as const;
export type CipherSuiteId = (typeof CipherSuite)[keyof typeof CipherSuite];

export interface CipherSuiteInfo {
	id: CipherSuiteId;
	name: keyof typeof CipherSuite;
	/** Certificate key the suite authenticates with. */
	auth: 'ec' | 'rsa';
	/** RFC 5288 section 3: AES-GCM key length. */
	keyLength: 16 | 32;
	/** PRF hash (RFC 5289 section 3.2: the _SHA256/_SHA384 suffix names it). */
	prfHash: 'sha256' | 'sha384';
}

export const CIPHER_SUITES: ReadonlyMap<number, CipherSuiteInfo> = new Map<number, CipherSuiteInfo>([
	[0xc02b, { id: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', auth: 'ec', keyLength: 16, prfHash: 'sha256' }],
	[0xc02c, { id: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', auth: 'ec', keyLength: 32, prfHash: 'sha384' }],
	[0xc02f, { id: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', auth: 'rsa', keyLength: 16, prfHash: 'sha256' }],
	[0xc030, { id: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', auth: 'rsa', keyLength: 32, prfHash: 'sha384' }],
]);

/** RFC 5764 section 4.1.2 and RFC 7714 section 14.2 SRTPProtectionProfile values. */
export const SrtpProtectionProfile = {
	SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
	SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
	SRTP_AEAD_AES_128_GCM: 0x0007,
	SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;

export type SrtpProfileName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM';

export interface SrtpProfileInfo {
	id: number;
	/** mediasoup's SrtpCryptoSuite name for the profile. */
	name: SrtpProfileName;
	/** Master key and salt lengths (RFC 5764 4.1.2, RFC 7714 section 12). */
	keyLength: number;
	saltLength: number;
}

export const SRTP_PROFILES: ReadonlyMap<number, SrtpProfileInfo> = new Map<number, SrtpProfileInfo>([
	[0x0001, { id: 0x0001, name: 'AES_CM_128_HMAC_SHA1_80', keyLength: 16, saltLength: 14 }],
	[0x0002, { id: 0x0002, name: 'AES_CM_128_HMAC_SHA1_32', keyLength: 16, saltLength: 14 }],
	[0x0007, { id: 0x0007, name: 'AEAD_AES_128_GCM', keyLength: 16, saltLength: 12 }],
	[0x0008, { id: 0x0008, name: 'AEAD_AES_256_GCM', keyLength: 32, saltLength: 12 }],
]);

/** mediasoup's order (DtlsTransport srtpCryptoSuites): strongest first. */
export const DEFAULT_SRTP_PROFILES: readonly number[] = [0x0008, 0x0007, 0x0001, 0x0002];
export const DEFAULT_CIPHER_SUITES: readonly number[] = [0xc02b, 0xc02f, 0xc02c, 0xc030];
export const DEFAULT_GROUPS: readonly NamedGroupId[] = [NamedGroup.x25519, NamedGroup.secp256r1];
