/**
 * Builds every Redis-backed store from one connection setting. The rest of the package receives
 * these objects and never imports ioredis itself.
 */
import { AcceptStore } from './acceptStore';
import { BufferStore } from './buffer';
import { createRedis, duplicateForBlocking, type RedisConnectionOptions, type ScriptedRedis } from './client';
import { RedisRegistryStore } from './registry';
import { SessionStore } from './sessions';
import { AuthFailureStore } from './authFailures';
import { AuditStore } from './audit';
import { TokenStore } from './tokens';
import type { EndpointSecretCodec } from '../security/secretBox';
import { StatsStore } from './stats';
import { UsageStore } from './usage';

export interface Stores {
	connection: RedisConnectionOptions;
	prefix: string;
	redis: ScriptedRedis;
	registry: RedisRegistryStore;
	accept: AcceptStore;
	buffer: BufferStore;
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

/**
 * @param options.secrets seals endpoint secrets in the registry (encryption at rest); see
 *   secretCodecOf in src/security/secretBox.ts
 */
export function createStores(connection: RedisConnectionOptions, prefix: string, options: { secrets?: EndpointSecretCodec } = {}): Stores {
	const redis = createRedis(connection);
	const stats = new StatsStore(redis, prefix);
	return {
		connection,
		prefix,
		redis,
		registry: new RedisRegistryStore(redis, prefix, options.secrets),
		accept: new AcceptStore(redis, prefix),
		buffer: new BufferStore(redis, prefix),
		usage: new UsageStore(redis, prefix),
		stats,
		sessions: new SessionStore(redis, prefix),
		authFailures: new AuthFailureStore(redis, prefix),
		audit: new AuditStore(redis, prefix),
		tokens: new TokenStore(redis, prefix),
		blockingBuffer() {
			const client = duplicateForBlocking(connection);
			return { buffer: new BufferStore(client, prefix), close: () => client.disconnect() };
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

export { waitReady, isConnectionError } from './client';
export type { RedisConnectionOptions, ScriptedRedis } from './client';
export type { EndpointRef, StoredEntry, DeadLetter, SubscriberInfo } from './buffer';
export type { AcceptOutcome, AcceptInput } from './acceptStore';
export type { RegistryChange } from './registry';
export type { HourStats } from './stats';
export type { AuditEntry } from './audit';
