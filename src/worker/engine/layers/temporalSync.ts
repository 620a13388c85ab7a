/**
 * Which temporal layers a receiver can decode from where it stands, one bit per layer
 * (mediasoup keeps only a current temporal layer; a bit per layer also covers jumps over a
 * layer, e.g. a VP8 TL2 layer-sync frame forwarded before the next TL1 one).
 *
 * A layer is in sync once the receiver got a frame of it that depends on nothing of that layer
 * or above (a key frame, a VP8 Y frame, a VP9 U frame) and every later frame of it since; a
 * dropped frame that others may reference (not VP8 N) takes its layer out of sync. Frames of a
 * layer in sync whose lower layers are all in sync are decodable; the current layer is the
 * highest such one.
 */
export class TemporalSync {
	mask = 0;

	clear(): void {
		this.mask = 0;
	}

	/** A key frame: every layer starts over from it. */
	keyFrame(): void {
		this.mask = 0xff;
	}

	/** Whether layers 0..t are all in sync. */
	upTo(t: number): boolean {
		const need = (1 << (t + 1)) - 1;

		return (this.mask & need) === need;
	}

	add(t: number): void {
		this.mask |= 1 << t;
	}

	remove(t: number): void {
		this.mask &= ~(1 << t);
	}

	/** The highest layer <= `max` with every layer up to it in sync; -1 when layer 0 is not. */
	current(max: number): number {
		let t = -1;

		while (t < max && (this.mask & (1 << (t + 1))) !== 0) {
			t++;
		}

		return t;
	}
}
