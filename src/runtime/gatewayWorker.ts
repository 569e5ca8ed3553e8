/**
 * Entry of the worker thread that runs the gateway embedded in n8n (see embeddedGateway.ts): the
 * gateway gets a V8 isolate of its own instead of sharing n8n's. Messages:
 *   in:  {type: 'close'}
 *   out: {type: 'listening', url} | {type: 'failed', message} | {type: 'closed'} | {type: 'log', level, message, fields}
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, type GatewayConfig } from '../config';
import type { Logger } from '../logger';
import { startGateway } from '../gateway/server';
import type { FromGatewayWorker, GatewayWorkerData, ToGatewayWorker } from './embeddedGateway';
import { messageOf } from '../errors';

const port = parentPort;
if (!port)
	throw new Error(
		'gatewayWorker.ts runs only as a worker thread (src/runtime/embeddedGateway.ts starts it)',
	);
const send = (message: FromGatewayWorker) => port.postMessage(message);

/** Log fields must survive structured cloning; anything that does not (functions ...) is sent as text. */
function cloneable(
	fields: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
	if (!fields) return undefined;
	try {
		structuredClone(fields);
		return fields;
	} catch {
		return Object.fromEntries(
			Object.entries(fields).map(([k, v]) => [
				k,
				typeof v === 'object' || typeof v === 'function' ? String(v) : v,
			]),
		);
	}
}

/** The host's logger (n8n's), reached by message. */
const logger: Logger = {
	debug: (message, fields) =>
		send({ type: 'log', level: 'debug', message, fields: cloneable(fields) }),
	info: (message, fields) =>
		send({ type: 'log', level: 'info', message, fields: cloneable(fields) }),
	warn: (message, fields) =>
		send({ type: 'log', level: 'warn', message, fields: cloneable(fields) }),
	error: (message, fields) =>
		send({ type: 'log', level: 'error', message, fields: cloneable(fields) }),
};

/** The triggers' delivery counters live on n8n's main thread: asked for at every scrape. */
const DELIVERY_METRICS_TIMEOUT_MS = 2000;
let nextRequest = 0;
const waiting = new Map<number, (text: string) => void>();
port.on('message', (message: ToGatewayWorker) => {
	if (message.type !== 'delivery-metrics') return;
	waiting.get(message.id)?.(message.text);
	waiting.delete(message.id);
});
function deliveryMetrics(): Promise<string> {
	const id = nextRequest++;
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			waiting.delete(id);
			resolve('');
		}, DELIVERY_METRICS_TIMEOUT_MS);
		waiting.set(id, (text) => {
			clearTimeout(timer);
			resolve(text);
		});
		send({ type: 'delivery-metrics-request', id });
	});
}

const { config } = workerData as GatewayWorkerData;
startGateway(config as GatewayConfig, { logger, deliveryMetrics }).then(
	(running) => {
		port.on('message', (message: ToGatewayWorker) => {
			if (message.type !== 'close') return;
			running.close().then(
				() => send({ type: 'closed' }),
				(error: unknown) => {
					logger.error('webhook gateway did not close cleanly', { error: messageOf(error) });
					send({ type: 'closed' });
				},
			);
		});
		send({ type: 'listening', url: running.url });
	},
	(error: unknown) =>
		send({ type: 'failed', message: messageOf(error), configError: error instanceof ConfigError }),
);
