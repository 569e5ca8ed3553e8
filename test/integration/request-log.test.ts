/**
 * The request log (docs/request-log.md) against a real redis-server and real HTTP: every answer of
 * the ingest path is recorded with its reason (no secret, signature or body in any stored field),
 * ids that name no endpoint go to one capped log, the log is bounded by count and age, filters and
 * cursor paging work, an accepted request shows its event's state per subscriber, a scoped token
 * reads only its accounts' logs, and recording adds no Redis command to the request path.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import { signRequest } from '../../src/auth';
import { RequestLogStore } from '../../src/redis/requestLog';
import { createRedis } from '../../src/redis/client';
import { registryKeys } from '../../src/redis/keys';
import type { LoggedRequest, RequestPage } from '../../src/redis';
import type { EndpointAuth } from '../../src/types';
import { ADMIN_TOKEN, startTestGateway, uniquePrefix, type TestGateway } from '../harness/gateway';
import { startRedis, startRedisCluster, type RedisServer } from '../harness/redis';

const ACCOUNT = 'rl-acct';
const BODY_MARKER = 'body-marker-never-logged';
const GITHUB: EndpointAuth = { type: 'hmac', preset: 'github' } as EndpointAuth;
const STRIPE: EndpointAuth = { type: 'hmac', preset: 'stripe' } as EndpointAuth;

/** Waits until `check` returns a value (the log is written off the request path). */
async function until<T>(
	what: string,
	check: () => Promise<T | undefined>,
	timeoutMs = 10_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
	const text = await redis.info('commandstats');
	const out = new Map<string, number>();
	for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1], Number(m[2]));
	return out;
}

describe('request log', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let client: Redis;
	const secrets: Record<string, string> = {};

	const requests = async (endpoint: string, query = ''): Promise<RequestPage> => {
		const res = await gw.admin<RequestPage>('GET', `/endpoints/${endpoint}/requests${query}`);
		assert.equal(res.status, 200, JSON.stringify(res.body));
		return res.body;
	};
	/** Waits until the endpoint's log holds `n` entries. */
	const logged = (endpoint: string, n: number) =>
		until(`${n} entries of ${endpoint}`, async () => {
			const page = await requests(endpoint, '?limit=1000');
			return page.requests.length >= n ? page.requests : undefined;
		});
	const post = (endpoint: string, body: string, headers: Record<string, string> = {}) =>
		gw.request(`/hooks/${endpoint}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', ...headers },
		});

	before(async () => {
		redis = await startRedis();
		client = new Redis(redis.url);
		gw = await startTestGateway(
			{ url: redis.url },
			{ maxBodyBytes: 1024, defaultPlan: 'unlimited', requestLogFlushMs: 100 },
		);
		const m = gw.gateway.management;
		secrets.gh = (
			await m.createEndpoint({ id: 'rl-gh', accountId: ACCOUNT, auth: GITHUB }, 'test')
		).secret!;
		secrets.stripe = (
			await m.createEndpoint({ id: 'rl-stripe', accountId: ACCOUNT, auth: STRIPE }, 'test')
		).secret!;
		secrets.token = (
			await m.createEndpoint(
				{
					id: 'rl-token',
					accountId: ACCOUNT,
					auth: { type: 'header', headerName: 'Authorization', prefix: 'Bearer ' },
				},
				'test',
			)
		).secret!;
		await m.createEndpoint(
			{ id: 'rl-off', accountId: ACCOUNT, auth: { type: 'none' }, enabled: false },
			'test',
		);
		await m.createEndpoint(
			{
				id: 'rl-open',
				accountId: ACCOUNT,
				auth: { type: 'none' },
				methods: ['POST'],
				bufferCapacity: 2,
			},
			'test',
		);
		await m.createEndpoint(
			{ id: 'rl-limited', accountId: 'rl-small', auth: { type: 'none' } },
			'test',
		);
		await m.setAccountPlan('rl-small', 'free-trial');
		await m.createEndpoint(
			{
				id: 'rl-hub',
				accountId: ACCOUNT,
				auth: { type: 'none' },
				handshake: { mode: 'hubChallenge' },
				methods: ['GET', 'POST'],
			},
			'test',
		);
	});
	after(async () => {
		client?.disconnect();
		await gw?.close();
		await redis?.stop();
	});

	it('records accepted and each rejection with status, code and reason; never a secret, signature or body', async () => {
		const body = JSON.stringify({ marker: BODY_MARKER });
		const now = Date.now();
		const signed = signRequest(GITHUB, secrets.gh, Buffer.from(body), now, {
			id: 'gh-delivery-42',
		});
		assert.equal((await post('rl-gh', body, signed)).status, 202);
		assert.equal((await post('rl-gh', body, signed)).status, 200, 'duplicate');
		assert.equal((await post('rl-gh', body, { 'x-github-delivery': 'gh-nosig' })).status, 403);
		const tampered = { ...signed, 'x-github-delivery': 'gh-bad' };
		assert.equal((await post('rl-gh', body + ' ', tampered)).status, 403);
		const stale = signRequest(STRIPE, secrets.stripe, Buffer.from(body), now - 3_600_000);
		assert.equal((await post('rl-stripe', body, stale)).status, 403);
		assert.equal(
			(await post('rl-token', body, { authorization: 'Bearer wrong-token-value-xyz' })).status,
			403,
		);
		assert.equal(
			(
				await post('rl-token', '{not json ' + BODY_MARKER, {
					authorization: `Bearer ${secrets.token}`,
				})
			).status,
			400,
		);
		assert.equal((await post('rl-off', body)).status, 403);
		assert.equal((await gw.request('/hooks/rl-open', { method: 'GET' })).status, 405);
		assert.equal((await post('rl-open', 'x'.repeat(2000))).status, 413);
		assert.equal((await post('rl-open', body)).status, 202);
		assert.equal((await post('rl-open', body)).status, 202);
		assert.equal((await post('rl-open', body)).status, 503, 'buffer of 2 is full');
		assert.equal((await post('rl-limited', body)).status, 202);
		assert.equal((await post('rl-limited', body)).status, 429);
		assert.equal(
			(await gw.request('/hooks/rl-hub?hub.mode=subscribe&hub.challenge=abc', { method: 'GET' }))
				.status,
			200,
		);
		assert.equal((await gw.request('/hooks/rl-open', { method: 'HEAD' })).status, 200);
		assert.equal((await post('no-such-endpoint-123', body)).status, 404);

		const gh = await logged('rl-gh', 4);
		const summary = (rs: LoggedRequest[]) => rs.map((r) => [r.status, r.code, r.reason]).reverse();
		assert.deepEqual(summary(gh), [
			[202, 'accepted', null],
			[200, 'duplicate', null],
			[403, 'unauthorized', 'missing_signature'],
			[403, 'unauthorized', 'invalid_signature'],
		]);
		const [, , , first] = gh;
		assert.equal(first.deliveryId, 'gh-delivery-42');
		assert.match(first.eventId ?? '', /^\d+-\d+$/);
		assert.equal(gh[2].eventId, first.eventId, 'the duplicate names the first event');
		assert.equal(first.bytes, Buffer.byteLength(body));
		assert.equal(first.method, 'POST');
		assert.equal(first.sourceIp, '127.0.0.1');
		assert.deepEqual(summary(await logged('rl-stripe', 1)), [
			[403, 'unauthorized', 'stale_timestamp'],
		]);
		assert.deepEqual(summary(await logged('rl-token', 2)), [
			[403, 'unauthorized', 'invalid_credentials'],
			[400, 'invalid_body', 'unparsable application/json'],
		]);
		assert.deepEqual(summary(await logged('rl-off', 1)), [[403, 'endpoint_disabled', null]]);
		const open = await logged('rl-open', 6);
		assert.deepEqual(summary(open), [
			[405, 'method_not_allowed', null],
			[413, 'payload_too_large', 'declared_length'],
			[202, 'accepted', null],
			[202, 'accepted', null],
			[503, 'buffer_full', null],
			[200, 'head', null],
		]);
		assert.equal(open[4].bytes, 2000, 'a refused body counts its declared size');
		assert.deepEqual(summary(await logged('rl-limited', 2)), [
			[202, 'accepted', null],
			[429, 'rate_limited', null],
		]);
		assert.deepEqual(summary(await logged('rl-hub', 1)), [[200, 'handshake', null]]);

		// Flushed like the others, about once a second: possibly one flush after the entries above.
		const unknown = await until('the unknown-id entry', async () => {
			const page = (await gw.admin<RequestPage>('GET', '/requests/unknown')).body;
			return page.requests.length > 0 ? page.requests : undefined;
		});
		assert.deepEqual(
			unknown.map((r) => [r.endpointId, r.status, r.code]),
			[['no-such-endpoint-123', 404, 'endpoint_not_found']],
		);

		// Every stored field of every log: no secret, no signature, no body.
		const keys = await client.keys('*requests*');
		assert.ok(keys.length >= 8, `request logs in Redis: ${keys.join(', ')}`);
		const stored = JSON.stringify(await Promise.all(keys.map((k) => client.xrange(k, '-', '+'))));
		for (const forbidden of [
			secrets.gh,
			secrets.stripe,
			secrets.token,
			signed['x-hub-signature-256'],
			stale['stripe-signature'],
			'wrong-token-value-xyz',
			BODY_MARKER,
		]) {
			assert.ok(!stored.includes(forbidden), `the log holds no '${forbidden.slice(0, 12)}…'`);
		}
	});

	it('filters by status, code, time and text, and pages with a cursor', async () => {
		for (let i = 0; i < 12; i++) {
			const body = JSON.stringify({ i });
			const headers = signRequest(GITHUB, secrets.gh, Buffer.from(body), Date.now(), {
				id: `page-${i}`,
			});
			assert.equal(
				(await post('rl-gh', body, i % 3 === 0 ? { 'x-github-delivery': `page-${i}` } : headers))
					.status,
				i % 3 === 0 ? 403 : 202,
			);
		}
		const all = await logged('rl-gh', 16);
		const seen: string[] = [];
		let cursor: string | null = '';
		let pages = 0;
		while (cursor !== null) {
			const page: RequestPage = await requests(
				'rl-gh',
				`?limit=5${cursor ? `&cursor=${cursor}` : ''}`,
			);
			assert.ok(page.requests.length <= 5);
			seen.push(...page.requests.map((r) => r.id));
			cursor = page.nextCursor;
			pages++;
		}
		assert.deepEqual(
			seen,
			all.map((r) => r.id),
			'pages cover the log once, newest first',
		);
		assert.ok(pages >= 4);
		const forbidden = await requests('rl-gh', '?status=403');
		assert.equal(forbidden.requests.length, 6);
		assert.ok(forbidden.requests.every((r) => r.status === 403));
		assert.deepEqual(
			(await requests('rl-gh', '?code=duplicate')).requests.map((r) => r.code),
			['duplicate'],
		);
		assert.deepEqual(
			(await requests('rl-gh', '?q=PAGE-7')).requests.map((r) => r.deliveryId),
			['page-7'],
		);
		const eventId = all.find((r) => r.deliveryId === 'page-5')!.eventId!;
		assert.deepEqual(
			(await requests('rl-gh', `?q=${eventId}`)).requests.map((r) => r.deliveryId),
			['page-5'],
		);
		const mid = all[5];
		const older = await requests('rl-gh', `?to=${encodeURIComponent(mid.time)}`);
		assert.ok(
			older.requests.every((r) => r.time <= mid.time) &&
				older.requests.some((r) => r.id === mid.id),
		);
		const newer = await requests('rl-gh', `?from=${Date.parse(mid.time)}`);
		assert.ok(newer.requests.every((r) => r.time >= mid.time) && newer.requests.length >= 6);
		assert.equal((await requests('rl-gh', '?from=1m')).requests.length, all.length);
		assert.equal((await gw.admin('GET', '/endpoints/rl-gh/requests?status=abc')).status, 400);
		assert.equal((await gw.admin('GET', '/endpoints/rl-gh/requests?limit=0')).status, 400);
		assert.equal((await gw.admin('GET', '/endpoints/rl-gh/requests/1-0')).status, 404);
	});

	it('links an accepted request to its event: pending, in a run, delivered, dead letter per subscriber', async () => {
		const ep = { id: 'rl-token', accountId: ACCOUNT };
		const buffer = gw.gateway.stores.buffer;
		await buffer.subscribe(ep, 'wf1:ack', 'new');
		await buffer.subscribe(ep, 'wf2:fail', 'new');
		await buffer.subscribe(ep, 'wf3:idle', 'new');
		const res = await post('rl-token', '{"a":1}', { authorization: `Bearer ${secrets.token}` });
		assert.equal(res.status, 202);
		const { eventId } = (await res.json()) as { eventId: string };
		const entry = await until(
			'the accepted entry',
			async () => (await requests('rl-token', `?q=${eventId}`)).requests[0],
		);
		const states = async () => {
			const detail = await gw.admin('GET', `/endpoints/rl-token/requests/${entry.id}`);
			assert.equal(detail.status, 200);
			assert.equal(detail.body.event.id, eventId);
			return Object.fromEntries(
				detail.body.event.subscribers.map(
					(s: { subscriberId: string; state: string; released?: boolean }) => [
						s.subscriberId,
						`${s.state}${s.released ? ' (released)' : ''}`,
					],
				),
			);
		};
		assert.deepEqual(await states(), {
			'wf1:ack': 'pending',
			'wf2:fail': 'pending',
			'wf3:idle': 'pending',
		});
		const [a] = (await buffer.readBatch(ep, 'wf1:ack', 10)).entries;
		const [b] = (await buffer.readBatch(ep, 'wf2:fail', 10)).entries;
		assert.deepEqual(await states(), {
			'wf1:ack': 'pending (released)',
			'wf2:fail': 'pending (released)',
			'wf3:idle': 'pending',
		});
		await buffer.ack(ep, 'wf1:ack', [a.ref]);
		await buffer.recordFailure(ep, 'wf2:fail', [b.ref], 1, 'boom');
		assert.deepEqual(await states(), {
			'wf1:ack': 'delivered',
			'wf2:fail': 'dead_letter',
			'wf3:idle': 'pending',
		});
		const rejected = (await requests('rl-token', '?status=403')).requests[0];
		assert.equal(
			(await gw.admin('GET', `/endpoints/rl-token/requests/${rejected.id}`)).body.event,
			null,
		);
	});

	it('CLI: `requests <endpoint>` with --status/--code/--since as a table or JSON, and one entry with its event', async () => {
		const cli = (args: string[]) =>
			new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
				const env: NodeJS.ProcessEnv = {};
				for (const [k, v] of Object.entries(process.env))
					if (!k.startsWith('WEBHOOK_GATEWAY_')) env[k] = v;
				Object.assign(env, {
					WEBHOOK_GATEWAY_REDIS_URL: redis.url,
					WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
				});
				const entry = path.resolve(__dirname, '../../src/cli/run.ts');
				execFile(
					process.execPath,
					['--import', 'tsx', entry, ...args],
					{ env, timeout: 30_000 },
					(error, stdout, stderr) =>
						resolve({
							code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
							stdout,
							stderr,
						}),
				);
			});
		const json = await cli(['requests', 'rl-gh', '--status', '403', '--since', '1h', '--json']);
		assert.equal(json.code, 0, json.stderr);
		const page = JSON.parse(json.stdout) as RequestPage;
		assert.ok(page.requests.length >= 2 && page.requests.every((r) => r.status === 403));
		const human = await cli(['requests', 'rl-gh', '--code', 'unauthorized', '--limit', '2']);
		assert.equal(human.code, 0, human.stderr);
		assert.match(human.stdout, /^TIME\s+STATUS\s+CODE\s+REASON/);
		assert.match(human.stdout, /403\s+unauthorized\s+missing_signature/);
		assert.match(human.stdout, /older entries: --cursor \d+-\d+/);
		const accepted = (await requests('rl-token', '?code=accepted&limit=1')).requests[0];
		const detail = await cli(['requests', 'rl-token', accepted.id]);
		assert.equal(detail.code, 0, detail.stderr);
		assert.match(detail.stdout, new RegExp(`event: ${accepted.eventId} \\(buffered\\)`));
		assert.match(detail.stdout, /wf1:ack\s+delivered/);
		const bad = await cli(['requests', 'rl-gh', '--status', 'forbidden']);
		assert.equal(bad.code, 1);
		assert.match(bad.stderr, /status must be HTTP statuses/);
	});

	it("scoped tokens: read scope reads its accounts' logs; the unknown-id log needs admin", async () => {
		const make = async (scopes: string[], accountIds?: string[]) =>
			(
				await gw.admin('POST', '/tokens', {
					name: `t-${scopes.join('-')}-${accountIds?.join('') ?? 'all'}`,
					scopes,
					accountIds,
				})
			).body.token as string;
		const as = (token: string, path: string) =>
			gw.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
		const reader = await make(['read'], [ACCOUNT]);
		assert.equal((await as(reader, '/endpoints/rl-gh/requests')).status, 200);
		assert.equal(
			(await as(reader, '/endpoints/rl-limited/requests')).status,
			404,
			"another account's endpoint is absent",
		);
		assert.equal((await as(reader, '/requests/unknown')).status, 403);
		assert.equal((await as(await make(['read']), '/requests/unknown')).status, 403);
		assert.equal((await as(await make(['admin']), '/requests/unknown')).status, 200);
		assert.ok(ADMIN_TOKEN.length > 0);
	});

	it('is bounded per endpoint by count and by age', async () => {
		const redisClient = createRedis({ url: redis.url, name: 'rl-test', offlineQueue: true });
		const prefix = uniquePrefix();
		const RETENTION = 1000;
		const store = new RequestLogStore(redisClient, prefix, {
			maxEntries: 5,
			retentionMs: RETENTION,
			flushMs: 60_000,
		});
		try {
			await redisClient.hset(registryKeys(prefix).endpoints, 'e1', '{}');
			const ep = { id: 'e1', accountId: 'a1' };
			const record = (i: number) =>
				store.record({
					accountId: 'a1',
					endpointId: 'e1',
					timeMs: Date.now(),
					method: 'POST',
					sourceIp: '10.0.0.1',
					status: 202,
					code: 'accepted',
					bytes: i,
				});
			for (let i = 0; i < 8; i++) record(i);
			await store.flush();
			const writtenAt = Date.now();
			const page = await store.list(ep, { limit: 100 });
			assert.deepEqual(
				page.requests.map((r) => r.bytes),
				[7, 6, 5, 4, 3],
				'the 5 newest are kept',
			);
			await until('entries older than the retention to be hidden', async () =>
				(await store.list(ep, { limit: 100 })).requests.length === 0 ? true : undefined,
			);
			// The trim at a write keeps some slack for clock skew (here: one retention more).
			await until('the trim horizon to pass the old entries', async () =>
				Date.now() > writtenAt + 2 * RETENTION + 50 ? true : undefined,
			);
			record(100);
			await store.flush();
			assert.deepEqual(
				(await store.list(ep, { limit: 100 })).requests.map((r) => r.bytes),
				[100],
			);
			const key = `${prefix}{a:a1}:requests:e1`;
			assert.equal(await redisClient.xlen(key), 1, 'and trimmed from Redis at the next write');
			assert.ok((await redisClient.pttl(key)) <= RETENTION, 'an idle log expires');
		} finally {
			redisClient.disconnect();
		}
	});

	it('adds no Redis command to the request path: entries are written by the flush, in one pipeline', async () => {
		const N = 40;
		const delta = (a: Map<string, number>, b: Map<string, number>, cmd: string) =>
			(b.get(cmd) ?? 0) - (a.get(cmd) ?? 0);
		/** Commands Redis ran (top level and inside scripts) while a gateway answered N accepted and N rejected requests. */
		const measure = async (g: TestGateway, endpointId: string) => {
			await g.gateway.management.createEndpoint(
				{ id: endpointId, accountId: endpointId, auth: { type: 'none' } },
				'test',
			);
			assert.equal(
				(await g.request(`/hooks/${endpointId}`, { method: 'POST', body: '{}' })).status,
				202,
				'warm the registry cache',
			);
			await g.gateway.stores.requestLog.flush();
			const before = await commandStats(client);
			for (let i = 0; i < N; i++)
				assert.equal(
					(await g.request(`/hooks/${endpointId}?i=${i}`, { method: 'POST', body: '{}' })).status,
					202,
				);
			for (let i = 0; i < N; i++)
				assert.equal((await g.request(`/hooks/${endpointId}`, { method: 'GET' })).status, 405);
			const after = await commandStats(client);
			return {
				before,
				after,
				commands: new Map(
					[...after.keys()].filter((c) => c !== 'info').map((c) => [c, delta(before, after, c)]),
				),
			};
		};
		const logging = await startTestGateway(
			{ url: redis.url },
			{ defaultPlan: 'unlimited', requestLogFlushMs: 60_000 },
		);
		const silent = await startTestGateway(
			{ url: redis.url },
			{ defaultPlan: 'unlimited', requestLogMax: 0 },
		);
		try {
			const on = await measure(logging, 'rl-hot-on');
			const off = await measure(silent, 'rl-hot-off');
			// Same commands with and without the log (timers such as the statistics flush may add a few, never one per request).
			for (const cmd of new Set([...on.commands.keys(), ...off.commands.keys()])) {
				const extra = (on.commands.get(cmd) ?? 0) - (off.commands.get(cmd) ?? 0);
				assert.ok(
					Math.abs(extra) < N / 4,
					`${cmd}: ${on.commands.get(cmd) ?? 0} with the log, ${off.commands.get(cmd) ?? 0} without`,
				);
			}
			assert.equal(
				on.commands.get('evalsha'),
				N,
				'one round trip (the accept script) per accepted request',
			);
			assert.equal(on.commands.get('xtrim') ?? 0, 0);
			console.log(
				`commands per request pair with the log: ${[...on.commands]
					.filter(([, n]) => n > 0)
					.map(([c, n]) => `${c}=${n}`)
					.join(' ')}`,
			);
			const beforeFlush = await commandStats(client);
			await logging.gateway.stores.requestLog.flush();
			const flushed = await commandStats(client);
			assert.equal(delta(beforeFlush, flushed, 'xadd'), 2 * N, 'the flush writes every entry');
			assert.equal(delta(beforeFlush, flushed, 'xtrim'), 1, 'one log, trimmed once');
			assert.equal(
				(await logging.gateway.management.listRequests('rl-hot-on', { limit: 1000 })).requests
					.length,
				2 * N + 1,
			);
			assert.equal(
				(await silent.gateway.management.listRequests('rl-hot-off', { limit: 1000 })).requests
					.length,
				0,
				'WEBHOOK_GATEWAY_REQUEST_LOG_MAX=0 switches it off',
			);
		} finally {
			await logging.close();
			await silent.close();
		}
	});
});

describe('request log on a Redis Cluster', () => {
	it('flushes entries of several accounts and of unknown ids (keys in different slots) and reads them back', async () => {
		const cluster = await startRedisCluster();
		const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
		const client = createRedis({
			url: `redis://${nodes[0]}`,
			clusterNodes: nodes,
			offlineQueue: true,
		});
		try {
			const prefix = uniquePrefix();
			const store = new RequestLogStore(client, prefix, {
				maxEntries: 10,
				retentionMs: 60_000,
				flushMs: 60_000,
			});
			for (const account of ['a1', 'a2', 'a3'])
				await client.hset(registryKeys(prefix).endpoints, `e-${account}`, '{}');
			for (const account of ['a1', 'a2', 'a3', undefined]) {
				store.record({
					accountId: account,
					endpointId: `e-${account ?? 'nope'}`,
					timeMs: Date.now(),
					method: 'POST',
					sourceIp: '10.0.0.1',
					status: account ? 202 : 404,
					code: account ? 'accepted' : 'endpoint_not_found',
					bytes: 1,
				});
			}
			await store.flush();
			for (const account of ['a1', 'a2', 'a3'])
				assert.equal(
					(await store.list({ id: `e-${account}`, accountId: account }, { limit: 10 })).requests
						.length,
					1,
					account,
				);
			assert.deepEqual(
				(await store.list('unknown', { limit: 10 })).requests.map((r) => r.endpointId),
				['e-nope'],
			);
		} finally {
			client.disconnect();
			await cluster.stop();
		}
	});
});
