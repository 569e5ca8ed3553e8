/** `webhook-gateway audit`: the newest entries of the audit log of management changes. */
import { Command } from 'commander';
import type { AuditEntry } from '../redis';
import { table } from './format';
import type { CliSession } from './session';

export function auditCommand(session: CliSession): Command {
	return new Command('audit')
		.description('who changed what, when: the newest management changes first (admin API, console, CLI)')
		.option('--count <n>', 'how many entries (at most 1000)', '50')
		.option('--json', 'print JSON')
		.action(async (flags: { count: string }, cmd: Command) => {
			const n = Math.min(1000, Math.max(1, Math.floor(Number(flags.count)) || 50));
			const entries = await session.audit(cmd).list(n);
			session.print(cmd, entries, (list: AuditEntry[]) =>
				list.length === 0 ? 'No changes recorded yet.' : table(['WHEN', 'WHO', 'WHAT', 'STATUS'], list.map((e) => [e.at, e.who, e.action, e.status === 0 ? '' : String(e.status)])),
			);
		});
}
