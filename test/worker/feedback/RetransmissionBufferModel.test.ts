// Seeded model check of RetransmissionBuffer: random traffic (gaps, reordering, jumps past the
// window, the 16-bit wrap, bursts, pauses), store() and storeShared() mixed, NACKs, get(),
// clear() and RTT changes, against a plain Map-based model of the documented behaviour.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GenericNack } from '../../../src/proto/rtcp/nack';
import {
	RETRANSMISSION_DEFAULT_RTT_MS,
	RetransmissionBuffer,
	sharedPacketStore,
	type PayloadPatch,
	type RetransmissionItem,
} from '../../../src/worker/feedback/RetransmissionBuffer';
import { Prng } from '../../helpers/prng';

const RTT_FACTOR = 4;
/** sharedPacketStore's largest packet. */
const SHARED_MAX_SIZE = 1500;

interface ModelItem {
	ext: number;
	storedAtMs: number;
	resentAtMs: number;
	sentTimes: number;
	bytes: Buffer;
	shared: boolean;
	timestamp: number;
	patch: PayloadPatch | undefined;
}

class Model {
	readonly capacity: number;
	readonly maxAgeMs: number;
	readonly minAgeMs: number;
	readonly maxPacketSize: number;
	ageLimitMs: number;
	rttMs = 0;
	nackDelayMs = 0;
	started = false;
	newestExt = 0;
	newestSeq = 0;
	readonly items = new Map<number, ModelItem>();
	packetsTooBig = 0;
	resend: ModelItem[] = [];
	missing: number[] = [];
	throttled: number[] = [];

	constructor(maxPackets: number, maxAgeMs: number, minAgeMs: number, maxPacketSize: number) {
		let cap = 1;
		while (cap < Math.min(maxPackets, 32768)) cap <<= 1;
		this.capacity = cap;
		this.maxAgeMs = maxAgeMs;
		this.minAgeMs = Math.min(minAgeMs, maxAgeMs);
		this.ageLimitMs = this.minAgeMs;
		this.maxPacketSize = maxPacketSize;
	}

	ext(seq: number): number {
		return this.newestExt + ((((seq & 0xffff) - this.newestSeq) << 16) >> 16);
	}

	/** Oldest first (by extended seq), until the first one young enough. */
	evictOld(nowMs: number): void {
		const limit = nowMs - this.ageLimitMs;
		for (const ext of [...this.items.keys()].sort((a, b) => a - b)) {
			if (this.items.get(ext)!.storedAtMs >= limit) return;
			this.items.delete(ext);
		}
	}

	/** The slot for a new packet, or undefined when it is older than the count window. */
	private place(seq: number, nowMs: number): number | undefined {
		let ext: number;
		if (!this.started) {
			this.started = true;
			ext = seq & 0xffff;
			this.newestExt = ext;
			this.newestSeq = ext;
		} else {
			ext = this.ext(seq);
			if (ext > this.newestExt) {
				this.newestExt = ext;
				this.newestSeq = seq & 0xffff;
				for (const k of [...this.items.keys()]) if (k <= ext - this.capacity) this.items.delete(k);
			} else if (ext <= this.newestExt - this.capacity) {
				return undefined;
			}
		}
		this.evictOld(nowMs);
		return ext;
	}

	store(seq: number, data: Buffer, nowMs: number): boolean {
		if (data.length > this.maxPacketSize) {
			this.packetsTooBig++;
			return false;
		}
		const ext = this.place(seq, nowMs);
		if (ext === undefined) return false;
		this.items.set(ext, { ext, storedAtMs: nowMs, resentAtMs: 0, sentTimes: 0, bytes: Buffer.from(data), shared: false, timestamp: 0, patch: undefined });
		return true;
	}

	storeShared(seq: number, timestamp: number, data: Buffer, nowMs: number, patch: PayloadPatch | undefined): boolean {
		if (data.length > SHARED_MAX_SIZE || data.length < 12) {
			this.packetsTooBig++;
			return false;
		}
		const ext = this.place(seq, nowMs);
		if (ext === undefined) return false;
		this.items.set(ext, {
			ext,
			storedAtMs: nowMs,
			resentAtMs: 0,
			sentTimes: 0,
			bytes: Buffer.from(data),
			shared: true,
			timestamp,
			patch: patch && { ...patch },
		});
		return true;
	}

	get(seq: number, nowMs: number): ModelItem | undefined {
		if (!this.started) return undefined;
		this.evictOld(nowMs);
		return this.items.get(this.ext(seq));
	}

	setRtt(rttMs: number): void {
		if (rttMs > 0) this.rttMs = rttMs;
		this.updateAgeLimit();
	}

	private updateAgeLimit(): void {
		const delay = Math.max(this.rttMs, this.nackDelayMs);
		if (delay > 0) this.ageLimitMs = Math.min(this.maxAgeMs, Math.max(this.minAgeMs, RTT_FACTOR * delay));
	}

	nack(seqs: number[], nowMs: number, rttMs: number): void {
		this.setRtt(rttMs);
		this.resend = [];
		this.missing = [];
		this.throttled = [];
		this.evictOld(nowMs);
		const rtt = rttMs > 0 ? rttMs : RETRANSMISSION_DEFAULT_RTT_MS;
		let youngest = Infinity;
		for (const seq of seqs) {
			const item = this.started ? this.items.get(this.ext(seq)) : undefined;
			if (item === undefined) {
				this.missing.push(seq);
				continue;
			}
			youngest = Math.min(youngest, nowMs - item.storedAtMs);
			if (item.sentTimes > 0 && nowMs - item.resentAtMs <= rtt) {
				this.throttled.push(seq);
				continue;
			}
			item.resentAtMs = nowMs;
			item.sentTimes++;
			this.resend.push(item);
		}
		if (youngest !== Infinity) {
			this.nackDelayMs = youngest;
			this.updateAgeLimit();
		}
	}

	clear(): void {
		this.items.clear();
		this.started = false;
	}
}

/**
 * Shared packets stored before this are gone: the store evicts oldest first, at each storeShared()
 * of a new packet, those older than it keeps packets then (`keptMs`: the longest any consumer
 * asked for lately, at most 2 s).
 */
let sharedGoneBeforeMs = -Infinity;
/** The shared store is the process's: its clock must not go back from one run to the next. */
let clock = 1e6;

function checkItem(got: RetransmissionItem, want: ModelItem, what: string): void {
	assert.equal(got.seq, want.ext, `${what}: seq`);
	assert.equal(got.storedAtMs, want.storedAtMs, `${what}: storedAtMs`);
	assert.equal(got.resentAtMs, want.resentAtMs, `${what}: resentAtMs`);
	assert.equal(got.sentTimes, want.sentTimes, `${what}: sentTimes`);
	assert.equal(got.valid, true, `${what}: valid`);
	if (!want.shared) {
		assert.equal(got.length, want.bytes.length, `${what}: length`);
		assert.equal(got.shared, null, `${what}: a copy`);
		assert.ok(got.buffer.subarray(0, got.length).equals(want.bytes), `${what}: copied bytes`);
		return;
	}
	assert.notEqual(got.shared, null, `${what}: by reference`);
	assert.equal(got.timestamp, want.timestamp, `${what}: timestamp`);
	assert.equal(got.markerSet, want.patch?.marker ?? false, `${what}: marker`);
	assert.equal(got.patchOffset, want.patch?.payloadOffset ?? -1, `${what}: patch offset`);
	if (got.patchOffset >= 0) {
		assert.equal(got.patchLength, want.patch!.payloadLength, `${what}: patch length`);
		assert.equal(got.patchValue, want.patch!.payloadValue, `${what}: patch value`);
	}
	const kept = want.storedAtMs >= sharedGoneBeforeMs;
	assert.equal(RetransmissionBuffer.sharedValid(got), kept, `${what}: sharedValid`);
	// A packet the store no longer has shows no bytes.
	assert.equal(got.length, kept ? want.bytes.length : 0, `${what}: length`);
	if (kept) {
		assert.ok(got.shared!.buffer.subarray(0, got.shared!.length).equals(want.bytes), `${what}: shared bytes`);
	}
}

function checkState(buf: RetransmissionBuffer, model: Model, what: string): void {
	assert.equal(buf.size, model.items.size, `${what}: size`);
	assert.equal(buf.ageLimitMs, model.ageLimitMs, `${what}: ageLimitMs`);
	assert.equal(buf.packetsTooBig, model.packetsTooBig, `${what}: packetsTooBig`);
}

/** Turns a list of seqs into generic NACK entries (PID + BLP), in order. */
function toNack(seqs: number[]): GenericNack {
	const entries: { pid: number; blp: number }[] = [];
	for (const s of seqs) {
		const last = entries[entries.length - 1];
		const d = last === undefined ? -1 : (s - last.pid) & 0xffff;
		if (last !== undefined && d >= 1 && d <= 16) last.blp |= 1 << (d - 1);
		else entries.push({ pid: s & 0xffff, blp: 0 });
	}
	return new GenericNack({ mediaSsrc: 1, entries });
}

/** The seqs a GenericNack stands for, in the order the buffer answers them. */
function nackSeqs(nack: GenericNack): number[] {
	const out: number[] = [];
	for (const { pid, blp } of nack.entries) {
		out.push(pid);
		for (let b = 0; b < 16; b++) if (blp & (1 << b)) out.push((pid + b + 1) & 0xffff);
	}
	return out;
}

interface Config {
	maxPackets: number;
	maxAgeMs: number;
	minAgeMs: number;
	maxPacketSize: number;
}

function runModel(seed: number, cfg: Config, steps: number): void {
	const rand = new Prng(seed);
	const consumers = 1 + rand.int(4);
	const bufs: RetransmissionBuffer[] = [];
	const models: Model[] = [];
	// 0: storeShared only (the engine), 1: store() only, 2: both.
	const modes: number[] = [];
	for (let c = 0; c < consumers; c++) {
		bufs.push(new RetransmissionBuffer(cfg));
		models.push(new Model(cfg.maxPackets, cfg.maxAgeMs, cfg.minAgeMs, cfg.maxPacketSize));
		modes.push(rand.int(3));
	}
	let now = clock + 10000 + rand.int(1e6);
	let seq = rand.bool() ? 65536 - rand.int(200) : rand.int(65536);
	const tag = `seed ${seed} ${JSON.stringify(cfg)}`;

	for (let step = 0; step < steps; step++) {
		const what = `${tag} step ${step}`;
		const op = rand.int(100);
		if (op < 70) {
			// A packet, sent to every consumer (each with its own seq offset and timestamp).
			const r = rand.int(1000);
			let s: number;
			if (r < 900) s = seq = (seq + 1 + (rand.int(10) === 0 ? rand.int(5) : 0)) & 0xffff;
			else if (r < 995) s = (seq - rand.int(Math.min(3000, cfg.maxPackets + 40))) & 0xffff; // late / resent / too old
			else s = seq = (seq + rand.int(3 * cfg.maxPackets)) & 0xffff; // a jump
			const size = rand.int(50) === 0 ? 1400 + rand.int(200) : 12 + rand.int(300);
			const data = rand.bytes(size);
			data.writeUInt16BE(s, 2);
			const patch: PayloadPatch | undefined = rand.bool()
				? undefined
				: { marker: rand.bool(), payloadOffset: rand.bool() ? -1 : rand.int(20), payloadLength: rand.int(5), payloadValue: rand.u32() };
			const timestamp = rand.u32();
			let evicted = false;
			for (let c = 0; c < consumers; c++) {
				const cs = (s + c * 1000) & 0xffff;
				const shared = modes[c] === 0 || (modes[c] === 2 && rand.bool());
				if (shared) {
					const ok = bufs[c].storeShared(cs, timestamp, data, size, now, patch);
					if (size <= SHARED_MAX_SIZE && !evicted) {
						// The first call with this packet copies it, evicting what the store no longer keeps.
						evicted = true;
						sharedGoneBeforeMs = Math.max(sharedGoneBeforeMs, now - sharedPacketStore.keptMs);
					}
					assert.equal(ok, models[c].storeShared(cs, timestamp, data, now, patch), `${what}: storeShared ${c}`);
				} else {
					const copy = Buffer.from(data);
					const ok = bufs[c].store(cs, copy, size, now);
					copy.fill(0xee); // stored by copy: the caller reuses its buffer
					assert.equal(ok, models[c].store(cs, data, now), `${what}: store ${c}`);
				}
			}
		} else if (op < 80) {
			now += rand.int(100) === 0 ? rand.int(4000) : rand.int(5) === 0 ? rand.int(200) : rand.int(15);
		} else if (op < 92) {
			// A NACK: recent seqs, some older than the window, some never sent.
			const c = rand.int(consumers);
			const seqs: number[] = [];
			const n = 1 + rand.int(rand.bool() ? 3 : 40);
			const base = seq + c * 1000 - rand.int(Math.min(rand.bool() ? 300 : 4000, 2 * cfg.maxPackets + 20));
			for (let k = 0; k < n; k++) seqs.push((base + k * (1 + rand.int(3)) + (rand.int(20) === 0 ? 5000 : 0)) & 0xffff);
			const rtt = rand.int(4) === 0 ? 0 : 1 + rand.int(300);
			let asked = seqs;
			if (rand.bool()) {
				const nack = toNack(seqs);
				asked = nackSeqs(nack);
				bufs[c].onNack(nack, now, rtt);
			} else {
				bufs[c].onNackSequenceNumbers(seqs, now, rtt);
			}
			models[c].nack(asked, now, rtt);
			const buf = bufs[c];
			const model = models[c];
			assert.deepEqual(buf.missing, model.missing, `${what}: missing`);
			assert.deepEqual(buf.throttled, model.throttled, `${what}: throttled`);
			assert.equal(buf.resend.length, model.resend.length, `${what}: resend count`);
			for (let k = 0; k < model.resend.length; k++) checkItem(buf.resend[k], model.resend[k], `${what}: resend[${k}]`);
		} else if (op < 97) {
			const c = rand.int(consumers);
			const s = (seq + c * 1000 - rand.int(Math.min(4000, 2 * cfg.maxPackets + 20)) + (rand.int(10) === 0 ? 3 : 0)) & 0xffff;
			const got = bufs[c].get(s, now);
			const want = models[c].get(s, now);
			if (want === undefined) assert.equal(got, undefined, `${what}: get ${s}`);
			else {
				assert.notEqual(got, undefined, `${what}: get ${s}`);
				checkItem(got!, want, `${what}: get ${s}`);
			}
		} else if (op < 98) {
			// Now and then a consumer pauses.
			const c = rand.int(consumers);
			if (rand.int(5) === 0) {
				bufs[c].clear();
				models[c].clear();
			}
		} else {
			const c = rand.int(consumers);
			const rtt = rand.int(600);
			bufs[c].setRtt(rtt);
			models[c].setRtt(rtt);
		}
		for (let c = 0; c < consumers; c++) checkState(bufs[c], models[c], `${what} consumer ${c}`);
		if (step % 100 === 99) {
			// Everything held, and nothing else around the window.
			for (let c = 0; c < consumers; c++) {
				const model = models[c];
				model.evictOld(now);
				const seqs = [...model.items.keys()];
				for (let k = 0; k < 20; k++) seqs.push(model.newestExt - rand.int(2 * model.capacity + 10) + 3);
				for (const ext of seqs) {
					const want = model.started ? model.items.get(model.ext(ext & 0xffff)) : undefined;
					const got = bufs[c].get(ext & 0xffff, now);
					if (want === undefined) assert.equal(got, undefined, `${what}: audit ${c} ${ext}`);
					else checkItem(got!, want, `${what}: audit ${c} ${ext}`);
				}
			}
		}
	}
	clock = now;
}

test('model check: seeded random traffic, NACKs, get(), clear(), RTT changes (store and storeShared)', () => {
	const configs: Config[] = [
		{ maxPackets: 16, maxAgeMs: 1000, minAgeMs: 1000, maxPacketSize: 1500 },
		{ maxPackets: 100, maxAgeMs: 2000, minAgeMs: 500, maxPacketSize: 1200 },
		{ maxPackets: 2500, maxAgeMs: 2000, minAgeMs: 500, maxPacketSize: 1500 },
		{ maxPackets: 300, maxAgeMs: 1000, minAgeMs: 100, maxPacketSize: 1500 },
		{ maxPackets: 1, maxAgeMs: 1000, minAgeMs: 1000, maxPacketSize: 1500 },
		// Kept longer than the shared store keeps packets: references whose generation moved on.
		{ maxPackets: 5000, maxAgeMs: 3000, minAgeMs: 3000, maxPacketSize: 1500 },
	];
	for (let seed = 1; seed <= 40; seed++) runModel(seed, configs[seed % configs.length], 3000);
});
