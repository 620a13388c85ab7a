/** Handshakes between two of our endpoints (RFC 6347 section 4.2) over a simulated lossy network. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	AlertDescription,
	DtlsEndpoint,
	HandshakeType,
	encodeClientHello,
	encodeU16List,
	encodeUseSrtp,
	fragmentMessage,
	encodePlainRecord,
	parseHandshakeFragments,
	parseRecords,
	parseServerHello,
	type DtlsConnectedEvent,
	type DtlsEndpointOptions,
	type DtlsEvent,
} from '../../../src/proto/dtls/index.js';
import { drainEvents, ecCertificate, rsaCertificate, runPair } from './helpers.js';

function connected(events: DtlsEvent[]): DtlsConnectedEvent {
	const e = events.find((x): x is DtlsConnectedEvent => x.type === 'connected');
	assert.ok(e, `not connected: ${JSON.stringify(events.map((x) => (x.type === 'failed' ? x : x.type)))}`);
	return e;
}

function pair(client: Partial<DtlsEndpointOptions> = {}, server: Partial<DtlsEndpointOptions> = {}): [DtlsEndpoint, DtlsEndpoint] {
	return [
		new DtlsEndpoint({ role: 'client', certificate: ecCertificate(), ...client }),
		new DtlsEndpoint({ role: 'server', certificate: ecCertificate(), ...server }),
	];
}

function exchange(a: DtlsEndpoint, b: DtlsEndpoint, text: string, nowMs: number): void {
	assert.ok(a.send(Buffer.from(text)));
	b.handleDatagram(a.pollOutgoing()!, nowMs);
	const ev = b.pollEvent();
	assert.deepEqual(ev, { type: 'applicationData', data: Buffer.from(text) });
}

const SUITES = [0xc02b, 0xc02c, 0xc02f, 0xc030];
const GROUPS = [0x001d, 0x0017];
const PROFILES = [0x0001, 0x0002, 0x0007, 0x0008];
const KM_LENGTH: Record<number, number> = { 1: 60, 2: 60, 7: 56, 8: 88 };

test('every suite x group x SRTP profile, both roles agree (RFC 5764 4.2 keying material)', () => {
	for (const suite of SUITES) {
		const rsa = suite === 0xc02f || suite === 0xc030;
		for (const group of GROUPS) {
			for (const profile of PROFILES) {
				const clientCert = rsa ? ecCertificate() : rsaCertificate(); // mixed key types on purpose
				const serverCert = rsa ? rsaCertificate() : ecCertificate();
				const client = new DtlsEndpoint({ role: 'client', certificate: clientCert, cipherSuites: [suite], groups: [group], srtpProfiles: [profile] });
				const server = new DtlsEndpoint({ role: 'server', certificate: serverCert });
				const r = runPair(client, server);
				const c = connected(r.clientEvents);
				const s = connected(r.serverEvents);
				assert.equal(c.cipherSuiteId, suite);
				assert.equal(s.cipherSuiteId, suite);
				assert.equal(c.namedGroup, group);
				assert.equal(s.namedGroup, group);
				assert.equal(c.srtp!.profile, profile);
				assert.equal(s.srtp!.keyingMaterial.length, KM_LENGTH[profile]);
				assert.deepEqual(c.srtp!.keyingMaterial, s.srtp!.keyingMaterial);
				assert.deepEqual(c.srtp!.localKey, s.srtp!.remoteKey);
				assert.deepEqual(c.srtp!.localSalt, s.srtp!.remoteSalt);
				assert.deepEqual(s.srtp!.localKey, c.srtp!.remoteKey);
				assert.deepEqual(Buffer.concat([c.srtp!.clientWriteKey, c.srtp!.serverWriteKey, c.srtp!.clientWriteSalt, c.srtp!.serverWriteSalt]), c.srtp!.keyingMaterial);
				assert.deepEqual(c.srtp!.keyingMaterial, client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', KM_LENGTH[profile]));
				assert.deepEqual(c.peerCertificate, serverCert.certificateDer);
				assert.deepEqual(s.peerCertificate, clientCert.certificateDer);
				assert.ok(c.extendedMasterSecret && s.extendedMasterSecret);
				exchange(client, server, 'c->s', r.nowMs);
				exchange(server, client, 's->c', r.nowMs);
			}
		}
	}
});

test('server preference picks the SRTP profile and suite (RFC 5764 4.1.1)', () => {
	const [client, server] = pair({ srtpProfiles: [1, 2, 7, 8], cipherSuites: [0xc02c, 0xc02b] }, { srtpProfiles: [7, 1], cipherSuites: [0xc02b, 0xc02c] });
	const r = runPair(client, server);
	assert.equal(connected(r.clientEvents).srtp!.profileName, 'AEAD_AES_128_GCM');
	assert.equal(connected(r.clientEvents).cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
});

test('no common SRTP profile: connected without SRTP keys', () => {
	const [client, server] = pair({ srtpProfiles: [1] }, { srtpProfiles: [7] });
	const r = runPair(client, server);
	assert.equal(connected(r.clientEvents).srtp, undefined);
	assert.equal(connected(r.serverEvents).srtp, undefined);
});

test('handshake completes through datagram loss and reordering (RFC 6347 4.2.4 retransmission)', () => {
	let retransmissions = 0;
	let worst = 0;
	for (let seed = 1; seed <= 60; seed++) {
		const rsa = seed % 3 === 0;
		// 30% loss can swallow 8 flights in a row now and then (seed 50 does): allow more tries.
		const [client, server] = pair({ mtu: rsa ? 500 : 1200, maxRetransmissions: 12 }, { ...(rsa ? { certificate: rsaCertificate(), mtu: 500 } : {}), maxRetransmissions: 12 });
		const r = runPair(client, server, { loss: 0.3, seed, reorder: true });
		connected(r.clientEvents);
		connected(r.serverEvents);
		exchange(client, server, `seed ${seed}`, r.nowMs);
		retransmissions += client.stats.timeoutRetransmissions + server.stats.timeoutRetransmissions + client.stats.peerTriggeredRetransmissions + server.stats.peerTriggeredRetransmissions;
		worst = Math.max(worst, r.nowMs);
	}
	assert.ok(retransmissions > 20, `${retransmissions} retransmissions`);
	assert.ok(worst < 600_000);
});

test("server's last flight lost: client times out, resends flight 5, server answers with flight 6 again", () => {
	const [client, server] = pair();
	let serverDatagrams = 0;
	let dropped = false;
	const r = runPair(client, server, {
		mutate: (d, from) => {
			if (from === 'server' && ++serverDatagrams === 3 && !dropped) {
				dropped = true; // HelloVerifyRequest, flight 4, then flight 6: drop flight 6
				return [];
			}
			return [d];
		},
	});
	assert.ok(dropped);
	connected(r.clientEvents);
	connected(r.serverEvents);
	assert.equal(client.stats.timeoutRetransmissions, 1);
	assert.equal(server.stats.peerTriggeredRetransmissions, 1);
	assert.equal(r.nowMs, 1000, 'one initial timer period (RFC 6347 4.2.4.1: 1 s)');
});

test('timer doubles from 1 s up to 60 s, then the handshake fails', () => {
	const client = new DtlsEndpoint({ role: 'client', certificate: ecCertificate(), maxRetransmissions: 9 });
	client.start(0);
	const intervals: number[] = [];
	let last = 0;
	let sent = 0;
	while (client.state === 'handshaking') {
		while (client.pollOutgoing()) sent++;
		const t = client.nextTimeoutMs();
		assert.ok(t !== undefined);
		intervals.push(t - last);
		last = t;
		client.handleTimeout(t - 1); // early: nothing happens
		client.handleTimeout(t);
	}
	assert.deepEqual(intervals, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
	assert.equal(sent, 10);
	const ev: DtlsEvent[] = [];
	drainEvents(client, ev);
	assert.deepEqual(ev, [{ type: 'failed', reason: 'handshake timed out', sentAlert: undefined }]);
	assert.equal(client.nextTimeoutMs(), undefined);
});

test('without HelloVerifyRequest, and without client certificate', () => {
	const [client, server] = pair({}, { helloVerify: false, requestClientCertificate: false });
	const r = runPair(client, server);
	assert.equal(connected(r.serverEvents).peerCertificate, undefined);
	assert.ok(connected(r.clientEvents).peerCertificate);
	assert.equal(r.datagrams, 4, 'CH, flight 4, flight 5, flight 6');
});

test('every handshake record split into two fragments, each in its own datagram (Chromium-style)', () => {
	const [client, server] = pair({ mtu: 1200 }, { certificate: rsaCertificate() });
	const split = (d: Buffer): Buffer[] => {
		const out: Buffer[] = [];
		for (const rec of parseRecords(d).records) {
			const frags = rec.type === 22 && rec.epoch === 0 ? parseHandshakeFragments(rec.fragment) : undefined;
			if (frags === undefined || frags.length !== 1 || frags[0].length < 2) {
				const copy = Buffer.concat([rec.header, rec.fragment]);
				if (rec.epoch === 0) copy.writeUIntBE(rec.seq * 2, 5, 6); // keep record numbers unique
				out.push(copy);
				continue;
			}
			const f = frags[0];
			const half = Math.ceil(f.length / 2);
			fragmentMessage(f.msgType, f.messageSeq, f.body, half).forEach((piece, i) => out.push(encodePlainRecord(22, rec.version, 0, rec.seq * 2 + i, piece)));
		}
		return out.reverse(); // second half first
	};
	const r = runPair(client, server, { mutate: (d) => split(d) });
	connected(r.clientEvents);
	connected(r.serverEvents);
});

test('a DTLS 1.3 ClientHello (supported_versions, key_share, TLS 1.3 suites) in two records gets a DTLS 1.2 ServerHello', () => {
	const server = new DtlsEndpoint({ role: 'server', certificate: ecCertificate(), helloVerify: false });
	const body = encodeClientHello({
		clientVersion: 0xfefd,
		random: Buffer.alloc(32, 0x5a),
		sessionId: Buffer.alloc(0),
		cookie: Buffer.alloc(0),
		cipherSuites: [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc00a],
		compressionMethods: Buffer.from([0]),
		extensions: [
			{ type: 43, data: Buffer.from([4, 0xfe, 0xfc, 0xfe, 0xfd]) }, // supported_versions: DTLS 1.3, 1.2
			{ type: 51, data: Buffer.concat([Buffer.from([0x04, 0xc4, 0x11, 0xec, 0x04, 0xc0]), Buffer.alloc(1216, 1)]) }, // a big key_share
			{ type: 10, data: encodeU16List([0x11ec, 0x001d, 0x0017]) },
			{ type: 13, data: encodeU16List([0x0403, 0x0804, 0x0401]) },
			{ type: 14, data: encodeUseSrtp([0x0007, 0x0001]) },
			{ type: 23, data: Buffer.alloc(0) },
			{ type: 0xff01, data: Buffer.from([0]) },
		],
	});
	const [first, second] = fragmentMessage(HandshakeType.ClientHello, 0, body, Math.ceil(body.length / 2));
	server.handleDatagram(encodePlainRecord(22, 0xfefd, 0, 0, first), 0);
	assert.equal(server.pollOutgoing(), undefined, 'waits for the rest');
	server.handleDatagram(encodePlainRecord(22, 0xfefd, 0, 1, second), 0);
	const out = server.pollOutgoing()!;
	const rec = parseRecords(out).records[0];
	const frag = parseHandshakeFragments(rec.fragment)![0];
	assert.equal(frag.msgType, HandshakeType.ServerHello);
	const sh = parseServerHello(frag.body)!;
	assert.equal(sh.serverVersion, 0xfefd);
	assert.equal(sh.cipherSuite, 0xc02b);
	assert.deepEqual(sh.extensions.map((e) => e.type).sort((a, b) => a - b), [14, 23, 0xff01]);
	// A DTLS 1.2-only server must not put the RFC 8446 4.1.3 downgrade sentinel in its random.
	assert.notEqual(sh.random.subarray(24).toString('hex'), '444f574e47524401');
});

test('no common suite: server sends a fatal handshake_failure alert, client reports it', () => {
	const [client, server] = pair({ cipherSuites: [0xc02f] }); // RSA suite, server has an EC key
	const r = runPair(client, server);
	const sf = r.serverEvents.find((e) => e.type === 'failed');
	const cf = r.clientEvents.find((e) => e.type === 'failed');
	assert.deepEqual(sf && sf.type === 'failed' && sf.sentAlert, AlertDescription.HandshakeFailure);
	assert.deepEqual(cf && cf.type === 'failed' && cf.receivedAlert, AlertDescription.HandshakeFailure);
});

test('close_notify both ways; replayed and forged records after the handshake are dropped', () => {
	const [client, server] = pair();
	const r = runPair(client, server);
	connected(r.serverEvents);
	assert.ok(client.send(Buffer.from('once')));
	const d = client.pollOutgoing()!;
	server.handleDatagram(d, r.nowMs);
	server.handleDatagram(d, r.nowMs); // replay
	assert.equal(server.stats.replayed, 1);
	const forged = Buffer.from(d);
	forged[forged.length - 1] ^= 1;
	forged.writeUIntBE(99, 5, 6);
	server.handleDatagram(forged, r.nowMs);
	assert.equal(server.stats.decryptFailures, 1);
	// An unprotected fatal alert after the handshake is ignored.
	server.handleDatagram(encodePlainRecord(21, 0xfefd, 0, 500, Buffer.from([2, 40])), r.nowMs);
	const ev: DtlsEvent[] = [];
	drainEvents(server, ev);
	assert.deepEqual(ev, [{ type: 'applicationData', data: Buffer.from('once') }]);
	assert.equal(server.state, 'connected');
	client.close();
	server.handleDatagram(client.pollOutgoing()!, r.nowMs);
	assert.deepEqual(server.pollEvent(), { type: 'closed', byPeer: true });
	assert.equal(server.state, 'closed');
	assert.ok(server.pollOutgoing(), 'answers with its own close_notify');
	assert.equal(server.send(Buffer.from('x')), false);
});

test('tampered ServerKeyExchange signature: decrypt_error', () => {
	const [client, server] = pair({}, { helloVerify: false });
	const r = runPair(client, server, {
		mutate: (d, from) => {
			if (from === 'server' && parseRecords(d).records.length >= 4) {
				const x = Buffer.from(d);
				// Flip a byte inside the ServerKeyExchange (third record: SH, Certificate, SKE...).
				const recs = parseRecords(x).records;
				const ske = recs[2];
				ske.fragment[ske.fragment.length - 5] ^= 0xff;
				return [x];
			}
			return [d];
		},
	});
	const cf = r.clientEvents.find((e) => e.type === 'failed');
	assert.ok(cf && cf.type === 'failed' && cf.sentAlert === AlertDescription.DecryptError, JSON.stringify(r.clientEvents));
});
