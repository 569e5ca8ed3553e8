/**
 * Endpoints on n8n's own URL in queue mode (docs/n8n-url.md#queue-mode): n8n 2.41.1 main + worker
 * + an `n8n webhook` process (PostgreSQL when installed, Bull on a private redis-server). The
 * webhook process answers the endpoints with the gateway's contract, with no execution for the
 * Ingress workflow; the Raw Trigger on the main receives the events and the worker runs them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { uniquePrefix } from '../harness/gateway';
import { packPackage } from '../harness/n8n';
import {
	queueLogFacts,
	startN8nQueue,
	startN8nWebhookProcess,
	type N8nQueue,
	type N8nWebhookProcess,
} from '../harness/n8nQueue';
import { startRedis, type RedisServer } from '../harness/redis';
import {
	assertBuilt,
	assertSameEvent,
	eventually,
	PACKAGE,
	sendWebhook,
	triggerItems,
	triggerWorkflow,
	type Sent,
} from './fixtures/triggers';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WEBHOOK_ID = 'gateway';

const x: { redis?: RedisServer; stores?: Stores; queue?: N8nQueue; webhook?: N8nWebhookProcess } =
	{};

describe(
	'Endpoints on n8n’s own URL in queue mode: the `n8n webhook` process answers them',
	{ timeout: 1_200_000 },
	() => {
		before(async () => {
			assertBuilt(REPO_ROOT);
			x.redis = await startRedis();
			x.queue = await startN8nQueue({ packageTarball: await packPackage(REPO_ROOT) });
			x.webhook = await startN8nWebhookProcess(x.queue);
		});
		after(async () => {
			await x.webhook?.stop();
			await x.queue?.stop();
			await x.stores?.close();
			await x.redis?.stop();
		});

		it('202 and 403 from the webhook process; the Raw Trigger (main) gets the events, the worker runs them', async () => {
			const { queue, webhook, redis } = x as Required<typeof x>;
			const prefix = uniquePrefix();
			x.stores = createStores({ url: redis.url, name: 'e2e-queue', offlineQueue: true }, prefix);
			const management = new ManagementService(x.stores, {
				publicUrl: `${webhook.url}/webhook/${WEBHOOK_ID}`,
				defaultPlan: 'unlimited',
				defaultBufferCapacity: 100_000,
			});
			await management.setAccountPlan('default', 'unlimited');
			const { secret } = await management.createEndpoint(
				{
					id: 'queue-ep',
					name: 'queue',
					auth: { type: 'header', headerName: 'authorization', prefix: 'Bearer ' },
				},
				'e2e',
			);
			// No gateway port of its own anywhere: n8n's processes serve the endpoints.
			const name = 'Gateway (queue)';
			const created = await queue.main.createCredential(name, 'webhookGatewayApi', {
				connectionType: 'url',
				redisUrl: redis.url,
				keyPrefix: prefix,
			});
			const credential = { id: created.id, name };
			const ingress = await queue.main.createWorkflow({
				name: 'ingress',
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
			});
			const raw = await queue.main.createWorkflow(
				triggerWorkflow('raw (queue)', { kind: 'raw', credential, endpointId: 'queue-ep' }),
			);
			await queue.main.activate(ingress.id);
			await queue.main.activate(raw.id);
			const base = `${webhook.url}/webhook/${WEBHOOK_ID}`;
			const auth = { authorization: `Bearer ${secret}` };
			// Until n8n registered the webhook it answers its own 404; the first answer of the ingress (a
			// Redis client that is still connecting) must already be the gateway's.
			let first: Sent | undefined;
			assert.ok(
				await eventually(async () => {
					first = await sendWebhook(base, 'queue-ep', 0, { authorization: 'Bearer wrong' });
					return first.status !== 404 || first.body?.error?.code !== undefined;
				}, 60_000),
				'the webhook process serves the ingress',
			);
			assert.equal(first?.status, 403, `first answer: ${JSON.stringify(first?.body)}`);
			// The Raw Trigger subscribes when it starts on the main; events before that are not its own.
			assert.ok(
				await eventually(async () => /Trigger listening on/.test(queue.main.logs()), 60_000),
				'the Raw Trigger runs on the main',
			);
			const sent: Sent[] = [];
			for (let seq = 1; seq <= 3; seq++) {
				const s = await sendWebhook(base, 'queue-ep', seq, auth);
				assert.equal(s.status, 202, JSON.stringify(s.body));
				sent.push(s);
			}
			const runs = await queue.main.waitForExecutions(raw.id, 3, 120_000);
			const byId = new Map(runs.map((e) => [triggerItems(e)[0].id, e]));
			for (const s of sent) {
				const e = byId.get(s.body.eventId);
				assert.ok(e, `an execution for event ${s.seq}`);
				assert.equal(e.status, 'success');
				assertSameEvent(triggerItems(e)[0], s, 'queue-ep');
			}
			const facts = queueLogFacts(queue);
			for (const e of runs)
				assert.ok(facts.workerStarted.includes(String(e.id)), `the worker ran execution ${e.id}`);
			assert.deepEqual(
				await queue.main.executions(ingress.id),
				[],
				'the ingress workflow never runs',
			);
			assert.match(webhook.logs(), /Webhook listener waiting for requests/);
		});
	},
);
