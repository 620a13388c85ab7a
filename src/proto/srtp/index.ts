export { SrtpSession, SrtpFailure, SrtpOutput, type SrtpFailureCode, type SrtpSessionOptions } from './SrtpSession.js';
export { SRTP_SUITES, isSrtpCryptoSuite, parseMasterKey, type SrtpCryptoSuite, type SrtpSuiteParams } from './suites.js';
export { deriveSessionKeys, deriveKey, SRTP_LABEL, type SrtpSessionKeys } from './kdf.js';
export { AesCmKeystream, PacketKeystream, xorInPlace } from './AesCmKeystream.js';
export { HmacSha1, sha1Compress } from './HmacSha1.js';
export { ReplayWindow } from './ReplayWindow.js';
export { estimateRoc, RtpStreamState } from './rollover.js';
export { rtpHeaderLength } from './rtpHeader.js';
