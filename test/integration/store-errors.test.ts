/**
 * Every Redis failure on the request path is 503 store_unavailable with Retry-After, never a 500
 * (issue 9 point 1): a Redis at maxmemory with noeviction (OOM) and a read-only replica
 * (READONLY), through ingest and the admin API; /metrics counts them by reason; the log has one
 * line per burst, not one per request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/gateway/server';
import type { Logger } from '../../src/logger';
import { ADMIN_TOKEN, testConfig } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

interface Line {
	level: string;
	message: string;
	fields?: Record<string, unknown>;
}

function recordingLogger(lines: Line[]): Logger {
	const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
		void lines.push({ level, message, fields });
	return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function admin(
	gw: RunningGateway,
	method: string,
	route: string,
	body?: unknown,
): Promise<{ status: number; headers: Headers; body: any }> {
	const res = await fetch(`${gw.url}/api/v1${route}`, {
		method,
		headers: {
			authorization: `Bearer ${ADMIN_TOKEN}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const post = (gw: RunningGateway, id: string) =>
	fetch(`${gw.url}/hooks/${id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: '{"n":1}',
	});

async function assertStoreUnavailable(
	res: Response | { status: number; headers: Headers; body: any },
	what: string,
): Promise<void> {
	const body = res instanceof Response ? await res.json() : res.body;
	assert.equal(res.status, 503, `${what}: ${JSON.stringify(body)}`);
	assert.equal(body.error.code, 'store_unavailable', what);
	assert.ok(Number(res.headers.get('retry-after')) >= 1, `${what}: Retry-After`);
}

/** The value of one sample of /metrics, e.g. `webhook_gateway_store_errors_total{reason="oom"}`. */
async function metric(gw: RunningGateway, sample: string): Promise<number> {
	const text = await (
		await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
	).text();
	const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
	return line === undefined ? NaN : Number(line.slice(sample.length + 1));
}

async function waitFor(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs = 20_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

function config(url: string, prefix?: string): GatewayConfig {
	const base = testConfig({ url });
	return { ...base, keyPrefix: prefix ?? base.keyPrefix, defaultPlan: 'unlimited' };
}

describe('Redis at maxmemory (noeviction)', () => {
	let redis: RedisServer;
	let filler: Redis;
	let gw: RunningGateway;
	const lines: Line[] = [];

	before(async () => {
		redis = await startRedis({
			extraArgs: ['--maxmemory', '4mb', '--maxmemory-policy', 'noeviction'],
		});
		filler = new Redis(redis.url);
		gw = await startGateway(config(redis.url), { logger: recordingLogger(lines) });
		assert.equal(
			(
				await admin(gw, 'POST', '/endpoints', {
					id: 'oom-ep',
					accountId: 'acct',
					auth: { type: 'none' },
				})
			).status,
			201,
		);
		assert.equal((await post(gw, 'oom-ep')).status, 202, 'accepted before Redis is full');
		// Fill Redis until it refuses writes.
		const chunk = 'x'.repeat(64 * 1024);
		for (let i = 0; ; i++) {
			try {
				await filler.set(`fill:${i}`, chunk);
			} catch (error) {
				assert.match((error as Error).message, /^OOM/);
				break;
			}
			if (i > 1000) throw new Error('Redis never reported OOM');
		}
		// Full now, but Redis frees client buffers a moment later and a small write could slip
		// under the limit again: lowering maxmemory below what is used keeps every write refused.
		const used = Number(/used_memory:(\d+)/.exec(await filler.info('memory'))?.[1]);
		await filler.config('SET', 'maxmemory', String(Math.floor(used / 2)));
	});
	after(async () => {
		await gw?.close();
		filler?.disconnect();
		await redis?.stop();
	});

	it('ingest answers 503 store_unavailable with Retry-After, never 500; counted as oom; one log line per burst', async () => {
		const before = await metric(gw, 'webhook_gateway_store_errors_total{reason="oom"}');
		assert.equal(before, 0, 'the counter exists from 0');
		for (let i = 0; i < 20; i++)
			await assertStoreUnavailable(await post(gw, 'oom-ep'), `request ${i}`);
		assert.equal(await metric(gw, 'webhook_gateway_store_errors_total{reason="oom"}'), 20);
		assert.equal(
			await metric(
				gw,
				'webhook_gateway_requests_total{endpoint="oom-ep",outcome="store_unavailable"}',
			),
			20,
		);
		const logged = lines.filter((l) => /Redis failed/.test(l.message));
		assert.equal(logged.length, 1, `one line for the burst, got ${JSON.stringify(logged)}`);
		assert.equal(logged[0].fields?.reason, 'oom');
		assert.equal(lines.filter((l) => l.level === 'error').length, 0, 'no internal error logged');
	});

	it('an admin API write answers 503 store_unavailable too', async () => {
		await assertStoreUnavailable(
			await admin(gw, 'POST', '/endpoints', {
				id: 'oom-ep-2',
				accountId: 'acct',
				auth: { type: 'none' },
			}),
			'create endpoint',
		);
		await assertStoreUnavailable(
			await admin(gw, 'PUT', '/plans/custom-oom', { rate: 1, burst: 1, daily: 10 }),
			'upsert plan',
		);
	});
});

describe('a read-only replica (READONLY)', () => {
	let primary: RedisServer;
	let replica: RedisServer;
	let onPrimary: RunningGateway;
	let onReplica: RunningGateway;
	const lines: Line[] = [];

	before(async () => {
		primary = await startRedis();
		replica = await startRedis();
		// REPLICAOF at run time: the primary's port is chosen when it starts.
		const r = new Redis(replica.url);
		await r.replicaof('127.0.0.1', primary.port);
		onPrimary = await startGateway(config(primary.url), { logger: recordingLogger([]) });
		assert.equal(
			(
				await admin(onPrimary, 'POST', '/endpoints', {
					id: 'ro-ep',
					accountId: 'acct',
					auth: { type: 'none' },
				})
			).status,
			201,
		);
		await waitFor(
			'the replica to have the endpoint',
			async () =>
				(await r.info('replication')).includes('master_link_status:up') &&
				(await r.keys(`${onPrimary.gateway.stores.prefix}*`)).length > 0,
		);
		r.disconnect();
		onReplica = await startGateway(config(replica.url, onPrimary.gateway.stores.prefix), {
			logger: recordingLogger(lines),
		});
	});
	after(async () => {
		await onReplica?.close();
		await onPrimary?.close();
		await replica?.stop();
		await primary?.stop();
	});

	it('ingest into a replica answers 503 store_unavailable (readonly); admin writes too', async () => {
		for (let i = 0; i < 5; i++)
			await assertStoreUnavailable(await post(onReplica, 'ro-ep'), `request ${i}`);
		await assertStoreUnavailable(
			await admin(onReplica, 'POST', '/endpoints', {
				id: 'ro-ep-2',
				accountId: 'acct',
				auth: { type: 'none' },
			}),
			'create endpoint',
		);
		assert.equal(
			await metric(onReplica, 'webhook_gateway_store_errors_total{reason="readonly"}'),
			6,
		);
		assert.equal(
			lines.filter((l) => /Redis failed/.test(l.message)).length,
			1,
			'one line for the burst',
		);
		// Reads still work on a replica.
		assert.equal((await admin(onReplica, 'GET', '/endpoints/ro-ep')).status, 200);
	});
});

/** Keeps Redis's one thread busy for `ms` in a Lua loop (no DEBUG command needed). */
function stall(redis: Redis, ms: number): Promise<unknown> {
	return redis.eval(
		`local t = redis.call('TIME'); local start = t[1] * 1000 + t[2] / 1000
while true do
  t = redis.call('TIME')
  if t[1] * 1000 + t[2] / 1000 - start > tonumber(ARGV[1]) then return 1 end
end`,
		0,
		ms,
	);
}

describe('a stalled Redis (command timeout)', () => {
	let redis: RedisServer;
	let blocker: Redis;
	let probe: Redis;
	let gw: RunningGateway;
	before(async () => {
		redis = await startRedis();
		blocker = new Redis(redis.url);
		probe = new Redis(redis.url);
		gw = await startGateway(
			{ ...config(redis.url), redisCommandTimeoutMs: 300 },
			{ logger: recordingLogger([]) },
		);
		assert.equal(
			(
				await admin(gw, 'POST', '/endpoints', {
					id: 'slow-ep',
					accountId: 'acct',
					auth: { type: 'none' },
				})
			).status,
			201,
		);
	});
	after(async () => {
		await gw?.close();
		blocker?.disconnect();
		probe?.disconnect();
		await redis?.stop();
	});

	it('answers 503 (reason timeout), and the event may still be stored: the retry is a duplicate unless the endpoint dedupes', async () => {
		// A first event also puts the endpoint and plan in the gateway's cache: during the stall the
		// accept script is then the only command, the one that times out.
		assert.equal((await post(gw, 'slow-ep')).status, 202);
		const stalled = stall(blocker, 1500);
		// Stalled once a PING from another client is not answered within 100 ms.
		await waitFor('the stall to begin', () =>
			Promise.race([
				probe.ping().then(() => false),
				new Promise<boolean>((r) => setTimeout(() => r(true), 100)),
			]),
		);
		const answer = await post(gw, 'slow-ep');
		await assertStoreUnavailable(answer, 'during the stall');
		assert.equal(await stalled, 1);
		assert.equal(await metric(gw, 'webhook_gateway_store_errors_total{reason="timeout"}'), 1);
		// The accept was already on its way to Redis and ran after the stall.
		await waitFor(
			'the timed-out event to be stored',
			async () => (await admin(gw, 'GET', '/endpoints/slow-ep/events')).body.length === 2,
		);
	});
});

describe('a Redis busy in a long script (BUSY)', () => {
	let redis: RedisServer;
	let blocker: Redis;
	let gw: RunningGateway;
	before(async () => {
		redis = await startRedis({ extraArgs: ['--busy-reply-threshold', '100'] });
		blocker = new Redis(redis.url);
		gw = await startGateway(config(redis.url), { logger: recordingLogger([]) });
		assert.equal(
			(
				await admin(gw, 'POST', '/endpoints', {
					id: 'busy-ep',
					accountId: 'acct',
					auth: { type: 'none' },
				})
			).status,
			201,
		);
	});
	after(async () => {
		await gw?.close();
		blocker?.disconnect();
		await redis?.stop();
	});

	it('answers 503 store_unavailable (reason busy), never 500', async () => {
		const stalled = stall(blocker, 3000).catch(() => undefined);
		// Redis answers BUSY once the script has run longer than busy-reply-threshold.
		await waitFor('a BUSY answer', async () => {
			await assertStoreUnavailable(await post(gw, 'busy-ep'), 'during the script');
			return (await metric(gw, 'webhook_gateway_store_errors_total{reason="busy"}')) >= 1;
		});
		await stalled;
	});
});
