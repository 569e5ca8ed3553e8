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
	/** HTTP status of the change (admin API), or 0 for the CLI. */
	status: number;
}

export class AuditStore {
	private readonly key: string;

	constructor(private readonly redis: ScriptedRedis, prefix: string) {
		this.key = securityKeys(prefix).audit;
	}

	async append(entry: AuditEntry): Promise<void> {
		await this.redis.xadd(this.key, 'MAXLEN', '~', AUDIT_CAP, '*', 'e', JSON.stringify(entry));
	}

	/** The newest `count` entries, newest first. */
	async list(count: number): Promise<AuditEntry[]> {
		const rows = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', count);
		return rows.map(([, fields]) => JSON.parse(fields[1]) as AuditEntry);
	}
}
