import { EnhancedEventEmitter } from './enhancedEvents';
import type { Logger } from './Logger';
import type { Channel } from './Channel';
import { InvalidStateError } from './errors';
import { checkTraceEventTypes, knownTraceEventTypes } from './entityUtils';
import type { AppData } from './types';

type Events = Record<string, any[]>;

/** @private What a subclass tells ChannelEntity about itself. */
export type EntitySpec<EntityAppData> = {
	/** The class name, as in its `InvalidStateError('<name> closed')`. */
	name: string;
	/** Where its lifecycle ('constructor()', 'close()', ...) is logged. */
	logger: Logger;
	channel: Channel;
	/** The handler id of its requests and of the worker's notifications to it. */
	id: string;
	/** Its requests are '<requestPrefix>.<action>' (e.g. 'consumer.dump'). */
	requestPrefix: string;
	/** Whether the worker sends it notifications (see handleWorkerNotification()). */
	notified: boolean;
	/** The request close() sends: method, handler id (the parent's) and body. */
	closeRequest: [method: string, handlerId: string, body: object];
	appData?: EntityAppData;
};

/**
 * @private How a close reaches an object. mediasoup's objects differ only in
 * these: close() logs 'close()', tells the worker and emits '@close'; a
 * parent closing (transportClosed(), routerClosed(), ...) logs and emits a
 * public event; the worker's word that the source closed (producerclose)
 * logs nothing and emits a private event before the public one.
 */
export type CloseCause = {
	/** Logged at debug level. */
	log?: string;
	/** Emitted with emit(): its listeners are ours. */
	privateEvent?: string;
	/** Emitted with safeEmit(): its listeners are the application's. */
	event?: string;
};

const CLOSE: CloseCause = { log: 'close()', privateEvent: '@close' };

/** @private Producers, consumers and their data kin: their transport closed. */
export const TRANSPORT_CLOSE: CloseCause = { log: 'transportClosed()', event: 'transportclose' };

/** @private Transports and RTP observers: their router closed. */
export const ROUTER_CLOSE: CloseCause = { log: 'routerClosed()', event: 'routerclose' };

/** @private Routers and WebRtcServers: their worker closed. */
export const WORKER_CLOSE: CloseCause = { log: 'workerClosed()', event: 'workerclose' };

/**
 * The part every worker-backed object of the API shares (Router, WebRtcServer,
 * transports, producers, consumers, RTP observers): its id, `closed`,
 * `appData`, `observer`, the worker's notifications and the close sequence,
 * which is the same everywhere:
 *
 *   closed = true, notifications off, [close request to the worker],
 *   onClosing() (children, state), [private event], [public event],
 *   observer 'close'.
 *
 * Worker stays apart: it owns the process and channel, closes its children
 * before its close request and emits no '@close'.
 */
export abstract class ChannelEntity<
	EntityAppData extends AppData,
	E extends Events,
	ObserverEvents extends Events,
> extends EnhancedEventEmitter<E> {
	/** @private */
	protected readonly channel: Channel;
	/** @private */
	protected readonly logger: Logger;
	readonly #spec: EntitySpec<EntityAppData>;
	#closed = false;
	#appData: EntityAppData;
	readonly #observer = new EnhancedEventEmitter<ObserverEvents>();

	protected constructor(spec: EntitySpec<EntityAppData>) {
		super();

		spec.logger.debug('constructor()');

		this.channel = spec.channel;
		this.logger = spec.logger;
		this.#spec = spec;
		this.#appData = spec.appData ?? ({} as EntityAppData);

		if (spec.notified) {
			this.channel.on(spec.id, (event: string, data?: any) => {
				if (!this.handleWorkerNotification(event, data)) {
					this.logger.error(`ignoring unknown event "${event}"`);
				}
			});
		}
	}

	get id(): string {
		return this.#spec.id;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get appData(): EntityAppData {
		return this.#appData;
	}

	set appData(appData: EntityAppData) {
		this.#appData = appData;
	}

	get observer(): EnhancedEventEmitter<ObserverEvents> {
		return this.#observer;
	}

	close(): void {
		this.#close(CLOSE, true);
	}

	/** @private For subclasses: a close that did not come from close(). */
	protected closeFrom(cause: CloseCause): void {
		this.#close(cause, false);
	}

	/**
	 * @private Runs after `closed` is set (and the worker is told, for
	 * close()), before any close event: children close and state turns to
	 * 'closed' here, so listeners of those events see it done.
	 */
	protected onClosing(_cause: CloseCause): void {}

	/**
	 * @private The worker's notifications; true when handled (otherwise it is
	 * logged as unknown).
	 */
	protected handleWorkerNotification(_event: string, _data: any): boolean {
		return false;
	}

	/** @private Emits to the application, then to the observer (mediasoup's order). */
	protected emitWithObserver<K extends keyof E & keyof ObserverEvents & string>(event: K, ...args: E[K]): void {
		this.#emitter.safeEmit(event, ...args);
		this.#observer.safeEmit(event, ...(args as any));
	}

	/**
	 * @private A request about this object, made once it is known open:
	 * '<requestPrefix>.<action>', logged as '<action>()'.
	 */
	protected async request<T = any>(action: string, data?: object): Promise<T> {
		this.logger.debug(`${action}()`);
		this.assertOpen();

		return this.channel.request(`${this.#spec.requestPrefix}.${action}`, this.#spec.id, data);
	}

	/**
	 * @private Producer's and Consumer's enableTraceEvent(): argument checks,
	 * then known types only (`typeName` in the warning about the others).
	 */
	protected async requestTraceEvent(types: unknown, knownTypes: readonly string[], typeName: string): Promise<void> {
		this.logger.debug('enableTraceEvent()');
		checkTraceEventTypes(types);
		this.assertOpen();

		// Unknown types are dropped (with a warning), as mediasoup does.
		const validTypes = knownTraceEventTypes(types as string[], knownTypes, typeName, this.logger);

		await this.channel.request(`${this.#spec.requestPrefix}.enableTraceEvent`, this.#spec.id, { types: validTypes });
	}

	/** @private */
	protected assertOpen(): void {
		if (this.#closed) {
			throw new InvalidStateError(`${this.#spec.name} closed`);
		}
	}

	get #emitter(): EnhancedEventEmitter<Events> {
		return this as unknown as EnhancedEventEmitter<Events>;
	}

	#close(cause: CloseCause, tellWorker: boolean): void {
		if (this.#closed) {
			return;
		}

		if (cause.log) {
			this.logger.debug(cause.log);
		}

		this.#closed = true;
		this.channel.removeAllListeners(this.#spec.id);

		if (tellWorker) {
			const [method, handlerId, body] = this.#spec.closeRequest;

			this.channel.request(method, handlerId, body).catch(() => {});
		}

		this.onClosing(cause);

		if (cause.privateEvent) {
			this.#emitter.emit(cause.privateEvent);
		}
		if (cause.event) {
			this.#emitter.safeEmit(cause.event);
		}
		(this.#observer as unknown as EnhancedEventEmitter<Events>).safeEmit('close');
	}
}

/** @private What a PausableEntity adds to its spec. */
export type PausableSpec<EntityAppData> = EntitySpec<EntityAppData> & {
	paused: boolean;
	/**
	 * mediasoup's RtpObserver reads `paused` before the worker request, the
	 * others after it: with concurrent calls, only the former reports every
	 * call as a transition.
	 */
	readPausedBeforeRequest?: boolean;
	/** Consumers: whether what they consume is paused at its source. */
	upstreamPaused?: boolean;
};

/**
 * A ChannelEntity with pause()/resume() (producers, consumers, RTP
 * observers). Its observer reports effective transitions only: for a
 * consumer, none while its producer holds the media back.
 */
export abstract class PausableEntity<
	EntityAppData extends AppData,
	E extends Events,
	ObserverEvents extends Events,
> extends ChannelEntity<EntityAppData, E, ObserverEvents> {
	readonly #readPausedBeforeRequest: boolean;
	#paused: boolean;
	#upstreamPaused: boolean;

	protected constructor(spec: PausableSpec<EntityAppData>) {
		super(spec);

		this.#readPausedBeforeRequest = Boolean(spec.readPausedBeforeRequest);
		this.#paused = Boolean(spec.paused);
		this.#upstreamPaused = Boolean(spec.upstreamPaused);
	}

	get paused(): boolean {
		return this.#paused;
	}

	async pause(): Promise<void> {
		await this.#setPaused(true);
	}

	async resume(): Promise<void> {
		await this.#setPaused(false);
	}

	/** @private */
	protected get upstreamPaused(): boolean {
		return this.#upstreamPaused;
	}

	/**
	 * @private The source paused or resumed (a worker notification): `event`
	 * tells the application when that changes anything, the observer when
	 * this object is not paused itself.
	 */
	protected setUpstreamPaused(paused: boolean, event: string): void {
		if (this.#upstreamPaused === paused) {
			return;
		}

		this.#upstreamPaused = paused;
		(this as unknown as EnhancedEventEmitter<Events>).safeEmit(event);

		if (!this.#paused) {
			this.#observerEmitter.safeEmit(paused ? 'pause' : 'resume');
		}
	}

	get #observerEmitter(): EnhancedEventEmitter<Events> {
		return this.observer as unknown as EnhancedEventEmitter<Events>;
	}

	async #setPaused(paused: boolean): Promise<void> {
		const action = paused ? 'pause' : 'resume';
		let wasPaused = this.#paused;

		await this.request(action);

		if (!this.#readPausedBeforeRequest) {
			wasPaused = this.#paused;
		}

		this.#paused = paused;

		// Only a real transition is reported, and none while the source holds
		// the media back anyway.
		if (wasPaused !== paused && !this.#upstreamPaused) {
			this.#observerEmitter.safeEmit(action);
		}
	}
}
