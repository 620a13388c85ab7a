/**
 * Bundles the page (demo/page/main.ts + mediasoup-client) with esbuild into
 * dist/demo/public/, next to the static index.html and style.css.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** Repository root, whether run from source or from dist/demo/. */
const root = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const pageSourceDir = path.join(root, 'demo', 'page');
export const publicDir = path.join(root, 'dist', 'demo', 'public');

export async function buildPage(outDir: string = publicDir): Promise<{ outDir: string; bytes: number }> {
	fs.mkdirSync(outDir, { recursive: true });
	const result = await esbuild.build({
		entryPoints: [path.join(pageSourceDir, 'main.ts')],
		bundle: true,
		format: 'iife',
		target: 'es2022',
		platform: 'browser',
		sourcemap: true,
		minify: true,
		outfile: path.join(outDir, 'app.js'),
		logLevel: 'silent',
		metafile: true,
		tsconfig: path.join(pageSourceDir, 'tsconfig.json'),
	});
	for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(pageSourceDir, f), path.join(outDir, f));
	const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
	return { outDir, bytes };
}
