/**
 * The paths of the admin API's OpenAPI document, one operation per route of
 * src/gateway/adminRoutes.ts (test/integration/openapi.test.ts checks both directions).
 */
import { REQUESTS_TAG, requestLogPaths } from './requestLog';
import { USAGE_RETENTION_DAYS } from '../../redis/usage';
import {
	arrayOf,
	BODY_ERRORS,
	CHANGE_ERRORS,
	countQuery,
	errorResponses,
	json,
	jsonBody,
	operation,
	param,
	ref,
	type Schema,
} from './helpers';

const TAG = {
	endpoints: 'Endpoints',
	subscribers: 'Subscribers',
	events: 'Events',
	plans: 'Plans',
	accounts: 'Accounts',
	audit: 'Audit',
	tokens: 'Tokens',
} as const;

const NO_CONTENT: Schema = { description: 'Done; no body' };
const ENDPOINT = param('EndpointId');

function queryText(name: string, description: string): Schema {
	return { name, in: 'query', required: false, description, schema: { type: 'string' } };
}

function endpointPaths(): Record<string, Schema> {
	return {
		'/endpoints': {
			get: operation({
				operationId: 'listEndpoints',
				tag: TAG.endpoints,
				summary: 'List endpoints',
				description: 'Oldest first. Never contains secrets.',
				parameters: [
					queryText('accountId', 'Only endpoints of this account'),
					queryText('search', 'Case-insensitive part of the id or name'),
				],
				responses: { 200: json(arrayOf(ref('Endpoint')), 'The endpoints'), ...errorResponses(400) },
			}),
			post: operation({
				operationId: 'createEndpoint',
				tag: TAG.endpoints,
				summary: 'Create an endpoint',
				description:
					'The secret (for an auth that needs one) is in this answer only. Creates the account (default plan) when new.',
				requestBody: jsonBody(ref('EndpointCreate'), {
					description:
						'Every field is optional: `{}` creates a POST endpoint with a random id and a generated header token (`Authorization: Bearer <secret>`); send `auth: {type: none}` for an endpoint without authentication',
				}),
				responses: {
					201: json(ref('EndpointWithSecret'), 'Created'),
					...errorResponses(...BODY_ERRORS, 409),
				},
			}),
		},
		'/endpoints/{id}': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'getEndpoint',
				tag: TAG.endpoints,
				summary: 'Get an endpoint',
				responses: { 200: json(ref('Endpoint'), 'The endpoint'), ...errorResponses(404) },
			}),
			patch: operation({
				operationId: 'updateEndpoint',
				tag: TAG.endpoints,
				summary: 'Change an endpoint',
				description:
					'The account cannot change. Switching to an auth that needs a secret when there is none generates one; it is in this answer only.',
				requestBody: jsonBody(ref('EndpointUpdate')),
				responses: {
					200: json(ref('EndpointWithSecret'), 'The changed endpoint'),
					...errorResponses(...BODY_ERRORS, 404),
				},
			}),
			delete: operation({
				operationId: 'deleteEndpoint',
				tag: TAG.endpoints,
				summary: 'Delete an endpoint and everything buffered for it',
				description:
					'409 while the endpoint has subscribers (the message names their workflows) unless `force=true`; forced, their triggers stop with an error the workflow shows. Nothing of the endpoint is left in Redis.',
				parameters: [
					{
						name: 'force',
						in: 'query',
						required: false,
						description: 'Delete even though triggers subscribe to it',
						schema: { type: 'string', enum: ['true', 'false'] },
					},
				],
				responses: { 204: NO_CONTENT, ...errorResponses(400, ...CHANGE_ERRORS, 404, 409) },
			}),
		},
		'/endpoints/{id}/rotate-secret': {
			parameters: [ENDPOINT],
			post: operation({
				operationId: 'rotateEndpointSecret',
				tag: TAG.endpoints,
				summary: 'Rotate the secret',
				description:
					'A new secret (given or generated), shown in this answer only; the previous one keeps working for `graceSeconds`. An Asana endpoint without a given secret is re-armed instead: it stores the secret of the next `X-Hook-Secret` handshake. 400 for an endpoint without auth.',
				requestBody: jsonBody(ref('RotateSecretRequest')),
				responses: {
					200: json(ref('RotatedSecret'), 'The new secret'),
					...errorResponses(...BODY_ERRORS, 404),
				},
			}),
		},
		'/endpoints/{id}/test-event': {
			parameters: [ENDPOINT],
			post: operation({
				operationId: 'sendTestEvent',
				tag: TAG.endpoints,
				summary: 'Send a signed test event through ingest',
				description:
					"Signs a JSON body with the endpoint's current secret and POSTs it to the gateway's own `/hooks/<id>` over HTTP, so it meets every check a real request meets " +
					'(auth, limits, dedupe) and is counted and buffered like one. Answers 200 with the ingest status and body whatever ingest decided (202, 403, 429 ...). ' +
					'400 also when the endpoint has no valid secret to sign with; 502 when the gateway cannot reach its own ingest listener.',
				requestBody: jsonBody(ref('TestEventRequest')),
				responses: {
					200: json(ref('TestEventResult'), "Ingest's answer"),
					...errorResponses(...BODY_ERRORS, 404, 502),
				},
			}),
		},
		'/endpoints/{id}/usage': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'getEndpointUsage',
				tag: TAG.endpoints,
				summary: "Today's usage against the plan, buffer depth, subscribers and dead letters",
				responses: { 200: json(ref('Usage'), 'Usage'), ...errorResponses(404) },
			}),
		},
		'/endpoints/{id}/usage/history': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'getEndpointUsageHistory',
				tag: TAG.endpoints,
				summary: 'Accepted, rejected and duplicate requests per UTC day (docs/usage-history.md)',
				description: `Oldest day first, today last; kept ${USAGE_RETENTION_DAYS} days.`,
				parameters: [countQuery('days', 'Days to show, today included', 35, USAGE_RETENTION_DAYS)],
				responses: {
					200: json(ref('EndpointUsageHistory'), 'Daily counts'),
					...errorResponses(400, 404),
				},
			}),
		},
		'/endpoints/{id}/stats': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'getEndpointStats',
				tag: TAG.endpoints,
				summary: 'Requests per hour by outcome',
				description:
					'One entry per hour, oldest first, the current hour last. Counted off the request path: up to a second behind.',
				parameters: [countQuery('hours', 'Hours to show', 24, 48)],
				responses: { 200: json(ref('Stats'), 'Hourly counts'), ...errorResponses(400, 404) },
			}),
		},
	};
}

function subscriberPaths(): Record<string, Schema> {
	const SUBSCRIBER = param('SubscriberId');
	return {
		'/endpoints/{id}/subscribers': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'listSubscribers',
				tag: TAG.subscribers,
				summary: 'Subscribers with their lag, and dropped ones not back yet',
				description:
					'One subscriber per trigger node (workflow id : node id). `waiting` is its lag: events it has not acknowledged.',
				responses: {
					200: json(ref('EndpointSubscribers'), 'The subscribers'),
					...errorResponses(404),
				},
			}),
		},
		'/endpoints/{id}/subscribers/{subscriberId}': {
			parameters: [ENDPOINT, SUBSCRIBER],
			delete: operation({
				operationId: 'removeSubscriber',
				tag: TAG.subscribers,
				summary: 'Remove a subscriber',
				description:
					'Its cursor and retry counts go (its dead letters stay) and what only it still needed can be trimmed. If its workflow is still active, the trigger rejoins at its next read, resuming after the last event it received, and is told what was removed meanwhile (a `gap`).',
				responses: { 204: NO_CONTENT, ...errorResponses(400, ...CHANGE_ERRORS, 404) },
			}),
		},
		'/endpoints/{id}/subscribers/{subscriberId}/rewind': {
			parameters: [ENDPOINT, SUBSCRIBER],
			post: operation({
				operationId: 'rewindSubscriber',
				tag: TAG.subscribers,
				summary: 'Move a subscriber to an event id or a time',
				description:
					'Its next read starts with that event (or the first one received at or after that time). 400 for a point older than the oldest event the endpoint still holds, or newer than the newest; 409 when the endpoint holds no events.',
				requestBody: jsonBody(ref('RewindRequest'), { required: true }),
				responses: {
					200: json(ref('RewindResult'), 'The subscriber after the move'),
					...errorResponses(...BODY_ERRORS, 404, 409),
				},
			}),
		},
	};
}

function eventPaths(): Record<string, Schema> {
	return {
		'/endpoints/{id}/events': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'peekEvents',
				tag: TAG.events,
				summary: 'Newest buffered events',
				description: 'Newest first, as workflows receive them. Consumes nothing.',
				parameters: [countQuery('count', 'Most events to show', 10, 1000)],
				responses: {
					200: json(arrayOf(ref('WebhookEvent')), 'The events'),
					...errorResponses(400, 404),
				},
			}),
		},
		'/endpoints/{id}/dead-letters': {
			parameters: [ENDPOINT],
			get: operation({
				operationId: 'listDeadLetters',
				tag: TAG.events,
				summary: 'Events a subscriber gave up on',
				parameters: [countQuery('count', 'Most dead letters to show', 100, 10_000)],
				responses: {
					200: json(arrayOf(ref('DeadLetter')), 'Dead letters, oldest first'),
					...errorResponses(400, 404),
				},
			}),
			delete: operation({
				operationId: 'deleteDeadLetters',
				tag: TAG.events,
				summary: 'Delete dead letters',
				description: 'A DELETE with a JSON body. Ids that do not exist are not counted.',
				requestBody: jsonBody(ref('DeleteDeadLettersRequest'), { required: true }),
				responses: {
					200: json(ref('DeleteDeadLettersResult'), 'How many were deleted'),
					...errorResponses(...BODY_ERRORS, 404),
				},
			}),
		},
		'/endpoints/{id}/dead-letters/replay': {
			parameters: [ENDPOINT],
			post: operation({
				operationId: 'replayDeadLetters',
				tag: TAG.events,
				summary: 'Send dead letters back to their subscriber',
				description:
					'Replayed events come before new ones. Letters whose subscriber is gone stay and are reported as skipped.',
				requestBody: jsonBody(ref('ReplayRequest')),
				responses: {
					200: json(ref('ReplayResult'), 'What was replayed'),
					...errorResponses(...BODY_ERRORS, 404),
				},
			}),
		},
	};
}

function planPaths(): Record<string, Schema> {
	return {
		'/plans': {
			get: operation({
				operationId: 'listPlans',
				tag: TAG.plans,
				summary: 'List plans',
				description: 'The built-in plans, then custom plans by id.',
				responses: { 200: json(arrayOf(ref('Plan')), 'The plans'), ...errorResponses() },
			}),
		},
		'/plans/{id}': {
			parameters: [param('PlanId')],
			get: operation({
				operationId: 'getPlan',
				tag: TAG.plans,
				summary: 'Get a plan',
				responses: { 200: json(ref('Plan'), 'The plan'), ...errorResponses(404) },
			}),
			put: operation({
				operationId: 'upsertPlan',
				tag: TAG.plans,
				summary: 'Create or replace a custom plan',
				description:
					'Answers 200 whether the plan is new or not. Built-in plans cannot be changed (400).',
				requestBody: jsonBody(ref('PlanInput')),
				responses: {
					200: json(ref('Plan'), 'The plan as stored'),
					...errorResponses(...BODY_ERRORS),
				},
			}),
			delete: operation({
				operationId: 'deletePlan',
				tag: TAG.plans,
				summary: 'Delete a custom plan',
				description: '400 for a built-in plan; 409 while an account uses it.',
				responses: { 204: NO_CONTENT, ...errorResponses(400, ...CHANGE_ERRORS, 404, 409) },
			}),
		},
	};
}

function accountPaths(): Record<string, Schema> {
	return {
		'/accounts': {
			get: operation({
				operationId: 'listAccounts',
				tag: TAG.accounts,
				summary: 'List accounts',
				responses: {
					200: json(arrayOf(ref('Account')), 'The accounts, by id'),
					...errorResponses(),
				},
			}),
		},
		'/accounts/{id}': {
			parameters: [param('AccountId')],
			get: operation({
				operationId: 'getAccount',
				tag: TAG.accounts,
				summary: "An account with its plan, today's usage and endpoints",
				description: '400 for an id that is not a valid account id.',
				responses: { 200: json(ref('AccountDetail'), 'The account'), ...errorResponses(400, 404) },
			}),
		},
		'/accounts/{id}/usage/history': {
			parameters: [param('AccountId')],
			get: operation({
				operationId: 'getAccountUsageHistory',
				tag: TAG.accounts,
				summary: "The account's and each endpoint's requests per UTC day (docs/usage-history.md)",
				description: `Oldest day first, today last; kept ${USAGE_RETENTION_DAYS} days. 400 for an id that is not a valid account id.`,
				parameters: [countQuery('days', 'Days to show, today included', 35, USAGE_RETENTION_DAYS)],
				responses: {
					200: json(ref('AccountUsageHistory'), 'Daily counts'),
					...errorResponses(400, 404),
				},
			}),
		},
		'/accounts/{id}/plan': {
			parameters: [param('AccountId')],
			put: operation({
				operationId: 'setAccountPlan',
				tag: TAG.accounts,
				summary: "Set an account's plan",
				description:
					'Creates the account when it does not exist. 404 when the plan does not exist.',
				requestBody: jsonBody(ref('SetAccountPlanRequest'), { required: true }),
				responses: {
					200: json(ref('Account'), 'The account'),
					...errorResponses(...BODY_ERRORS, 404),
				},
			}),
		},
	};
}

function auditPaths(): Record<string, Schema> {
	return {
		'/audit': {
			get: operation({
				operationId: 'listAuditEntries',
				tag: TAG.audit,
				summary: 'The audit log: newest management changes first',
				description:
					'Successful changes through this API, the console, the CLI and the Webhook Endpoint node on direct Redis; at most about 10,000 are kept. Filters combine; the next (older) page is `before=<id of the last entry>`.',
				parameters: [
					countQuery('count', 'How many entries', 100, 1000),
					queryText('before', 'Only entries older than this entry id (paging)'),
					queryText('actor', 'Only entries whose `who` contains this text (case-insensitive)'),
					queryText('action', 'Only entries whose `action` contains this text (case-insensitive)'),
					queryText('account', 'Only entries concerning this account'),
				],
				responses: {
					200: json(arrayOf(ref('AuditEntry')), 'The entries, newest first'),
					...errorResponses(),
				},
			}),
		},
	};
}

function tokenPaths(): Record<string, Schema> {
	return {
		'/tokens': {
			get: operation({
				operationId: 'listTokens',
				tag: TAG.tokens,
				summary: 'List scoped tokens (never the tokens themselves)',
				responses: {
					200: json(arrayOf(ref('ScopedToken')), 'The tokens, oldest first'),
					...errorResponses(),
				},
			}),
			post: operation({
				operationId: 'createToken',
				tag: TAG.tokens,
				summary: 'Create a scoped token',
				description:
					'Needs the admin token or an `admin` token without an account limit. The token is in this answer only.',
				requestBody: jsonBody(ref('TokenCreate'), { required: true }),
				responses: {
					201: json(ref('NewScopedToken'), 'Created'),
					...errorResponses(...BODY_ERRORS),
				},
			}),
		},
		'/tokens/{id}': {
			parameters: [param('TokenId')],
			delete: operation({
				operationId: 'revokeToken',
				tag: TAG.tokens,
				summary: 'Revoke a scoped token (at once, on every gateway)',
				responses: { 204: NO_CONTENT, ...errorResponses(...CHANGE_ERRORS, 404) },
			}),
		},
	};
}

export const TAGS = [
	{ name: TAG.endpoints, description: 'Global webhook endpoints: `<public URL>/hooks/<id>`' },
	{ name: TAG.subscribers, description: 'Trigger nodes reading an endpoint: lag, remove, rewind' },
	{ name: TAG.events, description: 'Buffered events and dead letters of an endpoint' },
	{ name: TAG.plans, description: 'Rate, burst and daily limits' },
	{ name: TAG.accounts, description: 'Accounts own endpoints and have one plan' },
	{ name: TAG.audit, description: 'Who changed what, when' },
	{
		name: TAG.tokens,
		description:
			'Scoped admin tokens: read, manage, admin, metrics; optionally limited to accounts',
	},
	REQUESTS_TAG,
];

export function paths(): Record<string, Schema> {
	return {
		...endpointPaths(),
		...subscriberPaths(),
		...eventPaths(),
		...planPaths(),
		...accountPaths(),
		...auditPaths(),
		...tokenPaths(),
		...requestLogPaths(),
	};
}
