/**
 * Reads the accepted-request counters (UTC day by Redis's clock) that acceptEvent keeps exactly in
 * the account's usage hash, today's and the daily usage history's (with the rejected and duplicate
 * counts StatsStore flushes into the account's history hash), and prunes old days from both
 * (acceptEvent only drops exactly day-36 of the endpoint it accepts for, so days of quiet
 * endpoints would stay while the account is busy).
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

/** Requests of one UTC day. */
export interface DayUsage {
	/** The UTC day, YYYY-MM-DD. */
	date: string;
	/** Accepted (stored) requests: what daily limits count. */
	accepted: number;
	/** Requests answered with an error (401/403/404 of a known endpoint, 4xx, 429, 503...). */
	rejected: number;
	/** Repeats answered 200 `duplicate` (nothing stored). */
	duplicate: number;
}

/** Daily usage of an account and of the endpoints asked for, oldest day first. */
export interface UsageHistory {
	account: DayUsage[];
	endpoints: Record<string, DayUsage[]>;
}

/**
 * Days of usage counters kept: today and the 35 before (the same window acceptEvent keeps), so
 * that a 35-day billing period can be read back in full.
 */
export const USAGE_RETENTION_DAYS = 36;

/** How the usage history counts a request outcome: accepted ones come from the usage hash. */
export function historyClass(outcome: string): 'rejected' | 'duplicate' | undefined {
	if (outcome === 'duplicate') return 'duplicate';
	if (['accepted', 'handshake', 'head', 'options'].includes(outcome)) return undefined;
	return 'rejected';
}

/** Deletes the fields of `key` that `isOld` picks, walking the hash with HSCAN. @returns fields deleted. */
export async function pruneHashFields(
	redis: ScriptedRedis,
	key: string,
	isOld: (field: string) => boolean,
): Promise<number> {
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
		return {
			day,
			secondsToReset: (day + 1) * 86_400 - nowSec,
			accountAccepted: Number(values[0] ?? 0),
			endpoints,
		};
	}

	/**
	 * The last `days` UTC days (at most USAGE_RETENTION_DAYS, today included) of the account and
	 * of `endpointIds`, zero-filled. Reads two hashes of the account's slot.
	 */
	async history(accountId: string, endpointIds: string[], days: number): Promise<UsageHistory> {
		const n = Math.min(USAGE_RETENTION_DAYS, Math.max(1, Math.floor(days)));
		const today = Math.floor((await redisTimeMs(this.redis)) / 86_400_000);
		const keys = endpointKeys(this.prefix, accountId, '-');
		const [usage, history] = await Promise.all([
			this.redis.hgetall(keys.usage),
			this.redis.hgetall(keys.history),
		]);
		const num = (hash: Record<string, string>, field: string) => Number(hash[field] ?? 0);
		const series = (
			accepted: (day: number) => string,
			other: (day: number, kind: string) => string,
		): DayUsage[] => {
			const out: DayUsage[] = [];
			for (let day = today - n + 1; day <= today; day++) {
				out.push({
					date: new Date(day * 86_400_000).toISOString().slice(0, 10),
					accepted: num(usage, accepted(day)),
					rejected: num(history, other(day, 'rejected')),
					duplicate: num(history, other(day, 'duplicate')),
				});
			}
			return out;
		};
		const endpoints: Record<string, DayUsage[]> = {};
		for (const id of endpointIds)
			endpoints[id] = series(
				(d) => `e:${d}:${id}`,
				(d, kind) => `e:${d}:${id}:${kind}`,
			);
		return {
			account: series(
				(d) => `d:${d}`,
				(d, kind) => `a:${d}:${kind}`,
			),
			endpoints,
		};
	}

	/** Deletes the account's counters and history older than USAGE_RETENTION_DAYS (Redis's clock). @returns fields deleted. */
	async prune(accountId: string): Promise<number> {
		const day = Math.floor((await redisTimeMs(this.redis)) / 86_400_000);
		const oldest = day - USAGE_RETENTION_DAYS + 1;
		// d:<day>, e:<day>:<endpointId> (usage); a:<day>:<kind>, e:<day>:<endpointId>:<kind> (history)
		const isOld = (field: string) => {
			const d = Number(field.split(':')[1]);
			return Number.isInteger(d) && d < oldest;
		};
		const keys = endpointKeys(this.prefix, accountId, '-');
		return (
			(await pruneHashFields(this.redis, keys.usage, isOld)) +
			(await pruneHashFields(this.redis, keys.history, isOld))
		);
	}
}
