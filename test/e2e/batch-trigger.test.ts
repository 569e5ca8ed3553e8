/**
 * The Webhook Batch Trigger inside a real n8n (2.41.1, or E2E_N8N_VERSION: test/e2e/n8n-1.x runs
 * this file in 1.x): package installed from its npm tarball, a private redis-server, real HTTP
 * webhooks to the gateway the credential embeds in n8n. The triggers release every 10 s (6-field
 * cron); one n8n serves all cases, each with its own endpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway } from '../harness/gateway';
import { N8N_VERSION } from '../harness/n8n';
import { startGatewayN8n, type Created, type GatewayN8n } from './fixtures/context';
import {
	assertSameEvent,
	awayFromTick,
	eventually,
	portOpen,
	sendAccepted,
	sleep,
	TICK_MS,
	triggerItems,
	triggerWorkflow,
} from './fixtures/triggers';

let g: GatewayN8n;
/** Records the case's duration in the summary (the context exists once before() ran). */
const timed = (name: string, fn: () => Promise<void>) => () => g.timed(name, fn)();

describe(`Webhook Batch Trigger in a real n8n ${N8N_VERSION}`, { timeout: 900_000 }, () => {
	before(async () => {
		g = await startGatewayN8n();
	});
	after(async () => {
		await g?.close('batch trigger e2e');
	});

	const batch: {
		w1?: Created;
		w2?: Created;
		sent?: Awaited<ReturnType<typeof sendAccepted>>;
		firstIds?: string[];
	} = {};

	it(
		'Batch Trigger: 25 webhooks become ONE execution with 25 items in arrival order',
		timed('batch 25 in one', async () => {
			await g.endpoint('orders');
			batch.w1 = await g.workflow('batch one', { kind: 'batch', endpointId: 'orders' });
			batch.w2 = await g.workflow('batch two', { kind: 'batch', endpointId: 'orders' });
			await g.activate(batch.w1);
			await g.activate(batch.w2);
			assert.ok(
				await eventually(() => portOpen(g.servePort), 10_000),
				'the embedded gateway listens',
			);
			await awayFromTick();
			batch.sent = await sendAccepted(g.hooks, 'orders', 0, 25);
			const executions = await g.settledExecutions(batch.w1.id, 1);
			assert.equal(executions.length, 1, 'exactly one execution');
			assert.equal(executions[0].status, 'success');
			const items = triggerItems(executions[0]);
			assert.equal(items.length, 25);
			items.forEach((item, i) => assertSameEvent(item, batch.sent![i], 'orders'));
			batch.firstIds = items.map((i) => i.id);
		}),
	);

	it(
		'Batch Trigger: a second workflow on the same endpoint also gets all 25 (fan-out)',
		timed('fan-out', async () => {
			const executions = await g.n8n.waitForExecutions(batch.w2!.id, 1, 30_000);
			assert.equal(executions.length, 1);
			const items = triggerItems(executions[0]);
			assert.deepEqual(
				items.map((i) => i.id),
				batch.firstIds,
			);
			items.forEach((item, i) => assertSameEvent(item, batch.sent![i], 'orders'));
		}),
	);

	it(
		'Batch Trigger: a failing workflow gets the same events each tick, dead letters after 3 failures, and the replay is delivered after the fix',
		timed('failures, dead letters, replay', async () => {
			await g.endpoint('payments');
			const failing = await g.workflow('batch failing', {
				kind: 'batch',
				endpointId: 'payments',
				fail: true,
			});
			const { id, wf } = failing;
			await g.activate(failing);
			await awayFromTick();
			const sent = await sendAccepted(g.hooks, 'payments', 100, 3);
			const failed = await g.settledExecutions(id, 3);
			assert.equal(failed.length, 3, 'three attempts, then no more');
			for (const execution of failed) {
				assert.equal(execution.status, 'error');
				assert.deepEqual(
					triggerItems(execution).map((i) => i.id),
					sent.map((s) => s.body.eventId),
					'each attempt carries the same events',
				);
			}
			const letters = await g.management.listDeadLetters('payments');
			assert.equal(letters.length, 3);
			for (const letter of letters) {
				assert.equal(letter.subscriberId, `${id}:${wf.triggerNodeId}`);
				assert.equal(letter.attempts, 3);
				assert.match(letter.error, /planned failure/);
			}
			assert.deepEqual(
				letters.map((l) => l.event.id),
				sent.map((s) => s.body.eventId),
			);

			// Fix the workflow (same trigger node, so the same subscriber), then replay.
			await g.deactivate(failing);
			const fixed = triggerWorkflow('batch fixed', {
				kind: 'batch',
				credential: g.credential,
				endpointId: 'payments',
				triggerNodeId: wf.triggerNodeId,
			});
			await g.n8n.api('PUT', `/workflows/${id}`, {
				name: fixed.name,
				nodes: fixed.nodes,
				connections: fixed.connections,
				settings: fixed.settings,
			});
			await g.activate(failing);
			const replay = await g.management.replayDeadLetters('payments');
			assert.equal(replay.replayed.length, 3);
			const all = await g.n8n.waitForExecutions(id, 4, 40_000);
			const success = all.filter((e) => e.status === 'success');
			assert.equal(success.length, 1);
			const items = triggerItems(success[0]);
			assert.equal(items.length, 3);
			items.forEach((item, i) => assertSameEvent(item, sent[i], 'payments'));
			assert.equal((await g.management.listDeadLetters('payments')).length, 0);
		}),
	);

	it(
		'Batch Trigger: events sent while the workflow is inactive are delivered after reactivation',
		timed('inactive then reactivated', async () => {
			await g.deactivate(batch.w1!);
			// batch.w2 stays active, so the embedded gateway keeps serving.
			const sent = await sendAccepted(g.hooks, 'orders', 200, 5);
			await sleep(TICK_MS + 1000);
			assert.equal((await g.n8n.executions(batch.w1!.id)).length, 1, 'nothing runs while inactive');
			await g.activate(batch.w1!);
			const executions = await g.n8n.waitForExecutions(batch.w1!.id, 2, 40_000);
			const items = triggerItems(executions[1]);
			assert.equal(items.length, 5);
			items.forEach((item, i) => assertSameEvent(item, sent[i], 'orders'));
		}),
	);

	it(
		'Batch Trigger: events buffered while n8n is down (by a standalone gateway) are delivered after n8n restarts',
		timed('n8n down, standalone gateway, restart', async () => {
			const before1 = (await g.n8n.executions(batch.w1!.id)).length;
			const before2 = (await g.n8n.executions(batch.w2!.id)).length;
			const listening = [
				g.logCount('listening on', batch.w1!.sub),
				g.logCount('listening on', batch.w2!.sub),
			];
			await g.n8n.stop();
			assert.ok(
				await eventually(async () => !(await portOpen(g.servePort)), 5000),
				'the embedded gateway went down with n8n',
			);
			const gateway = await startTestGateway({ url: g.redis.url }, { keyPrefix: g.prefix });
			let sent: Awaited<ReturnType<typeof sendAccepted>>;
			try {
				sent = await sendAccepted(gateway.url, 'orders', 300, 4);
			} finally {
				await gateway.close();
			}
			await g.n8n.start();
			await g.waitForLog('listening on', batch.w1!.sub, listening[0] + 1);
			await g.waitForLog('listening on', batch.w2!.sub, listening[1] + 1);
			for (const [wid, before] of [
				[batch.w1!.id, before1],
				[batch.w2!.id, before2],
			] as const) {
				const executions = await g.n8n.waitForExecutions(wid, before + 1, 40_000);
				const items = triggerItems(executions[before]);
				assert.equal(items.length, 4);
				items.forEach((item, i) => assertSameEvent(item, sent[i], 'orders'));
			}
			assert.ok(await portOpen(g.servePort), 'the embedded gateway is back');
		}),
	);

	it(
		'Batch Trigger options: release when N events wait, several executions for a big backlog, one item with all events, raw body as binary',
		timed('batch options', async () => {
			await g.endpoint('bulk');
			// Never on the schedule (1 January): only because 25 events are waiting; at most 10 per execution.
			const eager = await g.workflow('bulk eager', {
				kind: 'batch',
				endpointId: 'bulk',
				parameters: {
					cronExpression: '0 0 1 1 *',
					options: { releaseWhenWaiting: 25, maxEventsPerExecution: 10 },
				},
			});
			const combined = await g.workflow('bulk combined', {
				kind: 'batch',
				endpointId: 'bulk',
				parameters: { output: 'allInOne', options: { includeRawBody: true } },
			});
			await g.activate(eager);
			await g.activate(combined);
			await awayFromTick(7000);
			const t0 = Date.now();
			const sent = await sendAccepted(g.hooks, 'bulk', 900, 25);

			const eagerRuns = await g.n8n.waitForExecutions(eager.id, 3, 20_000);
			assert.ok(Date.now() - t0 < 15_000, 'released without waiting for the schedule');
			assert.deepEqual(
				eagerRuns.map((e) => triggerItems(e).length),
				[10, 10, 5],
				'a backlog larger than the batch size goes out as several executions',
			);
			assert.deepEqual(
				eagerRuns.flatMap((e) => triggerItems(e).map((i) => i.id)),
				sent.map((s) => s.body.eventId),
			);

			const [one] = await g.n8n.waitForExecutions(combined.id, 1, 30_000);
			const items = triggerItems(one);
			assert.equal(items.length, 1, 'one item');
			assert.equal(items[0].count, 25);
			items[0].events.forEach((event: any, i: number) => assertSameEvent(event, sent[i], 'bulk'));
			const binary = one.data.resultData.runData.Trigger[0].data.main[0][0].binary;
			assert.deepEqual(Object.keys(binary).length, 25);
			assert.equal(binary.data_0.mimeType, 'application/json');
			assert.equal(binary.data_0.fileName, `webhook-${sent[0].body.eventId}.json`);
			await g.deactivate(eager);
			await g.deactivate(combined);
		}),
	);
});
