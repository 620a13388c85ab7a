import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as mediasoup from '../../src';
import { enhancedOnce } from '../../src/extras';
import type { Worker } from '../../src/api/Worker';

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);

		return true;
	} catch {
		return false;
	}
}

async function closeAndWait(worker: Worker): Promise<void> {
	if (!worker.subprocessClosed) {
		const closed = enhancedOnce(worker, 'subprocessclose');

		worker.close();
		await closed;
	}
}

test('createWorker() spawns a real child process running the worker entry', async () => {
	const onNewWorker: Worker[] = [];

	mediasoup.observer.once('newworker', (w) => onNewWorker.push(w));

	const worker = await mediasoup.createWorker({ appData: { foo: 123 } });

	assert.equal(typeof worker.pid, 'number');
	assert.notEqual(worker.pid, process.pid);
	assert.ok(isAlive(worker.pid));
	// /proc shows what the child really runs: node with our workerBin.
	const cmdline = fs.readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').split('\0');

	assert.ok(cmdline.includes(mediasoup.workerBin), cmdline.join(' '));
	assert.ok(fs.existsSync(mediasoup.workerBin));
	assert.equal(worker.closed, false);
	assert.equal(worker.died, false);
	assert.equal(worker.subprocessClosed, false);
	assert.deepEqual(worker.appData, { foo: 123 });
	assert.equal(onNewWorker[0], worker);

	worker.appData = { foo: 456 };
	assert.deepEqual(worker.appData, { foo: 456 });

	await closeAndWait(worker);
	assert.equal(worker.closed, true);
	assert.equal(worker.subprocessClosed, true);
	assert.equal(worker.died, false);
	assert.equal(isAlive(worker.pid), false);
});

test('createWorker() with wrong settings rejects with TypeError and leaves no process', async () => {
	const cases: any[] = [
		{ logLevel: 'chicken' },
		{ rtcMinPort: 1000, rtcMaxPort: 999 },
		{ rtcMinPort: 1000, rtcMaxPort: 65536 },
		{ dtlsCertificateFile: '/notfound/cert.pem' },
		{ dtlsPrivateKeyFile: '/notfound/priv.pem' },
		{ dtlsCertificateFile: '/notfound/cert.pem', dtlsPrivateKeyFile: '/notfound/priv.pem' },
		{ appData: 'NOT-AN-OBJECT' },
	];

	for (const settings of cases) {
		await assert.rejects(mediasoup.createWorker(settings), TypeError, JSON.stringify(settings));
	}
});

test('createWorker() loads a given certificate and rejects a garbage one', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broth-cert-'));
	const cert = path.join(dir, 'cert.pem');
	const key = path.join(dir, 'key.pem');
	const garbage = path.join(dir, 'garbage.pem');

	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=broth-test',
	], { stdio: 'ignore' });
	fs.writeFileSync(garbage, 'not a certificate\n');

	const worker = await mediasoup.createWorker({ dtlsCertificateFile: cert, dtlsPrivateKeyFile: key });

	assert.equal(worker.closed, false);
	await closeAndWait(worker);

	await assert.rejects(
		mediasoup.createWorker({ dtlsCertificateFile: garbage, dtlsPrivateKeyFile: key }),
		TypeError,
	);
	await assert.rejects(
		mediasoup.createWorker({ dtlsCertificateFile: cert, dtlsPrivateKeyFile: garbage }),
		TypeError,
	);
	fs.rmSync(dir, { recursive: true });
});

test('worker.updateSettings() validates and rejects with InvalidStateError once closed', async () => {
	const worker = await mediasoup.createWorker();

	assert.equal(await worker.updateSettings({ logLevel: 'debug', logTags: ['ice'] }), undefined);
	await assert.rejects(worker.updateSettings({ logLevel: 'chicken' as any }), TypeError);
	await assert.rejects(worker.updateSettings({ logTags: 'ice' as any }), TypeError);

	await closeAndWait(worker);
	await assert.rejects(worker.updateSettings({ logLevel: 'error' }), mediasoup.InvalidStateError);
});

test('worker.dump() describes the process; rejects with InvalidStateError once closed', async () => {
	const worker = await mediasoup.createWorker();
	const router = await worker.createRouter();
	const dump = await worker.dump();

	assert.equal(dump.pid, worker.pid);
	assert.deepEqual(dump.webRtcServerIds, []);
	assert.deepEqual(dump.routerIds, [router.id]);
	assert.deepEqual(dump.channelMessageHandlers.channelRequestHandlers, [router.id]);

	await closeAndWait(worker);
	await assert.rejects(worker.dump(), mediasoup.InvalidStateError);
});

test('worker.getResourceUsage() reports figures measured in the child', async () => {
	const worker = await mediasoup.createWorker();
	const usage = await worker.getResourceUsage();

	for (const key of [
		'ru_utime', 'ru_stime', 'ru_maxrss', 'ru_ixrss', 'ru_idrss', 'ru_isrss', 'ru_minflt', 'ru_majflt',
		'ru_nswap', 'ru_inblock', 'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw',
	]) {
		assert.equal(typeof (usage as any)[key], 'number', key);
	}
	// The child's own max RSS (KiB) as /proc says, not ours.
	const status = fs.readFileSync(`/proc/${worker.pid}/status`, 'utf8');
	const vmHwm = Number(/VmHWM:\s+(\d+)/.exec(status)![1]);

	assert.ok(Math.abs(usage.ru_maxrss - vmHwm) / vmHwm < 0.5, `${usage.ru_maxrss} vs ${vmHwm}`);
	assert.ok(usage.ru_utime > 0);

	await closeAndWait(worker);
});

test('worker.close() emits observer close once and ends the process', async () => {
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });
	let observerCloses = 0;

	worker.observer.on('close', () => observerCloses++);
	worker.close();
	worker.close();
	await enhancedOnce(worker, 'subprocessclose');

	assert.equal(observerCloses, 1);
	assert.equal(worker.closed, true);
	assert.equal(worker.subprocessClosed, true);
	assert.equal(worker.died, false);
	await assert.rejects(worker.createRouter(), mediasoup.InvalidStateError);
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
	test(`Worker emits "died" when its process gets ${signal}, before observer "close"`, async () => {
		const worker = await mediasoup.createWorker({ logLevel: 'warn' });
		const router = await worker.createRouter();
		const events: string[] = [];

		worker.observer.once('close', () => events.push('observer close'));
		router.on('workerclose', () => events.push('router workerclose'));

		const died = new Promise<Error>((resolve) => worker.on('died', (error) => {
			events.push('died');
			resolve(error);
		}));

		process.kill(worker.pid, signal);

		const error = await died;

		assert.ok(error instanceof Error);
		assert.deepEqual(events, ['router workerclose', 'died', 'observer close']);
		assert.equal(worker.closed, true);
		assert.equal(worker.died, true);
		assert.equal(worker.subprocessClosed, true);
		assert.equal(router.closed, true);
		await assert.rejects(worker.dump(), mediasoup.InvalidStateError);
	});
}

test('the worker process ignores PIPE, HUP, ALRM, USR1 and USR2 signals', async () => {
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });
	let died = false;

	worker.on('died', () => {
		died = true;
	});
	for (const signal of ['SIGPIPE', 'SIGHUP', 'SIGALRM', 'SIGUSR1', 'SIGUSR2'] as const) {
		process.kill(worker.pid, signal);
	}
	await new Promise((resolve) => setTimeout(resolve, 500));
	assert.equal(died, false);
	assert.equal(worker.closed, false);
	// Still answering requests.
	assert.equal((await worker.dump()).pid, worker.pid);
	await closeAndWait(worker);
});

test('a request pending when the worker dies is rejected, never left hanging', async () => {
	const worker = await mediasoup.createWorker();
	const diedPromise = enhancedOnce(worker, 'died');
	// Many requests in flight, then the process is killed under them.
	const pending = Array.from({ length: 50 }, () => worker.dump().then(() => 'resolved', (e: Error) => e));

	process.kill(worker.pid, 'SIGKILL');
	await diedPromise;

	const results = await Promise.all(pending);

	for (const result of results) {
		assert.ok(result === 'resolved' || result instanceof mediasoup.InvalidStateError, String(result));
	}
	await assert.rejects(worker.getResourceUsage(), mediasoup.InvalidStateError);
});

test('worker logs reach setLogEventListeners() filtered by logLevel', async () => {
	const debugLogs: string[] = [];

	mediasoup.setLogEventListeners({ ondebug: (namespace, log) => debugLogs.push(`${namespace} ${log}`) });

	try {
		const worker = await mediasoup.createWorker({ logLevel: 'debug', logTags: ['info'] });

		await worker.createRouter();
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.ok(
			debugLogs.some((l) => l.startsWith('broth:worker:Worker') && l.includes('router created')),
			debugLogs.filter((l) => l.includes('Worker:')).join('\n'),
		);
		await closeAndWait(worker);

		debugLogs.length = 0;
		const quiet = await mediasoup.createWorker({ logLevel: 'error', logTags: ['info'] });

		await quiet.createRouter();
		await new Promise((resolve) => setTimeout(resolve, 100));
		assert.equal(debugLogs.filter((l) => l.startsWith('broth:worker:')).length, 0);
		await closeAndWait(quiet);
	} finally {
		mediasoup.setLogEventListeners();
	}
});
