/**
 * A real browser for tests and screenshots: Debian's chromium driven by playwright-core (which
 * cannot download browsers here). Each session gets a fresh profile folder, removed on close.
 * Page errors and console errors (CSP violations among them) are collected for assertions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium; CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-less headless chromium (ENVIRONMENT.md "Browser"). */
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-quic',
	'--no-first-run',
	'--disable-component-update',
	'--disable-sync',
];

export interface BrowserSession {
	context: BrowserContext;
	page: Page;
	/** Uncaught page errors and console messages of type error, in order. */
	errors: string[];
	close(): Promise<void>;
}

/**
 * Starts chromium with a fresh profile and opens one page.
 * @param options.timeoutMs default timeout of every page action and wait (ms)
 * @throws Error naming the missing browser when chromium is not installed
 */
export async function launchBrowser(
	options: { timeoutMs?: number; viewport?: { width: number; height: number } } = {},
): Promise<BrowserSession> {
	if (!fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`No chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
		);
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-chromium-'));
	let context: BrowserContext;
	try {
		// A persistent context is how playwright takes a profile folder of our choosing (it refuses --user-data-dir in args).
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM_PATH,
			headless: true,
			args: CHROMIUM_FLAGS,
			viewport: options.viewport ?? { width: 1280, height: 900 },
			timeout: 30_000,
		});
	} catch (error) {
		fs.rmSync(profile, { recursive: true, force: true });
		throw error;
	}
	context.setDefaultTimeout(options.timeoutMs ?? 10_000);
	const page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(`console: ${message.text()}`);
	});
	let closed: Promise<void> | undefined;
	return {
		context,
		page,
		errors,
		close() {
			closed ??= (async () => {
				await context.close().catch(() => undefined);
				fs.rmSync(profile, { recursive: true, force: true });
			})();
			return closed;
		},
	};
}

/**
 * Saves a PNG of the page as `<dir>/<name>.png` (the whole page unless `fullPage` is false).
 * @returns the file's path
 */
export async function screenshot(
	page: Page,
	dir: string,
	name: string,
	options: { fullPage?: boolean } = {},
): Promise<string> {
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: options.fullPage ?? true, animations: 'disabled' });
	return file;
}
