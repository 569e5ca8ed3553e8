/**
 * Endpoints on n8n's own webhook URL (docs/n8n-url.md): one active workflow with the Webhook
 * Gateway Ingress node makes n8n's HTTP server answer `/webhook/<webhook id>/hooks/<endpoint id>`
 * with the gateway's contract (202, 403, 429, 413), while Batch and Raw Triggers in other
 * workflows receive the events from Redis. Real n8n (2.41.1, or E2E_N8N_VERSION), the package
 * installed from its npm tarball, a private redis-server, real HTTP.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { N8N_VERSION } from '../harness/n8n';
import { startGatewayN8n, type GatewayN8n } from './fixtures/context';
import {
	assertSameEvent,
	eventually,
	PACKAGE,
	sendWebhook,
	triggerItems,
	type Sent,
} from './fixtures/triggers';

/** The ingress node's webhook id: the stable first segment of every endpoint URL. */
const WEBHOOK_ID = 'gateway';

let g: GatewayN8n;
let ingressId: string;
/** `<n8n>/webhook/gateway`: endpoint URLs are `<base>/hooks/<id>`. */
let base: string;
const timed = (name: string, fn: () => Promise<void>) => () => g.timed(name, fn)();

function ingressWorkflow(credential: { id: string; name: string }) {
	return {
		name: 'Webhook gateway ingress',
		nodes: [
			{
				id: randomUUID(),
				name: 'Ingress',
				type: `${PACKAGE}.webhookGatewayIngress`,
				typeVersion: 1,
				position: [0, 0],
				webhookId: WEBHOOK_ID,
				parameters: {},
				credentials: { webhookGatewayApi: credential },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

describe(
	`Endpoints on n8n's own URL (Webhook Gateway Ingress) in a real n8n ${N8N_VERSION}`,
	{ timeout: 900_000 },
	() => {
		before(async () => {
			g = await startGatewayN8n();
			base = `${g.n8n.url}/webhook/${WEBHOOK_ID}`;
			ingressId = (await g.n8n.createWorkflow(ingressWorkflow(g.credential))).id;
			await g.n8n.activate(ingressId);
			// n8n registers the webhook shortly after activation: our 404 (a JSON error code) says it is live.
			assert.ok(
				await eventually(async () => {
					const r = await fetch(`${base}/hooks/no-such-endpoint`, {
						method: 'POST',
						body: '{}',
						headers: { 'content-type': 'application/json' },
					});
					return (
						r.status === 404 &&
						((await r.json().catch(() => undefined)) as any)?.error?.code === 'endpoint_not_found'
					);
				}, 30_000),
				'the ingress answers on n8n’s port',
			);
		});
		after(async () => {
			await g?.close('n8n url e2e');
		});

		it(
			'fan-out: a Batch and a Raw Trigger on one endpoint both receive what n8n’s port accepted',
			timed('fan-out through n8n', async () => {
				await g.endpoint('through-n8n');
				const batch = await g.workflow('batch via n8n', {
					kind: 'batch',
					endpointId: 'through-n8n',
				});
				const raw = await g.workflow('raw via n8n', { kind: 'raw', endpointId: 'through-n8n' });
				await g.activate(batch);
				await g.activate(raw);
				const sent: Sent[] = [];
				for (let seq = 100; seq < 103; seq++) {
					const s = await sendWebhook(base, 'through-n8n', seq);
					assert.equal(s.status, 202, JSON.stringify(s.body));
					assert.match(s.body.eventId, /^\d+-\d+$/);
					sent.push(s);
				}
				const rawRuns = await g.settledExecutions(raw.id, 3);
				assert.equal(rawRuns.length, 3, 'one raw execution per event');
				const rawIds = rawRuns.map((e) => triggerItems(e)[0].id).sort();
				assert.deepEqual(rawIds, sent.map((s) => s.body.eventId).sort());
				for (const e of rawRuns) {
					const item = triggerItems(e)[0];
					assertSameEvent(item, sent.find((s) => s.body.eventId === item.id)!, 'through-n8n');
				}
				const batchRuns = await g.settledExecutions(batch.id, 1);
				const batchItems = batchRuns.flatMap((e) => triggerItems(e));
				assert.deepEqual(
					batchItems.map((i) => i.id),
					sent.map((s) => s.body.eventId),
					'the batch holds the three events in order',
				);
				assert.deepEqual(await g.n8n.executions(ingressId), [], 'the ingress workflow never runs');
				await g.deactivate(batch);
				await g.deactivate(raw);
			}),
		);

		it(
			'the gateway’s contract on n8n’s port: 403, 429 with its headers, 413, 405, sub-path and query kept',
			timed('contract through n8n', async () => {
				const { secret } = await g.endpoint('signed-n8n', {
					auth: { type: 'header', headerName: 'authorization', prefix: 'Bearer ' },
				});
				const good = await sendWebhook(base, 'signed-n8n', 1, {
					authorization: `Bearer ${secret}`,
				});
				const bad = await sendWebhook(base, 'signed-n8n', 2, { authorization: 'Bearer wrong' });
				assert.equal(good.status, 202);
				assert.equal(bad.status, 403);
				assert.deepEqual(bad.body, {
					error: { code: 'unauthorized', message: 'Authentication failed' },
				});

				await g.management.setAccountPlan('trial-n8n', 'free-trial');
				await g.endpoint('limited-n8n', { accountId: 'trial-n8n' });
				const first = await fetch(`${base}/hooks/limited-n8n`, {
					method: 'POST',
					body: '{"a":1}',
					headers: { 'content-type': 'application/json' },
				});
				const second = await fetch(`${base}/hooks/limited-n8n`, {
					method: 'POST',
					body: '{"a":2}',
					headers: { 'content-type': 'application/json' },
				});
				assert.equal(first.status, 202);
				assert.ok(first.headers.get('ratelimit-policy'), 'RateLimit-Policy on 202');
				assert.equal(second.status, 429);
				assert.equal(((await second.json()) as any).error.code, 'rate_limited');
				assert.ok(Number(second.headers.get('retry-after')) >= 1, 'Retry-After on 429');
				assert.ok(second.headers.get('ratelimit'), 'RateLimit on 429');

				await g.endpoint('big-n8n');
				const big = await fetch(`${base}/hooks/big-n8n`, {
					method: 'POST',
					body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
					headers: { 'content-type': 'application/json' },
				});
				assert.equal(big.status, 413);
				assert.equal(((await big.json()) as any).error.code, 'payload_too_large');
				const badJson = await fetch(`${base}/hooks/big-n8n`, {
					method: 'POST',
					body: '{not json',
					headers: { 'content-type': 'application/json' },
				});
				assert.equal(badJson.status, 400, 'the gateway parses the body, not n8n');
				assert.equal(((await badJson.json()) as any).error.code, 'invalid_body');

				await g.endpoint('post-only', { methods: ['POST'] });
				const put = await fetch(`${base}/hooks/post-only`, {
					method: 'PUT',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				});
				assert.equal(put.status, 405);
				assert.match(put.headers.get('allow') ?? '', /POST/);

				const deep = await fetch(`${base}/hooks/big-n8n/orders/created?x=1&y=2`, {
					method: 'POST',
					body: 'a=1&b=two',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
				});
				assert.equal(deep.status, 202);
				const { eventId } = (await deep.json()) as { eventId: string };
				const stored = (
					await g.stores.buffer.peek({ id: 'big-n8n', accountId: 'default' }, 10)
				).find((e) => e.eventId === eventId);
				assert.ok(stored, 'the event is buffered');
				assert.equal(stored.path, '/orders/created');
				assert.equal(stored.query, 'x=1&y=2');
				assert.equal(stored.body.toString('utf8'), 'a=1&b=two', 'the exact bytes');
				assert.deepEqual(await g.n8n.executions(ingressId), [], 'the ingress workflow never runs');
			}),
		);
	},
);
