import { EventEmitter, once } from 'node:events';

type Events = Record<string, any[]>;

/**
 * A typed EventEmitter. `safeEmit()` never lets a throwing listener break the
 * emitter: the error is reported through the built-in `listenererror` event.
 */
export class EnhancedEventEmitter<
	E extends Events = Events,
	BuiltInEvents extends Events = { listenererror: [keyof E, Error] },
	E2 extends Events = E & BuiltInEvents,
> extends EventEmitter {
	constructor() {
		super();
		this.setMaxListeners(Infinity);
	}

	override emit<K extends keyof E2 & string>(eventName: K, ...args: E2[K]): boolean {
		return super.emit(eventName, ...args);
	}

	/** Emit, catching (and reporting via `listenererror`) listener exceptions. */
	safeEmit<K extends keyof E2 & string>(eventName: K, ...args: E2[K]): boolean {
		try {
			return super.emit(eventName, ...args);
		} catch (error) {
			try {
				super.emit('listenererror', eventName, error);
			} catch {
				// A throwing listenererror handler must not break us either.
			}
			return Boolean(super.listenerCount(eventName));
		}
	}

	override on<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.on(eventName, listener as (...args: any[]) => void);
	}

	override off<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.off(eventName, listener as (...args: any[]) => void);
	}

	override addListener<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.addListener(eventName, listener as (...args: any[]) => void);
	}

	override prependListener<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.prependListener(eventName, listener as (...args: any[]) => void);
	}

	override once<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.once(eventName, listener as (...args: any[]) => void);
	}

	override prependOnceListener<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.prependOnceListener(eventName, listener as (...args: any[]) => void);
	}

	override removeListener<K extends keyof E2 & string>(eventName: K, listener: (...args: E2[K]) => void): this {
		return super.removeListener(eventName, listener as (...args: any[]) => void);
	}

	override removeAllListeners<K extends keyof E2 & string>(eventName?: K): this {
		return super.removeAllListeners(eventName);
	}

	override listenerCount<K extends keyof E2 & string>(eventName: K): number {
		return super.listenerCount(eventName);
	}

	override listeners<K extends keyof E2 & string>(eventName: K): Function[] {
		return super.listeners(eventName);
	}

	override rawListeners<K extends keyof E2 & string>(eventName: K): Function[] {
		return super.rawListeners(eventName);
	}
}

/** Typed `events.once()`: resolves with the event's arguments. */
export async function enhancedOnce<E extends Events = Events>(
	emitter: EnhancedEventEmitter<E>,
	eventName: keyof E & string,
	options?: any,
): Promise<any[]> {
	return once(emitter, eventName, options);
}
