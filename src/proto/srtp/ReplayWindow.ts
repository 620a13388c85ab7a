/**
 * Sliding replay window over packet indices (RFC 3711 section 3.3.2): the 48-bit SRTP index or
 * the 31-bit SRTCP index. A bitmap of `size` bits (a power of two, at least 64 as the RFC
 * requires) is used as a ring keyed by index modulo size.
 */
export class ReplayWindow {
	readonly size: number;
	private readonly bits: Uint32Array;
	/** Highest index accepted so far, -1 before the first. */
	private top: number;

	constructor(size = 1024) {
		if (!Number.isInteger(size) || size < 64 || (size & (size - 1)) !== 0 || size > 0x8000) {
			throw new TypeError('replay window size must be a power of two between 64 and 32768');
		}
		this.size = size;
		this.bits = new Uint32Array(size >>> 5);
		this.top = -1;
	}

	get highest(): number {
		return this.top;
	}

	/** True when `index` is new and not older than the window. Does not record it. */
	check(index: number): boolean {
		if (index > this.top) {
			return true;
		}
		if (this.top - index >= this.size) {
			return false;
		}
		// ToInt32 keeps the low 32 bits of indices up to 2^48, enough for the modulo.
		const bit = index & (this.size - 1);
		return (this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0;
	}

	/** Records `index` as received; call only after the packet authenticated. */
	accept(index: number): void {
		const size = this.size;
		if (index > this.top) {
			const ahead = index - this.top;
			if (ahead >= size || this.top < 0) {
				this.bits.fill(0);
			} else {
				for (let i = this.top + 1; i < index; i++) {
					const b = i & (size - 1);
					this.bits[b >>> 5] &= ~(1 << (b & 31));
				}
			}
			this.top = index;
		} else if (this.top - index >= size) {
			return;
		}
		const bit = index & (size - 1);
		this.bits[bit >>> 5] |= 1 << (bit & 31);
	}
}
