/** `webhook-gateway audit`: the newest entries of the audit log of management changes, filtered. */
import { Command } from 'commander';
import { matchesAudit, type AuditFilter, type ListedAuditEntry } from '../redis';
import { table } from './format';
import type { CliSession } from './session';

export function auditCommand(session: CliSession): Command {
	return new Command('audit')
		.description(
			'who changed what, when: the newest management changes first (admin API, console, CLI, n8n node)',
		)
		.option('--count <n>', 'how many entries (at most 1000)', '50')
		.option('--actor <text>', 'only entries whose WHO contains this text')
		.option('--action <text>', 'only entries whose WHAT contains this text')
		.option('--account <id>', 'only entries concerning this account')
		.option('--before <id>', 'only entries older than this entry id (the next page)')
		.option('--json', 'print JSON')
		.action(async (flags: { count: string; before?: string } & AuditFilter, cmd: Command) => {
			const n = Math.min(1000, Math.max(1, Math.floor(Number(flags.count)) || 50));
			const filter: AuditFilter = {
				actor: flags.actor,
				action: flags.action,
				account: flags.account,
			};
			const filtered = Object.values(filter).some((v) => v !== undefined);
			const entries = await session.audit(cmd).page(n, {
				before: flags.before,
				keep: filtered ? (e) => matchesAudit(e, filter) : undefined,
			});
			session.print(cmd, entries, (list: ListedAuditEntry[]) =>
				list.length === 0
					? 'No changes recorded yet.'
					: table(
							['ID', 'WHEN', 'WHO', 'WHAT', 'ACCOUNT', 'STATUS'],
							list.map((e) => [
								e.id,
								e.at,
								e.who,
								e.action,
								e.accountId ?? '',
								e.status === 0 ? '' : String(e.status),
							]),
						),
			);
		});
}
