/**
 * components.schemas of the admin API's OpenAPI document: what ManagementService returns
 * (src/management/service.ts, src/types.ts) and what the routes accept (src/gateway/adminRoutes.ts).
 * Patterns and limits come from the validators, so the document follows them.
 */
import { requestLogSchemas } from './requestLog';
import { DEFAULT_TOLERANCE_SECONDS, isTimestampPreset, MAX_TOLERANCE_SECONDS, PRESET_IDS } from '../../auth';
import type { ErrorCode } from '../../errors';
import { ACCOUNT_ID_RE, DEFAULT_DEDUPE_WINDOW_SECONDS, ENDPOINT_ID_RE } from '../../registry/endpoints';
import { PLAN_ID_RE } from '../../registry/plans';
import { DEFAULT_ACCEPT_CONTENT_TYPE, MAX_ACCEPT_RESPONSE_BYTES } from '../../registry/acceptResponse';
import { INGEST_METHODS, type HandshakeMode, type HmacAlgorithm, type SignatureEncoding } from '../../types';
import { arrayOf, ISO_TIME, object, orNull, ref, unionValues, type Schema } from './helpers';

const HMAC_ALGORITHMS = unionValues<HmacAlgorithm>({ sha1: true, sha256: true, sha512: true });
const SIGNATURE_ENCODINGS = unionValues<SignatureEncoding>({ hex: true, base64: true });
const HANDSHAKE_MODES = unionValues<HandshakeMode>({ none: true, slack: true, hubChallenge: true, validationToken: true });

/** Codes the admin API answers with (the other ErrorCodes belong to ingest). */
export const ADMIN_ERROR_CODES: ErrorCode[] = ['invalid_request', 'unauthorized', 'not_found', 'conflict', 'payload_too_large', 'store_unavailable', 'internal_error'];

const STREAM_ID: Schema = { type: 'string', pattern: '^\\d{1,20}-\\d{1,20}$', examples: ['1732280000000-0'] };
const MAX_WINDOW_SECONDS = 30 * 86_400;

const endpointId: Schema = { type: 'string', pattern: ENDPOINT_ID_RE.source, description: '3-64 characters from a-z, 0-9, `-` and `_`, starting with a letter or digit' };
const accountId: Schema = { type: 'string', pattern: ACCOUNT_ID_RE.source, description: '1-64 characters from A-Z, a-z, 0-9, `.`, `-` and `_`' };
const planId: Schema = { type: 'string', pattern: PLAN_ID_RE.source };
const headerName: Schema = { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$", maxLength: 256 };
const printable: Schema = { type: 'string', pattern: '^[\\x20-\\x7e]*$', maxLength: 256 };
const limit = (description: string, integer: boolean): Schema => orNull({ type: integer ? 'integer' : 'number', exclusiveMinimum: 0, description });

function authSchemas(): Record<string, Schema> {
	const type = (value: string): Schema => ({ const: value });
	const header = object(
		{ type: type('header'), headerName: { ...headerName, description: 'Header carrying the token (lower-case)' }, prefix: { ...printable, description: 'Text before the token, e.g. `Bearer `; empty for none' } },
		{ description: 'A static token in a header' },
	);
	return {
		NoAuth: object({ type: type('none') }, { description: 'No authentication (combine with an IP allow-list)' }),
		HeaderAuth: header,
		HeaderAuthInput: {
			...header,
			required: ['type'],
			description: 'A static token in a header. headerName defaults to `authorization`, whose prefix defaults to `Bearer ` (other headers: none)',
		},
		BasicAuth: object({ type: type('basic'), username: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^:\\x00-\\x1f\\x7f]*$' } }, { description: 'HTTP Basic; the password is the secret' }),
		HmacAuth: object(
			{
				type: type('hmac'),
				preset: { enum: [...PRESET_IDS].sort(), description: 'A provider preset of the catalog (docs/providers/README.md) or `generic`' },
				header: { ...headerName, description: 'generic only: the header holding the signature' },
				algorithm: { enum: HMAC_ALGORITHMS, description: 'generic only; default sha256' },
				encoding: { enum: SIGNATURE_ENCODINGS, description: 'generic only; default hex' },
				prefix: { ...printable, description: 'generic only: text before the signature, e.g. `sha256=`' },
				toleranceSeconds: {
					type: 'integer',
					minimum: 1,
					maximum: MAX_TOLERANCE_SECONDS,
					description: `presets that sign a timestamp (${PRESET_IDS.filter(isTimestampPreset).sort().join(', ')}): largest accepted age of the signed timestamp; default ${DEFAULT_TOLERANCE_SECONDS} (twitch 600)`,
				},
				username: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^:\\x00-\\x1f\\x7f]*$', description: 'postmark only: the basic-auth user name; default `postmark`' },
			},
			{ optional: ['header', 'algorithm', 'encoding', 'prefix', 'toleranceSeconds', 'username'], description: 'A provider preset (signature, token or public key, see docs/providers/README.md), or a generic HMAC of the body (header required)' },
		),
		EndpointAuth: authUnion('HeaderAuth', 'How incoming webhooks authenticate, as stored (defaults filled in)'),
		EndpointAuthInput: authUnion('HeaderAuthInput', 'How incoming webhooks authenticate; omitted fields take their defaults. Unknown fields are rejected'),
	};
}

function authUnion(headerSchema: string, description: string): Schema {
	return {
		description,
		oneOf: [ref('NoAuth'), ref(headerSchema), ref('BasicAuth'), ref('HmacAuth')],
		discriminator: {
			propertyName: 'type',
			mapping: { none: '#/components/schemas/NoAuth', header: `#/components/schemas/${headerSchema}`, basic: '#/components/schemas/BasicAuth', hmac: '#/components/schemas/HmacAuth' },
		},
	};
}

function settingSchemas(): Record<string, Schema> {
	const windowSeconds: Schema = { type: 'integer', minimum: 1, maximum: MAX_WINDOW_SECONDS, description: `Seconds during which a repeat is answered \`duplicate\`; default ${DEFAULT_DEDUPE_WINDOW_SECONDS}` };
	return {
		DedupeSource: {
			description: 'Where the idempotency key of a request comes from',
			oneOf: [
				object({ type: { const: 'none' } }),
				object({ type: { const: 'header' }, name: { type: 'string', pattern: "^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$" } }),
				object({ type: { const: 'bodyPath' }, path: { type: 'string', pattern: '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$', examples: ['data.object.id'] } }),
			],
		},
		Dedupe: object({ source: ref('DedupeSource'), windowSeconds }),
		DedupeInput: {
			...object({ source: ref('DedupeSource'), windowSeconds }, { optional: ['source', 'windowSeconds'], open: true }),
			description: "Omitted source: the auth preset's default (e.g. x-github-delivery); `{type: none}` switches deduplication off",
		},
		Handshake: object(
			{ mode: { enum: HANDSHAKE_MODES }, verifyToken: { type: 'string', description: 'hubChallenge: the hub.verify_token the sender must present' } },
			{ optional: ['verifyToken'], description: 'Provider handshake answered by the gateway without storing' },
		),
		AcceptResponse: object(
			{
				status: { type: 'integer', minimum: 200, maximum: 299, description: 'Any 2xx status; 204/205 carry no body' },
				body: { type: 'string', description: `Sent as is; at most ${MAX_ACCEPT_RESPONSE_BYTES} bytes (UTF-8)` },
				contentType: { type: 'string', maxLength: 200, description: 'Content-Type of the answer' },
			},
			{ description: 'Custom answer to accepted requests and duplicates (the event id is in the X-Webhook-Gateway-Event-Id header); rejections and handshakes are unchanged' },
		),
		AcceptResponseInput: object(
			{
				status: { type: 'integer', minimum: 200, maximum: 299, default: 200 },
				body: { type: ['string', 'null'], description: `At most ${MAX_ACCEPT_RESPONSE_BYTES} bytes (UTF-8); default empty` },
				contentType: { type: ['string', 'null'], maxLength: 200, default: DEFAULT_ACCEPT_CONTENT_TYPE },
			},
			{ optional: ['status', 'body', 'contentType'], description: 'Custom answer to accepted requests; omitted fields take their defaults' },
		),
		HandshakeInput: {
			description: 'A handshake object, or just its mode',
			oneOf: [object({ mode: { enum: HANDSHAKE_MODES }, verifyToken: { type: 'string' } }, { optional: ['mode', 'verifyToken'], open: true }), { enum: HANDSHAKE_MODES }],
		},
	};
}

function endpointSchemas(): Record<string, Schema> {
	const methods = arrayOf({ enum: [...INGEST_METHODS] }, { minItems: 1, uniqueItems: true });
	const input = {
		name: { type: ['string', 'null'], description: 'Default: the id; cut at 200 characters' },
		description: { type: ['string', 'null'], description: 'Cut at 2000 characters' },
		accountId: { ...orNull(accountId), description: 'Owning account (default `default`); cannot change later' },
		auth: ref('EndpointAuthInput'),
		secret: { type: ['string', 'null'], minLength: 8, maxLength: 512, description: 'Use this secret instead of a generated one (e.g. the signing secret a provider shows you)' },
		ipAllowlist: arrayOf({ type: 'string' }, { maxItems: 1000, description: 'IPv4/IPv6 addresses or CIDRs; empty allows every address', examples: [['10.0.0.0/8', '2001:db8::/32']] }),
		dedupe: ref('DedupeInput'),
		handshake: ref('HandshakeInput'),
		methods: { ...methods, description: 'Ingest methods (case-insensitive); default [POST]' },
		enabled: { type: 'boolean' },
		bufferCapacity: { type: ['integer', 'null'], minimum: 1, description: 'Most events waiting in the buffer; null for the gateway default' },
		bufferMaxBytes: { type: ['integer', 'null'], minimum: 1024, description: 'Most bytes (stored size: body, headers, path, query) waiting in the buffer; null for the gateway default' },
		limits: {
			...orNull(ref('EndpointLimitsInput')),
			description: "The endpoint's own limits inside its account's plan (docs/limits.md); null for none. A value above the plan's is refused (400 naming the field)",
		},
		acceptResponse: { oneOf: [ref('AcceptResponseInput'), { type: 'null' }], description: 'Custom answer to accepted requests (docs/custom-responses.md); null for the default 202 JSON' },
	};
	const all = Object.keys(input);
	return {
		Endpoint: object(
			{
				id: endpointId,
				name: { type: 'string', maxLength: 200 },
				description: { type: 'string', maxLength: 2000 },
				accountId,
				auth: ref('EndpointAuth'),
				ipAllowlist: arrayOf({ type: 'string' }),
				dedupe: ref('Dedupe'),
				handshake: ref('Handshake'),
				methods,
				enabled: { type: 'boolean' },
				bufferCapacity: { type: ['integer', 'null'], minimum: 1, description: 'null: the gateway default' },
				bufferMaxBytes: { type: ['integer', 'null'], minimum: 1024, description: 'null: the gateway default' },
				limits: { ...orNull(ref('EndpointLimits')), description: "The endpoint's own limits; null: only the account's plan applies" },
				acceptResponse: { oneOf: [ref('AcceptResponse'), { type: 'null' }], description: 'null: the default `202 {"status":"accepted","eventId":...}`' },
				createdAt: ISO_TIME,
				createdBy: { type: 'string' },
				updatedAt: ISO_TIME,
				secretCount: { type: 'integer', minimum: 0, description: 'Secrets that authenticate now (more than one during a rotation grace period); values are never shown here' },
				url: { type: 'string', format: 'uri', description: 'Where senders deliver: `<public URL>/hooks/<id>`' },
				awaitingHandshakeSecret: { type: 'boolean', description: 'Asana preset: the endpoint waits for the `X-Hook-Secret` handshake and stores its secret once (docs/providers/asana.md); absent otherwise' },
			},
			{ optional: ['awaitingHandshakeSecret'], description: 'An endpoint as list/get show it: never with secret values' },
		),
		EndpointCreate: object(
			{ id: { ...endpointId, description: 'Default: 24 random characters from a-z and 0-9' }, ...input, createdBy: { type: ['string', 'null'], description: 'Who created it; default `admin-api`' } },
			{ optional: ['id', ...all, 'createdBy'] },
		),
		EndpointUpdate: object(
			{ id: { ...endpointId, description: "Optional; must equal the path's id" }, ...input, accountId: { ...input.accountId, description: 'May only repeat the current account' } },
			{ optional: ['id', ...all], description: 'Fields to change; omitted fields keep their value' },
		),
		EndpointWithSecret: object(
			{ endpoint: ref('Endpoint'), secret: { type: 'string', description: 'The secret, shown this once' } },
			{ optional: ['secret'], description: 'Create/update answer. `secret` only when one was set or generated (an auth that needs one, or `secret` in the body)' },
		),
		RotatedSecret: object({
			endpoint: ref('Endpoint'),
			secret: { type: 'string', description: 'The new secret, shown this once; absent when an Asana endpoint was re-armed for a new handshake instead' },
			previousValidUntil: { ...orNull(ISO_TIME), description: 'When the previous secret stops working; null when it stopped at once' },
		}, { optional: ['secret'] }),
		RotateSecretRequest: object(
			{ secret: { type: ['string', 'null'], minLength: 8, maxLength: 512, description: 'Default: a generated one' }, graceSeconds: { type: 'integer', minimum: 0, maximum: MAX_WINDOW_SECONDS, default: 86_400 } },
			{ optional: ['secret', 'graceSeconds'] },
		),
		TestEventRequest: object(
			{
				body: { type: ['object', 'array', 'null'], description: 'JSON to send; default `{test: true, source, sentAt}`' },
				headers: { type: ['object', 'null'], additionalProperties: { type: 'string' }, description: 'Extra request headers (not host, content-type, content-length or other framing headers)' },
			},
			{ optional: ['body', 'headers'] },
		),
		TestEventResult: object({
			status: { type: 'integer', description: "Ingest's HTTP status, e.g. 202" },
			body: { description: "Ingest's answer: parsed JSON (e.g. `{status: accepted, eventId}` or an error), plain text, or null when empty" },
		}),
		Usage: object({
			endpointId,
			accountId,
			plan: ref('Plan'),
			acceptedToday: { type: 'integer', minimum: 0, description: 'Requests this endpoint accepted today (UTC)' },
			accountAcceptedToday: { type: 'integer', minimum: 0, description: "The account's accepted requests today over all its endpoints" },
			dailyLimit: { type: ['integer', 'null'] },
			dailyRemaining: { type: ['integer', 'null'], minimum: 0 },
			endpointLimits: { ...orNull(ref('EndpointLimits')), description: "The endpoint's own limits; null: only the plan's apply" },
			endpointDailyRemaining: { type: ['integer', 'null'], minimum: 0, description: "What is left of the endpoint's own daily limit today; null without one" },
			resetsInSeconds: { type: 'integer', minimum: 0, description: 'Until the daily counters reset (UTC midnight)' },
			buffer: object({
				length: { type: 'integer', minimum: 0 },
				capacity: { type: 'integer', minimum: 1, description: 'Most events; more get 503 buffer_full' },
				bytes: { type: 'integer', minimum: 0, description: 'Stored size of the buffered events (body, headers, path, query)' },
				maxBytes: { type: 'integer', minimum: 1, description: 'Most bytes; more get 503 buffer_full' },
				oldestReceivedAt: orNull(ISO_TIME),
			}),
			subscribers: arrayOf(
				object({
					id: { type: 'string', description: 'workflow id : node id' },
					waiting: { type: 'integer', minimum: 0, description: 'Not yet acknowledged (new + pending)' },
					pending: { type: 'integer', minimum: 0, description: 'Delivered, not acknowledged' },
					lastSeen: ISO_TIME,
				}),
			),
			deadLetters: { type: 'integer', minimum: 0 },
			deadLetterMax: { type: 'integer', minimum: 0, description: 'Cap on dead letters (0 = none); at the cap, failing events stay pending instead' },
		}),
		Stats: object({
			endpointId,
			hours: arrayOf(
				object({
					hour: { ...ISO_TIME, description: 'Start of the hour' },
					counts: {
						type: 'object',
						additionalProperties: { type: 'integer', minimum: 0 },
						description: 'Requests by outcome: accepted, duplicate, handshake, head, options, or the error code (unauthorized, rate_limited ...)',
					},
				}),
			),
		}),
	};
}

function planAndAccountSchemas(): Record<string, Schema> {
	const limits = { rate: limit('Accepted requests per second (may be fractional); null: none', false), burst: limit('Requests that may arrive at one instant; null: none', true), daily: limit('Accepted requests per UTC day; null: none', true) };
	const account = { id: accountId, planId, createdAt: ISO_TIME };
	return {
		Plan: object({ id: planId, name: { type: 'string', maxLength: 100 }, ...limits, builtIn: { type: 'boolean', description: 'Built-in plans cannot be changed or deleted' } }),
		PlanInput: object(
			{ id: { ...planId, description: "Optional; must equal the path's id" }, name: { type: ['string', 'null'], description: 'Default: the id; cut at 100 characters' }, ...limits },
			{ optional: ['id', 'name', 'rate', 'burst', 'daily'], description: 'Omitted limits mean none; burst defaults to ceil(rate) and needs a rate' },
		),
		Account: object(account),
		EndpointLimits: object(limits, { description: "An endpoint's own limits inside its account's plan: both apply, the tighter refuses (429 endpoint_rate_limited / endpoint_daily_limit_exceeded)" }),
		EndpointLimitsInput: object(limits, { optional: ['rate', 'burst', 'daily'], description: 'Omitted limits mean none; each at most the plan\'s; burst defaults to ceil(rate) (at most the plan\'s burst) and needs a rate' }),
		AccountDetail: object({
			...account,
			plan: ref('Plan'),
			acceptedToday: { type: 'integer', minimum: 0 },
			dailyRemaining: { type: ['integer', 'null'], minimum: 0 },
			endpoints: arrayOf(endpointId, { description: 'Ids of its endpoints' }),
			endpointUsage: arrayOf(
				object({
					endpointId,
					acceptedToday: { type: 'integer', minimum: 0 },
					limits: orNull(ref('EndpointLimits')),
					dailyRemaining: { type: ['integer', 'null'], minimum: 0, description: "Left of the endpoint's own daily limit; null without one" },
				}),
				{ description: "Each endpoint's accepted requests today next to the account's" },
			),
		}),
		SetAccountPlanRequest: object({ planId }),
		DayUsage: object({
			date: { type: 'string', format: 'date', description: 'The UTC day' },
			accepted: { type: 'integer', minimum: 0, description: 'Accepted (stored) requests: what daily limits count' },
			rejected: { type: 'integer', minimum: 0, description: 'Requests answered with an error (403, 413, 429, 503 ...)' },
			duplicate: { type: 'integer', minimum: 0, description: 'Repeats answered 200 duplicate' },
		}),
		EndpointUsageHistory: object({ endpointId, accountId, days: arrayOf(ref('DayUsage')) }),
		AccountUsageHistory: object({ accountId, days: arrayOf(ref('DayUsage')), endpoints: arrayOf(object({ endpointId, days: arrayOf(ref('DayUsage')) })) }),
		TokenCreate: object(
			{
				name: { type: 'string', minLength: 1, maxLength: 100 },
				scopes: arrayOf({ enum: ['read', 'manage', 'admin', 'metrics'] }, { minItems: 1 }),
				accountIds: orNull(arrayOf(accountId, { minItems: 1 })),
			},
			{ optional: ['accountIds'], description: '`read`: GETs; `manage`: endpoints, events and dead letters; `admin`: everything; `metrics`: /metrics. `accountIds` limits the token to those accounts.' },
		),
		ScopedToken: object({
			id: { type: 'string' },
			name: { type: 'string' },
			scopes: arrayOf({ enum: ['read', 'manage', 'admin', 'metrics'] }),
			accountIds: orNull(arrayOf(accountId)),
			createdAt: ISO_TIME,
			createdBy: { type: 'string' },
		}),
		NewScopedToken: object({ token: { type: 'string', description: 'Shown in this answer only; stored as a keyed hash' }, tokenInfo: ref('ScopedToken') }),
		AuditEntry: object(
			{
				id: { type: 'string', description: 'Entry id (a Redis stream id): the `before` cursor for the next page' },
				at: ISO_TIME,
				who: { type: 'string', description: '`admin token`, `token <name> (<id>)`, `console session <8 hex>`, `cli:<user>`, or `n8n: workflow "<name>" (<id>), node "<name>"`' },
				action: { type: 'string', description: 'Method and path of the change (`PUT /api/v1/accounts/acme/plan`), or the CLI command and its target' },
				status: { type: 'integer', description: 'HTTP status of the change; 0 when not made over HTTP (CLI, the n8n node on Redis)' },
				accountId: { type: 'string', description: 'The account the change concerns, when known' },
				endpointId: { type: 'string', description: 'The endpoint the change concerns, when there is one' },
			},
			{ optional: ['accountId', 'endpointId'], description: 'One management change. Bodies (and so secrets) are never recorded.' },
		),
	};
}

function eventSchemas(): Record<string, Schema> {
	return {
		WebhookEvent: object(
			{
				id: { type: 'string', description: 'The eventId the sender got with its 202' },
				endpointId,
				accountId,
				receivedAt: ISO_TIME,
				method: { type: 'string' },
				path: { type: 'string', description: "Sub-path after /hooks/<endpointId>: '' or starting with '/'" },
				query: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, arrayOf({ type: 'string' })] } },
				headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Lower-case names; credential headers removed' },
				contentType: { type: 'string' },
				body: { description: 'JSON parsed, form parsed, text as a string, anything else base64' },
				rawBody: { type: 'string', contentEncoding: 'base64', description: 'The exact bytes received' },
				sourceIp: { type: 'string' },
			},
			{ description: 'A buffered event as workflows receive it' },
		),
		Subscriber: object({
			id: { type: 'string', description: 'workflow id : node id' },
			workflowId: { type: 'string' },
			nodeId: { type: 'string' },
			workflowName: { type: ['string', 'null'], description: 'As the trigger reported it when it last subscribed' },
			nodeName: { type: ['string', 'null'] },
			waiting: { type: 'integer', minimum: 0, description: 'Its lag: events not yet acknowledged (new + pending)' },
			pending: { type: 'integer', minimum: 0, description: 'Delivered, not acknowledged' },
			lastDeliveredId: orNull(STREAM_ID),
			filtered: { type: 'integer', minimum: 0, description: "Events its trigger's filter left out: acknowledged without starting an execution" },
			lastSeen: ISO_TIME,
			createdAt: ISO_TIME,
		}),
		DroppedSubscriber: object({
			id: { type: 'string' },
			workflowId: { type: 'string' },
			nodeId: { type: 'string' },
			workflowName: { type: ['string', 'null'] },
			nodeName: { type: ['string', 'null'] },
			droppedAt: ISO_TIME,
			reason: { enum: ['retention', 'removed'], description: 'Unseen for the subscriber retention, or removed by an operator' },
			resumeAfterId: { ...STREAM_ID, description: 'When its workflow comes back it resumes after this event' },
		}),
		EndpointSubscribers: object({ endpointId, subscribers: arrayOf(ref('Subscriber')), dropped: arrayOf(ref('DroppedSubscriber'), { description: 'Kept 90 days' }) }),
		RewindRequest: object(
			{ eventId: { ...STREAM_ID, description: 'Start with this event' }, time: { type: 'string', description: 'Start with the first event received at or after this time (ISO 8601, or ms since the epoch)' } },
			{ optional: ['eventId', 'time'], description: 'Exactly one of eventId and time' },
		),
		RewindResult: object({ subscriber: ref('Subscriber'), startsAfterId: { ...STREAM_ID, description: 'The next read returns events after this id' } }),
		DeadLetter: object({ id: STREAM_ID, subscriberId: { type: 'string' }, attempts: { type: 'integer', minimum: 1 }, error: { type: 'string' }, deadAt: ISO_TIME, event: ref('WebhookEvent') }),
		ReplayRequest: object({ ids: arrayOf(STREAM_ID, { description: 'Dead letters to replay; empty or omitted: all of the endpoint' }) }, { optional: ['ids'] }),
		ReplayResult: object({ replayed: arrayOf(STREAM_ID), skipped: arrayOf(STREAM_ID, { description: 'Not found, or their subscriber is gone (kept)' }) }),
		DeleteDeadLettersRequest: object({ ids: arrayOf(STREAM_ID, { minItems: 1 }) }),
		DeleteDeadLettersResult: object({ deleted: { type: 'integer', minimum: 0 } }),
		Error: object({ error: object({ code: { enum: ADMIN_ERROR_CODES }, message: { type: 'string' } }) }, { description: 'Every failure' }),
	};
}

export function schemas(): Record<string, Schema> {
	return { ...endpointSchemas(), ...authSchemas(), ...settingSchemas(), ...planAndAccountSchemas(), ...eventSchemas(), ...requestLogSchemas() };
}
