/**
 * The request log's part of the OpenAPI document (docs/request-log.md): its three routes. The
 * shapes they answer are in src/management/schemas/requestLog.ts.
 */
import { errorResponses, json, operation, param, ref, type Schema } from './helpers';

export const REQUESTS_TAG = {
	name: 'Requests',
	description:
		'The request log: every answer of the ingest path, accepted or rejected, with its reason',
};

const STREAM_ID: Schema = {
	type: 'string',
	pattern: '^\\d{1,20}-\\d{1,20}$',
	examples: ['1732280000000-0'],
};

function text(name: string, description: string): Schema {
	return { name, in: 'query', required: false, description, schema: { type: 'string' } };
}

const FILTERS: Schema[] = [
	text('status', 'HTTP statuses separated by commas, e.g. `403,429`'),
	text(
		'code',
		'Outcome codes separated by commas: an error code (`unauthorized`, `rate_limited` ...) or `accepted`, `duplicate`, `handshake`, `head`, `options`',
	),
	text(
		'from',
		'Earliest request time: ISO 8601, ms since the epoch, or a duration back from now (`15m`, `2h`, `7d`)',
	),
	text('to', 'Latest request time, same forms as `from`'),
	text('q', 'Case-insensitive text in the event id or the delivery id'),
	{
		name: 'limit',
		in: 'query',
		required: false,
		description: 'Most entries in the page',
		schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
	},
	{
		name: 'cursor',
		in: 'query',
		required: false,
		description: '`nextCursor` of the previous page',
		schema: STREAM_ID,
	},
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
				responses: {
					200: json(ref('RequestPage'), 'A page of the log'),
					...errorResponses(400, 404),
				},
			}),
		},
		'/endpoints/{id}/requests/{requestId}': {
			parameters: [
				param('EndpointId'),
				{
					name: 'requestId',
					in: 'path',
					required: true,
					description: 'Id of a log entry',
					schema: STREAM_ID,
				},
			],
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
				description:
					'One capped log for all unknown ids (a sender spraying random ids cannot grow it). Needs the admin token or an `admin` token without an account limit.',
				parameters: FILTERS,
				responses: { 200: json(ref('RequestPage'), 'A page of the log'), ...errorResponses(400) },
			}),
		},
	};
}
