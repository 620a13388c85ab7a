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
 * A consumer goes up a spatial layer (above its lowest) only when the estimate covers that layer
 * with this much to spare; going down follows the estimate as it is. Without it a layer whose bitrate is about the
 * link's (Chromium's 320x240 layer, ~230-265 kbps, behind a 250 kbps bottleneck) is taken as
 * soon as the estimate creeps over it, its key frame does not get through, the estimate falls
 * again, and the receiver's decoding stalls for seconds at each round.
 */
export const UPGRADE_HEADROOM = 1.15;

/** The spatial layer each consumer was last given (upgrades are measured from it). */
const granted = new WeakMap<BweConsumer, number>();

/**
 * Shares a transport's available bitrate among its consumers (mediasoup's
 * Transport::DistributeAvailableOutgoingBitrate): what simple consumers send is taken off the
 * top; simulcast and svc consumers climb their ladders (one spatial layer per rung: a producer
 * stream, or an svc stream's layers up to it) by priority with
 * allocateBitrate's monotone 'ordered' mode, and each gets the highest spatial layer that fits
 * (a higher one than it has only with UPGRADE_HEADROOM).
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

	const budget = Math.max(0, available - fixed);
	const entries = layered.map((l) => l.entry);
	const result = allocateBitrate(budget, entries);
	// What each would get with the headroom kept: never more than with the whole budget
	// (the allocation is monotone), so mixing the two still fits the budget.
	const cautious = allocateBitrate(budget / UPGRADE_HEADROOM, entries);

	for (let i = 0; i < layered.length; i++) {
		const consumer = layered[i]!.consumer;
		const full = result.allocations[i]!.spatialLayer;
		// The lowest layer needs no headroom (it is sent whatever the estimate).
		const previous = Math.max(granted.get(consumer) ?? -1, Math.min(full, 0));
		const layer = full > previous ? Math.max(previous, cautious.allocations[i]!.spatialLayer) : full;

		granted.set(consumer, layer);
		consumer.setBweSpatialLayer(layer);
	}

	return fixed + result.desired;
}
