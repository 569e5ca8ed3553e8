/**
 * Shapes of the request log in the admin API (docs/request-log.md): a logged request, a page of
 * them, and one request with where its event stands per subscriber.
 */
import type { RequestDetail as RequestDetailRecord } from '../requestLog';
import type {
	DeliveryState,
	LoggedRequest as LoggedRequestRecord,
	RequestPage as RequestPageRecord,
	SubscriberDelivery as SubscriberDeliveryRecord,
} from '../../redis';
import { streamId } from './events';
import { component, isoTime, z, type SameShape } from './registry';

const STATES: Record<DeliveryState, true> = {
	pending: true,
	delivered: true,
	dead_letter: true,
	before_subscription: true,
};

export const LoggedRequest = component(
	'LoggedRequest',
	z.strictObject({
		id: streamId(),
		time: isoTime(),
		endpointId: z.string().describe('As the URL named it'),
		method: z.string(),
		sourceIp: z.string().describe('As resolved with WEBHOOK_GATEWAY_TRUST_PROXY'),
		status: z.number().int(),
		code: z
			.string()
			.describe('The error code answered, or accepted, duplicate, handshake, head, options'),
		reason: z
			.string()
			.nullable()
			.describe(
				'Which check failed, e.g. missing_signature, stale_timestamp, invalid_signature, declared_length',
			),
		bytes: z
			.number()
			.int()
			.min(0)
			.describe('Body size (declared size when refused before reading)'),
		eventId: z.string().nullable().describe('The stored event (for a duplicate: the first one)'),
		deliveryId: z
			.string()
			.nullable()
			.describe("The sender's delivery id used by the endpoint's dedupe"),
	}),
);
export const RequestPage = component(
	'RequestPage',
	z.strictObject({ requests: z.array(LoggedRequest), nextCursor: streamId().nullable() }),
);
export const SubscriberDelivery = component(
	'SubscriberDelivery',
	z.strictObject({
		subscriberId: z.string(),
		state: z
			.enum(Object.keys(STATES) as [DeliveryState, ...DeliveryState[]])
			.describe('before_subscription: the subscriber joined after the event arrived'),
		released: z.boolean().describe('pending: whether a run holds it now').optional(),
		deliveries: z.number().int().min(0).describe('Times handed to a run').optional(),
		deadLetterId: z.string().optional(),
		error: z.string().optional(),
	}),
);
export const RequestDetail = component(
	'RequestDetail',
	z.strictObject({
		request: LoggedRequest,
		event: z
			.strictObject({
				id: streamId(),
				inBuffer: z
					.boolean()
					.describe(
						'false: acknowledged by every subscriber and trimmed, or past the event retention',
					),
				subscribers: z.array(SubscriberDelivery),
			})
			.nullable(),
	}),
);

// The shapes the request log is read into (src/redis, src/management/requestLog.ts) are these.
true satisfies SameShape<LoggedRequestRecord, z.infer<typeof LoggedRequest>>;
true satisfies SameShape<RequestPageRecord, z.infer<typeof RequestPage>>;
true satisfies SameShape<SubscriberDeliveryRecord, z.infer<typeof SubscriberDelivery>>;
true satisfies SameShape<RequestDetailRecord, z.infer<typeof RequestDetail>>;
