/**
 * A mediasoup v1-style application for plain RTCPeerConnection pages, written only against
 * `broth/v1` (imported by its package name, as a user would) and sdp-transform, after
 * examples/v1/app.ts: the signaling is the caller's, these handlers take and return SDP strings.
 *
 * Page flow: a sending page offers its tracks (answered by onSendOffer()); a receiving page
 * offers recvonly transceivers once to tell its capabilities (onRecvCapabilities()), then applies
 * the server's offer (offerFor()) and returns its answer (onRecvAnswer()).
 */
import * as mediasoup from 'broth/v1';
import type { Peer, Room, RtpSender, Transport, V1Server } from 'broth/v1';
import * as sdpTransform from 'sdp-transform';

const { sdp } = mediasoup;

/**
 * The worker sends no transport-cc feedback yet (it answers goog-remb): a Chromium that
 * negotiated transport-cc would get none and hold its video back. v1 applications munged SDP
 * for less; the answer then lacks it too, and Chromium falls back to REMB.
 */
function withoutTransportCc(session: sdpTransform.SessionDescription): sdpTransform.SessionDescription {
	for (const media of session.media) {
		media.ext = media.ext?.filter((ext) => !ext.uri.includes('transport-wide-cc'));
		media.rtcpFb = media.rtcpFb?.filter((fb) => fb.type !== 'transport-cc');
	}

	return session;
}

function parse(sdpText: string): sdpTransform.SessionDescription {
	return withoutTransportCc(sdpTransform.parse(sdpText));
}

export type App = {
	server: V1Server;
	room: Room;
	onSendOffer(peer: Peer, offerSdp: string): Promise<string>;
	onRecvCapabilities(peer: Peer, offerSdp: string): Promise<Transport>;
	offerFor(peer: Peer, transport: Transport): Promise<string>;
	onRecvAnswer(transport: Transport, answerSdp: string): Promise<void>;
	close(): void;
};

export function createApp(): App {
	const server = mediasoup.Server({ numWorkers: 1, logLevel: 'warn', rtcIPv4: '127.0.0.1', rtcIPv6: false });
	const room = server.Room([
		{ kind: 'audio', name: 'opus', clockRate: 48000, numChannels: 2 },
		{ kind: 'video', name: 'VP8', clockRate: 90000 },
	]);
	let version = 1;
	/** Each sender's setTransport(), to wait for before offering it. */
	const placed = new WeakMap<RtpSender, Promise<RtpSender>>();
	const place = (sender: RtpSender, transport: Transport): Promise<RtpSender> => {
		const done = sender.setTransport(transport);

		// Awaited by offerFor(); a sender closed before that (room closed) is no error here.
		done.catch((error: Error) => sender.closed || console.error('setTransport', error));
		placed.set(sender, done);

		return done;
	};

	return {
		server,
		room,

		/** A sending page's offer in, the answer out. */
		async onSendOffer(peer, offerSdp) {
			const offer = parse(offerSdp);

			if (!peer.rtpCapabilities) {
				peer.setCapabilities(sdp.capabilitiesFromSdp(offer));
			}

			const capabilities = peer.rtpCapabilities!;
			const transport = await peer.createTransport({ tcp: false });

			await transport.setRemoteDtlsParameters(sdp.dtlsParametersFromSdp(offer));
			await Promise.all(
				sdp.sendingMedia(offer).map((media) =>
					peer.RtpReceiver(media.type as 'audio' | 'video', transport).receive(sdp.rtpParametersFromMedia(media, capabilities)),
				),
			);

			return sdpTransform.write(sdp.createAnswer({ offer, transport, receivers: peer.rtpReceivers }) as sdpTransform.SessionDescription);
		},

		/** A receiving page tells its capabilities (an offer of recvonly transceivers). */
		async onRecvCapabilities(peer, offerSdp) {
			const transport = await peer.createTransport({ tcp: false });

			// Senders for receivers already in the room arrive right after 'capabilities' (which
			// setCapabilities() emits later, not from inside the call); later ones whenever another
			// peer starts sending. Each goes on this transport at once.
			peer.on('newrtpsender', (sender: RtpSender) => place(sender, transport));

			const effective = new Promise((resolve) => peer.once('capabilities', resolve));

			peer.setCapabilities(sdp.capabilitiesFromSdp(parse(offerSdp)));
			await effective;

			return transport;
		},

		/** The offer of everything the receiving page should get (again when senders change). */
		async offerFor(peer, transport) {
			const senders = peer.rtpSenders;

			// A sender's MID and final parameters come with its consumer: wait for setTransport().
			await Promise.all(
				senders.map((sender) => placed.get(sender) ?? place(sender, transport)),
			);

			return sdpTransform.write(sdp.createOffer({ transport, senders, sessionVersion: version++ }) as sdpTransform.SessionDescription);
		},

		/** The receiving page's answer: its DTLS role and fingerprint. */
		async onRecvAnswer(transport, answerSdp) {
			if (transport.dtlsState === 'new') {
				await transport.setRemoteDtlsParameters(sdp.dtlsParametersFromSdp(parse(answerSdp)));
			}
		},

		close() {
			room.close();
			server.close();
		},
	};
}
