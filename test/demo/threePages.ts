/**
 * The demo's acceptance run, meant to execute inside a network namespace with
 * only loopback (../shared/tools/netns-run), started by three-pages.test.ts:
 * the demo as `npm start` starts it, three headless Chromium pages in one room;
 * each page must play the two others' video (frames decoded rising) and audio
 * (samples received rising); a hostile client's garbage and flood in the same
 * room must not stop that; a screenshot with three tiles is saved; one page
 * leaves and the others' tiles for it go away. Prints one JSON line (result).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startDemo, Client, scrape, repoRoot } from './helpers';

export const artifactDir = path.join(repoRoot, 'dist', 'test-artifacts');
export const screenshotPath = path.join(artifactDir, 'demo-three-pages.png');

type Inbound = { peerId: string; kind: string; source: string; framesDecoded?: number; totalSamplesReceived?: number; packetsReceived?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inbound(page: Page): Promise<Inbound[]> {
	return page.evaluate('window.brothDemo.inbound()') as Promise<Inbound[]>;
}

/** Per remote peer: video frames decoded and audio samples received. */
async function progress(page: Page): Promise<Map<string, { frames: number; samples: number }>> {
	const out = new Map<string, { frames: number; samples: number }>();
	for (const s of await inbound(page)) {
		const e = out.get(s.peerId) ?? { frames: 0, samples: 0 };
		if (s.kind === 'video') e.frames += s.framesDecoded ?? 0;
		else e.samples += s.totalSamplesReceived ?? 0;
		out.set(s.peerId, e);
	}
	return out;
}

/** Resolves when, on every page, both other peers' frames and samples rose over `windowMs`. */
async function mediaFlowing(pages: Page[], peerIds: string[], windowMs: number, timeoutMs: number): Promise<void> {
	const end = Date.now() + timeoutMs;
	let last = '';
	while (Date.now() < end) {
		const before = await Promise.all(pages.map(progress));
		await sleep(windowMs);
		const after = await Promise.all(pages.map(progress));
		let ok = true;
		const report: string[] = [];
		pages.forEach((_, i) => {
			for (const other of peerIds) {
				if (other === peerIds[i]) continue;
				const a = before[i].get(other) ?? { frames: 0, samples: 0 };
				const b = after[i].get(other) ?? { frames: 0, samples: 0 };
				const good = b.frames > a.frames && b.frames > 0 && b.samples > a.samples;
				ok &&= good;
				report.push(`${i}<-${other.slice(0, 4)} frames ${a.frames}->${b.frames} samples ${a.samples}->${b.samples}`);
			}
		});
		last = report.join('; ');
		if (ok) return;
	}
	throw new Error(`media not flowing on every page: ${last}`);
}

async function until(f: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await f())) {
		if (Date.now() > end) throw new Error(`timed out: ${what}`);
		await sleep(100);
	}
}

async function main(): Promise<void> {
	const demo = await startDemo();
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
			'--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
			'--autoplay-policy=no-user-gesture-required',
			'--allow-loopback-in-peer-connection',
			'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
		const names = ['alice', 'bob', 'carol'];
		const pages: Page[] = [];
		for (const name of names) {
			const page = await context.newPage();
			page.on('pageerror', (e) => console.error(`[${name}] page error:`, e.message));
			await page.goto(`${demo.url}?room=accept&name=${name}&stats=1`);
			pages.push(page);
		}
		const ids: string[] = [];
		for (const page of pages) {
			await until(async () => (await page.evaluate('window.brothDemo.connected')) === true, 30_000, 'pages joined');
			ids.push(String(await page.evaluate('window.brothDemo.peerId')));
		}
		for (const page of pages) {
			await until(async () => (await page.locator('.tile').count()) === 3, 20_000, 'three tiles on each page');
		}

		await mediaFlowing(pages, ids, 1500, 60_000);

		// A hostile client in the same room: garbage, others' ids, a flood. Media keeps flowing.
		const evil = await Client.connect(demo.url, 'accept');
		const caps = await evil.ok('getRouterRtpCapabilities');
		await evil.ok('join', { displayName: 'mallory', rtpCapabilities: caps });
		for (const raw of ['{', '[]', '{"request":true,"id":"x"}']) evil.sendRaw(raw);
		const unknownIds = await evil.request('pauseProducer', { producerId: '00000000-0000-4000-8000-000000000000' });
		const flood = await Promise.all(Array.from({ length: 300 }, () => evil.request('getRouterRtpCapabilities')));
		const throttled = flood.filter((r) => r.error?.code === 'rate_limited').length;
		await mediaFlowing(pages, ids, 1500, 30_000);
		evil.close();
		await until(async () => (await pages[0].locator('.tile').count()) === 3, 5000, 'mallory tile gone');

		await pages[0].evaluate("document.body.classList.add('show-stats')");
		await sleep(2500); // a stats refresh
		fs.mkdirSync(artifactDir, { recursive: true });
		const tilesInShot = await pages[0].locator('.tile').count();
		await pages[0].screenshot({ path: screenshotPath });

		const metrics = await scrape(demo.url);

		// carol leaves: alice's and bob's tiles for her go away.
		await pages[2].click('#btn-leave');
		for (const page of pages.slice(0, 2)) {
			await until(async () => (await page.locator(`.tile[data-peer-id="${ids[2]}"]`).count()) === 0, 10_000, 'left tile removed');
		}
		const tilesAfterLeave = await Promise.all(pages.slice(0, 2).map((p) => p.locator('.tile').count()));

		console.log(JSON.stringify({
			ok: true,
			tilesInShot,
			tilesAfterLeave,
			screenshot: screenshotPath,
			hostile: { unknownIds: unknownIds.error?.code, throttled },
			consumers: (metrics.get('broth_consumers{kind="video"}') ?? 0) + (metrics.get('broth_consumers{kind="audio"}') ?? 0),
			packetsSent: metrics.get('broth_rtp_packets_sent'),
		}));
	} finally {
		await browser.close();
		await demo.stop();
	}
}

// Only with --run: Node 20's test runner also executes every .js file under test/ directories.
if (require.main === module && process.argv.includes('--run')) {
	main().catch((error) => {
		console.error(error);
		console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
		process.exit(1);
	});
}
