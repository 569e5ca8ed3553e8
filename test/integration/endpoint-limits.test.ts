/**
 * Per-endpoint limits inside the account's plan (docs/limits.md), against a real Redis and real
 * HTTP: a flooded open endpoint with its own daily limit does not stop a signed endpoint of the
 * same account (and without its own limit it does); 429 codes name the limit that refused; the
 * RateLimit headers describe the tighter policy; values above the plan are refused naming the
 * field; and a request refused by one limit writes nothing, so it consumes none of the others.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AcceptStore, type AcceptInput } from '../../src/redis/acceptStore';
import { createRedis, type ScriptedRedis } from '../../src/redis/client';
import { startTestGateway, uniquePrefix, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const TOKEN = 'signed-endpoint-token-1234';

async function send(
	gw: TestGateway,
	endpointId: string,
	headers: Record<string, string> = {},
): Promise<{ status: number; code?: string; headers: Headers }> {
	const res = await gw.request(`/hooks/${endpointId}`, {
		method: 'POST',
		body: '{"n":1}',
		headers: { 'content-type': 'application/json', ...headers },
	});
	const body = (await res.json()) as { error?: { code: string } };
	return { status: res.status, code: body.error?.code, headers: res.headers };
}

/** Every key under `prefix` with its value (strings, hashes, stream lengths), TTLs left out. */
async function snapshot(redis: ScriptedRedis, prefix: string): Promise<Record<string, unknown>> {
	const out: Record<string, unknown> = {};
	for (const key of (await redis.keys(`${prefix}*`)).sort()) {
		const type = await redis.type(key);
		out[key] =
			type === 'hash'
				? await redis.hgetall(key)
				: type === 'stream'
					? await redis.xlen(key)
					: await redis.get(key);
	}
	return out;
}

describe('per-endpoint limits inside the account plan', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const mgmt = () => gw.gateway.management;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await mgmt().upsertPlan({ id: 'daily20', rate: null, burst: null, daily: 20 });
		await mgmt().upsertPlan({ id: 'rate5', rate: 5, burst: 5, daily: 250 });
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	/** An account on plan daily20 with an open endpoint (own limits as given) and a signed one. */
	async function account(id: string, openLimits: unknown): Promise<void> {
		await mgmt().setAccountPlan(id, 'daily20');
		await mgmt().createEndpoint(
			{ id: `${id}-open`, accountId: id, auth: { type: 'none' }, limits: openLimits },
			'test',
		);
		await mgmt().createEndpoint(
			{
				id: `${id}-signed`,
				accountId: id,
				auth: { type: 'header', headerName: 'x-token', prefix: '' },
				secret: TOKEN,
			},
			'test',
		);
	}

	async function flood(endpointId: string, n: number): Promise<Record<string, number>> {
		const results = await Promise.all(Array.from({ length: n }, () => send(gw, endpointId)));
		const tally: Record<string, number> = {};
		for (const r of results)
			tally[r.code ?? String(r.status)] = (tally[r.code ?? String(r.status)] ?? 0) + 1;
		return tally;
	}

	it('a flooded open endpoint with its own daily limit does not stop a signed endpoint of the same account', async () => {
		await account('guarded', { daily: 5 });
		assert.deepEqual(await flood('guarded-open', 40), {
			'202': 5,
			endpoint_daily_limit_exceeded: 35,
		});
		const signed = await Promise.all(
			Array.from({ length: 10 }, () => send(gw, 'guarded-signed', { 'x-token': TOKEN })),
		);
		assert.deepEqual(
			signed.map((r) => r.status),
			Array(10).fill(202),
			'the signed endpoint still has the account budget',
		);
		const usage = await mgmt().getAccount('guarded');
		assert.equal(usage.acceptedToday, 15, "refused requests consumed none of the account's budget");
		assert.deepEqual(
			usage.endpointUsage.map((e) => [e.endpointId, e.acceptedToday, e.dailyRemaining]),
			[
				['guarded-open', 5, 0],
				['guarded-signed', 10, null],
			],
		);
	});

	it('without its own limit the flooded open endpoint spends the whole account budget (the case above guards against)', async () => {
		await account('starved', null);
		assert.deepEqual(await flood('starved-open', 40), { '202': 20, daily_limit_exceeded: 20 });
		const signed = await send(gw, 'starved-signed', { 'x-token': TOKEN });
		assert.equal(signed.status, 429);
		assert.equal(signed.code, 'daily_limit_exceeded');
	});

	it('RateLimit headers describe the tighter policy: the endpoint daily 5 under the plan daily 20', async () => {
		await account('headers', { daily: 5 });
		const first = await send(gw, 'headers-open');
		assert.equal(first.status, 202);
		assert.equal(first.headers.get('ratelimit-policy'), '"daily";q=5;w=86400');
		assert.match(first.headers.get('ratelimit') ?? '', /^"daily";r=4;t=\d+$/);
		const signed = await send(gw, 'headers-signed', { 'x-token': TOKEN });
		assert.equal(
			signed.headers.get('ratelimit-policy'),
			'"daily";q=20;w=86400',
			'an endpoint without own limits shows the plan',
		);
		assert.match(signed.headers.get('ratelimit') ?? '', /^"daily";r=18;t=\d+$/);
		for (let i = 0; i < 4; i++) assert.equal((await send(gw, 'headers-open')).status, 202);
		const refused = await send(gw, 'headers-open');
		assert.equal(refused.status, 429);
		assert.equal(refused.code, 'endpoint_daily_limit_exceeded');
		assert.ok(Number(refused.headers.get('retry-after')) >= 1);
		assert.match(refused.headers.get('ratelimit') ?? '', /^"daily";r=0;t=\d+$/);
		assert.equal(refused.headers.get('ratelimit-policy'), '"daily";q=5;w=86400');
	});

	it("the endpoint's own rate refuses with endpoint_rate_limited and the burst header of the endpoint", async () => {
		await mgmt().setAccountPlan('rated', 'rate5');
		await mgmt().createEndpoint(
			{
				id: 'rated-open',
				accountId: 'rated',
				auth: { type: 'none' },
				limits: { rate: 0.1, burst: 1 },
			},
			'test',
		);
		const first = await send(gw, 'rated-open');
		assert.equal(first.status, 202);
		assert.match(
			first.headers.get('ratelimit-policy') ?? '',
			/^"burst";q=1;w=10, "daily";q=250;w=86400$/,
		);
		const second = await send(gw, 'rated-open');
		assert.equal(second.status, 429);
		assert.equal(second.code, 'endpoint_rate_limited');
		assert.ok(
			Number(second.headers.get('retry-after')) >= 5,
			'the next slot of 0.1/s is seconds away',
		);
		assert.match(second.headers.get('ratelimit') ?? '', /^"burst";r=0;t=\d+, "daily";r=\d+;t=\d+$/);
	});

	it('limits above the plan are refused with 400 naming the field; null clears them', async () => {
		await mgmt().setAccountPlan('valid', 'rate5');
		const create = (limits: unknown) =>
			gw.admin('POST', '/endpoints', { accountId: 'valid', auth: { type: 'none' }, limits });
		for (const [limits, field] of [
			[{ daily: 251 }, 'limits.daily'],
			[{ rate: 6 }, 'limits.rate'],
			[{ rate: 2, burst: 6 }, 'limits.burst'],
			[{ burst: 2 }, 'limits.burst'],
			[{ daily: 0 }, 'limits.daily'],
			[{ hourly: 3 }, 'limits.hourly'],
		] as const) {
			const res = await create(limits);
			assert.equal(res.status, 400, JSON.stringify(limits));
			assert.equal(res.body.error.code, 'invalid_request');
			assert.ok(res.body.error.message.includes(field), `${res.body.error.message} names ${field}`);
		}
		const ok = await create({ rate: 2, daily: 100 });
		assert.equal(ok.status, 201);
		assert.deepEqual(ok.body.endpoint.limits, { rate: 2, burst: 2, daily: 100 });
		const id = ok.body.endpoint.id as string;
		assert.equal(
			(await gw.admin('PATCH', `/endpoints/${id}`, { limits: { daily: 300 } })).status,
			400,
		);
		const cleared = await gw.admin('PATCH', `/endpoints/${id}`, { limits: null });
		assert.equal(cleared.status, 200);
		assert.equal(cleared.body.endpoint.limits, null);
		const usage = await gw.admin('GET', `/endpoints/${id}/usage`);
		assert.equal(usage.body.endpointLimits, null);
	});
});

describe('acceptEvent writes nothing on a reject by either limit', () => {
	let redis: RedisServer;
	let client: ScriptedRedis;
	const prefix = uniquePrefix();

	before(async () => {
		redis = await startRedis();
		client = createRedis({ url: redis.url, offlineQueue: true });
	});
	after(async () => {
		client?.disconnect();
		await redis?.stop();
	});

	const input = (endpointId: string, over: Partial<AcceptInput>): AcceptInput => ({
		endpointId,
		accountId: 'acct',
		dedupeWindowMs: 60_000,
		rate: null,
		burst: null,
		daily: null,
		capacity: 1000,
		capacityBytes: 1 << 20,
		method: 'POST',
		path: '',
		query: '',
		headers: {},
		sourceIp: '127.0.0.1',
		body: Buffer.from('{}'),
		...over,
	});

	it("an endpoint-limit reject leaves the account's limiter and counters, and an account reject the endpoint's, as they were", async () => {
		const store = new AcceptStore(client, prefix);
		const ownDaily = input('ep-a', {
			rate: 5,
			burst: 5,
			daily: 100,
			endpointLimits: { rate: 5, burst: 5, daily: 1 },
		});
		assert.equal((await store.accept(ownDaily)).kind, 'accepted');
		const before1 = await snapshot(client, prefix);
		const refused = await store.accept(ownDaily);
		assert.equal(refused.kind, 'daily_limit_exceeded');
		assert.equal(refused.kind === 'daily_limit_exceeded' && refused.scope, 'endpoint');
		assert.deepEqual(await snapshot(client, prefix), before1);

		const accountRate = input('ep-b', {
			accountId: 'acct-b',
			rate: 0.01,
			burst: 1,
			endpointLimits: { rate: 5, burst: 5, daily: 100 },
		});
		assert.equal((await store.accept(accountRate)).kind, 'accepted');
		const before2 = await snapshot(client, prefix);
		const limited = await store.accept(accountRate);
		assert.equal(limited.kind, 'rate_limited');
		assert.equal(limited.kind === 'rate_limited' && limited.scope, 'account');
		assert.deepEqual(await snapshot(client, prefix), before2);
	});
});
