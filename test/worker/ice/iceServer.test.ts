import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IceServer, iceTupleKey, type IceState, type IceTuple } from '../../../src/worker/ice/IceServer';
import {
	StunClass,
	StunMethod,
	buildStunMessage,
	checkFingerprint,
	checkMessageIntegrity,
	computeFingerprint,
	computeMessageIntegrity,
	parseStunMessage,
	type StunMessage,
	type StunMessageInit,
} from '../../../src/proto/stun';

const UFRAG = 'localufrag1234';
const PWD = 'localpassword0123456789abc';
const REMOTE = 'remoteufrag';

function tuple(remotePort: number, protocol: 'udp' | 'tcp' = 'udp', remoteIp = '127.0.0.1'): IceTuple {
	return { localAddress: '127.0.0.1', localPort: 40000, remoteIp, remotePort, protocol };
}

type Events = { states: IceState[]; selected: string[]; added: string[]; removed: string[]; ufragAdded: string[]; ufragRemoved: string[] };

function makeServer(consentTimeoutSeconds?: number): { server: IceServer<string>; events: Events } {
	const events: Events = { states: [], selected: [], added: [], removed: [], ufragAdded: [], ufragRemoved: [] };
	const server = new IceServer<string>(
		{ usernameFragment: UFRAG, password: PWD, consentTimeoutSeconds },
		{
			onStateChange: (state) => events.states.push(state),
			onSelectedTuple: (t, source) => events.selected.push(`${source}:${t.remotePort}`),
			onTupleAdded: (t) => events.added.push(iceTupleKey(t)),
			onTupleRemoved: (t) => events.removed.push(iceTupleKey(t)),
			onUsernameFragmentAdded: (u) => events.ufragAdded.push(u),
			onUsernameFragmentRemoved: (u) => events.ufragRemoved.push(u),
		},
	);

	return { server, events };
}

type CheckOptions = Partial<StunMessageInit> & { password?: string | null; fingerprint?: boolean };

/** A connectivity check as a controlling full agent (Chromium) sends it, RFC 8445 section 7.1. */
function check(options: CheckOptions = {}): StunMessage {
	const { password = PWD, fingerprint = true, ...init } = options;
	const raw = buildStunMessage(
		{
			method: StunMethod.Binding,
			messageClass: StunClass.Request,
			transactionId: randomBytes(12),
			username: `${UFRAG}:${REMOTE}`,
			priority: 1853824767,
			iceControlling: randomBytes(8),
			...init,
		},
		{ integrityKey: password === null ? undefined : password, fingerprint },
	);

	return parseStunMessage(raw)!;
}

function answer(server: IceServer<string>, message: StunMessage, t: IceTuple, nowMs: number, source = 'S'): StunMessage {
	const raw = server.handleStunMessage(message, t, source, nowMs);

	assert.ok(raw, 'expected a response');

	const response = parseStunMessage(raw)!;

	assert.ok(response);
	assert.ok(checkFingerprint(response));
	assert.deepEqual(response.transactionId, message.transactionId);

	return response;
}

test('RFC 8445 7.3: an authenticated check gets a success response with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT', () => {
	const { server, events } = makeServer();
	const request = check();
	const response = answer(server, request, tuple(5555, 'udp', '127.0.0.9'), 0);

	assert.equal(response.messageClass, StunClass.SuccessResponse);
	assert.equal(response.method, StunMethod.Binding);
	assert.deepEqual(response.xorMappedAddress, { family: 'IPv4', address: '127.0.0.9', port: 5555 });
	assert.ok(checkMessageIntegrity(response, PWD));
	assert.equal(server.stats.successResponses, 1);
	// mediasoup: the first valid check (not nominated) selects the tuple and connects.
	assert.deepEqual(events.states, ['connected']);
	assert.deepEqual(events.selected, ['S:5555']);
	assert.equal(server.selectedTuple?.remoteIp, '127.0.0.9');
});

test('IPv6 tuples map to an IPv6 XOR-MAPPED-ADDRESS (RFC 5389 15.2: XOR with cookie and transaction id)', () => {
	const { server } = makeServer();
	const response = answer(server, check(), tuple(6000, 'udp', '::1'), 0);

	assert.deepEqual(response.xorMappedAddress, { family: 'IPv6', address: '::1', port: 6000 });
});

test('400 Bad Request for a check without USERNAME, MESSAGE-INTEGRITY, PRIORITY or FINGERPRINT, or another method', () => {
	const { server, events } = makeServer();
	const bad: StunMessage[] = [
		check({ username: undefined }),
		check({ password: null }),
		check({ priority: undefined }),
		check({ fingerprint: false }),
		check({ method: 0x003 }),
	];

	for (const message of bad) {
		const response = answer(server, message, tuple(1000), 0);

		assert.equal(response.messageClass, StunClass.ErrorResponse);
		assert.equal(response.errorCode, 400);
		// RFC 5389 10.1.2: not authenticated, so no MESSAGE-INTEGRITY on the error.
		assert.equal(response.messageIntegrityOffset, -1);
	}
	assert.equal(server.stats.badRequests, bad.length);
	assert.deepEqual(events.states, []);
	assert.equal(server.tupleCount, 0);
});

test('401 Unauthorized for a wrong password or an unknown username fragment; counted, no tuple learnt', () => {
	const { server, events } = makeServer();
	const wrong = [
		check({ password: 'wrongpassword0123456789xx' }),
		check({ username: `other:${REMOTE}` }),
		check({ username: UFRAG }),
		// The ufrag must be the whole part before the colon.
		check({ username: `${UFRAG}x:${REMOTE}` }),
	];

	for (const message of wrong) {
		const response = answer(server, message, tuple(1000), 0);

		assert.equal(response.errorCode, 401);
		assert.equal(response.errorReason, 'Unauthorized');
	}
	assert.equal(server.stats.unauthorized, wrong.length);
	assert.equal(server.tupleCount, 0);
	assert.deepEqual(events.states, []);
});

test('487 Role Conflict (RFC 8445 7.3.1.1): a peer claiming ICE-CONTROLLED; the error is authenticated', () => {
	const { server, events } = makeServer();
	const response = answer(server, check({ iceControlling: undefined, iceControlled: randomBytes(8) }), tuple(1000), 0);

	assert.equal(response.errorCode, 487);
	assert.ok(checkMessageIntegrity(response, PWD));
	assert.equal(server.stats.roleConflicts, 1);
	assert.equal(server.tupleCount, 0);
	assert.deepEqual(events.states, []);
});

test('420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes (RFC 5389 7.3.1)', () => {
	const { server } = makeServer();
	const plain = buildStunMessage({
		messageClass: StunClass.Request,
		transactionId: randomBytes(12),
		username: `${UFRAG}:${REMOTE}`,
		priority: 1,
	});
	// An unknown 0x7777 attribute, then MESSAGE-INTEGRITY and FINGERPRINT over it all.
	const raw = Buffer.concat([plain, Buffer.from([0x77, 0x77, 0, 0]), Buffer.alloc(24), Buffer.alloc(8)]);

	raw.writeUInt16BE(raw.length - 20, 2);

	const integrityOffset = plain.length + 4;

	raw.writeUInt16BE(0x0008, integrityOffset);
	raw.writeUInt16BE(20, integrityOffset + 2);
	computeMessageIntegrity(raw, integrityOffset, PWD).copy(raw, integrityOffset + 4);
	raw.writeUInt16BE(0x8028, integrityOffset + 24);
	raw.writeUInt16BE(4, integrityOffset + 26);
	raw.writeUInt32BE(computeFingerprint(raw, integrityOffset + 24), integrityOffset + 28);

	const message = parseStunMessage(raw)!;

	assert.deepEqual(message.unknownComprehensionRequired, [0x7777]);

	const response = answer(server, message, tuple(1000), 0);

	assert.equal(response.errorCode, 420);
	assert.deepEqual(response.unknownAttributes, [0x7777]);
	assert.equal(server.stats.unknownAttributes, 1);
});

test('indications, responses and a wrong FINGERPRINT are dropped without an answer', () => {
	const { server } = makeServer();
	const indication = check({ messageClass: StunClass.Indication });
	const response = check({ messageClass: StunClass.SuccessResponse });
	const corrupted = Buffer.from(check().raw);

	corrupted[corrupted.length - 1]! ^= 1;

	assert.equal(server.handleStunMessage(indication, tuple(1), 'S', 0), undefined);
	assert.equal(server.handleStunMessage(response, tuple(1), 'S', 0), undefined);
	assert.equal(server.handleStunMessage(parseStunMessage(corrupted)!, tuple(1), 'S', 0), undefined);
	assert.equal(server.stats.discarded, 3);
	assert.equal(server.tupleCount, 0);
});

test('USE-CANDIDATE (aggressive nomination, as Chromium) selects and completes at once', () => {
	const { server, events } = makeServer();

	answer(server, check({ useCandidate: true }), tuple(1000), 0, 'A');
	assert.deepEqual(events.states, ['completed']);
	assert.deepEqual(events.selected, ['A:1000']);

	// A check on another tuple without nomination is learnt but not selected.
	answer(server, check(), tuple(2000), 10, 'B');
	assert.equal(server.tupleCount, 2);
	assert.deepEqual(events.selected, ['A:1000']);
	assert.ok(server.isValidTupleKey(iceTupleKey(tuple(2000))));

	// Nominating it moves the selection (RFC 8445 8.1.1: the controlling agent decides).
	answer(server, check({ useCandidate: true }), tuple(2000), 20, 'B');
	assert.deepEqual(events.selected, ['A:1000', 'B:2000']);
	assert.deepEqual(events.states, ['completed']);
});

test('regular nomination: connected on the first check, completed on USE-CANDIDATE', () => {
	const { server, events } = makeServer();

	answer(server, check(), tuple(1000), 0, 'A');
	answer(server, check(), tuple(2000), 0, 'B');
	assert.deepEqual(events.states, ['connected']);
	assert.deepEqual(events.selected, ['A:1000']);
	answer(server, check({ useCandidate: true }), tuple(2000), 0, 'B');
	assert.deepEqual(events.states, ['connected', 'completed']);
	assert.deepEqual(events.selected, ['A:1000', 'B:2000']);
	assert.equal(server.selectedSource, 'B');
});

test('renomination (draft-thatcher-ice-renomination): a higher NOMINATION wins, a lower or equal one does not', () => {
	const { server, events } = makeServer();

	answer(server, check({ nomination: 5 }), tuple(1000), 0, 'A');
	assert.deepEqual(events.states, ['completed']);
	answer(server, check({ nomination: 5 }), tuple(2000), 0, 'B');
	answer(server, check({ nomination: 3 }), tuple(2000), 0, 'B');
	assert.deepEqual(events.selected, ['A:1000']);
	answer(server, check({ nomination: 6 }), tuple(2000), 0, 'B');
	assert.deepEqual(events.selected, ['A:1000', 'B:2000']);
	// Back to the first one with a still higher value.
	answer(server, check({ nomination: 7 }), tuple(1000), 0, 'A');
	assert.deepEqual(events.selected, ['A:1000', 'B:2000', 'A:1000']);
});

test('RFC 7675 consent freshness in simulated time: no valid request for the timeout → disconnected', () => {
	const { server, events } = makeServer(30);

	assert.equal(server.nextTimeoutMs(), undefined);
	answer(server, check({ useCandidate: true }), tuple(1000), 1000);
	assert.equal(server.nextTimeoutMs(), 31000);

	// Chromium refreshes consent every few seconds: the deadline moves.
	for (let now = 3000; now <= 60000; now += 2500) {
		server.handleTimeout(now);
		answer(server, check(), tuple(1000), now);
	}
	assert.deepEqual(events.states, ['completed']);

	const last = 58000;

	assert.equal(server.nextTimeoutMs(), last + 30000);
	// Failed/unauthenticated requests do not refresh consent.
	answer(server, check({ password: 'wrongpassword0123456789xx' }), tuple(1000), last + 20000);
	server.handleTimeout(last + 29999);
	assert.deepEqual(events.states, ['completed']);
	server.handleTimeout(last + 30000);
	assert.deepEqual(events.states, ['completed', 'disconnected']);
	assert.equal(server.selectedTuple, undefined);
	assert.equal(server.tupleCount, 0);
	assert.equal(events.removed.length, 1);
	assert.equal(server.nextTimeoutMs(), undefined);

	// The peer comes back: a new nomination completes again.
	answer(server, check({ useCandidate: true }), tuple(1000), 100000);
	assert.deepEqual(events.states, ['completed', 'disconnected', 'completed']);
});

test('consent expiry of the selected tuple falls back to another valid tuple; of others, they just go', () => {
	const { server, events } = makeServer(30);

	answer(server, check({ useCandidate: true }), tuple(1000), 0, 'A');
	answer(server, check(), tuple(2000), 10000, 'B');
	server.handleTimeout(30000);
	assert.deepEqual(events.selected, ['A:1000', 'B:2000']);
	assert.deepEqual(events.states, ['completed']);
	assert.equal(server.tupleCount, 1);

	// Keep B alive, let C lapse.
	answer(server, check(), tuple(3000), 20000, 'C');
	answer(server, check(), tuple(2000), 35000, 'B');
	server.handleTimeout(50000);
	assert.equal(server.tupleCount, 1);
	assert.deepEqual(events.selected, ['A:1000', 'B:2000']);
});

test('iceConsentTimeout 0 disables consent expiry', () => {
	const { server, events } = makeServer(0);

	answer(server, check({ useCandidate: true }), tuple(1000), 0);
	assert.equal(server.nextTimeoutMs(), undefined);
	server.handleTimeout(10 * 3600 * 1000);
	assert.deepEqual(events.states, ['completed']);
});

test('removeTuple() (TCP connection closed): the selected one goes → another, or disconnected', () => {
	const { server, events } = makeServer();

	answer(server, check({ useCandidate: true }), tuple(1000, 'tcp'), 0, 'A');
	answer(server, check(), tuple(1001, 'tcp'), 5, 'B');
	server.removeTuple(tuple(1000, 'tcp'));
	assert.deepEqual(events.selected, ['A:1000', 'B:1001']);
	server.removeTuple(tuple(1001, 'tcp'));
	assert.deepEqual(events.states, ['completed', 'disconnected']);
	// Unknown tuple: nothing.
	server.removeTuple(tuple(9, 'tcp'));
	assert.deepEqual(events.states, ['completed', 'disconnected']);
});

test('restartIce(): old credentials valid until the peer uses the new ones (as mediasoup)', () => {
	const { server, events } = makeServer();

	answer(server, check({ useCandidate: true }), tuple(1000), 0, 'A');
	server.restartIce('newufrag', 'newpassword0123456789abcd');
	assert.deepEqual(events.ufragAdded, ['newufrag']);
	assert.equal(server.usernameFragment, 'newufrag');
	assert.equal(server.oldUsernameFragment, UFRAG);
	// Tuples and selection stay.
	assert.equal(server.selectedTuple?.remotePort, 1000);

	// The peer has not restarted yet: old credentials still answered, signed with the old password.
	const old = answer(server, check(), tuple(1000), 1);

	assert.equal(old.messageClass, StunClass.SuccessResponse);
	assert.ok(checkMessageIntegrity(old, PWD));

	// A mix (new ufrag, old password) is refused.
	assert.equal(answer(server, check({ username: `newufrag:${REMOTE}` }), tuple(1000), 2).errorCode, 401);

	// The peer restarts: the new credentials work, the old ones are dropped.
	const fresh = answer(
		server,
		check({ username: 'newufrag:remote2', password: 'newpassword0123456789abcd', useCandidate: true }),
		tuple(3000),
		3,
		'C',
	);

	assert.ok(checkMessageIntegrity(fresh, 'newpassword0123456789abcd'));
	assert.deepEqual(events.ufragRemoved, [UFRAG]);
	assert.equal(server.oldUsernameFragment, undefined);
	assert.equal(answer(server, check(), tuple(1000), 4).errorCode, 401);
	assert.deepEqual(events.selected, ['A:1000', 'C:3000']);

	// Two restarts before the peer catches up: only the latest previous credentials stay.
	server.restartIce('u2', 'p2p2p2p2p2p2p2p2p2p2p2p2');
	server.restartIce('u3', 'p3p3p3p3p3p3p3p3p3p3p3p3');
	assert.deepEqual(events.ufragRemoved, [UFRAG, 'newufrag']);
	assert.equal(server.oldUsernameFragment, 'u2');
});

test('close(): removes every tuple, answers nothing more, emits no state', () => {
	const { server, events } = makeServer();

	answer(server, check({ useCandidate: true }), tuple(1000), 0);
	server.close();
	assert.equal(server.state, 'closed');
	assert.equal(events.removed.length, 1);
	assert.deepEqual(events.states, ['completed']);
	assert.equal(server.handleStunMessage(check(), tuple(1000), 'S', 1), undefined);
});
