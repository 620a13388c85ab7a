/**
 * The DTLS glue in process: two DtlsSessions wired back to back (real timers), SRTP sessions
 * keyed from the exporter (RFC 5764 4.2) that interoperate across the pair, the fingerprint
 * check of RFC 8122 section 5 (any signalled algorithm; case and separators), close_notify.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DtlsSession, matchesFingerprints, type DtlsSessionState } from '../../src/worker/dtls/DtlsSession';
import { generateCertificate, type DtlsCertificate } from '../../src/worker/certificate';
import type { SrtpSession } from '../../src/proto/srtp';

type Side = {
	session: DtlsSession;
	states: DtlsSessionState[];
	certPem: (string | undefined)[];
	srtp: { send: SrtpSession; recv: SrtpSession; suite: string } | undefined;
	data: Buffer[];
};

function pair(
	clientCert: DtlsCertificate,
	serverCert: DtlsCertificate,
	clientExpects: DtlsCertificate,
	serverExpects: DtlsCertificate,
	srtpProfiles?: number[],
): { client: Side; server: Side } {
	const make = (role: 'client' | 'server', cert: DtlsCertificate, expects: DtlsCertificate, deliver: () => Side): Side => {
		const side: Side = { session: undefined as unknown as DtlsSession, states: [], certPem: [], srtp: undefined, data: [] };

		side.session = new DtlsSession(
			{
				role,
				certificate: cert,
				remoteFingerprints: [expects.fingerprints.find((f) => f.algorithm === 'sha-256')!],
				srtpProfiles,
			},
			{
				// Asynchronous like a socket, so each side runs to completion first.
				send: (datagram) => setImmediate(() => deliver().session.handleDatagram(Buffer.from(datagram))),
				onStateChange: (state, pem) => {
					side.states.push(state);
					side.certPem.push(pem);
				},
				onSrtp: (suite, send, recv) => (side.srtp = { suite, send, recv }),
				onApplicationData: (data) => side.data.push(data),
			},
		);

		return side;
	};
	const client: Side = make('client', clientCert, clientExpects, () => server);
	const server: Side = make('server', serverCert, serverExpects, () => client);

	return { client, server };
}

async function until(fn: () => boolean, ms = 3000): Promise<void> {
	const deadline = Date.now() + ms;

	while (!fn()) {
		assert.ok(Date.now() < deadline, 'timed out');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

function rtp(seq: number): Buffer {
	const packet = Buffer.alloc(60, 7);

	packet[0] = 0x80;
	packet[1] = 111;
	packet.writeUInt16BE(seq, 2);
	packet.writeUInt32BE(0xabcdef01, 8);

	return packet;
}

test('handshake both roles; SRTP from the exporter works across the pair in both directions', async () => {
	const a = generateCertificate();
	const b = generateCertificate();
	const { client, server } = pair(a, b, b, a);

	server.session.start();
	client.session.start();
	await until(() => client.states.includes('connected') && server.states.includes('connected'));
	assert.deepEqual(client.states, ['connecting', 'connected']);
	assert.deepEqual(server.states, ['connecting', 'connected']);
	// dtlsRemoteCert: the peer's certificate as PEM.
	assert.equal(client.certPem.at(-1)?.trim(), b.certificatePem.trim());
	assert.equal(server.certPem.at(-1)?.trim(), a.certificatePem.trim());
	// mediasoup's preference: AEAD_AES_256_GCM first.
	assert.equal(client.srtp!.suite, 'AEAD_AES_256_GCM');
	assert.ok(client.session.stats.handshakeMs! >= 0);

	const original = rtp(1);
	const fromClient = client.srtp!.send.protectRtp(original)!;

	assert.deepEqual(server.srtp!.recv.unprotectRtp(Buffer.from(fromClient)), original);

	const back = rtp(2);

	assert.deepEqual(client.srtp!.recv.unprotectRtp(Buffer.from(server.srtp!.send.protectRtp(back)!)), back);
	// The directions have different keys: a packet does not decrypt with its own sender's receive keys.
	assert.equal(client.srtp!.recv.unprotectRtp(Buffer.from(fromClient)), undefined);

	// Application data (SCTP later) both ways.
	assert.ok(client.session.send(Buffer.from('hello')));
	await until(() => server.data.length === 1);
	assert.equal(server.data[0]!.toString(), 'hello');

	// close_notify: the peer goes 'closed'; the closing side reports nothing (its transport is going).
	client.session.close();
	await until(() => server.states.includes('closed'));
	assert.deepEqual(client.states, ['connecting', 'connected']);
	assert.equal(client.session.state, 'closed');
});

test('SRTP profile restricted to AES_CM_128_HMAC_SHA1_80 (RFC 5764 4.1.2 id 0x0001)', async () => {
	const a = generateCertificate();
	const b = generateCertificate();
	const { client, server } = pair(a, b, b, a, [0x0001]);

	server.session.start();
	client.session.start();
	await until(() => client.states.includes('connected') && server.states.includes('connected'));
	assert.equal(server.srtp!.suite, 'AES_CM_128_HMAC_SHA1_80');
});

test('a peer certificate that matches no signalled fingerprint → failed (both sides notice)', async () => {
	const a = generateCertificate();
	const b = generateCertificate();
	const stranger = generateCertificate();
	// The server expects `stranger`, not the client's real certificate.
	const { client, server } = pair(a, b, b, stranger);

	server.session.start();
	client.session.start();
	await until(() => server.states.includes('failed'));
	assert.deepEqual(server.states, ['connecting', 'failed']);
	assert.equal(server.session.stats.fingerprintMismatches, 1);
	assert.equal(server.srtp, undefined);
	assert.equal(server.session.send(Buffer.from('x')), false);
	// The client finished its side but hears the close at once.
	await until(() => client.states.at(-1) === 'closed');
});

test('matchesFingerprints(): any algorithm of RFC 8122 section 5; hex case and colons do not matter', () => {
	const cert = generateCertificate();
	const der = cert.certificateDer;
	const sha512 = createHash('sha512').update(der).digest('hex');

	assert.ok(matchesFingerprints(der, [{ algorithm: 'sha-512', value: sha512 }]));
	assert.ok(matchesFingerprints(der, [{ algorithm: 'SHA-512', value: sha512.toUpperCase().replace(/(..)(?!$)/g, '$1:') }]));
	for (const fingerprint of cert.fingerprints) {
		assert.ok(matchesFingerprints(der, [fingerprint]), fingerprint.algorithm);
	}
	assert.ok(
		matchesFingerprints(der, [
			{ algorithm: 'md5', value: 'AA' },
			{ algorithm: 'sha-256', value: '00' },
			cert.fingerprints[0]!,
		]),
	);
	assert.equal(matchesFingerprints(der, [{ algorithm: 'sha-256', value: sha512 }]), false);
	assert.equal(matchesFingerprints(der, []), false);
});
