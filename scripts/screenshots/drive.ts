/**
 * The browser part of the screenshot script: signs in to the n8n editor and the endpoint console
 * and saves each picture of pictures.ts at the viewport's size.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { OWNER } from '../../test/harness/n8n';
import {
	ENDPOINTS,
	log,
	PREFIX,
	SAMPLE_PUSHES,
	TRIGGER,
	VIEWPORT,
	type ScreenshotName,
} from './pictures';
import type { Setup } from './setup';

/** Closes n8n's "Production Checklist" popover (shown on a workflow's first views) when it appears. */
async function dismissPopups(page: Page): Promise<void> {
	const close = page.locator('[data-test-id="suggested-actions-close"]');
	try {
		await close.first().waitFor({ state: 'visible', timeout: 2500 });
		await close.first().click();
	} catch {
		// not shown
	}
}

/** Closes n8n's notifications ("Node executed successfully"). */
async function closeToasts(page: Page): Promise<void> {
	const buttons = page.locator('.el-notification .el-notification__closeBtn');
	for (let i = (await buttons.count()) - 1; i >= 0; i--)
		await buttons
			.nth(i)
			.click()
			.catch(() => undefined);
	await page
		.locator('.el-notification')
		.first()
		.waitFor({ state: 'hidden', timeout: 5000 })
		.catch(() => undefined);
}

/** A node on the n8n canvas by its name. */
const canvasNode = (page: Page, name: string): Locator =>
	page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

async function save(page: Page, outDir: string, name: ScreenshotName): Promise<void> {
	// Let transitions and lazy-loaded icons settle; park the mouse where it shows no tooltip.
	await page.waitForTimeout(600);
	const file = path.join(outDir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
	log(
		`wrote ${path.relative(process.cwd(), file) || file} (${Math.round(fs.statSync(file).size / 1024)} KB)`,
	);
}

async function signInToN8n(page: Page, n8nUrl: string): Promise<void> {
	await page.goto(`${n8nUrl}/signin`);
	await page.getByLabel('Email').fill(OWNER.email);
	await page.getByLabel('Password').fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

async function openWorkflow(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await canvasNode(page, TRIGGER).waitFor();
	await dismissPopups(page);
}

/** Opens the trigger's node view (double-click on the canvas) and waits for its parameters. */
async function openTrigger(page: Page): Promise<void> {
	await canvasNode(page, TRIGGER).dblclick();
	await page.getByText('Release Schedule', { exact: true }).waitFor();
}

async function closeNodeView(page: Page): Promise<void> {
	await page.keyboard.press('Escape');
	await page.getByText('Release Schedule', { exact: true }).waitFor({ state: 'hidden' });
}

export async function capture(
	page: Page,
	setup: Setup,
	outDir: string,
): Promise<{ consoleFallback: boolean }> {
	fs.mkdirSync(outDir, { recursive: true });
	const { n8n } = setup;
	// n8n's one-time hint "You can pin this output instead of waiting for a test event" would cover the output.
	await page
		.context()
		.addInitScript(
			"localStorage.setItem('N8N_PIN_DATA_DISCOVERY_NDV', 'true'); localStorage.setItem('N8N_PIN_DATA_DISCOVERY_CANVAS', 'true');",
		);
	await signInToN8n(page, n8n.url);
	log('signed in to n8n');
	await page.mouse.move(0, VIEWPORT.height - 1);

	// 1. The workflow on the canvas.
	await openWorkflow(page, `${n8n.url}/workflow/${setup.workflowId}`);
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2);
	await save(page, outDir, 'canvas');

	// 2. The Endpoint parameter, "From List" open: every registered endpoint.
	await openTrigger(page);
	await page
		.locator('[data-test-id="resource-locator-endpoint"] [data-test-id="rlc-input"]')
		.click();
	const items = page.locator('[data-test-id="rlc-item"]');
	await items.nth(ENDPOINTS.length - 1).waitFor();
	// Hovering an entry shows its link to the endpoint URL.
	await items.first().hover();
	await page.waitForTimeout(400);
	await save(page, outDir, 'endpoint-dropdown');
	await page.keyboard.press('Escape');
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
	await closeNodeView(page).catch(() => page.keyboard.press('Escape'));

	// 3. The execution of the release: the trigger's output holds the batch.
	await openWorkflow(
		page,
		`${n8n.url}/workflow/${setup.workflowId}/executions/${setup.executionId}`,
	);
	await canvasNode(page, TRIGGER).dblclick();
	const outputPanel = page.locator('[data-test-id="output-panel"]');
	await outputPanel
		.locator('[data-test-id="ndv-items-count"]')
		.filter({ hasText: `${SAMPLE_PUSHES} items` })
		.first()
		.waitFor();
	await outputPanel
		.locator('[data-test-id="ndv-run-data-display-mode"]')
		.getByText('JSON', { exact: true })
		.click();
	await outputPanel.getByText('"github-pushes"').first().waitFor();
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
	await save(page, outDir, 'execution-batch');

	// 4. The trigger panel: the endpoint chosen, the schedule, and "Execute step" showing the newest
	//    buffered event (it consumes nothing).
	await openWorkflow(page, `${n8n.url}/workflow/${setup.workflowId}`);
	await openTrigger(page);
	await page.locator('[data-test-id="node-execute-button"]').click();
	await outputPanel
		.locator('[data-test-id="ndv-items-count"]')
		.filter({ hasText: '1 item' })
		.first()
		.waitFor()
		.catch(async (error: unknown) => {
			// Say what the panel showed instead (an error, no output yet ...) and keep a picture of it.
			const file = path.join(outDir, 'trigger-panel-failed.png');
			await page.screenshot({ path: file }).catch(() => undefined);
			const shown = (await outputPanel.innerText().catch(() => '(output panel not found)'))
				.replace(/\s+/g, ' ')
				.slice(0, 500);
			throw new Error(
				`"Execute step" on the Batch Trigger did not show 1 item; the output panel shows: ${shown} (picture: ${file})`,
				{ cause: error },
			);
		});
	await closeToasts(page);
	await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 5);
	await save(page, outDir, 'trigger-panel');

	// 5. The endpoint console of the embedded gateway, signed in with the admin token.
	const consoleFallback = await captureConsole(page, setup, outDir);
	return { consoleFallback };
}

/**
 * Signs in to the console and saves the endpoint list. The console is the embedded gateway's (in
 * n8n); should that not serve its page, a gateway started here from this checkout's build on the
 * same Redis serves it instead, and a warning says so (the screenshot test fails on it).
 * @returns whether the fallback was used
 */
async function captureConsole(page: Page, setup: Setup, outDir: string): Promise<boolean> {
	let base = setup.gatewayUrl;
	let fallback: { close(): Promise<void> } | undefined;
	const answer = await fetch(`${base}/console`).catch((error: Error) => ({
		status: 0,
		text: async () => error.message,
	}));
	if (answer.status !== 200) {
		console.warn(
			`[screenshots] WARNING: the embedded gateway's console (${base}/console) answered ${answer.status}: ${(await answer.text()).slice(0, 200)}; ` +
				'taking the console screenshot from a gateway started from this checkout instead',
		);
		const { startGateway } = await import('../../src/gateway/server');
		const { loadConfig } = await import('../../src/config');
		const { silentLogger } = await import('../../src/logger');
		const config = loadConfig({
			WEBHOOK_GATEWAY_REDIS_URL: setup.redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: PREFIX,
			WEBHOOK_GATEWAY_ADMIN_TOKEN: setup.adminToken,
			WEBHOOK_GATEWAY_HOST: '127.0.0.1',
			WEBHOOK_GATEWAY_PUBLIC_URL: setup.gatewayUrl,
		});
		const running = await startGateway({ ...config, port: 0 }, { logger: silentLogger });
		fallback = running;
		base = running.url;
	}
	try {
		await page.goto(`${base}/console`);
		await page.getByLabel('Admin token').fill(setup.adminToken);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'Endpoints', exact: true }).waitFor();
		for (const e of ENDPOINTS) await page.getByRole('row').filter({ hasText: e.id }).waitFor();
		await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
		await save(page, outDir, 'console');
	} finally {
		await fallback?.close();
	}
	return fallback !== undefined;
}
