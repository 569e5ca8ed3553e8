/**
 * Storage of scoped admin tokens: one hash, token id → JSON record. A record holds the token's
 * keyed hash, never the token (src/management/tokens.ts decides both).
 */
import type { ScriptedRedis } from './client';
import { securityKeys } from './keys';

export class TokenStore {
	private readonly key: string;

	constructor(
		private readonly redis: ScriptedRedis,
		prefix: string,
	) {
		this.key = securityKeys(prefix).tokens;
	}

	async get(id: string): Promise<string | undefined> {
		return (await this.redis.hget(this.key, id)) ?? undefined;
	}

	async list(): Promise<string[]> {
		return Object.values(await this.redis.hgetall(this.key));
	}

	/** @returns false when the id is taken. */
	async create(id: string, record: string): Promise<boolean> {
		return (await this.redis.hsetnx(this.key, id, record)) === 1;
	}

	/** @returns false when there was no such token. */
	async delete(id: string): Promise<boolean> {
		return (await this.redis.hdel(this.key, id)) === 1;
	}
}
