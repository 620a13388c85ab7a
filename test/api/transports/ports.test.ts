import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as mediasoup from '../../../src';
import type { Worker } from '../../../src/api/Worker';
import { closeWorker, fdCount, freeUdpTcpPort, mediaCodecs, socketFdCount, tcpConnects, waitFor } from './helpers';

const workers: Worker[] = [];

after(async () => {
	await Promise.all(workers.map((w) => closeWorker(w)));
});

async function newWorker(settings: Parameters<typeof mediasoup.createWorker>[0] = {}): Promise<Worker> {
	const worker = await mediasoup.createWorker(settings);

	workers.push(worker);

	return worker;
}

test('a worker with a single RTC port: the second transport rejects and no fd is left behind', async () => {
	const port = await freeUdpTcpPort();
	const worker = await newWorker({ rtcMinPort: port, rtcMaxPort: port });
	const router = await worker.createRouter({ mediaCodecs });

	const t1 = await router.createPlainTransport({ listenIp: '127.0.0.1' });

	assert.equal(t1.tuple.localPort, port);

	const fdsBefore = fdCount(worker.pid);
	const socketsBefore = socketFdCount(worker.pid);

	await assert.rejects(
		router.createPlainTransport({ listenIp: '127.0.0.1' }),
		(error: Error) => error.constructor === Error && /no more available ports/.test(error.message),
	);
	assert.equal(fdCount(worker.pid), fdsBefore);

	// A WebRtcTransport whose first listen info binds (TCP) and second one
	// cannot (UDP): the first server must be released too.
	await assert.rejects(
		router.createWebRtcTransport({
			listenInfos: [
				{ protocol: 'tcp', ip: '127.0.0.1' },
				{ protocol: 'udp', ip: '127.0.0.1' },
			],
		}),
		/no more available ports/,
	);
	assert.equal(fdCount(worker.pid), fdsBefore);
	assert.equal(socketFdCount(worker.pid), socketsBefore);

	t1.close();
	assert.ok(await waitFor(() => fdCount(worker.pid) === fdsBefore - 1));

	// A PlainTransport whose RTP socket binds but whose RTCP socket cannot.
	const t2 = await router.createWebRtcTransport({ listenInfos: [{ protocol: 'tcp', ip: '127.0.0.1' }] });

	assert.equal(t2.iceCandidates[0]!.port, port);

	const fdsWithTcp = fdCount(worker.pid);

	await assert.rejects(router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false }), /no more available ports/);
	assert.equal(fdCount(worker.pid), fdsWithTcp);
	t2.close();

	assert.ok(await waitFor(() => fdCount(worker.pid) === fdsBefore - 1));
	assert.deepEqual((await router.dump()).transportIds, []);

	// Everything released: the port works again.
	const t3 = await router.createPlainTransport({ listenIp: '127.0.0.1' });

	assert.equal(t3.tuple.localPort, port);
	t3.close();
});

test('closing transports releases their file descriptors', async () => {
	const worker = await newWorker();
	const router = await worker.createRouter({ mediaCodecs });
	const fdsBefore = fdCount(worker.pid);
	const transports = [];

	for (let i = 0; i < 10; ++i) {
		transports.push(
			await router.createWebRtcTransport({
				listenInfos: [
					{ protocol: 'udp', ip: '127.0.0.1' },
					{ protocol: 'tcp', ip: '127.0.0.1' },
				],
			}),
		);
	}
	transports.push(await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false }));
	transports.push(await router.createPipeTransport({ listenIp: '127.0.0.1' }));

	assert.ok(fdCount(worker.pid) >= fdsBefore + 23);

	const tcpPort = transports[0]!.type === 'webrtc' ? (transports[0] as any).iceCandidates[1].port : 0;

	for (const transport of transports) {
		transport.close();
	}

	assert.ok(await waitFor(() => fdCount(worker.pid) <= fdsBefore), `fds back to ${fdsBefore}`);
	assert.equal(await tcpConnects(tcpPort), false);
});

test('router.close() and worker.close() release sockets too', async () => {
	const worker = await newWorker();
	const router = await worker.createRouter({ mediaCodecs });
	const fdsBefore = fdCount(worker.pid);

	await router.createWebRtcTransport({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }] });
	await router.createPlainTransport({ listenIp: '127.0.0.1' });
	assert.equal(fdCount(worker.pid), fdsBefore + 2);

	router.close();
	assert.ok(await waitFor(() => fdCount(worker.pid) === fdsBefore));
});

test('DTLS fingerprints: those of the certificate file (as openssl computes them), the same in every transport', async (t) => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broth-cert-'));
	const certFile = path.join(dir, 'cert.pem');
	const keyFile = path.join(dir, 'key.pem');

	try {
		execFileSync(
			'openssl',
			[
				'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
				'-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', '/CN=broth-test',
			],
			{ stdio: 'ignore' },
		);
	} catch {
		t.skip('openssl not available');

		return;
	}

	const worker = await newWorker({ dtlsCertificateFile: certFile, dtlsPrivateKeyFile: keyFile });
	const router1 = await worker.createRouter({ mediaCodecs });
	const router2 = await worker.createRouter({ mediaCodecs });
	const t1 = await router1.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
	const t2 = await router2.createWebRtcTransport({ listenIps: ['127.0.0.1'] });

	for (const algorithm of ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'] as const) {
		const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', `-${algorithm.replace('-', '')}`, '-in', certFile], {
			encoding: 'utf8',
		});
		const expected = out.trim().split('=')[1]!.toUpperCase();
		const f1 = t1.dtlsParameters.fingerprints.find((f) => f.algorithm === algorithm);
		const f2 = t2.dtlsParameters.fingerprints.find((f) => f.algorithm === algorithm);

		assert.equal(f1?.value, expected, algorithm);
		assert.equal(f2?.value, expected, algorithm);
	}

	fs.rmSync(dir, { recursive: true, force: true });
});

test('without a certificate file every transport of a worker shows the same generated fingerprints', async () => {
	const worker = await newWorker();
	const router = await worker.createRouter({ mediaCodecs });
	const t1 = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'] });
	const t2 = await router.createWebRtcTransport({ listenIps: ['127.0.0.1'] });

	assert.equal(t1.dtlsParameters.fingerprints.length, 5);
	assert.deepEqual(t1.dtlsParameters.fingerprints, t2.dtlsParameters.fingerprints);

	const other = await newWorker();
	const otherRouter = await other.createRouter({ mediaCodecs });
	const t3 = await otherRouter.createWebRtcTransport({ listenIps: ['127.0.0.1'] });

	// Each worker generates its own certificate.
	assert.notDeepEqual(t3.dtlsParameters.fingerprints, t1.dtlsParameters.fingerprints);
});
