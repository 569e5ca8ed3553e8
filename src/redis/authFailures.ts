/**
 * Counters of failed admin/console/metrics authentications per client address, shared by every
 * gateway on the Redis: one key per address, counting failures in a fixed window that starts at
 * the first failure (INCR, then PEXPIRE NX: Redis 7.0 has both).
 */
import type { ScriptedRedis } from './client';
import { securityKeys } from './keys';

export class AuthFailureStore {
	private readonly prefix: string;

	constructor(
		private readonly redis: ScriptedRedis,
		prefix: string,
	) {
		this.prefix = securityKeys(prefix).authFailurePrefix;
	}

	/**
	 * Failures of `client` in its current window and the ms left in it (0 when there is no window).
	 */
	async current(client: string): Promise<{ failures: number; remainingMs: number }> {
		const key = this.prefix + client;
		const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
		return { failures: Number(count ?? 0), remainingMs: Math.max(0, ttl) };
	}

	/** Counts one failure of `client`; a new window lasts `windowMs`. @returns the failures in the window */
	async record(client: string, windowMs: number): Promise<number> {
		const key = this.prefix + client;
		const results = await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').exec();
		const [error, count] = results?.[0] ?? [new Error('no reply to INCR')];
		if (error) throw error;
		return Number(count);
	}
}
