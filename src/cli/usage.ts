/**
 * `webhook-gateway usage …`: an account's consumption today next to each endpoint's (`usage show`),
 * and the daily usage history (`usage history`) as a table, CSV (for billing sheets) or JSON.
 */
import { Command, Option } from 'commander';
import { ValidationError } from '../errors';
import type { DayUsage } from '../redis/usage';
import { limit, rateLimit, table } from './format';
import type { CliSession } from './session';

/** One row per day and scope (the account, or an endpoint id). */
interface HistoryRow extends DayUsage {
	scope: string;
}

/** CSV of the rows with a header line; scopes are ids (no commas or quotes), dates YYYY-MM-DD. */
export function historyCsv(rows: HistoryRow[]): string {
	return [
		'date,scope,accepted,rejected,duplicate',
		...rows.map((r) => [r.date, r.scope, r.accepted, r.rejected, r.duplicate].join(',')),
	].join('\n');
}

function historyTable(rows: HistoryRow[]): string {
	return table(
		['DATE', 'SCOPE', 'ACCEPTED', 'REJECTED', 'DUPLICATE'],
		rows.map((r) => [r.date, r.scope, r.accepted, r.rejected, r.duplicate]),
	);
}

export function usageCommand(session: CliSession): Command {
	const usage = new Command('usage').description(
		"accounts' and endpoints' usage: today against the limits, and the daily history",
	);

	usage
		.command('show <accountId>')
		.description(
			"today's accepted requests of the account and of each of its endpoints, with their limits",
		)
		.option('--json', 'print JSON')
		.action(async (accountId: string, _flags: unknown, cmd: Command) => {
			const account = await session.management(cmd).getAccount(accountId);
			session.print(cmd, account, (a) => {
				const rows = [
					[
						'(account)',
						a.acceptedToday,
						limit(a.plan.daily),
						a.dailyRemaining ?? '-',
						rateLimit(a.plan.rate),
					],
					...a.endpointUsage.map((e) => [
						e.endpointId,
						e.acceptedToday,
						e.limits ? limit(e.limits.daily) : '-',
						e.dailyRemaining ?? '-',
						e.limits ? rateLimit(e.limits.rate) : '-',
					]),
				];
				return `plan: ${a.plan.id}\n\n${table(['SCOPE', 'ACCEPTED TODAY', 'DAILY LIMIT', 'LEFT', 'RATE LIMIT'], rows)}`;
			});
		});

	usage
		.command('history')
		.description(
			'accepted, rejected and duplicate requests per UTC day (kept 36 days), of an account and its endpoints or of one endpoint',
		)
		.addOption(
			new Option('--account <id>', 'the account and each of its endpoints').conflicts('endpoint'),
		)
		.option('--endpoint <id>', 'one endpoint')
		.option('--days <n>', 'days to show, today included (1-36)', '35')
		.addOption(
			new Option('--format <format>', 'output format')
				.choices(['table', 'csv', 'json'])
				.default('table'),
		)
		.option('--json', 'print JSON (same as --format json)')
		.action(
			async (
				flags: {
					account?: string;
					endpoint?: string;
					days: string;
					format: string;
					json?: boolean;
				},
				cmd: Command,
			) => {
				const management = session.management(cmd);
				const days = Number(flags.days);
				let rows: HistoryRow[];
				let value: unknown;
				if (flags.endpoint !== undefined) {
					const h = await management.endpointUsageHistory(flags.endpoint, days);
					value = h;
					rows = h.days.map((d) => ({ ...d, scope: h.endpointId }));
				} else if (flags.account !== undefined) {
					const h = await management.accountUsageHistory(flags.account, days);
					value = h;
					rows = [
						...h.days.map((d) => ({ ...d, scope: '(account)' })),
						...h.endpoints.flatMap((e) => e.days.map((d) => ({ ...d, scope: e.endpointId }))),
					];
				} else {
					throw new ValidationError('usage history needs --account <id> or --endpoint <id>');
				}
				if (flags.format === 'json' && !session.isJson(cmd)) {
					session.print(cmd, value, (v) => JSON.stringify(v, null, 2));
					return;
				}
				session.print(cmd, value, () =>
					flags.format === 'csv' ? historyCsv(rows) : historyTable(rows),
				);
			},
		);

	return usage;
}
