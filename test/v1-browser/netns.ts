/**
 * Shared by the browser tests of test/v1-browser and test/e2e-observers: run under `node --test`,
 * a test file re-executes itself inside ../shared/tools/netns-run (a namespace with only
 * loopback, where Chromium can gather candidates and resolve names without leaving the machine),
 * its server and browser both; and a page served on 127.0.0.1 (a secure context, as getUserMedia
 * needs).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { NETNS_RUN, REPO_ROOT } from '../e2e/harness';

const INSIDE_ENV = 'BROTH_E2E_NETNS';

/** True inside the namespace (define the tests); outside, one test that runs `filename` in it. */
export function insideNetns(filename: string, title: string, limitSeconds: number): boolean {
	if (process.env[INSIDE_ENV] === '1') {
		return true;
	}

	test(`${title} (inside netns-run)`, { timeout: (limitSeconds + 30) * 1000 }, async (t) => {
		const env: NodeJS.ProcessEnv = { ...process.env, [INSIDE_ENV]: '1' };

		// Without NODE_TEST_CONTEXT the child reports in text (not to this runner's protocol).
		delete env['NODE_TEST_CONTEXT'];

		const child = spawn(NETNS_RUN, ['-t', String(limitSeconds), process.execPath, '--test-reporter=spec', filename], {
			cwd: REPO_ROOT,
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';

		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));

		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

		for (const line of output.split('\n')) {
			if (line.includes('figure:') || /^\s*[✔✖]/.test(line)) {
				t.diagnostic(line.trim());
			}
		}
		assert.equal(code, 0, output);
	});

	return false;
}

/** Serves `html` at / (and `script` at /client.js when given) on 127.0.0.1. */
export async function serve(html: string, script?: string): Promise<{ url: string; close(): Promise<void> }> {
	const server = http.createServer((request, response) => {
		if (request.url === '/client.js' && script !== undefined) {
			response.writeHead(200, { 'content-type': 'text/javascript' });
			response.end(script);
		} else {
			response.writeHead(200, { 'content-type': 'text/html' });
			response.end(html);
		}
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}/`,
		close: () => new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		}),
	};
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fn` every 50 ms until it holds or `timeoutMs` passes; its last answer. */
export async function until(fn: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;

	while (Date.now() < deadline) {
		if (await fn()) {
			return true;
		}
		await sleep(50);
	}

	return fn();
}
