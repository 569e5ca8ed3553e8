/**
 * The demo behind scripts/demo.sh: everything a new user would set up by hand, started in one go.
 * - a private redis-server (AOF on) on a free port;
 * - n8n 2.41.1 with this package installed as a community package, owner account created;
 * - a Webhook Gateway credential (serve on: the embedded gateway listens on DEMO_GATEWAY_PORT, 5680);
 * - an endpoint with the GitHub signature preset on an account with the Advanced plan (5 req/s,
 *   burst 5, 250 a day) and a workflow whose Webhook Batch Trigger releases every 30 seconds;
 * - sample events: 5 signed pushes (202), one more at once (429, burst used up), one unsigned (403).
 * It prints the editor URL, the login, the endpoint URL and what to look at, then keeps running
 * until Ctrl-C, which stops n8n and Redis.
 */
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { ManagementService } from '../src/management/service';
import { createStores } from '../src/redis';
import { freePort, waitForPort } from '../test/harness/ports';
import { n8nServeEnv, OWNER, packPackage, startN8n } from '../test/harness/n8n';
import { startRedis } from '../test/harness/redis';

const ROOT = path.resolve(__dirname, '..');
const PREFIX = 'demo:';
const ENDPOINT_ID = 'demo-github';
const log = (message: string) => console.log(`[demo] ${message}`);

/** `preferred` when it is free, else (or when 0) any free loopback port. */
async function portOr(preferred: number): Promise<number> {
	if (!preferred) return await freePort();
	const net = await import('node:net');
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => void freePort().then(resolve));
		server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
	});
}

async function main(): Promise<void> {
	const redis = await startRedis();
	log(`Redis on ${redis.url} (AOF on, data in ${redis.dir})`);
	const stores = createStores({ url: redis.url, offlineQueue: true }, PREFIX);
	const gatewayPort = await portOr(Number(process.env.DEMO_GATEWAY_PORT ?? 5680));
	const publicUrl = `http://127.0.0.1:${gatewayPort}`;
	const management = new ManagementService(stores, {
		publicUrl,
		defaultPlan: 'forever-free',
		defaultBufferCapacity: 1_000_000,
	});

	log('installing the package into n8n and starting n8n (about 20 s)');
	const tarball = await packPackage(ROOT);
	// The embedded gateway reads the admin token from n8n's environment: it signs the console in.
	const adminToken = process.env.WEBHOOK_GATEWAY_ADMIN_TOKEN || `demo-${randomUUID()}`;
	const n8n = await startN8n({
		packageTarball: tarball,
		port: await portOr(Number(process.env.DEMO_N8N_PORT ?? 5678)),
		// The n8n admin's choice: this n8n serves the endpoints itself on the gateway port.
		env: { WEBHOOK_GATEWAY_ADMIN_TOKEN: adminToken, ...n8nServeEnv(gatewayPort) },
	});
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		log('stopping n8n and Redis');
		await n8n.stop().catch(() => undefined);
		await stores.close().catch(() => undefined);
		await redis.stop().catch(() => undefined);
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());

	await management.setAccountPlan('demo', 'advanced');
	const existing = await management.getEndpoint(ENDPOINT_ID).catch(() => undefined);
	if (existing) await management.deleteEndpoint(ENDPOINT_ID);
	const { endpoint, secret } = await management.createEndpoint(
		{
			id: ENDPOINT_ID,
			name: 'Demo: GitHub pushes',
			accountId: 'demo',
			auth: { type: 'hmac', preset: 'github' },
			description: 'Created by scripts/demo.ts',
		},
		'demo',
	);

	const credential = await n8n.createCredential('Webhook Gateway (demo)', 'webhookGatewayApi', {
		connectionType: 'url',
		redisUrl: redis.url,
		keyPrefix: PREFIX,
		publicUrl,
	});
	const workflow = await n8n.createWorkflow({
		name: 'Demo: GitHub pushes, released every 30 s',
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook Batch Trigger',
				type: 'n8n-nodes-webhook-gateway.webhookBatchTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					endpoint: { __rl: true, mode: 'id', value: ENDPOINT_ID },
					schedule: 'cron',
					cronExpression: '*/30 * * * * *',
					output: 'perEvent',
					options: {},
				},
				credentials: { webhookGatewayApi: { id: credential.id, name: 'Webhook Gateway (demo)' } },
			},
			{
				id: randomUUID(),
				name: 'Each Push',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [260, 0],
				parameters: {},
			},
		],
		connections: {
			'Webhook Batch Trigger': { main: [[{ node: 'Each Push', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	});
	await n8n.activate(workflow.id);
	await waitForPort(gatewayPort, 30_000);
	log(`embedded gateway listening on ${publicUrl}`);

	const send = async (n: number, signed: boolean) => {
		const body = JSON.stringify({
			ref: 'refs/heads/main',
			after: randomUUID(),
			pusher: { name: 'demo' },
			commits: [{ message: `sample push ${n}` }],
		});
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'x-github-event': 'push',
			'x-github-delivery': randomUUID(),
		};
		if (signed)
			headers['x-hub-signature-256'] =
				'sha256=' +
				createHmac('sha256', secret as string)
					.update(body)
					.digest('hex');
		const res = await fetch(endpoint.url, { method: 'POST', headers, body });
		return `${res.status} ${await res.text()}`;
	};
	log('sending sample events:');
	for (let i = 1; i <= 5; i++) log(`  signed push ${i}: ${await send(i, true)}`);
	log(`  a 6th at once (burst of the Advanced plan used up): ${await send(6, true)}`);
	log(`  an unsigned one: ${await send(7, false)}`);

	console.log(`
  n8n editor    ${n8n.url}   (login ${OWNER.email} / ${OWNER.password})
  workflow      ${n8n.url}/workflow/${workflow.id}
  endpoint URL  ${endpoint.url}
  secret        ${secret}   (GitHub preset: X-Hub-Signature-256; shown once)
  console       ${publicUrl}/console   (sign in with the admin token ${adminToken})

  What to look at: within 30 seconds the workflow's Executions tab shows ONE execution holding
  the 5 accepted pushes as 5 items. The 429 and the 403 were never stored and start nothing.
  Send more with the secret above; every 30 s the waiting events are released as one batch.
  Ctrl-C stops n8n and Redis.
`);
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		const runs = await n8n.executions(workflow.id);
		if (runs.length > 0) {
			const items =
				runs[0].data?.resultData?.runData?.['Webhook Batch Trigger']?.[0]?.data?.main?.[0]?.length;
			log(`first release: execution ${runs[0].id} (${runs[0].status}) with ${items ?? '?'} events`);
			break;
		}
		await new Promise((r) => setTimeout(r, 2000));
	}
	if (process.env.DEMO_EXIT_AFTER_RELEASE === '1') await stop();
	await new Promise(() => undefined);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
