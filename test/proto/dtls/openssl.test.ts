/**
 * Interop with a real peer: OpenSSL's s_client and s_server (DTLS 1.2, use_srtp, exporter) over
 * loopback UDP, each direction. openssl is a test dependency; without it these tests fail.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtlsEndpoint, type DtlsConnectedEvent, type DtlsEvent, type DtlsLocalCertificate } from '../../../src/proto/dtls/index.js';
import { generateCertificate } from '../../../src/worker/certificate.js';
import { rsaCertificate } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'broth-dtls-openssl-'));
const children = new Set<ChildProcess>();
after(() => {
	for (const c of children) c.kill('SIGKILL');
	rmSync(dir, { recursive: true, force: true });
});

function writePem(name: string, cert: DtlsLocalCertificate): { cert: string; key: string } {
	const certPath = join(dir, `${name}.crt`);
	const keyPath = join(dir, `${name}.key`);
	const b64 = cert.certificateDer.toString('base64').replace(/.{64}/g, '$&\n');
	writeFileSync(certPath, `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
	writeFileSync(keyPath, cert.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
	return { cert: certPath, key: keyPath };
}

interface Child {
	child: ChildProcess;
	output(): string;
	waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>;
	done: Promise<number | null>;
}

function openssl(args: string[], timeoutMs: number): Child {
	const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
	children.add(child);
	let out = '';
	const waiters: Array<() => void> = [];
	const onData = (d: Buffer): void => {
		out += d.toString();
		for (const w of waiters.splice(0)) w();
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const done = new Promise<number | null>((resolve) =>
		child.on('close', (code) => {
			clearTimeout(timer);
			children.delete(child);
			for (const w of waiters.splice(0)) w();
			resolve(code);
		})
	);
	return {
		child,
		output: () => out,
		done,
		waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
			return new Promise((resolve, reject) => {
				const t = setTimeout(() => reject(new Error(`timeout waiting for ${re} in:\n${out}`)), ms);
				const check = (): void => {
					const m = out.match(re);
					if (m) {
						clearTimeout(t);
						resolve(m);
					} else if (child.exitCode !== null || child.signalCode !== null) {
						clearTimeout(t);
						reject(new Error(`openssl exited before ${re}:\n${out}`));
					} else waiters.push(check);
				};
				check();
			});
		},
	};
}

/** Drives a DtlsEndpoint from a UDP socket with real timers. */
class UdpDriver {
	events: DtlsEvent[] = [];
	maxDatagram = 0;
	private timer: NodeJS.Timeout | undefined;
	private waiters: Array<() => void> = [];
	peer: { port: number; address: string } | undefined;

	constructor(
		readonly socket: Socket,
		readonly endpoint: DtlsEndpoint
	) {
		socket.on('message', (msg, rinfo) => {
			this.peer ??= { port: rinfo.port, address: rinfo.address };
			endpoint.handleDatagram(msg, Date.now());
			this.flush();
		});
	}

	flush(): void {
		for (let d = this.endpoint.pollOutgoing(); d !== undefined; d = this.endpoint.pollOutgoing()) {
			this.maxDatagram = Math.max(this.maxDatagram, d.length);
			if (this.peer) this.socket.send(d, this.peer.port, this.peer.address);
		}
		for (let e = this.endpoint.pollEvent(); e !== undefined; e = this.endpoint.pollEvent()) this.events.push(e);
		for (const w of this.waiters.splice(0)) w();
		if (this.timer) clearTimeout(this.timer);
		const at = this.endpoint.nextTimeoutMs();
		if (at !== undefined) {
			this.timer = setTimeout(() => {
				this.endpoint.handleTimeout(Date.now());
				this.flush();
			}, Math.max(0, at - Date.now()));
		}
	}

	waitEvent<T extends DtlsEvent['type']>(type: T, ms: number): Promise<Extract<DtlsEvent, { type: T }>> {
		return new Promise((resolve, reject) => {
			const t = setTimeout(() => reject(new Error(`timeout waiting for ${type}: ${JSON.stringify(this.events)}`)), ms);
			const check = (): void => {
				const e = this.events.find((x) => x.type === type);
				if (e) {
					clearTimeout(t);
					resolve(e as Extract<DtlsEvent, { type: T }>);
				} else this.waiters.push(check);
			};
			check();
		});
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.socket.close();
	}
}

async function bind(): Promise<Socket> {
	const s = createSocket('udp4');
	await new Promise<void>((resolve, reject) => {
		s.once('error', reject);
		s.bind(0, '127.0.0.1', () => resolve());
	});
	return s;
}

const OPENSSL_PROFILE: Record<string, string> = {
	AES_CM_128_HMAC_SHA1_80: 'SRTP_AES128_CM_SHA1_80',
	AES_CM_128_HMAC_SHA1_32: 'SRTP_AES128_CM_SHA1_32',
	AEAD_AES_128_GCM: 'SRTP_AEAD_AES_128_GCM',
	AEAD_AES_256_GCM: 'SRTP_AEAD_AES_256_GCM',
};

function exported(output: string): string {
	const m = output.match(/Keying material:\s*([0-9A-Fa-f]+)/);
	assert.ok(m, `no keying material in openssl output:\n${output}`);
	return m[1].toUpperCase();
}

interface Case {
	name: string;
	key: 'ec' | 'rsa';
	profile: string;
	len: number;
	extra: string[];
	suite: string;
	group: number;
	/** Our MTU (openssl gets the same with -mtu), small to force handshake fragmentation both ways. */
	mtu?: number;
}

const cases: Case[] = [
	{ name: 'ECDSA, SRTP_AES128_CM_SHA1_80, defaults', key: 'ec', profile: 'SRTP_AES128_CM_SHA1_80', len: 60, extra: [], suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', group: 0x1d },
	{ name: 'ECDSA, P-256, AES-256-GCM suite, AEAD_AES_256_GCM', key: 'ec', profile: 'SRTP_AEAD_AES_256_GCM', len: 88, extra: ['-curves', 'prime256v1', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384'], suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', group: 0x17 },
	{ name: 'RSA, X25519, AEAD_AES_128_GCM', key: 'rsa', profile: 'SRTP_AEAD_AES_128_GCM', len: 56, extra: ['-curves', 'X25519'], suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', group: 0x1d },
	{ name: 'RSA, MTU 400: fragmented certificates both ways', key: 'rsa', profile: 'SRTP_AES128_CM_SHA1_80', len: 60, extra: ['-mtu', '400'], suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', group: 0x1d, mtu: 400 },
	{ name: 'RSA, RSA-PSS signatures only, AES-256-GCM, SRTP_AES128_CM_SHA1_32', key: 'rsa', profile: 'SRTP_AES128_CM_SHA1_32', len: 60, extra: ['-sigalgs', 'RSA-PSS+SHA256', '-cipher', 'ECDHE-RSA-AES256-GCM-SHA384'], suite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', group: 0x1d },
];

for (const c of cases) {
	test(`our server against openssl s_client: ${c.name}`, { timeout: 20_000 }, async () => {
		const serverCert = c.key === 'ec' ? generateCertificate() : rsaCertificate();
		const clientCert = c.key === 'ec' ? generateCertificate() : rsaCertificate();
		const files = writePem(`client-${c.key}`, clientCert);
		const socket = await bind();
		const endpoint = new DtlsEndpoint({ role: 'server', certificate: serverCert, mtu: c.mtu });
		const driver = new UdpDriver(socket, endpoint);
		try {
			const port = socket.address().port;
			const client = openssl(
				['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-use_srtp', c.profile, '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', String(c.len), '-cert', files.cert, '-key', files.key, ...c.extra],
				15_000
			);
			const ev = (await driver.waitEvent('connected', 10_000)) as DtlsConnectedEvent;
			if (c.mtu !== undefined) assert.ok(driver.maxDatagram <= c.mtu, `sent ${driver.maxDatagram} bytes`);
			await client.waitFor(/Keying material:\s*[0-9A-Fa-f]+/, 5000);
			assert.equal(OPENSSL_PROFILE[ev.srtp!.profileName], c.profile);
			assert.match(client.output(), new RegExp(`SRTP Extension negotiated, profile=${c.profile}`));
			assert.equal(exported(client.output()), ev.srtp!.keyingMaterial.toString('hex').toUpperCase());
			assert.equal(ev.srtp!.keyingMaterial.length, c.len);
			assert.equal(ev.cipherSuite, c.suite);
			assert.equal(ev.namedGroup, c.group);
			assert.deepEqual(ev.peerCertificate, clientCert.certificateDer);
			assert.ok(ev.extendedMasterSecret);
			// Application data both ways.
			client.child.stdin!.write('ping from openssl\n');
			const data = await driver.waitEvent('applicationData', 5000);
			assert.equal(data.data.toString(), 'ping from openssl\n');
			assert.ok(endpoint.send(Buffer.from('pong from broth\n')));
			driver.flush();
			await client.waitFor(/pong from broth/, 5000);
			client.child.stdin!.end(); // s_client sends close_notify on EOF
			await driver.waitEvent('closed', 5000);
			await client.done;
		} finally {
			driver.stop();
		}
	});
}

for (const c of cases) {
	test(`our client against openssl s_server -Verify 1: ${c.name}`, { timeout: 20_000 }, async () => {
		const serverCert = c.key === 'ec' ? generateCertificate() : rsaCertificate();
		const clientCert = c.key === 'ec' ? generateCertificate() : rsaCertificate();
		const files = writePem(`server-${c.key}`, serverCert);
		const server = openssl(
			['s_server', '-dtls1_2', '-accept', '127.0.0.1:0', '-naccept', '1', '-use_srtp', c.profile, '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', String(c.len), '-cert', files.cert, '-key', files.key, '-Verify', '1', ...c.extra],
			15_000
		);
		const port = Number((await server.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/, 5000))[1]);
		const socket = await bind();
		const endpoint = new DtlsEndpoint({ role: 'client', certificate: clientCert, mtu: c.mtu });
		const driver = new UdpDriver(socket, endpoint);
		driver.peer = { port, address: '127.0.0.1' };
		try {
			endpoint.start(Date.now());
			driver.flush();
			const ev = (await driver.waitEvent('connected', 10_000)) as DtlsConnectedEvent;
			await server.waitFor(/Keying material:\s*[0-9A-Fa-f]+/, 5000);
			assert.equal(OPENSSL_PROFILE[ev.srtp!.profileName], c.profile);
			assert.match(server.output(), new RegExp(`SRTP Extension negotiated, profile=${c.profile}`));
			assert.equal(exported(server.output()), ev.srtp!.keyingMaterial.toString('hex').toUpperCase());
			assert.equal(ev.cipherSuite, c.suite);
			assert.equal(ev.namedGroup, c.group);
			assert.deepEqual(ev.peerCertificate, serverCert.certificateDer);
			assert.ok(endpoint.send(Buffer.from('ping from broth\n')));
			driver.flush();
			await server.waitFor(/ping from broth/, 5000);
			server.child.stdin!.write('pong from openssl\n');
			const data = await driver.waitEvent('applicationData', 5000);
			assert.equal(data.data.toString(), 'pong from openssl\n');
			endpoint.close();
			driver.flush();
			await server.done;
		} finally {
			driver.stop();
			server.child.kill('SIGKILL');
		}
	});
}
