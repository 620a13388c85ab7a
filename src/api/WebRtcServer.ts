import { EnhancedEventEmitter } from './enhancedEvents';
import { Logger } from './Logger';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import { InvalidStateError } from './errors';
import type { WebRtcTransport } from './WebRtcTransport';
import type { WebRtcServerDump, WebRtcServerEvents, WebRtcServerObserverEvents } from './WebRtcServerTypes';
import type { AppData } from './types';

const logger = new Logger('WebRtcServer');

/**
 * Shared UDP/TCP sockets in the worker through which many WebRtcTransports
 * (of any router of that worker) receive and send.
 */
export class WebRtcServer<WebRtcServerAppData extends AppData = AppData> extends EnhancedEventEmitter<WebRtcServerEvents> {
	readonly #internal: { webRtcServerId: string };
	readonly #channel: Channel;
	#closed = false;
	#appData: WebRtcServerAppData;
	readonly #webRtcTransports = new Map<string, WebRtcTransport>();
	readonly #observer = new EnhancedEventEmitter<WebRtcServerObserverEvents>();

	/** @private Use worker.createWebRtcServer(). */
	constructor({
		internal,
		channel,
		appData,
	}: {
		internal: { webRtcServerId: string };
		channel: Channel;
		appData?: WebRtcServerAppData;
	}) {
		super();

		logger.debug('constructor()');

		this.#internal = internal;
		this.#channel = channel;
		this.#appData = appData ?? ({} as WebRtcServerAppData);

		logListenerErrors(this, logger);
	}

	get id(): string {
		return this.#internal.webRtcServerId;
	}

	get closed(): boolean {
		return this.#closed;
	}

	get appData(): WebRtcServerAppData {
		return this.#appData;
	}

	set appData(appData: WebRtcServerAppData) {
		this.#appData = appData;
	}

	get observer(): EnhancedEventEmitter<WebRtcServerObserverEvents> {
		return this.#observer;
	}

	/** @private For tests. */
	get webRtcTransportsForTesting(): Map<string, WebRtcTransport> {
		return this.#webRtcTransports;
	}

	close(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('close()');

		this.#closed = true;

		this.#channel
			.request('worker.closeWebRtcServer', '', { webRtcServerId: this.#internal.webRtcServerId })
			.catch(() => {});

		// The worker closes them too (and says so); here it happens right away.
		const webRtcTransports = [...this.#webRtcTransports.values()];

		this.#webRtcTransports.clear();
		for (const webRtcTransport of webRtcTransports) {
			webRtcTransport.listenServerClosed();
			this.#observer.safeEmit('webrtctransportunhandled', webRtcTransport);
		}

		this.emit('@close');
		this.#observer.safeEmit('close');
	}

	/** @private The worker closed. */
	workerClosed(): void {
		if (this.#closed) {
			return;
		}

		logger.debug('workerClosed()');

		this.#closed = true;

		// Their routers close them.
		this.#webRtcTransports.clear();

		this.safeEmit('workerclose');
		this.#observer.safeEmit('close');
	}

	async dump(): Promise<WebRtcServerDump> {
		logger.debug('dump()');

		if (this.#closed) {
			throw new InvalidStateError('WebRtcServer closed');
		}

		return this.#channel.request('webRtcServer.dump', this.#internal.webRtcServerId);
	}

	/** @private */
	handleWebRtcTransport(webRtcTransport: WebRtcTransport): void {
		this.#webRtcTransports.set(webRtcTransport.id, webRtcTransport);
		this.#observer.safeEmit('webrtctransporthandled', webRtcTransport);

		const onGone = (): void => {
			if (this.#webRtcTransports.delete(webRtcTransport.id)) {
				this.#observer.safeEmit('webrtctransportunhandled', webRtcTransport);
			}
		};

		webRtcTransport.on('@close', onGone);
		// Also when its router closes: the transport no longer uses this server.
		webRtcTransport.observer.on('close', onGone);
	}
}
