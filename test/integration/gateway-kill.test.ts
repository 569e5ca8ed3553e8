/**
 * Fault: kill -9 one of two gateways under load (issue "Prove it under load, faults"). Every event
 * that got a 202 from either gateway is delivered to a subscriber (ids compared), none twice; the
 * surviving gateway keeps accepting. Requests to the killed gateway fail at the connection, never
 * with a 202 for an event that is not stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { runLoad } from '../helpers/load';
import { startRedis, type RedisServer } from '../harness/redis';

describe('a gateway killed with SIGKILL under load', () => {
	let redis: RedisServer;
	let stores: Stores;
	let gateways: GatewayProcess[] = [];
	const prefix = uniquePrefix();
	const ref = { id: 'ep-kill', accountId: 'acct' };

	before(async () => {
		redis = await startRedis({ appendfsync: 'always' });
		stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
		const m = new ManagementService(stores, {
			publicUrl: 'http://x',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 10_000_000,
		});
		await m.setAccountPlan('acct', 'unlimited');
		await m.createEndpoint(
			{ auth: { type: 'none' }, id: ref.id, accountId: ref.accountId },
			'test',
		);
		await stores.buffer.subscribe(ref, 'wf:node', 'new');
		const env = { WEBHOOK_GATEWAY_REDIS_URL: redis.url, WEBHOOK_GATEWAY_KEY_PREFIX: prefix };
		gateways = [await spawnGateway(env), await spawnGateway(env)];
	});
	after(async () => {
		await Promise.all(gateways.map((g) => g.stop()));
		await stores?.close();
		await redis?.stop();
	});

	it('every 202 is delivered exactly once; the other gateway keeps accepting', async () => {
		const loading = runLoad({
			urls: gateways.map((g) => g.url),
			path: `/hooks/${ref.id}`,
			connections: 40,
			durationMs: 4000,
			maxRequests: 200_000,
			body: JSON.stringify({ payload: 'x'.repeat(500) }),
			headers: { 'content-type': 'application/json' },
		});
		await new Promise((r) => setTimeout(r, 1500));
		await gateways[0].kill();
		const load = await loading;
		const accepted = load.results
			.filter((r) => r.status === 202)
			.map((r) => JSON.parse(r.body).eventId as string);
		const other = load.results.filter((r) => r.status !== 202);
		assert.deepEqual(other, [], 'every answer that arrived was a 202');
		assert.ok(load.errors > 0, 'requests to the killed gateway failed at the connection');
		assert.ok(
			load.results.some((r) => r.target === 1 && r.sentAt > load.startedAt + 2500),
			'the surviving gateway kept accepting',
		);

		const delivered: string[] = [];
		for (;;) {
			const batch = await stores.buffer.read(ref, 'wf:node', 1000);
			if (batch.length === 0) break;
			delivered.push(...batch.map((e) => e.eventId));
			await stores.buffer.ack(
				ref,
				'wf:node',
				batch.map((e) => e.ref),
			);
		}
		const deliveredSet = new Set(delivered);
		assert.equal(deliveredSet.size, delivered.length, 'no event delivered twice');
		const missing = accepted.filter((id) => !deliveredSet.has(id));
		assert.deepEqual(missing, [], 'every 202 was delivered');
		console.log(
			`gateway kill: ${accepted.length} accepted, ${delivered.length} delivered (${delivered.length - accepted.length} stored whose 202 was lost with the killed process), ${load.errors} connection errors`,
		);
	});
});
