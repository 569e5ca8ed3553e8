/**
 * Hourly statistics and the usage history's rejected/duplicate counts on a Redis Cluster: the
 * flush writes counts of several accounts, whose keys live in different slots, so it sends one
 * pipeline per account (a cluster pipeline must stay within one slot). Before, one pipeline for
 * all of them was refused as a whole and retried forever: nothing was ever written.
 *
 * Run: node --import tsx --test test/integration/stats.cluster.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRedis } from '../../src/redis/client';
import { endpointKeys, registryKeys } from '../../src/redis/keys';
import { StatsStore } from '../../src/redis/stats';
import { uniquePrefix } from '../harness/gateway';
import { startRedisCluster } from '../harness/redis';

describe('statistics on a Redis Cluster', () => {
	it("a flush with several accounts writes every account's counts", async () => {
		const cluster = await startRedisCluster();
		const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
		const client = createRedis({
			url: `redis://${nodes[0]}`,
			clusterNodes: nodes,
			offlineQueue: true,
		});
		try {
			const prefix = uniquePrefix();
			const stats = new StatsStore(client, prefix);
			const accounts = ['a1', 'a2', 'a3', 'a4'];
			for (const account of accounts)
				await client.hset(registryKeys(prefix).endpoints, `e-${account}`, '{}');
			for (const account of accounts) {
				stats.record(account, `e-${account}`, 'accepted');
				stats.record(account, `e-${account}`, 'unauthorized');
				stats.record(account, `e-${account}`, 'unauthorized');
			}
			await stats.flush();
			for (const account of accounts) {
				const hours = await stats.read(account, `e-${account}`, 1);
				assert.deepEqual(hours[0].counts, { accepted: 1, unauthorized: 2 }, account);
				const history = await client.hgetall(endpointKeys(prefix, account, `e-${account}`).history);
				assert.ok(
					Object.values(history).includes('2'),
					`${account}: the rejected count of the day is in the usage history: ${JSON.stringify(history)}`,
				);
			}
			// Nothing is left waiting: a second flush writes nothing more.
			await stats.flush();
			assert.deepEqual((await stats.read('a1', 'e-a1', 1))[0].counts, {
				accepted: 1,
				unauthorized: 2,
			});
		} finally {
			client.disconnect();
			await cluster.stop();
		}
	});
});
