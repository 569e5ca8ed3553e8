/**
 * `webhook-gateway events …`: look at buffered events without consuming them, and inspect,
 * replay or delete dead letters.
 */
import { Command } from 'commander';
import type { WebhookEvent } from '../types';
import { table } from './format';
import { positiveNumber } from './parse';
import type { CliSession } from './session';

const PREVIEW_CHARS = 60;

function bodyPreview(event: WebhookEvent): string {
	const text = typeof event.body === 'string' ? event.body : (JSON.stringify(event.body) ?? '');
	return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

function bytes(event: WebhookEvent): number {
	return Buffer.from(event.rawBody, 'base64').length;
}

function eventTable(events: WebhookEvent[]): string {
	if (events.length === 0) return 'No buffered events.';
	return table(
		['ID', 'RECEIVED', 'METHOD', 'PATH', 'CONTENT-TYPE', 'BYTES', 'BODY'],
		events.map((e) => [
			e.id,
			e.receivedAt,
			e.method,
			e.path,
			e.contentType,
			bytes(e),
			bodyPreview(e),
		]),
	);
}

export function eventsCommand(session: CliSession): Command {
	const events = new Command('events').description(
		'buffered events and dead letters of an endpoint',
	);

	events
		.command('peek <endpointId>')
		.description('show the newest buffered events (consumes nothing)')
		.option('--count <n>', 'how many (1-1000)', positiveNumber, 10)
		.option('--json', 'print JSON (the events as workflows receive them)')
		.action(async (endpointId: string, flags: { count: number }, cmd: Command) => {
			session.print(
				cmd,
				await session.management(cmd).peekEvents(endpointId, flags.count),
				eventTable,
			);
		});

	events
		.command('dead-letters <endpointId>')
		.description('list events that failed too often and were set aside')
		.option('--count <n>', 'how many (1-10000)', positiveNumber, 100)
		.option('--json', 'print JSON')
		.action(async (endpointId: string, flags: { count: number }, cmd: Command) => {
			session.print(
				cmd,
				await session.management(cmd).listDeadLetters(endpointId, flags.count),
				(letters) =>
					letters.length === 0
						? 'No dead letters.'
						: table(
								['ID', 'SUBSCRIBER', 'ATTEMPTS', 'DEAD AT', 'EVENT', 'ERROR'],
								letters.map((l) => [
									l.id,
									l.subscriberId,
									l.attempts,
									l.deadAt,
									l.event.id,
									l.error,
								]),
							),
			);
		});

	events
		.command('replay <endpointId> [ids...]')
		.description('send dead letters back to their subscriber (all when no id is given)')
		.option('--json', 'print JSON')
		.action(async (endpointId: string, ids: string[], _flags: unknown, cmd: Command) => {
			session.print(cmd, await session.management(cmd).replayDeadLetters(endpointId, ids), (r) =>
				[
					`replayed: ${r.replayed.length}${r.replayed.length ? ` (${r.replayed.join(', ')})` : ''}`,
					`skipped: ${r.skipped.length}${r.skipped.length ? ` (${r.skipped.join(', ')})` : ''}`,
				].join('\n'),
			);
		});

	events
		.command('delete-dead-letters <endpointId> <ids...>')
		.description('delete dead letters for good')
		.option('--json', 'print JSON')
		.action(async (endpointId: string, ids: string[], _flags: unknown, cmd: Command) => {
			session.print(
				cmd,
				await session.management(cmd).deleteDeadLetters(endpointId, ids),
				(r) => `deleted: ${r.deleted}`,
			);
		});

	return events;
}
