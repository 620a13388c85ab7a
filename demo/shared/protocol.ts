/**
 * The demo's signaling contract, shared by the server and the page.
 *
 * JSON text messages over one WebSocket (`/ws?roomId=...`):
 *   request       { request: true, id, method, data }        either side may send
 *   response      { response: true, id, ok: true, data }
 *               | { response: true, id, ok: false, error: { code, message } }
 *   notification  { notification: true, method, data }
 *
 * Client → server requests: ClientMethod. Server → client requests: 'newConsumer'
 * (the client answers once its Consumer exists; only then the server resumes it).
 * Types only: nothing here runs.
 */

export type RequestMessage = { request: true; id: number; method: string; data?: unknown };
export type ResponseMessage =
	| { response: true; id: number; ok: true; data?: unknown }
	| { response: true; id: number | null; ok: false; error: { code: ErrorCode; message: string } };
export type NotificationMessage = { notification: true; method: string; data?: unknown };
export type Message = RequestMessage | ResponseMessage | NotificationMessage;

export type ErrorCode =
	| 'bad_json'        // not JSON, or not an object with the envelope fields
	| 'bad_request'     // envelope fine, data fails the method's schema
	| 'unknown_method'
	| 'not_joined'      // method needs join first
	| 'already_joined'
	| 'not_found'       // no such object among this peer's own
	| 'limit'           // per-peer/room object limits
	| 'rate_limited'
	| 'failed'          // broth rejected the operation
	| 'shutting_down';

export type ClientMethod =
	| 'getRouterRtpCapabilities'
	| 'join'
	| 'leave'
	| 'createWebRtcTransport'
	| 'connectWebRtcTransport'
	| 'restartIce'
	| 'produce'
	| 'closeProducer'
	| 'pauseProducer'
	| 'resumeProducer'
	| 'pauseConsumer'
	| 'resumeConsumer'
	| 'getTransportStats'
	| 'getProducerStats'
	| 'getConsumerStats';

export type PeerInfo = { id: string; displayName: string };

export type JoinResponse = { peerId: string; peers: PeerInfo[] };

export type ProducerSource = 'mic' | 'webcam' | 'screen';

export type NewConsumerData = {
	peerId: string;
	producerId: string;
	id: string;
	kind: 'audio' | 'video';
	rtpParameters: unknown;
	type: string;
	appData: { source?: ProducerSource; peerId: string };
	producerPaused: boolean;
};

/** Server → client notifications and their data. */
export type Notifications = {
	newPeer: PeerInfo;
	peerClosed: { peerId: string };
	consumerClosed: { consumerId: string };
	consumerPaused: { consumerId: string };
	consumerResumed: { consumerId: string };
	consumerScore: { consumerId: string; score: { score: number; producerScore: number; producerScores: number[] } };
	consumerLayersChanged: { consumerId: string; spatialLayer: number | null; temporalLayer: number | null };
	producerScore: { producerId: string; score: { encodingIdx: number; ssrc: number; rid?: string; score: number }[] };
	activeSpeaker: { peerId: string | null };
	serverShutdown: Record<string, never>;
};
