/**
 * The settings of an endpoint, shared by Create (top-level fields + "Additional Fields") and
 * Update (everything inside "Update Fields"). Inside a collection, display conditions name the
 * sibling fields of the collection, so one generator serves both.
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { DEFAULT_TOLERANCE_SECONDS, PRESETS } from '../../../src/auth';

const HEADER_PREFIX_DESCRIPTION =
	'Text before the secret in the header value. Clear it for a header such as x-api-key that holds the bare secret.';
const ACCEPT_ANSWER_DESCRIPTION =
	'What senders get back when their request is stored (and for a duplicate). Rejections and handshakes keep their answers.';
const BUFFER_CAPACITY_DESCRIPTION =
	'Max events waiting for workflows; when full, senders get 503 and retry. 0 uses the gateway default.';
const BUFFER_MAX_MEGABYTES_DESCRIPTION =
	'Max size (MiB) of the events waiting for workflows (bodies and headers); when full, senders get 503 and retry. 0 uses the gateway default (256 MiB unless the operator changed it).';
const DEDUPE_DESCRIPTION =
	'Where the delivery ID comes from; a repeat within the window is answered "duplicate" and not stored';
const ENDPOINT_BURST_DESCRIPTION =
	"Requests this endpoint may take at one instant, at most the plan's burst. 0: its rate rounded up.";
const ENDPOINT_RATE_LIMIT_DESCRIPTION =
	"Accepted requests per second for this endpoint alone, at most the plan's rate. 0: only the plan's limit.";
const HANDSHAKE_DESCRIPTION =
	'A verification request some providers send first, answered by the gateway without storing it';
const IP_ALLOWLIST_DESCRIPTION =
	'Comma-separated addresses or CIDR ranges allowed to send; empty allows all. Combines with authentication.';
const CUSTOM_SECRET_DESCRIPTION =
	'Use this secret instead of a generated one, e.g. the signing secret Stripe shows you (8-512 characters). Ignored when authentication is None.';
const HMAC_AUTHENTICATION_DESCRIPTION =
	'A provider preset (GitHub, Stripe, Shopify, Zoom, Twilio, Discord ...) or a generic HMAC of the raw body';
const CUSTOM_ANSWER_DESCRIPTION =
	'Your 2xx status, body and content type, for senders that insist on 200 or a fixed body';

/** "300 s; Twitch EventSub 600 s": the tolerance each timestamp preset gets when none is set. */
function toleranceDefaults(): string {
	const own = PRESETS.filter((p) => p.timestamp && p.defaultToleranceSeconds !== undefined).map(
		(p) => `${p.name} ${p.defaultToleranceSeconds} s`,
	);
	return [`${DEFAULT_TOLERANCE_SECONDS} s`, ...own].join('; ');
}

const TOLERANCE_DESCRIPTION = `How old a signed timestamp may be before the request is rejected as a replay. 0: the provider's own (${toleranceDefaults()}).`;

type Show = Record<string, Array<string | boolean>>;
/** Builds the display condition of a field; `extra` are conditions on sibling fields. */
export type Display = (extra?: Show) => IDisplayOptions | undefined;

export function authenticationFields(display: Display, required: boolean): INodeProperties[] {
	const hmac = (presets?: string[]) =>
		display(
			presets ? { authentication: ['hmac'], hmacPreset: presets } : { authentication: ['hmac'] },
		);
	return [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'header',
			description: 'How senders prove a request comes from them. Failures are answered 403.',
			displayOptions: display(),
			options: [
				{
					name: 'Basic Auth',
					value: 'basic',
					description: 'User name and password (the secret) in the Authorization header',
				},
				{
					name: 'Provider Preset or HMAC Signature',
					value: 'hmac',
					description: HMAC_AUTHENTICATION_DESCRIPTION,
				},
				{
					name: 'Header Token',
					value: 'header',
					description: 'The secret in a header, e.g. Authorization: Bearer &lt;secret&gt;',
				},
				{ name: 'None', value: 'none', description: 'Anyone who knows the URL may send' },
			],
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'authorization',
			placeholder: 'e.g. x-api-key',
			description: 'Header that carries the token',
			displayOptions: display({ authentication: ['header'] }),
		},
		{
			displayName: 'Value Prefix',
			name: 'headerPrefix',
			type: 'string',
			default: 'Bearer ',
			description: HEADER_PREFIX_DESCRIPTION,
			displayOptions: display({ authentication: ['header'] }),
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			default: '',
			required,
			description: 'User name senders use; the password is the endpoint secret',
			displayOptions: display({ authentication: ['basic'] }),
		},
		{
			displayName: 'Signature Preset',
			name: 'hmacPreset',
			type: 'options',
			default: 'github',
			description: 'The provider whose signature scheme to check',
			displayOptions: hmac(),
			options: PRESETS.map((p) => ({
				name: p.name,
				value: p.id,
				description:
					p.id === 'generic'
						? 'Any HMAC over the raw body: choose header, algorithm, encoding and prefix'
						: p.signature,
			})),
		},
		// One hint per preset: where to paste the URL and which secret to use.
		...PRESETS.map(
			(p): INodeProperties => ({
				displayName: `${p.setupHint} Secret: ${p.secretHint}.${p.handshake ? ` The gateway answers the handshake: ${p.handshake}.` : ''}`,
				name: `presetHint_${p.id}`,
				type: 'notice',
				default: '',
				displayOptions: hmac([p.id]),
			}),
		),
		{
			displayName: 'Signature Header',
			name: 'signatureHeader',
			type: 'string',
			default: '',
			required,
			placeholder: 'e.g. x-signature',
			description: 'Header that carries the signature',
			displayOptions: hmac(['generic']),
		},
		{
			displayName: 'Algorithm',
			name: 'algorithm',
			type: 'options',
			default: 'sha256',
			displayOptions: hmac(['generic']),
			options: [
				{ name: 'SHA-1', value: 'sha1' },
				{ name: 'SHA-256', value: 'sha256' },
				{ name: 'SHA-512', value: 'sha512' },
			],
		},
		{
			displayName: 'Encoding',
			name: 'encoding',
			type: 'options',
			default: 'hex',
			description: 'How the signature is written in the header',
			displayOptions: hmac(['generic']),
			options: [
				{ name: 'Base64', value: 'base64' },
				{ name: 'Hex', value: 'hex' },
			],
		},
		{
			displayName: 'Signature Prefix',
			name: 'signaturePrefix',
			type: 'string',
			default: '',
			placeholder: 'e.g. sha256=',
			description: 'Text before the signature in the header, if any',
			displayOptions: hmac(['generic']),
		},
		{
			displayName: 'Tolerance (Seconds)',
			name: 'toleranceSeconds',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, maxValue: 86400 },
			description: TOLERANCE_DESCRIPTION,
			displayOptions: hmac(PRESETS.filter((p) => p.timestamp).map((p) => p.id)),
		},
	];
}

/** Everything else an endpoint has (sorted, as n8n shows collection entries). */
export function optionalEndpointFields(display: Display): INodeProperties[] {
	return [
		{
			displayName: 'Accepted Answer',
			name: 'acceptAnswer',
			type: 'options',
			default: 'default',
			description: ACCEPT_ANSWER_DESCRIPTION,
			options: [
				{ name: 'Custom', value: 'custom', description: CUSTOM_ANSWER_DESCRIPTION },
				{
					name: 'Default (202 JSON)',
					value: 'default',
					description: '202 {"status":"accepted","eventId":"..."}',
				},
			],
		},
		{
			displayName: 'Accepted Answer Body',
			name: 'acceptBody',
			type: 'string',
			default: '',
			typeOptions: { rows: 2 },
			description: 'Sent as is, at most 4 KiB; empty for no body',
			displayOptions: display({ acceptAnswer: ['custom'] }),
		},
		{
			displayName: 'Accepted Answer Content Type',
			name: 'acceptContentType',
			type: 'string',
			default: 'text/plain; charset=utf-8',
			placeholder: 'e.g. application/json',
			displayOptions: display({ acceptAnswer: ['custom'] }),
		},
		{
			displayName: 'Accepted Answer Status',
			name: 'acceptStatus',
			type: 'number',
			default: 200,
			typeOptions: { minValue: 200, maxValue: 299 },
			description: 'Any 2xx status code',
			displayOptions: display({ acceptAnswer: ['custom'] }),
		},
		{
			displayName: 'Allowed Methods',
			name: 'methods',
			type: 'multiOptions',
			default: ['POST'],
			description: 'HTTP methods the endpoint accepts; others are answered 405',
			options: [
				{ name: 'DELETE', value: 'DELETE' },
				{ name: 'GET', value: 'GET' },
				{ name: 'PATCH', value: 'PATCH' },
				{ name: 'POST', value: 'POST' },
				{ name: 'PUT', value: 'PUT' },
			],
		},
		{
			displayName: 'Buffer Capacity',
			name: 'bufferCapacity',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: BUFFER_CAPACITY_DESCRIPTION,
		},
		{
			displayName: 'Buffer Size Limit (MB)',
			name: 'bufferMaxMegabytes',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: BUFFER_MAX_MEGABYTES_DESCRIPTION,
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			default: '',
			typeOptions: { rows: 2 },
		},
		{
			displayName: 'Duplicate Detection',
			name: 'dedupe',
			type: 'options',
			default: 'preset',
			description: DEDUPE_DESCRIPTION,
			options: [
				{ name: 'Body Path', value: 'bodyPath', description: 'A field of the JSON body, e.g. ID' },
				{ name: 'Header', value: 'header', description: 'A header, e.g. Idempotency-Key' },
				{ name: 'Off', value: 'off' },
				{
					name: 'Provider Default',
					value: 'preset',
					description:
						"The signature preset's delivery ID (GitHub, Shopify, Stripe, Standard Webhooks); off otherwise",
				},
			],
		},
		{
			displayName: 'Duplicate Header',
			name: 'dedupeHeader',
			type: 'string',
			default: 'idempotency-key',
			displayOptions: display({ dedupe: ['header'] }),
		},
		{
			displayName: 'Duplicate Body Path',
			name: 'dedupePath',
			type: 'string',
			default: 'id',
			placeholder: 'e.g. event_id',
			description: 'Dotted path to the delivery ID in the JSON body',
			displayOptions: display({ dedupe: ['bodyPath'] }),
		},
		{
			displayName: 'Duplicate Window (Seconds)',
			name: 'dedupeWindowSeconds',
			type: 'number',
			default: 86400,
			typeOptions: { minValue: 1, maxValue: 2592000 },
			description: 'How long a delivery ID is remembered',
			displayOptions: display({ dedupe: ['bodyPath', 'header', 'preset'] }),
		},
		{
			displayName: 'Enabled',
			name: 'enabled',
			type: 'boolean',
			default: true,
			description: 'Whether the endpoint accepts requests (a disabled one answers 403)',
		},
		{
			displayName: 'Endpoint Burst',
			name: 'endpointBurst',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description: ENDPOINT_BURST_DESCRIPTION,
		},
		{
			displayName: 'Endpoint Daily Limit',
			name: 'endpointDailyLimit',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0 },
			description:
				"Accepted requests per UTC day for this endpoint alone, inside the account's plan, so one busy or open endpoint cannot spend the whole account's budget. 0: only the plan's limit.",
		},
		{
			displayName: 'Endpoint Rate Limit (Per Second)',
			name: 'endpointRateLimit',
			type: 'number',
			default: 0,
			typeOptions: { minValue: 0, numberPrecision: 2 },
			description: ENDPOINT_RATE_LIMIT_DESCRIPTION,
		},
		{
			displayName: 'Handshake',
			name: 'handshake',
			type: 'options',
			default: 'none',
			description: HANDSHAKE_DESCRIPTION,
			options: [
				{
					name: 'Hub Challenge',
					value: 'hubChallenge',
					description: 'Echo hub.challenge (Meta, WebSub, Strava ...)',
				},
				{ name: 'None', value: 'none' },
				{
					name: 'Slack URL Verification',
					value: 'slack',
					description: 'Answer Slack url_verification with its challenge',
				},
				{
					name: 'Validation Token',
					value: 'validationToken',
					description: 'Echo validationToken (Microsoft Graph)',
				},
			],
		},
		{
			displayName: 'Hub Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The hub.verify_token the sender must present; empty accepts any',
			displayOptions: display({ handshake: ['hubChallenge'] }),
		},
		{
			displayName: 'IP Allow-List',
			name: 'ipAllowlist',
			type: 'string',
			default: '',
			placeholder: 'e.g. 192.30.252.0/22, 2001:db8::/32',
			description: IP_ALLOWLIST_DESCRIPTION,
		},
		{
			displayName: 'Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: CUSTOM_SECRET_DESCRIPTION,
		},
	];
}
