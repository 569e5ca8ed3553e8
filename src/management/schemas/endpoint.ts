/**
 * Shapes of endpoints in the admin API (docs/admin-api.md): an endpoint as list/get show it, the
 * create and update bodies (EndpointInput: what the admin routes, the CLI and the n8n node hand
 * to ManagementService), secret rotation and the test event.
 */
import { ACCOUNT_ID_RE, ENDPOINT_ID_RE } from '../../registry/endpoints';
import { INGEST_METHODS } from '../../types';
import {
	AcceptResponse,
	Dedupe,
	EndpointAuth,
	Handshake,
	headerName,
	MAX_WINDOW_SECONDS,
} from './auth';
import { accountId, EndpointLimits, endpointId } from './plan';
import { checkedByService, component, isoTime, z } from './registry';

/** A string field where null means "not given" (as omitting it). */
const text = (field: string, annotations: Record<string, unknown> = {}) =>
	z
		.string({ error: `${field} must be a string` })
		.meta(annotations)
		.nullish()
		.transform((value) => value ?? undefined);

const methods = () => z.array(z.enum(INGEST_METHODS)).min(1).meta({ uniqueItems: true });
const capacity = (min: number) => z.number().int().min(min).nullable();

/** Fields of a create or update body. Values are checked by ManagementService (its messages name the field). */
const inputFields = {
	name: text('name').describe('Default: the id; cut at 200 characters'),
	description: text('description').describe('Cut at 2000 characters'),
	accountId: text('accountId', { pattern: ACCOUNT_ID_RE.source }).describe(
		'Owning account (default `default`); cannot change later',
	),
	auth: checkedByService('EndpointAuthInput'),
	/** Use this secret instead of a generated one (e.g. the signing secret Stripe shows you). */
	secret: text('secret', { minLength: 8, maxLength: 512 }).describe(
		'Use this secret instead of a generated one (e.g. the signing secret a provider shows you)',
	),
	ipAllowlist: checkedByService(
		z
			.array(z.string())
			.max(1000)
			.meta({ examples: [['10.0.0.0/8', '2001:db8::/32']] }),
		'IPv4/IPv6 addresses or CIDRs; empty allows every address',
	),
	dedupe: checkedByService('DedupeInput'),
	handshake: checkedByService('HandshakeInput'),
	methods: checkedByService(methods(), 'Ingest methods (case-insensitive); default [POST]'),
	enabled: z.boolean({ error: 'enabled must be true or false' }),
	bufferCapacity: checkedByService(
		capacity(1),
		'Most events waiting in the buffer; null for the gateway default',
	),
	/** Byte capacity of the buffer (stored size); null/'' for the gateway default. */
	bufferMaxBytes: checkedByService(
		capacity(1024),
		'Most bytes (stored size: body, headers, path, query) waiting in the buffer; null for the gateway default',
	),
	/** The endpoint's own limits `{rate, burst, daily}` inside its account's plan; null for none. */
	limits: checkedByService(
		z.union([z.unknown().meta({ $ref: '#/components/schemas/EndpointLimitsInput' }), z.null()]),
		"The endpoint's own limits inside its account's plan (docs/limits.md); null for none. A value above the plan's is refused (400 naming the field)",
	),
	/** Custom answer to accepted requests {status 2xx, body ≤ 4 KiB, contentType}; null/'' for the default 202 JSON. */
	acceptResponse: checkedByService(
		z.union([z.unknown().meta({ $ref: '#/components/schemas/AcceptResponseInput' }), z.null()]),
		'Custom answer to accepted requests (docs/custom-responses.md); null for the default 202 JSON',
	),
};
const optionalInput = Object.fromEntries(
	Object.entries(inputFields).map(([name, schema]) => [name, schema.optional()]),
) as {
	[K in keyof typeof inputFields]: z.ZodOptional<(typeof inputFields)[K]>;
};

export const EndpointCreate = component(
	'EndpointCreate',
	z.strictObject({
		id: text('id', { pattern: ENDPOINT_ID_RE.source })
			.describe('Default: 24 random characters from a-z and 0-9')
			.optional(),
		...optionalInput,
		createdBy: text('createdBy').describe('Who created it; default `admin-api`').optional(),
	}),
);
export const EndpointUpdate = component(
	'EndpointUpdate',
	z
		.strictObject({
			id: checkedByService(endpointId(), "Optional; must equal the path's id").optional(),
			...optionalInput,
			accountId: optionalInput.accountId.describe('May only repeat the current account'),
		})
		.describe('Fields to change; omitted fields keep their value'),
);
/** What an endpoint create or update may give; fields left undefined take defaults or stay unchanged. */
export type EndpointInput = Omit<z.output<typeof EndpointCreate>, 'createdBy'>;

export const Endpoint = component(
	'Endpoint',
	z
		.strictObject({
			id: endpointId(),
			name: z.string().max(200),
			description: z.string().max(2000),
			accountId: accountId(),
			auth: EndpointAuth,
			ipAllowlist: z.array(z.string()),
			dedupe: Dedupe,
			handshake: Handshake,
			methods: methods(),
			enabled: z.boolean(),
			bufferCapacity: capacity(1).describe('null: the gateway default'),
			bufferMaxBytes: capacity(1024).describe('null: the gateway default'),
			limits: EndpointLimits.nullable().describe(
				"The endpoint's own limits; null: only the account's plan applies",
			),
			acceptResponse: AcceptResponse.nullable().describe(
				'null: the default `202 {"status":"accepted","eventId":...}`',
			),
			createdAt: isoTime(),
			createdBy: z.string(),
			updatedAt: isoTime(),
			secretCount: z
				.number()
				.int()
				.min(0)
				.describe(
					'Secrets that authenticate now (more than one during a rotation grace period); values are never shown here',
				),
			url: z
				.string()
				.meta({ format: 'uri' })
				.describe('Where senders deliver: `<public URL>/hooks/<id>`'),
			awaitingHandshakeSecret: z
				.boolean()
				.describe(
					'Asana preset: the endpoint waits for the `X-Hook-Secret` handshake and stores its secret once (docs/providers/asana.md); absent otherwise',
				)
				.optional(),
		})
		.describe('An endpoint as list/get show it: never with secret values'),
);

/** What create, update and rotate answer: the secret only when one was made or given. */
export const EndpointWithSecret = component(
	'EndpointWithSecret',
	z
		.strictObject({
			endpoint: Endpoint,
			secret: z.string().describe('The secret, shown this once').optional(),
		})
		.describe(
			'Create/update answer. `secret` only when one was set or generated (an auth that needs one, or `secret` in the body)',
		),
);
export type EndpointWithSecret = z.infer<typeof EndpointWithSecret>;
export const RotatedSecret = component(
	'RotatedSecret',
	z.strictObject({
		endpoint: Endpoint,
		secret: z
			.string()
			.describe(
				'The new secret, shown this once; absent when an Asana endpoint was re-armed for a new handshake instead',
			)
			.optional(),
		previousValidUntil: isoTime()
			.nullable()
			.describe('When the previous secret stops working; null when it stopped at once'),
	}),
);
export const RotateSecretRequest = component(
	'RotateSecretRequest',
	z.strictObject({
		secret: text('secret', { minLength: 8, maxLength: 512 })
			.describe('Default: a generated one')
			.optional(),
		graceSeconds: z
			.number({ error: 'graceSeconds must be a number of seconds' })
			.meta({ type: 'integer', minimum: 0, maximum: MAX_WINDOW_SECONDS, default: 86_400 })
			.optional(),
	}),
);

/** Extra headers of a test event; names and values are checked by the route (framing headers are the gateway's). */
export const TestEventRequest = component(
	'TestEventRequest',
	z.strictObject({
		body: z
			.union([z.record(z.string(), z.unknown()), z.array(z.unknown())], {
				error: 'body must be a JSON object or array',
			})
			.nullish()
			.describe('JSON to send; default `{test: true, source, sentAt}`'),
		headers: checkedByService(
			z.record(headerName(), z.string()).nullable(),
			'Extra request headers (not host, content-type, content-length or other framing headers)',
		).optional(),
	}),
);
/** The ingest answer to a test event, as the gateway received it. */
export const TestEventResult = component(
	'TestEventResult',
	z.strictObject({
		status: z.number().int().describe("Ingest's HTTP status, e.g. 202"),
		body: z
			.unknown()
			.describe(
				"Ingest's answer: parsed JSON (e.g. `{status: accepted, eventId}` or an error), plain text, or null when empty",
			),
	}),
);
export type TestEventResult = z.infer<typeof TestEventResult>;
