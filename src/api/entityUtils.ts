import type { EnhancedEventEmitter } from './enhancedEvents';
import type { Logger } from './Logger';

/** Logs what a listener threw (safeEmit turned it into 'listenererror'), as mediasoup's objects do. */
export function logListenerErrors(emitter: EnhancedEventEmitter<any>, logger: Logger): void {
	emitter.on('listenererror', (eventName: unknown, error: Error) => {
		logger.error(`event listener threw an error [eventName:${String(eventName)}]:`, error);
	});
}

/** mediasoup's argument checks for enableTraceEvent(types). */
export function checkTraceEventTypes(types: unknown): void {
	if (!Array.isArray(types)) {
		throw new TypeError('types must be an array');
	}
	if (types.find((type) => typeof type !== 'string')) {
		throw new TypeError('every type must be a string');
	}
}

/** The known ones of enableTraceEvent(types), warning about the others (`typeName`: e.g. 'ConsumerTraceEventType'). */
export function knownTraceEventTypes<T extends string>(
	types: T[],
	known: readonly string[],
	typeName: string,
	logger: Logger,
): T[] {
	return types.filter((type) => {
		if (known.includes(type)) {
			return true;
		}
		logger.warn(`enableTraceEvent() | invalid ${typeName}: ${type}`);

		return false;
	});
}
