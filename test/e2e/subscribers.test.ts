/**
 * Subscriber lifecycle inside a real n8n 2.41.1 (package installed from its tarball, private
 * redis-server): a dropped trigger that comes back is told what it missed (n8n log warning and a
 * `gap` field on its next execution's items), and a forced endpoint delete stops an active trigger
 * with an error n8n records (emitError: the workflow's activation error), leaving no key behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../../src/errors';
import { startGatewayN8n, type GatewayN8n } from './fixtures/context';
import { eventually, sendAccepted, triggerItems } from './fixtures/triggers';
import { redisClientOf } from '../../src/redis';

let g: GatewayN8n;
const timed = (name: string, fn: () => Promise<void>) => () => g.timed(name, fn)();

describe('Subscriber lifecycle in a real n8n', { timeout: 900_000 }, () => {
	before(async () => {
		g = await startGatewayN8n();
	});
	after(async () => {
		await g?.close('subscribers e2e');
	});

	it(
		'a dropped trigger that returns warns in the n8n log and reports the gap on its next execution',
		timed('gap', async () => {
			await g.endpoint('gap-ep');
			await g.endpoint('keeper-ep');
			// Keeps the embedded gateway serving (it listens only while a trigger of the credential is active).
			const keeper = await g.workflow('Keeper', { kind: 'raw', endpointId: 'keeper-ep' });
			await g.activate(keeper);
			const raw = await g.workflow('Gap Raw', { kind: 'raw', endpointId: 'gap-ep' });
			const ref = { id: 'gap-ep', accountId: 'default' };
			await g.stores.buffer.subscribe(ref, 'other:reader', 'new'); // a second subscriber that keeps up
			await g.activate(raw);
			const listed = await g.management.listSubscribers('gap-ep');
			assert.deepEqual(
				listed.subscribers.filter((s) => s.id === raw.sub).map((s) => [s.workflowName, s.nodeName]),
				[['Gap Raw', 'Trigger']],
				'the trigger stored its workflow and node names',
			);
			await sendAccepted(g.hooks, 'gap-ep', 1, 1);
			await g.n8n.waitForExecutions(raw.id, 1, 30_000);
			await g.deactivate(raw);

			// Dropped while inactive (what retention does), then three events come and go: the other reader acknowledges them.
			await g.management.removeSubscriber('gap-ep', raw.sub);
			await sendAccepted(g.hooks, 'gap-ep', 2, 3);
			const read = await g.stores.buffer.read(ref, 'other:reader', 10);
			assert.equal(
				(
					await g.stores.buffer.ack(
						ref,
						'other:reader',
						read.map((e) => e.ref),
					)
				).trimmed,
				4,
			);
			const [kept] = await sendAccepted(g.hooks, 'gap-ep', 5, 1);

			await g.activate(raw);
			const runs = await g.n8n.waitForExecutions(raw.id, 2, 30_000);
			const items = triggerItems(runs[runs.length - 1]);
			assert.equal(items.length, 1);
			assert.equal(items[0].id, kept.body.eventId, 'it resumes with what is left');
			assert.equal(items[0].gap?.missedEvents, 3, JSON.stringify(items[0]));
			assert.equal(items[0].gap.reason, 'removed');
			assert.match(items[0].gap.message, /3 event\(s\)/);
			assert.match(g.n8n.logs(), /returned after being dropped and missed events/);
			assert.equal((await g.management.listSubscribers('gap-ep')).dropped.length, 0);
			await g.deactivate(raw);
			await g.deactivate(keeper);
		}),
	);

	it(
		'deleting an endpoint an active trigger uses is refused; forced, n8n records the trigger error and no key remains',
		timed('forced delete', async () => {
			await g.endpoint('del-ep');
			const batch = await g.workflow('Delete Batch', { kind: 'batch', endpointId: 'del-ep' });
			await g.activate(batch);
			await sendAccepted(g.hooks, 'del-ep', 1, 2);

			await assert.rejects(
				g.management.deleteEndpoint('del-ep'),
				(error: Error) =>
					error instanceof ConflictError && /workflow 'Delete Batch'/.test(error.message),
			);
			await g.management.deleteEndpoint('del-ep', { force: true });

			const activationError = async () =>
				JSON.stringify(await g.n8n.rest('GET', `/active-workflows/error/${batch.id}`));
			assert.ok(
				await eventually(async () => /was deleted/.test(await activationError()), 30_000),
				`n8n records the error: ${await activationError()}`,
			);
			assert.match(
				await activationError(),
				/The endpoint 'del-ep' was deleted, so this trigger stopped/,
			);
			assert.match(
				g.n8n.logs(),
				/The trigger node "Trigger" failed at runtime and was deactivated\s+The endpoint 'del-ep' was deleted, so this trigger stopped/,
			);

			// n8n 2.41 tries to activate the trigger again (5 tries over about 15 s); each fails on the missing endpoint and writes nothing.
			assert.ok(
				await eventually(
					async () =>
						/Failed to reactivate trigger node "Trigger" of workflow "Delete Batch"/.test(
							g.n8n.logs(),
						),
					90_000,
				),
				'n8n gave up reactivating',
			);
			assert.match(await activationError(), /was deleted/, 'the error stays on the workflow');
			const leftover = (await redisClientOf(g.stores).keys(`${g.prefix}*`)).filter((k) =>
				k.includes('del-ep'),
			);
			assert.deepEqual(leftover, []);
			await g.n8n.deactivate(batch.id).catch(() => undefined);
		}),
	);
});
