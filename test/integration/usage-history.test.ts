/**
 * Usage history (docs/usage-history.md), against a real Redis and real HTTP: daily accepted,
 * rejected and duplicate requests per account and per endpoint, counted without another round
 * trip on the ingest path (accepted by acceptEvent, the rest by the statistics flush), read back
 * through the admin API and the CLI (CSV), kept 36 days and then pruned, in keys that expire.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { endpointKeys } from '../../src/redis/keys';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';
import { redisClientOf } from '../../src/redis';

const ACCOUNT = 'hist-acct';
const TOKEN = 'history-token-123456';

interface Day {
	date: string;
	accepted: number;
	rejected: number;
	duplicate: number;
}

describe('usage history per account and endpoint', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let today: number;
	const mgmt = () => gw.gateway.management;
	const post = (ep: string, headers: Record<string, string> = {}) =>
		gw.request(`/hooks/${ep}`, {
			method: 'POST',
			body: '{"a":1}',
			headers: { 'content-type': 'application/json', ...headers },
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await mgmt().upsertPlan({ id: 'hist-daily3', rate: null, burst: null, daily: 3 });
		await mgmt().setAccountPlan(ACCOUNT, 'hist-daily3');
		await mgmt().createEndpoint(
			{
				id: 'hist-open',
				accountId: ACCOUNT,
				auth: { type: 'none' },
				dedupe: { source: { type: 'header', name: 'x-id' } },
			},
			'test',
		);
		await mgmt().createEndpoint(
			{
				id: 'hist-signed',
				accountId: ACCOUNT,
				auth: { type: 'header', headerName: 'x-token', prefix: '' },
				secret: TOKEN,
			},
			'test',
		);
		const [sec] = await redisClientOf(gw.gateway.stores).time();
		today = Math.floor(Number(sec) / 86_400);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it("counts today's accepted, rejected and duplicate requests of the account and of each endpoint", async () => {
		const statuses = [];
		for (const id of ['1', '1', '2', '3', '4'])
			statuses.push((await post('hist-open', { 'x-id': id })).status);
		statuses.push((await post('hist-signed', { 'x-token': 'wrong-token' })).status);
		assert.deepEqual(statuses, [202, 200, 202, 202, 429, 403]);
		await gw.gateway.stores.stats.flush();

		const res = await gw.admin('GET', `/accounts/${ACCOUNT}/usage/history?days=35`);
		assert.equal(res.status, 200);
		const days = res.body.days as Day[];
		assert.equal(days.length, 35);
		assert.equal(
			days[34].date,
			new Date(today * 86_400_000).toISOString().slice(0, 10),
			'today last',
		);
		assert.deepEqual(days[34], { date: days[34].date, accepted: 3, rejected: 2, duplicate: 1 });
		assert.ok(
			days.slice(0, 34).every((d) => d.accepted + d.rejected + d.duplicate === 0),
			'earlier days are zero-filled',
		);
		const byEndpoint = Object.fromEntries(
			(res.body.endpoints as { endpointId: string; days: Day[] }[]).map((e) => [
				e.endpointId,
				e.days.at(-1),
			]),
		);
		assert.deepEqual(byEndpoint['hist-open'], {
			date: days[34].date,
			accepted: 3,
			rejected: 1,
			duplicate: 1,
		});
		assert.deepEqual(byEndpoint['hist-signed'], {
			date: days[34].date,
			accepted: 0,
			rejected: 1,
			duplicate: 0,
		});

		const one = await gw.admin('GET', '/endpoints/hist-open/usage/history?days=3');
		assert.equal(one.status, 200);
		assert.deepEqual(
			(one.body.days as Day[]).map((d) => d.accepted),
			[0, 0, 3],
		);
	});

	it('keeps 36 days (today and the 35 before), prunes older ones, and its keys expire', async () => {
		const r = redisClientOf(gw.gateway.stores);
		const k = endpointKeys(gw.config.keyPrefix, ACCOUNT, '-');
		await r.hset(
			k.usage,
			`d:${today - 35}`,
			7,
			`e:${today - 35}:hist-open`,
			7,
			`d:${today - 36}`,
			9,
		);
		await r.hset(
			k.history,
			`a:${today - 35}:rejected`,
			4,
			`e:${today - 35}:hist-open:rejected`,
			4,
			`a:${today - 40}:rejected`,
			1,
		);
		const res = await gw.admin('GET', `/accounts/${ACCOUNT}/usage/history?days=36`);
		assert.deepEqual(res.body.days[0], {
			date: new Date((today - 35) * 86_400_000).toISOString().slice(0, 10),
			accepted: 7,
			rejected: 4,
			duplicate: 0,
		});
		assert.equal((await gw.admin('GET', `/accounts/${ACCOUNT}/usage/history?days=37`)).status, 400);

		await gw.gateway.stores.usage.prune(ACCOUNT);
		const usage = Object.keys(await r.hgetall(k.usage));
		const history = Object.keys(await r.hgetall(k.history));
		assert.ok(
			usage.includes(`d:${today - 35}`) && !usage.includes(`d:${today - 36}`),
			usage.join(','),
		);
		assert.ok(
			history.includes(`a:${today - 35}:rejected`) && !history.includes(`a:${today - 40}:rejected`),
			history.join(','),
		);
		for (const key of [k.usage, k.history]) {
			const ttl = await r.pttl(key);
			assert.ok(
				ttl > 35 * 86_400_000 && ttl <= 37 * 86_400_000,
				`${key} expires after the retention (${ttl} ms)`,
			);
		}
	});

	it('`usage history --format csv` prints one line per day and scope', async () => {
		const env: NodeJS.ProcessEnv = {};
		for (const [k, v] of Object.entries(process.env))
			if (!k.startsWith('WEBHOOK_GATEWAY_')) env[k] = v;
		Object.assign(env, {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: gw.config.keyPrefix,
		});
		const entry = path.resolve(__dirname, '../../src/cli/run.ts');
		const out = await new Promise<string>((resolve, reject) => {
			const args = [
				'--import',
				'tsx',
				entry,
				'usage',
				'history',
				'--account',
				ACCOUNT,
				'--days',
				'2',
				'--format',
				'csv',
			];
			execFile(process.execPath, args, { env, timeout: 30_000 }, (error, stdout, stderr) =>
				error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
			);
		});
		const lines = out.trim().split('\n');
		const date = new Date(today * 86_400_000).toISOString().slice(0, 10);
		assert.equal(lines[0], 'date,scope,accepted,rejected,duplicate');
		assert.equal(lines.length, 1 + 2 * 3, 'two days of the account and of its two endpoints');
		assert.ok(lines.includes(`${date},(account),3,2,1`), out);
		assert.ok(lines.includes(`${date},hist-open,3,1,1`), out);
		assert.ok(lines.includes(`${date},hist-signed,0,1,0`), out);
	});
});
