/**
 * Filters before any execution (docs/filters.md) inside a real n8n (2.41.1) with the package
 * installed from its npm tarball, a private redis-server and real HTTP webhooks: a Batch Trigger
 * filtered on GitHub push to main gets only those events, in one execution; a Raw Trigger with a
 * header condition starts no execution for events it does not match. Both count what they left
 * out in the subscriber list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { N8N_VERSION } from '../harness/n8n';
import { startGatewayN8n, type GatewayN8n } from './fixtures/context';
import { awayFromTick, eventually, sleep, TICK_MS, triggerItems } from './fixtures/triggers';

let g: GatewayN8n;
const timed = (name: string, fn: () => Promise<void>) => () => g.timed(name, fn)();

/** POSTs a GitHub-shaped webhook; @returns the event id of its 202. */
async function sendGithub(
	endpointId: string,
	event: string,
	ref: string | undefined,
	seq: number,
): Promise<string> {
	const res = await fetch(`${g.hooks}/hooks/${endpointId}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-github-event': event },
		body: JSON.stringify({
			seq,
			...(ref === undefined ? { action: 'opened' } : { ref }),
			repository: { full_name: 'acme/gw' },
		}),
		signal: AbortSignal.timeout(10_000),
	});
	const body = (await res.json()) as { eventId: string };
	assert.equal(res.status, 202);
	return body.eventId;
}

async function subscriberOf(endpointId: string, sub: string) {
	const found = (await g.management.listSubscribers(endpointId)).subscribers.find(
		(s) => s.id === sub,
	);
	assert.ok(found, `subscriber ${sub}`);
	return found;
}

describe(`Filters before any execution in a real n8n ${N8N_VERSION}`, { timeout: 900_000 }, () => {
	before(async () => {
		g = await startGatewayN8n();
	});
	after(async () => {
		await g?.close('filters e2e');
	});

	it(
		'Batch Trigger filtered on GitHub push to main: one execution with only those events; the others acknowledged and counted',
		timed('batch filter', async () => {
			await g.endpoint('gh-batch');
			const wf = await g.workflow('filtered batch', {
				kind: 'batch',
				endpointId: 'gh-batch',
				parameters: { filters: { githubEvents: 'push', githubBranches: 'main' } },
			});
			await g.activate(wf);
			await awayFromTick();
			const wanted: string[] = [];
			const kinds: [string, string | undefined][] = [
				['push', 'refs/heads/main'],
				['push', 'refs/heads/dev'],
				['issues', undefined],
				['pull_request', 'refs/heads/main'],
			];
			for (let seq = 0; seq < 12; seq++) {
				const [event, ref] = kinds[seq % kinds.length];
				const id = await sendGithub('gh-batch', event, ref, seq);
				if (event === 'push' && ref === 'refs/heads/main') wanted.push(id);
			}
			const executions = await g.settledExecutions(wf.id, 1);
			assert.equal(executions.length, 1, 'one execution for the release');
			assert.equal(executions[0].status, 'success');
			const items = triggerItems(executions[0]);
			assert.deepEqual(
				items.map((i) => i.id),
				wanted,
				'only the pushes to main, oldest first',
			);
			for (const item of items) assert.equal(item.headers['x-github-event'], 'push');
			const sub = await subscriberOf('gh-batch', wf.sub);
			assert.deepEqual(
				{ filtered: sub.filtered, waiting: sub.waiting, pending: sub.pending },
				{ filtered: 9, waiting: 0, pending: 0 },
			);
			g.note(`  batch filter: 12 sent, 1 execution of ${items.length}, ${sub.filtered} filtered`);
		}),
	);

	it(
		'Raw Trigger with a header condition: no execution for events it does not match, one per event it matches',
		timed('raw filter', async () => {
			await g.endpoint('gh-raw');
			const wf = await g.workflow('filtered raw', {
				kind: 'raw',
				endpointId: 'gh-raw',
				parameters: {
					filters: {
						conditions: {
							condition: [
								{
									field: 'header',
									headerName: 'X-GitHub-Event',
									headerOperation: 'equals',
									value: 'release',
								},
							],
						},
					},
				},
			});
			await g.activate(wf);
			for (let seq = 0; seq < 4; seq++)
				await sendGithub(
					'gh-raw',
					seq % 2 === 0 ? 'push' : 'issues',
					seq % 2 === 0 ? 'refs/heads/main' : undefined,
					seq,
				);
			assert.ok(
				await eventually(async () => (await subscriberOf('gh-raw', wf.sub)).filtered === 4, 30_000),
				'the four non-matching events are acknowledged as filtered',
			);
			// Give n8n the time a (wrong) execution would have taken to show up.
			await sleep(TICK_MS / 2);
			assert.equal(
				(await g.n8n.executions(wf.id)).length,
				0,
				'no execution for events the filter does not match',
			);

			const released = await sendGithub('gh-raw', 'release', undefined, 10);
			const executions = await g.settledExecutions(wf.id, 1);
			assert.equal(executions.length, 1);
			assert.deepEqual(
				triggerItems(executions[0]).map((i) => i.id),
				[released],
			);
			const sub = await subscriberOf('gh-raw', wf.sub);
			assert.deepEqual(
				{ filtered: sub.filtered, waiting: sub.waiting },
				{ filtered: 4, waiting: 0 },
			);
		}),
	);
});
