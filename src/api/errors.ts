/**
 * Thrown (or used to reject) when something is not supported, e.g. a codec
 * the router does not have. Same name and shape as mediasoup's.
 */
export class UnsupportedError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UnsupportedError';
		Error.captureStackTrace?.(this, UnsupportedError);
	}
}

/**
 * Thrown when a method is called on an object in a state that forbids it
 * (e.g. a request to a closed worker).
 */
export class InvalidStateError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidStateError';
		Error.captureStackTrace?.(this, InvalidStateError);
	}
}
