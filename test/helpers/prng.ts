/** Seeded PRNG for reproducible generated and fuzz tests (mulberry32). Not a test file. */
export class Prng {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	/** Uniform 32-bit unsigned integer. */
	u32(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return (t ^ (t >>> 14)) >>> 0;
	}

	/** Integer in [0, n). */
	int(n: number): number {
		return this.u32() % n;
	}

	/** Integer in [lo, hi]. */
	range(lo: number, hi: number): number {
		return lo + this.int(hi - lo + 1);
	}

	bool(): boolean {
		return (this.u32() & 1) === 1;
	}

	bytes(n: number): Buffer {
		const b = Buffer.allocUnsafe(n);
		for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
		return b;
	}
}

/** The same generator as a function returning floats in [0, 1), for tests that take `() => number`. */
export function prng(seed: number): () => number {
	const p = new Prng(seed);
	return () => p.u32() / 4294967296;
}
