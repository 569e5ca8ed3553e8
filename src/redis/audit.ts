/**
 * The audit log of management changes: a capped stream (newest entries kept, about
 * {@link AUDIT_CAP} of them) that every gateway, the CLI and the console write to.
 */
import type { ScriptedRedis } from './client';
import { securityKeys } from './keys';

/** Entries kept (approximately: XADD MAXLEN ~ trims whole stream nodes). */
export const AUDIT_CAP = 10_000;

export interface AuditEntry {
	/** When, ISO 8601 (the writer's clock). */
	at: string;
	/** Who: `admin token`, `console session <id hint>`, `cli:<user>`. */
	who: string;
	/** What: the method and path of an admin API change, or the CLI command and its target. */
	action: string;
	/** HTTP status of the change (admin API), or 0 when not made over HTTP (CLI, n8n node on Redis). */
	status: number;
	/** The account the change concerns, when known (an endpoint's account, or the account changed). */
	accountId?: string;
	/** The endpoint the change concerns, when there is one. */
	endpointId?: string;
}

/** An entry as listed, with its stream id: the cursor for the next (older) page. */
export interface ListedAuditEntry extends AuditEntry {
	id: string;
}

/** Filters of the audit log (`GET /audit`, `webhook-gateway audit`): each given one must match (case-insensitive). */
export interface AuditFilter {
	/** Part of who made the change (`token ci-bot`, `console session`, `n8n: workflow`, `cli:`). */
	actor?: string;
	/** Part of the action (`DELETE`, `/plans/`, an endpoint id). */
	action?: string;
	/** The account concerned, exactly. */
	account?: string;
}

/** Whether an entry passes `filter`. */
export function matchesAudit(entry: AuditEntry, filter: AuditFilter): boolean {
	const has = (text: string, part: string | undefined) =>
		part === undefined || text.toLowerCase().includes(part.toLowerCase());
	const account = filter.account?.toLowerCase();
	return (
		has(entry.who, filter.actor) &&
		has(entry.action, filter.action) &&
		(account === undefined || entry.accountId?.toLowerCase() === account)
	);
}

/** Entries read per round trip while filtering. */
const SCAN_CHUNK = 500;

export class AuditStore {
	private readonly key: string;

	constructor(
		private readonly redis: ScriptedRedis,
		prefix: string,
	) {
		this.key = securityKeys(prefix).audit;
	}

	async append(entry: AuditEntry): Promise<void> {
		await this.redis.xadd(this.key, 'MAXLEN', '~', AUDIT_CAP, '*', 'e', JSON.stringify(entry));
	}

	/** The newest `count` entries, newest first. */
	async list(count: number): Promise<ListedAuditEntry[]> {
		return await this.page(count);
	}

	/**
	 * Up to `count` entries that `keep` accepts, newest first, older than the entry `before` (a
	 * stream id from an earlier page) when given. Scans at most the whole capped log.
	 */
	async page(
		count: number,
		options: { before?: string; keep?: (entry: AuditEntry) => boolean } = {},
	): Promise<ListedAuditEntry[]> {
		const found: ListedAuditEntry[] = [];
		let end = options.before === undefined ? '+' : `(${options.before}`;
		for (;;) {
			const chunk = options.keep ? SCAN_CHUNK : count - found.length;
			const rows = await this.redis.xrevrange(this.key, end, '-', 'COUNT', chunk);
			for (const [id, fields] of rows) {
				const entry = JSON.parse(fields[1]) as AuditEntry;
				if (options.keep && !options.keep(entry)) continue;
				found.push({ id, ...entry });
				if (found.length === count) return found;
			}
			if (rows.length < chunk) return found;
			end = `(${rows[rows.length - 1][0]}`;
		}
	}
}
