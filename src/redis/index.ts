/**
 * Builds every Redis-backed store from one connection setting. The rest of the package receives
 * these objects and never the ioredis client itself: what it needs of the connection (readiness,
 * the server check, closing) are methods of `Stores`.
 */
import { AcceptStore } from './acceptStore';
import { AlertStateStore } from './alertState';
import { BufferStore, DEFAULT_DEAD_LETTER_MAX } from './buffer';
import {
	createRedis,
	duplicateForBlocking,
	waitReady,
	type RedisConnectionOptions,
	type ScriptedRedis,
} from './client';
import { checkRedisServer, type ServerCheckOptions, type ServerCheckResult } from './serverCheck';
import { RedisRegistryStore } from './registry';
import { SessionStore } from './sessions';
import { AuthFailureStore } from './authFailures';
import { AuditStore } from './audit';
import { TokenStore } from './tokens';
import type { EndpointSecretCodec } from '../security/secretBox';
import { StatsStore } from './stats';
import { RequestLogStore, type RequestLogOptions } from './requestLog';
import { SubscriberStore } from './subscribers';
import { UsageStore } from './usage';

export interface Stores {
	connection: RedisConnectionOptions;
	prefix: string;
	registry: RedisRegistryStore;
	accept: AcceptStore;
	buffer: BufferStore;
	/** Subscribers of endpoints (the same store the buffer uses). */
	subscribers: SubscriberStore;
	usage: UsageStore;
	stats: StatsStore;
	/** The request log (every answered ingest request, capped per endpoint). */
	requestLog: RequestLogStore;
	/** Console sessions and the server secret. */
	sessions: SessionStore;
	/** Failed authentications per client address. */
	authFailures: AuthFailureStore;
	/** The audit log of management changes. */
	audit: AuditStore;
	/** Scoped admin tokens (hashed). */
	tokens: TokenStore;
	/** Alert Trigger state: open episodes and counter readings per trigger. */
	alertState: AlertStateStore;
	/** A BufferStore on a connection of its own, for blocking reads. */
	blockingBuffer(): { buffer: BufferStore; close(): void };
	/** True when Redis answers PING. */
	ping(): Promise<boolean>;
	/** Whether the connection is up now (commands are sent at once, not queued). */
	readonly ready: boolean;
	/** Resolves once the connection is up. @throws after `timeoutMs` milliseconds without it */
	waitReady(timeoutMs: number): Promise<void>;
	/** Reads the server's version and settings (see serverCheck.ts). @throws when Redis cannot be reached */
	checkServer(options: ServerCheckOptions): Promise<ServerCheckResult>;
	/** Calls `listener` with each connection error (socket errors say more than a failed command's). */
	onConnectionError(listener: (error: unknown) => void): void;
	/** Sends QUIT after flushing the stores' pending writes. */
	close(): Promise<void>;
	/** Drops the connection at once, without waiting for replies. */
	disconnect(): void;
}

/** Options of the stores, from the gateway configuration. */
export interface StoreLimits {
	/** Most dead letters per endpoint (default DEFAULT_DEAD_LETTER_MAX; 0 = none). */
	deadLetterMax?: number;
	/**
	 * Seals endpoint secrets in the registry (encryption at rest); see secretCodecOf in
	 * src/security/secretBox.ts. Without it secrets are written in plaintext.
	 */
	secrets?: EndpointSecretCodec;
	/** Bounds and flush interval of the request log; default DEFAULT_REQUEST_LOG. */
	requestLog?: RequestLogOptions;
}

/** Request log settings when none are given (WEBHOOK_GATEWAY_REQUEST_LOG_* defaults). */
export const DEFAULT_REQUEST_LOG: RequestLogOptions = {
	maxEntries: 1000,
	retentionMs: 7 * 86_400_000,
	flushMs: 1000,
};

/** The raw client behind each Stores, for `redisClientOf` only. */
const clients = new WeakMap<Stores, ScriptedRedis>();

export function createStores(
	connection: RedisConnectionOptions,
	prefix: string,
	limits: StoreLimits = {},
): Stores {
	const redis = createRedis(connection);
	const deadLetterMax = limits.deadLetterMax ?? DEFAULT_DEAD_LETTER_MAX;
	const stats = new StatsStore(redis, prefix);
	const buffer = new BufferStore(redis, prefix, deadLetterMax);
	const requestLog = new RequestLogStore(redis, prefix, limits.requestLog ?? DEFAULT_REQUEST_LOG);
	const stores: Stores = {
		connection,
		prefix,
		registry: new RedisRegistryStore(redis, prefix, limits.secrets),
		accept: new AcceptStore(redis, prefix),
		buffer,
		subscribers: buffer.subscribers,
		usage: new UsageStore(redis, prefix),
		stats,
		requestLog,
		sessions: new SessionStore(redis, prefix),
		authFailures: new AuthFailureStore(redis, prefix),
		audit: new AuditStore(redis, prefix),
		tokens: new TokenStore(redis, prefix),
		alertState: new AlertStateStore(redis, prefix),
		blockingBuffer() {
			const client = duplicateForBlocking(connection);
			return {
				buffer: new BufferStore(client, prefix, deadLetterMax),
				close: () => client.disconnect(),
			};
		},
		async ping() {
			try {
				return (await redis.ping()) === 'PONG';
			} catch {
				return false;
			}
		},
		get ready() {
			return redis.status === 'ready';
		},
		waitReady: (timeoutMs) => waitReady(redis, timeoutMs),
		checkServer: (options) => checkRedisServer(redis, options),
		onConnectionError(listener) {
			redis.on('error', listener);
		},
		async close() {
			await stats.close();
			await requestLog.close();
			try {
				await redis.quit();
			} catch {
				redis.disconnect();
			}
		},
		disconnect: () => redis.disconnect(),
	};
	clients.set(stores, redis);
	return stores;
}

/**
 * The ioredis client behind `stores`, for tests, benchmarks and scripts that inspect or seed Redis
 * keys directly. The package's own code goes through the stores' methods instead.
 */
export function redisClientOf(stores: Stores): ScriptedRedis {
	const client = clients.get(stores);
	if (!client) throw new Error('these stores were not made by createStores');
	return client;
}

export { waitReady } from './client';
export {
	classifyStoreError,
	isConnectionError,
	STORE_ERROR_REASONS,
	type StoreErrorReason,
} from './storeErrors';
export type { RedisConnectionOptions, ScriptedRedis } from './client';
export {
	checkRedisServer,
	logFinding,
	MIN_REDIS_VERSION,
	type ServerCheckResult,
	type ServerFinding,
} from './serverCheck';
export type {
	BufferAdmin,
	BufferDelivery,
	BufferLifecycle,
	EndpointRef,
	StoredEntry,
	DeadLetter,
	ReadResult,
	NackResult,
} from './bufferPorts';
export type {
	SubscriberInfo,
	DroppedSubscriber,
	SubscriberGap,
	SubscriberMeta,
} from './subscribers';
export type { AcceptOutcome, AcceptInput } from './acceptStore';
export type { RegistryChange } from './registry';
export type { HourStats } from './stats';
export { matchesAudit, type AuditEntry, type AuditFilter, type ListedAuditEntry } from './audit';
export type {
	LoggedRequest,
	RequestPage,
	RequestQuery,
	RequestRecord,
	RequestLogOptions,
} from './requestLog';
export type { DeliveryState, SubscriberDelivery } from './eventDelivery';
