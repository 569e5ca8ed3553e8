/**
 * Hourly request statistics per endpoint (accepted, duplicates, rejections by reason) for the
 * console's charts, and the daily rejected/duplicate counts of the usage history (per account and
 * per endpoint; accepted counts come from acceptEvent's exact usage counters). Kept off the request
 * path: outcomes are counted in memory and flushed to Redis in one pipeline per second. A crash can
 * lose up to a second of statistics, never an event; the quota counters that limits rely on are
 * kept exactly by acceptEvent.
 */
import type { ScriptedRedis } from './client';
import { endpointKeys, registryKeys } from './keys';
import { historyClass, pruneHashFields, USAGE_RETENTION_DAYS } from './usage';

/** Hours of statistics kept (the console shows 24). */
export const STATS_RETENTION_HOURS = 48;

export interface HourStats {
	/** Start of the hour, ISO 8601. */
	hour: string;
	/** outcome → count, e.g. accepted, duplicate, unauthorized, rate_limited. */
	counts: Record<string, number>;
}

/** One counter waiting for the next flush; `ttlMs` is the expiry its key gets. */
interface PendingCount {
	accountId: string;
	endpointId: string;
	key: string;
	field: string;
	n: number;
	ttlMs: number;
}

export class StatsStore {
	private pending = new Map<string, PendingCount>();
	private timer?: NodeJS.Timeout;

	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
		private readonly now: () => number = Date.now,
	) {}

	private key(accountId: string, endpointId: string): string {
		return endpointKeys(this.prefix, accountId, endpointId).stats;
	}

	/** Counts one outcome; written to Redis within about a second. */
	record(accountId: string, endpointId: string, outcome: string): void {
		const hour = Math.floor(this.now() / 3_600_000);
		const key = this.key(accountId, endpointId);
		const field = `${hour}:${outcome}`;
		this.count(accountId, endpointId, key, field, STATS_RETENTION_HOURS * 3_600_000);
		const kind = historyClass(outcome);
		if (kind) {
			// The usage history's daily counts: the account's and the endpoint's, in the same flush.
			const day = Math.floor(this.now() / 86_400_000);
			const history = endpointKeys(this.prefix, accountId, endpointId).history;
			const ttlMs = (USAGE_RETENTION_DAYS + 1) * 86_400_000;
			this.count(accountId, endpointId, history, `a:${day}:${kind}`, ttlMs);
			this.count(accountId, endpointId, history, `e:${day}:${endpointId}:${kind}`, ttlMs);
		}
		this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), 1000);
		this.timer.unref?.();
	}

	private count(
		accountId: string,
		endpointId: string,
		key: string,
		field: string,
		ttlMs: number,
	): void {
		const id = `${key}|${field}`;
		const entry = this.pending.get(id);
		if (entry) entry.n++;
		else this.pending.set(id, { accountId, endpointId, key, field, n: 1, ttlMs });
	}

	/**
	 * Writes what was counted: one pipeline, or on a Redis Cluster one per account (a cluster
	 * pipeline must stay within one slot, and an account's keys share its hash tag). The counts of
	 * a pipeline that failed are kept for the next flush; those of the others are not counted
	 * twice. Counts of an endpoint deleted since are dropped, so that a flush cannot re-create a
	 * deleted endpoint's key.
	 */
	async flush(): Promise<void> {
		this.timer = undefined;
		if (this.pending.size === 0) return;
		const batch = this.pending;
		this.pending = new Map();
		let gone: Set<string>;
		try {
			gone = await this.deletedEndpoints(new Set([...batch.values()].map((e) => e.endpointId)));
		} catch (error) {
			this.keep(batch);
			throw error;
		}
		const groups = new Map<string, Map<string, PendingCount>>();
		for (const [id, entry] of batch) {
			if (gone.has(entry.endpointId)) continue;
			const group = this.redis.isCluster ? entry.accountId : '';
			let members = groups.get(group);
			if (!members) groups.set(group, (members = new Map()));
			members.set(id, entry);
		}
		const failed = await Promise.all(
			[...groups.values()].map(async (members) =>
				(await this.write(members)) ? undefined : members,
			),
		);
		const kept = failed.filter((members) => members !== undefined);
		for (const members of kept) this.keep(members);
		if (kept.length > 0)
			throw new Error(
				`stats flush failed for ${kept.length} of ${groups.size} pipelines; their counts are kept for the next flush`,
			);
	}

	/** One pipeline: the counts and the keys' expiry. @returns whether every command succeeded */
	private async write(members: Map<string, PendingCount>): Promise<boolean> {
		const pipeline = this.redis.pipeline();
		const keys = new Map<string, number>();
		for (const { key, field, n, ttlMs } of members.values()) {
			pipeline.hincrby(key, field, n);
			keys.set(key, ttlMs);
		}
		for (const [key, ttlMs] of keys) pipeline.pexpire(key, ttlMs);
		try {
			const results = await pipeline.exec();
			return !results?.some(([error]) => error);
		} catch {
			// A pipeline the cluster refused as a whole (cross-slot, connection): kept, and retried.
			return false;
		}
	}

	private keep(batch: Map<string, PendingCount>): void {
		for (const [id, e] of batch) {
			const cur = this.pending.get(id);
			if (cur) cur.n += e.n;
			else this.pending.set(id, e);
		}
	}

	/** Which of these endpoints are no longer in the registry. */
	private async deletedEndpoints(ids: Set<string>): Promise<Set<string>> {
		const registry = registryKeys(this.prefix).endpoints;
		const list = [...ids];
		const exists = await Promise.all(list.map((id) => this.redis.hexists(registry, id)));
		return new Set(list.filter((_, i) => exists[i] === 0));
	}

	/** The last `hours` hours, oldest first, with zero-filled counts. */
	async read(accountId: string, endpointId: string, hours: number): Promise<HourStats[]> {
		const all = await this.redis.hgetall(this.key(accountId, endpointId));
		const current = Math.floor(this.now() / 3_600_000);
		const out: HourStats[] = [];
		for (let h = current - hours + 1; h <= current; h++)
			out.push({ hour: new Date(h * 3_600_000).toISOString(), counts: {} });
		for (const [field, value] of Object.entries(all)) {
			const sep = field.indexOf(':');
			const h = Number(field.slice(0, sep));
			const slot = out[h - (current - hours + 1)];
			if (slot) slot.counts[field.slice(sep + 1)] = Number(value);
		}
		return out;
	}

	/**
	 * Deletes hours older than STATS_RETENTION_HOURS (the key's own expiry only helps once traffic
	 * stops: while requests keep coming, old hours would stay). @returns fields deleted.
	 */
	async prune(accountId: string, endpointId: string): Promise<number> {
		const oldest = Math.floor(this.now() / 3_600_000) - STATS_RETENTION_HOURS + 1;
		return await pruneHashFields(this.redis, this.key(accountId, endpointId), (field) => {
			const h = Number(field.slice(0, field.indexOf(':')));
			return Number.isInteger(h) && h < oldest;
		});
	}

	/** Stops the timer after a last flush. */
	async close(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		await this.flush().catch(() => undefined);
	}
}
