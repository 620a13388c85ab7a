/**
 * DTLS-SRTP through a WebRtcTransport with OpenSSL as the peer (RFC 5763/5764, RFC 8842): the
 * test passes ICE with our STUN builder from one UDP socket, then relays that socket's datagrams
 * to and from `openssl s_client` / `s_server` on loopback. Checks the role rule of connect(),
 * dtlsstatechange and dtlsRemoteCert, SRTP keys (openssl's exported material decrypts at the
 * worker), fingerprint mismatch → failed, bad SRTP tag counted, close_notify → closed.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mediasoup from '../../src';
import type { Worker } from '../../src/api/Worker';
import type { Router } from '../../src/api/Router';
import type { WebRtcTransport } from '../../src/api/WebRtcTransport';
import type { DtlsParameters } from '../../src/api/WebRtcTransportTypes';
import { generateCertificate, type DtlsCertificate } from '../../src/worker/certificate';
import { SrtpSession } from '../../src/proto/srtp';
import { closeWorker, waitFor } from '../api/transports/helpers';
import { TestPeer } from './peer';

let worker: Worker;
let router: Router;
const dir = mkdtempSync(join(tmpdir(), 'broth-webrtc-dtls-'));
const children = new Set<ChildProcess>();

before(async () => {
	worker = await mediasoup.createWorker();
	router = await worker.createRouter();
});

after(async () => {
	for (const child of children) {
		child.kill('SIGKILL');
	}
	rmSync(dir, { recursive: true, force: true });
	await closeWorker(worker);
});

type OpenSsl = { child: ChildProcess; output(): string; waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>; done: Promise<void> };

function openssl(args: string[], timeoutMs = 15000): OpenSsl {
	const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
	let out = '';
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);

	children.add(child);
	child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

	const done = new Promise<void>((resolve) =>
		child.on('close', () => {
			clearTimeout(timer);
			children.delete(child);
			resolve();
		}),
	);

	return {
		child,
		done,
		output: () => out,
		async waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
			const ok = await waitFor(() => re.test(out) || child.exitCode !== null, ms);
			const match = out.match(re);

			assert.ok(ok && match, `waiting for ${re} in openssl output:\n${out}`);

			return match;
		},
	};
}

function writePem(name: string, certificate: DtlsCertificate): { cert: string; key: string } {
	const cert = join(dir, `${name}.crt`);
	const key = join(dir, `${name}.key`);

	writeFileSync(cert, certificate.certificatePem);
	writeFileSync(key, certificate.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);

	return { cert, key };
}

/**
 * ICE from `peer`, then a relay: DTLS between the worker and openssl through the peer socket;
 * SRTP/SRTCP from the worker stays in `media` (openssl has nothing to do with it).
 */
class Relay {
	readonly socket: dgram.Socket;
	readonly peer: TestPeer;
	opensslAddress: { port: number; address: string } | undefined = undefined;

	constructor(socket: dgram.Socket, peer: TestPeer) {
		this.socket = socket;
		this.peer = peer;
		peer.onOther = (data) => {
			if (data[0]! >= 20 && data[0]! <= 63 && this.opensslAddress) {
				socket.send(data, this.opensslAddress.port, this.opensslAddress.address);
			}
		};
		socket.on('message', (data, rinfo) => {
			this.opensslAddress ??= { port: rinfo.port, address: rinfo.address };
			peer.send(data);
		});
	}

	static async create(transport: WebRtcTransport): Promise<Relay> {
		const peer = await TestPeer.udp(transport.iceCandidates[0]!.port);
		const { usernameFragment, password } = transport.iceParameters;
		const response = await peer.check({ localUfrag: usernameFragment, password, useCandidate: true });

		assert.equal(response?.errorCode, undefined);

		const socket = dgram.createSocket('udp4');

		await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));

		return new Relay(socket, peer);
	}

	get port(): number {
		return this.socket.address().port;
	}

	close(): void {
		this.peer.close();
		this.socket.close();
	}
}

function dtlsEvents(transport: WebRtcTransport): string[] {
	const states: string[] = [];

	transport.on('dtlsstatechange', (state) => states.push(state));

	return states;
}

async function refused(transport: WebRtcTransport): Promise<any> {
	return ((await transport.getStats())[0] as any).refused;
}

/** RFC 5764 section 4.2: client key | server key | client salt | server salt. */
function splitKeyingMaterial(hex: string, keyLength: number, saltLength: number): { client: Buffer; server: Buffer } {
	const m = Buffer.from(hex, 'hex');
	const clientKey = m.subarray(0, keyLength);
	const serverKey = m.subarray(keyLength, 2 * keyLength);
	const clientSalt = m.subarray(2 * keyLength, 2 * keyLength + saltLength);
	const serverSalt = m.subarray(2 * keyLength + saltLength, 2 * (keyLength + saltLength));

	return { client: Buffer.concat([clientKey, clientSalt]), server: Buffer.concat([serverKey, serverSalt]) };
}

function rtpPacket(seq: number, ssrc = 0x11223344): Buffer {
	const packet = Buffer.alloc(12 + 100, 0xab);

	packet[0] = 0x80;
	packet[1] = 96;
	packet.writeUInt16BE(seq, 2);
	packet.writeUInt32BE(seq * 960, 4);
	packet.writeUInt32BE(ssrc, 8);

	return packet;
}

function dtlsParametersOf(certificate: DtlsCertificate, role: DtlsParameters['role']): DtlsParameters {
	return {
		role,
		// A sha-1 one we do not match first, then sha-256: any signalled one may match.
		fingerprints: [
			{ algorithm: 'sha-1', value: '00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33' },
			certificate.fingerprints.find((f) => f.algorithm === 'sha-256')!,
		],
	};
}

test('openssl s_client (remote role client → we are server): handshake after ICE, SRTP keys agree, close_notify → closed', { timeout: 30000 }, async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const states = dtlsEvents(transport);
	const relay = await Relay.create(transport);
	const peerCert = generateCertificate();
	const files = writePem('client', peerCert);

	// openssl starts first: its ClientHello reaches the worker before connect() and is kept.
	const client = openssl([
		's_client', '-dtls1_2', '-connect', `127.0.0.1:${relay.port}`, '-use_srtp', 'SRTP_AES128_CM_SHA1_80',
		'-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-cert', files.cert, '-key', files.key,
	]);

	assert.ok(await waitFor(() => relay.opensslAddress !== undefined, 5000));
	await new Promise((resolve) => setTimeout(resolve, 100));

	const connectedAt = Date.now();

	await transport.connect({ dtlsParameters: dtlsParametersOf(peerCert, 'client') });
	assert.equal(transport.dtlsParameters.role, 'server');
	assert.ok(await waitFor(() => states.includes('connected'), 5000), `states: ${states}`);
	// The early ClientHello was replayed: no wait for openssl's 1 s retransmission.
	assert.ok(Date.now() - connectedAt < 900, `connected after ${Date.now() - connectedAt} ms`);
	assert.deepEqual(states, ['connecting', 'connected']);
	assert.equal(transport.dtlsState, 'connected');
	assert.equal(transport.dtlsRemoteCert?.trim(), peerCert.certificatePem.trim());

	const stats = (await transport.getStats())[0] as any;

	assert.equal(stats.dtlsState, 'connected');
	process.stdout.write(`# DTLS handshake (worker, server role, openssl peer): ${stats.dtlsHandshakeMs.toFixed(1)} ms\n`);

	// The peer's SRTP (openssl's exported keys, client write direction) decrypts at the worker.
	const material = (await client.waitFor(/Keying material:\s*([0-9A-Fa-f]+)/, 5000))[1]!;
	const { client: clientKey } = splitKeyingMaterial(material, 16, 14);
	const srtp = new SrtpSession('AES_CM_128_HMAC_SHA1_80', clientKey);

	for (let seq = 1; seq <= 5; ++seq) {
		relay.peer.send(srtp.protectRtp(rtpPacket(seq))!);
	}
	assert.ok(await waitFor(async () => (await refused(transport)).rtpPacketsReceived === 5));

	// A bad auth tag is refused and counted; a replay too.
	const good = srtp.protectRtp(rtpPacket(6))!;
	const bad = Buffer.from(good);

	bad[bad.length - 1]! ^= 0xff;
	relay.peer.send(bad);
	relay.peer.send(good);
	relay.peer.send(good);
	assert.ok(
		await waitFor(async () => {
			const r = await refused(transport);

			return r.srtpAuthFailures === 1 && r.srtpReplays === 1 && r.rtpPacketsReceived === 6;
		}),
		JSON.stringify(await refused(transport)),
	);

	// RFC 5246 7.2.1: openssl sends close_notify on EOF.
	client.child.stdin!.end();
	assert.ok(await waitFor(() => states.includes('closed'), 5000), `states: ${states}`);
	assert.deepEqual(states, ['connecting', 'connected', 'closed']);
	await client.done;
	relay.close();
	transport.close();
});

for (const remoteRole of ['server', 'auto'] as const) {
	test(`openssl s_server (remote role ${remoteRole} → we are client, as mediasoup): keys agree`, { timeout: 30000 }, async () => {
		const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
		const states = dtlsEvents(transport);
		const peerCert = generateCertificate();
		const files = writePem(`server-${remoteRole}`, peerCert);
		const server = openssl([
			's_server', '-dtls1_2', '-accept', '127.0.0.1:0', '-naccept', '1', '-use_srtp', 'SRTP_AEAD_AES_128_GCM',
			'-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '56', '-cert', files.cert, '-key', files.key,
			'-Verify', '1',
		]);
		const port = Number((await server.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/, 5000))[1]);
		const relay = await Relay.create(transport);

		relay.opensslAddress = { port, address: '127.0.0.1' };
		await transport.connect({ dtlsParameters: dtlsParametersOf(peerCert, remoteRole) });
		assert.equal(transport.dtlsParameters.role, 'client');
		assert.ok(await waitFor(() => states.includes('connected'), 5000), `states: ${states}`);
		assert.equal(transport.dtlsRemoteCert?.trim(), peerCert.certificatePem.trim());

		const material = (await server.waitFor(/Keying material:\s*([0-9A-Fa-f]+)/, 5000))[1]!;
		const { server: serverKey } = splitKeyingMaterial(material, 16, 12);
		const srtp = new SrtpSession('AEAD_AES_128_GCM', serverKey);

		relay.peer.send(srtp.protectRtp(rtpPacket(100))!);
		relay.peer.send(srtp.protectRtcp(Buffer.from([0x80, 200, 0, 6, 0x11, 0x22, 0x33, 0x44, ...Buffer.alloc(20)]))!);
		assert.ok(
			await waitFor(async () => {
				const r = await refused(transport);

				return r.rtpPacketsReceived === 1 && r.rtcpPacketsReceived === 1;
			}),
			JSON.stringify(await refused(transport)),
		);

		// Our close sends close_notify: s_server (-naccept 1) ends.
		transport.close();
		await server.done;
		relay.close();
	});
}

test('wrong DTLS fingerprint → dtlsstatechange failed, counted; no SRTP accepted', { timeout: 30000 }, async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const states = dtlsEvents(transport);
	const relay = await Relay.create(transport);
	const peerCert = generateCertificate();
	const otherCert = generateCertificate();
	const files = writePem('wrong', peerCert);

	await transport.connect({ dtlsParameters: dtlsParametersOf(otherCert, 'client') });

	const client = openssl([
		's_client', '-dtls1_2', '-connect', `127.0.0.1:${relay.port}`, '-use_srtp', 'SRTP_AES128_CM_SHA1_80',
		'-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60', '-cert', files.cert, '-key', files.key,
	]);

	assert.ok(await waitFor(() => states.includes('failed'), 5000), `states: ${states}`);
	assert.deepEqual(states, ['connecting', 'failed']);
	assert.equal(transport.dtlsState, 'failed');
	assert.equal(transport.dtlsRemoteCert, undefined);
	assert.equal((await refused(transport)).dtlsFingerprintMismatches, 1);

	// Whatever openssl derived, nothing is decrypted.
	const material = (await client.waitFor(/Keying material:\s*([0-9A-Fa-f]+)/, 5000))[1]!;
	const srtp = new SrtpSession('AES_CM_128_HMAC_SHA1_80', splitKeyingMaterial(material, 16, 14).client);

	relay.peer.send(srtp.protectRtp(rtpPacket(1))!);
	assert.ok(await waitFor(async () => (await refused(transport)).mediaBeforeDtls === 1));
	assert.equal((await refused(transport)).rtpPacketsReceived, 0);
	client.child.kill('SIGKILL');
	relay.close();
	transport.close();
});

test('no DTLS before ICE: datagrams from an unchecked tuple are dropped and counted', async () => {
	const transport = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	const states = dtlsEvents(transport);
	const peer = await TestPeer.udp(transport.iceCandidates[0]!.port);

	await transport.connect({ dtlsParameters: dtlsParametersOf(generateCertificate(), 'client') });
	// A DTLS record header (handshake, DTLS 1.2) and an SRTP-looking packet.
	peer.send(Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]));
	peer.send(rtpPacket(1));
	assert.ok(await waitFor(async () => (await refused(transport)).packetsFromUnknownTuples === 2));
	assert.deepEqual(states, []);
	assert.equal(transport.dtlsState, 'new');
	peer.close();
	transport.close();
});
