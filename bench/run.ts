/**
 * `npm run bench [-- name ...] [--module <path>] [--all] [--<scenario option> value]`
 *
 * Runs the SFU scenarios (fanout, node-floor, conference, memory, scaling,
 * api-create) one after the other, each in a fresh Node.js process (so they
 * do not compete for the two cores), for broth and, with `--module <path>`,
 * for that mediasoup-compatible module too (same scenarios, same run: each
 * module in its own fresh process). Prints their output and a table of the
 * figures (side by side with the ratio when --module is given, and issue 9's
 * targets), writes everything to bench-results.json and the scaling curves to
 * bench-results.svg. Names select benches by substring (any bench/*.js,
 * including the protocol micro-benchmarks); `--all` runs every bench.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Curve, Metric } from './_sfu/common';
import { renderSvg } from './_sfu/chart';

const SCENARIOS = ['fanout', 'node-floor', 'conference', 'memory', 'scaling', 'api-create'];
/** Scenarios that measure no SFU module (run once, whatever --module says). */
const MODULE_FREE = ['node-floor'];
const dir = __dirname;
const argv = process.argv.slice(2);
const only: string[] = [];
const modules: string[] = [];
const passThrough: string[] = [];
let all = false;

for (let i = 0; i < argv.length; i++) {
	const arg = argv[i]!;

	if (arg === '--module') {
		modules.push(path.resolve(argv[++i]!));
	} else if (arg === '--all') {
		all = true;
	} else if (arg.startsWith('--')) {
		passThrough.push(arg);
		if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) {
			passThrough.push(argv[++i]!);
		}
	} else {
		only.push(arg);
	}
}

const files = fs
	.readdirSync(dir)
	.filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
	.filter((f) => (only.length > 0 ? only.some((name) => f.includes(name)) : all || SCENARIOS.includes(f.replace(/\.js$/, ''))))
	.sort((a, b) => order(a) - order(b) || a.localeCompare(b));

function order(file: string): number {
	const i = SCENARIOS.indexOf(file.replace(/\.js$/, ''));

	return i < 0 ? SCENARIOS.length : i;
}

type Parsed = { scenario: string; module: string; load: { before: string; after: string }; metrics: Metric[]; curves?: Curve[]; extra?: unknown };
const results: { bench: string; module: string; ok: boolean; seconds: number; output: string; parsed?: Parsed }[] = [];
const started = Date.now();

console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average at start ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);

for (const file of files) {
	const isScenario = SCENARIOS.includes(file.replace(/\.js$/, ''));
	const targets: (string | undefined)[] = [undefined, ...(isScenario && !MODULE_FREE.includes(file.replace(/\.js$/, '')) ? modules : [])];

	for (const mod of targets) {
		const t0 = Date.now();
		const args = [path.join(dir, file), ...(isScenario ? passThrough : []), ...(mod ? ['--module', mod] : [])];

		console.log(`\n=== ${file.replace(/\.js$/, '')}${mod ? ` (--module ${mod})` : ''} ===`);

		const child = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 10 * 60 * 1000 });
		const output = child.stdout ?? '';
		const line = output.split('\n').find((l) => l.startsWith('BENCH_JSON '));

		process.stdout.write(output.split('\n').filter((l) => !l.startsWith('BENCH_JSON ')).join('\n'));
		results.push({
			bench: file.replace(/\.js$/, ''),
			module: mod ?? 'broth',
			ok: child.status === 0,
			seconds: (Date.now() - t0) / 1000,
			output,
			parsed: line ? (JSON.parse(line.slice('BENCH_JSON '.length)) as Parsed) : undefined,
		});
	}
}

// --- the table ---------------------------------------------------------------

function fmt(v: number | null | undefined): string {
	if (v === null || v === undefined) {
		return '-';
	}

	return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v);
}

const parsed = results.filter((r) => r.parsed);
const brothRuns = parsed.filter((r) => r.module === 'broth');
const otherNames = [...new Set(parsed.filter((r) => r.module !== 'broth').map((r) => r.parsed!.module))];
const rows: string[][] = [['figure', 'broth', ...otherNames.flatMap((n) => [n, 'broth÷' + n]), 'target', 'unit', 'note']];

for (const run of brothRuns) {
	for (const m of run.parsed!.metrics) {
		const row = [m.label, fmt(m.value)];

		for (const name of otherNames) {
			const other = parsed.find((r) => r.bench === run.bench && r.parsed!.module === name)?.parsed!.metrics.find((x) => x.key === m.key);
			const ratio = m.value && other?.value ? m.value / other.value : null;

			row.push(fmt(other?.value), ratio === null ? '-' : `${ratio.toFixed(2)}×`);
		}

		const meets =
			m.target === undefined || m.value === null ? '' : (m.better === 'lower' ? m.value <= m.target : m.value >= m.target) ? ' ✓' : ' ✗';

		row.push(m.target === undefined ? '' : `${m.better === 'lower' ? '≤' : '≥'} ${fmt(m.target)}${meets}`, m.unit, m.note ?? '');
		rows.push(row);
	}
}

if (rows.length > 1) {
	const widths = rows[0]!.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));

	console.log('\n=== results (broth÷other: >1 means broth is higher; for µs, ms and KiB lower is better) ===');
	for (const [i, row] of rows.entries()) {
		console.log(row.map((c, j) => (j === 0 || j === row.length - 1 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
		if (i === 0) {
			console.log(widths.map((w) => '-'.repeat(w)).join('  '));
		}
	}
	for (const run of parsed) {
		console.log(`load average ${run.bench} (${run.module}): ${run.parsed!.load.before} -> ${run.parsed!.load.after}`);
	}
}

const out = path.join(dir, '..', '..', 'bench-results.json');

fs.writeFileSync(
	out,
	JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, seconds: (Date.now() - started) / 1000, results }, null, 2),
);
console.log(`\nwrote ${out}`);

const curves = parsed.flatMap((r) => r.parsed!.curves ?? []);

if (curves.length > 0) {
	const svg = path.join(dir, '..', '..', 'bench-results.svg');

	fs.writeFileSync(svg, renderSvg(curves, `broth bench ${new Date().toISOString().slice(0, 16)} — node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`));
	console.log(`wrote ${svg}`);
}
console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
