/**
 * The request log under load: an endpoint keeps its newest `maxEntries` entries, so a flush writes
 * at most that many per log, however many requests were answered in the interval (a real
 * redis-server; the XADD count comes from Redis's own INFO commandstats). Before, every answered
 * request became an XADD that MAXLEN trimmed at once: at ~9,000 requests/s this cost the gateway
 * about 70 µs of CPU per request and a p99 of over 100 ms (docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStores, redisClientOf, type Stores } from '../../src/redis';
import { registryKeys, unknownRequestLogKey } from '../../src/redis/keys';
import { uniquePrefix } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const MAX = 50;

async function xaddCalls(stores: Stores): Promise<number> {
	const info = await redisClientOf(stores).info('commandstats');
	return Number(/cmdstat_xadd:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

/** Records the number of commands of every pipeline the client executes from now on. */
function pipelineSizes(client: ReturnType<typeof redisClientOf>): number[] {
	const sizes: number[] = [];
	const pipeline = client.pipeline.bind(client);
	client.pipeline = ((...args: Parameters<typeof pipeline>) => {
		const p = pipeline(...args);
		const exec = p.exec.bind(p);
		p.exec = ((...execArgs: Parameters<typeof exec>) => {
			sizes.push(p.length);
			return exec(...execArgs);
		}) as typeof p.exec;
		return p;
	}) as typeof client.pipeline;
	return sizes;
}

describe('request log cap per flush', () => {
	let redis: RedisServer;
	let stores: Stores;

	before(async () => {
		redis = await startRedis();
		stores = createStores({ url: redis.url, name: 'request-log-cap' }, uniquePrefix(), {
			requestLog: { maxEntries: MAX, retentionMs: 86_400_000, flushMs: 60_000 },
		});
		await stores.waitReady(5000);
	});
	after(async () => {
		await stores?.close();
		await redis?.stop();
	});

	it('2.6 × maxEntries answered in one interval: the newest maxEntries are kept, with maxEntries XADDs', async () => {
		const before = await xaddCalls(stores);
		const t0 = Date.now();
		for (let i = 0; i < 130; i++) {
			stores.requestLog.record({
				endpointId: 'no-such-endpoint',
				timeMs: t0 + i,
				method: 'POST',
				sourceIp: '127.0.0.1',
				status: 404,
				code: 'endpoint_not_found',
				bytes: i,
			});
		}
		await stores.requestLog.flush();
		assert.equal((await xaddCalls(stores)) - before, MAX, 'one XADD per kept entry');
		const page = await stores.requestLog.list('unknown', { limit: 1000 });
		assert.deepEqual(
			page.requests.map((r) => r.bytes),
			Array.from({ length: MAX }, (_, i) => 129 - i),
			'the newest entries, newest first',
		);
	});

	it('fewer than maxEntries: every entry is written', async () => {
		const before = await xaddCalls(stores);
		for (let i = 0; i < 7; i++) {
			stores.requestLog.record({
				endpointId: 'still-unknown',
				timeMs: Date.now(),
				method: 'GET',
				sourceIp: '127.0.0.1',
				status: 404,
				code: 'endpoint_not_found',
				bytes: 1000 + i,
			});
		}
		await stores.requestLog.flush();
		assert.equal((await xaddCalls(stores)) - before, 7);
		const page = await stores.requestLog.list('unknown', { limit: 1000 });
		assert.equal(page.requests.length, MAX, 'the log stays at its cap');
		assert.deepEqual(
			page.requests.slice(0, 7).map((r) => r.bytes),
			[1006, 1005, 1004, 1003, 1002, 1001, 1000],
		);
	});

	it('a large flush goes in pipelines of 100, in order; a failed one keeps its entries for the next', async () => {
		const prefix = uniquePrefix();
		const big = createStores({ url: redis.url, name: 'request-log-chunks' }, prefix, {
			requestLog: { maxEntries: 1000, retentionMs: 86_400_000, flushMs: 60_000 },
		});
		try {
			await big.waitReady(5000);
			const client = redisClientOf(big);
			const record = (i: number) =>
				big.requestLog.record({
					endpointId: 'sprayed',
					timeMs: Date.now(),
					method: 'POST',
					sourceIp: '127.0.0.1',
					status: 404,
					code: 'endpoint_not_found',
					bytes: i,
				});
			for (let i = 0; i < 250; i++) record(i);
			// The log's key is taken by a string: every XADD fails, nothing may be lost.
			await client.set(unknownRequestLogKey(prefix), 'not a stream');
			await assert.rejects(big.requestLog.flush(), /request log flush failed/);
			await client.del(unknownRequestLogKey(prefix));
			for (let i = 250; i < 260; i++) record(i);
			const before = await xaddCalls(big);
			const sizes = pipelineSizes(client);
			await big.requestLog.flush();
			assert.equal((await xaddCalls(big)) - before, 260, 'every entry once');
			// 260 XADDs in pipelines of at most 100 steps; the trim and the expiry ride with the last.
			assert.deepEqual(sizes, [100, 100, 62]);
			const page = await big.requestLog.list('unknown', { limit: 1000 });
			assert.deepEqual(
				page.requests.map((r) => r.bytes),
				Array.from({ length: 260 }, (_, i) => 259 - i),
				'in the order recorded, newest first',
			);
		} finally {
			await big.close();
		}
	});

	it('many small logs share a pipeline: no round trip per endpoint', async () => {
		const prefix = uniquePrefix();
		const many = createStores({ url: redis.url, name: 'request-log-many' }, prefix, {
			requestLog: { maxEntries: 1000, retentionMs: 86_400_000, flushMs: 60_000 },
		});
		try {
			await many.waitReady(5000);
			const client = redisClientOf(many);
			// 30 endpoints that exist (the flush skips deleted ones), 2 entries each.
			for (let e = 0; e < 30; e++) {
				await client.hset(registryKeys(prefix).endpoints, `ep-${e}`, '{}');
				for (let i = 0; i < 2; i++)
					many.requestLog.record({
						accountId: 'acct',
						endpointId: `ep-${e}`,
						timeMs: Date.now(),
						method: 'POST',
						sourceIp: '127.0.0.1',
						status: 202,
						code: 'accepted',
						bytes: i,
					});
			}
			const before = await xaddCalls(many);
			const sizes = pipelineSizes(client);
			await many.requestLog.flush();
			assert.equal((await xaddCalls(many)) - before, 60);
			// 90 steps (60 XADDs, 30 trims with their expiry): one pipeline of 120 commands.
			assert.deepEqual(sizes, [120]);
			for (let e = 0; e < 30; e++) {
				const page = await many.requestLog.list(
					{ id: `ep-${e}`, accountId: 'acct' },
					{ limit: 10 },
				);
				assert.equal(page.requests.length, 2, `ep-${e}`);
			}
		} finally {
			await many.close();
		}
	});
});
