/** Test helpers: a seeded PRNG and an in-memory lossy link between two associations, in simulated time. */
import type { SctpAssociation } from '../../../src/proto/sctp';

import { prng } from '../../helpers/prng';

export { prng };

export interface LinkOptions {
	seed?: number;
	/** Probability a packet is lost. */
	loss?: number;
	/** Probability a packet is delivered twice. */
	duplicate?: number;
	/** One-way delay and random extra delay (reordering), ms. */
	delayMs?: number;
	jitterMs?: number;
	/** Drop packets for which this returns true (after the random loss). */
	filter?: (from: 'a' | 'b', buf: Buffer) => boolean;
}

interface InFlight {
	at: number;
	seq: number;
	to: 'a' | 'b';
	buf: Buffer;
}

export class Link {
	now = 0;
	delivered = 0;
	lost = 0;
	private queue: InFlight[] = [];
	private seq = 0;
	private readonly rnd: () => number;

	constructor(
		readonly a: SctpAssociation,
		readonly b: SctpAssociation,
		readonly opts: LinkOptions = {},
	) {
		this.rnd = prng(opts.seed ?? 1);
	}

	private pump(): void {
		for (const [from, assoc] of [['a', this.a], ['b', this.b]] as const) {
			for (const buf of assoc.pollOutgoing()) {
				const to = from === 'a' ? 'b' : 'a';
				if (this.rnd() < (this.opts.loss ?? 0) || this.opts.filter?.(from, buf)) {
					this.lost++;
					continue;
				}
				const copies = this.rnd() < (this.opts.duplicate ?? 0) ? 2 : 1;
				for (let i = 0; i < copies; i++) {
					const at = this.now + (this.opts.delayMs ?? 5) + this.rnd() * (this.opts.jitterMs ?? 0);
					this.queue.push({ at, seq: this.seq++, to, buf });
				}
			}
		}
		this.queue.sort((x, y) => x.at - y.at || x.seq - y.seq);
	}

	/** Runs until done() is true or simulated time passes untilMs; returns whether done() held. */
	run(done: () => boolean, untilMs = this.now + 600_000, maxSteps = 5_000_000): boolean {
		for (let step = 0; step < maxSteps; step++) {
			this.pump();
			if (done()) return true;
			let next = Infinity;
			if (this.queue.length > 0) next = this.queue[0].at;
			const ta = this.a.nextTimeoutMs();
			const tb = this.b.nextTimeoutMs();
			if (ta !== undefined) next = Math.min(next, ta);
			if (tb !== undefined) next = Math.min(next, tb);
			if (next === Infinity || next > untilMs) {
				this.now = Math.max(this.now, Math.min(untilMs, next));
				return done();
			}
			this.now = Math.max(this.now, next);
			while (this.queue.length > 0 && this.queue[0].at <= this.now) {
				const p = this.queue.shift()!;
				this.delivered++;
				(p.to === 'a' ? this.a : this.b).handlePacket(p.buf, this.now);
			}
			if (ta !== undefined && ta <= this.now) this.a.handleTimeout(this.now);
			if (tb !== undefined && tb <= this.now) this.b.handleTimeout(this.now);
		}
		return done();
	}
}
