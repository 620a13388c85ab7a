import { Logger } from './Logger';
import { ChannelEntity, WORKER_CLOSE, type CloseCause } from './ChannelEntity';
import { logListenerErrors } from './entityUtils';
import type { Channel } from './Channel';
import type { WebRtcTransport } from './WebRtcTransport';
import type { WebRtcServerDump, WebRtcServerEvents, WebRtcServerObserverEvents } from './WebRtcServerTypes';
import type { AppData } from './types';

const logger = new Logger('WebRtcServer');

/**
 * Shared UDP/TCP sockets in the worker through which many WebRtcTransports
 * (of any router of that worker) receive and send.
 */
export class WebRtcServer<WebRtcServerAppData extends AppData = AppData> extends ChannelEntity<
	WebRtcServerAppData,
	WebRtcServerEvents,
	WebRtcServerObserverEvents
> {
	readonly #webRtcTransports = new Map<string, WebRtcTransport>();

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
		super({
			name: 'WebRtcServer',
			logger,
			channel,
			id: internal.webRtcServerId,
			notified: false,
			requestPrefix: 'webRtcServer',
			closeRequest: ['worker.closeWebRtcServer', '', { webRtcServerId: internal.webRtcServerId }],
			appData,
		});

		logListenerErrors(this, logger);
	}

	/** @private For tests. */
	get webRtcTransportsForTesting(): Map<string, WebRtcTransport> {
		return this.#webRtcTransports;
	}

	/** @private The worker closed. */
	workerClosed(): void {
		this.closeFrom(WORKER_CLOSE);
	}

	async dump(): Promise<WebRtcServerDump> {
		return this.request('dump');
	}

	/** @private */
	handleWebRtcTransport(webRtcTransport: WebRtcTransport): void {
		this.#webRtcTransports.set(webRtcTransport.id, webRtcTransport);
		this.observer.safeEmit('webrtctransporthandled', webRtcTransport);

		const onGone = (): void => {
			if (this.#webRtcTransports.delete(webRtcTransport.id)) {
				this.observer.safeEmit('webrtctransportunhandled', webRtcTransport);
			}
		};

		webRtcTransport.on('@close', onGone);
		// Also when its router closes: the transport no longer uses this server.
		webRtcTransport.observer.on('close', onGone);
	}

	/**
	 * @private close(): the worker closes its transports too (and says so);
	 * here it happens right away. The worker closing: their routers close them.
	 */
	protected override onClosing(cause: CloseCause): void {
		const webRtcTransports = [...this.#webRtcTransports.values()];

		this.#webRtcTransports.clear();
		if (cause === WORKER_CLOSE) {
			return;
		}

		for (const webRtcTransport of webRtcTransports) {
			webRtcTransport.listenServerClosed();
			this.observer.safeEmit('webrtctransportunhandled', webRtcTransport);
		}
	}
}
