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
 * Everything runs on loopback ports and is stopped by pid at the end (also on failure and Ctrl-C).
 * Env: SCREENSHOTS_HOLD=1 keeps everything running after the screenshots until Ctrl-C (to look
 * around); SCREENSHOTS_TIMEOUT_MS bounds each browser wait (default 30000).
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ManagementService } from '../src/management/service';
import { createStores } from '../src/redis';
import { launchBrowser, type BrowserSession } from '../harness/browser';
import { n8nServeEnv, OWNER, packPackage, startN8n, type N8nInstance } from '../harness/n8n';
import { freePort, waitForPort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const ROOT = path.resolve(__dirname, '..');
const PREFIX = 'shots:';
const VIEWPORT = { width: 1440, height: 900 };
const WAIT_MS = Number(process.env.SCREENSHOTS_TIMEOUT_MS ?? 30_000);
const CREDENTIAL_NAME = 'Webhook Gateway';
const TRIGGER = 'Webhook Batch Trigger';
const SAMPLE_PUSHES = 5;
export const SCREENSHOT_NAMES = ['canvas', 'endpoint-dropdown', 'trigger-panel', 'execution-batch', 'console'] as const;

const log = (message: string) => console.log(`[screenshots] ${message}`);

/** The endpoints the screenshots show (the GitHub one receives the sample pushes). */
const ENDPOINTS = [
	{ id: 'github-pushes', name: 'GitHub pushes', preset: 'github', description: 'Push events of the acme GitHub organisation' },
	{ id: 'stripe-payments', name: 'Stripe payments', preset: 'stripe', description: 'payment_intent.* and charge.* events' },
	{ id: 'slack-commands', name: 'Slack /deploy command', preset: 'slack', description: 'Slash command of the ops Slack app' },
] as const;

const REPOS = ['acme/api', 'acme/web', 'acme/api', 'acme/docs', 'acme/api'];
const AUTHORS = ['ada', 'linus', 'grace', 'ada', 'margaret'];

interface Setup {
	redis: RedisServer;
	n8n: N8nInstance;
	gatewayUrl: string;
	adminToken: string;
	workflowId: string;
	executionId: string;
	stop(): Promise<void>;
}

/** What a signal must stop before the process exits, newest last. */
const cleanups: (() => Promise<void>)[] = [];

/**
 * On Ctrl-C or SIGTERM: run the cleanups (n8n, Redis, browser), then exit. The n8n harness installs
 * handlers of its own that exit at once (its 'exit' hook kills n8n but not Redis), so they are
 * replaced: call this again after the harness has installed them.
 */
function guardSignals(): void {
	let stopping = false;
	for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
		process.removeAllListeners(signal);
		process.on(signal, () => {
			if (stopping) return;
			stopping = true;
			log(`${signal}: stopping what this script started`);
			void (async () => {
				for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
			})().finally(() => process.exit(code));
		});
	}
}

/** Redis + n8n with the package, a credential, the endpoints, the workflow and one released batch. */
async function setUp(): Promise<Setup> {
	const redis = await startRedis();
	const stores = createStores({ url: redis.url, offlineQueue: true }, PREFIX);
	const gatewayPort = await freePort();
	const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
	const management = new ManagementService(stores, { publicUrl: gatewayUrl, defaultPlan: 'forever-free', defaultBufferCapacity: 1_000_000 });
	let n8n: N8nInstance | undefined;
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			await n8n?.stop().catch(() => undefined);
			await stores.close().catch(() => undefined);
			await redis.stop().catch(() => undefined);
		})());
	cleanups.push(stop);
	try {
		log(`Redis on ${redis.url}; installing the package into n8n and starting it`);
		const tarball = await packPackage(ROOT);
		guardSignals(); // the harness has installed its signal handlers by now
		// The embedded gateway reads its admin token from n8n's environment; it signs the console in.
		const adminToken = `shots-${randomUUID()}`;
		n8n = await startN8n({ packageTarball: tarball, env: { WEBHOOK_GATEWAY_ADMIN_TOKEN: adminToken, ...n8nServeEnv(gatewayPort) } });
		log(`n8n on ${n8n.url}`);

		await management.setAccountPlan('acme', 'unlimited');
		const secrets: Record<string, string> = {};
		for (const e of ENDPOINTS) {
			const created = await management.createEndpoint(
				{ id: e.id, name: e.name, description: e.description, accountId: 'acme', auth: { type: 'hmac', preset: e.preset } },
				'screenshots',
			);
			secrets[e.id] = created.secret as string;
		}
		const github = await management.getEndpoint('github-pushes');

		const credential = await n8n.createCredential(CREDENTIAL_NAME, 'webhookGatewayApi', {
			connectionType: 'url',
			redisUrl: redis.url,
			keyPrefix: PREFIX,
			publicUrl: gatewayUrl,
		});
		const workflow = await n8n.createWorkflow(digestWorkflow(credential.id, github.name, github.url));
		await n8n.activate(workflow.id);
		await waitForPort(gatewayPort, 30_000);
		log(`embedded gateway on ${gatewayUrl}; sending ${SAMPLE_PUSHES} signed pushes`);

		const push = async (i: number) => {
			const body = JSON.stringify({
				ref: 'refs/heads/main',
				after: randomUUID().replace(/-/g, ''),
				repository: { full_name: REPOS[i % REPOS.length] },
				pusher: { name: AUTHORS[i % AUTHORS.length] },
				commits: [{ message: `Sample change ${i + 1}` }],
			});
			await send(github.url, body, 'application/json', {
				'x-github-event': 'push',
				'x-github-delivery': randomUUID(),
				'x-hub-signature-256': 'sha256=' + hmacHex(secrets['github-pushes'], body),
			});
		};
		for (let i = 0; i < SAMPLE_PUSHES; i++) await push(i);
		const executions = await n8n.waitForExecutions(workflow.id, 1, 60_000);
		const execution = executions[0];
		if (execution.status !== 'success') throw new Error(`the release's execution ${execution.id} ended ${execution.status}`);
		log(`released: execution ${execution.id} holds the ${SAMPLE_PUSHES} pushes`);
		// One more push waits for the next release: "Execute step" in the editor shows it.
		await push(SAMPLE_PUSHES);

		// Some traffic on the other endpoints, for the console's figures (nothing subscribes to them).
		const stripe = await management.getEndpoint('stripe-payments');
		for (const [n, amount, currency] of [[1, 2000, 'usd'], [2, 4999, 'usd'], [3, 1500, 'eur']] as const) {
			const body = JSON.stringify({ id: `evt_sample_${n}`, object: 'event', type: 'payment_intent.succeeded', data: { object: { amount, currency } } });
			const t = Math.floor(Date.now() / 1000);
			await send(stripe.url, body, 'application/json', { 'stripe-signature': `t=${t},v1=${hmacHex(secrets['stripe-payments'], `${t}.${body}`)}` });
		}
		const slack = await management.getEndpoint('slack-commands');
		for (const text of ['api production', 'web staging']) {
			const body = new URLSearchParams({ command: '/deploy', text, user_name: 'ada', response_url: 'https://hooks.slack.com/commands/T0/1/x' }).toString();
			const t = String(Math.floor(Date.now() / 1000));
			await send(slack.url, body, 'application/x-www-form-urlencoded', { 'x-slack-request-timestamp': t, 'x-slack-signature': `v0=${hmacHex(secrets['slack-commands'], `v0:${t}:${body}`)}` });
		}
		return { redis, n8n, gatewayUrl, adminToken, workflowId: workflow.id, executionId: String(execution.id), stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

const hmacHex = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');

/** POSTs a signed sample event; anything but 202 stops the script. */
async function send(url: string, body: string, contentType: string, headers: Record<string, string>): Promise<void> {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body, signal: AbortSignal.timeout(10_000) });
	if (res.status !== 202) throw new Error(`sample event to ${url}: ${res.status} ${await res.text()}`);
}

/** The workflow on the canvas: Batch Trigger → Code (digest per repository) → NoOp (send it). */
function digestWorkflow(credentialId: string, endpointName: string, endpointUrl: string) {
	return {
		name: 'GitHub pushes → hourly digest',
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-webhook-gateway.webhookBatchTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					endpoint: { __rl: true, mode: 'list', value: 'github-pushes', cachedResultName: `${endpointName} (github-pushes)`, cachedResultUrl: endpointUrl },
					schedule: 'everyHour',
					output: 'perEvent',
					// Every hour, and also as soon as 5 events wait: the 5 sample pushes are released now.
					options: { releaseWhenWaiting: SAMPLE_PUSHES },
				},
				credentials: { webhookGatewayApi: { id: credentialId, name: CREDENTIAL_NAME } },
			},
			{
				id: randomUUID(),
				name: 'Pushes per repository',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [260, 0],
				parameters: {
					jsCode: [
						'const perRepo = {};',
						'for (const item of $input.all()) {',
						'  const repo = item.json.body?.repository?.full_name ?? "unknown";',
						'  perRepo[repo] = (perRepo[repo] ?? 0) + 1;',
						'}',
						'return Object.entries(perRepo).map(([repository, pushes]) => ({ json: { repository, pushes } }));',
					].join('\n'),
				},
			},
			{ id: randomUUID(), name: 'Send digest', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [520, 0], parameters: {} },
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Pushes per repository', type: 'main', index: 0 }]] },
			'Pushes per repository': { main: [[{ node: 'Send digest', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------
// The browser part

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
	for (let i = (await buttons.count()) - 1; i >= 0; i--) await buttons.nth(i).click().catch(() => undefined);
	await page.locator('.el-notification').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

/** A node on the n8n canvas by its name. */
const canvasNode = (page: Page, name: string): Locator => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

async function save(page: Page, outDir: string, name: (typeof SCREENSHOT_NAMES)[number]): Promise<void> {
	// Let transitions and lazy-loaded icons settle; park the mouse where it shows no tooltip.
	await page.waitForTimeout(600);
	const file = path.join(outDir, `${name}.png`);
	await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
	log(`wrote ${path.relative(process.cwd(), file) || file} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
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

async function capture(page: Page, setup: Setup, outDir: string): Promise<{ consoleFallback: boolean }> {
	fs.mkdirSync(outDir, { recursive: true });
	const { n8n } = setup;
	// n8n's one-time hint "You can pin this output instead of waiting for a test event" would cover the output.
	await page.context().addInitScript("localStorage.setItem('N8N_PIN_DATA_DISCOVERY_NDV', 'true'); localStorage.setItem('N8N_PIN_DATA_DISCOVERY_CANVAS', 'true');");
	await signInToN8n(page, n8n.url);
	log('signed in to n8n');
	await page.mouse.move(0, VIEWPORT.height - 1);

	// 1. The workflow on the canvas.
	await openWorkflow(page, `${n8n.url}/workflow/${setup.workflowId}`);
	await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2);
	await save(page, outDir, 'canvas');

	// 2. The Endpoint parameter, "From List" open: every registered endpoint.
	await openTrigger(page);
	await page.locator('[data-test-id="resource-locator-endpoint"] [data-test-id="rlc-input"]').click();
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
	await openWorkflow(page, `${n8n.url}/workflow/${setup.workflowId}/executions/${setup.executionId}`);
	await canvasNode(page, TRIGGER).dblclick();
	const outputPanel = page.locator('[data-test-id="output-panel"]');
	await outputPanel.locator('[data-test-id="ndv-items-count"]').filter({ hasText: `${SAMPLE_PUSHES} items` }).first().waitFor();
	await outputPanel.locator('[data-test-id="ndv-run-data-display-mode"]').getByText('JSON', { exact: true }).click();
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
			const shown = (await outputPanel.innerText().catch(() => '(output panel not found)')).replace(/\s+/g, ' ').slice(0, 500);
			throw new Error(`"Execute step" on the Batch Trigger did not show 1 item; the output panel shows: ${shown} (picture: ${file})`, { cause: error });
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
	const answer = await fetch(`${base}/console`).catch((error: Error) => ({ status: 0, text: async () => error.message }));
	if (answer.status !== 200) {
		console.warn(
			`[screenshots] WARNING: the embedded gateway's console (${base}/console) answered ${answer.status}: ${(await answer.text()).slice(0, 200)}; ` +
				'taking the console screenshot from a gateway started from this checkout instead',
		);
		const { startGateway } = await import('../src/gateway/server');
		const { loadConfig } = await import('../src/config');
		const { silentLogger } = await import('../src/logger');
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
		log(`done: ${SCREENSHOT_NAMES.map((n) => `${n}.png`).join(', ')} in ${outDir}${result.consoleFallback ? ' (console from the fallback gateway)' : ''}`);
		if (process.env.SCREENSHOTS_HOLD === '1') {
			log(`holding (Ctrl-C stops): n8n ${setup.n8n.url} (${OWNER.email} / ${OWNER.password}), console ${setup.gatewayUrl}/console (token ${setup.adminToken})`);
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
