/**
 * The request log's part of the OpenAPI document (docs/request-log.md): its three routes and the
 * shapes they answer (src/redis/requestLog.ts, src/redis/eventDelivery.ts).
 */
import type { DeliveryState } from '../../redis';
import { arrayOf, errorResponses, ISO_TIME, json, object, operation, orNull, param, ref, unionValues, type Schema } from './helpers';

export const REQUESTS_TAG = { name: 'Requests', description: 'The request log: every answer of the ingest path, accepted or rejected, with its reason' };

const STREAM_ID: Schema = { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$', examples: ['1732280000000-0'] };
const STATES = unionValues<DeliveryState>({ pending: true, delivered: true, dead_letter: true, before_subscription: true });

function text(name: string, description: string): Schema {
	return { name, in: 'query', required: false, description, schema: { type: 'string' } };
}

const FILTERS: Schema[] = [
	text('status', 'HTTP statuses separated by commas, e.g. `403,429`'),
	text('code', 'Outcome codes separated by commas: an error code (`unauthorized`, `rate_limited` ...) or `accepted`, `duplicate`, `handshake`, `head`, `options`'),
	text('from', 'Earliest request time: ISO 8601, ms since the epoch, or a duration back from now (`15m`, `2h`, `7d`)'),
	text('to', 'Latest request time, same forms as `from`'),
	text('q', 'Case-insensitive text in the event id or the delivery id'),
	{ name: 'limit', in: 'query', required: false, description: 'Most entries in the page', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
	{ name: 'cursor', in: 'query', required: false, description: '`nextCursor` of the previous page', schema: STREAM_ID },
];

export function requestLogPaths(): Record<string, Schema> {
	return {
		'/endpoints/{id}/requests': {
			parameters: [param('EndpointId')],
			get: operation({
				operationId: 'listRequests',
				tag: REQUESTS_TAG.name,
				summary: 'The request log of an endpoint, newest first, filtered',
				description:
					'Written off the request path (up to WEBHOOK_GATEWAY_REQUEST_LOG_FLUSH_INTERVAL behind), at most WEBHOOK_GATEWAY_REQUEST_LOG_MAX entries per endpoint and none older than WEBHOOK_GATEWAY_REQUEST_LOG_RETENTION. ' +
					'A page may hold fewer than `limit` entries and still have a `nextCursor` (a narrow filter reads at most 5,000 entries per call).',
				parameters: FILTERS,
				responses: { 200: json(ref('RequestPage'), 'A page of the log'), ...errorResponses(400, 404) },
			}),
		},
		'/endpoints/{id}/requests/{requestId}': {
			parameters: [param('EndpointId'), { name: 'requestId', in: 'path', required: true, description: 'Id of a log entry', schema: STREAM_ID }],
			get: operation({
				operationId: 'getRequest',
				tag: REQUESTS_TAG.name,
				summary: 'One logged request; for an accepted one, its event state per subscriber',
				responses: { 200: json(ref('RequestDetail'), 'The entry'), ...errorResponses(404) },
			}),
		},
		'/requests/unknown': {
			get: operation({
				operationId: 'listUnknownRequests',
				tag: REQUESTS_TAG.name,
				summary: 'Requests to ids that name no endpoint (404), newest first',
				description: 'One capped log for all unknown ids (a sender spraying random ids cannot grow it). Needs the admin token or an `admin` token without an account limit.',
				parameters: FILTERS,
				responses: { 200: json(ref('RequestPage'), 'A page of the log'), ...errorResponses(400) },
			}),
		},
	};
}

export function requestLogSchemas(): Record<string, Schema> {
	return {
		LoggedRequest: object({
			id: STREAM_ID,
			time: ISO_TIME,
			endpointId: { type: 'string', description: 'As the URL named it' },
			method: { type: 'string' },
			sourceIp: { type: 'string', description: 'As resolved with WEBHOOK_GATEWAY_TRUST_PROXY' },
			status: { type: 'integer' },
			code: { type: 'string', description: 'The error code answered, or accepted, duplicate, handshake, head, options' },
			reason: orNull({ type: 'string', description: 'Which check failed, e.g. missing_signature, stale_timestamp, invalid_signature, declared_length' }),
			bytes: { type: 'integer', minimum: 0, description: 'Body size (declared size when refused before reading)' },
			eventId: orNull({ type: 'string', description: 'The stored event (for a duplicate: the first one)' }),
			deliveryId: orNull({ type: 'string', description: "The sender's delivery id used by the endpoint's dedupe" }),
		}),
		RequestPage: object({ requests: arrayOf(ref('LoggedRequest')), nextCursor: orNull(STREAM_ID) }),
		SubscriberDelivery: object(
			{
				subscriberId: { type: 'string' },
				state: { enum: STATES, description: 'before_subscription: the subscriber joined after the event arrived' },
				released: { type: 'boolean', description: 'pending: whether a run holds it now' },
				deliveries: { type: 'integer', minimum: 0, description: 'Times handed to a run' },
				deadLetterId: { type: 'string' },
				error: { type: 'string' },
			},
			{ optional: ['released', 'deliveries', 'deadLetterId', 'error'] },
		),
		RequestDetail: object({
			request: ref('LoggedRequest'),
			event: orNull(
				object({
					id: STREAM_ID,
					inBuffer: { type: 'boolean', description: 'false: acknowledged by every subscriber and trimmed, or past the event retention' },
					subscribers: arrayOf(ref('SubscriberDelivery')),
				}),
			),
		}),
	};
}
