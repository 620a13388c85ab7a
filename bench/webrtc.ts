/**
 * ICE-lite and DTLS glue costs: one authenticated Binding request through IceServer (parse,
 * MESSAGE-INTEGRITY and FINGERPRINT checks, response build), and a whole DTLS-SRTP handshake of
 * two DtlsSessions in process (ECDSA P-256, X25519, AES-GCM; no network). The Chromium figures
 * (handshake over loopback, produce() to first decoded frame) come from test/e2e/webrtc.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { IceServer } from '../src/worker/ice/IceServer';
import { DtlsSession } from '../src/worker/dtls/DtlsSession';
import { generateCertificate, type DtlsCertificate } from '../src/worker/certificate';
import { StunClass, StunMethod, buildStunMessage, parseStunMessage } from '../src/proto/stun';

function iceBench(): void {
	const server = new IceServer<number>(
		{ usernameFragment: 'u'.repeat(32), password: 'p'.repeat(32) },
		{ onStateChange: () => {}, onSelectedTuple: () => {} },
	);
	const tuple = { localAddress: '127.0.0.1', localPort: 40000, remoteIp: '127.0.0.1', remotePort: 5000, protocol: 'udp' as const };
	const requests = Array.from({ length: 256 }, () =>
		buildStunMessage(
			{
				method: StunMethod.Binding,
				messageClass: StunClass.Request,
				transactionId: randomBytes(12),
				username: `${'u'.repeat(32)}:abcd`,
				priority: 1853824767,
				iceControlling: randomBytes(8),
				useCandidate: true,
			},
			{ integrityKey: 'p'.repeat(32), fingerprint: true },
		),
	);
	const n = 100_000;

	for (let i = 0; i < 5000; ++i) {
		server.handleStunMessage(parseStunMessage(requests[i & 255]!)!, tuple, 1, i);
	}

	const start = process.hrtime.bigint();

	for (let i = 0; i < n; ++i) {
		server.handleStunMessage(parseStunMessage(requests[i & 255]!)!, tuple, 1, i);
	}

	const ns = Number(process.hrtime.bigint() - start) / n;

	console.log(`ICE Binding request → success response (parse, HMAC check, CRC, build): ${(ns / 1000).toFixed(2)} µs`);
}

async function handshake(a: DtlsCertificate, b: DtlsCertificate): Promise<number> {
	return new Promise((resolve) => {
		let client: DtlsSession;
		let server: DtlsSession;
		const started = process.hrtime.bigint();
		let done = 0;
		const onState = (state: string): void => {
			if (state === 'connected' && ++done === 2) {
				resolve(Number(process.hrtime.bigint() - started) / 1e6);
			}
		};

		client = new DtlsSession(
			{ role: 'client', certificate: a, remoteFingerprints: b.fingerprints },
			{ send: (d) => setImmediate(() => server.handleDatagram(d)), onStateChange: onState, onSrtp: () => {} },
		);
		server = new DtlsSession(
			{ role: 'server', certificate: b, remoteFingerprints: a.fingerprints },
			{ send: (d) => setImmediate(() => client.handleDatagram(d)), onStateChange: onState, onSrtp: () => {} },
		);
		server.start();
		client.start();
	});
}

async function dtlsBench(): Promise<void> {
	const a = generateCertificate();
	const b = generateCertificate();
	const times: number[] = [];

	for (let i = 0; i < 3; ++i) {
		await handshake(a, b);
	}
	for (let i = 0; i < 30; ++i) {
		times.push(await handshake(a, b));
	}
	times.sort((x, y) => x - y);
	console.log(
		`DTLS-SRTP handshake, both ends in process (ECDSA P-256, X25519, AES-GCM): median ${times[15]!.toFixed(2)} ms, ` +
			`min ${times[0]!.toFixed(2)} ms (CPU of both sides, no network)`,
	);
}

iceBench();
void dtlsBench();
