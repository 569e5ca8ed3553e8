/**
 * Limiter exactness across processes (docs/reliability.md "Limiter exactness"): two standalone gateway processes
 * share one Redis; 100 concurrent connections hammer one account.
 * - rate 5 / burst 5 for >= 3 s: accepted <= 5 + floor(5 t) over the measured span, >= 90 % of it,
 *   and no window between two accepted events (Redis clock) holds more than the bound;
 * - daily limit N: exactly N accepted;
 * - the seed's Free Trial plan: a second request in the same second is rejected, even on the
 *   other gateway.
 * Needs `npm run build` (the gateways run the real bin).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createStores } from '../../src/redis';
import { ManagementService } from '../../src/management/service';
import { REPO_ROOT, spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { runLoad } from '../helpers/load';
import { assertRateLimitAcrossGateways } from '../helpers/rateLimitRun';
import { startRedis, type RedisServer } from '../harness/redis';

describe('limits are exact across two gateway processes', () => {
	let redis: RedisServer;
	let gateways: GatewayProcess[] = [];
	let management: ManagementService;
	let close: () => Promise<void>;
	const prefix = uniquePrefix();

	before(async () => {
		assert.ok(
			fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js')),
			'run `npm run build` first: the gateways run the built bin',
		);
		redis = await startRedis();
		const stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
		close = () => stores.close();
		management = new ManagementService(stores, {
			publicUrl: 'http://127.0.0.1',
			defaultPlan: 'forever-free',
			defaultBufferCapacity: 1_000_000,
		});
		const env = { WEBHOOK_GATEWAY_REDIS_URL: redis.url, WEBHOOK_GATEWAY_KEY_PREFIX: prefix };
		gateways = [await spawnGateway(env), await spawnGateway(env)];
	});
	after(async () => {
		await Promise.all(gateways.map((g) => g.stop()));
		await close?.();
		await redis?.stop();
	});

	it('rate 5 / burst 5 under 100 connections for 3.5 s: never over burst + floor(rate t), at least 90 % of it', async () => {
		const run = await assertRateLimitAcrossGateways(
			management,
			gateways.map((g) => g.url),
			{ plan: 'rate5', account: 'acct-rate', endpoint: 'ep-rate' },
		);
		console.log(
			`rate5: ${run.requests} requests in ${run.span.toFixed(2)} s, ${run.accepted.length} accepted, bound ${run.bound}`,
		);
	});

	it('daily limit N accepts exactly N under 100 connections', async () => {
		await management.upsertPlan({ id: 'daily40', rate: null, burst: null, daily: 40 });
		await management.setAccountPlan('acct-daily', 'daily40');
		await management.createEndpoint(
			{ auth: { type: 'none' }, id: 'ep-daily-a', accountId: 'acct-daily' },
			'test',
		);
		await management.createEndpoint(
			{ auth: { type: 'none' }, id: 'ep-daily-b', accountId: 'acct-daily' },
			'test',
		);
		const [a, b] = await Promise.all(
			['ep-daily-a', 'ep-daily-b'].map((ep) =>
				runLoad({
					urls: gateways.map((g) => g.url),
					path: `/hooks/${ep}`,
					connections: 50,
					durationMs: 5000,
					maxRequests: 150,
					body: '{}',
					headers: { 'content-type': 'application/json' },
				}),
			),
		);
		const all = [...a.results, ...b.results];
		assert.equal(all.length, 300);
		const accepted = all.filter((r) => r.status === 202).length;
		const rejected = all.filter(
			(r) => r.status === 429 && JSON.parse(r.body).error.code === 'daily_limit_exceeded',
		).length;
		assert.equal(accepted, 40);
		assert.equal(rejected, 260);
		const usage = await management.endpointUsage('ep-daily-a');
		assert.equal(usage.accountAcceptedToday, 40);
	});

	it("the seed's Free Trial plan rejects a second request in the same second, across gateways", async () => {
		await management.setAccountPlan('acct-trial', 'free-trial');
		await management.createEndpoint(
			{ auth: { type: 'none' }, id: 'ep-trial', accountId: 'acct-trial' },
			'test',
		);
		const post = (g: GatewayProcess) =>
			fetch(`${g.url}/hooks/ep-trial`, {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json' },
			});
		const first = await post(gateways[0]);
		const second = await post(gateways[1]);
		assert.equal(first.status, 202);
		assert.equal(second.status, 429);
		assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'rate_limited');
		await new Promise((r) => setTimeout(r, 1100));
		assert.equal((await post(gateways[1])).status, 202, 'one request per second is accepted again');
	});
});
