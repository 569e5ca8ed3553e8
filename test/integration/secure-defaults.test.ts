/**
 * Secure by default (docs/security.md, "internet sender"): nothing on the public port reveals an
 * endpoint id without a credential (/metrics needs the admin token, the metrics token or a
 * metrics-scope token; on the admin port when one is set), a scrape reuses its buffer reading
 * within the sample interval, an endpoint created without `auth` is authenticated, and the
 * console's session cookie never lands in a stored event.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../harness/gateway';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const METRICS_TOKEN = 'metrics-token-for-prometheus-0123456789';

describe('secure defaults', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const scrape = (token?: string, base = gw.url) =>
		fetch(`${base}/metrics`, {
			headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway(
			{ url: redis.url },
			{ metricsToken: METRICS_TOKEN, metricsSampleMs: 60_000 },
		);
		await gw.gateway.management.setAccountPlan('acct-def', 'unlimited');
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('/metrics answers 401 without a credential, with a wrong one or a non-bearer scheme, and never names an endpoint', async () => {
		await gw.gateway.management.createEndpoint(
			{ id: 'secret-id-metrics', accountId: 'acct-def' },
			'test',
		);
		for (const res of [
			await scrape(),
			await scrape('wrong-token-0123456789'),
			await scrape(`${ADMIN_TOKEN}x`),
		]) {
			assert.equal(res.status, 401);
			assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
			const text = await res.text();
			assert.equal(JSON.parse(text).error.code, 'unauthorized');
			assert.ok(!text.includes('secret-id-metrics'));
		}
		const basic = await fetch(`${gw.url}/metrics`, {
			headers: { authorization: `Basic ${Buffer.from(`x:${ADMIN_TOKEN}`).toString('base64')}` },
		});
		assert.equal(basic.status, 401);
	});

	it('/metrics answers the admin token and the metrics token', async () => {
		for (const token of [ADMIN_TOKEN, METRICS_TOKEN]) {
			const res = await scrape(token);
			assert.equal(res.status, 200);
			assert.match(
				await res.text(),
				/^webhook_gateway_buffer_events\{endpoint="secret-id-metrics"\} 0$/m,
			);
		}
	});

	it('scrapes within the sample interval reuse the buffer reading instead of reading the registry again', async () => {
		assert.equal((await scrape(METRICS_TOKEN)).status, 200);
		await gw.gateway.management.createEndpoint(
			{ id: 'made-after-scrape', accountId: 'acct-def', auth: { type: 'none' } },
			'test',
		);
		assert.equal(
			(
				await gw.request('/hooks/made-after-scrape', {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				})
			).status,
			202,
		);
		const text = await (await scrape(METRICS_TOKEN)).text();
		// The request counter is live; the buffer gauges are the reading of the first scrape.
		assert.match(
			text,
			/^webhook_gateway_requests_total\{endpoint="made-after-scrape",outcome="accepted"\} 1$/m,
		);
		assert.ok(!text.includes('webhook_gateway_buffer_events{endpoint="made-after-scrape"}'));
	});

	it('with an admin port, /metrics is only there, still behind a credential', async () => {
		const split = await startTestGateway(
			{ url: redis.url },
			{ adminPort: await freePort(), metricsSampleMs: 0 },
		);
		try {
			assert.equal((await scrape(ADMIN_TOKEN, split.url)).status, 404);
			const refused = await scrape(undefined, split.adminUrl);
			assert.equal(refused.status, 401);
			assert.equal(
				((await refused.json()) as { error: { code: string } }).error.code,
				'unauthorized',
			);
			assert.equal((await scrape(ADMIN_TOKEN, split.adminUrl)).status, 200);
		} finally {
			await split.close();
		}
	});

	it('an endpoint created without auth gets a generated header token; none only when asked', async () => {
		const created = await gw.admin('POST', '/endpoints', { accountId: 'acct-def' });
		assert.equal(created.status, 201);
		assert.deepEqual(created.body.endpoint.auth, {
			type: 'header',
			headerName: 'authorization',
			prefix: 'Bearer ',
		});
		const secret: string = created.body.secret;
		assert.ok(secret.length >= 32, 'a long generated secret');
		const post = (headers: Record<string, string>) =>
			gw.request(`/hooks/${created.body.endpoint.id}`, {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json', ...headers },
			});
		assert.equal((await post({})).status, 403);
		assert.equal((await post({ authorization: `Bearer ${secret}` })).status, 202);

		const open = await gw.admin('POST', '/endpoints', {
			accountId: 'acct-def',
			auth: { type: 'none' },
		});
		assert.equal(open.status, 201);
		assert.equal(open.body.secret, undefined);
		assert.equal(
			(
				await gw.request(`/hooks/${open.body.endpoint.id}`, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				})
			).status,
			202,
		);
	});

	it("ingest never stores the console's session cookie, only the sender's own cookies", async () => {
		await gw.gateway.management.createEndpoint(
			{ id: 'ep-cookies', accountId: 'acct-def', auth: { type: 'none' } },
			'test',
		);
		const post = (cookie: string) =>
			gw.request('/hooks/ep-cookies', {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json', cookie },
			});
		assert.equal(
			(await post('a=1; wgw_session=s1.c2Vzc2lvbi12YWx1ZS10aGF0LW11c3Qtbm90LWxlYWsxMjM0; b=2'))
				.status,
			202,
		);
		assert.equal((await post('wgw_session=s1.only-the-gateway-cookie')).status, 202);
		const [onlyOurs, mixed] = await gw.gateway.management.peekEvents('ep-cookies', 2);
		assert.equal(mixed.headers.cookie, 'a=1; b=2');
		assert.equal(onlyOurs.headers.cookie, undefined);
		assert.ok(!JSON.stringify([mixed, onlyOurs]).includes('wgw_session'));
	});
});
