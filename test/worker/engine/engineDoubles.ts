/**
 * Doubles for engine-level consumer tests: a channel that records what the engine emits and
 * answers requests through the registered handlers, and a transport that records what its
 * consumers send (media, RTX) and the RTCP feedback sent towards its producers.
 */
import { Router } from '../../../src/worker/engine/Router';
import type { MediaTransport } from '../../../src/worker/engine/media';
import type { TransportOwner } from '../../../src/worker/engine/types';
import type { RequestHandler } from '../../../src/worker/channel';
import { RtpPacket } from '../../../src/proto/rtp/rtpPacket';
import { PictureLossIndication } from '../../../src/proto/rtcp/pli';
import type { RtcpPacket } from '../../../src/proto/rtcp/compound';

export class Channel {
	readonly handlers = new Map<string, RequestHandler>();
	readonly events: { targetId: string; event: string; data?: any }[] = [];

	register(id: string, handler: RequestHandler): void {
		this.handlers.set(id, handler);
	}

	has(id: string): boolean {
		return this.handlers.has(id);
	}

	unregister(id: string): void {
		this.handlers.delete(id);
	}

	emit(targetId: string, event: string, data?: unknown): void {
		this.events.push({ targetId, event, data });
	}

	log(): void {}

	request(id: string, method: string, data?: unknown): any {
		return this.handlers.get(id)!.handleRequest(method, data);
	}

	layers(id: string): string[] {
		return this.events
			.filter((e) => e.targetId === id && e.event === 'layerschange')
			.map((e) => (e.data ? `${e.data.spatialLayer}.${e.data.temporalLayer}` : 'none'));
	}
}

export class FakeTransport implements TransportOwner, MediaTransport {
	readonly connected = true;
	readonly sent: { data: Buffer; isRtx: boolean }[] = [];
	readonly rtcp: RtcpPacket[] = [];
	readonly ctx: any;

	constructor(
		readonly id: string,
		readonly router: Router,
		channel: Channel,
	) {
		this.ctx = { channel, settings: {}, identity: {}, webRtcServers: new Map() };
	}

	sendConsumerRtp(_consumerId: string, data: Buffer, length: number, isRtx: boolean): void {
		this.sent.push({ data: Buffer.from(data.subarray(0, length)), isRtx });
	}

	allocRtpBuffer(length: number): Buffer {
		return Buffer.alloc(length);
	}

	wakeFastTimer(): void {}

	sendRtcpFeedback(packet: RtcpPacket): void {
		this.rtcp.push(packet);
	}

	/** Key frame requests sent towards the producer, by media SSRC. */
	plis(ssrc: number): number {
		return this.rtcp.filter((p) => p instanceof PictureLossIndication && p.mediaSsrc === ssrc).length;
	}

	media(): RtpPacket[] {
		return this.sent.filter((s) => !s.isRtx).map((s) => RtpPacket.parse(s.data)!);
	}

	onProducerClosed(): void {}
	onConsumerClosed(): void {}
	onDataProducerClosed(): void {}
	onDataConsumerClosed(): void {}
}

export const feedback = [
	{ type: 'nack', parameter: '' },
	{ type: 'nack', parameter: 'pli' },
];

/** A router on the recording channel, with a sending and a receiving transport double. */
export function engineRouter(): { channel: Channel; router: Router; send: FakeTransport; recv: FakeTransport } {
	const channel = new Channel();
	const ctx = { channel: channel as any, settings: {} as any, identity: {} as any, webRtcServers: new Map() };
	const router = new Router('router', ctx);

	return { channel, router, send: new FakeTransport('send', router, channel), recv: new FakeTransport('recv', router, channel) };
}
