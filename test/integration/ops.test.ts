/**
 * Operations (issue "Operations"): /healthz, /readyz, /metrics in Prometheus text with requests by
 * endpoint and outcome, the latency histogram and buffer depth; graceful shutdown on SIGTERM
 * finishes a request in flight; a bad environment value stops start-up naming the variable.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import {
	ADMIN_TOKEN,
	REPO_ROOT,
	spawnGateway,
	startTestGateway,
	uniquePrefix,
	type TestGateway,
} from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

describe('health, readiness and metrics', () => {
	let redis: RedisServer;
	let gw: TestGateway;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan('acct', 'unlimited');
		await gw.gateway.management.createEndpoint(
			{ auth: { type: 'none' }, id: 'ep-metrics', accountId: 'acct' },
			'test',
		);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('/healthz and /readyz answer 200 while Redis is up', async () => {
		assert.deepEqual(await (await gw.request('/healthz')).json(), { status: 'ok' });
		const ready = await gw.request('/readyz');
		assert.equal(ready.status, 200);
	});

	it('/metrics counts requests by endpoint and outcome, has the latency histogram and buffer depth', async () => {
		for (let i = 0; i < 3; i++)
			assert.equal(
				(
					await gw.request('/hooks/ep-metrics', {
						method: 'POST',
						body: '{}',
						headers: { 'content-type': 'application/json' },
					})
				).status,
				202,
			);
		assert.equal((await gw.request('/hooks/ep-metrics', { method: 'GET' })).status, 405);
		assert.equal((await gw.request('/hooks/nope', { method: 'POST' })).status, 404);
		const res = await gw.request('/metrics', {
			headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
		});
		assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
		const text = await res.text();
		assert.match(
			text,
			/^webhook_gateway_requests_total\{endpoint="ep-metrics",outcome="accepted"\} 3$/m,
		);
		assert.match(
			text,
			/^webhook_gateway_requests_total\{endpoint="ep-metrics",outcome="method_not_allowed"\} 1$/m,
		);
		assert.match(
			text,
			/^webhook_gateway_requests_total\{endpoint="",outcome="endpoint_not_found"\} 1$/m,
		);
		assert.match(
			text,
			/^webhook_gateway_request_duration_seconds_bucket\{le="0.005",outcome="accepted"\} \d+$/m,
		);
		assert.match(text, /^webhook_gateway_request_duration_seconds_count\{outcome="accepted"\} 3$/m);
		assert.match(text, /^webhook_gateway_buffer_events\{endpoint="ep-metrics"\} 3$/m);
		assert.match(
			text,
			/^webhook_gateway_buffer_oldest_age_seconds\{endpoint="ep-metrics"\} [\d.]+$/m,
		);
		assert.match(text, /^webhook_gateway_dead_letters\{endpoint="ep-metrics"\} 0$/m);
	});
});

describe('standalone process', () => {
	let redis: RedisServer;
	let stores: Stores;
	const prefix = uniquePrefix();

	before(async () => {
		redis = await startRedis();
		stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
		const m = new ManagementService(stores, {
			publicUrl: 'http://x',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 1000,
		});
		await m.setAccountPlan('acct', 'unlimited');
		await m.createEndpoint({ auth: { type: 'none' }, id: 'ep-slow', accountId: 'acct' }, 'test');
	});
	after(async () => {
		await stores?.close();
		await redis?.stop();
	});

	it('SIGTERM: stops accepting, finishes the request in flight, exits 0', async () => {
		const gw = await spawnGateway({
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
		});
		const exit = new Promise<number | null>((resolve) =>
			gw.child.once('exit', (code) => resolve(code)),
		);
		const body = '{"slow":true}';
		const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
			const req = http.request(
				`${gw.url}/hooks/ep-slow`,
				{
					method: 'POST',
					headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
				},
				(res) => {
					let text = '';
					res.on('data', (c: Buffer) => (text += c.toString()));
					res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
				},
			);
			req.on('error', reject);
			req.write(body.slice(0, 5));
			setTimeout(() => {
				gw.child.kill('SIGTERM');
				setTimeout(() => req.end(body.slice(5)), 500);
			}, 200);
		});
		const answered = await response;
		assert.equal(answered.status, 202, answered.text);
		assert.equal(await exit, 0, gw.output());
		const stored = await stores.buffer.peek({ id: 'ep-slow', accountId: 'acct' }, 10);
		assert.equal(stored.length, 1);
	});

	it('a bad environment value stops start-up with a message naming the variable', () => {
		const run = spawnSync(
			process.execPath,
			[path.join(REPO_ROOT, 'bin', 'webhook-gateway.js'), 'serve'],
			{
				env: {
					PATH: process.env.PATH ?? '',
					WEBHOOK_GATEWAY_REDIS_URL: redis.url,
					WEBHOOK_GATEWAY_MAX_BODY: 'lots',
				},
				encoding: 'utf8',
				timeout: 15_000,
			},
		);
		assert.notEqual(run.status, 0);
		assert.match(run.stderr, /WEBHOOK_GATEWAY_MAX_BODY/);
	});
});

describe('hourly statistics for the console', () => {
	let redis: RedisServer;
	let gw: TestGateway;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan('acct-s', 'free-trial');
		await gw.gateway.management.createEndpoint(
			{
				id: 'ep-stats',
				accountId: 'acct-s',
				auth: { type: 'header', headerName: 'x-key', prefix: '' },
				secret: 'stats-secret-1',
			},
			'test',
		);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('counts accepted requests and rejections by reason per hour, via the admin API', async () => {
		const send = (key: string) =>
			gw.request('/hooks/ep-stats', {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json', 'x-key': key },
			});
		assert.equal((await send('stats-secret-1')).status, 202);
		assert.equal((await send('stats-secret-1')).status, 429);
		assert.equal((await send('wrong')).status, 403);
		assert.equal((await send('wrong')).status, 403);
		await gw.gateway.stores.stats.flush();
		const { status, body } = await gw.admin('GET', '/endpoints/ep-stats/stats?hours=24');
		assert.equal(status, 200);
		assert.equal(body.hours.length, 24);
		const last = body.hours[23];
		assert.deepEqual(last.counts, { accepted: 1, rate_limited: 1, unauthorized: 2 });
		assert.ok(
			Date.parse(last.hour) <= Date.now() && Date.now() - Date.parse(last.hour) < 3_600_000,
		);
	});
});
