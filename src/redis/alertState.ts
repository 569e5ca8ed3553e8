/**
 * Redis side of the Alert Trigger: open episodes and counter readings per trigger node, and the
 * time of an endpoint's newest accepted event. Claiming an episode is one HSETNX and closing it one
 * HDEL, so of two pollers (a restarted n8n, two mains) exactly one emits each transition.
 */
import { redisTimeMs, type ScriptedRedis } from './client';
import { alertKeys, endpointKeys } from './keys';
import type { EndpointRef } from './subscribers';
import { msOf } from './streamIds';

/** Readings older than this are useless for a rate per minute; the key expires after it, ms. */
const SAMPLES_TTL_MS = 2 * 3_600_000;
/** Open episodes of a trigger that no poll touched for this long are forgotten (trigger deleted), ms. */
const EPISODES_TTL_MS = 30 * 86_400_000;

export class AlertStateStore {
	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
	) {}

	/** Open episodes: key → stored JSON value, parsed. */
	async episodes<T>(triggerId: string): Promise<Map<string, T>> {
		const all = await this.redis.hgetall(alertKeys(this.prefix, triggerId).episodes);
		return new Map(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as T]));
	}

	/** Opens an episode. @returns false when it was already open (someone else fired it). */
	async claim(triggerId: string, key: string, record: unknown): Promise<boolean> {
		const k = alertKeys(this.prefix, triggerId).episodes;
		const won = (await this.redis.hsetnx(k, key, JSON.stringify(record))) === 1;
		if (won) await this.redis.pexpire(k, EPISODES_TTL_MS);
		return won;
	}

	/** Closes an episode. @returns false when it was not open (someone else resolved it). */
	async release(triggerId: string, key: string): Promise<boolean> {
		return (await this.redis.hdel(alertKeys(this.prefix, triggerId).episodes, key)) === 1;
	}

	/** Keeps a trigger's open episodes while it polls. */
	async touch(triggerId: string): Promise<void> {
		await this.redis.pexpire(alertKeys(this.prefix, triggerId).episodes, EPISODES_TTL_MS);
	}

	async samples<T>(triggerId: string): Promise<Map<string, T>> {
		const all = await this.redis.hgetall(alertKeys(this.prefix, triggerId).samples);
		return new Map(Object.entries(all).map(([k, v]) => [k, JSON.parse(v) as T]));
	}

	/** Replaces the readings (endpoint id → value). */
	async saveSamples(triggerId: string, samples: Map<string, unknown>): Promise<void> {
		const k = alertKeys(this.prefix, triggerId).samples;
		const pipeline = this.redis.multi().del(k);
		if (samples.size > 0)
			pipeline.hset(k, Object.fromEntries([...samples].map(([id, v]) => [id, JSON.stringify(v)])));
		pipeline.pexpire(k, SAMPLES_TTL_MS);
		const results = await pipeline.exec();
		const failed = results?.find(([error]) => error);
		if (failed) throw failed[0];
	}

	/**
	 * ms since the epoch of the newest event ever accepted on the endpoint (the stream's last
	 * generated id survives trimming), or null when none was.
	 */
	async lastAcceptedMs(ep: EndpointRef): Promise<number | null> {
		let reply: unknown[];
		try {
			reply = (await this.redis.xinfo(
				'STREAM',
				endpointKeys(this.prefix, ep.accountId, ep.id).stream,
			)) as unknown[];
		} catch (error) {
			if (error instanceof Error && /no such key/i.test(error.message)) return null;
			throw error;
		}
		const at = reply.indexOf('last-generated-id');
		const id = at >= 0 ? String(reply[at + 1]) : '0-0';
		return id === '0-0' ? null : msOf(id);
	}

	/** Redis's clock, ms (the same clock the daily counters use). */
	async nowMs(): Promise<number> {
		return await redisTimeMs(this.redis);
	}
}
