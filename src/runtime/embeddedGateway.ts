/**
 * Starts the gateway embedded in n8n on a worker thread of n8n's process (gatewayWorker.ts).
 *
 * Why not on n8n's own thread: there every request cost 1.4–2.6× the CPU of the standalone gateway
 * on the same Node (bench/profile-load.sh; docs/benchmarks.md, "Embedded gateway: what n8n's
 * process added per request"). No n8n code runs on the request path; the cost is the shared V8
 * isolate: what requests promote to the old generation makes V8 mark n8n's whole ~250 MiB heap every
 * few seconds (main thread and GC helper threads), every scavenge scans n8n's larger roots, and
 * Node's internals run slower next to n8n's code. A worker has a heap and JIT state of its own, like
 * the standalone gateway's, and its own event loop, so ingest no longer competes with n8n's UI,
 * executions and timers on one thread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError, type GatewayConfig } from '../config';
import { deliveryMetrics } from '../delivery/metrics';
import type { Logger } from '../logger';
import { SERVER_TIMEOUTS } from '../gateway/server';

export interface GatewayWorkerData {
	config: GatewayConfig;
}
export type ToGatewayWorker =
	| { type: 'close' }
	| { type: 'delivery-metrics'; id: number; text: string };
export type FromGatewayWorker =
	| { type: 'delivery-metrics-request'; id: number }
	| { type: 'listening'; url: string }
	| { type: 'failed'; message: string; configError?: boolean }
	| { type: 'closed' }
	| { type: 'log'; level: keyof Logger; message: string; fields?: Record<string, unknown> };

export interface EmbeddedGateway {
	url: string;
	close(): Promise<void>;
}

/**
 * Cap of the worker's young generation (V8 splits it into two semi-spaces and a space for large new
 * objects). Left to V8's defaults it grows to a 128 MiB new space under load (the standalone
 * gateway's, bench/profile-hook.js), which n8n's process would carry next to its own. A request's
 * objects live a few milliseconds, so scavenging a smaller one more often costs no measurable CPU
 * per request (bench/profile-load.sh).
 */
const WORKER_YOUNG_GENERATION_MB = 48;

/** Extra time after the server's own shutdown grace before the worker is terminated. */
const CLOSE_MARGIN_MS = 5_000;

/**
 * The worker's entry next to this file: gatewayWorker.js from dist/. Run from source (the tests,
 * under tsx), the worker gets no TypeScript loader of its own: it registers tsx's first.
 */
function newWorker(workerData: GatewayWorkerData): Worker {
	const options = {
		workerData,
		name: 'webhook-gateway',
		resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
	};
	const js = path.join(__dirname, 'gatewayWorker.js');
	if (fs.existsSync(js)) return new Worker(js, options);
	const ts = path.join(__dirname, 'gatewayWorker.ts');
	return new Worker(`require('tsx/cjs'); require(${JSON.stringify(ts)});`, {
		...options,
		eval: true,
	});
}

/**
 * Starts the gateway on a worker thread and resolves once it listens.
 * @throws ConfigError when the configuration or the Redis cannot work (a default plan that does not
 *   exist, a Redis too old); an Error when it cannot listen (e.g. EADDRINUSE) or the worker fails
 *   to start. The worker is gone then.
 */
export function startEmbeddedGateway(
	config: GatewayConfig,
	logger: Logger,
): Promise<EmbeddedGateway> {
	const worker = newWorker({ config });
	let closed: Promise<void> | undefined;
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	worker.on('message', (message: FromGatewayWorker) => {
		if (message.type === 'log') logger[message.level](message.message, message.fields);
		// /metrics in the worker appends the delivery counters, which the triggers keep on this thread.
		if (message.type === 'delivery-metrics-request') {
			void deliveryMetrics()
				.registry.metrics()
				.catch(() => '')
				.then((text) =>
					worker.postMessage({
						type: 'delivery-metrics',
						id: message.id,
						text,
					} satisfies ToGatewayWorker),
				);
		}
	});

	const close = (): Promise<void> => {
		closed ??= (async () => {
			const done = new Promise<void>((resolve) =>
				worker.on('message', (m: FromGatewayWorker) => m.type === 'closed' && resolve()),
			);
			worker.postMessage({ type: 'close' } satisfies ToGatewayWorker);
			const deadline = new Promise<void>((resolve) =>
				setTimeout(resolve, SERVER_TIMEOUTS.shutdownGraceMs + CLOSE_MARGIN_MS).unref(),
			);
			await Promise.race([done, exited, deadline]);
			await worker.terminate();
		})();
		return closed;
	};

	return new Promise((resolve, reject) => {
		let started = false;
		worker.on('message', (message: FromGatewayWorker) => {
			if (message.type === 'listening') {
				started = true;
				resolve({ url: message.url, close });
			} else if (message.type === 'failed') {
				void worker.terminate();
				reject(message.configError ? new ConfigError(message.message) : new Error(message.message));
			}
		});
		// An uncaught error ends the worker (and with it the gateway), never n8n's process.
		worker.on('error', (error) => {
			if (!started) reject(error);
			else
				logger.error(
					'the embedded webhook gateway stopped after an internal error; restart the workflows that serve it',
					{ error: error.message },
				);
		});
		worker.once('exit', (code) => {
			if (!started)
				reject(new Error(`the gateway worker exited with code ${code} before it listened`));
		});
	});
}
