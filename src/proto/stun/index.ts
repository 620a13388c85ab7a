export * from './constants';
export * from './address';
export { crc32 } from './crc32';
export { StunMessage, isStunMessage, parseStunMessage } from './message';
export { checkMessageIntegrity, checkFingerprint, computeMessageIntegrity, computeFingerprint } from './integrity';
export { buildStunMessage, type StunMessageInit, type StunBuildOptions } from './build';
export { buildBindingSuccessResponse, buildErrorResponse, type StunErrorResponseOptions } from './responses';
