/**
 * Summarises .cpuprofile files: self time per function (with file:line) and
 * inclusive time of a few named frames, as a share of the sampled time.
 *
 *   node dist/bench/_sfu/profile-top.js <file.cpuprofile> [top=30]
 */
import * as fs from 'node:fs';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] };

const file = process.argv[2]!;
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map<number, Node>();
const parent = new Map<number, number>();

for (const node of profile.nodes) {
	byId.set(node.id, node);
	for (const child of node.children ?? []) {
		parent.set(child, node.id);
	}
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;

function label(node: Node): string {
	const { functionName, url, lineNumber } = node.callFrame;
	const short = url.replace(/^.*\/(dist|node_modules)\//, '').replace(/^node:/, 'node:');

	return `${functionName || '(anonymous)'} ${short}${url ? `:${lineNumber + 1}` : ''}`;
}

for (let i = 0; i < profile.samples.length; i++) {
	const dt = profile.timeDeltas[i + 1] ?? 0;
	const node = byId.get(profile.samples[i]!)!;
	const name = label(node);

	total += dt;
	if (node.callFrame.functionName === '(idle)' || node.callFrame.functionName === '(program)') {
		idle += dt;
	}
	self.set(name, (self.get(name) ?? 0) + dt);

	const seen = new Set<string>();

	for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
		const n = label(byId.get(id)!);

		if (!seen.has(n)) {
			seen.add(n);
			inclusive.set(n, (inclusive.get(n) ?? 0) + dt);
		}
	}
}

const busy = total - (self.get('(idle) ') ?? 0);

console.log(`sampled ${(total / 1e6).toFixed(2)} s, not idle ${(busy / 1e6).toFixed(2)} s`);
console.log('\nself time (% of non-idle):');
for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
	console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${name}`);
}
console.log('\ninclusive (% of non-idle):');
for (const [name, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
	console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${name}`);
}
void idle;
