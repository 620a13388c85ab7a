// STUN costs on an ICE-lite server: parse a browser-like Binding request, check it, answer it.
// Run alone: node dist/bench/proto-stun.js
import {
	StunClass,
	buildBindingSuccessResponse,
	buildStunMessage,
	checkFingerprint,
	checkMessageIntegrity,
	parseStunMessage,
} from '../src/proto/stun';

const password = 'Xa1bC2dE3fG4hI5jK6lM7nO8';
// What Chrome sends: USERNAME, GOOG-NETWORK-INFO (0xc057, optional, skipped), ICE-CONTROLLING,
// USE-CANDIDATE, PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT.
const request = buildStunMessage(
	{
		messageClass: StunClass.Request,
		transactionId: Buffer.from('0123456789abcdef01234567', 'hex'),
		username: 'localUfragABCDEF:rmte',
		iceControlling: Buffer.from('1122334455667788', 'hex'),
		useCandidate: true,
		priority: 1853824767,
	},
	{ integrityKey: password, fingerprint: true }
);

function measure(name: string, iterations: number, fn: () => unknown): void {
	for (let i = 0; i < iterations / 10; i++) fn();
	const start = process.hrtime.bigint();
	let sink = 0;
	for (let i = 0; i < iterations; i++) if (fn()) sink++;
	const ns = Number(process.hrtime.bigint() - start) / iterations;
	console.log(`${name.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns/op  (${iterations} ops, ${sink === iterations ? 'ok' : 'FAILED'})`);
}

export function run(): void {
	console.log(`proto-stun: ${request.length}-byte Binding request, Node ${process.version}`);
	const n = 300_000;
	measure('parse', n, () => parseStunMessage(request));
	measure('parse + checkMessageIntegrity', n, () => {
		const m = parseStunMessage(request);
		return m !== undefined && checkMessageIntegrity(m, password);
	});
	measure('parse + checkMessageIntegrity + checkFingerprint', n, () => {
		const m = parseStunMessage(request);
		return m !== undefined && checkMessageIntegrity(m, password) && checkFingerprint(m);
	});
	const parsed = parseStunMessage(request)!;
	const from = { family: 'IPv4', address: '203.0.113.77', port: 54321 } as const;
	measure('buildBindingSuccessResponse (XMA + MI + FP)', n, () => buildBindingSuccessResponse(parsed, from, password));
	measure('full check and answer', n, () => {
		const m = parseStunMessage(request);
		if (!m || !checkFingerprint(m) || !checkMessageIntegrity(m, password)) return false;
		return buildBindingSuccessResponse(m, from, password).length > 0;
	});
}

if (require.main === module) run();
