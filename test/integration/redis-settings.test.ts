/**
 * Redis settings are checked, not assumed (issue 9 point 2), and configuration that needs Redis to
 * check stops start-up (point 6), against real redis-servers: an evicting maxmemory-policy is
 * logged loudly, /readyz answers 503 with the reason and a gauge says so (unless the operator
 * accepts it); AOF off is a warning; a default plan that does not exist stops the gateway and the
 * gateway embedded in n8n (worker thread) with a message naming WEBHOOK_GATEWAY_DEFAULT_PLAN.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openGatewaySession } from '../../nodes/shared/gatewaySession';
import { ConfigError, type GatewayConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import type { Logger } from '../../src/logger';
import { ManagementService } from '../../src/management/service';
import { createStores } from '../../src/redis';
import { startEmbeddedGateway } from '../../src/runtime/embeddedGateway';
import { ADMIN_TOKEN, testConfig } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

interface Line {
	level: string;
	message: string;
}
function recordingLogger(lines: Line[]): Logger {
	const at = (level: string) => (message: string) => void lines.push({ level, message });
	return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function metric(gw: RunningGateway, sample: string): Promise<number> {
	const text = await (
		await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
	).text();
	const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
	return line === undefined ? NaN : Number(line.slice(sample.length + 1));
}

describe('a Redis with maxmemory-policy allkeys-lru', () => {
	let redis: RedisServer;
	before(async () => {
		redis = await startRedis({
			extraArgs: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'],
		});
	});
	after(async () => {
		await redis?.stop();
	});

	it('is logged naming noeviction, /readyz answers 503 with the reason, the gauge is 0', async () => {
		const lines: Line[] = [];
		const gw = await startGateway(testConfig({ url: redis.url }), {
			logger: recordingLogger(lines),
		});
		try {
			const loud = lines.filter((l) => l.level === 'error' && /allkeys-lru/.test(l.message));
			assert.equal(loud.length, 1, JSON.stringify(lines));
			assert.match(loud[0].message, /noeviction/);
			const ready = await fetch(`${gw.url}/readyz`);
			const body = (await ready.json()) as { error: { code: string; message: string } };
			assert.equal(ready.status, 503);
			assert.equal(body.error.code, 'redis_settings');
			assert.match(body.error.message, /maxmemory-policy is allkeys-lru/);
			assert.equal(
				await metric(gw, 'webhook_gateway_redis_setting_ok{setting="maxmemory-policy"}'),
				0,
			);
			assert.equal(await metric(gw, 'webhook_gateway_redis_setting_ok{setting="version"}'), 1);
			// A second check (every minute in production) does not log the same warning again.
			await gw.gateway.serverWatch.run();
			assert.equal(lines.filter((l) => /allkeys-lru/.test(l.message)).length, 1);
		} finally {
			await gw.close();
		}
	});

	it("a trigger's session (n8n side) logs the same warning on n8n's logger, once per shared Redis client", async () => {
		const lines: Line[] = [];
		const credential = { connectionType: 'url', redisUrl: redis.url, serve: false };
		const first = await openGatewaySession(credential, recordingLogger(lines), { serve: false });
		const second = await openGatewaySession(credential, recordingLogger(lines), { serve: false });
		try {
			const loud = lines.filter(
				(l) => l.level === 'error' && /maxmemory-policy is allkeys-lru.*noeviction/.test(l.message),
			);
			assert.equal(loud.length, 1, JSON.stringify(lines));
		} finally {
			await first.close();
			await second.close();
		}
	});

	it('with WEBHOOK_GATEWAY_ALLOW_EVICTION=true: ready, still warned', async () => {
		const lines: Line[] = [];
		const gw = await startGateway(
			{ ...testConfig({ url: redis.url }), allowEviction: true },
			{ logger: recordingLogger(lines) },
		);
		try {
			assert.equal((await fetch(`${gw.url}/readyz`)).status, 200);
			assert.equal(
				lines.filter(
					(l) =>
						l.level === 'warn' &&
						/allkeys-lru.*WEBHOOK_GATEWAY_ALLOW_EVICTION=true/.test(l.message),
				).length,
				1,
				JSON.stringify(lines),
			);
			assert.equal(
				await metric(gw, 'webhook_gateway_redis_setting_ok{setting="maxmemory-policy"}'),
				0,
			);
		} finally {
			await gw.close();
		}
	});
});

describe('a Redis without AOF', () => {
	let redis: RedisServer;
	before(async () => {
		redis = await startRedis({ extraArgs: ['--appendonly', 'no'] });
	});
	after(async () => {
		await redis?.stop();
	});

	it('is a warning saying what can be lost; still ready', async () => {
		const lines: Line[] = [];
		const gw = await startGateway(testConfig({ url: redis.url }), {
			logger: recordingLogger(lines),
		});
		try {
			const warned = lines.filter((l) => l.level === 'warn' && /without AOF/.test(l.message));
			assert.equal(warned.length, 1, JSON.stringify(lines));
			assert.match(warned[0].message, /since the last RDB snapshot is lost/);
			assert.equal((await fetch(`${gw.url}/readyz`)).status, 200);
			assert.equal(await metric(gw, 'webhook_gateway_redis_setting_ok{setting="persistence"}'), 0);
		} finally {
			await gw.close();
		}
	});
});

describe('the default plan', () => {
	let redis: RedisServer;
	before(async () => {
		redis = await startRedis();
	});
	after(async () => {
		await redis?.stop();
	});

	const refused = (e: unknown) =>
		e instanceof ConfigError &&
		/WEBHOOK_GATEWAY_DEFAULT_PLAN/.test(e.message) &&
		/no-such-plan/.test(e.message);

	it('one that does not exist stops the standalone gateway, naming the variable', async () => {
		await assert.rejects(
			startGateway(
				{ ...testConfig({ url: redis.url }), defaultPlan: 'no-such-plan' },
				{ logger: recordingLogger([]) },
			),
			refused,
		);
	});

	it('one that does not exist stops the embedded gateway (worker thread), naming the variable', async () => {
		await assert.rejects(
			startEmbeddedGateway(
				{ ...testConfig({ url: redis.url }), defaultPlan: 'no-such-plan' },
				recordingLogger([]),
			),
			refused,
		);
	});

	it('a custom plan stored in Redis is accepted', async () => {
		const config: GatewayConfig = {
			...testConfig({ url: redis.url }),
			defaultPlan: 'custom-default',
		};
		const stores = createStores({ url: redis.url, offlineQueue: true }, config.keyPrefix);
		try {
			await new ManagementService(stores, {
				publicUrl: config.publicUrl,
				defaultPlan: 'forever-free',
				defaultBufferCapacity: 10,
			}).upsertPlan({ id: 'custom-default', rate: 2, burst: 2, daily: 100 });
		} finally {
			await stores.close();
		}
		const gw = await startGateway(config, { logger: recordingLogger([]) });
		await gw.close();
	});
});
