/**
 * Entry point of the broth worker process (what `workerBin` points at).
 * Spawned by the application's createWorker() with the channel on fds 3 (in)
 * and 4 (out), settings as `--name=value` arguments.
 */
import { WRONG_SETTINGS_EXIT_CODE } from '../channel/messages';
import { WorkerChannel } from './channel';
import { WorkerLogger } from './logger';
import { parseSettings, type WorkerProcessSettings } from './settings';
import { EngineWorker } from './engine/Worker';
import { loadOrGenerateIdentity } from './identity';

async function main(): Promise<void> {
	let settings: WorkerProcessSettings;

	try {
		settings = parseSettings(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`wrong settings: ${(error as Error).message}\n`);
		process.exit(WRONG_SETTINGS_EXIT_CODE);
	}

	const channel = new WorkerChannel(3, 4);

	WorkerLogger.configure(settings.logLevel, settings.logTags);
	WorkerLogger.sink = (level, source, msg) => channel.log(level, source, msg);

	let identity;

	try {
		identity = await loadOrGenerateIdentity(settings);
	} catch (error) {
		process.stderr.write(`wrong settings: ${(error as Error).message}\n`);
		process.exit(WRONG_SETTINGS_EXIT_CODE);
	}

	const exit = (code: number): void => {
		channel.end(() => process.exit(code));
		// If the application end is gone the flush may never complete.
		setTimeout(() => process.exit(code), 1000).unref();
	};

	const worker = new EngineWorker(
		{ channel, settings, identity, webRtcServers: new Map() },
		() => exit(0),
	);

	// The application went away (its end of the channel closed): nothing left to serve.
	channel.onClose = () => {
		worker.close();
		process.exit(0);
	};

	// Like mediasoup's worker: these signals must not end the process.
	for (const signal of ['SIGPIPE', 'SIGHUP', 'SIGALRM', 'SIGUSR1', 'SIGUSR2'] as const) {
		process.on(signal, () => {});
	}

	// A bug in the engine must not go unnoticed, but it should not hang either.
	process.on('uncaughtException', (error) => {
		process.stderr.write(`uncaught exception: ${error.stack ?? error}\n`);
		process.exit(1);
	});

	channel.emit(String(process.pid), 'running');
}

void main();
