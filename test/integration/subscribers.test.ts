/**
 * Subscriber lifecycle against a real gateway and redis-server: list with lag and names, remove,
 * rewind (API and CLI), a dropped subscriber returning with a gap (on subscribe and on a read),
 * and deleting an endpoint: refused while subscribed, forced leaves no key of it behind, and the
 * reads and touches of a trigger still running afterwards re-create nothing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../../src/errors';
import type { Stores, SubscriberGap } from '../../src/redis';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';
import { redisClientOf } from '../../src/redis';

const ROOT = path.resolve(__dirname, '../..');

describe('subscribers', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let stores: Stores;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		stores = gw.gateway.stores;
		await gw.gateway.management.setAccountPlan('subs', 'unlimited');
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	async function endpoint(id: string) {
		const created = await gw.admin('POST', '/endpoints', {
			id,
			accountId: 'subs',
			auth: { type: 'none' },
		});
		assert.equal(created.status, 201, JSON.stringify(created.body));
		return { id, accountId: 'subs' };
	}

	async function post(id: string, n: number): Promise<string[]> {
		const ids: string[] = [];
		for (let i = 0; i < n; i++) {
			const res = await gw.request(`/hooks/${id}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ i }),
			});
			assert.equal(res.status, 202);
			ids.push(((await res.json()) as { eventId: string }).eventId);
		}
		return ids;
	}

	function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
		const env: NodeJS.ProcessEnv = {};
		for (const [k, v] of Object.entries(process.env))
			if (!k.startsWith('WEBHOOK_GATEWAY_')) env[k] = v;
		Object.assign(env, {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: stores.prefix,
		});
		return new Promise((resolve) =>
			execFile(
				process.execPath,
				['--import', 'tsx', path.join(ROOT, 'src/cli/run.ts'), ...args],
				{ cwd: ROOT, env, timeout: 30_000 },
				(error, stdout, stderr) =>
					resolve({
						code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
						stdout,
						stderr,
					}),
			),
		);
	}

	it('lists subscribers with lag, pending, times and workflow names; removes one (API)', async () => {
		const ref = await endpoint('subs-list');
		await stores.buffer.subscribe(ref, 'wf1:nodeA', 'new', {
			workflowName: 'Orders',
			nodeName: 'Batch',
		});
		await stores.buffer.subscribe(ref, 'wf2:nodeB', 'new');
		await post(ref.id, 3);
		assert.equal((await stores.buffer.read(ref, 'wf1:nodeA', 1)).length, 1);

		const listed = await gw.admin('GET', `/endpoints/${ref.id}/subscribers`);
		assert.equal(listed.status, 200);
		const [a, b] = listed.body.subscribers;
		assert.deepEqual(
			{
				id: a.id,
				workflowId: a.workflowId,
				nodeId: a.nodeId,
				workflowName: a.workflowName,
				nodeName: a.nodeName,
				waiting: a.waiting,
				pending: a.pending,
			},
			{
				id: 'wf1:nodeA',
				workflowId: 'wf1',
				nodeId: 'nodeA',
				workflowName: 'Orders',
				nodeName: 'Batch',
				waiting: 3,
				pending: 1,
			},
		);
		assert.match(a.lastSeen, /^\d{4}-\d\d-\d\dT/);
		assert.match(a.createdAt, /^\d{4}-\d\d-\d\dT/);
		assert.match(a.lastDeliveredId, /^\d+-\d+$/);
		assert.deepEqual(
			{
				id: b.id,
				waiting: b.waiting,
				pending: b.pending,
				workflowName: b.workflowName,
				lastDeliveredId: b.lastDeliveredId,
			},
			{ id: 'wf2:nodeB', waiting: 3, pending: 0, workflowName: null, lastDeliveredId: null },
		);

		assert.equal(
			(await gw.admin('DELETE', `/endpoints/${ref.id}/subscribers/wf2:nodeB`)).status,
			204,
		);
		assert.equal(
			(await gw.admin('DELETE', `/endpoints/${ref.id}/subscribers/wf2:nodeB`)).status,
			404,
		);
		const after = (await gw.admin('GET', `/endpoints/${ref.id}/subscribers`)).body;
		assert.deepEqual(
			after.subscribers.map((s: { id: string }) => s.id),
			['wf1:nodeA'],
		);
		assert.deepEqual(
			after.dropped.map((d: { id: string; reason: string }) => [d.id, d.reason]),
			[['wf2:nodeB', 'removed']],
		);
	});

	it('rewinds to an event id or a time within what is retained; refuses older or newer points (API)', async () => {
		const ref = await endpoint('subs-rewind');
		await stores.buffer.subscribe(ref, 'wf:r', 'new');
		await stores.buffer.subscribe(ref, 'wf:behind', 'new'); // keeps the events retained
		const sent = await post(ref.id, 3);
		const first = await stores.buffer.read(ref, 'wf:r', 10);
		await stores.buffer.ack(
			ref,
			'wf:r',
			first.map((e) => e.ref),
		);

		const byId = await gw.admin('POST', `/endpoints/${ref.id}/subscribers/wf:r/rewind`, {
			eventId: sent[1],
		});
		assert.equal(byId.status, 200, JSON.stringify(byId.body));
		assert.equal(byId.body.subscriber.waiting, 2);
		assert.deepEqual(
			(await stores.buffer.read(ref, 'wf:r', 10)).map((e) => e.eventId),
			sent.slice(1),
		);

		const byTime = await gw.admin('POST', `/endpoints/${ref.id}/subscribers/wf:r/rewind`, {
			time: new Date(Number(sent[0].split('-')[0])).toISOString(),
		});
		assert.equal(byTime.status, 200, JSON.stringify(byTime.body));
		assert.ok(
			byTime.body.subscriber.waiting >= 3,
			'every event received from that millisecond on waits again',
		);

		const older = await gw.admin('POST', `/endpoints/${ref.id}/subscribers/wf:r/rewind`, {
			time: '2001-01-01T00:00:00Z',
		});
		assert.equal(older.status, 400);
		assert.match(older.body.error.message, /older than the oldest event the endpoint still holds/);
		const newer = await gw.admin('POST', `/endpoints/${ref.id}/subscribers/wf:r/rewind`, {
			eventId: '99999999999999-0',
		});
		assert.equal(newer.status, 400);
		assert.equal(
			(
				await gw.admin('POST', `/endpoints/${ref.id}/subscribers/wf:r/rewind`, {
					eventId: sent[0],
					time: '2026-01-01T00:00:00Z',
				})
			).status,
			400,
		);
		assert.equal(
			(
				await gw.admin('POST', `/endpoints/${ref.id}/subscribers/wf:none/rewind`, {
					eventId: sent[0],
				})
			).status,
			404,
		);
	});

	it('a removed subscriber that returns resumes after its last event and is told the events trimmed meanwhile', async () => {
		const ref = await endpoint('subs-gap');
		await stores.buffer.subscribe(ref, 'wf:away', 'new', { workflowName: 'Away' });
		await stores.buffer.subscribe(ref, 'wf:stays', 'new');
		const [e1] = await post(ref.id, 1);
		const got = await stores.buffer.read(ref, 'wf:away', 10);
		await stores.buffer.ack(
			ref,
			'wf:away',
			got.map((e) => e.ref),
		);
		await stores.subscribers.remove(ref, 'wf:away');

		// While it is away, the other subscriber acknowledges everything: the stream is trimmed.
		await post(ref.id, 3);
		const other = await stores.buffer.read(ref, 'wf:stays', 10);
		assert.equal(
			(
				await stores.buffer.ack(
					ref,
					'wf:stays',
					other.map((e) => e.ref),
				)
			).trimmed,
			4,
		);
		const [kept] = await post(ref.id, 1);

		const told: SubscriberGap[] = [];
		const unlisten = stores.subscribers.onGap(ref, 'wf:away', (gap) => told.push(gap));
		const gap = await stores.buffer.subscribe(ref, 'wf:away', 'new');
		unlisten();
		assert.ok(gap, 'the gap is returned');
		assert.equal(gap.reason, 'removed');
		assert.equal(gap.missedEvents, 3);
		assert.equal(gap.missedFrom, new Date(Number(e1.split('-')[0])).toISOString());
		assert.equal(gap.missedUntil, new Date(Number(kept.split('-')[0])).toISOString());
		assert.match(gap.message, /3 event\(s\)/);
		assert.deepEqual(told, [gap], 'listeners of the subscriber hear it too');
		assert.deepEqual(
			(await stores.buffer.read(ref, 'wf:away', 10)).map((e) => e.eventId),
			[kept],
			'it gets what is left',
		);
		assert.deepEqual(
			(await stores.subscribers.list(ref)).find((s) => s.id === 'wf:away')?.workflowName,
			'Away',
			'its names survive',
		);
		assert.deepEqual(await stores.subscribers.dropped(ref), [], 'the record is used up');
	});

	it('a subscriber dropped by retention rejoins on its next read with nothing lost when nothing was trimmed', async () => {
		const ref = await endpoint('subs-retention');
		await stores.buffer.subscribe(ref, 'wf:slow', 'new');
		const sent = await post(ref.id, 2);
		const [firstRead] = await stores.buffer.read(ref, 'wf:slow', 1);
		// Unacknowledged when dropped: it resumes before that event, so nothing is skipped.
		await new Promise((r) => setTimeout(r, 1100)); // Redis TIME has whole-ms resolution; lastSeen must be older than the retention
		const maintained = await stores.buffer.maintain(ref, 1, 0);
		assert.deepEqual(maintained.droppedSubscribers, ['wf:slow']);
		assert.equal((await stores.subscribers.dropped(ref))[0].reason, 'retention');

		const told: SubscriberGap[] = [];
		const unlisten = stores.subscribers.onGap(ref, 'wf:slow', (gap) => told.push(gap));
		const again = await stores.buffer.read(ref, 'wf:slow', 10);
		unlisten();
		assert.deepEqual(
			again.map((e) => e.eventId),
			[firstRead.eventId, sent[1]],
		);
		assert.deepEqual(told, [], 'no gap: every event is still there');
	});

	it('delete is refused while subscribed (409 naming the workflows); forced, no key of the endpoint remains and late reads re-create none', async () => {
		const ref = await endpoint('subs-delete');
		await stores.buffer.subscribe(ref, 'wfdel:node1', 'new', {
			workflowName: 'Invoices',
			nodeName: 'Raw',
		});
		await post(ref.id, 2);
		const [one] = await stores.buffer.read(ref, 'wfdel:node1', 1);
		await stores.buffer.nack(ref, 'wfdel:node1', [one.ref], 1, 'boom');
		await stores.subscribers.remove(ref, 'wfdel:node1');
		await stores.buffer.subscribe(ref, 'wfdel:node1', 'new');

		const refused = await gw.admin('DELETE', `/endpoints/${ref.id}`);
		assert.equal(refused.status, 409);
		assert.match(refused.body.error.message, /workflow 'Invoices' \(wfdel\), node 'Raw'/);
		assert.equal((await gw.admin('GET', `/endpoints/${ref.id}`)).status, 200, 'still there');

		assert.equal((await gw.admin('DELETE', `/endpoints/${ref.id}?force=true`)).status, 204);
		const leftover = async () =>
			(await redisClientOf(stores).keys(`${stores.prefix}*`)).filter((k) => k.includes(ref.id));
		assert.deepEqual(await leftover(), []);

		// A trigger still running: its read fails with "endpoint not found", its touch says gone; nothing is written.
		await assert.rejects(stores.buffer.read(ref, 'wfdel:node1', 10), NotFoundError);
		await assert.rejects(
			stores.buffer.read(ref, 'wfdel:node1', 10, { blockMs: 50 }),
			NotFoundError,
		);
		assert.equal(await stores.buffer.touch(ref, 'wfdel:node1'), false);
		// Request statistics counted just before the delete and flushed after it are dropped.
		stores.stats.record(ref.accountId, ref.id, 'accepted');
		await stores.stats.flush();
		assert.deepEqual(await leftover(), []);
	});

	it('CLI: subscribers list / rewind / remove; endpoints delete needs --force while subscribed', async () => {
		const ref = await endpoint('subs-cli');
		await stores.buffer.subscribe(ref, 'wfc:n1', 'new', {
			workflowName: 'CLI flow',
			nodeName: 'Trigger',
		});
		await stores.buffer.subscribe(ref, 'wfc:behind', 'new'); // keeps the events retained
		const sent = await post(ref.id, 2);

		const table = await cli(['subscribers', 'list', ref.id]);
		assert.equal(table.code, 0, table.stderr);
		assert.match(table.stdout, /wfc:n1\s+CLI flow \/ Trigger\s+2\s+0/);
		assert.match(table.stdout, /wfc:behind\s+-\s+2\s+0/);
		const json = JSON.parse((await cli(['subscribers', 'list', ref.id, '--json'])).stdout);
		assert.equal(json.subscribers[0].waiting, 2);

		await stores.buffer.ack(
			ref,
			'wfc:n1',
			(await stores.buffer.read(ref, 'wfc:n1', 10)).map((e) => e.ref),
		);
		const rewound = await cli(['subscribers', 'rewind', ref.id, 'wfc:n1', '--event', sent[1]]);
		assert.equal(rewound.code, 0, rewound.stderr);
		assert.match(rewound.stdout, /1 event\(s\) waiting/);
		const tooOld = await cli([
			'subscribers',
			'rewind',
			ref.id,
			'wfc:n1',
			'--time',
			'2001-01-01T00:00:00Z',
		]);
		assert.equal(tooOld.code, 1);
		assert.match(tooOld.stderr, /older than the oldest event/);

		const refused = await cli(['endpoints', 'delete', ref.id, '--yes']);
		assert.equal(refused.code, 1);
		assert.match(refused.stderr, /CLI flow.*--force|force/);
		assert.equal((await cli(['subscribers', 'remove', ref.id, 'wfc:n1'])).code, 0);
		assert.match(
			(await cli(['subscribers', 'list', ref.id])).stdout,
			/DROPPED SUBSCRIBER[\s\S]*wfc:n1\s+CLI flow \/ Trigger\s+\S+\s+removed/,
		);
		await stores.buffer.subscribe(ref, 'wfc:n1', 'new');
		const forced = await cli(['endpoints', 'delete', ref.id, '--yes', '--force']);
		assert.equal(forced.code, 0, forced.stderr);
		// Changes are audited (the refused delete and the failed rewind are not); --force is kept.
		const audited = (await stores.audit.list(10))
			.map((e) => e.action)
			.filter((a) => a.includes(ref.id));
		assert.deepEqual(audited, [
			`cli endpoints delete ${ref.id} --force`,
			`cli subscribers remove ${ref.id} wfc:n1`,
			`cli subscribers rewind ${ref.id} wfc:n1`,
		]);
	});
});
