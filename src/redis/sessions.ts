/**
 * Storage of console sessions and of the gateway's server secret. Only bytes in and out: which
 * key a session gets and what its record holds is decided in src/gateway/session.ts, so that a
 * reader of Redis finds keyed hashes there, never a cookie value.
 */
import { randomBytes } from 'node:crypto';
import type { ScriptedRedis } from './client';
import { securityKeys, type SecurityKeys } from './keys';

/** Bytes of the server secret. */
const SERVER_SECRET_BYTES = 32;

export class SessionStore {
	private readonly keys: SecurityKeys;
	private secret?: Promise<Buffer>;

	constructor(
		private readonly redis: ScriptedRedis,
		prefix: string,
	) {
		this.keys = securityKeys(prefix);
	}

	/**
	 * The random server secret every gateway on this Redis shares: created by the first gateway
	 * that needs it (SET NX, so concurrent starts agree on one), then read once per process.
	 */
	serverSecret(): Promise<Buffer> {
		this.secret ??= (async () => {
			await this.redis.set(
				this.keys.serverSecret,
				randomBytes(SERVER_SECRET_BYTES).toString('base64url'),
				'NX',
			);
			const value = await this.redis.get(this.keys.serverSecret);
			if (!value)
				throw new Error('the server secret vanished from Redis right after it was written');
			return Buffer.from(value, 'base64url');
		})();
		this.secret.catch(() => (this.secret = undefined));
		return this.secret;
	}

	/** Stores a session record under `id` (a keyed hash) for `ttlMs` milliseconds. */
	async put(id: string, record: string, ttlMs: number): Promise<void> {
		await this.redis.set(this.keys.sessionPrefix + id, record, 'PX', Math.max(1, Math.ceil(ttlMs)));
	}

	async get(id: string): Promise<string | undefined> {
		return (await this.redis.get(this.keys.sessionPrefix + id)) ?? undefined;
	}

	async delete(id: string): Promise<void> {
		await this.redis.del(this.keys.sessionPrefix + id);
	}
}
