/**
 * Observability (issue "Observability"): /metrics parsed by a Prometheus text-format parser; every
 * family has HELP and TYPE; requests, latency, buffer depth and age, dead letters, per-subscriber
 * waiting events, and the delivery counters (releases, executions, acknowledgements, retries, dead
 * letters) of the process that runs the triggers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { releaseBatches } from '../../src/delivery/batchRelease';
import { RawConsumer } from '../../src/delivery/rawConsumer';
import { silentLogger } from '../../src/logger';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

interface Family {
	name: string;
	help: string;
	type: string;
	metrics: {
		labels?: Record<string, string>;
		value?: string;
		buckets?: Record<string, string>;
		count?: string;
	}[];
}

function value(
	families: Family[],
	name: string,
	labels: Record<string, string>,
): number | undefined {
	const family = families.find((f) => f.name === name);
	const metric = family?.metrics.find((m) =>
		Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
	);
	return metric?.value === undefined ? undefined : Number(metric.value);
}

describe('/metrics for Prometheus', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const ref = { id: 'ep-obs', accountId: 'acct-obs' };
	const post = () =>
		gw.request(`/hooks/${ref.id}`, {
			method: 'POST',
			body: '{"x":1}',
			headers: { 'content-type': 'application/json' },
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan(ref.accountId, 'unlimited');
		await gw.gateway.management.createEndpoint(
			{ auth: { type: 'none' }, id: ref.id, accountId: ref.accountId },
			'test',
		);
		await gw.gateway.stores.buffer.subscribe(ref, 'wf-batch:node', 'new');
		await gw.gateway.stores.buffer.subscribe(ref, 'wf-raw:node', 'new');
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('exports requests, buffer, subscribers and delivery counters, all parseable', async () => {
		const buffer = gw.gateway.stores.buffer;
		for (let i = 0; i < 3; i++) assert.equal((await post()).status, 202);
		const ok = await releaseBatches(
			{
				buffer,
				endpoint: ref,
				subscriberId: 'wf-batch:node',
				maxEvents: 2,
				maxAttempts: 3,
				emitWhenEmpty: false,
				logger: silentLogger,
			},
			async () => ({ ok: true }),
		);
		assert.deepEqual([ok.executions, ok.events], [2, 3]);
		for (let i = 0; i < 2; i++) assert.equal((await post()).status, 202);
		const failing = {
			buffer,
			endpoint: ref,
			subscriberId: 'wf-batch:node',
			maxEvents: 10,
			maxAttempts: 2,
			emitWhenEmpty: false,
			logger: silentLogger,
		};
		await releaseBatches(failing, async () => ({ ok: false, error: 'boom' }));
		await releaseBatches(failing, async () => ({ ok: false, error: 'boom' }));

		// The raw subscriber gets all five, one execution each.
		const blocking = gw.gateway.stores.blockingBuffer();
		let runs = 0;
		const consumer = new RawConsumer(
			{
				buffer: blocking.buffer,
				endpoint: ref,
				subscriberId: 'wf-raw:node',
				concurrency: 2,
				maxAttempts: 3,
				blockMs: 200,
				logger: silentLogger,
			},
			async () => {
				runs++;
				return { ok: true };
			},
		);
		consumer.start();
		const deadline = Date.now() + 10_000;
		while (runs < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		await consumer.stop();
		await consumer.whenIdle();
		blocking.close();
		assert.equal(runs, 5);

		const res = await gw.request('/metrics', {
			headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
		});
		const families = parsePrometheusTextFormat(await res.text()) as Family[];
		for (const f of families) {
			assert.ok(f.help && f.help.length > 0, `${f.name} has HELP`);
			assert.ok(
				['COUNTER', 'GAUGE', 'HISTOGRAM', 'SUMMARY', 'UNTYPED'].includes(f.type),
				`${f.name} has a TYPE`,
			);
		}
		const e = { endpoint: ref.id };
		assert.equal(
			value(families, 'webhook_gateway_requests_total', { ...e, outcome: 'accepted' }),
			5,
		);
		const histogram = families.find((f) => f.name === 'webhook_gateway_request_duration_seconds');
		assert.equal(histogram?.type, 'HISTOGRAM');
		// Only accepted requests were made, so the one series' +Inf bucket counts them all (this parser
		// keeps histogram buckets but not their labels).
		assert.deepEqual(
			histogram?.metrics.map((m) => Number(m.buckets?.['+Inf'])),
			[5],
		);
		assert.equal(value(families, 'webhook_gateway_releases_total', e), 3);
		assert.equal(
			value(families, 'webhook_gateway_executions_total', {
				...e,
				trigger: 'batch',
				outcome: 'success',
			}),
			2,
		);
		assert.equal(
			value(families, 'webhook_gateway_executions_total', {
				...e,
				trigger: 'batch',
				outcome: 'failed',
			}),
			2,
		);
		assert.equal(
			value(families, 'webhook_gateway_executions_total', {
				...e,
				trigger: 'raw',
				outcome: 'success',
			}),
			5,
		);
		assert.equal(
			value(families, 'webhook_gateway_acknowledged_events_total', { ...e, trigger: 'batch' }),
			3,
		);
		assert.equal(
			value(families, 'webhook_gateway_acknowledged_events_total', { ...e, trigger: 'raw' }),
			5,
		);
		assert.equal(
			value(families, 'webhook_gateway_retried_events_total', { ...e, trigger: 'batch' }),
			2,
		);
		assert.equal(
			value(families, 'webhook_gateway_dead_lettered_events_total', { ...e, trigger: 'batch' }),
			2,
		);
		assert.equal(value(families, 'webhook_gateway_dead_letters', e), 2);
		assert.equal(
			value(families, 'webhook_gateway_subscriber_waiting_events', {
				...e,
				subscriber: 'wf-batch:node',
			}),
			0,
		);
		assert.equal(
			value(families, 'webhook_gateway_subscriber_waiting_events', {
				...e,
				subscriber: 'wf-raw:node',
			}),
			0,
		);
		// Both subscribers acknowledged (or dead-lettered) everything: the buffer is trimmed empty.
		assert.equal(value(families, 'webhook_gateway_buffer_events', e), 0);
		assert.equal(value(families, 'webhook_gateway_buffer_oldest_age_seconds', e), 0);
		// prom-client's process metrics under the standard names stock dashboards query.
		const names = families.map((f) => f.name);
		for (const name of [
			'process_cpu_seconds_total',
			'process_resident_memory_bytes',
			'nodejs_heap_size_used_bytes',
			'nodejs_eventloop_lag_seconds',
		]) {
			assert.ok(names.includes(name), `${name} is exported`);
		}
		assert.deepEqual(
			names.filter((n) => n.startsWith('webhook_gateway_process_')),
			[],
		);
	});
});
