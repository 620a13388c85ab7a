/** Handshakes between two of our endpoints (RFC 6347 section 4.2) over a simulated lossy network. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtlsEndpoint, type DtlsConnectedEvent, type DtlsEvent } from '../../../src/proto/dtls/index.js';
import { ecCertificate, runPair } from './helpers.js';

function connected(events: DtlsEvent[]): DtlsConnectedEvent {
	const e = events.find((x): x is DtlsConnectedEvent => x.type === 'connected');
	assert.ok(e, `not connected: ${JSON.stringify(events)}`);
	return e;
}

test('basic handshake, ECDSA, defaults', () => {
	const cc = ecCertificate();
	const sc = ecCertificate();
	const client = new DtlsEndpoint({ role: 'client', certificate: cc });
	const server = new DtlsEndpoint({ role: 'server', certificate: sc });
	const r = runPair(client, server);
	const c = connected(r.clientEvents);
	const s = connected(r.serverEvents);
	assert.equal(c.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
	assert.deepEqual(c.srtp!.keyingMaterial, s.srtp!.keyingMaterial);
	assert.equal(c.srtp!.profileName, 'AEAD_AES_256_GCM');
	assert.deepEqual(c.peerCertificate, sc.certificateDer);
	assert.deepEqual(s.peerCertificate, cc.certificateDer);
	assert.ok(client.send(Buffer.from('hello')));
	server.handleDatagram(client.pollOutgoing()!, r.nowMs);
	assert.deepEqual(server.pollEvent(), { type: 'applicationData', data: Buffer.from('hello') });
});
