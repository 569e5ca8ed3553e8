/**
 * `webhook-gateway subscribers …`: list an endpoint's subscribers with their lag, remove one,
 * rewind one to an event id or a time. Each calls one ManagementService method.
 */
import { Command } from 'commander';
import type { EndpointSubscribers, SubscriberView } from '../management/subscribers';
import { table } from './format';
import type { CliSession } from './session';

function name(s: { workflowName: string | null; nodeName: string | null }): string {
	return [s.workflowName, s.nodeName].filter(Boolean).join(' / ');
}

/** Active subscribers, then the dropped ones not back yet. */
export function subscriberTable(result: EndpointSubscribers): string {
	const active =
		result.subscribers.length === 0
			? `Endpoint '${result.endpointId}' has no subscribers.`
			: table(
					[
						'SUBSCRIBER',
						'WORKFLOW / NODE',
						'WAITING',
						'PENDING',
						'FILTERED',
						'LAST SEEN',
						'CREATED',
					],
					result.subscribers.map((s) => [
						s.id,
						name(s),
						s.waiting,
						s.pending,
						s.filtered,
						s.lastSeen,
						s.createdAt,
					]),
				);
	if (result.dropped.length === 0) return active;
	const dropped = table(
		['DROPPED SUBSCRIBER', 'WORKFLOW / NODE', 'DROPPED AT', 'REASON', 'RESUMES AFTER'],
		result.dropped.map((d) => [d.id, name(d), d.droppedAt, d.reason, d.resumeAfterId]),
	);
	return `${active}\n\n${dropped}`;
}

export function subscribersCommand(session: CliSession): Command {
	const subscribers = new Command('subscribers').description(
		'the trigger nodes that read an endpoint: their lag, remove, rewind',
	);

	subscribers
		.command('list <endpointId>')
		.description(
			'subscribers with waiting (lag), pending and filtered-out events, last seen and workflow; then dropped ones not back yet',
		)
		.option('--json', 'print JSON')
		.action(async (endpointId: string, _flags: unknown, cmd: Command) => {
			session.print(
				cmd,
				await session.management(cmd).listSubscribers(endpointId),
				subscriberTable,
			);
		});

	subscribers
		.command('remove <endpointId> <subscriberId>')
		.description(
			'remove a subscriber (workflow id:node id); an active workflow rejoins and is told what it missed',
		)
		.option('--json', 'print JSON (nothing on success)')
		.action(async (endpointId: string, subscriberId: string, _flags: unknown, cmd: Command) => {
			await session.management(cmd).removeSubscriber(endpointId, subscriberId);
			session.print(
				cmd,
				undefined,
				() => `Removed subscriber '${subscriberId}' of endpoint '${endpointId}'.`,
			);
		});

	subscribers
		.command('rewind <endpointId> <subscriberId>')
		.description(
			'move a subscriber so its next read starts with an event id or at a time the endpoint still holds',
		)
		.option('--event <id>', 'start with this event id (e.g. 1732280000000-0)')
		.option(
			'--time <time>',
			'start with the first event received at or after this time (ISO 8601, e.g. 2026-12-04T10:00:00Z)',
		)
		.option('--json', 'print JSON')
		.action(
			async (
				endpointId: string,
				subscriberId: string,
				flags: { event?: string; time?: string },
				cmd: Command,
			) => {
				const result = await session
					.management(cmd)
					.rewindSubscriber(endpointId, subscriberId, { eventId: flags.event, time: flags.time });
				session.print(
					cmd,
					result,
					(r: { subscriber: SubscriberView; startsAfterId: string }) =>
						`Subscriber '${r.subscriber.id}' now starts after ${r.startsAfterId}; ${r.subscriber.waiting} event(s) waiting.`,
				);
			},
		);

	return subscribers;
}
