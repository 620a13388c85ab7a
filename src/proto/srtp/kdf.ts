import { AesCmKeystream } from './AesCmKeystream.js';
import { SRTP_SUITES, type SrtpCryptoSuite } from './suites.js';

/** RFC 3711 section 4.3.2 key derivation labels. */
export const SRTP_LABEL = {
	rtpEncryption: 0x00,
	rtpAuthentication: 0x01,
	rtpSalt: 0x02,
	rtcpEncryption: 0x03,
	rtcpAuthentication: 0x04,
	rtcpSalt: 0x05,
} as const;

export interface SrtpSessionKeys {
	rtpKey: Buffer;
	rtpAuthKey: Buffer;
	rtpSalt: Buffer;
	rtcpKey: Buffer;
	rtcpAuthKey: Buffer;
	rtcpSalt: Buffer;
}

/**
 * One session key from the AES-CM PRF (RFC 3711 section 4.3.1/4.3.3) with key derivation
 * rate 0, so r = 0 and key_id = label << 48: x = key_id XOR master_salt puts the label in byte 7
 * of the 14-byte salt, and the PRF input block is x * 2^16. RFC 7714's 96-bit master salts are
 * right-padded with two zero bytes to 112 bits (section 11 feeds them to the same KDF;
 * libsrtp does the same).
 */
export function deriveKey(prf: AesCmKeystream, masterSalt: Buffer, label: number, length: number): Buffer {
	const iv = Buffer.alloc(16);
	masterSalt.copy(iv, 0, 0, Math.min(14, masterSalt.length));
	iv[7] ^= label;
	return Buffer.from(prf.generateFromIv(iv, length).subarray(0, length));
}

export function deriveSessionKeys(
	suite: SrtpCryptoSuite,
	masterKey: Buffer,
	masterSalt: Buffer,
): SrtpSessionKeys {
	const p = SRTP_SUITES[suite];
	const prf = new AesCmKeystream(masterKey);
	const none = Buffer.alloc(0);
	return {
		rtpKey: deriveKey(prf, masterSalt, SRTP_LABEL.rtpEncryption, p.masterKeyLength),
		rtpAuthKey: p.authKeyLength ? deriveKey(prf, masterSalt, SRTP_LABEL.rtpAuthentication, p.authKeyLength) : none,
		rtpSalt: deriveKey(prf, masterSalt, SRTP_LABEL.rtpSalt, p.sessionSaltLength),
		rtcpKey: deriveKey(prf, masterSalt, SRTP_LABEL.rtcpEncryption, p.masterKeyLength),
		rtcpAuthKey: p.authKeyLength ? deriveKey(prf, masterSalt, SRTP_LABEL.rtcpAuthentication, p.authKeyLength) : none,
		rtcpSalt: deriveKey(prf, masterSalt, SRTP_LABEL.rtcpSalt, p.sessionSaltLength),
	};
}
