/**
 * The Webhook Endpoint node with the "Webhook Gateway Admin API" credential (a scoped token)
 * inside a real n8n, installed from the package tarball, against a real gateway over HTTP
 * (docs/security.md, second n8n team): a `read` token limited to account `acme` lists only acme's
 * endpoints, and Create answers a clear 403 in n8n; a `manage` token for acme creates an endpoint
 * there, which the gateway's audit log records under the token's name.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ListedAuditEntry } from '../../src/redis';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { N8N_VERSION, startN8n, type N8nInstance } from '../harness/n8n';
import { startRedis, type RedisServer } from '../harness/redis';
import { builtPackage, chainWorkflow, outputOf, runOnce } from './fixtures/endpointNode';

const NODE_TYPE = 'n8n-nodes-webhook-gateway.webhookEndpoint';

let redis: RedisServer | undefined;
let n8n: N8nInstance | undefined;
let gateway: TestGateway | undefined;

/** A credential of the admin API type holding a new scoped token. */
async function tokenCredential(
	name: string,
	scopes: string[],
	accountIds: string[],
): Promise<{ id: string; name: string }> {
	const created = await gateway!.admin<{ token: string }>('POST', '/tokens', {
		name,
		scopes,
		accountIds,
	});
	assert.equal(created.status, 201);
	const { id } = await n8n!.createCredential(name, 'webhookGatewayAdminApi', {
		baseUrl: gateway!.url,
		token: created.body.token,
	});
	return { id, name };
}

/** n8n's Webhook node, then the Endpoint nodes in a chain, all on the admin API credential. */
function workflow(
	name: string,
	webhookPath: string,
	credential: { id: string; name: string },
	nodes: { name: string; parameters: Record<string, unknown> }[],
) {
	return chainWorkflow(
		name,
		webhookPath,
		nodes.map((n, i) => ({
			id: randomUUID(),
			name: n.name,
			type: NODE_TYPE,
			typeVersion: 1.1,
			position: [220 * (i + 1), 0],
			parameters: { connection: 'adminApi', ...n.parameters },
			credentials: { webhookGatewayAdminApi: credential },
			onError: 'continueRegularOutput',
			executeOnce: true,
		})),
	);
}

/** Activates, triggers once, returns the successful execution's output per node. */
async function runOnceOutputs(
	wf: ReturnType<typeof workflow>,
	webhookPath: string,
): Promise<(node: string) => any[]> {
	const execution = await runOnce(n8n!, wf, webhookPath);
	return (node) => outputOf(execution, node);
}

describe(
	`Webhook Endpoint node with a scoped admin API token in a real n8n ${N8N_VERSION}`,
	{ timeout: 300_000 },
	() => {
		before(async () => {
			const tarball = await builtPackage();
			redis = await startRedis();
			gateway = await startTestGateway({ url: redis.url });
			await gateway.gateway.management.createEndpoint(
				{ id: 'acme-orders', accountId: 'acme', auth: { type: 'none' } },
				'test',
			);
			await gateway.gateway.management.createEndpoint(
				{ id: 'globex-orders', accountId: 'globex', auth: { type: 'none' } },
				'test',
			);
			n8n = await startN8n({ packageTarball: tarball });
		});

		after(async () => {
			if (process.env.E2E_VERBOSE && n8n) console.log(n8n.logs().slice(-6000));
			await n8n?.stop();
			await gateway?.close();
			await redis?.stop();
		});

		it("a read token for acme lists only acme's endpoints; Create gets a clear 403", async () => {
			const credential = await tokenCredential('n8n team acme (read)', ['read'], ['acme']);
			const path = `token-read-${randomUUID()}`;
			const output = await runOnceOutputs(
				workflow('read token', path, credential, [
					{
						name: 'List',
						parameters: { resource: 'endpoint', operation: 'getAll', returnAll: true, filters: {} },
					},
					{
						name: 'Create',
						parameters: {
							resource: 'endpoint',
							operation: 'create',
							endpointId: 'acme-new',
							name: 'New',
							accountId: 'acme',
							authentication: 'header',
						},
					},
				]),
				path,
			);
			assert.deepEqual(
				output('List').map((e) => [e.id, e.accountId]),
				[['acme-orders', 'acme']],
			);
			const [refused] = output('Create');
			assert.match(refused.error, /403.*lacks the scope/);
			assert.match(refused.description, /'manage' scope/);
			assert.equal(
				(await gateway!.admin('GET', '/endpoints/acme-new')).status,
				404,
				'nothing created',
			);
		});

		it('a manage token for acme creates an endpoint there, recorded under its name; other accounts stay out of reach', async () => {
			const credential = await tokenCredential('n8n team acme (manage)', ['manage'], ['acme']);
			const path = `token-manage-${randomUUID()}`;
			const output = await runOnceOutputs(
				workflow('manage token', path, credential, [
					{
						name: 'Create',
						parameters: {
							resource: 'endpoint',
							operation: 'create',
							endpointId: 'acme-new',
							name: 'New',
							accountId: 'acme',
							authentication: 'header',
						},
					},
					{
						name: 'Delete Other',
						parameters: {
							resource: 'endpoint',
							operation: 'delete',
							endpoint: { __rl: true, mode: 'id', value: 'globex-orders' },
						},
					},
				]),
				path,
			);
			const [created] = output('Create');
			assert.equal(created.id, 'acme-new');
			assert.equal(created.secret, undefined, 'secret masked by default');
			assert.match(created.secretHint, /^…/);
			assert.match(output('Delete Other')[0].error, /404/);
			assert.equal(
				(await gateway!.admin('GET', '/endpoints/globex-orders')).status,
				200,
				'globex endpoint untouched',
			);
			const audit = await gateway!.admin<ListedAuditEntry[]>('GET', '/audit?account=acme');
			assert.match(audit.body[0].who, /^token n8n team acme \(manage\) \(/);
			assert.equal(audit.body[0].action, 'POST /api/v1/endpoints');
		});
	},
);
