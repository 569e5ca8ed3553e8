/**
 * Reads today's accepted-request counters (UTC day by Redis's clock) that acceptEvent keeps in
 * the account's usage hash.
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
}
