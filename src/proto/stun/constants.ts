/** RFC 5389 section 6: fixed value that tells STUN apart from other protocols. */
export const STUN_MAGIC_COOKIE = 0x2112a442;
export const STUN_HEADER_LENGTH = 20;
/** RFC 5389 section 15.5: the CRC-32 is XORed with this so that other CRC users do not collide. */
export const STUN_FINGERPRINT_XOR = 0x5354554e;

/** Message classes, RFC 5389 section 6 (the C1/C0 bits). */
export const StunClass = {
	Request: 0,
	Indication: 1,
	SuccessResponse: 2,
	ErrorResponse: 3,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** Methods (12 bits). ICE only uses Binding. */
export const StunMethod = {
	Binding: 0x001,
} as const;

/** Attribute types (RFC 5389 section 18.2, RFC 8445 section 20.1, draft-thatcher-ice-renomination). */
export const StunAttribute = {
	MappedAddress: 0x0001,
	Username: 0x0006,
	MessageIntegrity: 0x0008,
	ErrorCode: 0x0009,
	UnknownAttributes: 0x000a,
	Realm: 0x0014,
	Nonce: 0x0015,
	XorMappedAddress: 0x0020,
	Priority: 0x0024,
	UseCandidate: 0x0025,
	Software: 0x8022,
	AlternateServer: 0x8023,
	Fingerprint: 0x8028,
	IceControlled: 0x8029,
	IceControlling: 0x802a,
	Nomination: 0xc001,
} as const;

/** Reason phrases RFC 5389 section 15.6 and RFC 8445 section 7.3.1.1 suggest. */
export const StunErrorReason: Readonly<Record<number, string>> = {
	300: 'Try Alternate',
	400: 'Bad Request',
	401: 'Unauthorized',
	420: 'Unknown Attribute',
	438: 'Stale Nonce',
	487: 'Role Conflict',
	500: 'Server Error',
};

/** RFC 5389 section 6: method bits M0-M11 are interleaved with the class bits C0 (bit 4) and C1 (bit 8). */
export function encodeMessageType(method: number, messageClass: StunClass): number {
	return (
		(method & 0x000f) |
		((method & 0x0070) << 1) |
		((method & 0x0f80) << 2) |
		((messageClass & 1) << 4) |
		((messageClass & 2) << 7)
	);
}

export function decodeMessageMethod(type: number): number {
	return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

export function decodeMessageClass(type: number): StunClass {
	return (((type >> 4) & 1) | ((type >> 7) & 2)) as StunClass;
}
