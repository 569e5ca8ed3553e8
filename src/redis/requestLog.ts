/**
 * The request log (docs/request-log.md): one entry per request the ingest path answered, accepted
 * or rejected, with the check that failed. Kept off the request path like the statistics
 * (stats.ts): entries wait in memory and are written once per flush interval, in pipelines of at
 * most FLUSH_CHUNK entries, to a stream per endpoint capped by count and age. Ids that name no
 * endpoint share one capped stream,
 * so a sender spraying random ids cannot make keys or memory grow.
 */
import type { ScriptedRedis } from './client';
import { eventDelivery, type SubscriberDelivery } from './eventDelivery';
import { endpointKeys, registryKeys, unknownRequestLogKey } from './keys';
import type { EndpointRef } from './subscribers';
import { STREAM_ID_RE } from './streamIds';

/** What the ingest path knows about one answered request. */
export interface RequestRecord {
	/** Owning account; undefined for an id that names no endpoint (the shared "unknown" log). */
	accountId?: string;
	/** The endpoint id as the URL named it. */
	endpointId: string;
	/** When the request arrived, ms since the epoch (gateway clock). */
	timeMs: number;
	method: string;
	/** As clientIp resolves it (trust-proxy rules applied). */
	sourceIp: string;
	/** HTTP status answered. */
	status: number;
	/** Outcome: an error code (`unauthorized`, ...) or accepted, duplicate, handshake, head, options. */
	code: string;
	/** Which check failed, finer than the code (e.g. stale_timestamp); never a secret or body content. */
	reason?: string;
	/** Body size in bytes (read, or declared when refused before reading). */
	bytes: number;
	/** Event id of a stored (or duplicate's first) event. */
	eventId?: string;
	/** The sender's delivery id the endpoint's dedupe uses, when present. */
	deliveryId?: string;
}

/** One logged request as the API shows it. */
export interface LoggedRequest {
	/** Id of the log entry (a stream id), for the detail call and as a paging cursor. */
	id: string;
	/** ISO 8601. */
	time: string;
	endpointId: string;
	method: string;
	sourceIp: string;
	status: number;
	code: string;
	reason: string | null;
	bytes: number;
	eventId: string | null;
	deliveryId: string | null;
}

/** Filters of a list call; all optional, combined with AND. */
export interface RequestQuery {
	/** Statuses to keep (e.g. [403, 429]). */
	status?: number[];
	/** Codes to keep (e.g. ['unauthorized']). */
	code?: string[];
	/** Earliest and latest request time, ms since the epoch (inclusive). */
	fromMs?: number;
	toMs?: number;
	/** Case-insensitive text in the event id or the delivery id. */
	q?: string;
	/** Most entries returned (1-1000). */
	limit: number;
	/** `nextCursor` of the previous page: entries older than it. */
	cursor?: string;
}

export interface RequestPage {
	requests: LoggedRequest[];
	/** Pass as `cursor` for older entries; null when the log has no more. */
	nextCursor: string | null;
}

export interface RequestLogOptions {
	/** Most entries kept per endpoint (and in the unknown-id log); 0 switches the log off. */
	maxEntries: number;
	/** Entries older than this are trimmed (ms). */
	retentionMs: number;
	/** How long entries wait in memory before one pipeline writes them (ms). */
	flushMs: number;
}

/** Entries waiting in memory at most; beyond, new ones are dropped and counted (Redis unreachable for long). */
export const MAX_PENDING_ENTRIES = 50_000;
/**
 * Steps per pipeline of a flush (an XADD, or one log's trim and expiry): small enough that writing
 * one (encoding, Redis running it) takes well under a millisecond, so requests answered meanwhile
 * are not held up behind a whole flush.
 */
const FLUSH_CHUNK = 100;
/** Entries one list call reads at most before it returns a cursor (bounds the cost of a narrow filter). */
const SCAN_BUDGET = 5000;
const SCAN_CHUNK = 500;
/**
 * Stream ids are given at the flush, by Redis's clock: an entry's id can be later than its request
 * time by the flush delay and clock skew, earlier only by skew. Ranges are widened by this (ms).
 */
const ID_SLACK_MS = 5 * 60_000;

function clip(text: string, max: number): string {
	return text.length > max ? text.slice(0, max) : text;
}

function fieldsOf(r: RequestRecord, unknown: boolean): string[] {
	const f = [
		't',
		String(r.timeMs),
		'm',
		clip(r.method, 16),
		'ip',
		clip(r.sourceIp, 64),
		's',
		String(r.status),
		'c',
		clip(r.code, 64),
		'n',
		String(r.bytes),
	];
	if (unknown) f.push('u', clip(r.endpointId, 128));
	if (r.reason) f.push('r', clip(r.reason, 80));
	if (r.eventId) f.push('e', r.eventId);
	if (r.deliveryId) f.push('d', clip(r.deliveryId, 256));
	return f;
}

function decode(endpointId: string, id: string, fields: string[]): LoggedRequest {
	const m = new Map<string, string>();
	for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i], fields[i + 1]);
	const timeMs = Number(m.get('t') ?? id.slice(0, id.indexOf('-')));
	return {
		id,
		time: new Date(timeMs).toISOString(),
		endpointId: m.get('u') ?? endpointId,
		method: m.get('m') ?? '',
		sourceIp: m.get('ip') ?? '',
		status: Number(m.get('s') ?? 0),
		code: m.get('c') ?? '',
		reason: m.get('r') ?? null,
		bytes: Number(m.get('n') ?? 0),
		eventId: m.get('e') ?? null,
		deliveryId: m.get('d') ?? null,
	};
}

function matches(r: LoggedRequest, q: RequestQuery, oldestMs: number): boolean {
	const t = Date.parse(r.time);
	if (
		t < oldestMs ||
		(q.fromMs !== undefined && t < q.fromMs) ||
		(q.toMs !== undefined && t > q.toMs)
	)
		return false;
	if (q.status?.length && !q.status.includes(r.status)) return false;
	if (q.code?.length && !q.code.includes(r.code)) return false;
	if (q.q) {
		const needle = q.q.toLowerCase();
		if (
			!(r.eventId ?? '').toLowerCase().includes(needle) &&
			!(r.deliveryId ?? '').toLowerCase().includes(needle)
		)
			return false;
	}
	return true;
}

interface Pending {
	endpointId: string;
	/** Absent for the unknown-id log. */
	accountId?: string;
	/** What was recorded, oldest first; turned into stream fields only at the flush, for the entries kept. */
	records: RequestRecord[];
}

/** One step of a flush: a command (or two, trim and expiry, counted as one) for one log. */
interface FlushCommand {
	key: string;
	/** Log entries this step writes. */
	entries: number;
	add(pipeline: ReturnType<ScriptedRedis['pipeline']>): void;
}

export class RequestLogStore {
	private pending = new Map<string, Pending>();
	private pendingCount = 0;
	private timer?: NodeJS.Timeout;
	private flushing: Promise<void> = Promise.resolve();
	/** Entries dropped because too many waited in memory (Redis unreachable for long). */
	dropped = 0;

	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
		readonly options: RequestLogOptions,
		private readonly now: () => number = Date.now,
	) {}

	private keyOf(ep: EndpointRef | 'unknown'): string {
		return ep === 'unknown'
			? unknownRequestLogKey(this.prefix)
			: endpointKeys(this.prefix, ep.accountId, ep.id).requests;
	}

	/** Notes one answered request; written to Redis within about `flushMs`. No I/O here. */
	record(r: RequestRecord): void {
		if (this.options.maxEntries === 0) return;
		if (this.pendingCount >= MAX_PENDING_ENTRIES) {
			this.dropped++;
			return;
		}
		const unknown = r.accountId === undefined;
		const key = this.keyOf(
			unknown ? 'unknown' : { id: r.endpointId, accountId: r.accountId as string },
		);
		let entry = this.pending.get(key);
		if (!entry)
			this.pending.set(
				key,
				(entry = { endpointId: r.endpointId, accountId: r.accountId, records: [] }),
			);
		entry.records.push(r);
		this.pendingCount++;
		// The log keeps an endpoint's newest `maxEntries` (the flush's exact MAXLEN): older entries of
		// the same interval would be written only to be trimmed at once. Under load that was most of
		// the flush (thousands of XADDs a second per endpoint), so they are let go here, in amortised
		// O(1); what Redis ends up holding is the same.
		const max = this.options.maxEntries;
		if (entry.records.length >= 2 * max) {
			const older = entry.records.length - max;
			entry.records.splice(0, older);
			this.pendingCount -= older;
		}
		this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.options.flushMs);
		this.timer.unref?.();
	}

	/**
	 * Writes what waits: per log XADDs with an exact MAXLEN, then a MINID trim for age and an
	 * expiry. The commands of all logs go in pipelines of at most {@link FLUSH_CHUNK} steps (an
	 * XADD, or a log's trim and expiry), one after the other (on a cluster: per account's slot,
	 * those side by side), so that neither the gateway's encoding nor Redis's execution of a full
	 * flush (up to `maxEntries` per endpoint) holds up the requests between them, while many small
	 * logs still share a pipeline. Entries of endpoints deleted since are dropped (a flush must not
	 * re-create a deleted endpoint's key); on failure the entries not written wait for the next
	 * flush.
	 */
	flush(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		// One flush at a time, so that a log's entries are written in the order they were recorded.
		const flushed = this.flushing.then(() => this.writePending());
		this.flushing = flushed.catch(() => undefined);
		return flushed;
	}

	private async writePending(): Promise<void> {
		if (this.pending.size === 0) return;
		const batch = this.pending;
		this.pending = new Map();
		this.pendingCount = 0;
		let gone: Set<string>;
		try {
			const registry = registryKeys(this.prefix).endpoints;
			const known = [...batch.entries()].filter(([, p]) => p.accountId !== undefined);
			const exists = await Promise.all(
				known.map(([, p]) => this.redis.hexists(registry, p.endpointId)),
			);
			gone = new Set(known.filter((_, i) => exists[i] === 0).map(([key]) => key));
		} catch (error) {
			this.keep(batch);
			throw error;
		}
		// Ids are Redis's time and the retention is the gateway's: trim with some slack for skew
		// (reads hide what is older than the retention exactly).
		const minId = `${Math.max(0, this.now() - this.options.retentionMs - Math.min(ID_SLACK_MS, this.options.retentionMs))}-0`;
		const max = this.options.maxEntries;
		// Per log its XADDs, then its trim and expiry; on a cluster a pipeline must stay within one
		// slot, so one command list per account tag (their pipelines run side by side).
		const groups = new Map<string, FlushCommand[]>();
		const newest = new Map<string, Pending>();
		for (const [key, p] of batch) {
			if (gone.has(key)) continue;
			const kept = { ...p, records: p.records.length > max ? p.records.slice(-max) : p.records };
			newest.set(key, kept);
			const group = this.redis.isCluster ? (p.accountId ?? '') : '';
			let commands = groups.get(group);
			if (!commands) groups.set(group, (commands = []));
			const unknown = p.accountId === undefined;
			for (const r of kept.records)
				commands.push({
					key,
					entries: 1,
					add: (pl) => pl.xadd(key, 'MAXLEN', String(max), '*', ...fieldsOf(r, unknown)),
				});
			commands.push({
				key,
				entries: 0,
				add: (pl) => pl.xtrim(key, 'MINID', minId).pexpire(key, this.options.retentionMs),
			});
		}
		// Entries written so far, per log: on failure the rest waits for the next flush.
		const written = new Map<string, number>();
		const results = await Promise.allSettled(
			[...groups.values()].map(async (commands) => {
				for (let at = 0; at < commands.length; at += FLUSH_CHUNK) {
					const chunk = commands.slice(at, at + FLUSH_CHUNK);
					const pipeline = this.redis.pipeline();
					for (const c of chunk) c.add(pipeline);
					const replies = await pipeline.exec();
					if (replies?.some(([error]) => error)) throw new Error('request log flush failed');
					for (const c of chunk) written.set(c.key, (written.get(c.key) ?? 0) + c.entries);
				}
			}),
		);
		const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failed) {
			const unwritten = new Map<string, Pending>();
			for (const [key, p] of newest) {
				const records = p.records.slice(written.get(key) ?? 0);
				if (records.length > 0) unwritten.set(key, { ...p, records });
			}
			this.keep(unwritten);
			throw failed.reason;
		}
	}

	private keep(batch: Map<string, Pending>): void {
		for (const [key, p] of batch) {
			const cur = this.pending.get(key);
			const room = MAX_PENDING_ENTRIES - this.pendingCount;
			const records = p.records.slice(Math.max(0, p.records.length - room));
			this.dropped += p.records.length - records.length;
			this.pendingCount += records.length;
			if (cur) cur.records.unshift(...records);
			else this.pending.set(key, { ...p, records });
		}
	}

	/** Newest first, filtered; a page ends at `limit` entries or after a bounded scan (then `nextCursor` continues). */
	async list(ep: EndpointRef | 'unknown', q: RequestQuery): Promise<RequestPage> {
		const key = this.keyOf(ep);
		const endpointId = ep === 'unknown' ? '' : ep.id;
		const oldestMs = this.now() - this.options.retentionMs;
		const lowMs = Math.max(oldestMs, q.fromMs ?? 0) - ID_SLACK_MS;
		const low = lowMs > 0 ? String(lowMs) : '-';
		let high = q.cursor
			? `(${q.cursor}`
			: q.toMs !== undefined
				? String(q.toMs + ID_SLACK_MS)
				: '+';
		const out: LoggedRequest[] = [];
		let scanned = 0;
		for (;;) {
			const rows = (await this.redis.xrevrange(key, high, low, 'COUNT', SCAN_CHUNK)) as [
				string,
				string[],
			][];
			for (const [id, fields] of rows) {
				scanned++;
				const r = decode(endpointId, id, fields);
				if (matches(r, q, oldestMs)) out.push(r);
				if (out.length >= q.limit) return { requests: out, nextCursor: id };
				if (scanned >= SCAN_BUDGET) return { requests: out, nextCursor: id };
			}
			if (rows.length < SCAN_CHUNK) return { requests: out, nextCursor: null };
			high = `(${rows[rows.length - 1][0]}`;
		}
	}

	/** One entry by id, or undefined (unknown id, trimmed, or older than the retention). */
	async get(ep: EndpointRef | 'unknown', requestId: string): Promise<LoggedRequest | undefined> {
		if (!STREAM_ID_RE.test(requestId)) return undefined;
		const rows = (await this.redis.xrange(this.keyOf(ep), requestId, requestId)) as [
			string,
			string[],
		][];
		if (rows.length === 0) return undefined;
		const r = decode(ep === 'unknown' ? '' : ep.id, rows[0][0], rows[0][1]);
		return Date.parse(r.time) < this.now() - this.options.retentionMs ? undefined : r;
	}

	/** Where a stored event is, per subscriber (see eventDelivery.ts). */
	async delivery(
		ep: EndpointRef,
		eventId: string,
	): Promise<{ inBuffer: boolean; subscribers: SubscriberDelivery[] }> {
		return await eventDelivery(this.redis, this.prefix, ep, eventId);
	}

	/** Writes what waits and stops the timer. */
	async close(): Promise<void> {
		await this.flush().catch(() => undefined);
	}
}
