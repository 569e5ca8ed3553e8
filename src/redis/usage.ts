/**
 * Reads today's accepted-request counters (UTC day by Redis's clock) that acceptEvent keeps in
 * the account's usage hash, and prunes old days from it (acceptEvent only drops exactly day-8 of
 * the endpoint it accepts for, so days of quiet endpoints would stay while the account is busy).
 */
import { redisTimeMs, type ScriptedRedis } from './client';
import { endpointKeys } from './keys';

export interface UsageToday {
	/** UTC day number (days since 1970-01-01) by Redis's clock. */
	day: number;
	/** Seconds until the next UTC midnight, when the daily counters reset. */
	secondsToReset: number;
	accountAccepted: number;
	/** Accepted today per endpoint id asked for. */
	endpoints: Record<string, number>;
}

/** Days of usage counters kept: today and the 7 before (the same window acceptEvent keeps). */
export const USAGE_RETENTION_DAYS = 8;

/** Deletes the fields of `key` that `isOld` picks, walking the hash with HSCAN. @returns fields deleted. */
export async function pruneHashFields(redis: ScriptedRedis, key: string, isOld: (field: string) => boolean): Promise<number> {
	let cursor = '0';
	let deleted = 0;
	do {
		const [next, flat] = await redis.hscan(key, cursor, 'COUNT', 500);
		cursor = next;
		const old: string[] = [];
		for (let i = 0; i < flat.length; i += 2) if (isOld(flat[i])) old.push(flat[i]);
		if (old.length > 0) deleted += await redis.hdel(key, ...old);
	} while (cursor !== '0');
	return deleted;
}

export class UsageStore {
	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
	) {}

	async today(accountId: string, endpointIds: string[]): Promise<UsageToday> {
		const nowSec = Math.floor((await redisTimeMs(this.redis)) / 1000);
		const day = Math.floor(nowSec / 86_400);
		const key = endpointKeys(this.prefix, accountId, '-').usage;
		const fields = [`d:${day}`, ...endpointIds.map((id) => `e:${day}:${id}`)];
		const values = await this.redis.hmget(key, ...fields);
		const endpoints: Record<string, number> = {};
		endpointIds.forEach((id, i) => (endpoints[id] = Number(values[i + 1] ?? 0)));
		return { day, secondsToReset: (day + 1) * 86_400 - nowSec, accountAccepted: Number(values[0] ?? 0), endpoints };
	}

	/** Deletes the account's counters older than USAGE_RETENTION_DAYS (Redis's clock). @returns fields deleted. */
	async prune(accountId: string): Promise<number> {
		const day = Math.floor((await redisTimeMs(this.redis)) / 86_400_000);
		const oldest = day - USAGE_RETENTION_DAYS + 1;
		return await pruneHashFields(this.redis, endpointKeys(this.prefix, accountId, '-').usage, (field) => {
			// d:<day> or e:<day>:<endpointId>
			const d = Number(field.split(':')[1]);
			return Number.isInteger(d) && d < oldest;
		});
	}
}
