/**
 * The page's signaling behaviour in headless Chromium (no media assertions):
 * run inside a loopback-only network namespace by page-ui.test.ts. Three pages
 * join one room from the URL and each shows three tiles with the right names;
 * a page whose WebSocket drops (a network blip) reconnects and rejoins by
 * itself; camera off/on and screen share reach the server; a page that leaves
 * has its tile removed from the others. Prints one JSON line (the result).
 */
import { chromium, type Page } from 'playwright-core';
import { startDemo, scrape } from './helpers';

export const chromiumArgs = [
	'--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
	'--autoplay-policy=no-user-gesture-required',
	'--auto-select-desktop-capture-source=Entire screen', '--enable-usermedia-screen-capturing',
	'--allow-loopback-in-peer-connection',
	'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(f: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await f())) {
		if (Date.now() > end) throw new Error(`timed out: ${what}`);
		await sleep(100);
	}
}

const names = async (page: Page): Promise<string[]> => (await page.locator('.tile .name').allTextContents()).sort();

async function main(): Promise<void> {
	const demo = await startDemo();
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
	const result: Record<string, unknown> = {};
	try {
		const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
		const pages: Page[] = [];
		const errors: string[] = [];
		for (const name of ['alice', 'bob', 'carol']) {
			const page = await context.newPage();
			page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
			await page.goto(`${demo.url}?room=ui&name=${name}`);
			pages.push(page);
		}
		for (const page of pages) {
			await until(async () => (await page.locator('.tile').count()) === 3, 30_000, 'three tiles');
		}
		result.names = await Promise.all(pages.map(names));
		result.urlKeepsRoom = new URL(pages[0].url()).searchParams.get('room');
		const carolId = String(await pages[2].evaluate('window.brothDemo.peerId'));

		// Each page sends mic + webcam: 3 x 2 producers, each consumed by the 2 others.
		await until(async () => {
			const m = await scrape(demo.url);
			return m.get('broth_producers{kind="video"}') === 3 && m.get('broth_consumers{kind="video"}') === 6 && m.get('broth_consumers{kind="audio"}') === 6;
		}, 30_000, 'producers and consumers');

		// Network blip: bob's WebSocket drops; he reconnects, rejoins under a new peer id, sends again.
		const bobBefore = String(await pages[1].evaluate('window.brothDemo.peerId'));
		await pages[1].evaluate('window.brothDemo.dropConnection()');
		await until(async () => {
			const id = await pages[1].evaluate('window.brothDemo.connected && window.brothDemo.peerId');
			return typeof id === 'string' && id !== '' && id !== bobBefore;
		}, 30_000, 'bob rejoined');
		for (const page of pages) await until(async () => (await page.locator('.tile').count()) === 3, 30_000, 'three tiles after rejoin');
		await until(async () => (await scrape(demo.url)).get('broth_consumers{kind="video"}') === 6, 30_000, 'consumers after rejoin');
		result.rejoined = true;

		// Camera off on alice: her video producer goes, the others' consumers of it too; on again.
		await pages[0].click('#btn-cam');
		await until(async () => (await scrape(demo.url)).get('broth_producers{kind="video"}') === 2, 30_000, 'camera off');
		await pages[0].click('#btn-cam');
		await until(async () => (await scrape(demo.url)).get('broth_producers{kind="video"}') === 3, 30_000, 'camera on');

		// Screen share from carol (getDisplayMedia, auto-selected source).
		await pages[2].click('#btn-screen');
		await until(async () => (await scrape(demo.url)).get('broth_producers{kind="video"}') === 4, 30_000, 'screen shared');
		result.screenShare = (await pages[2].locator('#btn-screen').textContent())?.trim();
		await pages[2].click('#btn-screen');
		await until(async () => (await scrape(demo.url)).get('broth_producers{kind="video"}') === 3, 30_000, 'screen stopped');

		// Mic mute pauses the producer; the others' consumers are told.
		await pages[0].click('#btn-mic');
		await until(async () => (await pages[1].locator('.tile.muted').count()) === 1, 30_000, 'alice shown muted');
		await pages[0].click('#btn-mic');

		// carol leaves: her tile goes from the others.
		await pages[2].click('#btn-leave');
		for (const page of pages.slice(0, 2)) {
			await until(async () => (await page.locator(`.tile[data-peer-id="${carolId}"]`).count()) === 0, 30_000, 'carol tile removed');
		}
		result.afterLeave = await Promise.all(pages.slice(0, 2).map(names));
		result.pageErrors = errors;
		result.ok = true;
	} finally {
		await browser.close();
		await demo.stop();
	}
	console.log(JSON.stringify(result));
}

// Only with --run: Node 20's test runner also executes every .js file under test/ directories.
if (require.main === module && process.argv.includes('--run')) {
	main().catch((error) => {
		console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error) }));
		process.exit(1);
	});
}
