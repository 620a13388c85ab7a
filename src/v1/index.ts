/**
 * broth/v1: mediasoup v1's API (Server, Room, Peer, Transport, RtpReceiver,
 * RtpSender) as a thin layer over broth's v3 objects.
 *
 *   import * as mediasoup from 'broth/v1';
 *   const server = mediasoup.Server({ numWorkers: 1, rtcIPv4: true, rtcIPv6: false });
 *   const room = server.Room(mediaCodecs);
 *   const peer = room.Peer('alice');
 */
import { V1Server } from './Server';
import type { ServerOptions } from './Server';

export { InvalidStateError, UnsupportedError } from '../api/errors';
export * as errors from './errors';
export { Room } from './Room';
export { Peer } from './Peer';
export { Transport } from './Transport';
export { RtpReceiver } from './RtpReceiver';
export { RtpSender } from './RtpSender';
export { V1Server } from './Server';
export * as sdp from './sdp';
export * as rtp from './rtp';
export type { ServerOptions, ServerEvents } from './Server';
export type { RoomEvents, AudioLevelEntry } from './Room';
export type { PeerEvents, TransportOptions } from './Peer';
export type { TransportEvents, V1IceCandidate, V1DtlsParameters } from './Transport';
export type { RtpReceiverEvents } from './RtpReceiver';
export type { RtpSenderEvents } from './RtpSender';
export type {
	V1MediaKind,
	V1RtpCodec,
	V1RtpCapabilities,
	V1RtpParameters,
	V1RtpHeaderExtension,
	V1RtpHeaderExtensionParameters,
	V1RtpEncodingParameters,
} from './rtp';

/** broth's version. */
export const version: string = require('../../../package.json').version;

/** The server type (what `Server()` returns). */
export type Server = V1Server;

/**
 * A new mediasoup v1 Server (v1 called it without `new`). Throws TypeError
 * on invalid options.
 */
export function Server(options?: ServerOptions): V1Server {
	return new V1Server(options);
}
