/**
 * broth/v1's SDP helpers with sdp-transform, as v1 applications spoke to a
 * plain RTCPeerConnection: a Chromium offer of camera and microphone into
 * v1 capabilities and RtpParameters and an answer out (RFC 8829 / RFC 3264
 * rules: same m= order and MIDs, recvonly for sendonly, a=setup:active for
 * actpass), then an offer of what another page should receive.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as sdpTransform from 'sdp-transform';
import * as v1 from '../../src/v1';
import type { RtpSender, V1Server } from '../../src/v1';
import { closeServer, next, v1MediaCodecs } from './fixtures';

const { sdp } = v1;

/** What Chromium (unified plan) offers for getUserMedia audio + video, trimmed of the codecs that repeat. */
const CHROMIUM_OFFER = [
	'v=0',
	'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
	's=-',
	't=0 0',
	'a=group:BUNDLE 0 1',
	'a=extmap-allow-mixed',
	'a=msid-semantic: WMS stream-a',
	'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
	'c=IN IP4 0.0.0.0',
	'a=rtcp:9 IN IP4 0.0.0.0',
	'a=ice-ufrag:Kx5e',
	'a=ice-pwd:nTt2gNBlXpBjvB7sZQm0dQmx',
	'a=ice-options:trickle',
	'a=fingerprint:sha-256 3B:9F:0B:0E:48:0E:9C:1B:2D:6C:21:26:61:7C:8E:38:71:87:3B:B5:5E:D0:10:63:26:CA:45:8A:59:F5:86:4B',
	'a=setup:actpass',
	'a=mid:0',
	'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
	'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
	'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
	'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
	'a=sendonly',
	'a=msid:stream-a track-audio',
	'a=rtcp-mux',
	'a=rtcp-rsize',
	'a=rtpmap:111 opus/48000/2',
	'a=rtcp-fb:111 transport-cc',
	'a=fmtp:111 minptime=10;useinbandfec=1',
	'a=rtpmap:63 red/48000/2',
	'a=fmtp:63 111/111',
	'a=rtpmap:9 G722/8000',
	'a=rtpmap:0 PCMU/8000',
	'a=rtpmap:8 PCMA/8000',
	'a=rtpmap:13 CN/8000',
	'a=rtpmap:110 telephone-event/48000',
	'a=rtpmap:126 telephone-event/8000',
	'a=ssrc:1001 cname:chromium-cname',
	'a=ssrc:1001 msid:stream-a track-audio',
	'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 98 99',
	'c=IN IP4 0.0.0.0',
	'a=rtcp:9 IN IP4 0.0.0.0',
	'a=ice-ufrag:Kx5e',
	'a=ice-pwd:nTt2gNBlXpBjvB7sZQm0dQmx',
	'a=ice-options:trickle',
	'a=fingerprint:sha-256 3B:9F:0B:0E:48:0E:9C:1B:2D:6C:21:26:61:7C:8E:38:71:87:3B:B5:5E:D0:10:63:26:CA:45:8A:59:F5:86:4B',
	'a=setup:actpass',
	'a=mid:1',
	'a=extmap:14 urn:ietf:params:rtp-hdrext:toffset',
	'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
	'a=extmap:13 urn:3gpp:video-orientation',
	'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
	'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
	'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
	'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
	'a=sendonly',
	'a=msid:stream-a track-video',
	'a=rtcp-mux',
	'a=rtcp-rsize',
	'a=rtpmap:96 VP8/90000',
	'a=rtcp-fb:96 goog-remb',
	'a=rtcp-fb:96 transport-cc',
	'a=rtcp-fb:96 ccm fir',
	'a=rtcp-fb:96 nack',
	'a=rtcp-fb:96 nack pli',
	'a=rtpmap:97 rtx/90000',
	'a=fmtp:97 apt=96',
	'a=rtpmap:102 H264/90000',
	'a=rtcp-fb:102 nack',
	'a=rtcp-fb:102 nack pli',
	'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f',
	'a=rtpmap:103 rtx/90000',
	'a=fmtp:103 apt=102',
	'a=rtpmap:98 VP9/90000',
	'a=rtcp-fb:98 nack',
	'a=fmtp:98 profile-id=0',
	'a=rtpmap:99 rtx/90000',
	'a=fmtp:99 apt=98',
	'a=ssrc-group:FID 2001 2002',
	'a=ssrc:2001 cname:chromium-cname',
	'a=ssrc:2001 msid:stream-a track-video',
	'a=ssrc:2002 cname:chromium-cname',
	'a=ssrc:2002 msid:stream-a track-video',
	'',
].join('\r\n');

/** What Chromium offers with two recvonly transceivers (a page that only receives). */
const CHROMIUM_RECV_OFFER = CHROMIUM_OFFER.replace(/a=sendonly/g, 'a=recvonly')
	.split('\r\n')
	.filter((line) => !/^a=(ssrc|ssrc-group|msid):/.test(line))
	.join('\r\n');

let server: V1Server;

before(() => {
	server = v1.Server({ numWorkers: 1, rtcIPv4: '127.0.0.1', rtcIPv6: false });
});

after(async () => {
	await closeServer(server);
});

test('parseFmtp()/writeFmtp() keep numbers numeric and profile-level-id a string', () => {
	assert.deepEqual(sdp.parseFmtp('minptime=10;useinbandfec=1'), { minptime: 10, useinbandfec: 1 });
	assert.deepEqual(sdp.parseFmtp('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640032'), {
		'level-asymmetry-allowed': 1,
		'packetization-mode': 1,
		'profile-level-id': '640032',
	});
	assert.deepEqual(sdp.parseFmtp('111/111'), {});
	assert.equal(sdp.writeFmtp({ apt: 96 }), 'apt=96');
	assert.equal(sdp.writeFmtp({}), '');
});

test('capabilitiesFromSdp(): every codec and extension Chromium offers, in v1 shape', () => {
	const caps = sdp.capabilitiesFromSdp(sdpTransform.parse(CHROMIUM_OFFER));

	assert.deepEqual(
		caps.codecs!.map((c) => `${c.kind}:${c.name}/${c.clockRate}:${c.preferredPayloadType}`),
		[
			'audio:opus/48000:111',
			'audio:red/48000:63',
			'audio:G722/8000:9',
			'audio:PCMU/8000:0',
			'audio:PCMA/8000:8',
			'audio:CN/8000:13',
			'audio:telephone-event/48000:110',
			'audio:telephone-event/8000:126',
			'video:VP8/90000:96',
			'video:rtx/90000:97',
			'video:H264/90000:102',
			'video:rtx/90000:103',
			'video:VP9/90000:98',
			'video:rtx/90000:99',
		],
	);

	const opus = caps.codecs![0]!;

	assert.equal(opus.numChannels, 2);
	assert.equal(opus.mimeType, 'audio/opus');
	assert.deepEqual(opus.parameters, { minptime: 10, useinbandfec: 1 });
	assert.deepEqual(opus.rtcpFeedback, [{ type: 'transport-cc' }]);
	assert.deepEqual(caps.codecs![8]!.rtcpFeedback, [
		{ type: 'goog-remb' },
		{ type: 'transport-cc' },
		{ type: 'ccm', parameter: 'fir' },
		{ type: 'nack' },
		{ type: 'nack', parameter: 'pli' },
	]);
	assert.deepEqual(caps.codecs![9]!.parameters, { apt: 96 });
	assert.equal(caps.headerExtensions!.filter((e) => e.kind === 'audio').length, 4);
	assert.equal(caps.headerExtensions!.filter((e) => e.kind === 'video').length, 7);
	assert.ok(caps.headerExtensions!.some((e) => e.kind === 'video' && e.uri === 'urn:3gpp:video-orientation' && e.preferredId === 13));
});

test('round trip: a Chromium offer into v1 RtpParameters, receive(), and an answer out', async () => {
	const room = server.Room(v1MediaCodecs);
	const peer = room.Peer('page-a');
	const offer = sdpTransform.parse(CHROMIUM_OFFER);

	peer.setCapabilities(sdp.capabilitiesFromSdp(offer));

	const effective = await next<v1.V1RtpCapabilities>(peer, 'capabilities');

	assert.deepEqual(
		effective.codecs!.map((c) => `${c.name}:${c.preferredPayloadType}`),
		['opus:111', 'VP8:96', 'rtx:97'],
	);

	const transport = await peer.createTransport({ tcp: false });
	const sending = sdp.sendingMedia(offer);

	// sdp-transform reads a=mid:0 as a number; v1 muxIds are strings.
	assert.deepEqual(sending.map((m) => m.mid), [0, 1]);

	const receivers = sending.map((media) => {
		const parameters = sdp.rtpParametersFromMedia(media, effective);

		return { receiver: peer.RtpReceiver(media.type as 'audio' | 'video', transport), parameters };
	});

	// The offer's sections as v1 RtpParameters.
	const [audio, video] = receivers.map((r) => r.parameters);

	assert.equal(audio!.muxId, '0');
	assert.deepEqual(audio!.codecs.map((c) => [c.name, c.payloadType]), [['opus', 111]]);
	assert.deepEqual(audio!.encodings, [{ ssrc: 1001 }]);
	assert.equal(audio!.rtcp!.cname, 'chromium-cname');
	assert.deepEqual(
		audio!.headerExtensions!.map((e) => [e.id, e.uri]),
		[
			[1, 'urn:ietf:params:rtp-hdrext:ssrc-audio-level'],
			[2, 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'],
			[3, 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01'],
			[4, 'urn:ietf:params:rtp-hdrext:sdes:mid'],
		],
	);
	assert.equal(video!.muxId, '1');
	assert.deepEqual(video!.codecs.map((c) => [c.name, c.payloadType]), [
		['VP8', 96],
		['rtx', 97],
	]);
	assert.deepEqual(video!.encodings, [{ ssrc: 2001, rtx: { ssrc: 2002 } }]);

	await Promise.all(receivers.map(({ receiver, parameters }) => receiver.receive(parameters)));

	// The producers took them.
	const producers = receivers.map(({ receiver }) => receiver._producer!);

	assert.deepEqual(producers.map((p) => p.rtpParameters.mid), ['0', '1']);
	assert.equal(producers[1]!.rtpParameters.encodings![0]!.rtx!.ssrc, 2002);

	// DTLS: Chromium offered actpass, so it is the DTLS server and we answer active.
	const remoteDtls = sdp.dtlsParametersFromSdp(offer);

	assert.equal(remoteDtls.role, 'server');
	assert.equal(remoteDtls.fingerprints[0]!.algorithm, 'sha-256');
	await transport.setRemoteDtlsParameters(remoteDtls);

	const answerText = sdpTransform.write(
		sdp.createAnswer({ offer, transport, receivers: peer.rtpReceivers, sessionId: 42, sessionVersion: 1 }) as sdpTransform.SessionDescription,
	);
	const answer = sdpTransform.parse(answerText);

	assert.equal(answer.icelite, 'ice-lite');
	assert.deepEqual(answer.groups, [{ type: 'BUNDLE', mids: '0 1' }]);
	assert.deepEqual(answer.media.map((m) => [m.type, String(m.mid), m.direction, m.setup]), [
		['audio', '0', 'recvonly', 'active'],
		['video', '1', 'recvonly', 'active'],
	]);

	for (const media of answer.media) {
		assert.equal(media.protocol, 'UDP/TLS/RTP/SAVPF');
		assert.equal(media.iceUfrag, transport.iceLocalParameters.usernameFragment);
		assert.equal(media.icePwd, transport.iceLocalParameters.password);
		assert.equal(media.rtcpMux, 'rtcp-mux');
		assert.equal(media.fingerprint!.type, 'sha-256');
		assert.equal(
			media.fingerprint!.hash,
			transport.dtlsLocalParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!.value,
		);
		assert.deepEqual(
			media.candidates!.map((c) => [c.transport, c.ip, c.port, c.type]),
			transport.iceLocalCandidates.map((c) => [c.protocol, c.ip, c.port, 'host']),
		);
		assert.equal(media.ssrcs, undefined);
	}

	// Payload types are the offer's; only what the room routes is accepted.
	assert.equal(String(answer.media[0]!.payloads), '111');
	assert.deepEqual(answer.media[0]!.fmtp, [{ payload: 111, config: 'minptime=10;useinbandfec=1' }]);
	assert.equal(String(answer.media[1]!.payloads), '96 97');
	assert.deepEqual(answer.media[1]!.fmtp, [{ payload: 97, config: 'apt=96' }]);
	assert.ok(answer.media[1]!.rtcpFb!.some((fb) => fb.payload === 96 && fb.type === 'nack' && fb.subtype === 'pli'));
	assert.deepEqual(
		answer.media[1]!.ext!.map((e) => e.uri).sort(),
		video!.headerExtensions!.map((e) => e.uri).sort(),
	);

	// The answer reads back (sdp-transform gives its single payload type as a number).
	assert.deepEqual(
		sdp.capabilitiesFromSdp(answer).codecs!.map((c) => `${c.name}:${c.preferredPayloadType}`),
		['opus:111', 'VP8:96', 'rtx:97'],
	);

	// A section nobody receives is rejected (port 0) and left out of BUNDLE.
	const partial = sdpTransform.parse(
		sdpTransform.write(sdp.createAnswer({ offer, transport, receivers: [peer.rtpReceivers[1]!] }) as sdpTransform.SessionDescription),
	);

	assert.deepEqual(partial.media.map((m) => [String(m.mid), m.port, m.direction]), [
		['0', 0, 'inactive'],
		['1', 7, 'recvonly'],
	]);
	assert.deepEqual(partial.groups!.map((g) => [g.type, String(g.mids)]), [['BUNDLE', '1']]);
	room.close();
});

test('round trip: a receiving page gets an offer of its senders and its answer sets DTLS', async () => {
	const room = server.Room(v1MediaCodecs);
	const a = room.Peer('page-a');
	const offerA = sdpTransform.parse(CHROMIUM_OFFER);

	a.setCapabilities(sdp.capabilitiesFromSdp(offerA));

	const capsA = await next<v1.V1RtpCapabilities>(a, 'capabilities');
	const transportA = await a.createTransport({ tcp: false });

	await Promise.all(
		sdp.sendingMedia(offerA).map((media) =>
			a.RtpReceiver(media.type as 'audio' | 'video', transportA).receive(sdp.rtpParametersFromMedia(media, capsA)),
		),
	);

	// Page B joins after A: its capabilities come from a recvonly offer it makes.
	const b = room.Peer('page-b');
	const senders: RtpSender[] = [];

	b.on('newrtpsender', (sender: RtpSender) => senders.push(sender));
	b.setCapabilities(sdp.capabilitiesFromSdp(sdpTransform.parse(CHROMIUM_RECV_OFFER)));
	await next(b, 'capabilities');
	assert.deepEqual(senders.map((s) => s.kind), ['audio', 'video']);

	const transportB = await b.createTransport({ tcp: false });

	await Promise.all(senders.map((sender) => sender.setTransport(transportB)));

	const offerText = sdpTransform.write(
		sdp.createOffer({ transport: transportB, senders, sessionId: 7, sessionVersion: 2 }) as sdpTransform.SessionDescription,
	);
	const offer = sdpTransform.parse(offerText);

	assert.equal(offer.origin.sessionVersion, 2);
	assert.equal(offer.icelite, 'ice-lite');

	const mids = senders.map((s) => s.rtpParameters!.muxId!);

	assert.deepEqual(offer.groups, [{ type: 'BUNDLE', mids: mids.join(' ') }]);
	assert.deepEqual(offer.media.map((m) => [m.type, String(m.mid), m.direction, m.setup]), [
		['audio', mids[0], 'sendonly', 'actpass'],
		['video', mids[1], 'sendonly', 'actpass'],
	]);

	for (const [i, media] of offer.media.entries()) {
		const parameters = senders[i]!.rtpParameters!;
		const consumer = senders[i]!._consumer!;

		// What the consumer sends is what the SDP says.
		assert.deepEqual(media.rtp.map((r) => r.payload), consumer.rtpParameters.codecs.map((c) => c.payloadType));
		assert.equal(Number(media.ssrcs![0]!.id), consumer.rtpParameters.encodings![0]!.ssrc);
		assert.equal(media.ssrcs![0]!.value, parameters.rtcp!.cname);
		assert.deepEqual(media.msid, [{ id: 'page-a', appdata: `${media.type}-${senders[i]!.associatedRtpReceiver.id}` }]);
	}

	const video = offer.media[1]!;
	const videoEncoding = senders[1]!._consumer!.rtpParameters.encodings![0]!;

	assert.deepEqual(video.ssrcGroups, [{ semantics: 'FID', ssrcs: `${videoEncoding.ssrc} ${videoEncoding.rtx!.ssrc}` }]);
	assert.equal(offer.media[0]!.rtp[0]!.encoding, 2);

	// Chromium answers active: it is the DTLS client.
	const answer = sdpTransform.parse(offerText.replace(/a=setup:actpass/g, 'a=setup:active'));

	answer.media.forEach((m) => {
		m.fingerprint = { type: 'sha-256', hash: 'AB:'.repeat(31) + 'AB' };
	});

	const remote = sdp.dtlsParametersFromSdp(answer);

	assert.equal(remote.role, 'client');
	await transportB.setRemoteDtlsParameters(remote);

	// A disabled sender is offered inactive; a closed one too, and leaves BUNDLE.
	await senders[0]!.disable();

	const again = sdpTransform.parse(
		sdpTransform.write(sdp.createOffer({ transport: transportB, senders }) as sdpTransform.SessionDescription),
	);

	assert.equal(again.media[0]!.direction, 'inactive');
	senders[1]!.close();

	const third = sdpTransform.parse(
		sdpTransform.write(sdp.createOffer({ transport: transportB, senders }) as sdpTransform.SessionDescription),
	);

	assert.deepEqual(third.media.map((m) => m.port), [7, 0]);
	assert.deepEqual(third.groups!.map((g) => [g.type, String(g.mids)]), [['BUNDLE', mids[0]]]);
	room.close();
});
