import type { StunAddressInit } from './address';
import { buildStunMessage } from './build';
import { StunClass, StunErrorReason } from './constants';
import type { StunMessage } from './message';

/**
 * RFC 8445 section 7.3.1 / RFC 5389 section 10.1.2: the Binding success response echoes the
 * transaction id, carries the source address of the request as XOR-MAPPED-ADDRESS, and is
 * authenticated with the same short-term password (ours) that authenticated the request, then
 * FINGERPRINT.
 */
export function buildBindingSuccessResponse(
	request: StunMessage,
	mappedAddress: StunAddressInit,
	password: string | Buffer,
	software?: string
): Buffer {
	return buildStunMessage(
		{
			method: request.method,
			messageClass: StunClass.SuccessResponse,
			transactionId: request.transactionId,
			xorMappedAddress: mappedAddress,
			software,
		},
		{ integrityKey: password, fingerprint: true }
	);
}

export interface StunErrorResponseOptions {
	/** Defaults to the RFC's phrase for the code. */
	reason?: string;
	/**
	 * Adds MESSAGE-INTEGRITY. RFC 5389 section 10.1.2: leave it out of 400 and 401 responses
	 * (the request could not be authenticated); 487 Role Conflict answers an authenticated check.
	 */
	password?: string | Buffer;
	/** For 420: the comprehension-required attributes not understood (RFC 5389 section 7.3.1). */
	unknownAttributes?: readonly number[];
	software?: string;
}

/** Error response to a request, with ERROR-CODE and FINGERPRINT. */
export function buildErrorResponse(request: StunMessage, errorCode: number, options: StunErrorResponseOptions = {}): Buffer {
	return buildStunMessage(
		{
			method: request.method,
			messageClass: StunClass.ErrorResponse,
			transactionId: request.transactionId,
			errorCode,
			errorReason: options.reason ?? StunErrorReason[errorCode] ?? '',
			unknownAttributes: options.unknownAttributes,
			software: options.software,
		},
		{ integrityKey: options.password, fingerprint: true }
	);
}
