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
 *     every 3 s — and otherwise once a year) -> NoOp. The credential does not serve (no gateway in
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
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { credentialHeaders } from '../src/auth';
import { storedHeaders } from '../src/events/headers';
import { ManagementService } from '../src/management/service';
import { createStores, redisClientOf, type Stores } from '../src/redis';
import { triggerWorkflow, TRIGGER_NODE } from '../test/e2e/fixtures/triggers';
import { packPackage, startN8n, type N8nInstance } from '../test/helpers/n8n';
import { freePort, waitForPort } from '../test/helpers/ports';
import { executionSummary, n8nChildPid } from './n8n-targets';
import { messageOf } from '../src/errors';

const ROOT = path.resolve(__dirname, '..');
const log = (message: string) => console.error(`release: ${message}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function intEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got '${raw}'`);
	return n;
}
const SIZES = (process.env.RELEASE_EVENTS ?? '20000,100000,300000').split(',').map((s) => {
	const n = Number(s.trim());
	if (!Number.isInteger(n) || n < 1) throw new Error(`RELEASE_EVENTS must list whole numbers, got '${s}'`);
	return n;
});
const BATCH = intEnv('RELEASE_BATCH', 1000);
const CONCURRENCY = intEnv('RELEASE_CONCURRENCY', 256);
const SAMPLE_MS = intEnv('RELEASE_SAMPLE_MS', 200);
const TIMEOUT_MS = intEnv('RELEASE_TIMEOUT_MIN', 15) * 60_000;
const COMPARE = process.env.RELEASE_COMPARE ?? path.join(ROOT, 'bench', 'results', 'latest.json');
const OUT = process.env.RELEASE_OUT ?? path.join(ROOT, 'bench', 'results', 'latest-release.json');
const PAYLOAD = fs.readFileSync(path.join(ROOT, 'bench', 'payload.json'));

// ---------------------------------------------------------------------------------------------
// A private redis-server, killed by pid when this process exits (whatever the reason).

let redisChild: ChildProcess | undefined;
let redisDir: string | undefined;
process.on('exit', () => {
	redisChild?.kill('SIGKILL');
	if (redisDir) fs.rmSync(redisDir, { recursive: true, force: true });
});

async function startPrivateRedis(): Promise<{ url: string; pid: number; port: number }> {
	const port = await freePort();
	redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgw-release-redis-'));
	redisChild = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', redisDir, '--logfile', path.join(redisDir, 'redis.log')],
		{ stdio: 'ignore' },
	);
	await waitForPort(port, 10_000);
	return { url: `redis://127.0.0.1:${port}`, pid: redisChild.pid!, port };
}

// ---------------------------------------------------------------------------------------------
// Memory of a process

interface Memory {
	rssKiB: number;
	hwmKiB: number;
}
function memoryOf(pid: number): Memory {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
	return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}
/** Resets VmHWM to the current RSS (Linux >= 4.0). @returns whether it worked. */
function resetPeak(pid: number): boolean {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}
const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;
function medianOf(values: number[]): number {
	const v = [...values].sort((a, b) => a - b);
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------
// One backlog size

interface SizeResult {
	events: number;
	batch: number;
	bufferSeconds: number;
	bufferEventsPerSecond: number;
	redisUsedMemoryMiB: number;
	executions: number;
	itemsFirst: number;
	itemsLast: number;
	/** Activation to the first execution's start (the trigger checks for waiting events every 3 s). */
	activationToFirstStartSeconds: number;
	/** First execution's start to the last one's end. */
	releaseSeconds: number;
	eventsPerSecond: number;
	executionsPerSecond: number;
	memory: {
		baselineRssMiB: number;
		peakRssMiB: number;
		/** VmHWM at the end: the kernel's peak since the reset before activation (or since n8n started). */
		hwmMiB: number;
		hwmSince: 'reset before activation' | 'n8n start';
		peakOverBaselineMiB: number;
		endRssMiB: number;
		samples: number;
		/** VmRSS slope over the second half of the release, MiB per 10,000 events (null: too short to tell). */
		secondHalfSlopeMiBPer10kEvents: number | null;
	};
	/** [seconds since activation, VmRSS MiB], every ~1 s, for a plot. */
	rssTimeline: [number, number][];
}

async function bufferEvents(stores: Stores, endpointId: string, auth: Parameters<typeof credentialHeaders>[0], n: number): Promise<number> {
	// What the ingest path stores for wrk's request (bench/post.lua): header names lower-case, the
	// credential header (X-Hub-Signature-256) removed.
	const headersJson = JSON.stringify(
		storedHeaders(
			{
				host: '127.0.0.1',
				'content-length': String(PAYLOAD.length),
				'content-type': 'application/json',
				'user-agent': 'GitHub-Hookshot/7d1e3b5',
				'x-github-event': 'push',
				'x-github-hook-id': '512345678',
				'x-github-hook-installation-target-id': '186853002',
				'x-github-hook-installation-target-type': 'repository',
				'x-hub-signature-256': 'sha256=0000000000000000000000000000000000000000000000000000000000000000',
			},
			credentialHeaders(auth),
		),
	);
	const started = Date.now();
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			const outcome = await stores.accept.accept({
				endpointId,
				accountId: 'bench',
				dedupeWindowMs: 0,
				rate: null,
				burst: null,
				daily: null,
				capacity: 100_000_000,
				capacityBytes: Number.MAX_SAFE_INTEGER,
				method: 'POST',
				path: '',
				query: '',
				headersJson,
				sourceIp: '127.0.0.1',
				body: PAYLOAD,
			});
			if (outcome.kind !== 'accepted') throw new Error(`acceptEvent answered ${JSON.stringify(outcome)}`);
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
	return (Date.now() - started) / 1000;
}

async function itemsOfExecution(n8n: N8nInstance, id: number): Promise<number> {
	const execution = (await n8n.api('GET', `/executions/${id}?includeData=true`)) as {
		data?: { resultData?: { runData?: Record<string, { data?: { main?: unknown[][] } }[]> } };
	};
	const runs = execution?.data?.resultData?.runData?.[TRIGGER_NODE];
	return runs?.[0]?.data?.main?.[0]?.length ?? 0;
}

async function runSize(n: number, tarball: string, redis: { url: string; port: number }, deadline: number): Promise<SizeResult> {
	const endpointId = `release-${n}`;
	const prefix = 'wgw:';
	const stores = createStores({ url: redis.url, name: 'bench-release', autoPipelining: true, offlineQueue: true }, prefix);
	const management = new ManagementService(stores, { publicUrl: 'http://127.0.0.1:1', defaultPlan: 'unlimited', defaultBufferCapacity: 100_000_000 });
	const streamKey = `${prefix}{a:bench}:stream:${endpointId}`;
	let n8n: N8nInstance | undefined;
	try {
		await management.setAccountPlan('bench', 'unlimited');
		const { endpoint } = await management.createEndpoint({ id: endpointId, accountId: 'bench', auth: { type: 'hmac', preset: 'github' } }, 'bench');

		log(`[${n}] starting a fresh n8n 2.41.1 with the package`);
		n8n = await startN8n({ packageTarball: tarball, env: { WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS: '100000000', WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '64gb' } });
		const pid = n8nChildPid();
		log(`[${n}] n8n pid ${pid} on ${n8n.url}`);

		log(`[${n}] buffering ${n} events (acceptEvent, ${CONCURRENCY} in flight)`);
		const bufferSeconds = await bufferEvents(stores, endpointId, endpoint.auth, n);
		const length = Number(await redisClientOf(stores).xlen(streamKey));
		if (length !== n) throw new Error(`the stream holds ${length} events after buffering ${n}`);
		const usedMemory = Number(/used_memory:(\d+)/.exec(await redisClientOf(stores).info('memory'))?.[1] ?? NaN);
		log(`[${n}] buffered in ${bufferSeconds.toFixed(1)} s (${Math.round(n / bufferSeconds)} events/s); Redis uses ${mib(usedMemory / 1024)} MiB`);

		const credentialName = 'Webhook Gateway (release bench)';
		const credential = await n8n.createCredential(credentialName, 'webhookGatewayApi', {
			connectionType: 'url',
			redisUrl: redis.url,
			keyPrefix: prefix,
			publicUrl: 'http://127.0.0.1:1',
			serve: false,
		});
		const workflow = triggerWorkflow(`release ${n}`, {
			kind: 'batch',
			credential: { id: credential.id, name: credentialName },
			endpointId,
			parameters: {
				schedule: 'cron',
				cronExpression: '0 0 1 1 *',
				output: 'perEvent',
				options: { maxEventsPerExecution: BATCH, startFrom: 'oldest', releaseWhenWaiting: 1 },
			},
		});
		const { id: workflowId } = await n8n.createWorkflow(workflow);

		// Baseline with n8n idle, the workflow created but inactive. A freshly started n8n shrinks
		// its heap some seconds after start-up (V8's memory reducer: ~720 -> ~480 MiB here), so wait
		// until 5 s of samples agree within 2 % (at least 10 s, at most 60 s), then take their median.
		const baseline: number[] = [];
		const idleSince = Date.now();
		for (;;) {
			baseline.push(memoryOf(pid).rssKiB);
			const window = baseline.slice(-25);
			const spread = (Math.max(...window) - Math.min(...window)) / medianOf(window);
			if ((Date.now() - idleSince >= 10_000 && window.length === 25 && spread < 0.02) || Date.now() - idleSince >= 60_000) break;
			await sleep(200);
		}
		const baselineKiB = medianOf(baseline.slice(-25));
		const reset = resetPeak(pid);

		const samples: { t: number; rssKiB: number; hwmKiB: number }[] = [];
		const activatedAt = Date.now();
		const sampler = setInterval(() => {
			try {
				const m = memoryOf(pid);
				samples.push({ t: Date.now() - activatedAt, ...m });
			} catch {
				// n8n went away: the wait below notices
			}
		}, SAMPLE_MS);
		const expected = Math.ceil(n / BATCH);
		let summary: Awaited<ReturnType<typeof executionSummary>> | undefined;
		try {
			log(`[${n}] activating the Batch Trigger workflow (${BATCH} per execution); baseline VmRSS ${mib(baselineKiB)} MiB`);
			await n8n.activate(workflowId);
			let lastLog = Date.now();
			for (;;) {
				const left = Number(await redisClientOf(stores).xlen(streamKey));
				if (left === 0) break;
				if (Date.now() > deadline) {
					throw new Error(
						`ABORTED: the release of ${n} events did not finish within the time limit (RELEASE_TIMEOUT_MIN): ${n - left} of ${n} acknowledged after ${Math.round((Date.now() - activatedAt) / 1000)} s`,
					);
				}
				try {
					process.kill(pid, 0);
				} catch {
					throw new Error(`n8n (pid ${pid}) exited during the release of ${n} events`);
				}
				if (Date.now() - lastLog >= 10_000) {
					lastLog = Date.now();
					const last = samples[samples.length - 1];
					log(`[${n}] ${n - left} of ${n} events acknowledged after ${Math.round((Date.now() - activatedAt) / 1000)} s; VmRSS ${last ? mib(last.rssKiB) : '?'} MiB`);
				}
				await sleep(250);
			}
			// The last batch is acknowledged when its execution has finished; wait until n8n lists it.
			for (;;) {
				summary = await executionSummary(n8n, workflowId, 0);
				if (summary.finished >= expected) break;
				if (Date.now() > deadline) throw new Error(`ABORTED: ${summary.finished} of ${expected} executions listed as finished when the time limit was reached`);
				await sleep(500);
			}
		} finally {
			clearInterval(sampler);
		}
		const end = memoryOf(pid);
		await n8n.deactivate(workflowId).catch(() => undefined);

		if (!summary) throw new Error('no execution summary');
		const execs = summary.executions;
		if (execs.length !== expected) throw new Error(`${execs.length} executions for ${n} events, expected ${expected}`);
		const failed = execs.filter((e) => e.status !== 'success');
		if (failed.length > 0) throw new Error(`${failed.length} executions did not succeed: ${JSON.stringify(failed.slice(0, 3))}`);
		const first = execs[0]!;
		const last = execs[execs.length - 1]!;
		const itemsFirst = await itemsOfExecution(n8n, first.id);
		const itemsLast = await itemsOfExecution(n8n, last.id);
		const expectLast = n - (expected - 1) * BATCH;
		if (itemsFirst !== Math.min(BATCH, n) || itemsLast !== expectLast) {
			throw new Error(`the first execution holds ${itemsFirst} items (expected ${Math.min(BATCH, n)}), the last ${itemsLast} (expected ${expectLast})`);
		}
		const releaseSeconds = (last.stoppedAt! - first.startedAt!) / 1000;
		const peakKiB = Math.max(...samples.map((s) => s.rssKiB));
		const timeline: [number, number][] = [];
		let nextT = 0;
		for (const s of samples) {
			if (s.t >= nextT) {
				timeline.push([Math.round(s.t / 100) / 10, mib(s.rssKiB)]);
				nextT = s.t + 1000;
			}
		}
		// Growth while the release ran: least-squares slope of VmRSS over the second half of the
		// release window, per 10,000 events delivered (about 0 when memory has levelled off).
		const relStart = first.startedAt! - activatedAt;
		const relEnd = last.stoppedAt! - activatedAt;
		const secondHalf = samples.filter((x) => x.t >= (relStart + relEnd) / 2 && x.t <= relEnd);
		let slopePer10k: number | null = null;
		if (secondHalf.length >= 10) {
			const xs = secondHalf.map((x) => x.t / 1000);
			const ys = secondHalf.map((x) => x.rssKiB / 1024);
			const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
			const my = ys.reduce((a, b) => a + b, 0) / ys.length;
			let sxy = 0;
			let sxx = 0;
			xs.forEach((x, i) => {
				sxy += (x - mx) * (ys[i]! - my);
				sxx += (x - mx) ** 2;
			});
			const mibPerSecond = sxx > 0 ? sxy / sxx : 0;
			slopePer10k = Math.round(((mibPerSecond * 10_000) / (n / releaseSeconds)) * 10) / 10;
		}
		const result: SizeResult = {
			events: n,
			batch: BATCH,
			bufferSeconds: Math.round(bufferSeconds * 10) / 10,
			bufferEventsPerSecond: Math.round(n / bufferSeconds),
			redisUsedMemoryMiB: mib(usedMemory / 1024),
			executions: execs.length,
			itemsFirst,
			itemsLast,
			activationToFirstStartSeconds: Math.round((first.startedAt! - activatedAt) / 100) / 10,
			releaseSeconds: Math.round(releaseSeconds * 10) / 10,
			eventsPerSecond: Math.round(n / releaseSeconds),
			executionsPerSecond: Math.round((execs.length / releaseSeconds) * 100) / 100,
			memory: {
				baselineRssMiB: mib(baselineKiB),
				peakRssMiB: mib(peakKiB),
				hwmMiB: mib(end.hwmKiB),
				hwmSince: reset ? 'reset before activation' : 'n8n start',
				peakOverBaselineMiB: mib(Math.max(peakKiB, reset ? end.hwmKiB : 0) - baselineKiB),
				endRssMiB: mib(end.rssKiB),
				samples: samples.length,
				secondHalfSlopeMiBPer10kEvents: slopePer10k,
			},
			rssTimeline: timeline,
		};
		log(
			`[${n}] ${result.executions} executions in ${result.releaseSeconds} s: ${result.eventsPerSecond} events/s, ${result.executionsPerSecond} executions/s; ` +
				`VmRSS baseline ${result.memory.baselineRssMiB} MiB, peak ${result.memory.peakRssMiB} MiB (VmHWM ${result.memory.hwmMiB} MiB)`,
		);
		return result;
	} finally {
		await n8n?.stop().catch(() => undefined);
		await redisClientOf(stores).del(streamKey).catch(() => undefined);
		await stores.close().catch(() => undefined);
	}
}

// ---------------------------------------------------------------------------------------------

interface Comparison {
	source: string;
	measuredAt: string;
	executionsPerSecond: number;
	reqPerSec: number;
}
function webhookNodeFigures(): Comparison | undefined {
	try {
		const latest = JSON.parse(fs.readFileSync(COMPARE, 'utf8'));
		const n8n = latest?.summary?.targets?.n8n;
		if (!n8n || !(n8n.executionsPerSecond > 0)) return undefined;
		return { source: path.relative(ROOT, COMPARE), measuredAt: latest.measuredAt, executionsPerSecond: n8n.executionsPerSecond, reqPerSec: n8n.reqPerSec };
	} catch {
		return undefined;
	}
}

async function main(): Promise<void> {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'WebhookBatchTrigger', 'WebhookBatchTrigger.node.js'))) {
		throw new Error('dist/ is not built: run `npm run build` first');
	}
	const started = Date.now();
	const redis = await startPrivateRedis();
	log(`redis-server pid ${redis.pid} on 127.0.0.1:${redis.port}`);
	const tarball = await packPackage(ROOT);
	const results: SizeResult[] = [];
	for (const n of SIZES) {
		results.push(await runSize(n, tarball, redis, Date.now() + TIMEOUT_MS));
	}

	const compare = webhookNodeFigures();
	const bySize = [...results].sort((a, b) => a.events - b.events);
	const small = bySize[0]!;
	const large = bySize[bySize.length - 1]!;
	const backlogRatio = large.events / small.events;
	const peakRatio = large.memory.peakRssMiB / small.memory.peakRssMiB;
	const deltaRatio = large.memory.peakOverBaselineMiB / small.memory.peakOverBaselineMiB;
	// Bounded: a 5x backlog must not raise the peak by more than a quarter (noise, GC timing).
	const bounded = bySize.length < 2 || peakRatio <= 1.25;

	const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
	const lines = [
		`Batch Trigger release, ${BATCH} events per execution (one item per event, Webhook Batch Trigger -> NoOp), n8n 2.41.1 (Node 24, SQLite, defaults), a fresh n8n per backlog; ` +
			`events buffered with acceptEvent (${PAYLOAD.length}-byte GitHub push + its headers).`,
		'',
		'| backlog | executions | release (first start → last end) | events/s delivered | executions/s | n8n VmRSS before | peak VmRSS (200 ms samples) | VmHWM | peak − before | VmRSS slope, 2nd half of the release |',
		'|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
		...bySize.map(
			(r) =>
				`| ${fmt(r.events)} | ${r.executions} | ${fmt(r.releaseSeconds, 1)} s | ${fmt(r.eventsPerSecond)} | ${fmt(r.executionsPerSecond, 2)} | ${fmt(r.memory.baselineRssMiB)} MiB | ` +
				`${fmt(r.memory.peakRssMiB)} MiB | ${fmt(r.memory.hwmMiB)} MiB | ${fmt(r.memory.peakOverBaselineMiB)} MiB | ` +
				`${r.memory.secondHalfSlopeMiBPer10kEvents === null ? '— (too short)' : `${fmt(r.memory.secondHalfSlopeMiBPer10kEvents, 1)} MiB per 10k events`} |`,
		),
		'',
	];
	if (bySize.length >= 2) {
		lines.push(
			`Backlog ×${fmt(backlogRatio, 1)} (${fmt(small.events)} → ${fmt(large.events)}) → peak VmRSS ×${fmt(peakRatio, 2)} (${fmt(small.memory.peakRssMiB)} → ${fmt(large.memory.peakRssMiB)} MiB): ` +
				(bounded ? 'bounded by the batch size, not by the backlog' : '**grows with the backlog** (more than ×1.25)') +
				`. "peak − before" depends on where V8's heap stood at the start (a fresh n8n shrinks its heap some seconds after start-up); the peak itself is the figure to compare.`,
			'',
		);
	}
	if (compare) {
		lines.push(
			`n8n's own Webhook node (${compare.source}, ${compare.measuredAt}): ${fmt(compare.executionsPerSecond, 1)} executions/s (${fmt(compare.reqPerSec, 1)} req/s), one event each. ` +
				`Events delivered into workflows per second by the Batch Trigger, against that: ` +
				bySize.map((r) => `${fmt(r.events)} backlog ${fmt(r.eventsPerSecond)}/s = **${fmt(r.eventsPerSecond / compare.executionsPerSecond, 0)}×**`).join('; ') +
				'.',
		);
	} else {
		lines.push(`(No n8n Webhook node figure in ${path.relative(ROOT, COMPARE)}: run \`bash bench/run.sh\` with the n8n target first, or RELEASE=1 bash bench/run.sh.)`);
	}
	const markdown = lines.join('\n');
	fs.mkdirSync(path.dirname(OUT), { recursive: true });
	fs.writeFileSync(
		OUT,
		JSON.stringify(
			{
				measuredAt: new Date().toISOString(),
				machine: { cpus: os.availableParallelism(), memoryGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version },
				settings: { sizes: SIZES, batch: BATCH, concurrency: CONCURRENCY, sampleMs: SAMPLE_MS, timeoutMin: TIMEOUT_MS / 60_000 },
				results,
				comparison: { backlogRatio, peakRatio, peakOverBaselineRatio: deltaRatio, bounded, webhookNode: compare ?? null },
				totalSeconds: Math.round((Date.now() - started) / 1000),
				markdown,
			},
			null,
			2,
		) + '\n',
	);
	console.log(markdown);
	log(`results: ${path.relative(ROOT, OUT)} (${Math.round((Date.now() - started) / 1000)} s in all)`);
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(`release: FAILED: ${messageOf(error)}`);
		process.exit(1);
	},
);
