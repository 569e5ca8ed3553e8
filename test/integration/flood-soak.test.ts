/**
 * Flood soak (bounded, loopback): one endpoint is flooded with large webhooks until its byte
 * capacity answers 503 buffer_full, while an endpoint of another account keeps answering 202, and
 * Redis (maxmemory above the configured capacities, noeviction) never reaches maxmemory, so nobody
 * gets an out-of-memory error. Prints its figures (requests, 202s, 503s, peak used_memory).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { runLoad } from '../helpers/load';
import { startRedis, type RedisServer } from '../harness/redis';
import { redisClientOf } from '../../src/redis';

const MAXMEMORY = 96 * 1024 * 1024;
/** Default byte capacity per endpoint in this soak; two endpoints stay far below MAXMEMORY. */
const CAPACITY_BYTES = 16 * 1024 * 1024;
const BODY = 'f'.repeat(32 * 1024);

function infoField(info: string, name: string): number {
	const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
	assert.ok(match, `INFO has ${name}`);
	return Number(match[1]);
}

describe('flood soak: one endpoint flooded until full, another account keeps accepting, Redis never at maxmemory', () => {
	let redis: RedisServer;
	let gw: TestGateway;

	before(async () => {
		redis = await startRedis({
			extraArgs: ['--maxmemory', String(MAXMEMORY), '--maxmemory-policy', 'noeviction'],
		});
		gw = await startTestGateway(
			{ url: redis.url },
			{ bufferMaxBytes: CAPACITY_BYTES, bufferMaxEvents: 100_000 },
		);
		const m = gw.gateway.management;
		await m.setAccountPlan('flooder', 'unlimited');
		await m.setAccountPlan('bystander', 'unlimited');
		await m.createEndpoint({ id: 'flooded', accountId: 'flooder', auth: { type: 'none' } }, 'soak');
		await m.createEndpoint({ id: 'quiet', accountId: 'bystander', auth: { type: 'none' } }, 'soak');
		// A subscriber that never reads: nothing drains the flooded buffer.
		await gw.gateway.stores.buffer.subscribe(
			{ id: 'flooded', accountId: 'flooder' },
			'wf:asleep',
			'new',
		);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('floods, fills, answers 503 buffer_full, keeps the other account at 202, stays below maxmemory', async () => {
		const base = gw.url;
		const flood = runLoad({
			urls: [base],
			path: '/hooks/flooded',
			connections: 8,
			durationMs: 60_000,
			maxRequests: 1500,
			body: BODY,
			headers: { 'content-type': 'text/plain' },
		});
		const quiet: number[] = [];
		let flooding = true;
		void flood.finally(() => (flooding = false));
		while (flooding) {
			const res = await gw.request('/hooks/quiet', {
				method: 'POST',
				body: JSON.stringify({ n: quiet.length }),
				headers: { 'content-type': 'application/json' },
			});
			quiet.push(res.status);
			await res.arrayBuffer();
		}
		const { results, startedAt, endedAt, errors } = await flood;
		const accepted = results.filter((r) => r.status === 202).length;
		const full = results.filter((r) => r.status === 503 && r.body.includes('buffer_full'));
		const other = results.filter(
			(r) => r.status !== 202 && !(r.status === 503 && r.body.includes('buffer_full')),
		);
		const info = String(await redisClientOf(gw.gateway.stores).info('memory'));
		const peak = infoField(info, 'used_memory_peak');
		const used = infoField(info, 'used_memory');
		const stored = await gw.gateway.stores.buffer.storedBytes({
			id: 'flooded',
			accountId: 'flooder',
		});
		const figures = {
			requests: results.length,
			accepted202: accepted,
			bufferFull503: full.length,
			otherStatuses: other.map((r) => r.status),
			connectionErrors: errors,
			seconds: (endedAt - startedAt) / 1000,
			quietRequests: quiet.length,
			quiet202: quiet.filter((s) => s === 202).length,
			storedBytes: stored,
			capacityBytes: CAPACITY_BYTES,
			usedMemory: used,
			peakUsedMemory: peak,
			maxmemory: MAXMEMORY,
		};
		console.log(`flood soak figures: ${JSON.stringify(figures)}`);

		assert.equal(errors, 0);
		assert.deepEqual(
			other.map((r) => r.status),
			[],
			'only 202 and 503 buffer_full, never a 500 or an OOM',
		);
		assert.ok(full.length > 0, 'the flooded endpoint filled up and answered 503 buffer_full');
		assert.ok(
			full.every((r) => Number(r.headers['retry-after']) >= 1),
			'503 buffer_full carries Retry-After',
		);
		assert.ok(
			stored <= CAPACITY_BYTES && stored > CAPACITY_BYTES - BODY.length * 2,
			`stored ${stored} bytes: full, never over`,
		);
		assert.ok(
			quiet.length > 0 && quiet.every((s) => s === 202),
			`the other account kept accepting: ${quiet.filter((s) => s !== 202).length} of ${quiet.length} not 202`,
		);
		assert.ok(
			peak < MAXMEMORY * 0.9,
			`Redis peak ${peak} bytes stays below maxmemory ${MAXMEMORY}`,
		);
	});
});
