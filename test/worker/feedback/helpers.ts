export { prng } from '../../helpers/prng';

/** 10 Nov 1995 11:33:25.125 UTC: the instant of RFC 3550 section 6.4.1's RTT example. */
export const RFC3550_EXAMPLE_MS = Date.UTC(1995, 10, 10, 11, 33, 25, 125);
