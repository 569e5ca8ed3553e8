/**
 * Process-wide, reference-counted resources for the n8n nodes: one set of Redis clients per
 * (Redis, key prefix) and one embedded gateway per listen address, however many triggers use
 * them. The first user creates, the last release closes. Kept on globalThis so that a second copy
 * of this module in the same process still shares them (never a second `listen`).
 */
import { ConfigError, type GatewayConfig } from '../config';
import { createIngress, type Ingress } from '../gateway/ingress';
import type { Logger } from '../logger';
import { ManagementService } from '../management/service';
import { createStores, logFinding, type ServerCheckResult, type Stores } from '../redis';
import { secretCodecOf } from '../security/secretBox';
import { connectionOf } from './settings';
import { messageOf } from '../errors';

export interface Lease<T> {
	value: T;
	/** Idempotent. */
	release(): Promise<void>;
}

interface Counted<T> {
	value: Promise<T>;
	refs: number;
	close(value: T): Promise<void>;
	/** Pending close after the last release (see `lingerMs`). */
	closeTimer?: NodeJS.Timeout;
}

type Registry = Map<string, Counted<unknown>>;
const KEY = Symbol.for('n8n-nodes-webhook-gateway.shared');
const registry: Registry = ((globalThis as Record<symbol, unknown>)[KEY] ??= new Map()) as Registry;

/**
 * @param lingerMs keep the resource this long after its last release, so that short users (one
 *   node execution after another) share one connection instead of opening one each.
 */
async function acquire<T>(
	key: string,
	create: () => Promise<T>,
	close: (value: T) => Promise<void>,
	lingerMs = 0,
): Promise<Lease<T>> {
	let entry = registry.get(key) as Counted<T> | undefined;
	if (entry?.closeTimer) {
		clearTimeout(entry.closeTimer);
		entry.closeTimer = undefined;
	}
	if (!entry) {
		entry = { value: create(), refs: 0, close };
		registry.set(key, entry as Counted<unknown>);
		const created = entry;
		created.value.catch(() => {
			if (registry.get(key) === created) registry.delete(key);
		});
	}
	entry.refs++;
	const held = entry;
	let value: T;
	try {
		value = await held.value;
	} catch (error) {
		held.refs--;
		throw error;
	}
	let released = false;
	return {
		value,
		async release() {
			if (released) return;
			released = true;
			held.refs--;
			if (held.refs > 0 || registry.get(key) !== held) return;
			const closeNow = async () => {
				if (held.refs === 0 && registry.get(key) === held) {
					registry.delete(key);
					await held.close(value);
				}
			};
			if (lingerMs <= 0) return await closeNow();
			held.closeTimer = setTimeout(() => void closeNow().catch(() => undefined), lingerMs);
			held.closeTimer.unref();
		},
	};
}

/** How long Redis clients stay open after their last user released them. */
export const CLIENT_LINGER_MS = 30_000;

export interface SharedClient {
	stores: Stores;
	management: ManagementService;
	/** The Redis version/settings check, run once per client (see checkRedisOnce). */
	serverCheck?: Promise<ServerCheckResult | undefined>;
	/** The ingest served through n8n's own URL on this client (ingressOf), built on first use. */
	ingress?: Ingress;
}

/**
 * The ingest of the Webhook Gateway Ingress node on a shared client: one registry cache and
 * subscription per client however many requests arrive; closed with the client.
 */
export function ingressOf(client: SharedClient, config: GatewayConfig, logger: Logger): Ingress {
	client.ingress ??= createIngress(client.stores, client.management, config, logger);
	return client.ingress;
}

/**
 * Checks the Redis of a shared client once (however many triggers use it) and logs what puts data
 * at risk on the given (n8n's) logger, so the n8n log shows it even without an embedded gateway.
 * An unreachable Redis is not an error here (the triggers retry); the next session checks again.
 * @throws ConfigError when Redis is too old for the gateway's scripts
 */
export async function checkRedisOnce(
	client: SharedClient,
	config: GatewayConfig,
	logger: Logger,
): Promise<void> {
	client.serverCheck ??= client.stores.checkServer({ allowEviction: config.allowEviction }).then(
		(result) => {
			for (const finding of result.findings) logFinding(logger, finding);
			return result;
		},
		() => {
			client.serverCheck = undefined;
			return undefined;
		},
	);
	const result = await client.serverCheck;
	if (result?.fatal) throw new ConfigError(`Cannot use this Redis: ${result.fatal}`);
}

/** Redis stores and the management service for a config (shared per Redis URL + prefix). */
/**
 * @param logger where the shared client logs what it discards (an endpoint deleted from the
 *   Webhook Endpoint node with events still buffered); the first user's logger serves them all.
 */
export function acquireClient(
	config: GatewayConfig,
	logger?: Logger,
): Promise<Lease<SharedClient>> {
	const key = `client|${config.redisUrl}|${config.redisClusterNodes.join(',')}|${config.keyPrefix}|${config.publicUrl}`;
	return acquire(
		key,
		async () => {
			const stores = createStores(connectionOf(config, 'wgw-n8n'), config.keyPrefix, {
				deadLetterMax: config.deadLetterMax,
				secrets: secretCodecOf(config),
			});
			const management = new ManagementService(stores, {
				publicUrl: config.publicUrl,
				defaultPlan: config.defaultPlan,
				defaultBufferCapacity: config.bufferMaxEvents,
				defaultBufferMaxBytes: config.bufferMaxBytes,
				onDiscarded: (d) =>
					logger?.warn('endpoint deleted with events still buffered; they are discarded', {
						endpoint: d.endpointId,
						reason: d.reason,
						events: d.events,
						bytes: d.bytes,
					}),
			});
			const client: SharedClient = { stores, management };
			return client;
		},
		async (client) => {
			await client.ingress?.close();
			await client.stores.close();
		},
		CLIENT_LINGER_MS,
	);
}

/**
 * The gateway embedded in this n8n process on config.host:config.port. When the address is taken
 * (another n8n main or a standalone gateway serves it) the lease holds `undefined` and a warning
 * is logged: triggers still read from Redis.
 */
export function acquireEmbeddedGateway(
	config: GatewayConfig,
	logger: Logger,
): Promise<Lease<{ url: string } | undefined>> {
	const key = `gateway|${config.host}|${config.port}`;
	return acquire(
		key,
		async () => {
			try {
				// On a worker thread: see embeddedGateway.ts for why not on n8n's own.
				const { startEmbeddedGateway } = await import('./embeddedGateway');
				return await startEmbeddedGateway(config, logger);
			} catch (error) {
				// Configuration that cannot work stops the trigger with its message (n8n shows it).
				if (error instanceof ConfigError) throw error;
				logger.warn(
					`Webhook gateway not started on ${config.host}:${config.port}: ${messageOf(error)}. Triggers keep reading from Redis; make sure a gateway serves the endpoints.`,
				);
				return undefined;
			}
		},
		async (value) => value?.close(),
	);
}

/** For tests: how many holders a shared resource has. */
export function sharedRefCount(kind: 'client' | 'gateway'): number {
	let n = 0;
	for (const [k, v] of registry) if (k.startsWith(kind)) n += v.refs;
	return n;
}
