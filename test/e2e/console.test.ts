/**
 * The endpoint console (issue "Endpoint console", docs/console.md) in a real browser: Debian's
 * chromium driven by playwright-core against an in-process gateway and a real redis-server (no
 * n8n needed). One user flow: sign in (a wrong token first), create a GitHub endpoint on a
 * free-trial account (secret shown once), send signed test events until one is rate limited,
 * see both counted and charted, inspect the last events, rotate the secret, change the auth,
 * replay a dead letter, disable and delete; create, use and revoke a scoped token; read the audit
 * log with filters and pages. Then the session and CSRF rules over plain HTTP.
 * Screenshots of the main views go to CONSOLE_SCREENSHOTS_DIR (default: a temp folder, logged).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { PRESETS } from '../../src/auth';
import { launchBrowser, screenshot, type BrowserSession } from '../harness/browser';
import { ADMIN_TOKEN, REPO_ROOT, startTestGateway, type TestGateway } from '../harness/gateway';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const CONSOLE_DIR = path.join(REPO_ROOT, 'dist', 'console');
const ENDPOINT = 'gh-console';
const ACCOUNT = 'acme';
const REF = { id: ENDPOINT, accountId: ACCOUNT };
const MARKER = 'hello-from-the-console-test';

/** Builds the console when `npm run build` has not (scripts/test.sh builds first). */
function ensureConsoleBuilt(): void {
	if (fs.existsSync(path.join(CONSOLE_DIR, 'index.html'))) return;
	const run = spawnSync(
		'npx',
		['vite', 'build', '--config', 'web/console/vite.config.ts', '--logLevel', 'warn'],
		{ cwd: REPO_ROOT, encoding: 'utf8', timeout: 90_000 },
	);
	assert.ok(
		run.status === 0 && fs.existsSync(path.join(CONSOLE_DIR, 'index.html')),
		`dist/console is missing and building it failed; run \`npm run build\` first.\n${run.stdout}\n${run.stderr}`,
	);
}

/**
 * Retries `check` (clicking the page's Refresh button in between) until it passes: statistics
 * reach Redis within about a second, and the page reloads its figures on its own every 5 s.
 */
async function eventually(
	page: Page,
	what: string,
	check: () => Promise<void>,
	timeoutMs = 15_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await check();
			return;
		} catch (error) {
			if (Date.now() > deadline)
				throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
		}
		await page.getByRole('button', { name: 'Refresh' }).click();
		await page.waitForTimeout(400);
	}
}

/** The little of the page's DOM the wait functions read (the tests compile without the DOM library). */
interface BrowserWindow {
	document: {
		querySelectorAll(selector: string): { length: number };
		querySelector(selector: string): { getAttribute(name: string): string | null } | null;
	};
}

async function secretShown(page: Page, region: string): Promise<string> {
	const secret = (
		await page.getByRole('region', { name: region }).getByLabel('Secret value').innerText()
	).trim();
	assert.ok(secret.length >= 32, `a secret is shown in "${region}"`);
	return secret;
}

describe('endpoint console in a real browser', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let browser: BrowserSession;
	let page: Page;
	let consoleUrl: string;
	let firstSecret = '';
	const shots =
		process.env.CONSOLE_SCREENSHOTS_DIR ??
		fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-console-shots-'));
	const accepted = () => gw.gateway.management.endpointUsage(ENDPOINT).then((u) => u.acceptedToday);

	before(async () => {
		ensureConsoleBuilt();
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		browser = await launchBrowser();
		page = browser.page;
		consoleUrl = `${gw.url}/console`;
	});
	after(async () => {
		await browser?.close();
		await gw?.close();
		await redis?.stop();
		console.log(`console screenshots: ${shots}`);
	});

	it('signs in with the admin token into an http-only session cookie; a wrong token shows an error', async () => {
		await page.goto(consoleUrl);
		await page.getByLabel('Admin token').fill('not-the-admin-token-000');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').filter({ hasText: 'Wrong admin token' }).waitFor();
		await screenshot(page, shots, '01-sign-in-error');

		await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'Endpoints', exact: true }).waitFor();
		assert.ok(!page.url().includes(ADMIN_TOKEN), 'no token in the URL');
		const [cookie] = (await browser.context.cookies()).filter((c) => c.name === 'wgw_session');
		assert.ok(cookie, 'session cookie set');
		assert.deepEqual(
			[cookie.httpOnly, cookie.secure, cookie.sameSite, cookie.path],
			[true, true, 'Strict', '/console'],
		);
		assert.ok(!cookie.value.includes(ADMIN_TOKEN));
		assert.equal(
			await page.evaluate('document.cookie'),
			'',
			'scripts cannot read the session cookie',
		);
	});

	it('creates an endpoint with the GitHub preset and shows its secret once', async () => {
		await page.getByRole('link', { name: 'New endpoint' }).first().click();
		await page.getByLabel('Name', { exact: true }).fill('GitHub pushes');
		await page.getByLabel('Endpoint id (optional)').fill(ENDPOINT);
		await page.getByLabel('Account', { exact: true }).fill(ACCOUNT);
		// Every catalog preset is offered, each with its setup hint from the catalog.
		const offered = await page
			.getByLabel('How senders authenticate')
			.locator('option')
			.evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
		for (const p of PRESETS) assert.ok(offered.includes(p.id), `the auth form offers ${p.id}`);
		await page.getByLabel('How senders authenticate').selectOption('zoom');
		assert.match(
			(await page.locator('.preset-hint').first().textContent()) ?? '',
			/Event Subscriptions.*Secret Token.*endpoint\.url_validation.*zoom\.md/s,
		);
		await page.getByLabel('How senders authenticate').selectOption('github');
		assert.match(
			(await page.locator('.preset-hint').first().textContent()) ?? '',
			/Payload URL = the endpoint URL/,
		);
		await screenshot(page, shots, '02-create-endpoint');
		await page.getByRole('button', { name: 'Create endpoint' }).click();

		firstSecret = await secretShown(page, 'Secret of the new endpoint');
		const record = await gw.gateway.stores.registry.getEndpoint(ENDPOINT);
		assert.equal(
			record?.secrets[0].value,
			firstSecret,
			'the secret shown is the one senders must use',
		);
		assert.deepEqual(record?.auth, { type: 'hmac', preset: 'github' });
		await page.getByText(`${gw.config.publicUrl}/hooks/${ENDPOINT}`).first().waitFor();
		await screenshot(page, shots, '03-secret-once');

		await page.getByRole('button', { name: 'I have copied it' }).click();
		await page.getByRole('heading', { name: 'GitHub pushes', exact: true }).waitFor();
		await page.reload();
		await page.getByRole('heading', { name: 'GitHub pushes', exact: true }).waitFor();
		assert.ok(!(await page.content()).includes(firstSecret), 'the secret is not shown again');
	});

	it("changes the account's plan to free-trial", async () => {
		await page.getByLabel(`Plan of account ${ACCOUNT}`).selectOption('free-trial');
		await page.getByRole('button', { name: 'Change plan' }).click();
		await page.getByText(`Account ${ACCOUNT} now uses plan free-trial.`).waitFor();
		assert.equal((await gw.admin('GET', `/accounts/${ACCOUNT}`)).body.planId, 'free-trial');
		await eventually(page, 'plan shown', async () =>
			assert.match(await page.getByText(/^Id gh-console/).innerText(), /plan Free Trial/),
		);
	});

	it('sends a signed test event (202) and counts it: 1 accepted today against 50', async () => {
		await page
			.getByLabel('Test event body (JSON)')
			.fill(JSON.stringify({ action: 'opened', marker: MARKER }));
		await page.getByRole('button', { name: 'Send test event' }).click();
		await page.getByRole('status', { name: 'Test event answer' }).getByText('HTTP 202').waitFor();
		assert.equal(await accepted(), 1);
		const acceptedToday = page.locator('[data-field="accepted-today"]');
		await eventually(page, 'accepted today', async () =>
			assert.equal((await acceptedToday.innerText()).trim(), '1 / 50'),
		);

		await page.getByRole('link', { name: 'Endpoints', exact: true }).first().click();
		const row = page.getByRole('row').filter({ hasText: ENDPOINT });
		await eventually(page, 'list row', async () => {
			assert.equal(
				(await row.locator('[data-field="accepted-today"]').innerText()).trim(),
				'1 / 50',
			);
			assert.match(await row.innerText(), /Free Trial/);
			assert.match(await row.innerText(), /Enabled/);
		});
		await screenshot(page, shots, '04-endpoint-list');
	});

	it('exceeds the rate limit (1/s): the 429 is shown, counted by reason and charted', async () => {
		await page.getByRole('link', { name: 'GitHub pushes' }).click();
		const answer = page.getByRole('status', { name: 'Test event answer' });
		// Free trial: 1 request per second, burst 1. Sent back to back, one of the next few is refused.
		for (let sent = 1; sent <= 5 && !(await answer.innerText()).includes('HTTP 429'); sent++) {
			await page.getByRole('button', { name: 'Send test event' }).click();
			await answer.and(page.locator(`[data-answers="${sent}"]`)).waitFor();
		}
		await answer.getByText('HTTP 429').waitFor({ timeout: 1000 });
		assert.match(await answer.innerText(), /rate_limited/);
		const acceptedNow = await accepted();
		assert.ok(acceptedNow >= 1 && acceptedNow < 6);

		const reason = page.locator('tr[data-outcome="rate_limited"]');
		await eventually(page, 'rate_limited counted', async () => {
			assert.ok(
				Number(await reason.getAttribute('data-count')) >= 1,
				`rate_limited count ${await reason.getAttribute('data-count')}`,
			);
			assert.equal(
				(await page.locator('[data-field="accepted-today"]').innerText()).trim(),
				`${acceptedNow} / 50`,
			);
		});
		assert.match(await reason.innerText(), /429/);

		// The chart: this hour has accepted and rejected bars, named for assistive technology.
		const chart = page.getByRole('img', { name: /Requests per hour/ });
		assert.match(
			(await chart.getAttribute('aria-label')) ?? '',
			new RegExp(`this hour: ${acceptedNow} accepted, [1-9]\\d* rejected`),
		);
		const hour = chart.locator('g[data-current="true"]');
		assert.equal(Number(await hour.getAttribute('data-accepted')), acceptedNow);
		assert.ok(Number(await hour.getAttribute('data-rejected')) >= 1);
		assert.ok(Date.now() - Date.parse((await hour.getAttribute('data-hour')) ?? '') < 3_600_000);
		await screenshot(page, shots, '05-endpoint-detail');

		await page.getByRole('link', { name: 'Endpoints', exact: true }).first().click();
		const row = page.getByRole('row').filter({ hasText: ENDPOINT });
		await eventually(page, 'list 429 column', async () =>
			assert.ok(Number(await row.locator('[data-field="rejected-429"]').innerText()) >= 1),
		);
		await page.getByRole('link', { name: 'GitHub pushes' }).click();
	});

	it("shows the 35-day history and the account's endpoints today; sets the endpoint's own daily limit (above the plan is refused)", async () => {
		const acceptedNow = await accepted();
		const history = page.getByRole('img', { name: /Requests per day/ });
		assert.equal(await history.getAttribute('data-days'), '35');
		const today = history.locator('g.day').last();
		await eventually(page, 'history today', async () => {
			assert.equal(Number(await today.getAttribute('data-accepted')), acceptedNow);
			assert.ok(Number(await today.getAttribute('data-rejected')) >= 1);
		});
		assert.equal(await today.getAttribute('data-date'), new Date().toISOString().slice(0, 10));
		assert.equal(
			Number(await page.locator(`tr[data-endpoint="${ENDPOINT}"]`).getAttribute('data-accepted')),
			acceptedNow,
		);
		assert.equal(
			Number(await page.locator('tr[data-endpoint="(account)"]').getAttribute('data-accepted')),
			acceptedNow,
		);

		const limits = page.getByRole('region', { name: 'Endpoint limits' });
		await limits.getByLabel('Daily (accepted per UTC day)').fill('51');
		await limits.getByRole('button', { name: 'Save endpoint limits' }).click();
		assert.match(
			await limits.getByRole('alert').innerText(),
			/limits\.daily \(51 per day\) is above the daily of the account's plan 'free-trial'/,
		);
		await limits.getByLabel('Daily (accepted per UTC day)').fill('10');
		await limits.getByRole('button', { name: 'Save endpoint limits' }).click();
		await limits.getByText('Endpoint limits saved.').waitFor();
		assert.deepEqual((await gw.admin('GET', `/endpoints/${ENDPOINT}`)).body.limits, {
			rate: null,
			burst: null,
			daily: 10,
		});
		await eventually(page, 'own limit shown', async () => {
			assert.match(await page.locator('[data-field="endpoint-limits"]').innerText(), /10 a day/);
			assert.match(
				await page.locator('[data-field="accepted-today"]').innerText(),
				new RegExp(`^${acceptedNow} / 10`),
			);
		});
		await screenshot(page, shots, '05b-endpoint-limits-history');
		await limits.getByLabel('Daily (accepted per UTC day)').fill('');
		await limits.getByRole('button', { name: 'Save endpoint limits' }).click();
		await limits.getByText('Endpoint limits saved.').waitFor();
		assert.equal((await gw.admin('GET', `/endpoints/${ENDPOINT}`)).body.limits, null);
	});

	it('shows the last events with the test body', async () => {
		const events = page.getByRole('region', { name: 'Last events' });
		const first = events.getByRole('article').filter({ hasText: MARKER });
		await first.waitFor();
		assert.match(await first.getByLabel('Event body').innerText(), /"action": "opened"/);
		await page.getByRole('heading', { name: 'Last events' }).scrollIntoViewIfNeeded();
		await screenshot(page, shots, '06-last-events', { fullPage: false });
	});

	it('rotates the secret: the new one is shown once, the old one stays valid for the grace period', async () => {
		await page.getByRole('button', { name: 'Rotate secret' }).click();
		const secret = await secretShown(page, 'New secret after rotation');
		assert.notEqual(secret, firstSecret);
		const record = await gw.gateway.stores.registry.getEndpoint(ENDPOINT);
		assert.equal(record?.secrets[0].value, secret);
		assert.equal(record?.secrets.length, 2, 'the previous secret stays valid for the grace period');
		await screenshot(page, shots, '07-rotated-secret', { fullPage: false });
		await page.reload();
		await page.getByRole('heading', { name: 'GitHub pushes', exact: true }).waitFor();
		assert.ok(!(await page.content()).includes(secret), 'the new secret is not shown again');
	});

	it('changes the authentication', async () => {
		const auth = page.getByRole('region', { name: 'Authentication', exact: true });
		await auth.getByLabel('How senders authenticate').selectOption('header');
		await auth.getByLabel('Header name').fill('x-api-key');
		await auth.getByLabel('Text before the token').fill('');
		await auth.getByRole('button', { name: 'Save authentication' }).click();
		await page.getByText('Authentication saved.').waitFor();
		await auth.getByText('Header token (x-api-key)').waitFor();
		assert.deepEqual((await gw.admin('GET', `/endpoints/${ENDPOINT}`)).body.auth, {
			type: 'header',
			headerName: 'x-api-key',
			prefix: '',
		});
	});

	it('replays a dead letter to its subscriber', async () => {
		const buffer = gw.gateway.stores.buffer;
		await buffer.subscribe(REF, 'sub1', 'oldest');
		const [entry] = await buffer.read(REF, 'sub1', 1);
		assert.ok(entry, 'an event to fail');
		assert.deepEqual(await buffer.nack(REF, 'sub1', [entry.ref], 1, 'boom'), [entry.ref]);

		const dead = page.getByRole('region', { name: 'Dead letters' });
		await eventually(page, 'dead letter listed', async () =>
			assert.equal(await dead.getByRole('button', { name: /^Replay dead letter / }).count(), 1),
		);
		await dead.getByRole('cell', { name: 'boom' }).waitFor();
		await screenshot(page, shots, '08-dead-letter');
		await dead.getByRole('button', { name: /^Replay dead letter / }).click();
		await dead.getByText('Replayed 1 dead letter(s).').waitFor();

		assert.equal((await gw.admin('GET', `/endpoints/${ENDPOINT}/usage`)).body.deadLetters, 0);
		assert.deepEqual((await gw.admin('GET', `/endpoints/${ENDPOINT}/dead-letters`)).body, []);
		const again = await buffer.read(REF, 'sub1', 10);
		assert.ok(
			again.some((e) => e.eventId === entry.eventId),
			'the subscriber reads the replayed event again',
		);
		await dead.getByText('No dead letters.').waitFor();
	});

	it('shows the request log: filters by status and code, and a detail with the event per subscriber', async () => {
		const unsigned = await fetch(`${gw.url}/hooks/${ENDPOINT}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		assert.equal(unsigned.status, 403);
		const log = page.getByRole('region', { name: 'Request log' });
		const filters = log.getByRole('form', { name: 'Request log filters' });
		const rows = log.getByRole('table', { name: 'Logged requests' }).locator('tbody tr');
		await filters.getByLabel('Status').fill('403');
		await filters.getByRole('button', { name: 'Apply filters' }).click();
		await eventually(page, 'the 403 logged', async () => {
			assert.equal(await rows.count(), 1);
			// The endpoint's auth is a header token by now: the request lacked it.
			assert.match(await rows.first().innerText(), /403\s+unauthorized\s+missing_credentials/);
		});
		await filters.getByLabel('Status').fill('');
		await filters.getByLabel('Code').fill('rate_limited');
		await filters.getByRole('button', { name: 'Apply filters' }).click();
		await eventually(page, 'the 429 logged', async () => {
			assert.ok((await rows.count()) >= 1);
			for (const code of await rows.evaluateAll((trs) =>
				trs.map((tr) => tr.getAttribute('data-code')),
			))
				assert.equal(code, 'rate_limited');
		});
		await filters.getByLabel('Code').fill('accepted');
		await filters.getByLabel('Since').selectOption('1h');
		await filters.getByRole('button', { name: 'Apply filters' }).click();
		await eventually(page, 'accepted requests listed', async () =>
			assert.ok(
				(await rows.count()) >= 1 && (await rows.first().getAttribute('data-code')) === 'accepted',
			),
		);
		await rows
			.first()
			.getByRole('button', { name: /^Details of request / })
			.click();
		const detail = log.getByRole('region', { name: 'Request detail' });
		assert.match(await detail.locator('[data-field="answer"]').innerText(), /202 accepted/);
		const eventId = (await detail.locator('[data-field="event"]').innerText()).trim();
		assert.match(eventId, /^\d+-\d+$/);
		const sub = detail.getByRole('row').filter({ hasText: 'sub1' });
		assert.match(await sub.innerText(), /pending: in a run|delivered|joined after/);
		await screenshot(page, shots, '09-request-log');
		const api = await gw.admin('GET', `/endpoints/${ENDPOINT}/requests?q=${eventId}`);
		assert.equal(api.body.requests[0].eventId, eventId);
	});

	it('disables and deletes the endpoint', async () => {
		await page.getByRole('button', { name: 'Disable endpoint' }).click();
		await page.getByText('Endpoint disabled: senders get 403 endpoint_disabled.').waitFor();
		await page.getByRole('button', { name: 'Enable endpoint' }).waitFor();
		const refused = await gw.request(`/hooks/${ENDPOINT}`, {
			method: 'POST',
			body: '{}',
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(refused.status, 403);
		assert.equal(
			((await refused.json()) as { error: { code: string } }).error.code,
			'endpoint_disabled',
		);

		// A trigger still reads it (sub1, from the dead-letter case): refused, naming it; then deleted anyway.
		await page
			.getByRole('region', { name: 'Subscribers' })
			.getByRole('rowheader', { name: /sub1/ })
			.waitFor();
		await page.getByRole('button', { name: 'Delete endpoint' }).click();
		const confirm = page.getByRole('group', { name: 'Confirm deletion' });
		await confirm.getByRole('button', { name: 'Delete permanently' }).click();
		await page
			.getByRole('alert')
			.filter({ hasText: /has 1 subscriber\(s\).*sub1/ })
			.waitFor();
		assert.equal(
			(await gw.admin('GET', `/endpoints/${ENDPOINT}`)).status,
			200,
			'refused while subscribed',
		);
		await confirm.getByRole('button', { name: 'Delete anyway and stop those triggers' }).click();
		await page.getByRole('heading', { name: 'Endpoints', exact: true }).waitFor();
		await page.getByText('No endpoints yet.').waitFor();
		assert.equal((await gw.admin('GET', `/endpoints/${ENDPOINT}`)).status, 404);
	});

	it("a webhook sent from the console's browser does not carry the session into the stored event", async () => {
		await gw.gateway.management.createEndpoint(
			{ id: 'ep-from-browser', accountId: ACCOUNT, auth: { type: 'none' } },
			'test',
		);
		await browser.context.addCookies([{ name: 'sender_cookie', value: 'kept', url: gw.url }]);
		const status = await page.evaluate(
			async (url) =>
				(
					await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: '{"from":"browser"}',
						credentials: 'include',
					})
				).status,
			`${gw.url}/hooks/ep-from-browser`,
		);
		assert.equal(status, 202);
		const [event] = await gw.gateway.management.peekEvents('ep-from-browser', 1);
		assert.deepEqual(event.body, { from: 'browser' });
		assert.equal(
			event.headers.cookie,
			'sender_cookie=kept',
			"the browser's other cookies arrive, the session does not",
		);
		const [session] = (await browser.context.cookies()).filter((c) => c.name === 'wgw_session');
		assert.ok(!JSON.stringify(event).includes(session.value));
	});

	it('creates a scoped token shown once with a copy button, lists it and revokes it after a confirmation', async () => {
		await page.getByRole('link', { name: 'Tokens' }).click();
		await page.getByRole('heading', { name: 'Tokens', exact: true }).waitFor();
		await page.getByText('No tokens yet.').waitFor();
		const form = page.getByRole('form', { name: 'Create a token' });
		await form.getByLabel('Token name').fill('n8n team acme');
		await form.getByRole('checkbox', { name: /^manage/ }).check();
		await form.getByLabel('Accounts (optional)').fill(ACCOUNT);
		await form.getByRole('button', { name: 'Create token' }).click();
		const shown = page.getByRole('region', { name: 'New token' });
		await shown.getByText('it cannot be shown again').waitFor();
		await shown.getByRole('button', { name: 'Copy token' }).waitFor();
		const token = (await shown.getByLabel('Token value').innerText()).trim();
		assert.match(token, /^wgwt_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
		const row = page.locator('tr[data-token]').filter({ hasText: 'n8n team acme' });
		assert.match(await row.innerText(), /read, manage\s+acme\s+.*by console session [0-9a-f]{8}/s);
		await screenshot(page, shots, '12-tokens');

		// The token works with its scopes and accounts only.
		const withToken = (pathname: string, init: RequestInit = {}) =>
			gw.request(`/api/v1${pathname}`, {
				...init,
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			});
		await gw.gateway.management.createEndpoint(
			{ id: 'ep-of-acme', accountId: ACCOUNT, auth: { type: 'none' } },
			'test',
		);
		await gw.gateway.management.createEndpoint(
			{ id: 'ep-of-other', accountId: 'other-team', auth: { type: 'none' } },
			'test',
		);
		const listed = (await (await withToken('/endpoints')).json()) as {
			id: string;
			accountId: string;
		}[];
		assert.ok(
			listed.some((e) => e.id === 'ep-of-acme') && listed.every((e) => e.accountId === ACCOUNT),
			'only acme endpoints',
		);
		assert.equal(
			(await withToken('/plans/p1', { method: 'PUT', body: '{"rate":1,"burst":1,"daily":1}' }))
				.status,
			403,
		);

		// Shown once: gone after dismissing and after a reload.
		await shown.getByRole('button', { name: 'I have copied it' }).click();
		await page.reload();
		await row.waitFor();
		assert.ok(!(await page.content()).includes(token), 'the token is not shown again');

		await row.getByRole('button', { name: 'Revoke n8n team acme' }).click();
		const confirm = page.getByRole('group', { name: 'Confirm revoking n8n team acme' });
		await confirm.getByRole('button', { name: 'Keep it' }).click();
		assert.equal((await withToken('/endpoints')).status, 200, 'kept');
		await row.getByRole('button', { name: 'Revoke n8n team acme' }).click();
		await confirm.getByRole('button', { name: 'Revoke permanently' }).click();
		await page.getByRole('status').filter({ hasText: 'Token n8n team acme revoked' }).waitFor();
		await page.getByText('No tokens yet.').waitFor();
		assert.equal((await withToken('/endpoints')).status, 401);
	});

	it('shows the audit log newest first, filtered by actor, action and account, page by page', async () => {
		// 30 changes through the admin token on two accounts: more than one page of 25.
		for (let i = 0; i < 30; i++)
			assert.equal(
				(
					await gw.admin('PUT', `/accounts/audit-${i % 2 === 0 ? 'even' : 'odd'}/plan`, {
						planId: i < 15 ? 'advanced' : 'business',
					})
				).status,
				200,
			);
		await page.getByRole('link', { name: 'Audit log' }).click();
		await page.getByRole('heading', { name: 'Audit log', exact: true }).waitFor();
		const rows = page.locator('tr[data-audit]');
		const actions = async () => (await rows.locator('th').allInnerTexts()).map((t) => t.trim());
		// Functions, not strings: the console's CSP forbids eval. `globalThis` stands for the page's window.
		const rowCount = (n: number) =>
			page.waitForFunction(
				(count) =>
					(globalThis as unknown as BrowserWindow).document.querySelectorAll('tr[data-audit]')
						.length === count,
				n,
			);
		await rows.first().waitFor();
		assert.equal(await rows.count(), 25);
		assert.deepEqual((await actions()).slice(0, 2), [
			'PUT /api/v1/accounts/audit-odd/plan',
			'PUT /api/v1/accounts/audit-even/plan',
		]);
		await screenshot(page, shots, '13-audit-log');

		// Older pages reach the token's creation and revocation by this console session.
		const older = page.getByRole('button', { name: 'Older' });
		for (
			let pageNo = 0;
			pageNo < 5 && !(await actions()).some((a) => a.startsWith('POST /console/api/v1/tokens'));
			pageNo++
		) {
			const first = await rows.first().getAttribute('data-audit');
			await older.click();
			// The next page is in once its first row differs (the table is empty while it loads).
			await page.waitForFunction((id) => {
				const row = (globalThis as unknown as BrowserWindow).document.querySelector(
					'tr[data-audit]',
				);
				return row !== null && row.getAttribute('data-audit') !== id;
			}, first);
		}
		const revoked = rows.filter({ hasText: /DELETE \/console\/api\/v1\/tokens\// });
		assert.match(await revoked.innerText(), /console session [0-9a-f]{8}/);
		assert.equal(await rows.filter({ hasText: 'POST /console/api/v1/tokens' }).count(), 1);
		await page.getByRole('button', { name: 'Newer' }).click();

		// Filters: account, then action + actor; paging starts again from the newest.
		await page.getByLabel('Account').fill('audit-even');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await rowCount(15);
		assert.ok((await actions()).every((a) => a === 'PUT /api/v1/accounts/audit-even/plan'));
		assert.ok(await older.isDisabled(), 'one page holds every match');
		await page.getByLabel('Account').fill('');
		await page.getByLabel('Action').fill('/tokens');
		await page.getByLabel('Actor').fill('console session');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await rowCount(2);
		assert.match((await actions())[0], /^DELETE \/console\/api\/v1\/tokens\//);
		await page.getByLabel('Actor').fill('cli:');
		await page.getByRole('button', { name: 'Apply filters' }).click();
		await page.getByText('No changes recorded that match.').waitFor();
		await page.getByRole('button', { name: 'Clear' }).click();
		await rowCount(25);
	});

	it('signs out, which ends the session on the server; the console loaded without a page or CSP error', async () => {
		const [session] = (await browser.context.cookies()).filter((c) => c.name === 'wgw_session');
		const withSession = () =>
			gw.request('/console/api/v1/endpoints', {
				headers: { cookie: `wgw_session=${session.value}` },
			});
		assert.equal((await withSession()).status, 200);
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.getByLabel('Admin token').waitFor();
		assert.equal(
			(await browser.context.cookies()).filter((c) => c.name === 'wgw_session').length,
			0,
		);
		// A copy of the cookie kept elsewhere is dead too: the session is gone from Redis.
		assert.equal((await withSession()).status, 401);
		// The wrong-token 401, the refused delete's 409 and the one refused endpoint limit (400,
		// above the plan) are the only errors the browser logged.
		assert.deepEqual(
			browser.errors.filter((e) => !e.includes('401') && !e.includes('409')),
			['console: Failed to load resource: the server responded with a status of 400 (Bad Request)'],
		);
	});
});

describe('console sessions and CSRF over HTTP', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let disabled: TestGateway;

	before(async () => {
		ensureConsoleBuilt();
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		disabled = await startTestGateway({ url: redis.url }, { adminToken: '' });
		await gw.gateway.management.createEndpoint(
			{ id: 'ep-csrf', auth: { type: 'header', headerName: 'x-key' } },
			'test',
		);
	});
	after(async () => {
		await Promise.all([gw?.close(), disabled?.close()]);
		await redis?.stop();
	});

	const consoleCall = (
		g: TestGateway,
		method: string,
		pathname: string,
		init: { body?: unknown; headers?: Record<string, string> } = {},
	) =>
		g.request(`/console${pathname}`, {
			method,
			headers: {
				'x-requested-with': 'webhook-gateway-console',
				...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
				...init.headers,
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});

	async function signIn(): Promise<string> {
		const res = await consoleCall(gw, 'POST', '/session', { body: { token: ADMIN_TOKEN } });
		assert.equal(res.status, 200);
		return res.headers.getSetCookie()[0].split(';')[0];
	}

	it('serves the page with a strict CSP and signs in only with the right token', async () => {
		const page = await gw.request('/console');
		assert.equal(page.status, 200);
		assert.match(await page.text(), /<div id="app">/);
		assert.match(
			page.headers.get('content-security-policy') ?? '',
			/script-src 'self'; style-src 'self'.*frame-ancestors 'none'/,
		);
		assert.equal(page.headers.get('x-frame-options'), 'DENY');

		const wrong = await consoleCall(gw, 'POST', '/session', {
			body: { token: 'wrong-token-wrong-token' },
		});
		assert.equal(wrong.status, 401);
		assert.equal(wrong.headers.get('set-cookie'), null);
		assert.equal(
			(
				await consoleCall(gw, 'POST', '/session', {
					body: { token: ADMIN_TOKEN },
					headers: { 'x-requested-with': '' },
				})
			).status,
			403,
		);

		const ok = await consoleCall(gw, 'POST', '/session', { body: { token: ADMIN_TOKEN } });
		const [setCookie, clearLegacy] = ok.headers.getSetCookie();
		assert.match(
			setCookie,
			/^wgw_session=s1\.[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/console; HttpOnly; Secure; SameSite=Strict$/,
		);
		assert.equal(
			clearLegacy,
			'wgw_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict',
			'a cookie of an older version (Path=/) is cleared',
		);
		assert.ok(!setCookie.includes(ADMIN_TOKEN));
	});

	it('the cookie opens the admin API; changes also need X-Requested-With (CSRF)', async () => {
		const cookie = await signIn();
		assert.equal(
			(await gw.request('/console/api/v1/endpoints', { headers: { cookie } })).status,
			200,
		);
		const change = (headers: Record<string, string>) =>
			gw.request('/console/api/v1/accounts/acct-csrf/plan', {
				method: 'PUT',
				headers: { cookie, 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ planId: 'advanced' }),
			});
		const forged = await change({});
		assert.equal(forged.status, 403);
		assert.match(await forged.text(), /X-Requested-With/);
		assert.equal((await change({ 'x-requested-with': 'webhook-gateway-console' })).status, 200);
		// A bearer token needs no such header (it is never sent by a browser on its own).
		assert.equal(
			(await gw.admin('PUT', '/accounts/acct-csrf/plan', { planId: 'business' })).status,
			200,
		);
	});

	it('rejects tampered, foreign and signed-out sessions; changing the admin token ends every session', async () => {
		const cookie = await signIn();
		const value = cookie.slice('wgw_session='.length);
		const flipped = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
		for (const bad of [flipped(value), value.slice(0, -1), `v1.${value.slice(3)}`, `${value}.x`]) {
			const status = (
				await gw.request('/console/api/v1/endpoints', { headers: { cookie: `wgw_session=${bad}` } })
			).status;
			assert.equal(status, 401, `tampered session ${bad}`);
		}
		// A gateway on the same Redis with another admin token (the token was changed) refuses it.
		const rotated = await startTestGateway(
			{ url: redis.url },
			{ keyPrefix: gw.config.keyPrefix, adminToken: 'the-rotated-admin-token-0123456789abcdef' },
		);
		try {
			assert.equal(
				(await rotated.request('/console/api/v1/endpoints', { headers: { cookie } })).status,
				401,
			);
		} finally {
			await rotated.close();
		}
		// ...and the record is gone, so going back to the old token does not revive it.
		assert.equal(
			(await gw.request('/console/api/v1/endpoints', { headers: { cookie } })).status,
			401,
		);

		const fresh = await signIn();
		assert.equal(
			(await gw.request('/console/api/v1/endpoints', { headers: { cookie: fresh } })).status,
			200,
		);
		const out = await consoleCall(gw, 'DELETE', '/session', { headers: { cookie: fresh } });
		assert.equal(out.status, 204);
		assert.match(
			out.headers.getSetCookie()[0],
			/^wgw_session=; Max-Age=0; Path=\/console; HttpOnly; Secure; SameSite=Strict$/,
		);
		assert.equal(
			(await gw.request('/console/api/v1/endpoints', { headers: { cookie: fresh } })).status,
			401,
			'signed out on the server',
		);
		const state = (await (
			await consoleCall(gw, 'GET', '/session', { headers: { cookie: fresh } })
		).json()) as { configured: boolean; signedIn: boolean };
		assert.deepEqual(state, { configured: true, signedIn: false });
	});

	it('sends a test event through ingest without revealing the secret', async () => {
		const { status, body } = await gw.admin('POST', '/endpoints/ep-csrf/test-event', {
			body: { hello: 'world' },
			headers: { 'X-Custom': 'yes' },
		});
		assert.equal(status, 200);
		assert.equal(body.status, 202);
		assert.equal(body.body.status, 'accepted');
		const [event] = await gw.gateway.management.peekEvents('ep-csrf', 1);
		assert.deepEqual(event.body, { hello: 'world' });
		assert.equal(event.headers['x-custom'], 'yes');
		assert.equal(event.headers['x-key'], undefined, 'credential headers are not stored');
		const record = await gw.gateway.stores.registry.getEndpoint('ep-csrf');
		assert.ok(!JSON.stringify(body).includes(record?.secrets[0].value ?? '-'));
		assert.equal((await gw.admin('POST', '/endpoints/nope-nope/test-event', {})).status, 404);
		assert.equal(
			(await gw.admin('POST', '/endpoints/ep-csrf/test-event', { headers: { host: 'evil' } }))
				.status,
			400,
		);
	});

	it('with the admin API on a port of its own, the console is there too and test events reach the ingest port', async () => {
		const split = await startTestGateway(
			{ url: redis.url },
			{ port: await freePort(), adminPort: await freePort() },
		);
		try {
			assert.ok(split.adminUrl);
			assert.equal((await split.request('/console')).status, 404, 'not on the public ingest port');
			assert.equal((await fetch(`${split.adminUrl}/console`)).status, 200);
			await split.gateway.management.createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-split' },
				'test',
			);
			const { body } = await split.admin('POST', '/endpoints/ep-split/test-event', {});
			assert.equal(body.status, 202);
		} finally {
			await split.close();
		}
	});

	it('without an admin token the console says WEBHOOK_GATEWAY_ADMIN_TOKEN must be set', async () => {
		const state = (await (await consoleCall(disabled, 'GET', '/session')).json()) as {
			configured: boolean;
		};
		assert.equal(state.configured, false);
		const refused = await consoleCall(disabled, 'POST', '/session', {
			body: { token: 'anything-at-all-0000' },
		});
		assert.equal(refused.status, 401);
		assert.match(await refused.text(), /WEBHOOK_GATEWAY_ADMIN_TOKEN/);
		const browser = await launchBrowser();
		try {
			await browser.page.goto(`${disabled.url}/console`);
			await browser.page
				.getByRole('alert')
				.filter({ hasText: 'WEBHOOK_GATEWAY_ADMIN_TOKEN' })
				.waitFor();
		} finally {
			await browser.close();
		}
	});
});
