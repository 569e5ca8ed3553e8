/**
 * Raw Trigger latency benchmark: how long after its 202 an event's execution starts in n8n, at a
 * steady rate (docs/benchmarks.md, "Raw Trigger latency").
 *
 *   node --import tsx bench/raw-latency.ts
 *
 * Set-up: n8n 2.41.1 (or E2E_N8N_VERSION) with this package installed from its npm tarball, the
 * gateway embedded in n8n, a private redis-server, one endpoint without auth on the `unlimited`
 * plan and one active workflow: Webhook Raw Trigger → NoOp (the end-to-end tests' workflow).
 * Drive: RAW_RATE events per second for RAW_SECONDS seconds, each POST sent on its own schedule
 * (not after the previous answer), so a slow answer does not slow the rate down.
 * Measure: for every event, n8n's `startedAt` of the execution that received it minus the moment
 * its 202 arrived (both on this machine's clock; negative when n8n started the run before the
 * client had read the answer). Report: p50/p90/p99/max in ms, and RAW_OUT as JSON.
 *
 * Knobs: RAW_RATE=10  RAW_SECONDS=30  RAW_OUT=bench/results/latest-raw-latency.json
 * Everything on 127.0.0.1; Redis and n8n are this process's children, stopped by pid on exit.
 * Needs `npm run build` first (the tarball is packed from dist/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../src/errors';
import { N8N_VERSION } from '../test/harness/n8n';
import { startGatewayN8n, type GatewayN8n } from '../test/e2e/fixtures/context';
import { sendWebhook, triggerItems, type Sent } from '../test/e2e/fixtures/triggers';

const ROOT = path.resolve(__dirname, '..');
const log = (message: string) => console.error(`raw-latency: ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function positiveEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a number > 0, got '${raw}'`);
	return n;
}
const RATE = positiveEnv('RAW_RATE', 10);
const SECONDS = positiveEnv('RAW_SECONDS', 30);
const OUT = process.env.RAW_OUT ?? path.join(ROOT, 'bench', 'results', 'latest-raw-latency.json');

/** The q-quantile (0..1) of sorted values, nearest rank. */
function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Sends RATE events per second for SECONDS seconds on a fixed schedule; every one must get a 202. */
async function drive(g: GatewayN8n, endpointId: string): Promise<Sent[]> {
	const count = Math.round(RATE * SECONDS);
	const intervalMs = 1000 / RATE;
	const started = Date.now();
	const pending: Promise<Sent>[] = [];
	for (let i = 0; i < count; i++) {
		const due = started + i * intervalMs;
		const wait = due - Date.now();
		if (wait > 0) await sleep(wait);
		pending.push(sendWebhook(g.hooks, endpointId, i));
	}
	const sent = await Promise.all(pending);
	const refused = sent.filter((s) => s.status !== 202);
	if (refused.length > 0)
		throw new Error(
			`${refused.length} of ${count} webhooks were not accepted (first: ${refused[0].status} ${JSON.stringify(refused[0].body)})`,
		);
	log(
		`sent ${count} events in ${((Date.now() - started) / 1000).toFixed(1)} s (${RATE}/s planned)`,
	);
	return sent;
}

async function main(): Promise<void> {
	const g = await startGatewayN8n();
	try {
		await g.endpoint('latency');
		const raw = await g.workflow('raw latency', { kind: 'raw', endpointId: 'latency' });
		await g.activate(raw);
		const sent = await drive(g, 'latency');
		const executions = await g.n8n.waitForExecutions(
			raw.id,
			sent.length,
			120_000 + sent.length * 1000,
		);
		const startedByEvent = new Map<string, number>();
		for (const execution of executions)
			startedByEvent.set(String(triggerItems(execution)[0].id), Date.parse(execution.startedAt));
		const delays: number[] = [];
		for (const s of sent) {
			const startedAt = startedByEvent.get(String(s.body.eventId));
			if (startedAt === undefined)
				throw new Error(`no execution received event ${s.body.eventId} (seq ${s.seq})`);
			delays.push(startedAt - s.at);
		}
		const sorted = [...delays].sort((a, b) => a - b);
		const result = {
			at: new Date().toISOString(),
			n8n: N8N_VERSION,
			rate: RATE,
			seconds: SECONDS,
			events: sent.length,
			executions: executions.length,
			failed: executions.filter((e) => e.status !== 'success').length,
			ms: {
				p50: quantile(sorted, 0.5),
				p90: quantile(sorted, 0.9),
				p99: quantile(sorted, 0.99),
				max: sorted[sorted.length - 1],
				min: sorted[0],
			},
			goal: { p99MaxMs: 100 },
		};
		fs.mkdirSync(path.dirname(OUT), { recursive: true });
		fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
		console.log(
			`Raw Trigger, ${RATE} events/s for ${SECONDS} s (${result.events} events, ${result.executions} executions, ${result.failed} failed): ` +
				`202 → execution start p50 ${result.ms.p50} ms, p90 ${result.ms.p90} ms, p99 ${result.ms.p99} ms, max ${result.ms.max} ms ` +
				`(goal p99 ≤ 100 ms: ${result.ms.p99 <= 100 ? 'met' : 'NOT met'}); ${path.relative(ROOT, OUT)}`,
		);
	} finally {
		await g.close('raw latency');
	}
}

main().catch((error: unknown) => {
	log(messageOf(error));
	process.exitCode = 1;
});
