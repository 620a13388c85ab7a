/**
 * broth/v1 over real workers: the seed's Peer (every property, method and
 * event), Room, Transport, RtpReceiver and RtpSender, the close cascade and
 * v1's errors.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v1 from '../../src/v1';
import type { Peer, Room, RtpSender, Transport, V1Server } from '../../src/v1';
import { closeServer, counter, next, v1AudioParameters, v1MediaCodecs, v1PeerCapabilities, v3VideoParameters } from './fixtures';

let server: V1Server;

before(() => {
	server = v1.Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false, rtcMinPort: 40000, rtcMaxPort: 40999 });
});

after(async () => {
	await closeServer(server);
});

test('Server() validates v1 options with TypeError', () => {
	const invalid: Record<string, unknown>[] = [
		{ numWorkers: 0 },
		{ numWorkers: 1.5 },
		{ logLevel: 'verbose' },
		{ logTags: 'info' },
		{ rtcIPv4: '::1' },
		{ rtcIPv6: '127.0.0.1' },
		{ rtcAnnouncedIPv4: 'example' },
		{ rtcAnnouncedIPv6: '1.2.3.4' },
		{ rtcMinPort: 0 },
		{ rtcMaxPort: 70000 },
		{ rtcMinPort: 5000, rtcMaxPort: 4000 },
		{ dtlsCertificateFile: 42 },
		{ dtlsCertificateFile: '/tmp/cert.pem' },
		{ rtcIPv4: false, rtcIPv6: false },
	];

	for (const options of invalid) {
		assert.throws(() => v1.Server(options as any), TypeError, JSON.stringify(options));
	}
	assert.throws(() => v1.Server('x' as any), TypeError);
});

test('Server: Room() is usable at once, emits newroom, and refuses invalid codecs', async () => {
	const rooms: Room[] = [];

	server.once('newroom', (room: Room) => rooms.push(room));

	const room = server.Room(v1MediaCodecs);

	assert.deepEqual(rooms, [room]);
	assert.ok(server.rooms.includes(room));
	assert.equal(room.closed, false);
	assert.equal(typeof room.id, 'number');

	// Capabilities are there before the router is.
	const caps = room.rtpCapabilities;

	assert.deepEqual(
		caps.codecs!.map((c) => [c.kind, c.name, c.mimeType]),
		[
			['audio', 'opus', 'audio/opus'],
			['video', 'VP8', 'video/VP8'],
			['video', 'rtx', 'video/rtx'],
		],
	);
	assert.equal(caps.codecs![0]!.numChannels, 2);

	// ... and they are the router's.
	const router = await room._router();

	assert.deepEqual(router.rtpCapabilities, room._rtpCapabilities);

	const dump = await room.dump();

	assert.equal(dump.id, room.id);
	assert.deepEqual(dump.peers, []);
	assert.ok((dump.router as { id: string }).id);

	assert.throws(() => server.Room([{ kind: 'audio', clockRate: 48000 } as any]), TypeError);
	assert.throws(() => server.Room('opus' as any), TypeError);

	const serverDump = await server.dump();

	assert.equal(serverDump.workers.length, 1);

	room.close();
	assert.equal(room.closed, true);
	assert.ok(!server.rooms.includes(room));
	await assert.rejects(room.dump(), v1.InvalidStateError);
	assert.throws(() => room.Peer('late'), v1.InvalidStateError);
});

test('Room: Peer(), peers, getPeer(), newpeer and its errors', () => {
	const room = server.Room(v1MediaCodecs);
	const joined: Peer[] = [];

	room.on('newpeer', (peer: Peer) => joined.push(peer));

	const alice = room.Peer('alice');
	const bob = room.Peer('bob');

	assert.deepEqual(joined, [alice, bob]);
	assert.deepEqual(room.peers, [alice, bob]);
	assert.equal(room.getPeer('alice'), alice);
	assert.equal(room.getPeer('nobody'), undefined);
	assert.throws(() => room.Peer('alice'), /already exists/);
	assert.throws(() => room.Peer(''), TypeError);
	assert.throws(() => room.Peer(42 as any), TypeError);

	alice.close();
	assert.deepEqual(room.peers, [bob]);
	assert.equal(room.getPeer('alice'), undefined);
	// The name is free again.
	assert.notEqual(room.Peer('alice'), alice);
	room.close();
});

test('Peer: id, closed, name and empty arrays right after room.Peer()', () => {
	const room = server.Room(v1MediaCodecs);
	const a = room.Peer('a');
	const b = room.Peer('b');

	assert.equal(typeof a.id, 'number');
	assert.notEqual(a.id, b.id);
	assert.equal(a.closed, false);
	assert.equal(a.name, 'a');
	assert.deepEqual(a.transports, []);
	assert.deepEqual(a.rtpReceivers, []);
	assert.deepEqual(a.rtpSenders, []);
	assert.equal(a.room, room);
	// The arrays are copies: the application cannot corrupt the peer.
	a.transports.push(null as never);
	assert.equal(a.transports.length, 0);
	room.close();
});

test('Peer: setCapabilities() emits the effective capabilities (filtered by the room) once', async () => {
	const room = server.Room(v1MediaCodecs);
	const peer = room.Peer('p');
	const counts = counter(peer, 'capabilities');
	const emitted = next<v1.V1RtpCapabilities>(peer, 'capabilities');

	peer.setCapabilities(v1PeerCapabilities);

	const caps = await emitted;

	// H264 (and its RTX) are not in the room; VP8's RTX stays.
	assert.deepEqual(
		caps.codecs!.map((c) => [c.mimeType, c.preferredPayloadType]),
		[
			['audio/opus', 111],
			['video/VP8', 96],
			['video/rtx', 97],
		],
	);
	assert.equal(caps.codecs![0]!.name, 'opus');
	// The empty-kind extension applies to both kinds; the unknown one is gone.
	assert.deepEqual(
		caps.headerExtensions!.map((e) => [e.kind, e.uri]),
		[
			['audio', 'urn:ietf:params:rtp-hdrext:sdes:mid'],
			['video', 'urn:ietf:params:rtp-hdrext:sdes:mid'],
			['audio', 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'],
		],
	);
	assert.deepEqual(peer.rtpCapabilities, caps);
	assert.equal(counts.capabilities, 1);

	assert.throws(() => peer.setCapabilities(v1PeerCapabilities), v1.InvalidStateError);

	const other = room.Peer('q');

	assert.throws(() => other.setCapabilities('x' as any), TypeError);
	assert.throws(() => other.setCapabilities({ codecs: [{ kind: 'audio', clockRate: 48000 }] } as any), TypeError);
	// v3-shaped capabilities are accepted too.
	other.setCapabilities(room._rtpCapabilities);
	assert.equal(other.rtpCapabilities!.codecs!.length, 3);
	room.close();
	assert.throws(() => peer.setCapabilities(v1PeerCapabilities), v1.InvalidStateError);
});

test('Peer: createTransport() with v1 options, newtransport, transports in creation order', async () => {
	const room = server.Room(v1MediaCodecs);
	const peer = room.Peer('p');
	const announced: Transport[] = [];

	peer.on('newtransport', (transport: Transport) => announced.push(transport));

	const udpOnly = await peer.createTransport({ tcp: false });
	const both = await peer.createTransport();
	const tcpFirst = await peer.createTransport({ preferTcp: true });

	assert.deepEqual(announced, [udpOnly, both, tcpFirst]);
	assert.deepEqual(peer.transports, [udpOnly, both, tcpFirst]);
	assert.deepEqual(udpOnly.iceLocalCandidates.map((c) => c.protocol), ['udp']);
	assert.deepEqual(both.iceLocalCandidates.map((c) => c.protocol).sort(), ['tcp', 'udp']);

	const tcpCandidate = both.iceLocalCandidates.find((c) => c.protocol === 'tcp')!;

	assert.equal(tcpCandidate.tcpType, 'passive');

	// preferTcp ranks TCP above UDP.
	const [first] = [...tcpFirst.iceLocalCandidates].sort((a, b) => b.priority - a.priority);

	assert.equal(first!.protocol, 'tcp');

	for (const candidate of udpOnly.iceLocalCandidates) {
		assert.equal(candidate.ip, '127.0.0.1');
		assert.equal(candidate.type, 'host');
		assert.ok(candidate.port >= 40000 && candidate.port <= 40999);
	}

	// Transport properties.
	assert.equal(typeof udpOnly.id, 'number');
	assert.equal(udpOnly.closed, false);
	assert.equal(udpOnly.peer, peer);
	assert.equal(udpOnly.iceRole, 'controlled');
	assert.equal(udpOnly.iceLocalParameters.iceLite, true);
	assert.ok(udpOnly.iceLocalParameters.usernameFragment.length >= 4);
	assert.ok(udpOnly.iceLocalParameters.password.length >= 22);
	assert.equal(udpOnly.iceState, 'new');
	assert.equal(udpOnly.dtlsState, 'new');
	assert.equal(udpOnly.iceSelectedTuple, undefined);
	assert.equal(udpOnly.dtlsLocalParameters.role, 'auto');
	assert.ok(udpOnly.dtlsLocalParameters.fingerprints.some((f) => f.algorithm === 'sha-256' && /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(f.value)));

	const dump = await udpOnly.dump();

	assert.equal(dump.transportId, udpOnly.id);
	assert.equal(dump.id, udpOnly._webRtcTransport.id);
	assert.deepEqual(dump.iceLocalParameters, udpOnly.iceLocalParameters);

	// setRemoteDtlsParameters(): the remote role and fingerprints.
	const states: string[] = [];

	udpOnly.on('dtlsstatechange', (state: string) => states.push(state));
	assert.equal(
		await udpOnly.setRemoteDtlsParameters({ role: 'server', fingerprints: [{ algorithm: 'sha-256', value: 'AA:'.repeat(31) + 'AA' }] }),
		udpOnly,
	);
	await assert.rejects(udpOnly.setRemoteDtlsParameters({ role: 'boss' as any, fingerprints: [] }), TypeError);
	await assert.rejects(udpOnly.setRemoteDtlsParameters({ role: 'client', fingerprints: [] }), TypeError);

	const ufrag = udpOnly.iceLocalParameters.usernameFragment;

	assert.equal(await udpOnly.changeUfragPwd(), udpOnly);
	assert.notEqual(udpOnly.iceLocalParameters.usernameFragment, ufrag);

	// Wrong options reject with TypeError.
	await assert.rejects(peer.createTransport({ udp: false, tcp: false }), TypeError);
	await assert.rejects(peer.createTransport({ tcp: 'no' } as any), TypeError);
	await assert.rejects(peer.createTransport(null as any), TypeError);

	// Closing a transport removes it from the peer.
	const closes = counter(both, 'close');

	both.close();
	both.close();
	assert.equal(closes.close, 1);
	assert.equal(both.closed, true);
	assert.deepEqual(peer.transports, [udpOnly, tcpFirst]);
	await assert.rejects(both.dump(), v1.InvalidStateError);
	await assert.rejects(both.setRemoteDtlsParameters({ fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] }), v1.InvalidStateError);

	// A closed peer rejects.
	peer.close();
	await assert.rejects(peer.createTransport(), v1.InvalidStateError);
	await assert.rejects(peer.dump(), v1.InvalidStateError);
	room.close();
});

test('Peer: createTransport() asked before the peer closes rejects and leaves nothing behind', async () => {
	const room = server.Room(v1MediaCodecs);
	const peer = room.Peer('p');
	const pending = peer.createTransport();

	peer.close();
	await assert.rejects(pending, v1.InvalidStateError);
	assert.deepEqual(peer.transports, []);

	const router = await room._router();

	assert.deepEqual((await router.dump()).transportIds, []);
	room.close();
});

test('Peer: RtpReceiver() errors as v1 had them', async () => {
	const audioOnly = server.Room([v1MediaCodecs[0]!]);
	const peer = audioOnly.Peer('p');
	const other = audioOnly.Peer('o');
	const transport = await peer.createTransport({ tcp: false });
	const otherTransport = await other.createTransport({ tcp: false });

	// Before setCapabilities().
	assert.throws(() => peer.RtpReceiver('audio', transport), v1.InvalidStateError);
	peer.setCapabilities(v1PeerCapabilities);
	assert.throws(() => peer.RtpReceiver('depth' as any, transport), TypeError);
	assert.throws(() => peer.RtpReceiver('video', transport), v1.UnsupportedError);
	assert.throws(() => peer.RtpReceiver('audio', {} as any), TypeError);
	assert.throws(() => peer.RtpReceiver('audio', otherTransport), TypeError);
	transport.close();
	assert.throws(() => peer.RtpReceiver('audio', transport), v1.InvalidStateError);
	peer.close();
	assert.throws(() => peer.RtpReceiver('audio', transport), v1.InvalidStateError);
	audioOnly.close();
});

test('RtpReceiver: receive() in v1 and v3 shapes, newrtpreceiver, rtpReceivers in creation order', async () => {
	const room = server.Room(v1MediaCodecs);
	const peer = room.Peer('p');

	peer.setCapabilities(v1PeerCapabilities);

	const transport = await peer.createTransport({ tcp: false });
	const announced: unknown[] = [];

	peer.on('newrtpreceiver', (r: unknown) => announced.push(r));

	const audio = peer.RtpReceiver('audio', transport);
	const video = peer.RtpReceiver('video', transport);

	assert.deepEqual(announced, [audio, video]);
	assert.deepEqual(peer.rtpReceivers, [audio, video]);
	assert.equal(audio.kind, 'audio');
	assert.equal(audio.transport, transport);
	assert.equal(audio.peer, peer);
	assert.equal(audio.rtpParameters, null);
	assert.equal(audio.receiving, false);
	assert.equal(typeof audio.id, 'number');

	// Both calls are made at once; the queue runs them in order.
	const [a, v] = await Promise.all([audio.receive(v1AudioParameters('a0', 1111)), video.receive(v3VideoParameters('v0', 2222))]);

	assert.equal(a, audio);
	assert.equal(v, video);

	// v1 shape (with the v3 names alongside).
	const audioParams = audio.rtpParameters!;

	assert.equal(audioParams.muxId, 'a0');
	assert.equal(audioParams.mid, 'a0');
	assert.equal(audioParams.codecs[0]!.name, 'opus');
	assert.equal(audioParams.codecs[0]!.mimeType, 'audio/opus');
	assert.equal(audioParams.codecs[0]!.numChannels, 2);
	assert.equal(audioParams.encodings![0]!.ssrc, 1111);
	assert.equal(audioParams.rtcp!.cname, 'endpoint');

	const videoParams = video.rtpParameters!;

	assert.equal(videoParams.muxId, 'v0');
	assert.deepEqual(videoParams.codecs.map((c) => c.name), ['VP8', 'rtx']);
	assert.deepEqual(videoParams.encodings![0]!.rtx, { ssrc: 2223 });

	// A v3 Producer underneath, with the v3 shape.
	assert.equal(audio._producer!.rtpParameters.mid, 'a0');
	assert.equal(audio._producer!.rtpParameters.codecs[0]!.mimeType, 'audio/opus');
	assert.equal(audio._producer!.kind, 'audio');

	const dump = await audio.dump();

	assert.equal(dump.rtpReceiverId, audio.id);
	assert.equal(dump.kind, 'audio');
	assert.equal(dump.transportId, transport.id);
	assert.equal((dump.producer as { id: string }).id, audio._producer!.id);

	// A kind mismatch and bad shapes reject with TypeError.
	const third = peer.RtpReceiver('audio', transport);

	await assert.rejects(third.receive({ muxId: 'x', codecs: [{ kind: 'video', name: 'VP8', payloadType: 96, clockRate: 90000 }] } as any), TypeError);
	await assert.rejects(third.receive(null as any), TypeError);
	await assert.rejects(third.receive({ codecs: 'opus' } as any), TypeError);
	// A codec the room does not have is the worker side's refusal.
	await assert.rejects(
		third.receive({ muxId: 'x', codecs: [{ name: 'G722', payloadType: 9, clockRate: 8000 }], encodings: [{ ssrc: 5 }] }),
	);
	assert.equal(third.closed, false);
	third.close();
	await assert.rejects(third.receive(v1AudioParameters('y', 9)), v1.InvalidStateError);
	assert.deepEqual(peer.rtpReceivers, [audio, video]);

	// A transport closing closes its receivers.
	const closes = counter(audio, 'close');

	transport.close();
	assert.equal(audio.closed, true);
	assert.equal(video.closed, true);
	assert.equal(closes.close, 1);
	assert.deepEqual(peer.rtpReceivers, []);
	assert.equal(audio._producer!.closed, true);
	room.close();
});

test('newrtpsender: for peers present when a receiver starts, and for every existing receiver when a peer joins', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');
	const bob = room.Peer('bob');
	const bobSenders: RtpSender[] = [];

	bob.on('newrtpsender', (s: RtpSender) => bobSenders.push(s));
	alice.setCapabilities(v1PeerCapabilities);
	bob.setCapabilities(v1PeerCapabilities);

	const transport = await alice.createTransport({ tcp: false });
	const audio = alice.RtpReceiver('audio', transport);
	const video = alice.RtpReceiver('video', transport);

	// Not before receive().
	await new Promise((resolve) => setTimeout(resolve, 50));
	assert.equal(bobSenders.length, 0);

	await audio.receive(v1AudioParameters());
	assert.equal(bobSenders.length, 1);
	await video.receive(v3VideoParameters());
	assert.equal(bobSenders.length, 2);
	assert.deepEqual(bob.rtpSenders, bobSenders);
	// Nobody gets a sender for their own receiver.
	assert.deepEqual(alice.rtpSenders, []);

	// A late joiner: one newrtpsender per existing receiver, after its capabilities.
	const carol = room.Peer('carol');
	const carolSenders: RtpSender[] = [];
	const order: string[] = [];

	carol.on('capabilities', () => order.push('capabilities'));
	carol.on('newrtpsender', (s: RtpSender) => {
		order.push('newrtpsender');
		carolSenders.push(s);
	});
	await new Promise((resolve) => setTimeout(resolve, 20));
	assert.equal(carolSenders.length, 0);
	carol.setCapabilities(v1PeerCapabilities);
	await next(carol, 'capabilities');
	assert.deepEqual(order, ['capabilities', 'newrtpsender', 'newrtpsender']);
	assert.deepEqual(carolSenders.map((s) => s.associatedRtpReceiver), [audio, video]);
	assert.deepEqual(carolSenders.map((s) => s.kind), ['audio', 'video']);
	assert.deepEqual(carol.rtpSenders, carolSenders);

	for (const sender of carolSenders) {
		assert.equal(sender.associatedPeer, alice);
		assert.equal(sender.peer, carol);
		assert.equal(sender.transport, null);
		assert.equal(sender.available, true);
		assert.equal(sender.active, true);
		assert.equal(sender.closed, false);
	}

	// Sender parameters are matched to carol's capabilities; payload types
	// are the room's (as v3 consumers send them), her feedback list applies.
	const roomPt = (name: string) => room.rtpCapabilities.codecs!.find((c) => c.name === name)!.preferredPayloadType;

	assert.equal(carolSenders[0]!.rtpParameters!.codecs[0]!.name, 'opus');
	assert.equal(carolSenders[0]!.rtpParameters!.codecs[0]!.payloadType, roomPt('opus'));
	assert.deepEqual(carolSenders[1]!.rtpParameters!.codecs.map((c) => [c.name, c.payloadType]), [
		['VP8', roomPt('VP8')],
		['rtx', roomPt('rtx')],
	]);
	assert.deepEqual(carolSenders[1]!.rtpParameters!.codecs[0]!.rtcpFeedback, [
		{ type: 'nack', parameter: '' },
		{ type: 'nack', parameter: 'pli' },
	]);
	room.close();
});

test('RtpSender: setTransport() creates the Consumer, parameterschange, disable()/enable() and activechange', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');

	alice.setCapabilities(v1PeerCapabilities);

	const aliceTransport = await alice.createTransport({ tcp: false });
	const video = alice.RtpReceiver('video', aliceTransport);

	await video.receive(v3VideoParameters());

	const bob = room.Peer('bob');
	const sender = await new Promise<RtpSender>((resolve) => {
		bob.once('newrtpsender', resolve);
		bob.setCapabilities(v1PeerCapabilities);
	});
	const transport = await bob.createTransport({ tcp: false });
	const events = counter(sender, 'parameterschange', 'activechange', 'close');
	const provisional = sender.rtpParameters!;

	assert.ok(!sender._consumer);

	const pending = sender.setTransport(transport);

	// The transport is set at once; the consumer comes behind.
	assert.equal(sender.transport, transport);
	assert.equal(await pending, sender);

	const consumer = sender._consumer!;

	assert.ok(consumer);
	assert.equal(consumer.producerId, video._producer!.id);
	assert.equal(consumer.kind, 'video');
	// Final parameters are the consumer's (its SSRCs and MID).
	assert.equal(sender.rtpParameters!.encodings![0]!.ssrc, consumer.rtpParameters.encodings![0]!.ssrc);
	assert.equal(sender.rtpParameters!.muxId, consumer.rtpParameters.mid);
	assert.equal(events.parameterschange, provisional.encodings![0]!.ssrc === sender.rtpParameters!.encodings![0]!.ssrc ? 0 : 1);

	// disable()/enable(): active and the consumer's pause follow.
	const activity: boolean[] = [];

	sender.on('activechange', (active: boolean) => activity.push(active));
	await sender.disable();
	assert.equal(sender.active, false);
	assert.equal(sender.enabled, false);
	assert.equal(consumer.paused, true);
	await sender.disable();
	await sender.enable();
	assert.equal(sender.active, true);
	assert.equal(consumer.paused, false);
	assert.deepEqual(activity, [false, true]);
	assert.equal(events.activechange, 2);

	const dump = await sender.dump();

	assert.equal(dump.rtpSenderId, sender.id);
	assert.equal(dump.associatedPeerName, 'alice');
	assert.equal(dump.transportId, transport.id);
	assert.equal((dump.consumer as { id: string }).id, consumer.id);

	// Errors.
	await assert.rejects(sender.setTransport(undefined as any), TypeError);
	await assert.rejects(sender.setTransport(aliceTransport), TypeError);
	await assert.rejects(sender.setTransport({} as any), TypeError);

	// Moving to another transport replaces the consumer.
	const transport2 = await bob.createTransport({ tcp: false });

	await sender.setTransport(transport2);
	assert.equal(consumer.closed, true);
	const replacement = (sender as RtpSender)._consumer;

	assert.notEqual(replacement, consumer);
	assert.equal(replacement!.closed, false);
	assert.equal(sender.transport, transport2);
	// The old transport closing no longer matters to it.
	transport.close();
	assert.equal(sender.closed, false);

	// Its transport closing closes it.
	transport2.close();
	assert.equal(sender.closed, true);
	assert.equal(events.close, 1);
	assert.deepEqual(bob.rtpSenders, []);
	await assert.rejects(sender.setTransport(transport2), v1.InvalidStateError);
	await assert.rejects(sender.disable(), v1.InvalidStateError);
	await assert.rejects(sender.dump(), v1.InvalidStateError);
	room.close();
});

test('RtpSender: not available when the peer cannot receive any codec of it', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');

	alice.setCapabilities(v1PeerCapabilities);

	const transport = await alice.createTransport({ tcp: false });

	await alice.RtpReceiver('audio', transport).receive(v1AudioParameters());

	const videoOnly = room.Peer('videoOnly');
	const sender = await new Promise<RtpSender>((resolve) => {
		videoOnly.once('newrtpsender', resolve);
		videoOnly.setCapabilities({ codecs: [{ kind: 'video', name: 'VP8', clockRate: 90000, preferredPayloadType: 96 }] });
	});

	assert.equal(sender.available, false);
	assert.equal(sender.active, false);
	assert.equal(sender.rtpParameters, null);

	// Setting a transport creates no consumer.
	const t = await videoOnly.createTransport({ tcp: false });

	await sender.setTransport(t);
	assert.equal(sender._consumer, undefined);
	await sender.enable();
	assert.equal(sender.active, false);
	room.close();
});

test('RtpReceiver: a second receive() replaces the producer and senders follow it (parameterschange)', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');
	const bob = room.Peer('bob');

	alice.setCapabilities(v1PeerCapabilities);
	bob.setCapabilities(v1PeerCapabilities);

	const [ta, tb] = await Promise.all([alice.createTransport({ tcp: false }), bob.createTransport({ tcp: false })]);
	const receiver = alice.RtpReceiver('audio', ta);
	const newSender = next<RtpSender>(bob, 'newrtpsender');

	await receiver.receive(v1AudioParameters('a0', 1111));

	const sender = await newSender;

	await sender.setTransport(tb);

	const firstProducer = receiver._producer!;
	const firstConsumer = sender._consumer!;
	const changes = counter(sender, 'parameterschange', 'close');
	const senderEvents = counter(bob, 'newrtpsender');

	await receiver.receive(v1AudioParameters('a0', 3333));
	assert.equal(receiver.rtpParameters!.encodings![0]!.ssrc, 3333);
	assert.equal(firstProducer.closed, true);
	assert.notEqual(receiver._producer, firstProducer);
	assert.equal(sender.closed, false);
	await sender.dump();
	// The consumer moved to the new producer.
	await new Promise((resolve) => setTimeout(resolve, 50));
	assert.equal(firstConsumer.closed, true);
	assert.equal(sender._consumer!.producerId, receiver._producer!.id);
	assert.ok(changes.parameterschange >= 1);
	assert.equal(changes.close, 0);
	assert.equal(senderEvents.newrtpsender, 0);
	room.close();
});

test('cascade: room.close() closes peers, then their transports, receivers and senders, each event once', async () => {
	const room = server.Room(v1MediaCodecs);
	const peers = [room.Peer('a'), room.Peer('b'), room.Peer('c')];

	for (const peer of peers) {
		peer.setCapabilities(v1PeerCapabilities);
	}

	const transports = await Promise.all(peers.map((peer) => peer.createTransport({ tcp: false })));
	const receivers = peers.map((peer, i) => peer.RtpReceiver('audio', transports[i]!));

	await Promise.all(receivers.map((receiver, i) => receiver.receive(v1AudioParameters('a0', 1000 + i))));

	const senders = peers.flatMap((peer) => peer.rtpSenders);

	assert.equal(senders.length, 6);
	await Promise.all(senders.map((sender) => sender.setTransport(transports[peers.indexOf(sender.peer)]!)));

	const all = [room, ...peers, ...transports, ...receivers, ...senders];
	const counts = all.map((emitter) => counter(emitter, 'close'));
	const errors: unknown[] = [];

	for (const emitter of all as { on(event: string, fn: (error?: Error) => void): unknown }[]) {
		emitter.on('close', (error?: Error) => errors.push(error));
	}

	// Peers close before the room reports it closed.
	const order: string[] = [];

	peers[0]!.on('close', () => order.push('peer'));
	room.on('close', () => order.push('room'));

	const router = room._routerNow!;

	room.close();
	room.close();

	for (const [i, count] of counts.entries()) {
		assert.equal(count.close, 1, `close of #${i}`);
	}
	assert.ok(all.every((emitter) => emitter.closed));
	assert.deepEqual(errors, all.map(() => undefined));
	assert.deepEqual(order, ['peer', 'room']);
	assert.deepEqual(room.peers, []);
	assert.equal(router.closed, true);

	for (const peer of peers) {
		assert.deepEqual(peer.transports, []);
		assert.deepEqual(peer.rtpReceivers, []);
		assert.deepEqual(peer.rtpSenders, []);
	}

	// Nothing more arrives later from the v3 side.
	await new Promise((resolve) => setTimeout(resolve, 50));

	for (const count of counts) {
		assert.equal(count.close, 1);
	}
});

test('cascade: peer.close() closes the senders of its receivers in other peers', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');
	const bob = room.Peer('bob');

	alice.setCapabilities(v1PeerCapabilities);
	bob.setCapabilities(v1PeerCapabilities);

	const ta = await alice.createTransport({ tcp: false });
	const sender = next<RtpSender>(bob, 'newrtpsender');

	await alice.RtpReceiver('audio', ta).receive(v1AudioParameters());

	const bobSender = await sender;
	const senderCloses = counter(bobSender, 'close');
	const bobCloses = counter(bob, 'close');
	const closed = next<Error | undefined>(alice, 'close');

	alice.close();
	assert.equal(await closed, undefined);
	assert.equal(alice.closed, true);
	assert.equal(bobSender.closed, true);
	assert.equal(senderCloses.close, 1);
	assert.deepEqual(bob.rtpSenders, []);
	assert.equal(bob.closed, false);
	assert.equal(bobCloses.close, 0);
	assert.deepEqual(room.peers, [bob]);
	room.close();
});

test('Peer: dump() reports its transports, receivers and senders', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');
	const bob = room.Peer('bob');

	alice.setCapabilities(v1PeerCapabilities);
	bob.setCapabilities(v1PeerCapabilities);

	const ta = await alice.createTransport({ tcp: false });
	const receiver = alice.RtpReceiver('audio', ta);

	await receiver.receive(v1AudioParameters());

	const aliceDump = await alice.dump();

	assert.equal(aliceDump.id, alice.id);
	assert.equal(aliceDump.name, 'alice');
	assert.deepEqual((aliceDump.transports as { transportId: number }[]).map((t) => t.transportId), [ta.id]);
	assert.deepEqual((aliceDump.rtpReceivers as { rtpReceiverId: number }[]).map((r) => r.rtpReceiverId), [receiver.id]);
	assert.deepEqual(aliceDump.rtpSenders, []);

	const bobDump = await bob.dump();

	assert.equal((bobDump.rtpSenders as unknown[]).length, 1);

	const roomDump = await room.dump();

	assert.deepEqual((roomDump.peers as { name: string }[]).map((p) => p.name), ['alice', 'bob']);
	room.close();
});

test('Room: audiolevels is fed by an AudioLevelObserver holding the audio producers', async () => {
	const room = server.Room(v1MediaCodecs);
	const alice = room.Peer('alice');

	alice.setCapabilities(v1PeerCapabilities);

	const transport = await alice.createTransport({ tcp: false });
	const audio = alice.RtpReceiver('audio', transport);
	const video = alice.RtpReceiver('video', transport);

	await audio.receive(v1AudioParameters());
	await video.receive(v3VideoParameters());

	const router = await room._router();

	assert.deepEqual((await router.dump()).rtpObserverIds, []);
	room.on('audiolevels', () => undefined);

	// The observer appears and holds the audio producer only.
	let observerDump: { producerIds?: string[] } | undefined;

	for (let i = 0; i < 50 && !observerDump?.producerIds?.length; i++) {
		await new Promise((resolve) => setTimeout(resolve, 20));

		const ids = (await router.dump()).rtpObserverIds;

		if (ids.length === 1) {
			const mapping = (await router.dump()).mapProducerIdObserverIds;

			observerDump = { producerIds: mapping.filter((m) => m.values.includes(ids[0]!)).map((m) => m.key) };
		}
	}

	assert.deepEqual(observerDump?.producerIds, [audio._producer!.id]);
	room.close();
});

test('close with error: a worker dying closes its rooms and their peers with the error', async () => {
	const local = v1.Server({ numWorkers: 1, rtcIPv4: '127.0.0.1', rtcIPv6: false });
	const room = local.Room(v1MediaCodecs);
	const peer = room.Peer('p');

	peer.setCapabilities(v1PeerCapabilities);

	const transport = await peer.createTransport({ tcp: false });
	const errors = {
		server: next<Error | undefined>(local, 'close'),
		room: next<Error | undefined>(room, 'close'),
		peer: next<Error | undefined>(peer, 'close'),
		transport: next<Error | undefined>(transport, 'close'),
	};
	const [worker] = local._workers;

	process.kill(worker!.pid, 'SIGKILL');

	const [serverError, roomError, peerError] = await Promise.all([errors.server, errors.room, errors.peer]);

	assert.ok(roomError instanceof Error);
	assert.equal(peerError, roomError);
	assert.equal(serverError, roomError);
	assert.equal(await errors.transport, undefined);
	assert.equal(peer.closed, true);
	assert.equal(local.closed, true);
	await assert.rejects(peer.createTransport(), v1.InvalidStateError);
	assert.throws(() => local.Room(v1MediaCodecs), v1.InvalidStateError);
});

test('Server: updateSettings() and a Room whose router cannot be made closes with the error', async () => {
	await server.updateSettings({ logLevel: 'error', logTags: ['info', 'rbe'] });
	await assert.rejects(server.updateSettings({ logLevel: 'loud' as any }), TypeError);

	// A codec the worker does not support passes v1's shape checks but not the router's.
	assert.throws(() => server.Room([{ kind: 'video', name: 'NOPE', clockRate: 90000 }]));
});
