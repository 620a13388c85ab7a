/**
 * A mediasoup v1-style server for plain RTCPeerConnection pages, written
 * only against broth/v1 and sdp-transform (as v1 applications were). The
 * signaling transport (WebSocket, HTTP...) is the application's: here the
 * two handlers take and return SDP strings.
 *
 * Page flow: a sending page offers its tracks (answered by onSendOffer()),
 * a receiving page offers recvonly transceivers once to tell its
 * capabilities (onRecvCapabilities()), then applies the server's offer
 * (offerFor()) and returns its answer (onRecvAnswer()).
 */
import * as mediasoup from 'broth/v1';
import type { Peer, Room, RtpSender, Transport } from 'broth/v1';
import * as sdpTransform from 'sdp-transform';

const { sdp } = mediasoup;

const server = mediasoup.Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });
const room: Room = server.Room([
	{ kind: 'audio', name: 'opus', clockRate: 48000, numChannels: 2 },
	{ kind: 'video', name: 'VP8', clockRate: 90000 },
]);

room.on('newpeer', (peer: Peer) => console.log('newpeer', peer.name));

/** A sending page's offer in, the answer out. */
export async function onSendOffer(peer: Peer, offerSdp: string): Promise<string> {
	const offer = sdpTransform.parse(offerSdp);

	if (!peer.rtpCapabilities) {
		peer.setCapabilities(sdp.capabilitiesFromSdp(offer));
	}

	const capabilities = peer.rtpCapabilities!;
	const transport: Transport = await peer.createTransport({ tcp: false });

	await transport.setRemoteDtlsParameters(sdp.dtlsParametersFromSdp(offer));
	await Promise.all(
		sdp.sendingMedia(offer).map((media) =>
			peer.RtpReceiver(media.type as 'audio' | 'video', transport).receive(sdp.rtpParametersFromMedia(media, capabilities)),
		),
	);

	const answer = sdp.createAnswer({ offer, transport, receivers: peer.rtpReceivers });

	return sdpTransform.write(answer as sdpTransform.SessionDescription);
}

/** Each sender's setTransport(): offerFor() waits for it (a sender's MID comes with its consumer). */
const placed = new WeakMap<RtpSender, Promise<RtpSender>>();

function place(sender: RtpSender, transport: Transport): Promise<RtpSender> {
	const done = sender.setTransport(transport);

	done.catch((error: Error) => sender.closed || console.error('setTransport', error));
	placed.set(sender, done);

	return done;
}

/** A receiving page tells its capabilities (an offer of recvonly transceivers). */
export async function onRecvCapabilities(peer: Peer, offerSdp: string): Promise<Transport> {
	const transport = await peer.createTransport({ tcp: false });

	// Senders for receivers already in the room arrive right after 'capabilities' (emitted
	// after setCapabilities() returns); later ones whenever another peer starts sending.
	peer.on('newrtpsender', (sender: RtpSender) => place(sender, transport));

	const effective = new Promise((resolve) => peer.once('capabilities', resolve));

	peer.setCapabilities(sdp.capabilitiesFromSdp(sdpTransform.parse(offerSdp)));
	await effective;

	return transport;
}

let version = 1;

/** The offer of everything the receiving page should get (call again when senders change). */
export async function offerFor(peer: Peer, transport: Transport): Promise<string> {
	const senders = peer.rtpSenders;

	await Promise.all(senders.map((sender) => placed.get(sender) ?? place(sender, transport)));

	return sdpTransform.write(sdp.createOffer({ transport, senders, sessionVersion: version++ }) as sdpTransform.SessionDescription);
}

/** The receiving page's answer: its DTLS role and fingerprint. */
export async function onRecvAnswer(transport: Transport, answerSdp: string): Promise<void> {
	if (transport.dtlsState === 'new') {
		await transport.setRemoteDtlsParameters(sdp.dtlsParametersFromSdp(sdpTransform.parse(answerSdp)));
	}
}

if (require.main === module) {
	const alice = room.Peer('alice');

	alice.on('close', () => console.log('alice left'));
	console.log('room codecs', room.rtpCapabilities.codecs!.map((codec) => codec.name).join(' '));
	room.close();
	server.close();
}
