/**
 * `webhook-gateway requests <endpointId> [requestId]`: the endpoint's request log (accepted and
 * rejected requests with the check that failed), filtered, newest first; with a request id, that
 * entry and where its event stands per subscriber (docs/request-log.md).
 */
import { Command } from 'commander';
import type { RequestDetail } from '../management/requestLog';
import type { RequestPage } from '../redis';
import { details, table } from './format';
import type { CliSession } from './session';

interface RequestFlags {
	status?: string;
	code?: string;
	since?: string;
	until?: string;
	q?: string;
	limit?: string;
	cursor?: string;
	unknown?: boolean;
}

function pageText(page: RequestPage): string {
	if (page.requests.length === 0)
		return page.nextCursor
			? `No match in this stretch of the log; continue with --cursor ${page.nextCursor}`
			: 'No logged requests match.';
	const rows = table(
		['TIME', 'STATUS', 'CODE', 'REASON', 'METHOD', 'SOURCE', 'BYTES', 'EVENT', 'DELIVERY', 'ID'],
		page.requests.map((r) => [
			r.time,
			r.status,
			r.code,
			r.reason,
			r.method,
			r.sourceIp,
			r.bytes,
			r.eventId,
			r.deliveryId,
			r.id,
		]),
	);
	return page.nextCursor ? `${rows}\nolder entries: --cursor ${page.nextCursor}` : rows;
}

function detailText(d: RequestDetail): string {
	const head = details(d.request);
	if (!d.event) return `${head}\nevent: - (nothing stored)`;
	const subs =
		d.event.subscribers.length === 0
			? 'no subscribers'
			: table(
					['SUBSCRIBER', 'STATE', 'DELIVERIES', 'DEAD LETTER', 'ERROR'],
					d.event.subscribers.map((s) => [
						s.subscriberId,
						s.state === 'pending' && s.released ? 'pending (in a run)' : s.state,
						s.deliveries,
						s.deadLetterId,
						s.error,
					]),
				);
	return `${head}\nevent: ${d.event.id} (${d.event.inBuffer ? 'buffered' : 'no longer buffered'})\n${subs}`;
}

export function requestsCommand(session: CliSession): Command {
	return new Command('requests')
		.argument('<endpointId>', 'the endpoint (ignored with --unknown)')
		.argument('[requestId]', 'show this entry and its event state per subscriber')
		.description(
			"an endpoint's request log: every answered request, accepted or rejected, with the failed check",
		)
		.option('--status <statuses>', 'only these HTTP statuses, comma-separated (e.g. 403,429)')
		.option('--code <codes>', 'only these outcome codes, comma-separated (e.g. unauthorized)')
		.option('--since <time>', 'from this time: ISO 8601 or a duration back from now (15m, 2h, 7d)')
		.option('--until <time>', 'up to this time, same forms as --since')
		.option('--q <text>', 'text in the event id or delivery id')
		.option('--limit <n>', 'entries per page (1-1000)', '100')
		.option('--cursor <id>', 'continue after a previous page')
		.option('--unknown', 'the log of ids that name no endpoint (404s)')
		.option('--json', 'print JSON')
		.action(
			async (
				endpointId: string,
				requestId: string | undefined,
				flags: RequestFlags,
				cmd: Command,
			) => {
				const management = session.management(cmd);
				if (requestId !== undefined && !flags.unknown) {
					session.print(cmd, await management.getRequest(endpointId, requestId), detailText);
					return;
				}
				const query = {
					status: flags.status,
					code: flags.code,
					from: flags.since,
					to: flags.until,
					q: flags.q,
					limit: flags.limit,
					cursor: flags.cursor,
				};
				session.print(
					cmd,
					flags.unknown
						? await management.listUnknownRequests(query)
						: await management.listRequests(endpointId, query),
					pageText,
				);
			},
		);
}
