/**
 * Poison batches end (docs/reliability.md), for both delivery loops against a real Redis with a
 * fake RunWorkflow (the seam the n8n nodes implement with emit + donePromise):
 * - Batch release: a failed batch is bisected (optional) so one bad event does not dead-letter the
 *   innocent ones, with a bounded number of executions; Max Bytes per execution splits a backlog;
 *   a run n8n never settles times out as a failed attempt instead of stalling the trigger.
 * - Raw consumer: retry with back-off, dead letter after Max Attempts, and runs that never
 *   reported back count as attempts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { settledWithin } from '../../nodes/shared/emit';
import { releaseBatches } from '../../src/delivery/batchRelease';
import { deliveryMetrics } from '../../src/delivery/metrics';
import { RawConsumer } from '../../src/delivery/rawConsumer';
import type { RunOutcome } from '../../src/delivery/types';
import { silentLogger } from '../../src/logger';
import type { EndpointRef } from '../../src/redis';
import type { WebhookEvent } from '../../src/types';
import type { TestGateway } from '../harness/gateway';
import { endpointWithEvents, gatewayOnRedis } from '../helpers/buffered';

const ACCOUNT = 'acct-delivery';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const bodyOf = (e: WebhookEvent) => String(e.body);

async function waitFor(
	what: string,
	check: () => Promise<boolean> | boolean,
	timeoutMs = 20_000,
): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(50);
	}
}

describe('poison batches end: bisect, byte cap, run timeout, raw trigger retries (standalone Redis)', () => {
	let gw: TestGateway;
	let stop: (() => Promise<void>) | undefined;
	let n = 0;
	const buffer = () => gw.gateway.stores.buffer;

	before(async () => ({ gw, stop } = await gatewayOnRedis(ACCOUNT)));
	after(() => stop?.());

	const endpointWith = (bodies: string[], sub: string): Promise<EndpointRef> =>
		endpointWithEvents(gw, `delivery-${++n}`, ACCOUNT, bodies, sub);

	const release = (
		ref: EndpointRef,
		sub: string,
		run: (events: WebhookEvent[]) => Promise<RunOutcome>,
		extra: { maxAttempts?: number; bisect?: boolean; maxBytes?: number } = {},
	) =>
		releaseBatches(
			{
				buffer: buffer(),
				endpoint: ref,
				subscriberId: sub,
				maxEvents: 100,
				maxAttempts: extra.maxAttempts ?? 3,
				emitWhenEmpty: false,
				logger: silentLogger,
				bisect: extra.bisect,
				maxBytes: extra.maxBytes,
			},
			run,
		);

	it('bisect: one bad event in a batch of 8 — the 7 others are acknowledged, only it fails, in at most 1 + 2·log2(8) executions', async () => {
		const bodies = ['e0', 'e1', 'e2', 'e3', 'e4', 'bad', 'e6', 'e7'];
		const ref = await endpointWith(bodies, 'wf:bisect');
		const runs: string[][] = [];
		const run = async (events: WebhookEvent[]): Promise<RunOutcome> => {
			runs.push(events.map(bodyOf));
			return events.some((e) => bodyOf(e) === 'bad')
				? { ok: false, error: 'bad event' }
				: { ok: true };
		};
		const summary = await release(ref, 'wf:bisect', run, { maxAttempts: 1, bisect: true });
		assert.ok(summary.executions <= 7, `executions ${summary.executions}`);
		assert.equal(summary.events, 7, 'the innocent events are acknowledged');
		assert.equal(summary.deadLettered, 1);
		const letters = await buffer().deadLetters(ref);
		assert.deepEqual(
			letters.map((l) => l.entry.body.toString()),
			['bad'],
			'only the bad event is a dead letter',
		);
		assert.equal(await buffer().waiting(ref, 'wf:bisect'), 0);
	});

	it('bisect stops when both halves fail (the workflow is broken, not one event): 3 executions, one attempt counted for all', async () => {
		const ref = await endpointWith(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], 'wf:broken');
		let runs = 0;
		const summary = await release(
			ref,
			'wf:broken',
			async () => (runs++, { ok: false, error: 'down' }),
			{ maxAttempts: 3, bisect: true },
		);
		assert.equal(runs, 3);
		assert.equal(summary.deadLettered, 0);
		const pending = await buffer().readBatch(ref, 'wf:broken', 100, { maxAttempts: 3 });
		assert.equal(pending.entries.length, 8, 'all 8 stay pending for the next tick');
		const attempts = await buffer().attempts(
			ref,
			'wf:broken',
			pending.entries.map((e) => e.ref),
		);
		assert.deepEqual(attempts, Array(8).fill(1), 'exactly one failed attempt each');
	});

	it('without bisect a failed batch is retried whole (the default is unchanged)', async () => {
		const ref = await endpointWith(['x', 'bad'], 'wf:nobisect');
		let runs = 0;
		const summary = await release(
			ref,
			'wf:nobisect',
			async (events) => (
				runs++,
				events.some((e) => bodyOf(e) === 'bad') ? { ok: false, error: 'bad' } : { ok: true }
			),
			{ maxAttempts: 1 },
		);
		assert.equal(runs, 1);
		assert.equal(summary.deadLettered, 2);
	});

	it('Max Bytes per execution splits a backlog into several executions of the same release', async () => {
		const big = 'z'.repeat(1000);
		const ref = await endpointWith([big, big, big, big, big], 'wf:bytes');
		const sizes: number[] = [];
		const summary = await release(
			ref,
			'wf:bytes',
			async (events) => (sizes.push(events.length), { ok: true }),
			{ maxBytes: 2500 },
		);
		assert.deepEqual(sizes, [2, 2, 1]);
		assert.equal(summary.events, 5);
	});

	it('a run n8n never settles times out (Unfinished Run Timeout) and counts as a failed attempt; the trigger goes on', async () => {
		const ref = await endpointWith(['stuck'], 'wf:stuck');
		const before = (
			await deliveryMetrics().registry.getSingleMetricAsString(
				'webhook_gateway_execution_timeouts_total',
			)
		).includes(ref.id);
		assert.equal(before, false);
		const started = Date.now();
		const summary = await release(ref, 'wf:stuck', () =>
			settledWithin(new Promise(() => undefined), 300),
		);
		assert.ok(Date.now() - started < 10_000, 'the release did not wait forever');
		assert.equal(summary.failedExecutions, 1);
		const [attempts] = await buffer().attempts(
			ref,
			'wf:stuck',
			(await buffer().peek(ref, 1)).map((e) => e.ref),
		);
		assert.equal(attempts, 1, 'the timed-out run is a failed attempt (nack)');
		assert.match(
			await deliveryMetrics().registry.getSingleMetricAsString(
				'webhook_gateway_execution_timeouts_total',
			),
			new RegExp(`endpoint="${ref.id}",trigger="batch"} 1`),
		);
		const next = await release(ref, 'wf:stuck', async () => ({ ok: true }));
		assert.equal(next.events, 1, 'released again on the next tick');
	});

	it('raw trigger: a failing event is retried after a growing back-off, then acknowledged; a poison event is a dead letter after Max Attempts; others flow', async () => {
		const ref = await endpointWith([], 'wf:raw');
		const calls = new Map<string, number[]>();
		let flakyFailures = 0;
		const run = async (events: WebhookEvent[]): Promise<RunOutcome> => {
			const body = bodyOf(events[0]);
			calls.set(body, [...(calls.get(body) ?? []), Date.now()]);
			if (body === 'poison') return { ok: false, error: 'always fails' };
			if (body === 'flaky' && flakyFailures < 2)
				return (flakyFailures++, { ok: false, error: 'fails twice' });
			return { ok: true };
		};
		const reader = gw.gateway.stores.blockingBuffer();
		const consumer = new RawConsumer(
			{
				buffer: reader.buffer,
				endpoint: ref,
				subscriberId: 'wf:raw',
				concurrency: 2,
				maxAttempts: 3,
				retryDelayMs: 300,
				blockMs: 200,
				logger: silentLogger,
			},
			run,
		);
		consumer.start();
		try {
			for (const body of ['flaky', 'poison', 'good'])
				assert.equal(
					(
						await gw.request(`/hooks/${ref.id}`, {
							method: 'POST',
							body,
							headers: { 'content-type': 'text/plain' },
						})
					).status,
					202,
				);
			await waitFor(
				'the poison event to be dead-lettered',
				async () => (await buffer().deadLetterCount(ref)) === 1,
			);
			await waitFor(
				'everything else to be acknowledged',
				async () => (await buffer().waiting(ref, 'wf:raw')) === 0,
			);
		} finally {
			await consumer.stop();
			await consumer.whenIdle();
			reader.close();
		}
		assert.equal(calls.get('good')?.length, 1);
		const flaky = calls.get('flaky')!;
		assert.equal(flaky.length, 3, 'two failures, then success');
		assert.ok(
			flaky[1] - flaky[0] >= 300 && flaky[2] - flaky[1] >= 600,
			`back-off grows with the attempt: ${flaky[1] - flaky[0]} ms, ${flaky[2] - flaky[1]} ms`,
		);
		assert.equal(calls.get('poison')?.length, 3, 'Max Attempts runs, no more');
		const [letter] = await buffer().deadLetters(ref);
		assert.deepEqual(
			[letter.entry.body.toString(), letter.attempts, letter.error],
			['poison', 3, 'always fails'],
		);
	});

	it('raw trigger: runs that never reported back count — after 2 lost runs, one failing run dead-letters the event (Max Attempts 3)', async () => {
		const ref = await endpointWith(['lost'], 'wf:rawlost');
		// Two processes that read the event and died before settling it (regular mode).
		assert.equal((await buffer().read(ref, 'wf:rawlost', 10, { maxAttempts: 3 })).length, 1);
		assert.equal((await buffer().read(ref, 'wf:rawlost', 10, { maxAttempts: 3 })).length, 1);
		let runs = 0;
		const reader = gw.gateway.stores.blockingBuffer();
		const consumer = new RawConsumer(
			{
				buffer: reader.buffer,
				endpoint: ref,
				subscriberId: 'wf:rawlost',
				concurrency: 1,
				maxAttempts: 3,
				retryDelayMs: 100,
				blockMs: 200,
				logger: silentLogger,
			},
			async () => (runs++, { ok: false, error: 'fails' }),
		);
		consumer.start();
		try {
			await waitFor('the dead letter', async () => (await buffer().deadLetterCount(ref)) === 1);
		} finally {
			await consumer.stop();
			await consumer.whenIdle();
			reader.close();
		}
		assert.equal(runs, 1, 'the third delivery was the last');
		const [letter] = await buffer().deadLetters(ref);
		assert.equal(letter.attempts, 3);
	});
});
