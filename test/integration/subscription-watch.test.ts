/**
 * What a trigger does with its subscription, on a real redis-server with a minimal trigger
 * context: a gap found on return is warned, counted in webhook_gateway_subscriber_gaps_total and
 * put on each item of the next execution only; a deleted endpoint stops the trigger's work and
 * reports a NodeOperationError through emitError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ITriggerFunctions } from 'n8n-workflow';
import { emittingRunner } from '../../nodes/shared/emit';
import { watchSubscription } from '../../nodes/shared/subscription';
import type { OpenedTrigger } from '../../nodes/shared/trigger';
import { deliveryMetrics } from '../../src/delivery/metrics';
import type { Logger } from '../../src/logger';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores, redisClientOf } from '../../src/redis';
import type { WebhookEvent } from '../../src/types';
import { uniquePrefix } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

function fakeTrigger() {
	const emitted: unknown[][][] = [];
	const errors: Error[] = [];
	const ctx = {
		getNode: () => ({
			id: 'node-1',
			name: 'Trigger',
			type: 'x',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getWorkflow: () => ({ id: 'wf-1', name: 'Watched', active: true }),
		emit: (data: unknown[][], _response: unknown, done: { resolve(run: unknown): void }) => {
			emitted.push(data);
			done.resolve({ status: 'success', data: { resultData: {} } });
		},
		emitError: (error: Error) => errors.push(error),
		helpers: {
			createDeferredPromise: () => {
				let resolve!: (value: unknown) => void;
				const promise = new Promise((r) => (resolve = r));
				return { promise, resolve, reject: () => undefined };
			},
		},
	};
	return { ctx: ctx as unknown as ITriggerFunctions, emitted, errors };
}

function recordingLogger(into: string[]): Logger {
	const log = (level: string) => (message: string) => void into.push(`${level} ${message}`);
	return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

const event = (id: string) => ({ id, body: {} }) as unknown as WebhookEvent;

async function gapsCounted(endpoint: string): Promise<number> {
	const metric = await deliveryMetrics()
		.registry.getSingleMetric('webhook_gateway_subscriber_gaps_total')
		?.get();
	return metric?.values.find((v) => v.labels.endpoint === endpoint)?.value ?? 0;
}

describe('a trigger watching its subscription', () => {
	let redis: RedisServer;
	let stores: Stores;
	let m: ManagementService;

	before(async () => {
		redis = await startRedis();
		stores = createStores({ url: redis.url, offlineQueue: true }, uniquePrefix());
		m = new ManagementService(stores, {
			publicUrl: 'http://gw',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 1000,
		});
	});
	after(async () => {
		await stores?.close();
		await redis?.stop();
	});

	async function opened(id: string, logs: string[]): Promise<OpenedTrigger> {
		const { endpoint } = await m.createEndpoint({ id, accountId: 'w' }, 't');
		const ref = { id, accountId: 'w' };
		return {
			session: { client: { stores } },
			endpoint,
			ref,
			logger: recordingLogger(logs),
		} as unknown as OpenedTrigger;
	}

	it('a gap is warned, counted, and on each item of the next execution only', async () => {
		const logs: string[] = [];
		const o = await opened('watch-gap', logs);
		const { ctx, emitted } = fakeTrigger();
		const sub = 'wf-1:node-1';
		await stores.buffer.subscribe(o.ref, sub, 'new');
		await stores.buffer.subscribe(o.ref, 'other:keeps-up', 'new');
		await redisClientOf(stores).xadd(`${stores.prefix}{a:w}:stream:watch-gap`, '*', 'm', 'POST');
		await stores.buffer.ack(
			o.ref,
			sub,
			(await stores.buffer.read(o.ref, sub, 10)).map((e) => e.ref),
		);
		await m.removeSubscriber('watch-gap', sub);
		await redisClientOf(stores).xadd(`${stores.prefix}{a:w}:stream:watch-gap`, '*', 'm', 'POST');
		await stores.buffer.ack(
			o.ref,
			'other:keeps-up',
			(await stores.buffer.read(o.ref, 'other:keeps-up', 10)).map((e) => e.ref),
		);

		const before = await gapsCounted('watch-gap');
		const watch = watchSubscription(ctx, o, sub, 'raw', () => undefined);
		try {
			await stores.buffer.subscribe(o.ref, sub, 'new');
			assert.equal(await gapsCounted('watch-gap'), before + 1);
			assert.ok(
				logs.some((l) =>
					l.startsWith('warn Webhook trigger returned after being dropped and missed events'),
				),
				logs.join('\n'),
			);
			const run = emittingRunner(ctx, { output: 'perEvent', includeRawBody: false }, 60_000, () =>
				watch.takeGap(),
			);
			assert.deepEqual(await run([event('1-0'), event('2-0')]), { ok: true });
			assert.deepEqual(await run([event('3-0')]), { ok: true });
			const [first, second] = emitted.map((data) => data[0] as { json: Record<string, unknown> }[]);
			assert.deepEqual(
				first.map((item) => (item.json.gap as { missedEvents: number }).missedEvents),
				[1, 1],
			);
			assert.equal(second[0].json.gap, undefined, 'only the next execution carries it');
		} finally {
			watch.stop();
		}
	});

	it('a deleted endpoint stops the work and emits an error n8n shows', async () => {
		const o = await opened('watch-gone', []);
		const { ctx, errors } = fakeTrigger();
		let stopped = 0;
		const watch = watchSubscription(ctx, o, 'wf-1:node-1', 'batch', () => void stopped++);
		try {
			await stores.buffer.subscribe(o.ref, 'wf-1:node-1', 'new');
			await m.deleteEndpoint('watch-gone', { force: true });
			const deadline = Date.now() + 15_000;
			while (errors.length === 0 && Date.now() < deadline)
				await new Promise((r) => setTimeout(r, 100));
			assert.equal(stopped, 1);
			assert.equal(errors.length, 1);
			assert.equal(errors[0].name, 'NodeOperationError');
			assert.match(
				errors[0].message,
				/The endpoint 'watch-gone' was deleted, so this trigger stopped/,
			);
		} finally {
			watch.stop();
		}
	});
});
