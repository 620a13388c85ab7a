/**
 * Shared by the browser tests of test/v1-browser: run under `node --test`, a test file
 * re-executes itself inside ../shared/tools/netns-run (a namespace with only loopback, where
 * Chromium can gather candidates and resolve names without leaving the machine), its server and
 * browser both; and a page served on 127.0.0.1 (a secure context, as getUserMedia needs). The
 * shared harness is ../helpers/browser.ts; these are its settings for this folder.
 */
import { INSIDE, runInNetns, until as untilEvery } from '../helpers/browser';

export { serve, sleep } from '../helpers/browser';

/** True inside the namespace (define the tests); outside, one test that runs `filename` in it. */
export function insideNetns(filename: string, title: string, limitSeconds: number): boolean {
	if (!INSIDE) {
		runInNetns(filename, `${title} (inside netns-run)`, limitSeconds, { graceSeconds: 30 });
	}

	return INSIDE;
}

/** Polls `fn` every 50 ms until it holds or `timeoutMs` passes; its last answer. */
export function until(fn: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
	return untilEvery(fn, timeoutMs, { periodMs: 50, lastCheck: true });
}
