/**
 * Guessing the admin token is slowed and seen (docs/security.md): failed authentications on the
 * admin API, the console sign-in and /metrics are logged without the token, counted in
 * webhook_gateway_auth_failures_total, and after WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT of them in a
 * minute the address gets 429 with Retry-After, on every gateway sharing the Redis, even with the
 * right token, until the window ends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import type { Logger } from '../../src/logger';
import { ADMIN_TOKEN, testConfig, uniquePrefix } from '../harness/gateway';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const LIMIT = 3;

function recordingLogger(lines: { message: string; fields?: Record<string, unknown> }[]): Logger {
	const push = (message: string, fields?: Record<string, unknown>) =>
		void lines.push({ message, fields });
	return { debug: push, info: push, warn: push, error: push };
}

describe('failed authentications', () => {
	let redis: RedisServer;
	const gateways: RunningGateway[] = [];
	const logged: { message: string; fields?: Record<string, unknown> }[] = [];
	const prefix = uniquePrefix();
	const admin = (g: RunningGateway, token: string) =>
		fetch(`${g.url}/api/v1/plans`, { headers: { authorization: `Bearer ${token}` } });

	before(async () => {
		redis = await startRedis();
		for (let i = 0; i < 2; i++) {
			const config = testConfig({ url: redis.url }, { keyPrefix: prefix, authFailureLimit: LIMIT });
			gateways.push(await startGateway(config, { logger: recordingLogger(logged) }));
		}
	});
	after(async () => {
		await Promise.all(gateways.map((g) => g.close()));
		await redis?.stop();
	});

	it('are logged without the token and counted by surface; the limit is shared by the gateways; then 429 with Retry-After, even for the right token', async () => {
		const [a, b] = gateways;
		const wrong = 'a-wrong-admin-token-that-must-not-be-logged';
		assert.equal((await admin(a, wrong)).status, 401);
		const signIn = await fetch(`${b.url}/console/session`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-requested-with': 'webhook-gateway-console',
			},
			body: JSON.stringify({ token: wrong }),
		});
		assert.equal(signIn.status, 401);
		assert.equal(
			(await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${wrong}` } })).status,
			401,
		);

		// Three failures in all, on two gateways: the fourth attempt is refused before any check.
		for (const res of [
			await admin(b, wrong),
			await admin(a, ADMIN_TOKEN),
			await fetch(`${a.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
		]) {
			assert.equal(res.status, 429);
			const retryAfter = Number(res.headers.get('retry-after'));
			assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
			assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'rate_limited');
		}

		const failures = logged.filter((l) => l.message === 'failed authentication');
		assert.deepEqual(failures.map((l) => l.fields?.surface).sort(), [
			'admin',
			'console',
			'metrics',
		]);
		for (const l of failures)
			assert.ok(typeof l.fields?.client === 'string' && l.fields.client !== '');
		assert.ok(!JSON.stringify(logged).includes(wrong), 'the presented token is never logged');

		// Counted per process: a's admin and metrics failures, b's console one.
		const text = (await a.gateway.metrics.text()).body + (await b.gateway.metrics.text()).body;
		for (const surface of ['admin', 'console', 'metrics'])
			assert.match(
				text,
				new RegExp(`^webhook_gateway_auth_failures_total\\{surface="${surface}"\\} 1$`, 'm'),
			);
	});
});

describe('failed authentications on a separate admin port behind a proxy', () => {
	let redis: RedisServer;
	let gateway: RunningGateway;

	before(async () => {
		redis = await startRedis();
		const config = testConfig(
			{ url: redis.url },
			{
				keyPrefix: uniquePrefix(),
				authFailureLimit: LIMIT,
				adminPort: await freePort(),
				trustProxy: 'loopback',
			},
		);
		gateway = await startGateway(config, { logger: recordingLogger([]) });
	});
	after(async () => {
		await gateway?.close();
		await redis?.stop();
	});

	it('are counted per client address from X-Forwarded-For (trust proxy), not per proxy address', async () => {
		assert.ok(gateway.adminUrl, 'the admin API listens on its own port');
		const admin = (client: string, token: string) =>
			fetch(`${gateway.adminUrl}/api/v1/plans`, {
				headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client },
			});
		for (let i = 0; i < LIMIT; i++)
			assert.equal((await admin('203.0.113.7', 'a-wrong-admin-token')).status, 401);
		assert.equal(
			(await admin('203.0.113.7', ADMIN_TOKEN)).status,
			429,
			'the guessing client is stopped',
		);
		// Another client behind the same proxy is not locked out by the first one's failures.
		assert.equal((await admin('198.51.100.9', ADMIN_TOKEN)).status, 200);
	});
});
