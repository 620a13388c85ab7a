import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.join(__dirname, '..', '..');

/**
 * The example application (examples/basic, written as a mediasoup 3.19 app
 * with only the import changed) type-checks against the packed package as a
 * user would install it, and runs.
 */
test('examples/basic and examples/v1 type-check against the packed package and run', { timeout: 240_000 }, () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broth-pack-'));

	try {
		const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
			cwd: root,
			encoding: 'utf8',
		}).trim().split('\n').pop()!;

		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'example', private: true }));
		execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, tarball), 'sdp-transform', '@types/sdp-transform'], {
			cwd: dir,
			stdio: 'ignore',
		});

		const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/broth/package.json'), 'utf8'));

		assert.equal(installed.name, 'broth');
		// Only the compiled sources travel, with their declarations.
		assert.ok(fs.existsSync(path.join(dir, 'node_modules/broth/dist/src/index.d.ts')));
		assert.equal(fs.existsSync(path.join(dir, 'node_modules/broth/dist/test')), false);

		for (const file of ['app.ts', 'tsconfig.json']) {
			fs.copyFileSync(path.join(root, 'examples/basic', file), path.join(dir, file));
		}

		const tsc = path.join(root, 'node_modules/.bin/tsc');
		const typeRoots = path.join(root, 'node_modules/@types');

		// Type-check (noEmit as configured), then emit to run it.
		execFileSync(tsc, ['-p', dir, '--typeRoots', typeRoots], { cwd: dir, encoding: 'utf8' });
		execFileSync(tsc, ['-p', dir, '--typeRoots', typeRoots, '--noEmit', 'false', '--outDir', path.join(dir, 'out')], {
			cwd: dir,
			encoding: 'utf8',
		});

		const output = execFileSync(process.execPath, [path.join(dir, 'out/app.js')], {
			cwd: dir,
			encoding: 'utf8',
			timeout: 60_000,
		});

		assert.match(output, /^ready /m);

		// The v1-style example (broth/v1 + sdp-transform) type-checks and runs too.
		fs.mkdirSync(path.join(dir, 'v1'));
		for (const file of ['app.ts', 'tsconfig.json']) {
			fs.copyFileSync(path.join(root, 'examples/v1', file), path.join(dir, 'v1', file));
		}
		execFileSync(tsc, ['-p', path.join(dir, 'v1'), '--typeRoots', typeRoots], { cwd: dir, encoding: 'utf8' });
		execFileSync(tsc, ['-p', path.join(dir, 'v1'), '--typeRoots', typeRoots, '--noEmit', 'false', '--outDir', path.join(dir, 'out-v1')], {
			cwd: dir,
			encoding: 'utf8',
		});

		const v1Output = execFileSync(process.execPath, [path.join(dir, 'out-v1/app.js')], {
			cwd: dir,
			encoding: 'utf8',
			timeout: 60_000,
		});

		assert.match(v1Output, /^room codecs .*opus/m);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
