/**
 * Subscribers of an endpoint (see docs/reliability.md, "Subscribers"): one consumer group per
 * trigger node on the endpoint's stream, plus a metadata hash (created, last seen, workflow and
 * node names). A subscriber dropped for being unseen too long, or removed by an operator, leaves a
 * record (when, why, where it stopped) for a while, so that when its workflow comes back it
 * resumes after the last event it received and is told what it missed (a gap) instead of
 * silently starting over at "new events". Reads never re-create the keys of a deleted endpoint.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { redisTimeMs, type ScriptedRedis } from './client';
import { endpointKeys, registryKeys, subscriberKeys } from './keys';
import {
	gapAfter,
	listenGaps,
	tellGap,
	type DroppedPoint,
	type SubscriberGap,
} from './subscriberGaps';
import { compareStreamIds, fieldsOf, msOf, previousStreamId, STREAM_ID_RE } from './streamIds';

export type { SubscriberGap } from './subscriberGaps';

/** Identifies an endpoint's keys: they live in the owning account's slot. */
export interface EndpointRef {
	id: string;
	accountId: string;
}

/** Names shown when subscribers are listed (stored when the trigger subscribes). */
export interface SubscriberMeta {
	workflowName?: string;
	nodeName?: string;
}

export interface SubscriberInfo extends SubscriberMeta {
	/** `<workflowId>:<nodeId>`. */
	id: string;
	workflowId: string;
	nodeId: string;
	createdAtMs: number;
	lastSeenMs: number;
	/** Events not yet acknowledged by this subscriber (new + pending): its lag. */
	waiting: number;
	/** Delivered but not acknowledged. */
	pending: number;
	/** Stream id of the last event given to it (null before the first). */
	lastDeliveredId: string | null;
	/** Events its trigger's filter left out: acknowledged without an execution (docs/filters.md). */
	filtered: number;
}

export interface DroppedSubscriber extends SubscriberMeta, DroppedPoint {
	id: string;
	workflowId: string;
	nodeId: string;
}

/** How long a dropped subscriber's record is kept (ms), and how many per endpoint at most. */
export const DROPPED_RECORD_KEEP_MS = 90 * 86_400_000;
export const DROPPED_RECORD_MAX = 1000;

/** Longest delivered-but-unacknowledged span counted when a subscriber is dropped (events). */
const POSITION_SPAN_MAX = 10_000;

/** Most events before a rewind point counted to keep the group's lag known (else Redis reports it unknown). */
const REWIND_COUNT_MAX = 1000;

function splitId(sub: string): { workflowId: string; nodeId: string } {
	const i = sub.indexOf(':');
	return i < 0
		? { workflowId: sub, nodeId: '' }
		: { workflowId: sub.slice(0, i), nodeId: sub.slice(i + 1) };
}

function isMissing(error: unknown): boolean {
	return error instanceof Error && /no such key|NOGROUP/i.test(error.message);
}

interface StoredMeta extends SubscriberMeta {
	createdAtMs: number;
	lastSeenMs: number;
}

export class SubscriberStore {
	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
	) {}

	private keys(ep: EndpointRef) {
		return endpointKeys(this.prefix, ep.accountId, ep.id);
	}

	/** Calls `listener` when this process finds that the subscriber came back after being dropped. @returns unlisten */
	onGap(ep: EndpointRef, sub: string, listener: (gap: SubscriberGap) => void): () => void {
		return listenGaps(ep, sub, listener);
	}

	/** True while the endpoint is in the registry. */
	async endpointExists(ep: EndpointRef): Promise<boolean> {
		return (await this.redis.hexists(registryKeys(this.prefix).endpoints, ep.id)) === 1;
	}

	/**
	 * Registers a subscriber (idempotent). A new one starts at events accepted from now on
	 * ('new') or at the oldest retained event ('oldest'); an existing one keeps its cursor; one
	 * that was dropped resumes after the last event it received and gets a gap when events were
	 * removed meanwhile (returned, and given to its `onGap` listeners).
	 */
	async subscribe(
		ep: EndpointRef,
		sub: string,
		from: 'new' | 'oldest',
		meta: SubscriberMeta = {},
	): Promise<SubscriberGap | undefined> {
		const k = this.keys(ep);
		const tombJson = await this.redis.hget(k.droppedSubscribers, sub);
		const tomb = tombJson ? (JSON.parse(tombJson) as DroppedSubscriber) : undefined;
		let created = true;
		try {
			await this.redis.xgroup(
				'CREATE',
				k.stream,
				sub,
				tomb ? tomb.resumeAfterId : from === 'oldest' ? '0' : '$',
				'MKSTREAM',
			);
		} catch (error) {
			if (!(error instanceof Error) || !error.message.includes('BUSYGROUP')) throw error;
			created = false;
		}
		await this.register(ep, sub, {
			workflowName: meta.workflowName ?? tomb?.workflowName,
			nodeName: meta.nodeName ?? tomb?.nodeName,
		});
		if (!tomb) return undefined;
		await this.redis.hdel(k.droppedSubscribers, sub);
		if (!created) return undefined;
		const gap = gapAfter(tomb, (await this.redis.xinfo('STREAM', k.stream)) as unknown[]);
		if (gap) tellGap(ep, sub, gap);
		return gap;
	}

	private async register(ep: EndpointRef, sub: string, meta: SubscriberMeta): Promise<void> {
		const k = this.keys(ep);
		const now = await redisTimeMs(this.redis);
		const prev = await this.redis.hget(k.subscribers, sub);
		const old = prev ? (JSON.parse(prev) as StoredMeta) : undefined;
		const next: StoredMeta = {
			createdAtMs: old?.createdAtMs ?? now,
			lastSeenMs: now,
			workflowName: meta.workflowName ?? old?.workflowName,
			nodeName: meta.nodeName ?? old?.nodeName,
		};
		await this.redis.hset(k.subscribers, sub, JSON.stringify(next));
	}

	/**
	 * Records that the subscriber is alive (retention counts from here).
	 * @returns false when it is not registered any more (dropped, removed, endpoint deleted); nothing is written then.
	 */
	async touch(ep: EndpointRef, sub: string): Promise<boolean> {
		const k = this.keys(ep);
		const prev = await this.redis.hget(k.subscribers, sub);
		if (!prev) return false;
		const now = await redisTimeMs(this.redis);
		await this.redis.hset(
			k.subscribers,
			sub,
			JSON.stringify({ ...(JSON.parse(prev) as StoredMeta), lastSeenMs: now }),
		);
		return true;
	}

	/**
	 * Called when a read finds the subscriber's group gone: re-subscribes (resuming after a drop,
	 * telling the gap), unless the endpoint was deleted, which throws NotFoundError and writes nothing.
	 */
	async rejoin(ep: EndpointRef, sub: string): Promise<void> {
		if (!(await this.endpointExists(ep))) throw new NotFoundError('endpoint', ep.id);
		await this.subscribe(ep, sub, 'new');
	}

	/**
	 * Drops a subscriber: its cursor, attempts, replay queue and lease go (its dead letters stay),
	 * and a record remains so that its return is told. @returns false when it did not exist.
	 */
	async remove(
		ep: EndpointRef,
		sub: string,
		reason: DroppedSubscriber['reason'] = 'removed',
	): Promise<boolean> {
		const k = this.keys(ep);
		const sk = subscriberKeys(this.prefix, ep.accountId, ep.id, sub);
		const [metaJson, group] = await Promise.all([
			this.redis.hget(k.subscribers, sub),
			this.group(ep, sub),
		]);
		if (!metaJson && !group) return false;
		const meta = metaJson ? (JSON.parse(metaJson) as StoredMeta) : undefined;
		if (group) {
			const record: DroppedSubscriber = {
				id: sub,
				...splitId(sub),
				workflowName: meta?.workflowName,
				nodeName: meta?.nodeName,
				droppedAtMs: await redisTimeMs(this.redis),
				reason,
				resumeAfterId: group.resumeAfterId,
				position: group.position,
			};
			await this.redis.hset(k.droppedSubscribers, sub, JSON.stringify(record));
			try {
				await this.redis.xgroup('DESTROY', k.stream, sub);
			} catch (error) {
				if (!isMissing(error)) throw error;
			}
		}
		await this.redis.hdel(k.subscribers, sub);
		await this.redis.hdel(k.filtered, sub);
		await this.redis.del(sk.attempts, sk.replay, sk.lease);
		return true;
	}

	/** The group's cursor: where a re-created group must start so that nothing unacknowledged is skipped. */
	private async group(
		ep: EndpointRef,
		sub: string,
	): Promise<{ lastDeliveredId: string; resumeAfterId: string; position?: number } | undefined> {
		const k = this.keys(ep);
		let groups: unknown[];
		try {
			groups = (await this.redis.xinfo('GROUPS', k.stream)) as unknown[];
		} catch (error) {
			if (isMissing(error)) return undefined;
			throw error;
		}
		const g = (groups as unknown[][]).map(fieldsOf).find((f) => String(f.get('name')) === sub);
		if (!g) return undefined;
		const lastDeliveredId = String(g.get('last-delivered-id'));
		const entriesRead = g.get('entries-read');
		let position =
			entriesRead === null || entriesRead === undefined ? undefined : Number(entriesRead);
		const pending = (await this.redis.xpending(k.stream, sub)) as [
			number,
			string | null,
			string | null,
			unknown,
		];
		const oldestPending = Number(pending[0]) > 0 && pending[1] ? pending[1] : undefined;
		if (!oldestPending) return { lastDeliveredId, resumeAfterId: lastDeliveredId, position };
		// Resuming before its oldest unacknowledged event: the position moves back by the events from there on.
		const span = await this.redis.xrange(
			k.stream,
			oldestPending,
			lastDeliveredId,
			'COUNT',
			POSITION_SPAN_MAX + 1,
		);
		position =
			position === undefined || span.length > POSITION_SPAN_MAX
				? undefined
				: position - span.length;
		return { lastDeliveredId, resumeAfterId: previousStreamId(oldestPending), position };
	}

	/** Subscribers with their lag, pending count, times and names. */
	async list(ep: EndpointRef): Promise<SubscriberInfo[]> {
		const k = this.keys(ep);
		const meta = await this.redis.hgetall(k.subscribers);
		let groups: unknown[] = [];
		try {
			groups = (await this.redis.xinfo('GROUPS', k.stream)) as unknown[];
		} catch (error) {
			if (!isMissing(error)) throw error;
		}
		const byName = new Map<string, { pending: number; lag: number | null; last: string }>();
		for (const f of (groups as unknown[][]).map(fieldsOf)) {
			byName.set(String(f.get('name')), {
				pending: Number(f.get('pending') ?? 0),
				lag: f.get('lag') === null ? null : Number(f.get('lag')),
				last: String(f.get('last-delivered-id')),
			});
		}
		const length = Object.keys(meta).length > 0 ? await this.redis.xlen(k.stream) : 0;
		const filtered = Object.keys(meta).length > 0 ? await this.redis.hgetall(k.filtered) : {};
		return Object.entries(meta)
			.map(([id, json]) => {
				const m = JSON.parse(json) as StoredMeta;
				const g = byName.get(id);
				return {
					id,
					...splitId(id),
					workflowName: m.workflowName,
					nodeName: m.nodeName,
					createdAtMs: m.createdAtMs,
					lastSeenMs: m.lastSeenMs,
					pending: g?.pending ?? 0,
					waiting: g ? g.pending + (g.lag ?? length) : 0,
					lastDeliveredId: g && g.last !== '0-0' ? g.last : null,
					filtered: Number(filtered[id] ?? 0),
				};
			})
			.sort((a, b) => a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id));
	}

	/** Records of dropped subscribers that have not come back yet, newest first. */
	async dropped(ep: EndpointRef): Promise<DroppedSubscriber[]> {
		const all = Object.values(await this.redis.hgetall(this.keys(ep).droppedSubscribers)).map(
			(j) => JSON.parse(j) as DroppedSubscriber,
		);
		return all.sort((a, b) => b.droppedAtMs - a.droppedAtMs);
	}

	/** Events waiting for one subscriber (new + pending + replayed). */
	async waiting(ep: EndpointRef, sub: string): Promise<number> {
		const all = await this.list(ep);
		const replay = await this.redis.xlen(
			subscriberKeys(this.prefix, ep.accountId, ep.id, sub).replay,
		);
		return (all.find((s) => s.id === sub)?.waiting ?? 0) + replay;
	}

	/**
	 * Moves a subscriber's cursor back (or forward) so that its next read starts with the event
	 * `to` (a stream id) or with the first event received at or after `to` (ms since the epoch).
	 * Refuses a point older than the oldest retained event or newer than the newest.
	 * @returns the id the next read starts after
	 */
	async rewind(
		ep: EndpointRef,
		sub: string,
		to: string | number,
	): Promise<{ startsAfterId: string; waiting: number }> {
		const k = this.keys(ep);
		if (!(await this.group(ep, sub))) throw new NotFoundError('subscriber', sub);
		const target = typeof to === 'number' ? `${Math.floor(to)}-0` : to;
		if (!STREAM_ID_RE.test(target))
			throw new ValidationError(
				`'${String(to)}' is neither an event id (like 1732280000000-0) nor a time`,
			);
		const [first, last] = await Promise.all([
			this.redis.xrange(k.stream, '-', '+', 'COUNT', 1),
			this.redis.xrevrange(k.stream, '+', '-', 'COUNT', 1),
		]);
		if (first.length === 0)
			throw new ConflictError('the endpoint holds no events; there is nothing to rewind to');
		const oldest = first[0][0];
		const newest = last[0][0];
		if (compareStreamIds(target, oldest) < 0) {
			throw new ValidationError(
				`${target} (${new Date(msOf(target)).toISOString()}) is older than the oldest event the endpoint still holds, ${oldest} (${new Date(msOf(oldest)).toISOString()}); pick a point at or after it`,
			);
		}
		if (compareStreamIds(target, newest) > 0) {
			throw new ValidationError(
				`${target} is newer than the newest event the endpoint holds, ${newest}; pick a point at or before it`,
			);
		}
		const startsAfterId = previousStreamId(target);
		// Tell Redis the new position when it is cheap to count, so that the group's lag stays known.
		const before = await this.redis.xrange(
			k.stream,
			'-',
			startsAfterId,
			'COUNT',
			REWIND_COUNT_MAX + 1,
		);
		if (before.length <= REWIND_COUNT_MAX) {
			const info = fieldsOf((await this.redis.xinfo('STREAM', k.stream)) as unknown[]);
			const removed = Number(info.get('entries-added') ?? 0) - Number(info.get('length') ?? 0);
			await this.redis.xgroup(
				'SETID',
				k.stream,
				sub,
				startsAfterId,
				'ENTRIESREAD',
				removed + before.length,
			);
		} else {
			await this.redis.xgroup('SETID', k.stream, sub, startsAfterId);
		}
		return { startsAfterId, waiting: await this.waiting(ep, sub) };
	}

	/**
	 * Drops subscribers unseen for `retentionMs` (leaving a record for their return) and forgets
	 * records older than DROPPED_RECORD_KEEP_MS or beyond DROPPED_RECORD_MAX. @returns ids dropped
	 */
	async dropUnseen(ep: EndpointRef, retentionMs: number): Promise<string[]> {
		const k = this.keys(ep);
		const nowMs = await redisTimeMs(this.redis);
		const dropped: string[] = [];
		for (const [sub, json] of Object.entries(await this.redis.hgetall(k.subscribers))) {
			const meta = JSON.parse(json) as StoredMeta;
			if (nowMs - meta.lastSeenMs > retentionMs) {
				await this.remove(ep, sub, 'retention');
				dropped.push(sub);
			}
		}
		const records = await this.dropped(ep);
		const forget = records
			.filter((r, i) => i >= DROPPED_RECORD_MAX || nowMs - r.droppedAtMs > DROPPED_RECORD_KEEP_MS)
			.map((r) => r.id);
		if (forget.length > 0) await this.redis.hdel(k.droppedSubscribers, ...forget);
		return dropped;
	}
}
