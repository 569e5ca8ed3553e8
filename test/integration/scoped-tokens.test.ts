/**
 * Scoped admin tokens (docs/admin-api.md): created once and stored only as a keyed hash; `read`
 * only reads, `manage` changes endpoints and events but not plans, accounts or tokens, `metrics`
 * only scrapes, `admin` does everything; `accountIds` hides other accounts' endpoints (404) and
 * refuses creating there; revoked tokens stop at once; changes name the token in the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';
import { redisClientOf } from '../../src/redis';

describe('scoped tokens', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const tokens: Record<string, string> = {};
	const call = async (token: string, method: string, pathname: string, body?: unknown) => {
		const res = await gw.request(`/api/v1${pathname}`, {
			method,
			headers: {
				authorization: `Bearer ${token}`,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, body: text ? JSON.parse(text) : undefined };
	};

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		for (const [id, accountId] of [
			['acme-ep', 'acme'],
			['globex-ep', 'globex'],
		])
			assert.equal((await gw.admin('POST', '/endpoints', { id, accountId })).status, 201);
		for (const [name, scopes, accountIds] of [
			['acme-read', ['read'], ['acme']],
			['acme-manage', ['manage'], ['acme']],
			['prometheus', ['metrics'], undefined],
			['ops', ['admin'], undefined],
		] as const) {
			const created = await gw.admin('POST', '/tokens', { name, scopes, accountIds });
			assert.equal(created.status, 201);
			assert.match(created.body.token, /^wgwt_/);
			tokens[name] = created.body.token;
		}
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('read, limited to acme: lists only acme, cannot see globex (404) nor change anything (403)', async () => {
		const t = tokens['acme-read'];
		assert.deepEqual(
			(await call(t, 'GET', '/endpoints')).body.map((e: { id: string }) => e.id),
			['acme-ep'],
		);
		assert.deepEqual(
			(await call(t, 'GET', '/accounts')).body.map((a: { id: string }) => a.id),
			['acme'],
		);
		assert.equal((await call(t, 'GET', '/endpoints/acme-ep')).status, 200);
		assert.equal((await call(t, 'GET', '/endpoints/globex-ep')).status, 404);
		assert.equal((await call(t, 'GET', '/endpoints/globex-ep/events')).status, 404);
		assert.equal((await call(t, 'GET', '/accounts/globex')).status, 404);
		assert.equal((await call(t, 'PATCH', '/endpoints/acme-ep', { name: 'x' })).status, 403);
		assert.equal((await call(t, 'GET', '/plans')).status, 200);
		assert.equal((await call(t, 'GET', '/tokens')).status, 403);
	});

	it('manage, limited to acme: changes acme endpoints, not globex, plans, accounts or tokens', async () => {
		const t = tokens['acme-manage'];
		assert.equal(
			(await call(t, 'POST', '/endpoints', { id: 'acme-two', accountId: 'acme' })).status,
			201,
		);
		assert.equal(
			(await call(t, 'POST', '/endpoints', { id: 'globex-two', accountId: 'globex' })).status,
			403,
		);
		assert.equal((await call(t, 'PATCH', '/endpoints/acme-two', { name: 'Two' })).status, 200);
		assert.equal((await call(t, 'DELETE', '/endpoints/globex-ep')).status, 404);
		assert.equal((await gw.admin('GET', '/endpoints/globex-ep')).status, 200, 'still there');
		assert.equal(
			(await call(t, 'PUT', '/accounts/acme/plan', { planId: 'unlimited' })).status,
			403,
		);
		assert.equal((await call(t, 'PUT', '/plans/cheap', { rate: 1 })).status, 403);
		assert.equal(
			(await call(t, 'POST', '/tokens', { name: 'escalate', scopes: ['admin'] })).status,
			403,
		);
	});

	it('metrics only scrapes; admin does everything; tokens are stored hashed and listed without secrets', async () => {
		const metrics = await gw.request('/metrics', {
			headers: { authorization: `Bearer ${tokens.prometheus}` },
		});
		assert.equal(metrics.status, 200);
		assert.equal((await call(tokens.prometheus, 'GET', '/endpoints')).status, 403);
		assert.equal(
			(
				await gw.request('/metrics', {
					headers: { authorization: `Bearer ${tokens['acme-read']}` },
				})
			).status,
			401,
		);
		assert.equal(
			(await call(tokens.ops, 'PUT', '/accounts/globex/plan', { planId: 'business' })).status,
			200,
		);
		const listed = await call(tokens.ops, 'GET', '/tokens');
		assert.deepEqual(
			listed.body.map((t: { name: string }) => t.name),
			['acme-read', 'acme-manage', 'prometheus', 'ops'],
		);
		const stored =
			JSON.stringify(
				await redisClientOf(gw.gateway.stores).hgetall(`${gw.config.keyPrefix}{security}:tokens`),
			) + JSON.stringify(listed.body);
		for (const t of Object.values(tokens))
			assert.ok(
				!stored.includes(t) && !stored.includes(t.slice(-43)),
				'no token text in Redis or in the list',
			);
		const audit = (await gw.admin('GET', '/audit?count=1')).body;
		assert.match(audit[0].who, /^token ops \(/);
	});

	it('subscribers: read lists them; manage (own accounts) removes, rewinds and force-deletes; each change audited', async () => {
		const ref = { id: 'acme-subs', accountId: 'acme' };
		assert.equal(
			(await gw.admin('POST', '/endpoints', { ...ref, auth: { type: 'none' } })).status,
			201,
		);
		const buffer = gw.gateway.stores.buffer;
		for (const id of ['wf:a', 'wf:b']) await buffer.subscribe(ref, id, 'new');
		await buffer.subscribe({ id: 'globex-ep', accountId: 'globex' }, 'wf:g', 'new');
		const sent = await gw.request(`/hooks/${ref.id}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		assert.equal(sent.status, 202);
		const { eventId } = (await sent.json()) as { eventId: string };
		const [read, manage] = [tokens['acme-read'], tokens['acme-manage']];
		const listed = await call(read, 'GET', `/endpoints/${ref.id}/subscribers`);
		assert.equal(listed.status, 200);
		assert.deepEqual(listed.body.subscribers.map((s: { id: string }) => s.id).sort(), [
			'wf:a',
			'wf:b',
		]);
		assert.equal((await call(read, 'GET', '/endpoints/globex-ep/subscribers')).status, 404);
		assert.equal((await call(read, 'DELETE', `/endpoints/${ref.id}/subscribers/wf:b`)).status, 403);
		assert.equal(
			(await call(read, 'POST', `/endpoints/${ref.id}/subscribers/wf:a/rewind`, { eventId }))
				.status,
			403,
		);
		assert.equal((await call(read, 'DELETE', `/endpoints/${ref.id}?force=true`)).status, 403);
		assert.equal(
			(await call(manage, 'DELETE', '/endpoints/globex-ep/subscribers/wf:g')).status,
			404,
		);
		assert.equal(
			(await call(manage, 'POST', `/endpoints/${ref.id}/subscribers/wf:a/rewind`, { eventId }))
				.status,
			200,
		);
		assert.equal(
			(await call(manage, 'DELETE', `/endpoints/${ref.id}/subscribers/wf:b`)).status,
			204,
		);
		assert.equal(
			(await call(manage, 'DELETE', `/endpoints/${ref.id}`)).status,
			409,
			'wf:a still subscribes',
		);
		assert.equal((await call(manage, 'DELETE', `/endpoints/${ref.id}?force=true`)).status, 204);
		const audit = (await gw.admin('GET', '/audit?count=3')).body as {
			who: string;
			action: string;
		}[];
		assert.deepEqual(
			audit.map((e) => e.action),
			[
				`DELETE /api/v1/endpoints/${ref.id}?force=true`,
				`DELETE /api/v1/endpoints/${ref.id}/subscribers/wf:b`,
				`POST /api/v1/endpoints/${ref.id}/subscribers/wf:a/rewind`,
			],
		);
		for (const e of audit) assert.match(e.who, /^token acme-manage \(/);
	});

	it('a revoked token stops at once', async () => {
		const id = (await call(tokens.ops, 'GET', '/tokens')).body.find(
			(t: { name: string }) => t.name === 'acme-read',
		).id;
		assert.equal((await gw.admin('DELETE', `/tokens/${id}`)).status, 204);
		assert.equal((await call(tokens['acme-read'], 'GET', '/endpoints')).status, 401);
		assert.equal((await gw.admin('DELETE', `/tokens/${id}`)).status, 404);
	});
});

describe('scoped tokens from the CLI', () => {
	it('creates (printed once), lists and revokes; the gateway accepts the token until revoked', async () => {
		const { execFile } = await import('node:child_process');
		const path = await import('node:path');
		const { REPO_ROOT } = await import('../harness/gateway');
		const redis = await startRedis();
		const gw = await startTestGateway({ url: redis.url });
		const run = (args: string[]) =>
			new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
				const env: NodeJS.ProcessEnv = {};
				for (const [k, v] of Object.entries(process.env))
					if (!k.startsWith('WEBHOOK_GATEWAY_')) env[k] = v;
				Object.assign(env, {
					WEBHOOK_GATEWAY_REDIS_URL: redis.url,
					WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
				});
				execFile(
					process.execPath,
					['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/run.ts'), ...args],
					{ cwd: REPO_ROOT, env, timeout: 60_000 },
					(error, stdout, stderr) =>
						resolve({
							code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
							stdout,
							stderr,
						}),
				);
			});
		try {
			const created = await run([
				'tokens',
				'create',
				'--name',
				'ci',
				'--scopes',
				'read',
				'--accounts',
				'acme',
				'--json',
			]);
			assert.equal(created.code, 0, created.stderr);
			const { token, tokenInfo } = JSON.parse(created.stdout) as {
				token: string;
				tokenInfo: { id: string; accountIds: string[] };
			};
			assert.deepEqual(tokenInfo.accountIds, ['acme']);
			assert.equal(
				(await gw.request('/api/v1/endpoints', { headers: { authorization: `Bearer ${token}` } }))
					.status,
				200,
			);
			const listed = await run(['tokens', 'list']);
			assert.match(listed.stdout, new RegExp(`${tokenInfo.id}\\s+ci\\s+read\\s+acme`));
			assert.ok(!listed.stdout.includes(token));
			assert.equal((await run(['tokens', 'revoke', tokenInfo.id])).code, 0);
			assert.equal(
				(await gw.request('/api/v1/endpoints', { headers: { authorization: `Bearer ${token}` } }))
					.status,
				401,
			);
		} finally {
			await gw.close();
			await redis.stop();
		}
	});
});
