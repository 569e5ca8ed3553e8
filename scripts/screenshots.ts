/**
 * Takes the README's screenshots with a real browser (Debian's chromium through playwright-core):
 *
 *   npm run build && node --import tsx scripts/screenshots.ts [outDir]     (default docs/images)
 *
 * Sets up what a user would see after a few minutes with the package, the same way the demo does
 * (scripts/demo.ts): a private redis-server, n8n 2.41.1 with this package installed as a community
 * package, a Webhook Gateway credential (embedded gateway on), three endpoints (GitHub, Stripe,
 * Slack presets), a workflow "GitHub pushes → hourly digest" whose Webhook Batch Trigger releases
 * every hour (and, so that a release happens now, as soon as 5 events wait), and 5 signed sample
 * pushes. Then it signs in to the n8n editor and the endpoint console and writes, at 1440×900:
 *
 *   canvas.png             the workflow on the n8n canvas
 *   endpoint-dropdown.png  the trigger's Endpoint parameter, "From List" open: every endpoint as the
 *                          list search returns it (the first one hovered: its link to the URL)
 *   trigger-panel.png      the trigger's node view: endpoint, schedule, options, and the newest
 *                          buffered event that "Execute step" shows (it consumes nothing)
 *   execution-batch.png    the execution of the release: the trigger's output holds the 5 events
 *   console.png            the endpoint console at <gateway>/console, signed in with the admin token
 *
 * The console is the one the embedded gateway in n8n serves; if that does not answer, a gateway
 * started from this checkout on the same Redis serves it and a WARNING line says so (the screenshot
 * test fails on that line).
 *
 * The steps live in scripts/screenshots/: pictures.ts (what is shown), setup.ts (processes and data),
 * drive.ts (the browser); this file runs them and reports.
 *
 * Everything runs on loopback ports and is stopped by pid at the end (also on failure and Ctrl-C).
 * Env: SCREENSHOTS_HOLD=1 keeps everything running after the screenshots until Ctrl-C (to look
 * around); SCREENSHOTS_TIMEOUT_MS bounds each browser wait (default 30000).
 */
import path from 'node:path';
import { launchBrowser, type BrowserSession } from '../test/harness/browser';
import { OWNER } from '../test/harness/n8n';
import { capture } from './screenshots/drive';
import { log, ROOT, SCREENSHOT_NAMES, VIEWPORT, WAIT_MS } from './screenshots/pictures';
import { cleanups, guardSignals, setUp } from './screenshots/setup';

async function main(): Promise<void> {
	const outDir = path.resolve(process.argv[2] ?? path.join(ROOT, 'docs', 'images'));
	guardSignals();
	const setup = await setUp();
	let browser: BrowserSession | undefined;
	const stopAll = async () => {
		await browser?.close().catch(() => undefined);
		await setup.stop();
	};
	cleanups.push(stopAll);
	try {
		browser = await launchBrowser({ viewport: VIEWPORT, timeoutMs: WAIT_MS });
		guardSignals(); // playwright's own SIGINT/SIGTERM handlers close the browser and exit at once
		const result = await capture(browser.page, setup, outDir);
		log(
			`done: ${SCREENSHOT_NAMES.map((n) => `${n}.png`).join(', ')} in ${outDir}${result.consoleFallback ? ' (console from the fallback gateway)' : ''}`,
		);
		if (process.env.SCREENSHOTS_HOLD === '1') {
			log(
				`holding (Ctrl-C stops): n8n ${setup.n8n.url} (${OWNER.email} / ${OWNER.password}), console ${setup.gatewayUrl}/console (token ${setup.adminToken})`,
			);
			await new Promise(() => undefined);
		}
	} finally {
		await stopAll();
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}
