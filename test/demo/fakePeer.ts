/**
 * A participant driven by the real mediasoup-client (its FakeHandler instead
 * of a browser), so requests carry exactly what mediasoup-client sends:
 * transport options it consumes, dtlsParameters, produce rtpParameters, and
 * consume() of the server's newConsumer data.
 */
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import type { types as clientTypes } from 'mediasoup-client';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { Client } from './helpers';

export class FakePeer {
	readonly client: Client;
	readonly device: Device;
	peerId = '';
	sendTransport?: clientTypes.Transport;
	recvTransport?: clientTypes.Transport;
	readonly consumers = new Map<string, clientTypes.Consumer>();
	readonly producers = new Map<string, clientTypes.Producer>();

	private constructor(client: Client) {
		this.client = client;
		this.device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
		client.onNewConsumer = async (data) => {
			if (!this.recvTransport) throw new Error('no recv transport');
			const consumer = await this.recvTransport.consume({
				id: data.id, producerId: data.producerId, kind: data.kind, rtpParameters: data.rtpParameters, appData: data.appData,
			});
			this.consumers.set(consumer.id, consumer);
			return {};
		};
	}

	/** caps → device.load → send and receive transports → join (mediasoup's usual order). */
	static async join(baseUrl: string, roomId: string, displayName: string): Promise<FakePeer> {
		const peer = new FakePeer(await Client.connect(baseUrl, roomId));
		const c = peer.client;
		await peer.device.load({ routerRtpCapabilities: await c.ok('getRouterRtpCapabilities') });
		const sendInfo = await c.ok('createWebRtcTransport', { producing: true, consuming: false });
		peer.sendTransport = peer.device.createSendTransport(sendInfo);
		const recvInfo = await c.ok('createWebRtcTransport', { producing: false, consuming: true });
		peer.recvTransport = peer.device.createRecvTransport(recvInfo);
		for (const t of [peer.sendTransport, peer.recvTransport]) {
			t.on('connect', ({ dtlsParameters }, callback, errback) => {
				c.ok('connectWebRtcTransport', { transportId: t.id, dtlsParameters }).then(callback, errback);
			});
		}
		peer.sendTransport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
			c.ok('produce', { transportId: peer.sendTransport!.id, kind, rtpParameters, appData }).then(callback, errback);
		});
		const joined = await c.ok('join', { displayName, rtpCapabilities: peer.device.rtpCapabilities });
		peer.peerId = joined.peerId;
		return peer;
	}

	async produce(kind: 'audio' | 'video', source: 'mic' | 'webcam' | 'screen' = kind === 'audio' ? 'mic' : 'webcam'): Promise<clientTypes.Producer> {
		const track = new FakeMediaStreamTrack({ kind }) as unknown as clientTypes.ProducerOptions['track'];
		const producer = await this.sendTransport!.produce({ track, appData: { source } });
		this.producers.set(producer.id, producer);
		return producer;
	}

	close(): void {
		this.client.close();
	}
}
