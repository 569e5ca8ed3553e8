/**
 * The Webhook Endpoint node with the "Webhook Gateway Admin API" credential (a scoped token)
 * inside a real n8n, installed from the package tarball, against a real gateway over HTTP
 * (docs/security.md, second n8n team): a `read` token limited to account `acme` lists only acme's
 * endpoints, and Create answers a clear 403 in n8n; a `manage` token for acme creates an endpoint
 * there, which the gateway's audit log records under the token's name.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { ListedAuditEntry } from '../../src/redis';
import { REPO_ROOT, startTestGateway, type TestGateway } from '../../harness/gateway';
import { ensureN8n, N8N_VERSION, packPackage, startN8n, type N8nInstance } from '../../harness/n8n';
import { startRedis, type RedisServer } from '../../harness/redis';

const NODE_TYPE = 'n8n-nodes-webhook-gateway.webhookEndpoint';

let redis: RedisServer | undefined;
let n8n: N8nInstance | undefined;
let gateway: TestGateway | undefined;

function npmRunBuild(): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (out += d.toString()));
		child.once('error', reject);
		child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}:\n${out.slice(-4000)}`))));
	});
}

/** A credential of the admin API type holding a new scoped token. */
async function tokenCredential(name: string, scopes: string[], accountIds: string[]): Promise<{ id: string; name: string }> {
	const created = await gateway!.admin<{ token: string }>('POST', '/tokens', { name, scopes, accountIds });
	assert.equal(created.status, 201);
	const { id } = await n8n!.createCredential(name, 'webhookGatewayAdminApi', { baseUrl: gateway!.url, token: created.body.token });
	return { id, name };
}

/** n8n's Webhook node, then the Endpoint nodes in a chain, all on the admin API credential. */
function workflow(name: string, webhookPath: string, credential: { id: string; name: string }, nodes: { name: string; parameters: Record<string, unknown> }[]) {
	const webhook = {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { path: webhookPath, httpMethod: 'POST', responseMode: 'onReceived', options: {} },
	};
	const chain = [
		webhook,
		...nodes.map((n, i) => ({
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
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < chain.length; i++) connections[chain[i].name] = { main: [[{ node: chain[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes: chain, connections, settings: { executionOrder: 'v1' } };
}

/** Activates, triggers once, returns the successful execution's output per node. */
async function runOnce(wf: ReturnType<typeof workflow>, webhookPath: string): Promise<(node: string) => any[]> {
	const { id } = await n8n!.createWorkflow(wf);
	await n8n!.activate(id);
	const deadline = Date.now() + 15_000;
	for (;;) {
		const response = await fetch(`${n8n!.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		const text = await response.text();
		if (response.ok) break;
		if (response.status !== 404 || Date.now() > deadline) assert.fail(`POST /webhook/${webhookPath} -> ${response.status}: ${text}`);
		await new Promise((r) => setTimeout(r, 250));
	}
	const [execution] = await n8n!.waitForExecutions(id, 1, 60_000);
	await n8n!.deactivate(id);
	assert.equal(execution.status, 'success', JSON.stringify(execution.data?.resultData?.error ?? null, null, 2));
	return (node) => {
		const runs = execution.data?.resultData?.runData?.[node];
		assert.ok(Array.isArray(runs) && runs.length > 0, `no run of ${node}`);
		return (runs[0].data?.main?.[0] ?? []).map((item: any) => item.json);
	};
}

describe(`Webhook Endpoint node with a scoped admin API token in a real n8n ${N8N_VERSION}`, { timeout: 300_000 }, () => {
	before(async () => {
		await ensureN8n();
		if (process.env.SKIP_BUILD !== '1') await npmRunBuild();
		const tarball = await packPackage(REPO_ROOT);
		redis = await startRedis();
		gateway = await startTestGateway({ url: redis.url });
		await gateway.gateway.management.createEndpoint({ id: 'acme-orders', accountId: 'acme', auth: { type: 'none' } }, 'test');
		await gateway.gateway.management.createEndpoint({ id: 'globex-orders', accountId: 'globex', auth: { type: 'none' } }, 'test');
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
		const output = await runOnce(
			workflow('read token', path, credential, [
				{ name: 'List', parameters: { resource: 'endpoint', operation: 'getAll', returnAll: true, filters: {} } },
				{ name: 'Create', parameters: { resource: 'endpoint', operation: 'create', endpointId: 'acme-new', name: 'New', accountId: 'acme', authentication: 'header' } },
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
		assert.equal((await gateway!.admin('GET', '/endpoints/acme-new')).status, 404, 'nothing created');
	});

	it('a manage token for acme creates an endpoint there, recorded under its name; other accounts stay out of reach', async () => {
		const credential = await tokenCredential('n8n team acme (manage)', ['manage'], ['acme']);
		const path = `token-manage-${randomUUID()}`;
		const output = await runOnce(
			workflow('manage token', path, credential, [
				{ name: 'Create', parameters: { resource: 'endpoint', operation: 'create', endpointId: 'acme-new', name: 'New', accountId: 'acme', authentication: 'header' } },
				{ name: 'Delete Other', parameters: { resource: 'endpoint', operation: 'delete', endpoint: { __rl: true, mode: 'id', value: 'globex-orders' } } },
			]),
			path,
		);
		const [created] = output('Create');
		assert.equal(created.id, 'acme-new');
		assert.equal(created.secret, undefined, 'secret masked by default');
		assert.match(created.secretHint, /^…/);
		assert.match(output('Delete Other')[0].error, /404/);
		assert.equal((await gateway!.admin('GET', '/endpoints/globex-orders')).status, 200, 'globex endpoint untouched');
		const audit = await gateway!.admin<ListedAuditEntry[]>('GET', '/audit?account=acme');
		assert.match(audit.body[0].who, /^token n8n team acme \(manage\) \(/);
		assert.equal(audit.body[0].action, 'POST /api/v1/endpoints');
	});
});
