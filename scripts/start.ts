/**
 * The main job: the broth video-conference demo. Builds the page, starts the
 * room server and prints the URL to open. `--help` lists the options.
 */
import { parseConfig, usage } from '../demo/server/config';
import { createLogger } from '../demo/server/log';
import { startDemoServer } from '../demo/server/Server';
import { buildPage, publicDir } from '../demo/build';
import { version } from '../src';

async function main(): Promise<void> {
	const { config, help, errors } = parseConfig(process.argv.slice(2), process.env);
	if (help) {
		console.log(usage());
		return;
	}
	if (errors.length > 0) {
		for (const e of errors) console.error(`error: ${e}`);
		console.error('\n' + usage());
		process.exit(2);
	}
	const log = createLogger();
	const built = await buildPage(publicDir);
	log.info('page built', { dir: built.outDir, bytes: built.bytes });

	const server = await startDemoServer({ ...config, publicDir }, log);
	log.info('listening', { url: server.url, version, workers: server.workers.length, rtcPorts: `${config.rtcMinPort}-${config.rtcMaxPort}` });
	console.log(`\nbroth ${version} demo: open ${server.url}?room=demo&name=you in two or more browser tabs\n`);

	let stopping = false;
	const stop = (signal: string): void => {
		if (stopping) return;
		stopping = true;
		log.info('signal', { signal });
		const timer = setTimeout(() => {
			log.error('shutdown took too long; exiting');
			process.exit(1);
		}, 5000);
		server.close().then(() => {
			clearTimeout(timer);
			process.exit(0);
		}, (error) => {
			log.error('shutdown failed', { error });
			process.exit(1);
		});
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
