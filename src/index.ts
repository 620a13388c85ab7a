import { EnhancedEventEmitter } from './api/enhancedEvents';
import { Logger } from './api/Logger';
import { Worker } from './api/Worker';
import { checkAppData, clone } from './api/utils';
import { supportedRtpCapabilities } from './ortc/supportedRtpCapabilities';
import type { ObserverEvents, LogEventListeners } from './api/indexTypes';
import type { WorkerSettings } from './api/WorkerTypes';
import type { RouterRtpCapabilities } from './ortc/rtpParametersTypes';
import type { AppData } from './api/types';

/** All types, as `mediasoup.types`. */
export type * as types from './types';

/** broth's version (it follows the mediasoup API version it implements). */
export const version: string = require('../../package.json').version;

/** Emits `newworker` for every worker created. */
export const observer = new EnhancedEventEmitter<ObserverEvents>();

export { workerBin } from './api/Worker';
export { UnsupportedError, InvalidStateError } from './api/errors';
export { parseScalabilityMode } from './ortc/scalabilityModes';
export * as extras from './extras';

const logger = new Logger();

/**
 * Route broth's logs (application and worker processes) to the given
 * listeners. With no argument, no log events are emitted.
 */
export function setLogEventListeners(listeners?: LogEventListeners): void {
	logger.debug('setLogEventListeners()');

	let debugLogEmitter: EnhancedEventEmitter | undefined;
	let warnLogEmitter: EnhancedEventEmitter | undefined;
	let errorLogEmitter: EnhancedEventEmitter | undefined;

	if (listeners?.ondebug) {
		debugLogEmitter = new EnhancedEventEmitter();
		debugLogEmitter.on('debuglog', listeners.ondebug);
	}
	if (listeners?.onwarn) {
		warnLogEmitter = new EnhancedEventEmitter();
		warnLogEmitter.on('warnlog', listeners.onwarn);
	}
	if (listeners?.onerror) {
		errorLogEmitter = new EnhancedEventEmitter();
		errorLogEmitter.on('errorlog', listeners.onerror);
	}

	Logger.setEmitters(debugLogEmitter, warnLogEmitter, errorLogEmitter);
}

/** Spawn a worker process; resolves once it runs. */
export async function createWorker<WorkerAppData extends AppData = AppData>({
	logLevel = 'error',
	logTags,
	rtcMinPort = 10000,
	rtcMaxPort = 59999,
	dtlsCertificateFile,
	dtlsPrivateKeyFile,
	libwebrtcFieldTrials,
	disableLiburing,
	appData,
}: WorkerSettings<WorkerAppData> = {}): Promise<Worker<WorkerAppData>> {
	logger.debug('createWorker()');

	checkAppData(appData);

	const worker = new Worker<WorkerAppData>({
		logLevel,
		logTags,
		rtcMinPort,
		rtcMaxPort,
		dtlsCertificateFile,
		dtlsPrivateKeyFile,
		libwebrtcFieldTrials,
		disableLiburing,
		appData,
	});

	return new Promise((resolve, reject) => {
		worker.on('@success', () => {
			observer.safeEmit('newworker', worker as unknown as Worker);
			resolve(worker);
		});
		worker.on('@failure', reject);
	});
}

/** A deep copy of the RTP capabilities broth supports. */
export function getSupportedRtpCapabilities(): RouterRtpCapabilities {
	return clone(supportedRtpCapabilities);
}
