/**
 * The Alert Trigger's figures and episodes against a real Redis fed by a real gateway over HTTP:
 * dead letters, buffer fill, daily usage, the last accepted event, rejections per minute and the
 * Redis server check are read as the rules need them; an episode is emitted once even when two
 * pollers (a restarted n8n, two mains) poll at the same moment, and once more when it clears.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlertItem } from '../../src/alerts/episodes';
import { readFigures, type FigureSources } from '../../src/alerts/figures';
import { alertSnapshot, pollAlerts } from '../../src/alerts/poll';
import type { AlertRule } from '../../src/alerts/rules';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';
import { redisClientOf } from '../../src/redis';

describe('alert figures and episodes (real Redis)', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let src: FigureSources;
	const post = (id: string, init: RequestInit = {}) =>
		gw.request(`/hooks/${id}`, {
			method: 'POST',
			body: '{"a":1}',
			headers: { 'content-type': 'application/json' },
			...init,
		});
	const summary = (items: AlertItem[]) =>
		items.map((i) => `${i.state} ${i.rule} ${i.endpointId ?? i.accountId ?? 'redis'}`).sort();

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		const m = gw.gateway.management;
		src = {
			stores: gw.gateway.stores,
			management: m,
			defaultCapacity: gw.config.bufferMaxEvents,
			defaultMaxBytes: gw.config.bufferMaxBytes,
			allowEviction: false,
		};
		await m.upsertPlan({ id: 'tiny', name: 'Tiny', rate: null, burst: null, daily: 4 });
		await m.setAccountPlan('acct-al', 'tiny');
		await m.createEndpoint(
			{ id: 'al-buf', accountId: 'acct-al', auth: { type: 'none' }, bufferCapacity: 4 },
			'test',
		);
		await m.createEndpoint(
			{ id: 'al-quiet', accountId: 'acct-al', auth: { type: 'none' } },
			'test',
		);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('reads buffer fill, daily usage and the last accepted event from what the gateway stored', async () => {
		for (let i = 0; i < 3; i++) assert.equal((await post('al-buf')).status, 202);
		const rules: AlertRule[] = [
			{ kind: 'bufferFill', measure: 'events', percent: 50 },
			{ kind: 'bufferFill', measure: 'bytes', percent: 99, endpointId: 'al-buf' },
			{ kind: 'dailyUsage', percent: 50, accountId: 'acct-al' },
			{ kind: 'silence', minutes: 5 },
		];
		const figures = await readFigures(src, rules);
		const buf = figures.endpoints.find((e) => e.endpointId === 'al-buf');
		const quiet = figures.endpoints.find((e) => e.endpointId === 'al-quiet');
		assert.ok(buf && quiet);
		assert.equal(buf.bufferEvents, 3);
		assert.equal(buf.bufferCapacity, 4);
		assert.ok(buf.bufferBytes > 0 && buf.bufferMaxBytes === gw.config.bufferMaxBytes);
		assert.equal(buf.hasAccepted, true);
		assert.ok(
			Math.abs(figures.nowMs - buf.lastAcceptedMs) < 10_000,
			'the newest accepted event is seconds old',
		);
		assert.equal(quiet.hasAccepted, false, 'no event yet: the creation time stands in');
		assert.deepEqual(figures.accounts, [
			{ accountId: 'acct-al', planId: 'tiny', acceptedToday: 3, dailyLimit: 4 },
		]);

		const snapshot = await alertSnapshot(src, rules);
		assert.deepEqual(
			snapshot.map((s) => `${String(s.rule)} ${String(s.endpointId ?? s.accountId)}`).sort(),
			['bufferFill al-buf', 'dailyUsage acct-al'],
		);
	});

	it('fires once per episode, also with two pollers at once, stays quiet while it holds, resolves once', async () => {
		const rules: AlertRule[] = [
			{ kind: 'bufferFill', measure: 'events', percent: 50, endpointId: 'al-buf' },
			{ kind: 'deadLetters', threshold: 0, endpointId: 'al-buf' },
		];
		const trigger = 'wf-1:node-1';
		const [a, b] = await Promise.all([
			pollAlerts(src, rules, trigger),
			pollAlerts(src, rules, trigger),
		]);
		assert.deepEqual(
			summary([...a, ...b]),
			['firing bufferFill al-buf'],
			'one of the two pollers emits the episode',
		);
		const fired = [...a, ...b][0];
		assert.deepEqual(fired.figures, { measure: 'events', used: 3, capacity: 4, percent: 75 });
		assert.deepEqual(fired.threshold, { percent: 50 });
		assert.ok(!Number.isNaN(Date.parse(fired.since)));
		assert.deepEqual(await pollAlerts(src, rules, trigger), [], 'nothing while it holds');
		assert.deepEqual(
			summary(await pollAlerts(src, rules, 'wf-2:node-9')),
			['firing bufferFill al-buf'],
			'another trigger node has its own episodes',
		);

		// A dead letter: one failed delivery with one attempt allowed.
		const ref = { id: 'al-buf', accountId: 'acct-al' };
		const buffer = gw.gateway.stores.buffer;
		await buffer.subscribe(ref, 'wf:x', 'oldest');
		const entries = await buffer.read(ref, 'wf:x', 10);
		assert.equal(entries.length, 3);
		assert.deepEqual((await buffer.nack(ref, 'wf:x', [entries[0].ref], 1, 'boom')).length, 1);
		await buffer.ack(
			ref,
			'wf:x',
			entries.slice(1).map((e) => e.ref),
		);
		// Acknowledged events leave the stream; the dead letter opens its own episode.
		const next = await pollAlerts(src, rules, trigger);
		assert.deepEqual(summary(next), ['firing deadLetters al-buf', 'resolved bufferFill al-buf']);
		const resolved = next.find((i) => i.state === 'resolved');
		assert.equal(resolved?.since, fired.since, 'the resolved item says when the episode began');
		assert.ok(resolved?.resolvedAt);

		const letters = await gw.gateway.management.listDeadLetters('al-buf');
		await gw.gateway.management.deleteDeadLetters(
			'al-buf',
			letters.map((l) => l.id),
		);
		const [c, d] = await Promise.all([
			pollAlerts(src, rules, trigger),
			pollAlerts(src, rules, trigger),
		]);
		assert.deepEqual(summary([...c, ...d]), ['resolved deadLetters al-buf'], 'resolved once');
		assert.deepEqual(await pollAlerts(src, rules, trigger), []);
	});

	it('measures rejected requests per minute between two polls', async () => {
		const rules: AlertRule[] = [{ kind: 'rejections', perMinute: 10, endpointId: 'al-quiet' }];
		const trigger = 'wf-rej:node';
		assert.deepEqual(
			await pollAlerts(src, rules, trigger),
			[],
			'the first poll only takes a reading',
		);
		for (let i = 0; i < 5; i++)
			assert.equal((await post('al-quiet', { method: 'PUT' })).status, 405);
		await gw.gateway.stores.stats.flush();
		const items = await pollAlerts(src, rules, trigger);
		assert.deepEqual(summary(items), ['firing rejections al-quiet']);
		assert.ok(
			(items[0].figures.rejectedPerMinute as number) > 10,
			JSON.stringify(items[0].figures),
		);
	});

	it('fires when the Redis server check fails and resolves when it passes again', async () => {
		const rules: AlertRule[] = [{ kind: 'redisCheck' }];
		const trigger = 'wf-redis:node';
		const client = redisClientOf(gw.gateway.stores);
		assert.deepEqual(await pollAlerts(src, rules, trigger), []);
		await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
		try {
			const items = await pollAlerts(src, rules, trigger);
			assert.deepEqual(summary(items), ['firing redisCheck redis']);
			assert.match(items[0].message, /maxmemory-policy is allkeys-lru/);
		} finally {
			await client.config('SET', 'maxmemory-policy', 'noeviction');
		}
		assert.deepEqual(summary(await pollAlerts(src, rules, trigger)), ['resolved redisCheck redis']);
	});
});
