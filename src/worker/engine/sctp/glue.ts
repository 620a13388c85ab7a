import { Ppid, type SctpState } from '../../../proto/sctp';
import { SctpEngine } from './SctpEngine';

/** What a Transport gives its SCTP association. */
export interface SctpHost {
	sendPacket(packet: Buffer): void;
	setState(state: SctpState): void;
	dataProducerOfStream(streamId: number): Record<string, any> | undefined;
	dataConsumers(): Iterable<Record<string, any>>;
	emit(id: string, event: string, data?: unknown): void;
}

/** Creates the transport's engine association and wires its events to data producers and consumers. */
export function attachSctp(
	host: SctpHost,
	params: { OS: number; MIS: number; maxMessageSize: number; sendBufferSize: number },
): SctpEngine {
	return new SctpEngine({
		OS: params.OS,
		MIS: params.MIS,
		maxMessageSize: params.maxMessageSize,
		sendBufferSize: params.sendBufferSize,
		send: (packet) => host.sendPacket(packet),
		onStateChange: (state) => host.setState(state),
		onMessage: (streamId, ppid, data) => {
			// Messages on streams no data producer listens to are dropped (as mediasoup).
			host.dataProducerOfStream(streamId)?.['receiveMessage']?.(data, ppid);
		},
		onBufferedAmountLow: (streamId, bufferedAmount) => {
			for (const dataConsumer of host.dataConsumers()) {
				if (dataConsumer['sctpStreamParameters']?.streamId === streamId) {
					host.emit(dataConsumer['id'], 'bufferedamountlow', { bufferedAmount });
				}
			}
		},
	});
}

/**
 * Sends a message on a data consumer's stream with its reliability. Empty
 * messages travel as one zero byte with the empty PPIDs (RFC 8831 6.6).
 */
export function sendOnStream(
	engine: SctpEngine,
	dataConsumer: { sctpStreamParameters?: { streamId: number; ordered?: boolean; maxPacketLifeTime?: number; maxRetransmits?: number } },
	data: Buffer,
	ppid: number,
	emit: (event: string) => void,
): boolean {
	const params = dataConsumer.sctpStreamParameters!;

	if (data.length === 0) {
		ppid = ppid === Ppid.BINARY || ppid === Ppid.BINARY_EMPTY || ppid === Ppid.BINARY_PARTIAL ? Ppid.BINARY_EMPTY : Ppid.STRING_EMPTY;
		data = Buffer.of(0);
	}

	const result = engine.send(params.streamId, ppid, data, {
		ordered: params.ordered !== false,
		maxPacketLifeTime: params.maxPacketLifeTime,
		maxRetransmits: params.maxRetransmits,
	});

	if (result === 'buffer-full') {
		emit('sctpsendbufferfull');
	}

	return result === 'ok';
}
