/**
 * Process-wide shared resources of the n8n nodes (README "Inside n8n"): triggers share one
 * embedded gateway (never a second listen) that stops with the last release; action-node runs
 * share one Redis client that lingers briefly after the last release.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deliveryMetrics } from '../../src/delivery/metrics';
import { silentLogger } from '../../src/logger';
import { gatewayConfigOf } from '../../src/runtime/settings';
import {
	acquireClient,
	acquireEmbeddedGateway,
	sharedRefCount,
} from '../../src/runtime/processResources';
import { uniquePrefix } from '../harness/gateway';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

function portOpen(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		s.once('connect', () => {
			s.destroy();
			resolve(true);
		});
		s.once('error', () => resolve(false));
	});
}

/** Lets the test read the embedded gateway's /metrics. */
const METRICS_TOKEN = 'shared-test-metrics-token-0123456789abcdef';

/** The environment an n8n admin sets to serve the endpoints from n8n's process on `port`. */
function servedOn(port: number): NodeJS.ProcessEnv {
	return {
		WEBHOOK_GATEWAY_N8N_SERVE: 'true',
		WEBHOOK_GATEWAY_N8N_HOST: '127.0.0.1',
		WEBHOOK_GATEWAY_N8N_PORT: String(port),
	};
}

describe('shared resources of the n8n nodes', () => {
	let redis: RedisServer;
	before(async () => {
		redis = await startRedis();
	});
	after(async () => {
		await redis?.stop();
	});

	it('the embedded gateway is started once for several triggers and stopped after the last', async () => {
		const port = await freePort();
		const config = gatewayConfigOf(
			{ connectionType: 'url', redisUrl: redis.url, keyPrefix: uniquePrefix() },
			servedOn(port),
		);
		const a = await acquireEmbeddedGateway(config, silentLogger);
		const b = await acquireEmbeddedGateway(config, silentLogger);
		assert.ok(a.value && b.value);
		assert.equal(a.value, b.value, 'one gateway for both');
		assert.equal(sharedRefCount('gateway'), 2);
		assert.ok(await portOpen(port));
		await a.release();
		await a.release(); // idempotent
		assert.ok(await portOpen(port), 'still served while one trigger holds it');
		await b.release();
		assert.equal(sharedRefCount('gateway'), 0);
		assert.equal(await portOpen(port), false, 'stopped after the last release');
	});

	it('the embedded gateway (on a worker thread) serves /metrics with the delivery counters the triggers keep on the main thread', async () => {
		const port = await freePort();
		const config = gatewayConfigOf(
			{ connectionType: 'url', redisUrl: redis.url, keyPrefix: uniquePrefix() },
			{ ...servedOn(port), WEBHOOK_GATEWAY_METRICS_TOKEN: METRICS_TOKEN },
		);
		const lease = await acquireEmbeddedGateway(config, silentLogger);
		try {
			assert.ok(lease.value);
			deliveryMetrics().release('embedded-probe');
			deliveryMetrics().acknowledged('embedded-probe', 'batch', 7);
			const text = await (
				await fetch(`${lease.value.url}/metrics`, {
					headers: { authorization: `Bearer ${METRICS_TOKEN}` },
				})
			).text();
			assert.match(text, /^webhook_gateway_releases_total\{endpoint="embedded-probe"\} 1$/m);
			assert.match(
				text,
				/^webhook_gateway_acknowledged_events_total\{endpoint="embedded-probe",trigger="batch"\} 7$/m,
			);
		} finally {
			await lease.release();
		}
		assert.equal(await portOpen(port), false);
	});

	it('a port taken by someone else leaves triggers working without a local gateway', async () => {
		const blocker = net.createServer().listen(0, '127.0.0.1');
		await new Promise((r) => blocker.once('listening', r));
		const port = (blocker.address() as net.AddressInfo).port;
		try {
			const config = gatewayConfigOf(
				{ connectionType: 'url', redisUrl: redis.url },
				servedOn(port),
			);
			const lease = await acquireEmbeddedGateway(config, silentLogger);
			assert.equal(lease.value, undefined);
			await lease.release();
		} finally {
			blocker.close();
		}
	});

	it('Redis clients are shared per Redis and prefix, and reused right after a release', async () => {
		const config = gatewayConfigOf(
			{ connectionType: 'url', redisUrl: redis.url, keyPrefix: uniquePrefix() },
			{},
		);
		const a = await acquireClient(config);
		const b = await acquireClient(config);
		assert.equal(a.value, b.value);
		await a.release();
		await b.release();
		const c = await acquireClient(config);
		assert.equal(c.value, a.value, 'reused within the linger time instead of a new connection');
		assert.equal(await c.value.stores.ping(), true);
		await c.release();
	});
	it("an endpoint deleted through the shared client with events buffered is logged on the node's logger", async () => {
		const port = await freePort();
		const config = gatewayConfigOf(
			{ connectionType: 'url', redisUrl: redis.url, keyPrefix: uniquePrefix() },
			servedOn(port),
		);
		const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
		const logger = {
			...silentLogger,
			warn: (message: string, fields?: Record<string, unknown>) =>
				warnings.push({ message, fields }),
		};
		const gateway = await acquireEmbeddedGateway(config, silentLogger);
		const client = await acquireClient(config, logger);
		try {
			await client.value.management.setAccountPlan('default', 'unlimited');
			await client.value.management.createEndpoint(
				{ id: 'discarded-from-node', auth: { type: 'none' } },
				'test',
			);
			for (let i = 0; i < 2; i++) {
				const res = await fetch(`http://127.0.0.1:${port}/hooks/discarded-from-node`, {
					method: 'POST',
					body: `event ${i}`,
					headers: { 'content-type': 'text/plain' },
				});
				assert.equal(res.status, 202);
			}
			await client.value.management.deleteEndpoint('discarded-from-node');
			const logged = warnings.find((w) => /discarded/.test(w.message));
			assert.ok(
				logged,
				`a warning says the buffered events were discarded: ${JSON.stringify(warnings)}`,
			);
			assert.equal(logged.fields?.endpoint, 'discarded-from-node');
			assert.equal(logged.fields?.events, 2);
		} finally {
			await client.release();
			await gateway.release();
		}
	});
});
