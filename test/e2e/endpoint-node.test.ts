/**
 * The Webhook Endpoint node inside a real n8n (2.41.1, or E2E_N8N_VERSION: test/e2e/n8n-1.x runs
 * this file in 1.x), installed from the package tarball the way Settings > Community nodes
 * installs it, with real HTTP requests:
 *
 * 1. n8n's own Webhook node → Webhook Endpoint "Create" (HMAC, GitHub preset): the execution's
 *    output holds the endpoint URL and its secret; a gateway on the same Redis + key prefix
 *    accepts a correctly signed GitHub delivery at that URL at once (202) and refuses an unsigned
 *    one (403).
 * 2. One workflow runs Get Many, Plan Upsert, Account Set Plan, Get Usage, Event Peek, Rotate
 *    Secret and a Get of a missing endpoint (continue on fail) through the node; each output is
 *    checked against what the gateway saw.
 * 3. The editor's plan drop-down (loadOptions getPlans) answers through n8n's REST API.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '../../src/auth';
import { PRESET_CATALOG } from '../../src/auth/catalog';
import { PROVIDER_GUIDES_URL } from '../../nodes/shared/endpointLocator';
import { startTestGateway, uniquePrefix, type TestGateway } from '../harness/gateway';
import { N8N_VERSION, startN8n, type N8nInstance } from '../harness/n8n';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';
import { builtPackage, chainWorkflow, outputOf, runOnce } from './fixtures/endpointNode';

/** One key for n8n and the stand-in gateway (a gateway outside n8n needs n8n's key). */
const ENCRYPTION_KEY = `endpoint-node-e2e-key-${randomUUID()}`;

const NODE_TYPE = 'n8n-nodes-webhook-gateway.webhookEndpoint';
const ENDPOINT_ID = `e2e-gh-${randomUUID().slice(0, 8)}`;
const timings: Record<string, number> = {};

let redis: RedisServer | undefined;
let n8n: N8nInstance | undefined;
let gateway: TestGateway | undefined;
let credential: { id: string; name: string };
let gatewayPort: number;

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
	const t0 = Date.now();
	try {
		return await work();
	} finally {
		timings[label] = Date.now() - t0;
	}
}

/** A node of our package in workflow JSON. */
function endpointNode(
	name: string,
	position: [number, number],
	parameters: Record<string, unknown>,
	settings: Record<string, unknown> = {},
) {
	return {
		id: randomUUID(),
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position,
		parameters,
		credentials: { webhookGatewayApi: credential },
		...settings,
	};
}

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

function githubDelivery(secret: string | undefined, body: Buffer): Record<string, string> {
	const signed =
		secret === undefined
			? {}
			: signRequest({ type: 'hmac', preset: 'github' }, secret, body, Date.now());
	return { 'content-type': 'application/json', 'x-github-event': 'push', ...signed };
}

describe(`Webhook Endpoint node in a real n8n ${N8N_VERSION}`, { timeout: 300_000 }, () => {
	before(async () => {
		const tarball = await builtPackage(timed);
		redis = await startRedis();
		const keyPrefix = uniquePrefix();
		gatewayPort = await freePort();
		// The embedded gateway starts with an active trigger, not with this action node: a test
		// gateway on the same Redis, prefix and port serves the endpoint URLs the node reports.
		// One encryption key for n8n and the stand-in gateway, as docs/security.md says for a
		// gateway outside n8n: it must read the secrets the node stores encrypted.
		gateway = await startTestGateway(
			{ url: redis.url },
			{ keyPrefix, port: gatewayPort, encryptionKey: ENCRYPTION_KEY },
		);
		// Account e2e starts without a rate, so the delivery of the first case leaves no limiter
		// state behind: under the default plan (1/s) its next allowed time could still be ahead
		// when the second case, a few hundred ms later, posts under the plan it sets (2/s) and
		// would get a 429 that depends on how fast n8n ran the workflow.
		await gateway.gateway.management.setAccountPlan('e2e', 'unlimited');
		n8n = await timed('start n8n with the package', () =>
			startN8n({
				packageTarball: tarball,
				env: { WEBHOOK_GATEWAY_ENCRYPTION_KEY: ENCRYPTION_KEY },
			}),
		);
		const created = await n8n.createCredential('Webhook Gateway (e2e)', 'webhookGatewayApi', {
			connectionType: 'url',
			redisUrl: redis.url,
			keyPrefix,
			publicUrl: `http://127.0.0.1:${gatewayPort}`,
		});
		credential = { id: created.id, name: 'Webhook Gateway (e2e)' };
	});

	after(async () => {
		if (process.env.E2E_VERBOSE && n8n) console.log(n8n.logs().slice(-6000));
		await n8n?.stop();
		await gateway?.close();
		await redis?.stop();
		const shown = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
		console.log(
			`[endpoint-node e2e] ${Object.entries(timings)
				.map(([k, v]) => `${k}: ${shown(v)}`)
				.join('; ')}`,
		);
	});

	let secret: string;
	let endpointUrl: string;

	it('creates an HMAC GitHub endpoint; its URL accepts a signed delivery at once and refuses an unsigned one', async () => {
		const webhookPath = `create-${randomUUID()}`;
		const execution = await timed('create workflow run', () =>
			runOnce(
				n8n!,
				chainWorkflow('create endpoint', webhookPath, [
					endpointNode('Create Endpoint', [220, 0], {
						resource: 'endpoint',
						operation: 'create',
						endpointId: '={{ $json.body.endpointId }}',
						name: 'GitHub (e2e)',
						accountId: 'e2e',
						authentication: 'hmac',
						hmacPreset: 'github',
					}),
				]),
				webhookPath,
				{ endpointId: ENDPOINT_ID },
			),
		);
		const [created] = outputOf(execution, 'Create Endpoint');
		assert.equal(created.id, ENDPOINT_ID);
		assert.equal(created.accountId, 'e2e');
		assert.equal(created.url, `http://127.0.0.1:${gatewayPort}/hooks/${ENDPOINT_ID}`);
		assert.deepEqual(created.auth, { type: 'hmac', preset: 'github' });
		assert.deepEqual(created.dedupe.source, { type: 'header', name: 'x-github-delivery' });
		assert.equal(typeof created.secret, 'string');
		assert.ok(created.secret.length >= 32, 'a generated secret');
		assert.equal(created.secretCount, 1);
		assert.equal(created.secrets, undefined, 'no stored secret list in the output');
		secret = created.secret;
		endpointUrl = created.url;

		const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: 'abc123' }));
		const t0 = Date.now();
		const accepted = await fetch(endpointUrl, {
			method: 'POST',
			headers: githubDelivery(secret, body),
			body,
		});
		timings['signed delivery → 202'] = Date.now() - t0;
		assert.equal(accepted.status, 202, await accepted.clone().text());
		assert.equal(((await accepted.json()) as { status: string }).status, 'accepted');
		assert.ok(
			timings['signed delivery → 202'] < 2000,
			`answered in ${timings['signed delivery → 202']} ms`,
		);

		const unsigned = await fetch(endpointUrl, {
			method: 'POST',
			headers: githubDelivery(undefined, body),
			body,
		});
		assert.equal(unsigned.status, 403);
		assert.equal(
			((await unsigned.json()) as { error: { code: string } }).error.code,
			'unauthorized',
		);
	});

	it('runs Get Many, Plan Upsert, Account Set Plan, Get Usage, Event Peek, Rotate Secret and a failing Get through the node', async () => {
		assert.ok(secret, 'the create test ran first');
		const webhookPath = `manage-${randomUUID()}`;
		const once = { executeOnce: true };
		const execution = await timed('management workflow run', () =>
			runOnce(
				n8n!,
				chainWorkflow('manage', webhookPath, [
					endpointNode('Get Many', [200, 0], {
						resource: 'endpoint',
						operation: 'getAll',
						returnAll: true,
						filters: { accountId: 'e2e' },
					}),
					endpointNode(
						'Upsert Plan',
						[400, 0],
						{
							resource: 'plan',
							operation: 'upsert',
							planId: 'e2e-pro',
							name: 'E2E Pro',
							rate: '2',
							burst: '',
							daily: '100',
						},
						once,
					),
					endpointNode(
						'Set Plan',
						[600, 0],
						{ resource: 'account', operation: 'setPlan', accountId: 'e2e', planId: 'e2e-pro' },
						once,
					),
					endpointNode(
						'Get Usage',
						[800, 0],
						{ resource: 'endpoint', operation: 'getUsage', endpoint: rl(ENDPOINT_ID) },
						once,
					),
					endpointNode(
						'Peek',
						[1000, 0],
						{ resource: 'event', operation: 'peek', endpoint: rl(ENDPOINT_ID), count: 5 },
						once,
					),
					endpointNode(
						'Rotate Secret',
						[1200, 0],
						{
							resource: 'endpoint',
							operation: 'rotateSecret',
							endpoint: rl(ENDPOINT_ID),
							graceSeconds: 0,
						},
						once,
					),
					endpointNode(
						'Get Missing',
						[1400, 0],
						{ resource: 'endpoint', operation: 'get', endpoint: rl('no-such-endpoint') },
						{ ...once, onError: 'continueRegularOutput' },
					),
					endpointNode(
						'Plans',
						[1600, 0],
						{ resource: 'plan', operation: 'getAll', returnAll: true },
						once,
					),
				]),
				webhookPath,
			),
		);

		const many = outputOf(execution, 'Get Many');
		assert.deepEqual(
			many.map((e) => e.id),
			[ENDPOINT_ID],
		);
		assert.equal(many[0].secret, undefined, 'list output never holds a secret');

		assert.deepEqual(outputOf(execution, 'Upsert Plan'), [
			{ id: 'e2e-pro', name: 'E2E Pro', rate: 2, burst: 2, daily: 100, builtIn: false },
		]);
		const [account] = outputOf(execution, 'Set Plan');
		assert.equal(account.id, 'e2e');
		assert.equal(account.planId, 'e2e-pro');
		assert.equal(account.plan.daily, 100);

		const [usage] = outputOf(execution, 'Get Usage');
		assert.equal(usage.endpointId, ENDPOINT_ID);
		assert.equal(usage.plan.id, 'e2e-pro');
		assert.equal(usage.acceptedToday, 1, 'the signed delivery counted; the unsigned one did not');
		assert.equal(usage.dailyRemaining, 99);
		assert.equal(usage.buffer.length, 1);

		const peeked = outputOf(execution, 'Peek');
		assert.equal(peeked.length, 1);
		assert.deepEqual(peeked[0].body, { ref: 'refs/heads/main', after: 'abc123' });
		assert.equal(peeked[0].headers['x-github-event'], 'push');
		assert.equal(
			peeked[0].headers['x-hub-signature-256'],
			undefined,
			'signature headers are not stored',
		);

		const [rotated] = outputOf(execution, 'Rotate Secret');
		assert.equal(typeof rotated.secret, 'string');
		assert.notEqual(rotated.secret, secret);
		assert.equal(rotated.previousValidUntil, null, 'grace 0: the old secret ends at once');

		const [missing] = outputOf(execution, 'Get Missing');
		assert.equal(missing.error, "endpoint 'no-such-endpoint' does not exist");
		assert.equal(missing.description, 'Check the endpoint ID or pick it from the list');

		const planIds = outputOf(execution, 'Plans').map((p) => p.id);
		assert.deepEqual(planIds, [
			'free-trial',
			'forever-free',
			'advanced',
			'business',
			'unlimited',
			'e2e-pro',
		]);

		// The rotated secret is live at once; the old one no longer is (grace 0).
		const body = Buffer.from(JSON.stringify({ ref: 'refs/heads/next' }));
		const old = await fetch(endpointUrl, {
			method: 'POST',
			headers: githubDelivery(secret, body),
			body,
		});
		assert.equal(old.status, 403);
		const fresh = await fetch(endpointUrl, {
			method: 'POST',
			headers: githubDelivery(rotated.secret, body),
			body,
		});
		assert.equal(fresh.status, 202);
	});

	it('runs Subscriber Get Many, Rewind and Remove, and Endpoint Delete refused then forced, through the node', async () => {
		const id = 'node-subs';
		await gateway!.gateway.management.createEndpoint(
			{ id, accountId: 'e2e-subs', auth: { type: 'none' } },
			'e2e',
		);
		await gateway!.gateway.management.setAccountPlan('e2e-subs', 'unlimited');
		const ref = { id, accountId: 'e2e-subs' };
		await gateway!.gateway.stores.buffer.subscribe(ref, 'wfn:node1', 'new', {
			workflowName: 'Orders',
			nodeName: 'Batch',
		});
		await gateway!.gateway.stores.buffer.subscribe(ref, 'wfn:other', 'new'); // keeps the event held
		const sent = await gateway!.request(`/hooks/${id}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"n":1}',
		});
		assert.equal(sent.status, 202);
		const { eventId } = (await sent.json()) as { eventId: string };
		const entries = await gateway!.gateway.stores.buffer.read(ref, 'wfn:node1', 10);
		await gateway!.gateway.stores.buffer.ack(
			ref,
			'wfn:node1',
			entries.map((e) => e.ref),
		);

		const webhookPath = `subs-${randomUUID()}`;
		const once = { executeOnce: true };
		const execution = await runOnce(
			n8n!,
			chainWorkflow('subscribers', webhookPath, [
				endpointNode(
					'List',
					[200, 0],
					{ resource: 'subscriber', operation: 'getAll', endpoint: rl(id) },
					once,
				),
				endpointNode(
					'Rewind',
					[400, 0],
					{
						resource: 'subscriber',
						operation: 'rewind',
						endpoint: rl(id),
						subscriberId: 'wfn:node1',
						rewindTo: 'eventId',
						eventId,
					},
					once,
				),
				endpointNode(
					'Delete Refused',
					[600, 0],
					{ resource: 'endpoint', operation: 'delete', endpoint: rl(id) },
					{ ...once, onError: 'continueRegularOutput' },
				),
				endpointNode(
					'Remove',
					[800, 0],
					{
						resource: 'subscriber',
						operation: 'remove',
						endpoint: rl(id),
						subscriberId: 'wfn:node1',
					},
					once,
				),
				endpointNode(
					'List Dropped',
					[1000, 0],
					{ resource: 'subscriber', operation: 'getAll', endpoint: rl(id), includeDropped: true },
					once,
				),
				endpointNode(
					'Delete Forced',
					[1200, 0],
					{ resource: 'endpoint', operation: 'delete', endpoint: rl(id), force: true },
					once,
				),
			]),
			webhookPath,
		);
		const listed = outputOf(execution, 'List');
		assert.deepEqual(
			listed.map((s) => [s.id, s.workflowName, s.nodeName, s.waiting, s.dropped]),
			[
				['wfn:node1', 'Orders', 'Batch', 0, false],
				['wfn:other', null, null, 1, false],
			],
		);
		const [rewound] = outputOf(execution, 'Rewind');
		assert.equal(rewound.subscriber.waiting, 1, 'the event waits again');
		const [refused] = outputOf(execution, 'Delete Refused');
		assert.match(refused.error, /has 2 subscriber\(s\): workflow 'Orders' \(wfn\), node 'Batch'/);
		assert.match(refused.description, /turn on Force/);
		assert.deepEqual(outputOf(execution, 'Remove'), [
			{ endpointId: id, subscriberId: 'wfn:node1', removed: true },
		]);
		const dropped = outputOf(execution, 'List Dropped').filter((s) => s.dropped);
		assert.deepEqual(
			dropped.map((s) => [s.id, s.reason]),
			[['wfn:node1', 'removed']],
		);
		assert.deepEqual(outputOf(execution, 'Delete Forced'), [{ id, deleted: true }]);
		assert.equal((await gateway!.admin('GET', `/endpoints/${id}`)).status, 404);
	});

	it("fills the editor's endpoint picker (listSearch) and plan drop-down (loadOptions) through n8n", async () => {
		const found = await n8n!.rest<{
			data: { results: { name: string; value: string; url: string; linkAlt?: string }[] };
		}>('POST', '/dynamic-node-parameters/resource-locator-results', {
			nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
			path: 'endpoint',
			methodName: 'searchEndpoints',
			filter: 'e2e-gh',
			// The editor sends every parameter with its default; n8n picks the credential by `connection`.
			currentNodeParameters: {
				connection: 'redis',
				resource: 'endpoint',
				operation: 'get',
				endpoint: { __rl: true, mode: 'list', value: '' },
			},
			credentials: { webhookGatewayApi: credential },
		});
		// A preset endpoint's entry names its URL and provider; its link opens the provider's guide,
		// whose tooltip is the preset's setup hint.
		const github = PRESET_CATALOG.github;
		assert.deepEqual(
			found.data.results.map((r) => [r.value, r.url, r.linkAlt]),
			[
				[
					ENDPOINT_ID,
					PROVIDER_GUIDES_URL + github.docs,
					`${github.name} setup: ${github.setupHint}`,
				],
			],
		);
		assert.ok(
			found.data.results[0].name.endsWith(`— ${endpointUrl} · ${github.name}`),
			found.data.results[0].name,
		);

		const answer = await n8n!.rest<{
			data: { name: string; value: string; description: string }[];
		}>('POST', '/dynamic-node-parameters/options', {
			nodeTypeAndVersion: { name: NODE_TYPE, version: 1 },
			path: 'planId',
			methodName: 'getPlans',
			currentNodeParameters: {
				connection: 'redis',
				resource: 'account',
				operation: 'setPlan',
				accountId: 'e2e',
				planId: '',
			},
			credentials: { webhookGatewayApi: credential },
		});
		const pro = answer.data.find((o) => o.value === 'e2e-pro');
		assert.deepEqual(pro, {
			name: 'E2E Pro (e2e-pro)',
			value: 'e2e-pro',
			description: '2/s, burst 2; 100/day',
		});
		assert.equal(
			answer.data.find((o) => o.value === 'unlimited')?.description,
			'no rate limit; no daily limit',
		);
	});

	it('tells the user to check the credential when Redis is not reachable', async () => {
		const closedPort = await freePort();
		const unreachable = await n8n!.createCredential(
			'Webhook Gateway (no Redis)',
			'webhookGatewayApi',
			{
				connectionType: 'url',
				redisUrl: `redis://127.0.0.1:${closedPort}`,
				keyPrefix: uniquePrefix(),
			},
		);
		const webhookPath = `unreachable-${randomUUID()}`;
		const node = endpointNode(
			'List',
			[200, 0],
			{ resource: 'endpoint', operation: 'getAll', returnAll: true, filters: {} },
			{ onError: 'continueRegularOutput' },
		);
		node.credentials = {
			webhookGatewayApi: { id: unreachable.id, name: 'Webhook Gateway (no Redis)' },
		};
		const t0 = Date.now();
		const execution = await runOnce(
			n8n!,
			chainWorkflow('unreachable', webhookPath, [node]),
			webhookPath,
		);
		timings['run against an unreachable Redis'] = Date.now() - t0;
		const [failed] = outputOf(execution, 'List');
		assert.equal(failed.error, `Redis at 127.0.0.1:${closedPort} is not reachable`);
		assert.match(
			failed.description,
			new RegExp(
				`^Check the Webhook Gateway credential: Redis at 127\\.0\\.0\\.1:${closedPort} is not reachable`,
			),
		);
	});
});
