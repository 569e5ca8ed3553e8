/**
 * Changes made from the Webhook Endpoint node on direct Redis are written to the audit log like
 * the admin API's (docs/admin-api.md#audit-log): the node's own execute() runs with a minimal n8n
 * context against a real redis-server; the entries name the workflow and node, the action of the
 * equivalent API route and the account; reads and failed changes leave none; the admin API of a
 * real gateway on the same Redis lists them and filters them by actor and account.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import path from 'node:path';
import type { ListedAuditEntry } from '../../src/redis';
import { gatewayConfigOf } from '../../src/runtime/settings';
import { acquireClient } from '../../src/runtime/processResources';
import { REPO_ROOT, startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

// By its full file name: at run time `WebhookEndpoint.node` would find the codex file (.node.json) first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WebhookEndpoint } = require(
	path.join(REPO_ROOT, 'nodes/WebhookEndpoint/WebhookEndpoint.node.ts'),
) as typeof import('../../nodes/WebhookEndpoint/WebhookEndpoint.node');

const WHO = 'n8n: workflow "Onboarding" (wf-42), node "Gateway"';

describe('Webhook Endpoint node changes in the audit log', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let keyPrefix: string;

	/** Runs the node once with `parameters` for one input item; returns its output items. */
	async function run(
		parameters: Record<string, unknown>,
		continueOnFail = false,
	): Promise<INodeExecutionData[]> {
		const node = {
			id: 'node-1',
			name: 'Gateway',
			type: 'n8n-nodes-webhook-gateway.webhookEndpoint',
			typeVersion: 1.1,
			position: [0, 0],
			parameters,
		};
		const quiet = () => undefined;
		const ctx = {
			getInputData: () => [{ json: {} }],
			getNode: () => node,
			getWorkflow: () => ({ id: 'wf-42', name: 'Onboarding', active: false }),
			getCredentials: async () => ({
				connectionType: 'url',
				redisUrl: redis.url,
				keyPrefix,
				serve: false,
			}),
			getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
				name in parameters ? parameters[name] : fallback,
			continueOnFail: () => continueOnFail,
			logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
		} as unknown as IExecuteFunctions;
		const [items] = await new WebhookEndpoint().execute.call(ctx);
		return items;
	}

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		keyPrefix = gw.config.keyPrefix;
	});
	after(async () => {
		// The node's shared client lingers after its last run: close its connections so the file ends.
		const lease = await acquireClient(
			gatewayConfigOf({ connectionType: 'url', redisUrl: redis.url, keyPrefix }, {}),
		);
		await lease.value.stores.close();
		await gw?.close();
		await redis?.stop();
	});

	it('records create, update, rotate, set plan and delete with the workflow, node and account; not reads or failures', async () => {
		const ep = { __rl: true, mode: 'id', value: 'ep-node-audit' };
		await run({
			resource: 'endpoint',
			operation: 'create',
			endpointId: 'ep-node-audit',
			name: 'Audited',
			accountId: 'acme',
			authentication: 'header',
		});
		await run({ resource: 'endpoint', operation: 'get', endpoint: 'ep-node-audit' });
		await run({
			resource: 'endpoint',
			operation: 'update',
			endpoint: 'ep-node-audit',
			updateFields: { name: 'Renamed' },
		});
		await run({
			resource: 'endpoint',
			operation: 'rotateSecret',
			endpoint: 'ep-node-audit',
			graceSeconds: 0,
		});
		await run({ resource: 'account', operation: 'setPlan', accountId: 'acme', planId: 'advanced' });
		const failed = await run(
			{ resource: 'endpoint', operation: 'delete', endpoint: 'no-such-endpoint' },
			true,
		);
		assert.match(String(failed[0].json.error), /no-such-endpoint/);
		await run({ resource: 'endpoint', operation: 'delete', endpoint: ep.value, force: true });

		const { status, body } = await gw.admin<ListedAuditEntry[]>('GET', '/audit');
		assert.equal(status, 200);
		assert.deepEqual(
			body.map((e) => [e.who, e.action, e.status, e.accountId, e.endpointId]),
			[
				[WHO, 'DELETE /api/v1/endpoints/ep-node-audit?force=true', 0, 'acme', 'ep-node-audit'],
				[WHO, 'PUT /api/v1/accounts/acme/plan', 0, 'acme', undefined],
				[WHO, 'POST /api/v1/endpoints/ep-node-audit/rotate-secret', 0, 'acme', 'ep-node-audit'],
				[WHO, 'PATCH /api/v1/endpoints/ep-node-audit', 0, 'acme', 'ep-node-audit'],
				[WHO, 'POST /api/v1/endpoints/ep-node-audit', 0, 'acme', 'ep-node-audit'],
			],
		);

		// A change through the API beside them; the filters tell them apart.
		assert.equal(
			(await gw.admin('PUT', '/accounts/other/plan', { planId: 'business' })).status,
			200,
		);
		const byActor = await gw.admin<ListedAuditEntry[]>('GET', '/audit?actor=n8n%3A%20workflow');
		assert.equal(byActor.body.length, 5);
		const byAccount = await gw.admin<ListedAuditEntry[]>('GET', '/audit?account=other');
		assert.deepEqual(
			byAccount.body.map((e) => [e.who, e.action, e.accountId]),
			[['admin token', 'PUT /api/v1/accounts/other/plan', 'other']],
		);
	});
});
