/**
 * The demo's options: embedded defaults, environment, flags (flags win),
 * errors, --help; and the page: it type-checks (DOM lib) and bundles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseConfig } from '../../demo/server/config';
import { buildPage } from '../../demo/build';
import { repoRoot, startEntry } from './helpers';

const run = promisify(execFile);

test('defaults: 127.0.0.1, port 3000, one worker per core, HTTP', () => {
	const { config, errors, help } = parseConfig([], {});
	assert.deepEqual(errors, []);
	assert.equal(help, false);
	assert.equal(config.listenIp, '127.0.0.1');
	assert.equal(config.port, 3000);
	assert.equal(config.numWorkers, os.availableParallelism());
	assert.equal(config.tlsCert, undefined);
	assert.equal(config.announcedAddress, undefined);
});

test('environment, then flags (both --x v and --x=v)', () => {
	const env = { BROTH_PORT: '4000', BROTH_WORKERS: '3', BROTH_LISTEN_IP: '0.0.0.0', BROTH_ANNOUNCED_ADDRESS: '203.0.113.7' };
	const { config, errors } = parseConfig(['--port', '5000', '--rtc-min-port=41000', '--rtc-max-port', '41999', '--cert', 'c.pem', '--key', 'k.pem'], env);
	assert.deepEqual(errors, []);
	assert.equal(config.port, 5000);
	assert.equal(config.numWorkers, 3);
	assert.equal(config.listenIp, '0.0.0.0');
	assert.equal(config.announcedAddress, '203.0.113.7');
	assert.equal(config.rtcMinPort, 41000);
	assert.equal(config.rtcMaxPort, 41999);
	assert.equal(config.tlsCert, 'c.pem');
	assert.equal(config.tlsKey, 'k.pem');
});

test('bad values are errors, not surprises', () => {
	const cases: [string[], RegExp][] = [
		[['--port', '70000'], /not a port/],
		[['--port'], /needs a value/],
		[['--listen-ip', 'localhost'], /not an IP/],
		[['--workers', '0'], /worker count/],
		[['--rtc-min-port', '5000', '--rtc-max-port', '4000'], /above/],
		[['--cert', 'c.pem'], /go together/],
		[['--listen-ip', '0.0.0.0'], /announced-address/],
		[['--frobnicate'], /unknown option/],
	];
	for (const [argv, re] of cases) {
		const { errors } = parseConfig(argv, {});
		assert.ok(errors.some((e) => re.test(e)), `${argv.join(' ')} → ${errors.join('; ')}`);
	}
	assert.equal(parseConfig(['--help'], {}).help, true);
});

test('start entry: --help prints usage and exits 0; a bad flag exits 2', async () => {
	const { stdout } = await run(process.execPath, [startEntry, '--help'], { cwd: repoRoot });
	for (const flag of ['--listen-ip', '--announced-address', '--port', '--rtc-min-port', '--rtc-max-port', '--workers', '--cert', '--key']) {
		assert.ok(stdout.includes(flag), flag);
	}
	await assert.rejects(run(process.execPath, [startEntry, '--port', 'x'], { cwd: repoRoot }), (e: { code: number; stderr: string }) => {
		assert.equal(e.code, 2);
		assert.match(e.stderr, /not a port/);
		return true;
	});
});

test('the page type-checks with its own tsconfig (DOM) and bundles with esbuild', async () => {
	await run(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', path.join(repoRoot, 'demo', 'page', 'tsconfig.json')], { cwd: repoRoot });
	const out = fs.mkdtempSync(path.join(os.tmpdir(), 'broth-page-'));
	try {
		const { bytes } = await buildPage(out);
		assert.ok(bytes > 50_000);
		for (const f of ['index.html', 'style.css', 'app.js']) assert.ok(fs.existsSync(path.join(out, f)), f);
		assert.match(fs.readFileSync(path.join(out, 'index.html'), 'utf8'), /id="tiles"/);
	} finally {
		fs.rmSync(out, { recursive: true, force: true });
	}
});
