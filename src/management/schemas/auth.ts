/**
 * Shapes of an endpoint's settings in the admin API: how senders authenticate, deduplication,
 * handshakes and the custom accept answer, as stored (outputs) and as a request may give them
 * (inputs, whose values the registry validators in src/registry check).
 */
import {
	DEFAULT_TOLERANCE_SECONDS,
	isTimestampPreset,
	MAX_TOLERANCE_SECONDS,
	PRESET_IDS,
} from '../../auth';
import {
	DEFAULT_ACCEPT_CONTENT_TYPE,
	MAX_ACCEPT_RESPONSE_BYTES,
} from '../../registry/acceptResponse';
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from '../../registry/endpoints';
import type {
	AcceptResponse as AcceptResponseRecord,
	DedupeConfig,
	EndpointAuth as EndpointAuthRecord,
	HandshakeConfig,
	HandshakeMode,
	HmacAlgorithm,
	HmacPreset,
	SignatureEncoding,
} from '../../types';
import { component, z, type SameShape } from './registry';

/** The values of a string union, spelled out once; the compiler checks the list is complete. */
function unionValues<T extends string>(all: Record<T, true>): [T, ...T[]] {
	return Object.keys(all) as [T, ...T[]];
}

const HMAC_ALGORITHMS = unionValues<HmacAlgorithm>({ sha1: true, sha256: true, sha512: true });
const SIGNATURE_ENCODINGS = unionValues<SignatureEncoding>({ hex: true, base64: true });
export const HANDSHAKE_MODES = unionValues<HandshakeMode>({
	none: true,
	slack: true,
	hubChallenge: true,
	validationToken: true,
});
/** Longest dedupe window and rotation grace (s). */
export const MAX_WINDOW_SECONDS = 30 * 86_400;

export const headerName = () =>
	z
		.string()
		.max(256)
		.regex(/^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$/);
const printable = () =>
	z
		.string()
		.max(256)
		.regex(/^[\x20-\x7e]*$/);
const userName = () =>
	z
		.string()
		.min(1)
		.max(256)
		.regex(/^[^:\x00-\x1f\x7f]*$/);

export const NoAuth = component(
	'NoAuth',
	z
		.strictObject({ type: z.literal('none') })
		.describe('No authentication (combine with an IP allow-list)'),
);
const headerFields = {
	type: z.literal('header'),
	headerName: headerName().describe('Header carrying the token (lower-case)'),
	prefix: printable().describe('Text before the token, e.g. `Bearer `; empty for none'),
};
export const HeaderAuth = component(
	'HeaderAuth',
	z.strictObject(headerFields).describe('A static token in a header'),
);
export const HeaderAuthInput = component(
	'HeaderAuthInput',
	z
		.strictObject({
			...headerFields,
			headerName: headerFields.headerName.optional(),
			prefix: headerFields.prefix.optional(),
		})
		.describe(
			'A static token in a header. headerName defaults to `authorization`, whose prefix defaults to `Bearer ` (other headers: none)',
		),
);
export const BasicAuth = component(
	'BasicAuth',
	z
		.strictObject({ type: z.literal('basic'), username: userName() })
		.describe('HTTP Basic; the password is the secret'),
);
export const HmacAuth = component(
	'HmacAuth',
	z
		.strictObject({
			type: z.literal('hmac'),
			preset: z
				.enum([...PRESET_IDS].sort() as [HmacPreset, ...HmacPreset[]])
				.describe('A provider preset of the catalog (docs/providers/README.md) or `generic`'),
			header: headerName().describe('generic only: the header holding the signature').optional(),
			algorithm: z.enum(HMAC_ALGORITHMS).describe('generic only; default sha256').optional(),
			encoding: z.enum(SIGNATURE_ENCODINGS).describe('generic only; default hex').optional(),
			prefix: printable()
				.describe('generic only: text before the signature, e.g. `sha256=`')
				.optional(),
			toleranceSeconds: z
				.number()
				.int()
				.min(1)
				.max(MAX_TOLERANCE_SECONDS)
				.describe(
					`presets that sign a timestamp (${PRESET_IDS.filter(isTimestampPreset).sort().join(', ')}): largest accepted age of the signed timestamp; default ${DEFAULT_TOLERANCE_SECONDS} (twitch 600)`,
				)
				.optional(),
			username: userName()
				.describe('postmark only: the basic-auth user name; default `postmark`')
				.optional(),
		})
		.describe(
			'A provider preset (signature, token or public key, see docs/providers/README.md), or a generic HMAC of the body (header required)',
		),
);

/** OpenAPI's discriminator (an annotation for code generators) over `type`. */
function byType(header: string): Record<string, unknown> {
	const to = (name: string) => `#/components/schemas/${name}`;
	return {
		discriminator: {
			propertyName: 'type',
			mapping: {
				none: to('NoAuth'),
				header: to(header),
				basic: to('BasicAuth'),
				hmac: to('HmacAuth'),
			},
		},
	};
}
export const EndpointAuth = component(
	'EndpointAuth',
	z.discriminatedUnion('type', [NoAuth, HeaderAuth, BasicAuth, HmacAuth]).meta({
		description: 'How incoming webhooks authenticate, as stored (defaults filled in)',
		...byType('HeaderAuth'),
	}),
);
export const EndpointAuthInput = component(
	'EndpointAuthInput',
	z.discriminatedUnion('type', [NoAuth, HeaderAuthInput, BasicAuth, HmacAuth]).meta({
		description:
			'How incoming webhooks authenticate; omitted fields take their defaults. Unknown fields are rejected',
		...byType('HeaderAuthInput'),
	}),
);

export const DedupeSource = component(
	'DedupeSource',
	z
		.discriminatedUnion('type', [
			z.strictObject({ type: z.literal('none') }),
			z.strictObject({
				type: z.literal('header'),
				name: z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/),
			}),
			z.strictObject({
				type: z.literal('bodyPath'),
				path: z
					.string()
					.regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/)
					.meta({ examples: ['data.object.id'] }),
			}),
		])
		.describe('Where the idempotency key of a request comes from'),
);
const windowSeconds = () =>
	z
		.number()
		.int()
		.min(1)
		.max(MAX_WINDOW_SECONDS)
		.describe(
			`Seconds during which a repeat is answered \`duplicate\`; default ${DEFAULT_DEDUPE_WINDOW_SECONDS}`,
		);
export const Dedupe = component(
	'Dedupe',
	z.strictObject({ source: DedupeSource, windowSeconds: windowSeconds() }),
);
export const DedupeInput = component(
	'DedupeInput',
	z
		.looseObject({ source: DedupeSource.optional(), windowSeconds: windowSeconds().optional() })
		.describe(
			"Omitted source: the auth preset's default (e.g. x-github-delivery); `{type: none}` switches deduplication off",
		),
);
export const Handshake = component(
	'Handshake',
	z
		.strictObject({
			mode: z.enum(HANDSHAKE_MODES),
			verifyToken: z
				.string()
				.describe('hubChallenge: the hub.verify_token the sender must present')
				.optional(),
		})
		.describe('Provider handshake answered by the gateway without storing'),
);
export const HandshakeInput = component(
	'HandshakeInput',
	z
		.union([
			z.looseObject({
				mode: z.enum(HANDSHAKE_MODES).optional(),
				verifyToken: z.string().optional(),
			}),
			z.enum(HANDSHAKE_MODES),
		])
		.describe('A handshake object, or just its mode'),
);
export const AcceptResponse = component(
	'AcceptResponse',
	z
		.strictObject({
			status: z.number().int().min(200).max(299).describe('Any 2xx status; 204/205 carry no body'),
			body: z.string().describe(`Sent as is; at most ${MAX_ACCEPT_RESPONSE_BYTES} bytes (UTF-8)`),
			contentType: z.string().max(200).describe('Content-Type of the answer'),
		})
		.describe(
			'Custom answer to accepted requests and duplicates (the event id is in the X-Webhook-Gateway-Event-Id header); rejections and handshakes are unchanged',
		),
);
export const AcceptResponseInput = component(
	'AcceptResponseInput',
	z
		.strictObject({
			status: z.number().int().min(200).max(299).meta({ default: 200 }).optional(),
			body: z
				.string()
				.nullable()
				.describe(`At most ${MAX_ACCEPT_RESPONSE_BYTES} bytes (UTF-8); default empty`)
				.optional(),
			contentType: z
				.string()
				.max(200)
				.nullable()
				.meta({ default: DEFAULT_ACCEPT_CONTENT_TYPE })
				.optional(),
		})
		.describe('Custom answer to accepted requests; omitted fields take their defaults'),
);

// The stored settings (src/types.ts) are these shapes.
true satisfies SameShape<EndpointAuthRecord, z.infer<typeof EndpointAuth>>;
true satisfies SameShape<DedupeConfig, z.infer<typeof Dedupe>>;
true satisfies SameShape<HandshakeConfig, z.infer<typeof Handshake>>;
true satisfies SameShape<AcceptResponseRecord, z.infer<typeof AcceptResponse>>;
