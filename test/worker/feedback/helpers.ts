/** Seeded PRNG (mulberry32): reproducible traces. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** 10 Nov 1995 11:33:25.125 UTC: the instant of RFC 3550 section 6.4.1's RTT example. */
export const RFC3550_EXAMPLE_MS = Date.UTC(1995, 10, 10, 11, 33, 25, 125);
