// mediasoup v1's errors module: InvalidStateError (and broth's UnsupportedError).
export { InvalidStateError, UnsupportedError } from '../api/errors';
