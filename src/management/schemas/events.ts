/**
 * Shapes of buffered events, subscribers and dead letters in the admin API (docs/admin-api.md):
 * what peek, the subscriber list and the dead-letter list answer, and the bodies of replay,
 * delete and rewind (ids and times are checked by the service, which names the field).
 */
import type { WebhookEvent as WebhookEventRecord } from '../../types';
import { accountId, endpointId } from './plan';
import { checkedByService, component, isoTime, z } from './registry';

const STREAM_ID_RE = /^\d{1,20}-\d{1,20}$/;
export const streamId = () =>
	z
		.string()
		.regex(STREAM_ID_RE)
		.meta({ examples: ['1732280000000-0'] });

export const WebhookEvent = component(
	'WebhookEvent',
	z
		.strictObject({
			id: z.string().describe('The eventId the sender got with its 202'),
			endpointId: endpointId(),
			accountId: accountId(),
			receivedAt: isoTime(),
			method: z.string(),
			path: z.string().describe("Sub-path after /hooks/<endpointId>: '' or starting with '/'"),
			query: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
			headers: z
				.record(z.string(), z.string())
				.describe('Lower-case names; credential headers removed'),
			contentType: z.string(),
			body: z
				.unknown()
				.describe('JSON parsed, form parsed, text as a string, anything else base64'),
			rawBody: z.string().meta({ contentEncoding: 'base64' }).describe('The exact bytes received'),
			sourceIp: z.string(),
		})
		.describe('A buffered event as workflows receive it'),
);

const subscriberFields = {
	id: z.string().describe('workflow id : node id'),
	workflowId: z.string(),
	nodeId: z.string(),
	workflowName: z
		.string()
		.nullable()
		.describe('As the trigger reported it when it last subscribed'),
	nodeName: z.string().nullable(),
};
export const Subscriber = component(
	'Subscriber',
	z.strictObject({
		...subscriberFields,
		waiting: z
			.number()
			.int()
			.min(0)
			.describe('Its lag: events not yet acknowledged (new + pending)'),
		pending: z.number().int().min(0).describe('Delivered, not acknowledged'),
		lastDeliveredId: streamId().nullable(),
		filtered: z
			.number()
			.int()
			.min(0)
			.describe("Events its trigger's filter left out: acknowledged without starting an execution"),
		lastSeen: isoTime(),
		createdAt: isoTime(),
	}),
);
export const DroppedSubscriber = component(
	'DroppedSubscriber',
	z.strictObject({
		...subscriberFields,
		id: z.string(),
		workflowName: z.string().nullable(),
		droppedAt: isoTime(),
		reason: z
			.enum(['retention', 'removed'])
			.describe('Unseen for the subscriber retention, or removed by an operator'),
		resumeAfterId: streamId().describe('When its workflow comes back it resumes after this event'),
	}),
);
export const EndpointSubscribers = component(
	'EndpointSubscribers',
	z.strictObject({
		endpointId: endpointId(),
		subscribers: z.array(Subscriber),
		dropped: z.array(DroppedSubscriber).describe('Kept 90 days'),
	}),
);
export const RewindRequest = component(
	'RewindRequest',
	z
		.strictObject({
			eventId: checkedByService(streamId(), 'Start with this event').optional(),
			time: checkedByService(
				z.string(),
				'Start with the first event received at or after this time (ISO 8601, or ms since the epoch)',
			).optional(),
		})
		.describe('Exactly one of eventId and time'),
);
export const RewindResult = component(
	'RewindResult',
	z.strictObject({
		subscriber: Subscriber,
		startsAfterId: streamId().describe('The next read returns events after this id'),
	}),
);

/** An event its subscriber's workflow failed on too often; replay sends it back. */
export const DeadLetter = component(
	'DeadLetter',
	z.strictObject({
		id: streamId(),
		subscriberId: z.string(),
		attempts: z.number().int().min(1),
		error: z.string(),
		deadAt: isoTime(),
		event: WebhookEvent,
	}),
);
/** Its event is typed as the WebhookEvent workflows receive (src/types.ts). */
export type DeadLetter = Omit<z.infer<typeof DeadLetter>, 'event'> & { event: WebhookEventRecord };

/** Dead-letter ids: strings here; the service checks each is a stream id and names the bad one. */
const deadLetterIds = () =>
	z.array(
		z
			.string({ error: 'ids must be an array of strings' })
			.meta({ pattern: STREAM_ID_RE.source, examples: ['1732280000000-0'] }),
		{ error: 'ids must be an array of strings' },
	);
export const ReplayRequest = component(
	'ReplayRequest',
	z.strictObject({
		ids: deadLetterIds()
			.describe('Dead letters to replay; empty or omitted: all of the endpoint')
			.optional(),
	}),
);
export const ReplayResult = component(
	'ReplayResult',
	z.strictObject({
		replayed: z.array(streamId()),
		skipped: z.array(streamId()).describe('Not found, or their subscriber is gone (kept)'),
	}),
);
export const DeleteDeadLettersRequest = component(
	'DeleteDeadLettersRequest',
	z.strictObject({
		ids: deadLetterIds().min(1, { error: 'ids must name at least one dead letter' }),
	}),
);
export const DeleteDeadLettersResult = component(
	'DeleteDeadLettersResult',
	z.strictObject({ deleted: z.number().int().min(0) }),
);
