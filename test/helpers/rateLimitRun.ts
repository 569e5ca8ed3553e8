/**
 * The rate-limit check of two gateways on one limiter, shared by test/integration/limits.test.ts
 * (standalone Redis) and test/e2e/scale-out.test.ts (Redis Cluster): a plan of rate 5 / burst 5,
 * 100 connections spread over the gateways for 3.5 s; every answer 202 or 429 (with Retry-After),
 * both gateways accepting, accepted <= burst + floor(rate * span) and >= 90 % of it, every window
 * between two accepted events within the bound on Redis's clock, exactly the accepted events stored.
 */
import assert from 'node:assert/strict';
import type { ManagementService } from '../../src/management/service';
import { runLoad, type LoadResult } from './load';
import { acceptedTimesMs, worstWindow } from './limits';

const RATE = 5;
const BURST = 5;

export interface RateLimitRun {
	requests: number;
	accepted: LoadResult[];
	/** Seconds from the first request to the last answer. */
	span: number;
	bound: number;
}

export async function assertRateLimitAcrossGateways(
	management: ManagementService,
	urls: string[],
	ids: { plan: string; account: string; endpoint: string },
): Promise<RateLimitRun> {
	await management.upsertPlan({ id: ids.plan, rate: RATE, burst: BURST, daily: null });
	await management.setAccountPlan(ids.account, ids.plan);
	await management.createEndpoint(
		{ auth: { type: 'none' }, id: ids.endpoint, accountId: ids.account },
		'test',
	);
	const load = await runLoad({
		urls,
		path: `/hooks/${ids.endpoint}`,
		connections: 100,
		durationMs: 3500,
		maxRequests: 200_000,
		body: '{"n":1}',
		headers: { 'content-type': 'application/json' },
	});
	assert.equal(load.errors, 0);
	const accepted = load.results.filter((r) => r.status === 202);
	const limited = load.results.filter((r) => r.status === 429);
	assert.equal(accepted.length + limited.length, load.results.length, 'only 202 and 429 expected');
	for (let target = 0; target < urls.length; target++)
		assert.ok(
			accepted.some((r) => r.target === target),
			`gateway ${target} accepted some`,
		);
	const span = (load.endedAt - load.startedAt) / 1000;
	const bound = BURST + Math.floor(RATE * span);
	assert.ok(span >= 3, `measured span ${span} s`);
	assert.ok(accepted.length <= bound, `accepted ${accepted.length} > bound ${bound}`);
	assert.ok(accepted.length >= 0.9 * bound, `accepted ${accepted.length} < 90% of ${bound}`);
	// Sliding windows on Redis's clock (event ids carry the Redis time in ms).
	const worst = worstWindow(acceptedTimesMs(accepted.map((r) => r.body)), RATE, BURST);
	assert.ok(
		worst.excess <= 0,
		`window ${worst.fromMs}..${worst.toMs} holds ${worst.count}, ${worst.excess} over the bound`,
	);
	assert.equal(
		(await management.peekEvents(ids.endpoint, 1000)).length,
		accepted.length,
		'stored exactly the accepted events',
	);
	for (const r of limited) {
		assert.equal(JSON.parse(r.body).error.code, 'rate_limited');
		assert.ok(Number(r.headers['retry-after']) >= 1);
	}
	return { requests: load.results.length, accepted, span, bound };
}
