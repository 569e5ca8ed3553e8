/**
 * The audit log (docs/admin-api.md, docs/security.md): every successful management change made
 * through the admin API (bearer token or console session) and the CLI is recorded with who, what
 * and when, never a body or a secret; refused changes are not; the log is read through
 * `GET /api/v1/audit` and `webhook-gateway audit`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry, ListedAuditEntry } from '../../src/redis';
import { ADMIN_TOKEN, REPO_ROOT, startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

function cli(
	args: string[],
	env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
	const childEnv: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('WEBHOOK_GATEWAY_')) childEnv[k] = v;
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/run.ts'), ...args],
			{ cwd: REPO_ROOT, env: { ...childEnv, USER: 'auditor', ...env }, timeout: 60_000 },
			(error, stdout, stderr) => {
				resolve({
					code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
					stdout,
					stderr,
				});
			},
		);
	});
}

describe('audit log', () => {
	let redis: RedisServer;
	let gw: TestGateway;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('records API, console and CLI changes with who, what and when; never secrets; refused changes not at all', async () => {
		const started = Date.now();
		assert.equal(
			(await gw.admin('PUT', '/accounts/acct-audit/plan', { planId: 'advanced' })).status,
			200,
		);
		assert.equal(
			(await gw.admin('PUT', '/accounts/acct-audit/plan', { planId: 'no-such-plan' })).status,
			404,
		);
		assert.equal(
			(
				await gw.request('/api/v1/accounts/acct-audit/plan', {
					method: 'PUT',
					headers: {
						authorization: 'Bearer wrong-token-0123456789',
						'content-type': 'application/json',
					},
					body: '{"planId":"business"}',
				})
			).status,
			401,
		);

		const signIn = await gw.request('/console/session', {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-requested-with': 'webhook-gateway-console',
			},
			body: JSON.stringify({ token: ADMIN_TOKEN }),
		});
		const cookie = signIn.headers.getSetCookie()[0].split(';')[0];
		const viaConsole = await gw.request('/console/api/v1/accounts/acct-audit/plan', {
			method: 'PUT',
			headers: {
				cookie,
				'x-requested-with': 'webhook-gateway-console',
				'content-type': 'application/json',
			},
			body: '{"planId":"business"}',
		});
		assert.equal(viaConsole.status, 200);

		const secret = 'a-secret-given-on-the-command-line';
		const env = {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
		};
		const created = await cli(
			['endpoints', 'create', '--id', 'ep-audit', '--auth', 'token', '--secret', secret, '--json'],
			env,
		);
		assert.equal(created.code, 0, created.stderr);
		assert.equal((await cli(['endpoints', 'list', '--json'], env)).code, 0);

		const { status, body } = await gw.admin<AuditEntry[]>('GET', '/audit');
		assert.equal(status, 200);
		assert.deepEqual(
			body.map((e) => [e.who.replace(/[0-9a-f]{8}$/, '<id>'), e.action, e.status]),
			[
				['cli:auditor', 'cli endpoints create', 0],
				['console session <id>', 'PUT /console/api/v1/accounts/acct-audit/plan', 200],
				['admin token', 'PUT /api/v1/accounts/acct-audit/plan', 200],
			],
		);
		for (const e of body)
			assert.ok(Date.parse(e.at) >= started - 1000 && Date.parse(e.at) <= Date.now() + 1000);
		assert.ok(!JSON.stringify(body).includes(secret));
		assert.ok(
			!JSON.stringify(body).includes(cookie.split('=')[1]),
			'the session cookie itself is not recorded',
		);

		const listed = await cli(['audit', '--json', '--count', '2'], env);
		assert.equal(listed.code, 0, listed.stderr);
		assert.deepEqual(JSON.parse(listed.stdout), body.slice(0, 2));
		assert.match((await cli(['audit'], env)).stdout, /cli:auditor\s+cli endpoints create/);
	});

	it('pages newest first with before=<id> and filters by actor, action and account (API and CLI)', async () => {
		for (const account of ['page-a', 'page-b', 'page-a'])
			assert.equal(
				(await gw.admin('PUT', `/accounts/${account}/plan`, { planId: 'advanced' })).status,
				200,
			);
		const created = await gw.admin('POST', '/endpoints', {
			id: 'ep-page-b',
			accountId: 'page-b',
			auth: { type: 'none' },
		});
		assert.equal(created.status, 201);
		assert.equal((await gw.admin('DELETE', '/endpoints/ep-page-b')).status, 204);

		const first = await gw.admin<ListedAuditEntry[]>('GET', '/audit?count=2');
		assert.deepEqual(
			first.body.map((e) => e.action),
			['DELETE /api/v1/endpoints/ep-page-b', 'POST /api/v1/endpoints'],
		);
		const second = await gw.admin<ListedAuditEntry[]>(
			'GET',
			`/audit?count=2&before=${first.body[1].id}`,
		);
		assert.deepEqual(
			second.body.map((e) => e.action),
			['PUT /api/v1/accounts/page-a/plan', 'PUT /api/v1/accounts/page-b/plan'],
		);

		// The endpoint's account is recorded on its create and on its delete (looked up before it).
		const ofB = await gw.admin<ListedAuditEntry[]>('GET', '/audit?account=page-b');
		assert.deepEqual(
			ofB.body.map((e) => [e.action, e.endpointId]),
			[
				['DELETE /api/v1/endpoints/ep-page-b', 'ep-page-b'],
				['POST /api/v1/endpoints', 'ep-page-b'],
				['PUT /api/v1/accounts/page-b/plan', undefined],
			],
		);
		const puts = await gw.admin<ListedAuditEntry[]>(
			'GET',
			'/audit?action=page-a&actor=ADMIN&count=1',
		);
		assert.deepEqual(
			puts.body.map((e) => e.action),
			['PUT /api/v1/accounts/page-a/plan'],
		);
		const olderPuts = await gw.admin<ListedAuditEntry[]>(
			'GET',
			`/audit?action=page-a&before=${puts.body[0].id}`,
		);
		assert.deepEqual(
			olderPuts.body.map((e) => e.action),
			['PUT /api/v1/accounts/page-a/plan'],
		);
		assert.equal((await gw.admin('GET', '/audit?before=not-an-id')).status, 400);

		const env = {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
		};
		const listed = await cli(['audit', '--json', '--account', 'page-b'], env);
		assert.equal(listed.code, 0, listed.stderr);
		assert.deepEqual(JSON.parse(listed.stdout), ofB.body);
	});
});
