/**
 * The Webhook Gateway Alert Trigger inside a real n8n (2.41.1, or E2E_N8N_VERSION) with the package
 * installed from its npm tarball: a dead-letter rule fires once (one execution, one "firing" item),
 * does not fire again while the dead letter stays, and fires "resolved" once it is deleted. n8n polls
 * on its own schedule (activation, then every minute), so this case takes about two minutes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { alertKeys } from '../../src/redis/keys';
import { N8N_VERSION } from '../harness/n8n';
import { startGatewayN8n, type GatewayN8n } from './fixtures/context';
import { eventually, PACKAGE, triggerItems, TRIGGER_NODE } from './fixtures/triggers';
import { redisClientOf } from '../../src/redis';

let g: GatewayN8n;

/** Stores one event straight into the endpoint's buffer, as the gateway's accept does. */
async function storeEvent(endpointId: string): Promise<void> {
	const result = await g.stores.accept.accept({
		endpointId,
		accountId: 'default',
		dedupeValue: undefined,
		dedupeWindowMs: 86_400_000,
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
		body: Buffer.from('{"poison":true}'),
	});
	assert.equal(result.kind, 'accepted');
}

describe(`Webhook Gateway Alert Trigger in a real n8n ${N8N_VERSION}`, { timeout: 900_000 }, () => {
	before(async () => {
		g = await startGatewayN8n();
	});
	after(async () => {
		await g?.close('alert trigger e2e');
	});

	it('a dead-letter rule fires once, stays quiet while it holds and fires "resolved" when it clears', async () => {
		await g.timed('alert trigger', async () => {
			const endpointId = 'alert-dead';
			await g.endpoint(endpointId);
			const ref = { id: endpointId, accountId: 'default' };
			// A dead letter: one stored event whose only allowed delivery failed.
			await storeEvent(endpointId);
			await g.stores.buffer.subscribe(ref, 'wf:failing', 'oldest');
			const entries = await g.stores.buffer.read(ref, 'wf:failing', 10);
			assert.equal(
				(
					await g.stores.buffer.nack(
						ref,
						'wf:failing',
						entries.map((e) => e.ref),
						1,
						'planned failure',
					)
				).length,
				1,
			);

			const nodeId = randomUUID();
			const { id } = await g.n8n.createWorkflow({
				name: 'alerts',
				nodes: [
					{
						id: nodeId,
						name: TRIGGER_NODE,
						type: `${PACKAGE}.webhookAlertTrigger`,
						typeVersion: 1,
						position: [0, 0],
						parameters: {
							pollTimes: { item: [{ mode: 'everyMinute' }] },
							rules: {
								rule: [
									{ rule: 'deadLetters', endpointId, threshold: 0 },
									// Never holds; its reading in Redis shows when a poll ran.
									{ rule: 'rejections', endpointId, perMinute: 1_000_000 },
								],
							},
						},
						credentials: { webhookGatewayApi: g.credential },
					},
					{
						id: randomUUID(),
						name: 'Done',
						type: 'n8n-nodes-base.noOp',
						typeVersion: 1,
						position: [240, 0],
						parameters: {},
					},
				],
				connections: { [TRIGGER_NODE]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			});
			const samples = alertKeys(g.prefix, `${id}:${nodeId}`).samples;
			const pollAt = async () =>
				Number(
					JSON.parse((await redisClientOf(g.stores).hget(samples, endpointId)) ?? '{"atMs":0}')
						.atMs,
				);

			await g.n8n.activate(id);
			// The activation poll fires the episode.
			const [firing] = await g.n8n.waitForExecutions(id, 1, 60_000);
			const firstItems = triggerItems(firing);
			assert.equal(firstItems.length, 1);
			assert.equal(firstItems[0].rule, 'deadLetters');
			assert.equal(firstItems[0].state, 'firing');
			assert.equal(firstItems[0].endpointId, endpointId);
			assert.deepEqual(firstItems[0].figures, { deadLetters: 1 });
			assert.deepEqual(firstItems[0].threshold, { deadLetters: 0 });
			const firstPoll = await pollAt();
			assert.ok(firstPoll > 0, 'the activation poll took a reading');

			// The next poll (at the next minute) sees the dead letter still there and emits nothing.
			assert.ok(
				await eventually(async () => (await pollAt()) > firstPoll, 90_000, 500),
				'n8n polled again',
			);
			const secondPoll = await pollAt();

			// Cleared: the dead letter is deleted; the poll after that resolves the episode.
			const letters = await g.management.listDeadLetters(endpointId);
			await g.management.deleteDeadLetters(
				endpointId,
				letters.map((l) => l.id),
			);
			const executions = await g.n8n.waitForExecutions(id, 2, 90_000);
			const ordered = [...executions].sort(
				(a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt),
			);
			assert.equal(
				ordered.length,
				2,
				'one execution for the episode, one for its end: none while it held',
			);
			const resolved = triggerItems(ordered[1]);
			assert.equal(resolved.length, 1);
			assert.equal(
				resolved[0].state,
				'resolved',
				'the second execution is the end of the episode, not the same alert again',
			);
			assert.ok(
				(await pollAt()) > secondPoll,
				'it came from a poll after the one that saw the alert still holding',
			);
			assert.equal(resolved[0].rule, 'deadLetters');
			assert.equal(resolved[0].since, firstItems[0].since);
			assert.deepEqual(resolved[0].figures, { deadLetters: 0 });
			for (const e of ordered) assert.equal(e.status, 'success');
			g.note(`  alerts: fired at ${firstItems[0].since}, resolved at ${resolved[0].resolvedAt}`);
		})();
	});
});
