/**
 * Runs every benchmark in bench/ in a fresh Node.js process, one after the
 * other (so they do not compete for the two cores), prints their output and
 * writes it all to bench-results.json. Usage: `npm run bench [-- name ...]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = __dirname;
const only = process.argv.slice(2);
const files = fs
	.readdirSync(dir)
	.filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
	.filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
	.sort();

const results: { bench: string; ok: boolean; seconds: number; output: string }[] = [];

for (const file of files) {
	const started = Date.now();

	console.log(`\n=== ${file.replace(/\.js$/, '')} ===`);

	const child = spawnSync(process.execPath, [path.join(dir, file)], {
		stdio: ['ignore', 'pipe', 'inherit'],
		encoding: 'utf8',
		timeout: 10 * 60 * 1000,
	});

	process.stdout.write(child.stdout ?? '');
	results.push({
		bench: file.replace(/\.js$/, ''),
		ok: child.status === 0,
		seconds: (Date.now() - started) / 1000,
		output: child.stdout ?? '',
	});
}

const out = path.join(dir, '..', '..', 'bench-results.json');

fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
console.log(`\nwrote ${out}`);
