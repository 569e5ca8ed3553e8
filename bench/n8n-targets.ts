/**
 * The two n8n targets of bench/run.sh, in one real n8n 2.41.1 (Node 24, SQLite, default settings)
 * with this package installed from its `npm pack` tarball the way n8n installs community packages:
 *
 * - embedded: n8n started with WEBHOOK_GATEWAY_N8N_SERVE=true (the gateway inside n8n listens on a free
 *   loopback port), endpoint BENCH_EMBEDDED_ID (GitHub HMAC preset, account `bench` on the built-in
 *   `unlimited` plan, secret BENCH_SECRET, so wrk sends the very request it sends the standalone
 *   gateway), and an ACTIVE Webhook Batch Trigger workflow on it: the first active trigger is what
 *   starts the embedded gateway. Its schedule is once a year (`0 0 1 1 *`, 1 January), so it never
 *   releases during a run and every request's cost is the ingest alone, as for the standalone gateway.
 * - n8n: an active workflow with n8n's own Webhook node (POST, "respond immediately") and a NoOp
 *   node: what users would pick instead.
 * - ingress: the same endpoint through n8n's own HTTP server (docs/n8n-url.md): an active workflow
 *   with the Webhook Gateway Ingress node (webhook id BENCH_INGRESS_WEBHOOK_ID), same credential;
 *   URL `<n8n>/webhook/<webhook id>/hooks/<endpoint id>`. No execution per request.
 *
 * Usage (bench/run.sh does this): BENCH_REDIS_URL=redis://127.0.0.1:<port> BENCH_SECRET=<secret>
 * BENCH_INFO_FILE=<file> node --import tsx bench/n8n-targets.ts
 *   BENCH_KEY_PREFIX   key prefix (default wgw:, the standalone gateway's default)
 *   BENCH_EMBEDDED_ID  endpoint id (default bench-embedded)
 *
 * When everything is up it writes BENCH_INFO_FILE (JSON: URLs, n8n's pid, workflow ids, the
 * control URL) and stays alive until SIGTERM/SIGINT, which stops n8n gracefully (SIGTERM to its
 * process group, SIGKILL after 15 s; the harness then removes its temp folder).
 * BENCH_N8N_NODE_OPTIONS becomes n8n's NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=<dir>`);
 * BENCH_N8N_EXPRESSION_ENGINE its N8N_EXPRESSION_ENGINE (`vm`, n8n's default, or `legacy`: the
 * ingress target's cost per request depends on it, docs/n8n-url.md#throughput); any other
 * N8N_EXPRESSION_ENGINE_* variable (e.g. N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE) is passed on as is.
 * A loopback control server answers
 * `GET /executions?workflowId=<id>&afterId=<id>`: a summary (no data) of that workflow's
 * executions with a larger id, so run.sh can count the executions of a measured window.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ManagementService } from '../src/management/service';
import { createStores } from '../src/redis';
import { triggerWorkflow } from '../test/e2e/fixtures/triggers';
import {
	n8nServeEnv,
	packPackage,
	startN8n,
	webhookWorkflow,
	type N8nInstance,
} from '../test/harness/n8n';
import { freePort, waitForPort } from '../test/harness/ports';
import { messageOf } from '../src/errors';

const ROOT = path.resolve(__dirname, '..');
const log = (message: string) => console.error(`[n8n-targets] ${message}`);

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set`);
	return value;
}

/** The pid of our child process whose command line mentions `n8n start` (the harness does not expose it). */
export function n8nChildPid(parentPid = process.pid): number {
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid !== parentPid) continue;
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (cmdline.some((arg) => arg.endsWith('/n8n/bin/n8n')) && cmdline.includes('start'))
				return Number(entry);
		} catch {
			// the process went away meanwhile
		}
	}
	throw new Error('could not find the n8n process among this process’s children');
}

/** An execution as n8n's public API lists it without data (the fields used here). */
interface ListedExecution {
	id: string | number;
	status?: string;
	finished?: boolean;
	startedAt?: string | null;
	stoppedAt?: string | null;
}

export interface ExecutionSummary {
	/** Executions with id > afterId. */
	total: number;
	finished: number;
	success: number;
	maxId: number;
	/** Every execution with id > afterId: id, status, start and stop (ms since the epoch). */
	executions: { id: number; status: string; startedAt: number | null; stoppedAt: number | null }[];
}

/** Summary of a workflow's executions newer than `afterId`, read without their data (cheap). */
export async function executionSummary(
	n8n: N8nInstance,
	workflowId: string,
	afterId = 0,
): Promise<ExecutionSummary> {
	const rows: ExecutionSummary['executions'] = [];
	let cursor: string | undefined;
	let maxId = afterId;
	for (;;) {
		const query = new URLSearchParams({ workflowId, includeData: 'false', limit: '250' });
		if (cursor) query.set('cursor', cursor);
		const page = (await n8n.api('GET', `/executions?${query.toString()}`)) as {
			data: ListedExecution[];
			nextCursor?: string | null;
		};
		let older = false;
		for (const e of page.data) {
			const id = Number(e.id);
			maxId = Math.max(maxId, id);
			if (id <= afterId) {
				older = true;
				continue;
			}
			const time = (v: unknown) => (typeof v === 'string' ? Date.parse(v) : null);
			rows.push({
				id,
				status: String(e.status ?? (e.finished ? 'success' : 'unknown')),
				startedAt: time(e.startedAt),
				stoppedAt: time(e.stoppedAt),
			});
		}
		// Newest first: once a page reaches ids <= afterId, the rest is older.
		if (older || !page.nextCursor || page.data.length === 0) break;
		cursor = page.nextCursor;
	}
	rows.sort((a, b) => a.id - b.id);
	const finishedStates = new Set(['success', 'error', 'crashed', 'canceled']);
	return {
		total: rows.length,
		finished: rows.filter((r) => finishedStates.has(r.status)).length,
		success: rows.filter((r) => r.status === 'success').length,
		maxId,
		executions: rows,
	};
}

async function main(): Promise<void> {
	const redisUrl = required('BENCH_REDIS_URL');
	const secret = required('BENCH_SECRET');
	const infoFile = required('BENCH_INFO_FILE');
	const prefix = process.env.BENCH_KEY_PREFIX ?? 'wgw:';
	const endpointId = process.env.BENCH_EMBEDDED_ID ?? 'bench-embedded';
	if (
		!fs.existsSync(
			path.join(ROOT, 'dist', 'nodes', 'WebhookBatchTrigger', 'WebhookBatchTrigger.node.js'),
		)
	) {
		throw new Error('dist/ is not built: run `npm run build` first');
	}

	const servePort = await freePort();
	const hooks = `http://127.0.0.1:${servePort}`;
	const stores = createStores(
		{ url: redisUrl, name: 'bench-n8n-targets', offlineQueue: true },
		prefix,
	);
	const management = new ManagementService(stores, {
		publicUrl: hooks,
		defaultPlan: 'unlimited',
		defaultBufferCapacity: 100_000_000,
	});

	log('npm pack, install the package into n8n, start n8n (about 30-60 s)');
	const started = Date.now();
	const tarball = await packPackage(ROOT);
	const n8n = await startN8n({
		packageTarball: tarball,
		env: {
			// The embedded gateway takes what the credential does not set from n8n's environment.
			WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS: '100000000',
			WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '64gb',
			WEBHOOK_GATEWAY_ADMIN_PORT: '0',
			// The n8n admin's setting that makes this n8n serve the endpoints on its own port.
			...n8nServeEnv(servePort),
			// e.g. `--cpu-prof --cpu-prof-dir=<dir>` (bench/run.sh N8N_PROFILE=1)
			...(process.env.BENCH_N8N_NODE_OPTIONS
				? { NODE_OPTIONS: process.env.BENCH_N8N_NODE_OPTIONS }
				: {}),
			...(process.env.BENCH_N8N_EXPRESSION_ENGINE
				? { N8N_EXPRESSION_ENGINE: process.env.BENCH_N8N_EXPRESSION_ENGINE }
				: {}),
			...Object.fromEntries(
				Object.entries(process.env).filter(
					(e): e is [string, string] =>
						e[0].startsWith('N8N_EXPRESSION_ENGINE_') && e[1] !== undefined,
				),
			),
		},
	});
	// Stop n8n gracefully on SIGTERM/SIGINT (so that e.g. --cpu-prof can write its profile), instead
	// of the harness's immediate exit that SIGKILLs n8n's process group; its exit hook still kills
	// whatever is left and removes the temp folders.
	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		log(`${signal}: stopping n8n`);
		n8n.stop().finally(() => process.exit(0));
	};
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		process.removeAllListeners(signal);
		process.on(signal, () => stop(signal));
	}
	const n8nPid = n8nChildPid();
	log(`n8n pid ${n8nPid} on ${n8n.url} after ${((Date.now() - started) / 1000).toFixed(1)} s`);

	// Endpoint for the embedded gateway: same preset, plan and secret as the standalone one.
	await management.setAccountPlan('bench', 'unlimited');
	if (await management.getEndpoint(endpointId).catch(() => undefined))
		await management.deleteEndpoint(endpointId);
	await management.createEndpoint(
		{
			id: endpointId,
			name: 'bench (embedded)',
			accountId: 'bench',
			auth: { type: 'hmac', preset: 'github' },
			secret,
		},
		'bench',
	);

	const credentialName = 'Webhook Gateway (bench)';
	const credential = await n8n.createCredential(credentialName, 'webhookGatewayApi', {
		connectionType: 'url',
		redisUrl,
		keyPrefix: prefix,
		publicUrl: hooks,
	});
	const batch = triggerWorkflow('bench: embedded gateway (batch trigger, releases once a year)', {
		kind: 'batch',
		credential: { id: credential.id, name: credentialName },
		endpointId,
		parameters: { schedule: 'cron', cronExpression: '0 0 1 1 *', options: {} },
	});
	const batchWorkflow = await n8n.createWorkflow(batch);
	await n8n.activate(batchWorkflow.id);
	await waitForPort(servePort, 60_000);
	log(`embedded gateway on ${hooks}`);

	const ingressWebhookId = 'bench-gateway';
	const ingress = await n8n.createWorkflow({
		name: 'bench: endpoints on n8n’s own URL (Webhook Gateway Ingress)',
		nodes: [
			{
				id: 'c0ffee00-0000-4000-8000-000000000001',
				name: 'Ingress',
				type: 'n8n-nodes-webhook-gateway.webhookGatewayIngress',
				typeVersion: 1,
				position: [0, 0],
				webhookId: ingressWebhookId,
				parameters: {},
				credentials: { webhookGatewayApi: { id: credential.id, name: credentialName } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	});
	await n8n.activate(ingress.id);
	const ingressUrl = `${n8n.url}/webhook/${ingressWebhookId}/hooks/${endpointId}`;
	// Live once n8n registered the webhook: the gateway's 403 for an unsigned request says so.
	for (const deadline = Date.now() + 60_000; ; ) {
		const res = await fetch(ingressUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		}).catch(() => undefined);
		if (res?.status === 403) break;
		if (Date.now() > deadline)
			throw new Error(
				`the ingress ${ingressUrl} did not answer 403 within 60 s (last: ${res?.status})`,
			);
		await new Promise((r) => setTimeout(r, 500));
	}

	const webhookPath = 'bench-n8n';
	const webhook = await n8n.createWorkflow(webhookWorkflow(webhookPath));
	await n8n.activate(webhook.id);
	const webhookUrl = `${n8n.url}/webhook/${webhookPath}`;
	// n8n 2.x activates through an outbox: wait until the webhook really answers.
	const deadline = Date.now() + 60_000;
	for (;;) {
		const res = await fetch(webhookUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"probe":true}',
		}).catch(() => undefined);
		if (res?.ok) break;
		if (Date.now() > deadline)
			throw new Error(
				`n8n's webhook ${webhookUrl} did not answer 2xx within 60 s (last: ${res?.status})`,
			);
		await new Promise((r) => setTimeout(r, 500));
	}

	const control = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const answer = (status: number, body: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(body));
		};
		if (url.pathname !== '/executions') return answer(404, { error: 'not found' });
		executionSummary(
			n8n,
			url.searchParams.get('workflowId') ?? webhook.id,
			Number(url.searchParams.get('afterId') ?? 0),
		).then(
			(summary) => answer(200, summary),
			(error: unknown) => answer(500, { error: messageOf(error) }),
		);
	});
	const controlPort = await freePort();
	await new Promise<void>((resolve) => control.listen(controlPort, '127.0.0.1', resolve));

	const info = {
		n8nUrl: n8n.url,
		n8nPid,
		n8nVersion: '2.41.1',
		embeddedUrl: `${hooks}/hooks/${endpointId}`,
		embeddedEndpointId: endpointId,
		embeddedStreamKey: `${prefix}{a:bench}:stream:${endpointId}`,
		webhookUrl,
		ingressUrl,
		ingressWorkflowId: ingress.id,
		batchWorkflowId: batchWorkflow.id,
		webhookWorkflowId: webhook.id,
		controlUrl: `http://127.0.0.1:${controlPort}`,
		startSeconds: Math.round((Date.now() - started) / 100) / 10,
	};
	fs.writeFileSync(`${infoFile}.tmp`, JSON.stringify(info, null, 2));
	fs.renameSync(`${infoFile}.tmp`, infoFile);
	log(`ready: ${JSON.stringify(info)}`);
	await new Promise(() => undefined);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(
			`[n8n-targets] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
		);
		process.exit(1);
	});
}
