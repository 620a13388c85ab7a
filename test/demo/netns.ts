/**
 * Runs one of the demo's browser runners (a compiled script under
 * dist/test/demo/) inside a loopback-only network namespace
 * (../shared/tools/netns-run) and returns the JSON line it prints last.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './helpers';

export const netnsRun = path.resolve(repoRoot, '..', 'shared', 'tools', 'netns-run');

export async function runInNetns(script: string, limitSeconds: number): Promise<{ result: any; output: string }> {
	if (!fs.existsSync(netnsRun)) throw new Error(`${netnsRun} is missing (see docs: testing against real peers)`);
	if (!fs.existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing: apt-get install -y chromium');
	const child = spawn(netnsRun, ['-t', String(limitSeconds), process.execPath, path.join(__dirname, script), '--run'], {
		cwd: repoRoot,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (d: Buffer) => (output += d.toString()));
	child.stderr.on('data', (d: Buffer) => (output += d.toString()));
	const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
	const last = output.trim().split('\n').reverse().find((l) => l.startsWith('{"'));
	if (!last) throw new Error(`no result (exit ${code}): ${output.slice(-2000)}`);
	return { result: JSON.parse(last), output };
}
