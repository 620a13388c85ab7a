import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	StunClass,
	buildBindingSuccessResponse,
	buildErrorResponse,
	buildStunMessage,
	checkFingerprint,
	checkMessageIntegrity,
	isStunMessage,
	parseStunMessage,
} from '../../../src/proto/stun';
import { sampleIPv4Response, sampleIPv6Response, sampleLongTermRequest, sampleRequest } from './vectors';
import { prng } from '../../helpers/prng';


const SEED = 0x5eed5747;
const COUNT = 120_000;

test(`fuzz: ${COUNT} random and mutated inputs never throw (seed ${SEED.toString(16)})`, (t) => {
	const rand = prng(SEED);
	const int = (n: number): number => Math.floor(rand() * n);
	const corpus: Buffer[] = [
		sampleRequest(),
		sampleIPv4Response(),
		sampleIPv6Response(),
		sampleLongTermRequest(),
		buildStunMessage(
			{
				messageClass: StunClass.Request,
				transactionId: Buffer.alloc(12, 1),
				username: 'a:b',
				priority: 1,
				useCandidate: true,
				iceControlling: Buffer.alloc(8, 2),
				nomination: 5,
				errorCode: 487,
				errorReason: 'Role Conflict',
				unknownAttributes: [1, 2],
				mappedAddress: { address: '10.0.0.1', port: 9 },
				xorMappedAddress: { address: 'fe80::1', port: 9 },
			},
			{ integrityKey: 'pw', fingerprint: true }
		),
	];
	const knownTypes = [0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x0014, 0x0015, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802a, 0xc001];
	let parsed = 0;
	let failures = 0;
	let firstFailure = '';
	for (let i = 0; i < COUNT; i++) {
		let buf: Buffer;
		const kind = i % 4;
		if (kind === 0) {
			// Random bytes, sometimes with a plausible STUN header.
			buf = Buffer.alloc(int(160));
			for (let j = 0; j < buf.length; j++) buf[j] = int(256);
			if (buf.length >= 20 && rand() < 0.7) {
				buf[0] &= 0x01;
				buf.writeUInt16BE(rand() < 0.8 ? (buf.length - 20) & ~3 : int(0x10000), 2);
				buf.writeUInt32BE(0x2112a442, 4);
				if (rand() < 0.8) buf = buf.subarray(0, 20 + buf.readUInt16BE(2));
			}
		} else if (kind === 1) {
			// A valid header followed by a sequence of attributes of known types with random lengths.
			const parts: Buffer[] = [Buffer.from('000100002112a442000102030405060708090a0b', 'hex')];
			const n = int(6);
			for (let k = 0; k < n; k++) {
				const len = rand() < 0.5 ? [0, 4, 8, 20, 24][int(5)] : int(40);
				const a = Buffer.alloc(4 + ((len + 3) & ~3));
				a.writeUInt16BE(rand() < 0.85 ? knownTypes[int(knownTypes.length)] : int(0x10000), 0);
				a.writeUInt16BE(rand() < 0.9 ? len : int(0x10000), 2);
				for (let j = 4; j < a.length; j++) a[j] = int(256);
				parts.push(a);
			}
			buf = Buffer.concat(parts);
			buf.writeUInt16BE((buf.length - 20) & 0xffff, 2);
		} else {
			// Mutations of valid messages: bit flips, byte overwrites, truncation, extension, length edits.
			buf = Buffer.from(corpus[int(corpus.length)]);
			const m = 1 + int(4);
			for (let k = 0; k < m; k++) {
				const op = int(6);
				if (op === 0 && buf.length) buf[int(buf.length)] ^= 1 << int(8);
				else if (op === 1 && buf.length) buf[int(buf.length)] = int(256);
				else if (op === 2) buf = buf.subarray(0, int(buf.length + 1));
				else if (op === 3) buf = Buffer.concat([buf, Buffer.alloc(int(12), int(256))]);
				else if (op === 4 && buf.length >= 24) {
					// Rewrite the length of some 4-aligned attribute header.
					buf.writeUInt16BE(int(0x10000), 20 + 4 * int(Math.floor((buf.length - 24) / 4) + 1) + 2);
				}
				else if (op === 5 && buf.length >= 4) buf.writeUInt16BE((buf.length - 20) & 0xffff, 2);
			}
		}
		try {
			isStunMessage(buf);
			const msg = parseStunMessage(buf);
			if (msg) {
				parsed++;
				assert.ok(msg.messageIntegrityOffset < 0 || msg.messageIntegrityOffset + 24 <= buf.length);
				assert.ok(msg.fingerprintOffset < 0 || msg.fingerprintOffset + 8 === buf.length);
				checkMessageIntegrity(msg, 'VOkJxbRl1RmTxUk/WvJxBt');
				checkFingerprint(msg);
				if (msg.messageClass === StunClass.Request) {
					buildBindingSuccessResponse(msg, { address: '192.0.2.1', port: 1 }, 'pw');
					if (msg.unknownComprehensionRequired) {
						buildErrorResponse(msg, 420, { unknownAttributes: msg.unknownComprehensionRequired });
					}
				}
			}
		} catch (err) {
			if (failures++ === 0) firstFailure = `input ${i} ${buf.toString('hex')}: ${String(err)}`;
		}
	}
	assert.equal(failures, 0, firstFailure);
	// The generator must reach the attribute code, not only the header checks.
	assert.ok(parsed > COUNT / 10, `only ${parsed} inputs parsed`);
	t.diagnostic(`${parsed} of ${COUNT} inputs parsed as STUN`);
});
