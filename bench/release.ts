/**
 * End-to-end release benchmark: a backlog of buffered webhooks released into n8n by a Webhook Batch
 * Trigger, 1000 events per execution, one execution after the other.
 *
 *   node --import tsx bench/release.ts        (or RELEASE=1 bash bench/run.sh, after the throughput run)
 *
 * For each backlog size (RELEASE_EVENTS, default 20000,100000,300000), with a fresh n8n 2.41.1 each time
 * (same start-up state, so the peaks are comparable):
 *  1. Buffer the backlog: `stores.accept.accept(...)` — the gateway's own acceptEvent round trip,
 *     with the headers the ingest path stores for bench/payload.json and wrk's GitHub headers — in a
 *     loop with RELEASE_CONCURRENCY calls in flight (ioredis auto-pipelining), straight into Redis;
 *     no HTTP, so that exactly N events wait and n8n's memory is untouched by the buffering.
 *  2. Sample n8n's resident memory (VmRSS from /proc/<pid>/status) until it is stable: the baseline. Reset the
 *     kernel's peak (`echo 5 > /proc/<pid>/clear_refs`) so VmHWM afterwards is the release's peak.
 *  3. Create and activate a workflow: Webhook Batch Trigger (start from the events already
 *     buffered, 1000 per execution, one item per event, release as soon as events wait — checked
 *     every 3 s — and otherwise once a year) -> NoOp. n8n serves no endpoints (no gateway in
 *     n8n): the n8n process does the release and nothing else. n8n runs with its defaults (SQLite,
 *     execution data of successful runs saved).
 *  4. Sample VmRSS/VmHWM every RELEASE_SAMPLE_MS (200) until the stream is empty (every batch
 *     acknowledged after its execution succeeded, which trims it) and every execution is listed as
 *     finished; abort after RELEASE_TIMEOUT_MIN (15) minutes with a clear message.
 *  5. Check: ceil(N/1000) executions, all successful, the first holding 1000 items and the last the
 *     rest; measure from the first execution's start to the last one's end: events/s, executions/s.
 *
 * Then: the peaks of the sizes side by side (bounded by the batch size, not by the backlog), and
 * the events/s set beside the executions/s of n8n's Webhook node from RELEASE_COMPARE
 * (bench/results/latest.json of bench/run.sh, when it has an n8n target).
 *
 * Knobs: RELEASE_EVENTS=20000,100000,300000  RELEASE_BATCH=1000  RELEASE_CONCURRENCY=256
 * RELEASE_SAMPLE_MS=200  RELEASE_TIMEOUT_MIN=15  RELEASE_COMPARE=bench/results/latest.json
 * RELEASE_OUT=bench/results/latest-release.json
 * Everything on 127.0.0.1; Redis and n8n are this process's children, stopped by pid on exit.
 *
 * The steps live in bench/release/: config.ts (knobs), setup.ts (Redis, the backlog), drive.ts
 * (one backlog size in n8n), measure.ts (memory from /proc), report.ts (table and JSON).
 */
import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../src/errors';
import { packPackage } from '../test/harness/n8n';
import { log, ROOT, SIZES, TIMEOUT_MS, type SizeResult } from './release/config';
import { runSize } from './release/drive';
import { report } from './release/report';
import { startPrivateRedis } from './release/setup';

async function main(): Promise<void> {
	if (
		!fs.existsSync(
			path.join(ROOT, 'dist', 'nodes', 'WebhookBatchTrigger', 'WebhookBatchTrigger.node.js'),
		)
	) {
		throw new Error('dist/ is not built: run `npm run build` first');
	}
	const started = Date.now();
	const redis = await startPrivateRedis();
	log(`redis-server on ${redis.url}`);
	const tarball = await packPackage(ROOT);
	const results: SizeResult[] = [];
	for (const n of SIZES) {
		results.push(await runSize(n, tarball, redis, Date.now() + TIMEOUT_MS));
	}
	report(results, started);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`release: FAILED: ${messageOf(error)}`);
		process.exit(1);
	},
);
