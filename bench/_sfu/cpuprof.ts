/**
 * Preloaded into the worker (NODE_OPTIONS=--require, since Node refuses
 * --cpu-prof in NODE_OPTIONS and createWorker() takes no execArgv): samples
 * the worker's CPU with the inspector's profiler and writes a .cpuprofile
 * (open in Chrome DevTools or speedscope) into BENCH_CPU_PROF_DIR on exit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as inspector from 'node:inspector';

const dir = process.env.BENCH_CPU_PROF_DIR;

if (dir) {
	const session = new inspector.Session();

	session.connect();
	session.post('Profiler.enable');
	session.post('Profiler.setSamplingInterval', { interval: 200 });
	session.post('Profiler.start');
	process.on('exit', () => {
		// The in-process session answers synchronously, so this works in 'exit'.
		session.post('Profiler.stop', (error, result) => {
			if (!error) {
				fs.mkdirSync(dir, { recursive: true });
				fs.writeFileSync(path.join(dir, `worker-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
			}
		});
	});
}
