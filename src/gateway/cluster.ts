/**
 * `webhook-gateway serve --workers N`: N gateway processes on one port (node:cluster), sharing
 * nothing but Redis, so ingest uses every core of the machine.
 *
 * The primary only forks and supervises: every worker runs the whole gateway (startGateway), and
 * the cluster module hands connections to the workers in turn. SIGTERM or SIGINT to the primary
 * drains every worker (each stops accepting, finishes its in-flight requests, closes Redis) and the
 * primary exits when all have; a second signal kills them. A worker that dies otherwise is logged
 * and replaced. `/metrics`, answered by whichever worker gets the scrape, is the view across all
 * workers: the worker asks the primary, which collects every worker's registries (prom-client's
 * AggregatorRegistry: counters and histograms summed, Redis-sampled gauges taken once).
 */
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { ConfigError } from '../config';
import type { Logger } from '../logger';
import type { RunningGateway } from './server';

/** Most workers `--workers` accepts. */
export const MAX_WORKERS = 64;
/** Pause before replacing a worker that died (ms), so that a crash loop does not spin. */
const RESTART_DELAY_MS = 1000;

type Message =
	| { wgw: 'listening'; url: string; adminUrl?: string }
	| { wgw: 'metrics-req'; id: number }
	| { wgw: 'metrics-res'; id: number; text?: string; error?: string };

const isMessage = (value: unknown): value is Message =>
	typeof value === 'object' &&
	value !== null &&
	typeof (value as { wgw?: unknown }).wgw === 'string';

/**
 * How many workers `serve` runs: the `--workers` flag, else WEBHOOK_GATEWAY_WORKERS, else one per
 * CPU (os.availableParallelism).
 * @throws ConfigError for anything but a whole number from 1 to MAX_WORKERS
 */
export function workerCount(flag: string | undefined, env: NodeJS.ProcessEnv): number {
	const [name, raw] =
		flag !== undefined
			? ['--workers', flag]
			: ['WEBHOOK_GATEWAY_WORKERS', env.WEBHOOK_GATEWAY_WORKERS];
	if (raw === undefined || raw.trim() === '')
		return Math.min(os.availableParallelism(), MAX_WORKERS);
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
		throw new ConfigError(
			`${name}: expected a whole number of worker processes from 1 to ${MAX_WORKERS}, got "${raw}"`,
		);
	return n;
}

export interface ClusterReady {
	url: string;
	adminUrl: string;
	workers: number;
}

/**
 * Runs the primary: forks `count` workers (they run this same command line) and resolves once
 * every one listens.
 * @throws Error when a worker ends before listening (bad settings, Redis refused): the others are
 *   stopped and process.exitCode is the worker's
 */
export function runPrimary(count: number, logger: Logger): Promise<ClusterReady> {
	const aggregator = new AggregatorRegistry();
	let stopping = false;
	let started = false;
	const listening = new Set<number>();
	return new Promise((resolve, reject) => {
		const fork = () => {
			const worker = cluster.fork();
			worker.on('message', (message: unknown) => onMessage(worker, message));
		};
		const onMessage = (worker: Worker, message: unknown) => {
			if (!isMessage(message)) return;
			if (message.wgw === 'listening') {
				listening.add(worker.id);
				logger.info('gateway worker listening', {
					pid: worker.process.pid,
					workers: listening.size,
					of: count,
				});
				if (!started && listening.size === count) {
					started = true;
					resolve({
						url: message.url,
						adminUrl: message.adminUrl ?? `${message.url}/api/v1`,
						workers: count,
					});
				}
			} else if (message.wgw === 'metrics-req') {
				aggregator.clusterMetrics().then(
					(text) =>
						worker.isConnected() && worker.send({ wgw: 'metrics-res', id: message.id, text }),
					(error: unknown) =>
						worker.isConnected() &&
						worker.send({ wgw: 'metrics-res', id: message.id, error: String(error) }),
				);
			}
		};
		cluster.on('exit', (worker, code, signal) => {
			listening.delete(worker.id);
			if (stopping) {
				// SIGTERM ends a worker that has not set up its handler yet (still starting): nothing in flight.
				if (code !== 0 && signal !== 'SIGTERM' && !process.exitCode) process.exitCode = 1;
				if (Object.keys(cluster.workers ?? {}).length === 0) {
					logger.info('webhook gateway stopped', { workers: count });
					process.exit();
				}
				return;
			}
			if (!started) {
				// A worker that cannot start (settings, Redis) would fail again: stop, keep its exit code.
				stopping = true;
				process.exitCode = code || 1;
				for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
				reject(
					new Error(
						`a gateway worker ended before it listened (exit code ${code}${signal ? `, signal ${signal}` : ''}); its error is above`,
					),
				);
				if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode);
				return;
			}
			logger.error('gateway worker died; starting another', {
				pid: worker.process.pid,
				code,
				signal,
			});
			setTimeout(fork, RESTART_DELAY_MS).unref();
		});
		const stop = (signal: NodeJS.Signals) => {
			if (stopping) {
				logger.warn('second signal: killing the gateway workers', { signal });
				for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
				process.exit(1);
			}
			stopping = true;
			logger.info('stopping webhook gateway', {
				signal,
				workers: Object.keys(cluster.workers ?? {}).length,
			});
			for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
		};
		process.on('SIGTERM', stop);
		process.on('SIGINT', stop);
		for (let i = 0; i < count; i++) fork();
	});
}

/**
 * In a worker: tells the primary where it listens, answers /metrics with the view across
 * workers, and leaves signals to the primary (a terminal's Ctrl-C reaches every process of the
 * group; the primary then sends SIGTERM, which `serve` handles as in a single process).
 */
export function joinCluster(running: RunningGateway, registries: Registry[]): void {
	AggregatorRegistry.setRegistries(registries);
	// Constructed for its side effect: the listener that answers the primary's metrics requests.
	new AggregatorRegistry();
	let next = 0;
	const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
	process.on('message', (message: unknown) => {
		if (!isMessage(message) || message.wgw !== 'metrics-res') return;
		const request = waiting.get(message.id);
		waiting.delete(message.id);
		if (message.error !== undefined)
			request?.reject(new Error(`metrics of the other workers: ${message.error}`));
		else request?.resolve(message.text ?? '');
	});
	running.gateway.metrics.useClusterView(
		() =>
			new Promise<string>((resolve, reject) => {
				const id = next++;
				waiting.set(id, { resolve, reject });
				process.send?.({ wgw: 'metrics-req', id });
			}),
	);
	process.on('SIGINT', () => undefined);
	process.send?.({ wgw: 'listening', url: running.url, adminUrl: running.adminUrl });
}
