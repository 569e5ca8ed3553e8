/**
 * Set-up of the screenshot script: a private redis-server, n8n with the package (embedded gateway
 * on), the credential, the endpoints, the digest workflow and one released batch of signed sample
 * pushes; and the signal handling that stops all of it by pid on Ctrl-C or SIGTERM.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { ManagementService } from '../../src/management/service';
import { createStores } from '../../src/redis';
import { n8nServeEnv, packPackage, startN8n, type N8nInstance } from '../../test/harness/n8n';
import { freePort, waitForPort } from '../../test/harness/ports';
import { startRedis, type RedisServer } from '../../test/harness/redis';
import {
	AUTHORS,
	CREDENTIAL_NAME,
	ENDPOINTS,
	log,
	PREFIX,
	REPOS,
	ROOT,
	SAMPLE_PUSHES,
	TRIGGER,
} from './pictures';

export interface Setup {
	redis: RedisServer;
	n8n: N8nInstance;
	gatewayUrl: string;
	adminToken: string;
	workflowId: string;
	executionId: string;
	stop(): Promise<void>;
}

/** What a signal must stop before the process exits, newest last. */
export const cleanups: (() => Promise<void>)[] = [];

/**
 * On Ctrl-C or SIGTERM: run the cleanups (n8n, Redis, browser), then exit. The n8n harness installs
 * handlers of its own that exit at once (its 'exit' hook kills n8n but not Redis), so they are
 * replaced: call this again after the harness has installed them.
 */
export function guardSignals(): void {
	let stopping = false;
	for (const [signal, code] of [
		['SIGINT', 130],
		['SIGTERM', 143],
	] as const) {
		process.removeAllListeners(signal);
		process.on(signal, () => {
			if (stopping) return;
			stopping = true;
			log(`${signal}: stopping what this script started`);
			void (async () => {
				for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
			})().finally(() => process.exit(code));
		});
	}
}

/** Redis + n8n with the package, a credential, the endpoints, the workflow and one released batch. */
export async function setUp(): Promise<Setup> {
	const redis = await startRedis();
	const stores = createStores({ url: redis.url, offlineQueue: true }, PREFIX);
	const gatewayPort = await freePort();
	const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
	const management = new ManagementService(stores, {
		publicUrl: gatewayUrl,
		defaultPlan: 'forever-free',
		defaultBufferCapacity: 1_000_000,
	});
	let n8n: N8nInstance | undefined;
	let stopped: Promise<void> | undefined;
	const stop = () =>
		(stopped ??= (async () => {
			await n8n?.stop().catch(() => undefined);
			await stores.close().catch(() => undefined);
			await redis.stop().catch(() => undefined);
		})());
	cleanups.push(stop);
	try {
		log(`Redis on ${redis.url}; installing the package into n8n and starting it`);
		const tarball = await packPackage(ROOT);
		guardSignals(); // the harness has installed its signal handlers by now
		// The embedded gateway reads its admin token from n8n's environment; it signs the console in.
		const adminToken = `shots-${randomUUID()}`;
		n8n = await startN8n({
			packageTarball: tarball,
			env: { WEBHOOK_GATEWAY_ADMIN_TOKEN: adminToken, ...n8nServeEnv(gatewayPort) },
		});
		log(`n8n on ${n8n.url}`);

		await management.setAccountPlan('acme', 'unlimited');
		const secrets: Record<string, string> = {};
		for (const e of ENDPOINTS) {
			const created = await management.createEndpoint(
				{
					id: e.id,
					name: e.name,
					description: e.description,
					accountId: 'acme',
					auth: { type: 'hmac', preset: e.preset },
				},
				'screenshots',
			);
			secrets[e.id] = created.secret as string;
		}
		const github = await management.getEndpoint('github-pushes');

		const credential = await n8n.createCredential(CREDENTIAL_NAME, 'webhookGatewayApi', {
			connectionType: 'url',
			redisUrl: redis.url,
			keyPrefix: PREFIX,
			publicUrl: gatewayUrl,
		});
		const workflow = await n8n.createWorkflow(
			digestWorkflow(credential.id, github.name, github.url),
		);
		await n8n.activate(workflow.id);
		await waitForPort(gatewayPort, 30_000);
		log(`embedded gateway on ${gatewayUrl}; sending ${SAMPLE_PUSHES} signed pushes`);

		const push = async (i: number) => {
			const body = JSON.stringify({
				ref: 'refs/heads/main',
				after: randomUUID().replace(/-/g, ''),
				repository: { full_name: REPOS[i % REPOS.length] },
				pusher: { name: AUTHORS[i % AUTHORS.length] },
				commits: [{ message: `Sample change ${i + 1}` }],
			});
			await send(github.url, body, 'application/json', {
				'x-github-event': 'push',
				'x-github-delivery': randomUUID(),
				'x-hub-signature-256': 'sha256=' + hmacHex(secrets['github-pushes'], body),
			});
		};
		for (let i = 0; i < SAMPLE_PUSHES; i++) await push(i);
		const executions = await n8n.waitForExecutions(workflow.id, 1, 60_000);
		const execution = executions[0];
		if (execution.status !== 'success')
			throw new Error(`the release's execution ${execution.id} ended ${execution.status}`);
		log(`released: execution ${execution.id} holds the ${SAMPLE_PUSHES} pushes`);
		// One more push waits for the next release: "Execute step" in the editor shows it.
		await push(SAMPLE_PUSHES);

		// Some traffic on the other endpoints, for the console's figures (nothing subscribes to them).
		const stripe = await management.getEndpoint('stripe-payments');
		for (const [n, amount, currency] of [
			[1, 2000, 'usd'],
			[2, 4999, 'usd'],
			[3, 1500, 'eur'],
		] as const) {
			const body = JSON.stringify({
				id: `evt_sample_${n}`,
				object: 'event',
				type: 'payment_intent.succeeded',
				data: { object: { amount, currency } },
			});
			const t = Math.floor(Date.now() / 1000);
			await send(stripe.url, body, 'application/json', {
				'stripe-signature': `t=${t},v1=${hmacHex(secrets['stripe-payments'], `${t}.${body}`)}`,
			});
		}
		const slack = await management.getEndpoint('slack-commands');
		for (const text of ['api production', 'web staging']) {
			const body = new URLSearchParams({
				command: '/deploy',
				text,
				user_name: 'ada',
				response_url: 'https://hooks.slack.com/commands/T0/1/x',
			}).toString();
			const t = String(Math.floor(Date.now() / 1000));
			await send(slack.url, body, 'application/x-www-form-urlencoded', {
				'x-slack-request-timestamp': t,
				'x-slack-signature': `v0=${hmacHex(secrets['slack-commands'], `v0:${t}:${body}`)}`,
			});
		}
		return {
			redis,
			n8n,
			gatewayUrl,
			adminToken,
			workflowId: workflow.id,
			executionId: String(execution.id),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

const hmacHex = (secret: string, data: string) =>
	createHmac('sha256', secret).update(data).digest('hex');

/** POSTs a signed sample event; anything but 202 stops the script. */
async function send(
	url: string,
	body: string,
	contentType: string,
	headers: Record<string, string>,
): Promise<void> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': contentType, ...headers },
		body,
		signal: AbortSignal.timeout(10_000),
	});
	if (res.status !== 202)
		throw new Error(`sample event to ${url}: ${res.status} ${await res.text()}`);
}

/** The workflow on the canvas: Batch Trigger → Code (digest per repository) → NoOp (send it). */
function digestWorkflow(credentialId: string, endpointName: string, endpointUrl: string) {
	return {
		name: 'GitHub pushes → hourly digest',
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-webhook-gateway.webhookBatchTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					endpoint: {
						__rl: true,
						mode: 'list',
						value: 'github-pushes',
						cachedResultName: `${endpointName} (github-pushes)`,
						cachedResultUrl: endpointUrl,
					},
					schedule: 'everyHour',
					output: 'perEvent',
					// Every hour, and also as soon as 5 events wait: the 5 sample pushes are released now.
					options: { releaseWhenWaiting: SAMPLE_PUSHES },
				},
				credentials: { webhookGatewayApi: { id: credentialId, name: CREDENTIAL_NAME } },
			},
			{
				id: randomUUID(),
				name: 'Pushes per repository',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [260, 0],
				parameters: {
					jsCode: [
						'const perRepo = {};',
						'for (const item of $input.all()) {',
						'  const repo = item.json.body?.repository?.full_name ?? "unknown";',
						'  perRepo[repo] = (perRepo[repo] ?? 0) + 1;',
						'}',
						'return Object.entries(perRepo).map(([repository, pushes]) => ({ json: { repository, pushes } }));',
					].join('\n'),
				},
			},
			{
				id: randomUUID(),
				name: 'Send digest',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [520, 0],
				parameters: {},
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Pushes per repository', type: 'main', index: 0 }]] },
			'Pushes per repository': { main: [[{ node: 'Send digest', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
