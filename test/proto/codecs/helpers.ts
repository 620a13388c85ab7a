// Shared test helpers for proto/codecs: a seeded PRNG, an out-of-range-read guard and a fuzz
// driver. Not a test file itself.

import * as assert from 'node:assert/strict';

import { prng } from '../../helpers/prng';

export { prng };

/**
 * Wraps bytes so that any read or write outside [0, length), and any property other than
 * `length` and indexes (e.g. Buffer methods), throws. Parsers promise to touch nothing else.
 */
export function guarded(bytes: Uint8Array): Uint8Array {
	return new Proxy(bytes, {
		get(target, prop) {
			if (prop === 'length') {
				return target.length;
			}

			if (typeof prop === 'string') {
				const i = Number(prop);

				if (Number.isInteger(i)) {
					if (i < 0 || i >= target.length) {
						throw new RangeError(`read at ${i} of ${target.length}`);
					}

					return target[i];
				}
			}

			throw new TypeError(`unexpected access to ${String(prop)}`);
		},
		set(target, prop, value) {
			const i = Number(prop);

			if (!Number.isInteger(i) || i < 0 || i >= target.length) {
				throw new RangeError(`write at ${String(prop)} of ${target.length}`);
			}

			target[i] = value;

			return true;
		},
	});
}

/** Calls `fn` on every proper prefix of `bytes` (lengths 0..n-1), guarded. */
export function forEachTruncation(bytes: Uint8Array, fn: (b: Uint8Array) => void): void {
	for (let n = 0; n < bytes.length; n++) {
		fn(guarded(bytes.slice(0, n)));
	}
}

/**
 * Feeds `count` inputs to `fn`: half random bytes, half mutations (bit flips, byte changes,
 * truncation, random tails) of the seeds. `fn` must not throw; the guard makes an
 * out-of-range read throw. Returns the number of inputs for which `fn` returned true-ish
 * (e.g. parsed), so tests can check the fuzzer reaches deep paths.
 */
export function fuzz(
	seed: number,
	count: number,
	seeds: Uint8Array[],
	fn: (b: Uint8Array) => unknown,
	maxLen = 64
): number {
	const rnd = prng(seed);
	let accepted = 0;

	for (let n = 0; n < count; n++) {
		let bytes: Uint8Array;

		if (n % 2 === 0 || seeds.length === 0) {
			bytes = new Uint8Array(Math.floor(rnd() * maxLen));

			for (let k = 0; k < bytes.length; k++) {
				bytes[k] = rnd() * 256;
			}
		} else {
			const base = seeds[Math.floor(rnd() * seeds.length)];
			const tail = rnd() < 0.2 ? Math.floor(rnd() * 8) : 0;

			bytes = new Uint8Array(base.length + tail);
			bytes.set(base);

			for (let k = base.length; k < bytes.length; k++) {
				bytes[k] = rnd() * 256;
			}

			const flips = 1 + Math.floor(rnd() * 4);

			for (let f = 0; f < flips && bytes.length > 0; f++) {
				const at = Math.floor(rnd() * bytes.length);

				if (rnd() < 0.7) {
					bytes[at] ^= 1 << Math.floor(rnd() * 8);
				} else {
					bytes[at] = rnd() * 256;
				}
			}

			if (rnd() < 0.3) {
				bytes = bytes.slice(0, Math.floor(rnd() * (bytes.length + 1)));
			}
		}

		let result: unknown;

		try {
			result = fn(guarded(bytes));
		} catch (error) {
			assert.fail(`input #${n} ${Buffer.from(bytes).toString('hex')} threw: ${String(error)}`);
		}

		if (result) {
			accepted++;
		}
	}

	return accepted;
}

/** Hex string (spaces allowed) to bytes. */
export function hex(s: string): Uint8Array {
	return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

/** MSB-first bit writer for building descriptors and SPSs. */
export class BitWriter {
	private readonly bits: number[] = [];

	f(n: number, v: number): this {
		for (let k = n - 1; k >= 0; k--) {
			this.bits.push(Math.floor(v / 2 ** k) & 1);
		}

		return this;
	}

	ue(v: number): this {
		const x = v + 1;
		const w = Math.floor(Math.log2(x));

		return this.f(w, 0).f(w + 1, x);
	}

	se(v: number): this {
		return this.ue(v > 0 ? 2 * v - 1 : -2 * v);
	}

	get length(): number {
		return this.bits.length;
	}

	/** Pads with zero bits to a whole byte (or to `bytes` bytes) and returns the bytes. */
	bytes(bytes?: number): Uint8Array {
		const n = bytes ?? Math.ceil(this.bits.length / 8);
		const out = new Uint8Array(n);

		for (let k = 0; k < this.bits.length && k < n * 8; k++) {
			out[k >> 3] |= this.bits[k] << (7 - (k & 7));
		}

		return out;
	}
}
