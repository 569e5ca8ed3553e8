/**
 * Builds every Redis-backed store from one connection setting. The rest of the package receives
 * these objects and never imports ioredis itself.
 */
import { AcceptStore } from './acceptStore';
import { BufferStore, DEFAULT_DEAD_LETTER_MAX } from './buffer';
import { createRedis, duplicateForBlocking, type RedisConnectionOptions, type ScriptedRedis } from './client';
import { RedisRegistryStore } from './registry';
import { SessionStore } from './sessions';
import { AuthFailureStore } from './authFailures';
import { AuditStore } from './audit';
import { TokenStore } from './tokens';
import type { EndpointSecretCodec } from '../security/secretBox';
import { StatsStore } from './stats';
import { SubscriberStore } from './subscribers';
import { UsageStore } from './usage';

export interface Stores {
	connection: RedisConnectionOptions;
	prefix: string;
	redis: ScriptedRedis;
	registry: RedisRegistryStore;
	accept: AcceptStore;
	buffer: BufferStore;
	/** Subscribers of endpoints (the same store the buffer uses). */
	subscribers: SubscriberStore;
	usage: UsageStore;
	stats: StatsStore;
	/** Console sessions and the server secret. */
	sessions: SessionStore;
	/** Failed authentications per client address. */
	authFailures: AuthFailureStore;
	/** The audit log of management changes. */
	audit: AuditStore;
	/** Scoped admin tokens (hashed). */
	tokens: TokenStore;
	/** A BufferStore on a connection of its own, for blocking reads. */
	blockingBuffer(): { buffer: BufferStore; close(): void };
	/** True when Redis answers PING. */
	ping(): Promise<boolean>;
	close(): Promise<void>;
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
}

export function createStores(connection: RedisConnectionOptions, prefix: string, limits: StoreLimits = {}): Stores {
	const redis = createRedis(connection);
	const deadLetterMax = limits.deadLetterMax ?? DEFAULT_DEAD_LETTER_MAX;
	const stats = new StatsStore(redis, prefix);
	const buffer = new BufferStore(redis, prefix, deadLetterMax);
	return {
		connection,
		prefix,
		redis,
		registry: new RedisRegistryStore(redis, prefix, limits.secrets),
		accept: new AcceptStore(redis, prefix),
		buffer,
		subscribers: buffer.subscribers,
		usage: new UsageStore(redis, prefix),
		stats,
		sessions: new SessionStore(redis, prefix),
		authFailures: new AuthFailureStore(redis, prefix),
		audit: new AuditStore(redis, prefix),
		tokens: new TokenStore(redis, prefix),
		blockingBuffer() {
			const client = duplicateForBlocking(connection);
			return { buffer: new BufferStore(client, prefix, deadLetterMax), close: () => client.disconnect() };
		},
		async ping() {
			try {
				return (await redis.ping()) === 'PONG';
			} catch {
				return false;
			}
		},
		async close() {
			await stats.close();
			try {
				await redis.quit();
			} catch {
				redis.disconnect();
			}
		},
	};
}

export { waitReady } from './client';
export { classifyStoreError, isConnectionError, STORE_ERROR_REASONS, type StoreErrorReason } from './storeErrors';
export type { RedisConnectionOptions, ScriptedRedis } from './client';
export { checkRedisServer, logFinding, MIN_REDIS_VERSION, type ServerCheckResult, type ServerFinding } from './serverCheck';
export type { EndpointRef, StoredEntry, DeadLetter, ReadResult, NackResult } from './buffer';
export type { SubscriberInfo, DroppedSubscriber, SubscriberGap, SubscriberMeta } from './subscribers';
export type { AcceptOutcome, AcceptInput } from './acceptStore';
export type { RegistryChange } from './registry';
export type { HourStats } from './stats';
export { matchesAudit, type AuditEntry, type AuditFilter, type ListedAuditEntry } from './audit';
