/**
 * n8n 2.41.1 in queue mode for end-to-end tests: one main (`n8n start`, holds the triggers and
 * enqueues executions) and one worker (`n8n worker`, runs them), sharing one database and one
 * encryption key, with Bull on a private standalone redis-server.
 *
 * - Database: a private PostgreSQL cluster (test/harness/postgres.ts). n8n only warns
 *   about SQLite in queue mode ("Scaling mode is not officially supported with sqlite") and it
 *   works here with one SQLite file shared by both processes: that is the fallback when PostgreSQL
 *   is not installed (`database: 'auto'`, the default).
 * - The main is a regular `startN8n()` instance (owner, API key, REST helpers) with queue-mode env.
 * - The worker gets its own user folder holding a copy of the main's installed community packages
 *   (`.n8n/nodes`), its own health-check port and task-broker port, and the same env otherwise.
 *
 * Every process runs in its own process group and is stopped by pid; what is still running when
 * the test process exits is SIGKILLed and its temp folders removed (N8N_HARNESS_KEEP=1 keeps them).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureN8n, hermeticN8nEnv, n8nBinaries, startN8n, type N8nInstance } from './n8n';
import { freePort } from './ports';
import { groupProcess, logBuffer, makeTempDir, onProcessExit, removeDir } from './processes';
import { findPostgresBin, startPostgres, type PostgresServer } from './postgres';
import { startRedis, type RedisServer } from './redis';

export interface N8nWorker {
	/** QUEUE_HEALTH_CHECK_PORT: GET /healthz and /healthz/readiness. */
	healthPort: number;
	userFolder: string;
	/** pid of the running worker process (its process group), undefined when stopped. */
	pid(): number | undefined;
	/** Captured stdout+stderr (the last few MB), across restarts. */
	logs(): string;
	/** SIGTERM to the process group (SIGKILL after the grace time). Idempotent. */
	stop(): Promise<void>;
	/** SIGKILL to the process group. */
	kill(): Promise<void>;
	/** Starts again with the same folder, ports and env; resolves when the worker is ready. */
	start(): Promise<void>;
}

export interface N8nQueue {
	main: N8nInstance;
	worker: N8nWorker;
	/** The standalone redis-server that holds Bull's queue and n8n's pub/sub. */
	bullRedis: RedisServer;
	/** The private PostgreSQL (undefined with database 'sqlite'). */
	postgres?: PostgresServer;
	/** The env both processes got on top of the harness defaults (queue mode, DB, key). */
	sharedEnv: Record<string, string>;
	/** Stops worker, main, PostgreSQL and the Bull Redis. Idempotent. */
	stop(): Promise<void>;
}

export interface StartN8nQueueOptions {
	/** Community package tarball (packPackage) for main and worker. */
	packageTarball?: string;
	/** Extra env for both processes (e.g. N8N_LOG_LEVEL). */
	env?: Record<string, string>;
	mainEnv?: Record<string, string>;
	workerEnv?: Record<string, string>;
	/**
	 * 'postgres' (n8n's supported database for queue mode), 'sqlite' (one file shared by both
	 * processes; n8n warns but it works here), or 'auto' (default): PostgreSQL when its binaries are
	 * installed, else SQLite. N8N_QUEUE_DATABASE=postgres|sqlite overrides 'auto'.
	 */
	database?: 'postgres' | 'sqlite' | 'auto';
	/** Jobs the worker runs in parallel (`--concurrency`, default 10). */
	concurrency?: number;
}

const STARTUP_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 20_000;
const WORKER_READY_LINE = 'n8n worker is now ready';

/** Bull's redis-servers (test/harness/redis.ts starts them; `kill()` sends SIGKILL synchronously). */
const liveRedis = new Set<RedisServer>();

/** Exit task (test/harness/processes.ts): Bull's redis-servers go with the test process too. */
function killLiveRedis(): void {
	for (const server of liveRedis) void server.kill();
	liveRedis.clear();
}

// ---------------------------------------------------------------------------------------------
// Worker

async function startWorker(options: {
	cacheDir: string;
	/** The main's user folder: its installed community packages are copied. */
	mainUserFolder: string;
	env: Record<string, string>;
	concurrency: number;
}): Promise<N8nWorker> {
	const binaries = n8nBinaries(options.cacheDir);
	const userFolder = makeTempDir('wgw-n8n-worker-');
	const mainNodes = path.join(options.mainUserFolder, '.n8n', 'nodes');
	if (fs.existsSync(mainNodes)) {
		fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
		fs.cpSync(mainNodes, path.join(userFolder, '.n8n', 'nodes'), {
			recursive: true,
			verbatimSymlinks: true,
		});
	}
	const healthPort = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === healthPort || brokerPort === 5679) brokerPort = await freePort();
	const env = hermeticN8nEnv(options.cacheDir, userFolder, {
		QUEUE_HEALTH_CHECK_ACTIVE: 'true',
		QUEUE_HEALTH_CHECK_PORT: String(healthPort),
		N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		...options.env,
	});
	const log = logBuffer();
	const proc = groupProcess({
		name: 'n8n worker',
		subject: 'the n8n worker',
		description: `n8n worker (health port ${healthPort}, user folder ${userFolder})`,
		command: binaries.node,
		args: [binaries.n8n, 'worker', `--concurrency=${options.concurrency}`],
		cwd: userFolder,
		env,
		log,
		readyLine: WORKER_READY_LINE,
		readinessUrl: `http://127.0.0.1:${healthPort}/healthz/readiness`,
		startupTimeoutMs: STARTUP_TIMEOUT_MS,
		stopGraceMs: STOP_GRACE_MS,
	});

	await proc.start();
	return {
		healthPort,
		userFolder,
		pid: proc.pid,
		logs: log.text,
		stop: proc.stop,
		kill: proc.kill,
		start: proc.start,
	};
}

// ---------------------------------------------------------------------------------------------
// Main + worker

/**
 * Starts Bull's Redis, the database, the main (owner + API key) and then the worker (after the
 * main ran the migrations). On failure everything started so far is stopped again.
 */
export async function startN8nQueue(options: StartN8nQueueOptions = {}): Promise<N8nQueue> {
	const cacheDir = await ensureN8n();
	onProcessExit(killLiveRedis);
	const cleanups: (() => Promise<void>)[] = [];
	const undo = async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
	};
	try {
		const bullRedis = await startRedis();
		liveRedis.add(bullRedis);
		cleanups.push(async () => {
			await bullRedis.stop();
			liveRedis.delete(bullRedis);
		});
		let postgres: PostgresServer | undefined;
		let dbEnv: Record<string, string>;
		let database = options.database ?? 'auto';
		if (database === 'auto') {
			const wanted = process.env.N8N_QUEUE_DATABASE;
			database =
				wanted === 'postgres' || wanted === 'sqlite'
					? wanted
					: findPostgresBin()
						? 'postgres'
						: 'sqlite';
		}
		if (database === 'postgres') {
			postgres = await startPostgres();
			cleanups.push(() => postgres!.stop());
			dbEnv = postgres.env;
		} else {
			const dbDir = makeTempDir('wgw-n8n-sqlite-');
			cleanups.push(async () => removeDir(dbDir));
			dbEnv = { DB_TYPE: 'sqlite', DB_SQLITE_DATABASE: path.join(dbDir, 'database.sqlite') };
		}
		const sharedEnv: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(bullRedis.port),
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			...dbEnv,
			...options.env,
		};
		const main = await startN8n({
			packageTarball: options.packageTarball,
			env: { ...sharedEnv, ...options.mainEnv },
		});
		cleanups.push(() => main.stop());
		const worker = await startWorker({
			cacheDir,
			mainUserFolder: main.userFolder,
			env: { ...sharedEnv, ...options.workerEnv },
			concurrency: options.concurrency ?? 10,
		});
		cleanups.push(async () => {
			await worker.stop();
			removeDir(worker.userFolder);
		});
		let stopped = false;
		return {
			main,
			worker,
			bullRedis,
			postgres,
			sharedEnv,
			async stop() {
				if (stopped) return;
				stopped = true;
				await undo();
			},
		};
	} catch (error) {
		await undo();
		throw error;
	}
}

/** Execution ids the main enqueued and the worker ran, from their logs. */
export function queueLogFacts(queue: Pick<N8nQueue, 'main' | 'worker'>): {
	enqueued: string[];
	workerStarted: string[];
	workerFinished: string[];
} {
	const ids = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);
	return {
		enqueued: ids(queue.main.logs(), /Enqueued execution (\d+) \(job/g),
		workerStarted: ids(queue.worker.logs(), /Worker started execution (\d+) \(job/g),
		workerFinished: ids(queue.worker.logs(), /Worker finished execution (\d+) \(job/g),
	};
}

// ---------------------------------------------------------------------------------------------
// Webhook process

export interface N8nWebhookProcess {
	/** N8N_PORT of the webhook process: production webhooks under /webhook/. */
	port: number;
	url: string;
	userFolder: string;
	logs(): string;
	/** SIGTERM to the process group (SIGKILL after the grace time). Idempotent. */
	stop(): Promise<void>;
}

const WEBHOOK_READY_LINE = 'Webhook listener waiting for requests.';

/**
 * Starts `n8n webhook` next to a queue's main and worker: same database, Bull Redis and encryption
 * key (`queue.sharedEnv`), a copy of the main's community packages, a port of its own. It serves
 * production webhooks (and enqueues their executions) like a load balancer's webhook pool would.
 * The caller stops it (before `queue.stop()`).
 */
export async function startN8nWebhookProcess(
	queue: Pick<N8nQueue, 'main' | 'sharedEnv'>,
	env: Record<string, string> = {},
): Promise<N8nWebhookProcess> {
	const cacheDir = await ensureN8n();
	const binaries = n8nBinaries(cacheDir);
	const userFolder = makeTempDir('wgw-n8n-webhook-');
	const mainNodes = path.join(queue.main.userFolder, '.n8n', 'nodes');
	if (fs.existsSync(mainNodes)) {
		fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
		fs.cpSync(mainNodes, path.join(userFolder, '.n8n', 'nodes'), {
			recursive: true,
			verbatimSymlinks: true,
		});
	}
	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port || brokerPort === 5679) brokerPort = await freePort();
	const log = logBuffer();
	const proc = groupProcess({
		name: 'n8n webhook',
		subject: 'the n8n webhook process',
		description: `n8n webhook (port ${port}, user folder ${userFolder})`,
		command: binaries.node,
		args: [binaries.n8n, 'webhook'],
		cwd: userFolder,
		env: hermeticN8nEnv(cacheDir, userFolder, {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			...queue.sharedEnv,
			...env,
		}),
		log,
		readyLine: WEBHOOK_READY_LINE,
		readinessUrl: `http://127.0.0.1:${port}/healthz`,
		startupTimeoutMs: STARTUP_TIMEOUT_MS,
		stopGraceMs: STOP_GRACE_MS,
	});
	await proc.start();
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		userFolder,
		logs: log.text,
		async stop() {
			await proc.stop();
			removeDir(userFolder);
		},
	};
}
