import { allocateBitrate, buildLadder, type AllocatableConsumer } from '../../bwe/BitrateAllocator';

/** What the allocation needs of a consumer (the engine's Consumer). */
export interface BweConsumer {
	readonly id: string;
	readonly type: string;
	readonly priority: number;
	readonly active: boolean;
	layerBitrates(now: number): number[];
	sendBitrate(now: number): number;
	setBweSpatialLayer(spatialLayer: number): void;
}

/**
 * Shares a transport's available bitrate among its consumers (mediasoup's
 * Transport::DistributeAvailableOutgoingBitrate): what simple consumers send is taken off the
 * top; simulcast and svc consumers climb their ladders (one spatial layer per rung: a producer
 * stream, or an svc stream's layers up to it) by priority with
 * allocateBitrate's monotone 'ordered' mode, and each gets the highest spatial layer that fits.
 * Returns the desired bitrate (every layered consumer at its preferred top plus the fixed part),
 * for the estimator's setDesiredBitrate.
 */
export function distributeBitrate(available: number, consumers: Iterable<BweConsumer>, now: number): number {
	let fixed = 0;
	const layered: { consumer: BweConsumer; entry: AllocatableConsumer }[] = [];

	for (const consumer of consumers) {
		if (!consumer.active) {
			continue;
		}
		if (consumer.type === 'simulcast' || consumer.type === 'svc') {
			const rows = consumer.layerBitrates(now).map((b) => [b]);

			layered.push({ consumer, entry: { id: consumer.id, priority: consumer.priority, ladder: buildLadder(rows) } });
		} else {
			fixed += consumer.sendBitrate(now);
		}
	}
	if (layered.length === 0) {
		return fixed;
	}

	const result = allocateBitrate(
		Math.max(0, available - fixed),
		layered.map((l) => l.entry),
	);

	for (let i = 0; i < layered.length; i++) {
		layered[i]!.consumer.setBweSpatialLayer(result.allocations[i]!.spatialLayer);
	}

	return fixed + result.desired;
}
