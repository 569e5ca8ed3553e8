/**
 * Delivery side of the buffer (docs/reliability.md): batches read pending-first from the subscriber's
 * consumer group (src/redis/subscribers.ts keeps the subscribers), acknowledgement with trimming,
 * failed attempts and dead letters, replay, peek, blocking reads and maintenance.
 */
import { redisTimeMs, type ScriptedRedis } from './client';
import { endpointKeys, subscriberKeys } from './keys';
import {
	CONSUMER,
	FIELDS,
	REF,
	decodeEntry,
	refOf,
	replayFields,
	streamIdMs,
} from './streamSchema';
import { SCRIPT_CODES } from './scriptCodes';
import {
	SubscriberStore,
	type EndpointRef,
	type SubscriberGap,
	type SubscriberMeta,
} from './subscribers';
import type {
	BufferAdmin,
	BufferDelivery,
	BufferLifecycle,
	DeadLetter,
	MaintainResult,
	NackResult,
	ReadOptions,
	ReadResult,
	StoredEntry,
} from './bufferPorts';

export type { EndpointRef } from './subscribers';
export { streamIdMs } from './streamSchema';
export type {
	BufferAdmin,
	BufferDelivery,
	BufferLifecycle,
	DeadLetter,
	MaintainResult,
	NackResult,
	ReadOptions,
	ReadResult,
	StoredEntry,
} from './bufferPorts';

type RawEntry = [Buffer, Buffer[] | null];

/** Default cap on an endpoint's dead letters (WEBHOOK_GATEWAY_DEAD_LETTER_MAX). */
export const DEFAULT_DEAD_LETTER_MAX = 10_000;

/** Entries and bytes one trimEvents call may remove (it reads each entry to learn its size). */
const TRIM_ENTRIES_PER_CALL = 1000;
const TRIM_BYTES_PER_CALL = 64 * 1024 * 1024;

/** The event buffer in Redis; callers see it through the port they need (bufferPorts.ts). */
export class BufferStore implements BufferDelivery, BufferAdmin, BufferLifecycle {
	/** The subscribers of each endpoint (cursors, metadata, dropped records). */
	readonly subscribers: SubscriberStore;

	/**
	 * @param deadLetterMax most dead letters per endpoint; an entry at its attempt limit beyond
	 *   that stays pending (never dropped). 0 = no cap.
	 */
	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
		private readonly deadLetterMax: number = DEFAULT_DEAD_LETTER_MAX,
	) {
		this.subscribers = new SubscriberStore(redis, prefix);
	}

	private keys(ep: EndpointRef) {
		return endpointKeys(this.prefix, ep.accountId, ep.id);
	}

	private subKeys(ep: EndpointRef, sub: string) {
		return subscriberKeys(this.prefix, ep.accountId, ep.id, sub);
	}

	/** See SubscriberStore.subscribe. */
	async subscribe(
		ep: EndpointRef,
		sub: string,
		from: 'new' | 'oldest',
		meta?: SubscriberMeta,
	): Promise<SubscriberGap | undefined> {
		return await this.subscribers.subscribe(ep, sub, from, meta);
	}

	/** Records that the subscriber is alive; false when it is not registered any more (see SubscriberStore.touch). */
	async touch(ep: EndpointRef, sub: string): Promise<boolean> {
		return await this.subscribers.touch(ep, sub);
	}

	/**
	 * Reads up to `count` events for a subscriber, oldest first: first events it was given before
	 * and never acknowledged (after a crash or a failed run), then replayed dead letters, then new
	 * events. One round trip (readEvents.lua), plus a blocking read when nothing was there and
	 * `blockMs` is set (use a connection of its own for blocking reads).
	 *
	 * - `skip`: refs already in flight in this process (not returned again).
	 * - `reclaimAfterMs`: a pending entry is returned only once it has not been delivered or
	 *   renewed (see `renew`) for this long, so that a run that may still be going on elsewhere
	 *   (an n8n worker whose main went away) is not started twice. 0 (default): every pending
	 *   entry. A failed run's entries (`nack`) are visible at once either way.
	 */
	async read(
		ep: EndpointRef,
		sub: string,
		count: number,
		options: ReadOptions = {},
	): Promise<StoredEntry[]> {
		return (await this.readBatch(ep, sub, count, options)).entries;
	}

	/** `read` with what else the read did: dead-lettered runs that never reported back, held entries, byte cap reached. */
	async readBatch(
		ep: EndpointRef,
		sub: string,
		count: number,
		options: ReadOptions = {},
	): Promise<ReadResult> {
		const out = await this.withGroup(ep, sub, () => this.readOnce(ep, sub, count, options));
		if (out.entries.length > 0 || !options.blockMs) return out;
		const k = this.keys(ep);
		const fresh = await this.withGroup(ep, sub, () =>
			(
				this.redis as unknown as {
					xreadgroupBuffer(...a: (string | number)[]): Promise<[Buffer, RawEntry[]][] | null>;
				}
			).xreadgroupBuffer(
				'GROUP',
				sub,
				CONSUMER,
				'COUNT',
				options.maxBytes ? 1 : count,
				'BLOCK',
				options.blockMs!,
				'STREAMS',
				k.stream,
				'>',
			),
		);
		const entries = (fresh?.[0]?.[1] ?? []).flatMap(([id, fields]) =>
			fields ? [decodeEntry(refOf(REF.stream, id.toString()), fields)] : [],
		);
		return { ...out, entries };
	}

	private async readOnce(
		ep: EndpointRef,
		sub: string,
		count: number,
		options: ReadOptions,
	): Promise<ReadResult> {
		const k = this.keys(ep);
		const sk = this.subKeys(ep, sub);
		const reply = await this.redis.readEventsBuffer(
			k.stream,
			sk.replay,
			sk.attempts,
			k.deadLetters,
			sub,
			Math.max(0, Math.floor(options.reclaimAfterMs ?? 0)),
			Math.max(1, count),
			Math.max(0, Math.floor(options.maxBytes ?? 0)),
			Math.max(0, Math.floor(options.maxAttempts ?? 0)),
			this.deadLetterMax,
			...(options.skip ?? []),
		);
		const [flat, dead, held, bytesFull] = reply as unknown as [
			(Buffer | Buffer[])[],
			Buffer[],
			Buffer[],
			number,
		];
		const entries: StoredEntry[] = [];
		for (let i = 0; i + 1 < flat.length; i += 2)
			entries.push(decodeEntry((flat[i] as Buffer).toString(), flat[i + 1] as Buffer[]));
		return {
			entries,
			deadLettered: dead.map(String),
			held: held.map(String),
			bytesFull: Number(bytesFull) === SCRIPT_CODES.read.bytesFull,
		};
	}

	/**
	 * Runs a read; when the subscriber's group is gone (dropped or removed) it rejoins, resuming
	 * where it stopped. When the endpoint was deleted it throws NotFoundError and creates nothing.
	 */
	private async withGroup<T>(ep: EndpointRef, sub: string, read: () => Promise<T>): Promise<T> {
		try {
			return await read();
		} catch (error) {
			if (!(error instanceof Error) || !error.message.includes('NOGROUP')) throw error;
			await this.subscribers.rejoin(ep, sub);
			return await read();
		}
	}

	/**
	 * Marks entries in flight as still being worked on (restarts their idle time), so that readers
	 * with `reclaimAfterMs` leave them alone while this process is alive. @returns entries renewed.
	 */
	async renew(ep: EndpointRef, sub: string, refs: readonly string[]): Promise<number> {
		if (refs.length === 0) return 0;
		return Number(
			await this.redis.renewEvents(
				this.keys(ep).stream,
				this.subKeys(ep, sub).replay,
				sub,
				...refs,
			),
		);
	}

	/**
	 * Gives back entries that were read but never handed to a run (the reader was stopping): their
	 * delivery does not count as a failed attempt, and the next read gets them at once.
	 */
	async unread(ep: EndpointRef, sub: string, refs: readonly string[]): Promise<number> {
		if (refs.length === 0) return 0;
		return Number(
			await this.redis.returnEvents(
				this.keys(ep).stream,
				this.subKeys(ep, sub).replay,
				sub,
				...refs,
			),
		);
	}

	/**
	 * Acknowledges processed entries and trims what every subscriber has acknowledged (one round
	 * trip: ackEvents and trimEvents pipelined).
	 */
	async ack(
		ep: EndpointRef,
		sub: string,
		refs: string[],
	): Promise<{ acked: number; trimmed: number }> {
		if (refs.length === 0) return { acked: 0, trimmed: 0 };
		const k = this.keys(ep);
		const sk = this.subKeys(ep, sub);
		const pipeline = this.redis.pipeline() as unknown as {
			ackEvents(...a: (string | number)[]): unknown;
			trimEvents(...a: (string | number)[]): unknown;
			exec(): Promise<[Error | null, unknown][] | null>;
		};
		pipeline.ackEvents(k.stream, sk.attempts, sk.replay, sub, ...refs);
		pipeline.trimEvents(k.stream, k.bytes, 'acked', TRIM_ENTRIES_PER_CALL, TRIM_BYTES_PER_CALL);
		const results = (await pipeline.exec()) ?? [];
		for (const [error] of results) if (error) throw error;
		const trim = results[1]?.[1] as number[] | undefined;
		return { acked: Number(results[0]?.[1] ?? 0), trimmed: Number(trim?.[0] ?? 0) };
	}

	/**
	 * Acknowledges entries the subscriber's filter left out (no execution was started for them)
	 * and adds them to its filtered counter (shown with the subscribers). @returns entries acknowledged.
	 */
	async ackFiltered(ep: EndpointRef, sub: string, refs: string[]): Promise<number> {
		const { acked } = await this.ack(ep, sub, refs);
		if (acked > 0) await this.redis.hincrby(this.keys(ep).filtered, sub, acked);
		return acked;
	}

	/**
	 * Removes stream entries older than `minId` ('acked': what every subscriber acknowledged),
	 * keeping the bytes counter exact, in bounded steps. @returns entries and bytes removed.
	 */
	async trim(ep: EndpointRef, minId: string): Promise<{ entries: number; bytes: number }> {
		const k = this.keys(ep);
		let entries = 0;
		let bytes = 0;
		for (;;) {
			const [n, b, more] = (
				await this.redis.trimEvents(
					k.stream,
					k.bytes,
					minId,
					TRIM_ENTRIES_PER_CALL,
					TRIM_BYTES_PER_CALL,
				)
			).map(Number);
			entries += n;
			bytes += b;
			if (more !== SCRIPT_CODES.trim.more) return { entries, bytes };
		}
	}

	/** Bytes the endpoint's buffered events hold (the stored size acceptEvent counts against the byte capacity). */
	async storedBytes(ep: EndpointRef): Promise<number> {
		return Number((await this.redis.get(this.keys(ep).bytes)) ?? 0);
	}

	/**
	 * Records a failed delivery; entries that reached `maxAttempts` become dead letters.
	 * @returns the refs that were dead-lettered (see `recordFailure` for the held ones).
	 */
	async nack(
		ep: EndpointRef,
		sub: string,
		refs: string[],
		maxAttempts: number,
		error: string,
	): Promise<string[]> {
		return (await this.recordFailure(ep, sub, refs, maxAttempts, error)).dead;
	}

	/**
	 * Records a failed delivery; entries that reached `maxAttempts` (failed runs and runs that never
	 * reported back, see nackEvents.lua) become dead letters, or stay pending when the endpoint's
	 * dead letters are at their cap.
	 */
	async recordFailure(
		ep: EndpointRef,
		sub: string,
		refs: string[],
		maxAttempts: number,
		error: string,
	): Promise<NackResult> {
		if (refs.length === 0) return { dead: [], held: [] };
		const k = this.keys(ep);
		const sk = this.subKeys(ep, sub);
		const [dead, held] = await this.redis.nackEvents(
			k.stream,
			sk.attempts,
			k.deadLetters,
			sk.replay,
			sub,
			Math.max(1, maxAttempts),
			error.slice(0, 1000),
			this.deadLetterMax,
			...refs,
		);
		return { dead: dead.map(String), held: held.map(String) };
	}

	/** The cap on one endpoint's dead letters (0 = none). */
	get deadLetterCap(): number {
		return this.deadLetterMax;
	}

	/** Failed attempts so far per ref. */
	async attempts(ep: EndpointRef, sub: string, refs: string[]): Promise<number[]> {
		if (refs.length === 0) return [];
		const values = await this.redis.hmget(this.subKeys(ep, sub).attempts, ...refs);
		return values.map((v) => Number(v ?? 0));
	}

	/** Newest (or oldest) buffered events, consuming nothing. */
	async peek(
		ep: EndpointRef,
		count: number,
		order: 'newest' | 'oldest' = 'newest',
	): Promise<StoredEntry[]> {
		const k = this.keys(ep);
		const rows = (order === 'newest'
			? await this.redis.xrevrangeBuffer(k.stream, '+', '-', 'COUNT', count)
			: await this.redis.xrangeBuffer(k.stream, '-', '+', 'COUNT', count)) as unknown as [
			Buffer,
			Buffer[],
		][];
		return rows.map(([id, fields]) => decodeEntry(refOf(REF.stream, id.toString()), fields));
	}

	/** Waits up to blockMs for the next event accepted after `afterId` ('$' = from now), consuming nothing. */
	async waitForNext(
		ep: EndpointRef,
		blockMs: number,
		afterId = '$',
	): Promise<StoredEntry | undefined> {
		const k = this.keys(ep);
		const result = (await this.redis.xreadBuffer(
			'COUNT',
			1,
			'BLOCK',
			blockMs,
			'STREAMS',
			k.stream,
			afterId,
		)) as [Buffer, [Buffer, Buffer[]][]][] | null;
		const row = result?.[0]?.[1]?.[0];
		return row ? decodeEntry(refOf(REF.stream, row[0].toString()), row[1]) : undefined;
	}

	/** Events in the buffer and the age of the oldest. */
	async depth(ep: EndpointRef): Promise<{ length: number; oldestReceivedAtMs: number | null }> {
		const k = this.keys(ep);
		const [length, first] = await Promise.all([
			this.redis.xlen(k.stream),
			this.redis.xrange(k.stream, '-', '+', 'COUNT', 1),
		]);
		return { length, oldestReceivedAtMs: first.length > 0 ? streamIdMs(first[0][0]) : null };
	}

	/** Events waiting for one subscriber (new + pending + replayed). */
	async waiting(ep: EndpointRef, sub: string): Promise<number> {
		return await this.subscribers.waiting(ep, sub);
	}

	async deadLetterCount(ep: EndpointRef): Promise<number> {
		return await this.redis.xlen(this.keys(ep).deadLetters);
	}

	/** Dead letters oldest first, up to `count`, after the dead-letter id `after` ('-' = from the start). */
	async deadLetters(ep: EndpointRef, count = 100, after = '-'): Promise<DeadLetter[]> {
		return await this.readDeadLetters(ep, after === '-' ? '-' : `(${after}`, '+', count);
	}

	private async readDeadLetters(
		ep: EndpointRef,
		start: string,
		end: string,
		count: number,
	): Promise<DeadLetter[]> {
		const k = this.keys(ep);
		const rows = (await this.redis.xrangeBuffer(
			k.deadLetters,
			start,
			end,
			'COUNT',
			count,
		)) as unknown as [Buffer, Buffer[]][];
		return rows.map(([idBuf, fields]) => {
			const id = idBuf.toString();
			const map = new Map<string, string>();
			const rest: Buffer[] = [];
			for (let i = 0; i + 1 < fields.length; i += 2) {
				const name = fields[i].toString();
				if (name === FIELDS.subscriber || name === FIELDS.attempts || name === FIELDS.error)
					map.set(name, fields[i + 1].toString());
				else rest.push(fields[i], fields[i + 1]);
			}
			return {
				id,
				subscriberId: map.get(FIELDS.subscriber) ?? '',
				attempts: Number(map.get(FIELDS.attempts) ?? 0),
				error: map.get(FIELDS.error) ?? '',
				deadAtMs: streamIdMs(id),
				entry: decodeEntry(refOf(REF.deadLetter, id), rest),
			};
		});
	}

	/**
	 * Puts dead letters back in front of their subscriber's queue (all when `ids` is empty).
	 * Letters whose subscriber is gone are left in place. @returns ids replayed and ids skipped.
	 */
	async replay(
		ep: EndpointRef,
		ids: string[] = [],
	): Promise<{ replayed: string[]; skipped: string[] }> {
		const k = this.keys(ep);
		const wanted = [...new Set(ids)];
		const letters =
			wanted.length === 0
				? await this.deadLetters(ep, 10_000)
				: (await Promise.all(wanted.map((id) => this.readDeadLetters(ep, id, id, 1)))).flat();
		const subs = new Set(Object.keys(await this.redis.hgetall(k.subscribers)));
		const replayed: string[] = [];
		const skipped: string[] = [];
		for (const letter of letters) {
			if (!subs.has(letter.subscriberId)) {
				skipped.push(letter.id);
				continue;
			}
			await this.redis
				.multi()
				.xadd(this.subKeys(ep, letter.subscriberId).replay, '*', ...replayFields(letter.entry))
				.xdel(k.deadLetters, letter.id)
				.exec();
			replayed.push(letter.id);
		}
		for (const id of wanted) if (!replayed.includes(id) && !skipped.includes(id)) skipped.push(id);
		return { replayed, skipped };
	}

	async deleteDeadLetters(ep: EndpointRef, ids: string[]): Promise<number> {
		if (ids.length === 0) return 0;
		return await this.redis.xdel(this.keys(ep).deadLetters, ...ids);
	}

	/**
	 * Housekeeping for one endpoint: drops subscribers unseen for `subscriberRetentionMs` (their
	 * return is told, see SubscriberStore), trims what every subscriber acknowledged, then events
	 * older than `eventRetentionMs` (0 = never by age). `discarded` counts what the age trim
	 * removed: events some subscriber (or, with none subscribed, nobody) had not acknowledged.
	 */
	async maintain(
		ep: EndpointRef,
		subscriberRetentionMs: number,
		eventRetentionMs: number,
	): Promise<MaintainResult> {
		const dropped = await this.subscribers.dropUnseen(ep, subscriberRetentionMs);
		const nowMs = await redisTimeMs(this.redis);
		const acked = await this.trim(ep, 'acked');
		const discarded =
			eventRetentionMs > 0
				? await this.trim(ep, `${Math.max(0, nowMs - eventRetentionMs)}-0`)
				: { entries: 0, bytes: 0 };
		return { droppedSubscribers: dropped, trimmed: acked.entries + discarded.entries, discarded };
	}

	/** Takes or extends the release lease of a subscriber. */
	async takeLease(ep: EndpointRef, sub: string, owner: string, ttlMs: number): Promise<boolean> {
		return (
			(await this.redis.takeLease(this.subKeys(ep, sub).lease, owner, ttlMs)) ===
			SCRIPT_CODES.lease.held
		);
	}

	async releaseLease(ep: EndpointRef, sub: string, owner: string): Promise<void> {
		await this.redis.releaseLease(this.subKeys(ep, sub).lease, owner);
	}
}
