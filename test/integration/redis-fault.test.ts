/**
 * Redis killed mid-run (docs/reliability.md "Redis unreachable"): a standalone
 * gateway process under load answers 503 store_unavailable with Retry-After while Redis is gone,
 * never crashes, recovers by itself when Redis returns, and every event that got a 202 is in the
 * buffer (Redis runs with appendfsync always, so nothing acknowledged is lost).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { runLoad } from '../helpers/load';
import { startRedis, type RedisServer } from '../harness/redis';

for (const appendfsync of ['always', 'everysec'] as const)
	describe(`Redis killed under load (appendfsync ${appendfsync})`, () => {
		let redis: RedisServer;
		let gateway: GatewayProcess;
		let stores: Stores;
		let management: ManagementService;
		const prefix = uniquePrefix();

		before(async () => {
			redis = await startRedis({ appendfsync });
			stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
			management = new ManagementService(stores, {
				publicUrl: 'http://127.0.0.1',
				defaultPlan: 'unlimited',
				defaultBufferCapacity: 1_000_000,
			});
			await management.setAccountPlan('acct', 'unlimited');
			await management.createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-fault', accountId: 'acct' },
				'test',
			);
			gateway = await spawnGateway({
				WEBHOOK_GATEWAY_REDIS_URL: redis.url,
				WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
				WEBHOOK_GATEWAY_REDIS_TIMEOUT: '1000',
			});
		});
		after(async () => {
			await gateway?.stop();
			await stores?.close();
			await redis?.stop();
		});

		it('answers 503 store_unavailable while Redis is down, recovers alone, loses no 202', async () => {
			let n = 0;
			const loadPromise = runLoad({
				urls: [gateway.url],
				path: '/hooks/ep-fault',
				connections: 20,
				durationMs: 6000,
				maxRequests: 100_000,
				body: '{"n":1}',
				headers: { 'content-type': 'application/json' },
				headersFor: () => ({ 'x-seq': String(n++) }),
			});
			await new Promise((r) => setTimeout(r, 1500));
			await redis.kill();
			await new Promise((r) => setTimeout(r, 2000));
			const ready = await fetch(`${gateway.url}/readyz`);
			assert.equal(ready.status, 503, '/readyz reports Redis unreachable');
			assert.equal(
				(await fetch(`${gateway.url}/healthz`)).status,
				200,
				'/healthz: the process is alive',
			);
			await redis.start();
			const load = await loadPromise;

			assert.equal(load.errors, 0, 'no connection errors: the gateway stayed up');
			const byStatus = new Map<number, number>();
			for (const r of load.results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
			console.log('statuses during the fault run:', Object.fromEntries(byStatus));
			assert.deepEqual([...byStatus.keys()].sort(), [202, 503], 'only 202 and 503');
			for (const r of load.results.filter((x) => x.status === 503)) {
				assert.equal(JSON.parse(r.body).error.code, 'store_unavailable');
				assert.ok(Number(r.headers['retry-after']) >= 1);
			}
			// Recovery: requests after the restart are accepted again.
			const lastSecond = load.results.filter((r) => r.sentAt > load.endedAt - 800);
			assert.ok(
				lastSecond.length > 0 && lastSecond.every((r) => r.status === 202),
				'accepting again after Redis came back',
			);
			const after202 = await fetch(`${gateway.url}/hooks/ep-fault`, {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json' },
			});
			assert.equal(after202.status, 202);
			assert.equal((await fetch(`${gateway.url}/readyz`)).status, 200);

			// Every 202 is in the buffer.
			const accepted = new Set(
				load.results
					.filter((r) => r.status === 202)
					.map((r) => JSON.parse(r.body).eventId as string),
			);
			const stored = new Set<string>();
			const buffer = stores.buffer;
			for (const e of await buffer.peek({ id: 'ep-fault', accountId: 'acct' }, 1_000_000, 'oldest'))
				stored.add(e.eventId);
			const missing = [...accepted].filter((id) => !stored.has(id));
			console.log(
				`appendfsync ${appendfsync}: ${accepted.size} answered 202, ${missing.length} missing after a SIGKILL of Redis and its restart`,
			);
			// A killed Redis process loses nothing under either policy: what it acknowledged was already
			// written to the AOF (the OS page cache). Only a power loss can cost 'everysec' its last second.
			assert.equal(missing.length, 0, `${missing.length} accepted events missing from the buffer`);
		});
	});
