// SRTP hot path (RFC 3711 / RFC 7714): protect/unprotect ops/s per suite for 1,200-byte RTP
// payloads and for RTCP, then the AES_CM_128_HMAC_SHA1_80 constructions compared before
// choosing the one SrtpSession ships. One core, no assertions. Run alone:
//   node dist/bench/proto-srtp.js      (BENCH_MS per figure, default 600; BENCH_RUNS, default 2)
// Figures: best and median ops per wall second over the runs, and best ops per CPU second of
// the measuring process (less sensitive to other work on the machine).
// Every figure comes from a fresh Node process (best of BENCH_RUNS): a measuring loop shared
// by many cases turns megamorphic and penalises whichever case runs last.
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import {
	AesCmKeystream, deriveSessionKeys, HmacSha1, parseMasterKey, PacketKeystream, sha1Compress, SrtpSession, xorInPlace,
	type SrtpCryptoSuite,
} from '../src/proto/srtp/index.js';

const MS = Number(process.env.BENCH_MS ?? 600);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const PAYLOAD = 1200;
const SSRC = 0x11223344;
const POOL = 8192;

/** [ops per wall second, ops per CPU second of this process] */
function measure(fn: (i: number) => unknown): [number, number] {
	for (let i = 0; i < 3000; i++) fn(i);
	let n = 0;
	const t0 = process.hrtime.bigint();
	const c0 = process.cpuUsage();
	let elapsed = 0;
	do {
		for (let k = 0; k < 256; k++) fn(n++);
		elapsed = Number(process.hrtime.bigint() - t0);
	} while (elapsed < MS * 1e6);
	const cpu = process.cpuUsage(c0);
	return [n / (elapsed / 1e9), n / ((cpu.user + cpu.system) / 1e6)];
}

function rtpPacket(seq: number, payload = PAYLOAD): Buffer {
	const b = Buffer.alloc(12 + payload);
	b[0] = 0x80;
	b[1] = 96;
	b.writeUInt16BE(seq & 0xffff, 2);
	b.writeUInt32BE((seq * 3000) >>> 0, 4);
	b.writeUInt32BE(SSRC, 8);
	for (let i = 12; i < b.length; i++) b[i] = (i * 31 + seq) & 0xff;
	return b;
}

function rtcpPacket(bodyLen: number): Buffer {
	const b = Buffer.alloc(8 + bodyLen);
	b[0] = 0x81;
	b[1] = 200;
	b.writeUInt16BE(((8 + bodyLen) >> 2) - 1, 2);
	b.writeUInt32BE(SSRC, 4);
	for (let i = 8; i < b.length; i++) b[i] = i & 0xff;
	return b;
}

const KEY_LEN: Record<SrtpCryptoSuite, number> = {
	AES_CM_128_HMAC_SHA1_80: 30, AES_CM_128_HMAC_SHA1_32: 30, AEAD_AES_128_GCM: 28, AEAD_AES_256_GCM: 44,
};
const SUITES = Object.keys(KEY_LEN) as SrtpCryptoSuite[];
const keyOf = (suite: SrtpCryptoSuite): string => {
	const k = Buffer.alloc(KEY_LEN[suite]);
	for (let i = 0; i < k.length; i++) k[i] = i * 7 + 3;
	return k.toString('base64');
};

type Setup = () => (i: number) => unknown;

// --- SrtpSession per suite -------------------------------------------------------------------
function sessionCases(suite: SrtpCryptoSuite): Record<string, Setup> {
	const key = keyOf(suite);
	// Unprotect needs distinct indices (replay window) and decrypts in place, so each op
	// restores its input from a pristine copy (a 1.2 KB memcpy, measured separately).
	const unprotectWith = (make: (gen: SrtpSession, i: number) => Buffer, rtcp: boolean) => () => {
		const gen = new SrtpSession(suite, key);
		const pristine = Array.from({ length: POOL }, (_, i) => make(gen, i));
		const work = pristine.map((p) => Buffer.from(p));
		let rx = new SrtpSession(suite, key);
		return (i: number) => {
			const k = i % POOL;
			if (k === 0) rx = new SrtpSession(suite, key);
			pristine[k]!.copy(work[k]!);
			const ok = rtcp ? rx.unprotectRtcp(work[k]!) : rx.unprotectRtp(work[k]!);
			if (!ok) throw new Error('unprotect failed');
		};
	};
	const rtcp88 = rtcpPacket(80);
	const rtcp1208 = rtcpPacket(1200);
	return {
		// A sender's stream: SEQ advances by one per packet (the AES-CM keystream batching relies
		// on it; a repeating SEQ would look like retransmissions).
		protectRtp: () => {
			const tx = new SrtpSession(suite, key);
			const pkts = Array.from({ length: 64 }, (_, i) => rtpPacket(i));
			return (i) => {
				const p = pkts[i & 63]!;
				p[2] = i >>> 8;
				p[3] = i;
				return tx.protectRtp(p);
			};
		},
		unprotectRtp: unprotectWith((gen, i) => gen.protectRtp(rtpPacket(i))!, false),
		'protectRtcp 88B': () => {
			const tx = new SrtpSession(suite, key);
			return () => tx.protectRtcp(rtcp88);
		},
		'unprotectRtcp 88B': unprotectWith((gen) => gen.protectRtcp(rtcp88)!, true),
		'protectRtcp 1208B': () => {
			const tx = new SrtpSession(suite, key);
			return () => tx.protectRtcp(rtcp1208);
		},
	};
}

// --- AES_CM_128_HMAC_SHA1_80 constructions -----------------------------------------------------
const CM = 'AES_CM_128_HMAC_SHA1_80';
const { masterKey, masterSalt } = parseMasterKey(CM, keyOf(CM));
const keys = deriveSessionKeys(CM, masterKey, masterSalt);
const pkt = rtpPacket(7);
const ROC = Buffer.alloc(4);
const hashFn = (crypto as unknown as { hash(a: string, d: Uint8Array, e: string): Buffer & string }).hash;

function ivFor(p: Buffer): Buffer {
	const iv = Buffer.alloc(16);
	keys.rtpSalt.copy(iv);
	iv.writeUInt32BE((iv.readUInt32BE(4) ^ p.readUInt32BE(8)) >>> 0, 4);
	iv.writeUInt16BE(iv.readUInt16BE(12) ^ p.readUInt16BE(2), 12);
	return iv;
}

function constructions(): Record<string, (p: Buffer) => Buffer> {
	const ctrPerPacket = (p: Buffer): Buffer => {
		const c = crypto.createCipheriv('aes-128-ctr', keys.rtpKey, ivFor(p));
		return Buffer.concat([p.subarray(0, 12), c.update(p.subarray(12))]);
	};
	const ecb = new AesCmKeystream(keys.rtpKey);
	const ecbKs = (p: Buffer): Buffer => {
		const iv = ivFor(p);
		return ecb.generate(iv.readInt32BE(0), iv.readInt32BE(4), iv.readInt32BE(8), iv.readInt32BE(12), p.length - 12);
	};
	const ecbBytes = (p: Buffer): Buffer => {
		const out = Buffer.from(p);
		const ks = ecbKs(p);
		for (let i = 12; i < out.length; i++) out[i] ^= ks[i - 12]!;
		return out;
	};
	const ecbWords = (p: Buffer): Buffer => {
		const out = Buffer.from(p);
		xorInPlace(out, 12, ecbKs(p), p.length - 12);
		return out;
	};
	const tagCreateHmac = (m: Buffer): Buffer =>
		crypto.createHmac('sha1', keys.rtpAuthKey).update(m).update(ROC).digest().subarray(0, 10);
	const ipad = Buffer.alloc(64, 0x36), opad = Buffer.alloc(64, 0x5c);
	for (let i = 0; i < 20; i++) {
		ipad[i] ^= keys.rtpAuthKey[i]!;
		opad[i] ^= keys.rtpAuthKey[i]!;
	}
	const scratch = Buffer.alloc(4096);
	ipad.copy(scratch);
	const outer = Buffer.alloc(84);
	opad.copy(outer);
	const tagTwoHashCalls = (m: Buffer): Buffer => {
		m.copy(scratch, 64);
		ROC.copy(scratch, 64 + m.length);
		hashFn('sha1', scratch.subarray(0, 64 + m.length + 4), 'buffer').copy(outer, 64);
		return hashFn('sha1', outer, 'buffer').subarray(0, 10);
	};
	const ipadState = crypto.createHash('sha1').update(ipad);
	const opadState = crypto.createHash('sha1').update(opad);
	const tagHashCopy = (m: Buffer): Buffer => {
		const inner = ipadState.copy().update(m).update(ROC).digest();
		return opadState.copy().update(inner).digest().subarray(0, 10);
	};
	const hmac = new HmacSha1(keys.rtpAuthKey);
	const tagShipped = (m: Buffer): Buffer => {
		m.copy(scratch, 64);
		ROC.copy(scratch, 64 + m.length);
		hmac.computePrefixed(scratch.subarray(0, 64 + m.length + 4));
		return hmac.mac.subarray(0, 10);
	};
	// The shipped layout with a send-side keystream batch of at most `maxBytes`: scratch
	// [K^ipad][packet][ROC] with one persistent Int32Array view, output in a fresh Buffer.
	const batched = (maxBytes: number, slab: boolean): ((p: Buffer) => Buffer) => {
		const cipher = new AesCmKeystream(keys.rtpKey);
		const cache = new PacketKeystream(maxBytes);
		const sc = Buffer.allocUnsafeSlow(4096);
		const sc32 = new Int32Array(sc.buffer, 0, 1024);
		ipad.copy(sc);
		const h = new HmacSha1(keys.rtpAuthKey);
		const salt = Buffer.alloc(16);
		keys.rtpSalt.copy(salt);
		const s0 = salt.readInt32BE(0), s1 = salt.readInt32BE(4), s2 = salt.readInt32BE(8), s3 = salt.readInt32BE(12);
		let views: Buffer[] = [], bodies: Buffer[] = [];
		let pool = Buffer.allocUnsafeSlow(65536), used = 0;
		return (p) => {
			const len = p.length, payload = len - 12, seq = (p[2]! << 8) | p[3]!;
			sc.set(p, 64);
			const at = cache.lookup(cipher, s0, s1 ^ p.readInt32BE(8), s2, s3, 0, seq, payload);
			const ks = cache.words, base = 76 >>> 2, k = at >>> 2, n = payload >>> 2;
			for (let w = 0; w < n; w++) sc32[base + w] ^= ks[k + w]!;
			for (let i = n << 2; i < payload; i++) sc[76 + i] ^= cache.bytes[at + i]!;
			sc.writeUInt32BE(0, 64 + len);
			let out: Buffer;
			if (slab) {
				if (used + len + 10 > 65536) { pool = Buffer.allocUnsafeSlow(65536); used = 0; }
				out = pool.subarray(used, used + len + 10);
				used = (used + len + 10 + 7) & ~7;
			} else {
				out = Buffer.allocUnsafe(len + 10);
			}
			out.set(bodies[len] ??= sc.subarray(64, 64 + len), 0);
			h.computePrefixedInto(views[len] ??= sc.subarray(0, 64 + len + 4), out, len, 10);
			return out;
		};
	};
	const session = new SrtpSession(CM, keyOf(CM));
	return {
		'aes-128-ctr createCipheriv + createHmac (baseline)': (p) => { const e = ctrPerPacket(p); return Buffer.concat([e, tagCreateHmac(e)]); },
		'aes-128-ctr createCipheriv + shipped HMAC': (p) => { const e = ctrPerPacket(p); return Buffer.concat([e, tagShipped(e)]); },
		'ECB keystream, byte XOR + createHmac': (p) => { const e = ecbBytes(p); return Buffer.concat([e, tagCreateHmac(e)]); },
		'ECB keystream, word XOR + createHmac': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagCreateHmac(e)]); },
		'ECB + crypto.hash inner and outer (2 calls)': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagTwoHashCalls(e)]); },
		'ECB + Hash.copy() of ipad/opad states': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagHashCopy(e)]); },
		'ECB + crypto.hash inner, JS SHA-1 outer': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagShipped(e)]); },
		'batched keystream K<=8, allocUnsafe output': batched(8 * 1216, false),
		'batched keystream K<=8, slab output': batched(8 * 1216, true),
		'batched keystream K<=32, slab output': batched(32 * 1216, true),
		'batched keystream K<=64, slab output': batched(64 * 1216, true),
		'shipped: SrtpSession.protectRtp': (p) => session.protectRtp(p)!,
	};
}

function partCases(): Record<string, Setup> {
	return {
		'createCipheriv(aes-128-ctr) + update': () => { const iv = ivFor(pkt); return () => crypto.createCipheriv('aes-128-ctr', keys.rtpKey, iv).update(pkt); },
		'long-lived ECB: counter blocks + update': () => { const e = new AesCmKeystream(keys.rtpKey); return () => e.generate(1, 2, 3, 0, 1200); },
		'ECB generatePackets 32 x 1,216 bytes, per packet': () => {
			const e = new AesCmKeystream(keys.rtpKey);
			let k = 0;
			return (i) => { if ((i & 31) === 0) e.generatePackets(1, 2, 3, 4, 0, (k += 32) & 0xffff, 32, 1216); };
		},
		'sha1Compress (unrolled, one block)': () => { const st = new Int32Array(5), b = new Int32Array(16); return (i) => { b[0] = i; sha1Compress(st, b); }; },
		'Buffer.allocUnsafe(1222) (8 KiB pool)': () => () => Buffer.allocUnsafe(1222),
		'64 KiB slab subarray(1222)': () => { let s = Buffer.allocUnsafeSlow(65536), u = 0; return () => { if (u + 1222 > 65536) { s = Buffer.allocUnsafeSlow(65536); u = 0; } const b = s.subarray(u, u + 1222); u += 1224; return b; }; },
		'XOR bytes': () => { const ks = Buffer.alloc(1200, 1), b = Buffer.alloc(1300); return () => { for (let i = 0; i < 1200; i++) b[12 + i] ^= ks[i]!; }; },
		'XOR 32-bit words (xorInPlace)': () => { const ks = Buffer.alloc(1200, 1), b = Buffer.alloc(1300); return () => xorInPlace(b, 12, ks, 1200); },
		'createHmac sha1 over 1,216 bytes': () => () => crypto.createHmac('sha1', keys.rtpAuthKey).update(pkt).update(ROC).digest(),
		'crypto.hash sha1 1,280 bytes, latin1 out': () => { const d = Buffer.alloc(1280); return () => hashFn('sha1', d, 'latin1'); },
		'crypto.hash sha1 1,280 bytes, Buffer out': () => { const d = Buffer.alloc(1280); return () => hashFn('sha1', d, 'buffer'); },
		'HmacSha1.computePrefixed, empty message': () => { const h = new HmacSha1(keys.rtpAuthKey); const d = Buffer.from(h.ipad); return () => h.computePrefixed(d); },
		'createCipheriv(aes-128-gcm) seal 1,200 bytes': () => {
			const iv = ivFor(pkt).subarray(0, 12);
			return () => {
				const c = crypto.createCipheriv('aes-128-gcm', keys.rtpKey, iv);
				c.setAAD(pkt.subarray(0, 12));
				c.update(pkt.subarray(12));
				c.final();
				return c.getAuthTag();
			};
		},
		'Buffer 1.2 KB copy (unprotect input restore)': () => { const a = Buffer.alloc(1222), b = Buffer.alloc(1222); return () => a.copy(b); },
	};
}

function allCases(): Map<string, Setup> {
	const m = new Map<string, Setup>();
	for (const suite of SUITES) {
		for (const [name, setup] of Object.entries(sessionCases(suite))) m.set(`${suite} ${name}`, setup);
	}
	// Every construction protects a stream whose SEQ advances by one, and must produce a fresh
	// SrtpSession's bytes for its first 300 packets.
	for (const [name, fn] of Object.entries(constructions())) {
		m.set(`construction ${name}`, () => {
			const p = Buffer.from(pkt);
			const reference = new SrtpSession(CM, keyOf(CM));
			for (let i = 0; i < 300; i++) {
				p.writeUInt16BE(i, 2);
				if (!fn(p).equals(reference.protectRtp(p)!)) throw new Error(`${name} disagrees with SrtpSession at SEQ ${i}`);
			}
			return (i) => {
				p[2] = (i + 300) >>> 8;
				p[3] = i + 300;
				return fn(p);
			};
		});
	}
	for (const [name, setup] of Object.entries(partCases())) m.set(`part ${name}`, setup);
	return m;
}

interface Figure { best: number; median: number; cpuBest: number }

/** Best and median over RUNS fresh processes; cpuBest counts only this process's CPU time (the
 * figure for "one core" when other work shares the machine). */
function runCase(name: string): Figure {
	const wall: number[] = [], cpu: number[] = [];
	for (let r = 0; r < RUNS; r++) {
		const child = spawnSync(process.execPath, [__filename, '--case', name], { encoding: 'utf8', env: process.env });
		if (child.status !== 0) throw new Error(`${name}: ${child.stderr}`);
		const [w, c] = JSON.parse(child.stdout) as [number, number];
		wall.push(w);
		cpu.push(c);
	}
	wall.sort((a, b) => a - b);
	return { best: wall[wall.length - 1]!, median: wall[(wall.length - 1) >> 1]!, cpuBest: Math.max(...cpu) };
}

const fmt = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(10);
const fmtFig = (f: Figure): string => `${fmt(f.best)} ${fmt(f.median)} ${fmt(f.cpuBest)}`;

const caseArg = process.argv.indexOf('--case');
if (caseArg >= 0) {
	const setup = allCases().get(process.argv[caseArg + 1]!);
	if (!setup) throw new Error('unknown case');
	process.stdout.write(JSON.stringify(measure(setup())));
} else {
	const cases = allCases();
	console.log(`node ${process.version}, openssl ${process.versions.openssl}; ops/s on one core, ${RUNS} fresh processes x ${MS} ms; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	console.log(`\nSrtpSession: RTP ${12 + PAYLOAD} bytes (${PAYLOAD}-byte payload); RTCP 88 and 1,208 bytes; unprotect includes a 1.2 KB input restore`);
	const cols = ['protectRtp', 'unprotectRtp', 'protectRtcp 88B', 'unprotectRtcp 88B', 'protectRtcp 1208B'];
	console.log(`${'suite'.padEnd(26)}${cols.map((c) => c.padStart(19)).join('')}`);
	for (const suite of SUITES) {
		console.log(`${suite.padEnd(26)}${cols.map((c) => fmt(runCase(`${suite} ${c}`).best).padStart(19)).join('')}`);
	}
	console.log(`\n${CM} protect constructions, ${PAYLOAD}-byte payload, SEQ advancing (each verified equal to SrtpSession output)`);
	console.log(`  ${''.padEnd(52)}${'best'.padStart(10)} ${'median'.padStart(10)} ${'CPU-time'.padStart(10)}`);
	let baseline: Figure | undefined;
	let shipped: Figure | undefined;
	for (const name of cases.keys()) {
		if (!name.startsWith('construction ')) continue;
		const r = runCase(name);
		if (name.includes('baseline')) baseline = r;
		if (name.includes('shipped')) shipped = r;
		console.log(`  ${name.slice(13).padEnd(52)}${fmtFig(r)}`);
	}
	console.log(`  shipped / baseline (same run): best x${(shipped!.best / baseline!.best).toFixed(2)}, median x${(shipped!.median / baseline!.median).toFixed(2)}, CPU-time x${(shipped!.cpuBest / baseline!.cpuBest).toFixed(2)}`);
	console.log('\nparts');
	for (const name of cases.keys()) {
		if (!name.startsWith('part ')) continue;
		console.log(`  ${name.slice(5).padEnd(52)}${fmtFig(runCase(name))}`);
	}
}
