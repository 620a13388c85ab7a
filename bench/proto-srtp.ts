// SRTP hot path (RFC 3711 / RFC 7714): protect/unprotect ops/s per suite for 1,200-byte RTP
// payloads and for RTCP, then the AES_CM_128_HMAC_SHA1_80 constructions compared before
// choosing the one SrtpSession ships. One core, no assertions. Run alone:
//   node dist/bench/proto-srtp.js      (BENCH_MS per figure, default 600; BENCH_RUNS, default 2)
// Every figure comes from a fresh Node process (best of BENCH_RUNS): a measuring loop shared
// by many cases turns megamorphic and penalises whichever case runs last.
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
	AesCmKeystream, deriveSessionKeys, HmacSha1, parseMasterKey, SrtpSession, xorInPlace, type SrtpCryptoSuite,
} from '../src/proto/srtp/index.js';

const MS = Number(process.env.BENCH_MS ?? 600);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const PAYLOAD = 1200;
const SSRC = 0x11223344;
const POOL = 8192;

function measure(fn: (i: number) => unknown): number {
	for (let i = 0; i < 3000; i++) fn(i);
	let n = 0;
	const t0 = process.hrtime.bigint();
	let elapsed = 0;
	do {
		for (let k = 0; k < 256; k++) fn(n++);
		elapsed = Number(process.hrtime.bigint() - t0);
	} while (elapsed < MS * 1e6);
	return n / (elapsed / 1e9);
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
		protectRtp: () => {
			const tx = new SrtpSession(suite, key);
			const pkts = Array.from({ length: 64 }, (_, i) => rtpPacket(i));
			return (i) => tx.protectRtp(pkts[i & 63]!);
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
	const session = new SrtpSession(CM, keyOf(CM));
	return {
		'aes-128-ctr createCipheriv + createHmac (baseline)': (p) => { const e = ctrPerPacket(p); return Buffer.concat([e, tagCreateHmac(e)]); },
		'aes-128-ctr createCipheriv + shipped HMAC': (p) => { const e = ctrPerPacket(p); return Buffer.concat([e, tagShipped(e)]); },
		'ECB keystream, byte XOR + createHmac': (p) => { const e = ecbBytes(p); return Buffer.concat([e, tagCreateHmac(e)]); },
		'ECB keystream, word XOR + createHmac': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagCreateHmac(e)]); },
		'ECB + crypto.hash inner and outer (2 calls)': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagTwoHashCalls(e)]); },
		'ECB + Hash.copy() of ipad/opad states': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagHashCopy(e)]); },
		'ECB + crypto.hash inner, JS SHA-1 outer': (p) => { const e = ecbWords(p); return Buffer.concat([e, tagShipped(e)]); },
		'shipped: SrtpSession.protectRtp': (p) => session.protectRtp(p)!,
	};
}

function partCases(): Record<string, Setup> {
	return {
		'createCipheriv(aes-128-ctr) + update': () => { const iv = ivFor(pkt); return () => crypto.createCipheriv('aes-128-ctr', keys.rtpKey, iv).update(pkt); },
		'long-lived ECB: counter blocks + update': () => { const e = new AesCmKeystream(keys.rtpKey); return () => e.generate(1, 2, 3, 0, 1200); },
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
	const cons = constructions();
	// Every construction must produce SrtpSession's bytes for the first packet of a stream.
	const reference = new SrtpSession(CM, keyOf(CM)).protectRtp(pkt)!;
	for (const [name, fn] of Object.entries(cons)) {
		m.set(`construction ${name}`, () => {
			if (!fn(pkt).equals(reference)) throw new Error(`${name} disagrees with SrtpSession`);
			return () => fn(pkt);
		});
	}
	for (const [name, setup] of Object.entries(partCases())) m.set(`part ${name}`, setup);
	return m;
}

function runCase(name: string): number {
	let best = 0;
	for (let r = 0; r < RUNS; r++) {
		const child = spawnSync(process.execPath, [__filename, '--case', name], { encoding: 'utf8', env: process.env });
		if (child.status !== 0) throw new Error(`${name}: ${child.stderr}`);
		best = Math.max(best, Number(child.stdout.trim()));
	}
	return best;
}

const fmt = (v: number): string => Math.round(v).toLocaleString('en-US').padStart(10);

const caseArg = process.argv.indexOf('--case');
if (caseArg >= 0) {
	const setup = allCases().get(process.argv[caseArg + 1]!);
	if (!setup) throw new Error('unknown case');
	process.stdout.write(String(measure(setup())));
} else {
	const cases = allCases();
	console.log(`node ${process.version}, openssl ${process.versions.openssl}; ops/s on one core, best of ${RUNS} fresh processes x ${MS} ms`);
	console.log(`\nSrtpSession: RTP ${12 + PAYLOAD} bytes (${PAYLOAD}-byte payload); RTCP 88 and 1,208 bytes; unprotect includes a 1.2 KB input restore`);
	const cols = ['protectRtp', 'unprotectRtp', 'protectRtcp 88B', 'unprotectRtcp 88B', 'protectRtcp 1208B'];
	console.log(`${'suite'.padEnd(26)}${cols.map((c) => c.padStart(19)).join('')}`);
	for (const suite of SUITES) {
		console.log(`${suite.padEnd(26)}${cols.map((c) => fmt(runCase(`${suite} ${c}`)).padStart(19)).join('')}`);
	}
	console.log(`\n${CM} protect constructions, ${PAYLOAD}-byte payload (each verified equal to SrtpSession output)`);
	let baseline = 0;
	let shipped = 0;
	for (const name of cases.keys()) {
		if (!name.startsWith('construction ')) continue;
		const r = runCase(name);
		if (name.includes('baseline')) baseline = r;
		if (name.includes('shipped')) shipped = r;
		console.log(`  ${name.slice(13).padEnd(52)}${fmt(r)}`);
	}
	console.log(`  shipped / baseline: x${(shipped / baseline).toFixed(2)}`);
	console.log('\nparts');
	for (const name of cases.keys()) {
		if (!name.startsWith('part ')) continue;
		console.log(`  ${name.slice(5).padEnd(52)}${fmt(runCase(name))}`);
	}
}
