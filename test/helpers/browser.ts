/**
 * The one Chromium + mediasoup-client harness of the browser tests (recipe in
 * ../shared/guide/testing.md). Chromium gathers candidates on every interface and resolves
 * Google hosts, so a browser test file, run under `node --test`, re-executes itself inside
 * ../shared/tools/netns-run (a namespace with only loopback), its server and browser both
 * (`runInNetns`, `INSIDE`). Inside: the page's code is bundled with mediasoup-client by esbuild
 * (`bundle`), served on 127.0.0.1 (a secure context, as getUserMedia needs; `serve`), opened in
 * headless Chromium driven by playwright-core (`launchChromium`, `openPage`) with a signaling
 * function bound to the test's handler, and called into (`call`, `callIn`). The per-test page code,
 * the names the page uses and Chromium's extra flags are the parameters.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RtpCapabilities } from '../../src/ortc/rtpParametersTypes';

/** dist/test/helpers -> the repository. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const NETNS_RUN = path.resolve(REPO_ROOT, '..', 'shared', 'tools', 'netns-run');

const INSIDE_ENV = 'BROTH_E2E_NETNS';

/** True in the netns-run child (define the tests); false in the outer run. */
export const INSIDE = process.env[INSIDE_ENV] === '1';

export interface NetnsRunOptions {
	/** The outer test's timeout is netns-run's limit plus this. */
	graceSeconds?: number;
	/** Where the child's result and `figure:` lines go: the console, or the outer test's diagnostics. */
	print?: 'console' | 'diagnostic';
}

/** The outer test: runs `file` inside netns-run (at most `limitSeconds`) and passes on its figures and results. */
export function runInNetns(file: string, title: string, limitSeconds: number, options: NetnsRunOptions = {}): void {
	const { graceSeconds = 20, print = 'diagnostic' } = options;

	test(title, { timeout: (limitSeconds + graceSeconds) * 1000 }, async (t) => {
		const env: NodeJS.ProcessEnv = { ...process.env, [INSIDE_ENV]: '1' };

		// Without NODE_TEST_CONTEXT the child reports in text (not to this runner's protocol).
		delete env['NODE_TEST_CONTEXT'];

		const child = spawn(NETNS_RUN, ['-t', String(limitSeconds), process.execPath, '--test-reporter=spec', file], {
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
				if (print === 'console') {
					console.log(line);
				} else {
					t.diagnostic(line.trim());
				}
			}
		}
		assert.equal(code, 0, output);
	});
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every `periodMs` for up to `ms`: true once it holds; at the deadline false, or
 * with `lastCheck` its answer once more.
 */
export async function until(
	check: () => Promise<boolean> | boolean,
	ms: number,
	{ periodMs = 200, lastCheck = false }: { periodMs?: number; lastCheck?: boolean } = {},
): Promise<boolean> {
	const deadline = Date.now() + ms;

	while (Date.now() < deadline) {
		if (await check()) {
			return true;
		}
		await sleep(periodMs);
	}

	return lastCheck ? check() : false;
}

const bundles = new Map<string, string>();

/** `source` (browser JavaScript importing mediasoup-client) as one IIFE, built once (~0.1 s). */
export async function bundle(source: string, sourcefile: string): Promise<string> {
	let text = bundles.get(source);

	if (text === undefined) {
		const result = await build({
			stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile, loader: 'js' },
			bundle: true,
			format: 'iife',
			platform: 'browser',
			target: 'chrome110',
			write: false,
			logLevel: 'silent',
		});

		text = result.outputFiles[0]!.text;
		bundles.set(source, text);
	}

	return text;
}

/** An empty page that loads /client.js. */
export const PAGE_HTML = '<!doctype html><html><head><script src="/client.js"></script></head><body></body></html>';

export interface Site {
	url: string;
	close(): Promise<void>;
}

/** Serves `html` at / (and `script` at /client.js when given) on 127.0.0.1. */
export async function serve(html: string, script?: string): Promise<Site> {
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
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** `source` bundled and served as /client.js of PAGE_HTML. */
export async function serveClient(source: string, sourcefile: string): Promise<Site> {
	return serve(PAGE_HTML, await bundle(source, sourcefile));
}

/** Debian's Chromium, headless, with fake media devices and names resolved nowhere but 127.0.0.1. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			'--allow-loopback-in-peer-connection',
			'--autoplay-policy=no-user-gesture-required',
			'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
			...extraArgs,
		],
	});
}

/** Three simulcast layers from a 640x480 camera (Chromium's legacy limit allows two). */
export const SIMULCAST_LAYERS_ARG = '--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/';

export type SignalHandler = (method: string, data: any) => Promise<unknown>;

export interface PageNames {
	/** The function the page calls for signaling (default `brothSignal`). */
	signal?: string;
	/** The global the page's code defines, waited for (default `brothClient`). */
	client?: string;
}

/** A page at `url` with its client loaded and the signaling function bound to `handler`. */
export async function openPage(browser: Browser, url: string, handler: SignalHandler, names: PageNames = {}): Promise<Page> {
	const { signal = 'brothSignal', client = 'brothClient' } = names;
	const page = await browser.newPage();

	await page.exposeFunction(signal, (method: string, data: any) => handler(method, data));
	await page.goto(url);
	await page.waitForFunction((name) => (globalThis as any)[name] !== undefined, client);

	return page;
}

export type PageCall = <T = unknown>(page: Page, method: string, ...args: unknown[]) => Promise<T>;

/** A caller of `window[client][method](...args)` in a page. */
export function callIn(client: string): PageCall {
	return <T>(page: Page, method: string, ...args: unknown[]): Promise<T> =>
		page.evaluate(([c, m, a]) => (globalThis as any)[c as string][m as string](...(a as unknown[])), [client, method, args] as const) as Promise<T>;
}

/** Calls `window.brothClient[method](...args)` in the page. */
export const call: PageCall = callIn('brothClient');

/**
 * The router's capabilities without transport-cc (the worker then answers goog-remb only), for
 * the tests that compare with or do not care about the send-side estimator.
 */
export function withoutTransportCc(caps: RtpCapabilities): RtpCapabilities {
	return {
		codecs: caps.codecs?.map((c) => ({ ...c, rtcpFeedback: c.rtcpFeedback?.filter((f) => f.type !== 'transport-cc') })),
		headerExtensions: caps.headerExtensions?.filter((h) => !h.uri.includes('transport-wide-cc')),
	};
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;

	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
