/**
 * Filters before any execution (docs/filters.md), against a real Redis and real HTTP ingest, with a
 * fake RunWorkflow (the seam the n8n nodes implement): a release of 1000 events of which 10 match
 * is one execution of 10; the others are acknowledged for that subscriber only, counted (metric,
 * subscriber list in the admin API and CLI table) and nothing stays pending. A release where
 * nothing matches starts no execution; a batch gathered over several reads keeps the byte cap;
 * the raw consumer starts executions only for matching events; test mode ("Execute step") shows
 * only a matching event and says why an arrival did not match.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ITriggerFunctions } from 'n8n-workflow';
import type { GatewaySession } from '../../nodes/shared/gatewaySession';
import { manualListener } from '../../nodes/shared/manual';
import { subscriberTable } from '../../src/cli/subscribers';
import { releaseBatches } from '../../src/delivery/batchRelease';
import { compileFilter, type EventFilter } from '../../src/delivery/filter';
import { filterSpecOf } from '../../src/delivery/filterPresets';
import { deliveryMetrics } from '../../src/delivery/metrics';
import { RawConsumer } from '../../src/delivery/rawConsumer';
import type { RunOutcome } from '../../src/delivery/types';
import { silentLogger } from '../../src/logger';
import type { EndpointRef } from '../../src/redis';
import type { WebhookEvent } from '../../src/types';
import type { TestGateway } from '../harness/gateway';
import { gatewayOnRedis } from '../helpers/buffered';
import { redisClientOf } from '../../src/redis';

const ACCOUNT = 'acct-filters';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(
	what: string,
	check: () => Promise<boolean> | boolean,
	timeoutMs = 30_000,
): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(50);
	}
}

const stripe = (types: string): EventFilter =>
	compileFilter(filterSpecOf({ stripeEventTypes: types }, 'all', []));

async function filteredMetric(endpoint: string, trigger: string): Promise<number> {
	const metric = await deliveryMetrics()
		.registry.getSingleMetric('webhook_gateway_filtered_events_total')
		?.get();
	return (
		metric?.values.find((v) => v.labels.endpoint === endpoint && v.labels.trigger === trigger)
			?.value ?? 0
	);
}

describe('filters before any execution (standalone Redis)', () => {
	let gw: TestGateway;
	let stop: (() => Promise<void>) | undefined;
	const buffer = () => gw.gateway.stores.buffer;

	before(async () => ({ gw, stop } = await gatewayOnRedis(ACCOUNT)));
	after(() => stop?.());

	/** Creates the endpoint, subscribes `subs` from new events, then posts `count` JSON events (10 at a time); `typeOf(i)` is event i's type. */
	async function endpointWith(
		id: string,
		subs: string[],
		count: number,
		typeOf: (i: number) => string,
		pad = 0,
	): Promise<EndpointRef> {
		await gw.gateway.management.createEndpoint(
			{ id, accountId: ACCOUNT, auth: { type: 'none' } },
			'test',
		);
		const ref = { id, accountId: ACCOUNT };
		for (const sub of subs) await buffer().subscribe(ref, sub, 'new');
		for (let start = 0; start < count; start += 10) {
			const batch = Array.from({ length: Math.min(10, count - start) }, (_, k) => start + k);
			const statuses = await Promise.all(
				batch.map(
					async (i) =>
						(
							await gw.request(`/hooks/${id}`, {
								method: 'POST',
								body: JSON.stringify({ n: i, type: typeOf(i), pad: 'x'.repeat(pad) }),
								headers: { 'content-type': 'application/json' },
							})
						).status,
				),
			);
			assert.deepEqual(
				statuses,
				batch.map(() => 202),
			);
		}
		return ref;
	}

	const numbers = (events: WebhookEvent[]) => events.map((e) => (e.body as { n: number }).n);

	it('1000 waiting, 10 match: one execution of those 10 in order; 990 acknowledged and counted for this subscriber only; nothing pending', async () => {
		const ref = await endpointWith(
			'filter-thousand',
			['wf:filtered', 'wf:everything'],
			1000,
			(i) => (i % 100 === 7 ? 'invoice.paid' : 'charge.succeeded'),
		);
		const runs: number[][] = [];
		const run = async (events: WebhookEvent[]): Promise<RunOutcome> => (
			runs.push(numbers(events)),
			{ ok: true }
		);
		const summary = await releaseBatches(
			{
				buffer: buffer(),
				endpoint: ref,
				subscriberId: 'wf:filtered',
				maxEvents: 100,
				maxAttempts: 3,
				emitWhenEmpty: false,
				logger: silentLogger,
				filter: stripe('invoice.paid'),
			},
			run,
		);

		assert.equal(
			runs.length,
			1,
			'one execution, although the events span ten reads of Max Events Per Execution (100)',
		);
		assert.deepEqual(runs[0], [7, 107, 207, 307, 407, 507, 607, 707, 807, 907]);
		assert.deepEqual(
			{ executions: summary.executions, events: summary.events, filtered: summary.filtered },
			{ executions: 1, events: 10, filtered: 990 },
		);
		assert.equal(await buffer().waiting(ref, 'wf:filtered'), 0, 'nothing left waiting or pending');
		assert.equal(await filteredMetric(ref.id, 'batch'), 990);

		const listed = await gw.admin('GET', `/endpoints/${ref.id}/subscribers`);
		assert.equal(listed.status, 200);
		const byId = new Map(listed.body.subscribers.map((s: { id: string }) => [s.id, s]));
		assert.deepEqual(byId.get('wf:filtered'), {
			...(byId.get('wf:filtered') as object),
			waiting: 0,
			pending: 0,
			filtered: 990,
		});
		assert.deepEqual(
			byId.get('wf:everything'),
			{ ...(byId.get('wf:everything') as object), waiting: 1000, filtered: 0 },
			'another subscriber still has every event',
		);
		const table = subscriberTable(await gw.gateway.management.listSubscribers(ref.id));
		assert.match(table, /FILTERED/);
		assert.match(table, /wf:filtered\s+\S*\s*0\s+0\s+990\s/);
	});

	it('a release where nothing matches starts no execution at all, and a later matching event is the next batch on its own', async () => {
		const ref = await endpointWith('filter-none', ['wf:none'], 250, () => 'charge.succeeded');
		let runs = 0;
		const options = {
			buffer: buffer(),
			endpoint: ref,
			subscriberId: 'wf:none',
			maxEvents: 100,
			maxAttempts: 3,
			emitWhenEmpty: false,
			logger: silentLogger,
			filter: stripe('invoice.*'),
		};
		const summary = await releaseBatches(options, async () => (runs++, { ok: true }));
		assert.equal(runs, 0);
		assert.deepEqual(
			{ executions: summary.executions, filtered: summary.filtered, leased: summary.leased },
			{ executions: 0, filtered: 250, leased: true },
		);
		assert.equal(await buffer().waiting(ref, 'wf:none'), 0);

		assert.equal(
			(
				await gw.request(`/hooks/${ref.id}`, {
					method: 'POST',
					body: JSON.stringify({ n: 999, type: 'invoice.created' }),
					headers: { 'content-type': 'application/json' },
				})
			).status,
			202,
		);
		const got: number[][] = [];
		await releaseBatches(options, async (events) => (got.push(numbers(events)), { ok: true }));
		assert.deepEqual(got, [[999]]);
	});

	it('a batch gathered over several reads keeps Max Bytes: matching events go out in order, each once, in batches under the cap', async () => {
		// 60 events of ~1 KiB, every second one matches; 8 KiB per execution, 10 events per read.
		const ref = await endpointWith(
			'filter-bytes',
			['wf:bytes'],
			60,
			(i) => (i % 2 === 0 ? 'invoice.paid' : 'charge.succeeded'),
			1000,
		);
		const runs: number[][] = [];
		const summary = await releaseBatches(
			{
				buffer: buffer(),
				endpoint: ref,
				subscriberId: 'wf:bytes',
				maxEvents: 10,
				maxBytes: 8 * 1024,
				maxAttempts: 3,
				emitWhenEmpty: false,
				logger: silentLogger,
				filter: stripe('invoice.paid'),
			},
			async (events) => (runs.push(numbers(events)), { ok: true }),
		);
		assert.deepEqual(
			runs.flat(),
			Array.from({ length: 30 }, (_, i) => i * 2),
			'every matching event once, in order',
		);
		for (const r of runs)
			assert.ok(
				r.length >= 1 && r.length <= 7,
				`a batch of ${r.length} events of ~1.1 KiB stays under 8 KiB`,
			);
		assert.ok(runs.length < 30, `batches span reads (${runs.length} executions for 30 events)`);
		assert.equal(summary.filtered, 30);
		assert.equal(await buffer().waiting(ref, 'wf:bytes'), 0);
	});

	it('raw consumer: only matching events start executions; the others are acknowledged and counted as they arrive', async () => {
		await gw.gateway.management.createEndpoint(
			{ id: 'filter-raw', accountId: ACCOUNT, auth: { type: 'none' } },
			'test',
		);
		const ref = { id: 'filter-raw', accountId: ACCOUNT };
		await buffer().subscribe(ref, 'wf:raw', 'new');
		const seen: number[] = [];
		const reader = gw.gateway.stores.blockingBuffer();
		const consumer = new RawConsumer(
			{
				buffer: reader.buffer,
				endpoint: ref,
				subscriberId: 'wf:raw',
				concurrency: 3,
				maxAttempts: 3,
				blockMs: 200,
				logger: silentLogger,
				filter: stripe('invoice.paid'),
			},
			async (events) => (seen.push(...numbers(events)), { ok: true }),
		);
		consumer.start();
		try {
			for (let i = 0; i < 20; i++) {
				const body = JSON.stringify({
					n: i,
					type: i % 4 === 0 ? 'invoice.paid' : 'charge.succeeded',
				});
				assert.equal(
					(
						await gw.request(`/hooks/${ref.id}`, {
							method: 'POST',
							body,
							headers: { 'content-type': 'application/json' },
						})
					).status,
					202,
				);
			}
			await waitFor(
				'every event to be acknowledged',
				async () => (await buffer().waiting(ref, 'wf:raw')) === 0 && seen.length === 5,
			);
		} finally {
			await consumer.stop();
			await consumer.whenIdle();
			reader.close();
		}
		assert.deepEqual(
			[...seen].sort((a, b) => a - b),
			[0, 4, 8, 12, 16],
		);
		const [sub] = (await gw.gateway.management.listSubscribers(ref.id)).subscribers;
		assert.deepEqual(
			{ filtered: sub.filtered, pending: sub.pending, waiting: sub.waiting },
			{ filtered: 15, pending: 0, waiting: 0 },
		);
		assert.equal(await filteredMetric(ref.id, 'raw'), 15);
	});

	it('removing a subscriber forgets its filtered count; deleting the endpoint removes the counter key', async () => {
		const ref = await endpointWith('filter-forget', ['wf:forget'], 5, () => 'charge.succeeded');
		await releaseBatches(
			{
				buffer: buffer(),
				endpoint: ref,
				subscriberId: 'wf:forget',
				maxEvents: 10,
				maxAttempts: 3,
				emitWhenEmpty: false,
				logger: silentLogger,
				filter: stripe('invoice.paid'),
			},
			async () => ({ ok: true }),
		);
		assert.equal((await gw.gateway.management.listSubscribers(ref.id)).subscribers[0].filtered, 5);
		await gw.gateway.management.removeSubscriber(ref.id, 'wf:forget');
		await buffer().subscribe(ref, 'wf:forget', 'new');
		assert.equal((await gw.gateway.management.listSubscribers(ref.id)).subscribers[0].filtered, 0);
		await releaseBatches(
			{
				buffer: buffer(),
				endpoint: ref,
				subscriberId: 'wf:forget',
				maxEvents: 10,
				maxAttempts: 3,
				emitWhenEmpty: false,
				logger: silentLogger,
				filter: stripe('invoice.paid'),
			},
			async () => ({ ok: true }),
		);
		await gw.gateway.management.deleteEndpoint(ref.id, { force: true });
		const { stores } = gw.gateway;
		assert.deepEqual(
			(await redisClientOf(stores).keys(`${stores.prefix}*`)).filter((k) => k.includes(ref.id)),
			[],
			'no key of the endpoint is left, the filtered counter included',
		);
	});

	it('test mode: the newest buffered event the filter matches; else waits, and an arrival that does not match is reported with the failing condition', async () => {
		const ref = await endpointWith('filter-manual', [], 6, (i) =>
			i === 2 ? 'invoice.paid' : 'charge.succeeded',
		);
		const emitted: unknown[] = [];
		const errors: Error[] = [];
		const ctx = {
			emit: (data: unknown) => emitted.push(data),
			emitError: (error: Error) => errors.push(error),
			getNode: () => ({
				id: 'n1',
				name: 'Trigger',
				type: 'webhookBatchTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			}),
			helpers: {},
		} as unknown as ITriggerFunctions;
		const session = { client: { stores: gw.gateway.stores } } as unknown as GatewaySession;
		const listen = (filter: EventFilter) =>
			manualListener(
				ctx,
				session,
				{ ...ref, url: 'http://test' },
				{ output: 'perEvent', includeRawBody: false },
				silentLogger,
				filter,
			);
		const emittedNumbers = () =>
			emitted.map((d) => (d as { json: { body: { n: number } } }[][])[0][0].json.body.n);

		const first = listen(stripe('invoice.paid'));
		await first.manualTriggerFunction();
		first.stop();
		assert.deepEqual(emittedNumbers(), [2], 'the newest matching event, not the newest event');

		const second = listen(stripe('invoice.created'));
		try {
			await second.manualTriggerFunction();
			assert.equal(emitted.length, 1, 'nothing buffered matches: it waits');
			assert.equal(
				(
					await gw.request(`/hooks/${ref.id}`, {
						method: 'POST',
						body: JSON.stringify({ n: 50, type: 'charge.refunded' }),
						headers: { 'content-type': 'application/json' },
					})
				).status,
				202,
			);
			await waitFor('the mismatch to be reported', () => errors.length === 1);
			assert.match(
				errors[0].message,
				/does not match this trigger’s filter: body type matches invoice\.created does not hold/,
			);
			assert.equal(emitted.length, 1, 'the mismatching event is not emitted');
		} finally {
			second.stop();
		}
		assert.equal((await buffer().storedBytes(ref)) > 0, true, 'test mode consumed nothing');
	});
});
