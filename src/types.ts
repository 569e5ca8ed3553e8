/**
 * Domain types shared by every layer: endpoints, accounts, plans, the stored event and the shape a
 * workflow receives. Pure data, no behaviour; see the README from "Endpoints" to "Buffer and delivery guarantees".
 */

/** HTTP methods an endpoint may accept for ingest. */
export const INGEST_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type IngestMethod = (typeof INGEST_METHODS)[number];

/** A usage plan. `null` means "no limit" for that dimension. */
export interface Plan {
	id: string;
	name: string;
	/** Sustained rate in accepted requests per second (may be fractional), or null for none. */
	rate: number | null;
	/** Requests that may arrive at one instant (token bucket capacity), or null for none. */
	burst: number | null;
	/** Accepted requests per UTC calendar day, or null for none. */
	daily: number | null;
	builtIn: boolean;
}

/**
 * An endpoint's own limits inside its account's plan (same names and units as the plan's); null
 * for a dimension it does not limit itself. Both its limits and the plan's apply to each request.
 */
export interface EndpointLimits {
	/** Accepted requests per second (may be fractional), or null. */
	rate: number | null;
	/** Requests that may arrive at one instant, or null (set together with rate). */
	burst: number | null;
	/** Accepted requests per UTC day, or null. */
	daily: number | null;
}

export interface Account {
	id: string;
	planId: string;
	createdAt: string;
}

/** Provider presets of the auth catalog (src/auth/catalog.ts holds each one's metadata). */
export type HmacPreset =
	| 'asana'
	| 'bitbucket'
	| 'calendly'
	| 'clerk'
	| 'discord'
	| 'dropbox'
	| 'generic'
	| 'github'
	| 'gitlab'
	| 'hubspot'
	| 'intercom'
	| 'jira'
	| 'linear'
	| 'mailgun'
	| 'meta'
	| 'paddle'
	| 'postmark'
	| 'resend'
	| 'sendgrid'
	| 'sentry'
	| 'shopify'
	| 'slack'
	| 'square'
	| 'standardWebhooks'
	| 'stripe'
	| 'twilio'
	| 'twitch'
	| 'typeform'
	| 'vercel'
	| 'woocommerce'
	| 'zoom';
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64';

/** How incoming requests prove they come from the sender (README "Authentication (per endpoint)"). */
export type EndpointAuth =
	| { type: 'none' }
	| {
			type: 'header';
			/** Header carrying the token, e.g. `authorization` or `x-api-key` (case-insensitive). */
			headerName: string;
			/** Text before the token, e.g. `Bearer ` (case-insensitive compare); empty for none. */
			prefix: string;
	  }
	| { type: 'basic'; username: string }
	| {
			type: 'hmac';
			preset: HmacPreset;
			/** generic only: header holding the signature. */
			header?: string;
			/** generic only. */
			algorithm?: HmacAlgorithm;
			/** generic only. */
			encoding?: SignatureEncoding;
			/** generic only: text before the signature, e.g. `sha256=`. */
			prefix?: string;
			/** Presets that sign a timestamp (see the catalog): max age in seconds; default 300. */
			toleranceSeconds?: number;
			/** postmark only: the basic-auth user name in the URL Postmark calls. */
			username?: string;
	  };

/** A secret of an endpoint. The newest is first; older ones stay valid until `expiresAt`. */
export interface EndpointSecret {
	value: string;
	createdAt: string;
	/** ISO time after which this secret no longer authenticates; absent for the current one. */
	expiresAt?: string;
}

/** Where the idempotency key of a request comes from (README "Duplicates"). */
export type DedupeSource =
	| { type: 'none' }
	| { type: 'header'; name: string }
	| { type: 'bodyPath'; path: string };

export interface DedupeConfig {
	source: DedupeSource;
	/** Window in seconds during which a repeat is answered `duplicate`; default 86400. */
	windowSeconds: number;
}

/** Provider handshakes answered by the gateway without storing (README "Handshakes"). */
export type HandshakeMode = 'none' | 'slack' | 'hubChallenge' | 'validationToken';

export interface HandshakeConfig {
	mode: HandshakeMode;
	/** hubChallenge: the `hub.verify_token` the sender must present; empty accepts any. */
	verifyToken?: string;
}

/**
 * The answer an endpoint gives to accepted requests (and duplicates) instead of the default
 * `202 {"status":"accepted","eventId":...}`: for senders that insist on `200` or a fixed body.
 */
export interface AcceptResponse {
	/** Any 2xx status code. */
	status: number;
	/** Sent as is (UTF-8, at most 4 KiB); empty for no body. */
	body: string;
	/** Content-Type header of the answer, e.g. `text/plain; charset=utf-8`. */
	contentType: string;
}

/** An endpoint as stored in the registry (secrets included: never send this to a client). */
export interface EndpointRecord {
	id: string;
	name: string;
	description: string;
	accountId: string;
	auth: EndpointAuth;
	secrets: EndpointSecret[];
	/** CIDR list; empty allows every address. Combines with `auth`. */
	ipAllowlist: string[];
	dedupe: DedupeConfig;
	handshake: HandshakeConfig;
	methods: IngestMethod[];
	enabled: boolean;
	/** Max events waiting in this endpoint's buffer; null uses the gateway default. */
	bufferCapacity: number | null;
	/** Max bytes (stored size: body, headers, path, query) waiting in this endpoint's buffer; null/absent uses the gateway default. */
	bufferMaxBytes?: number | null;
	/** The endpoint's own limits inside the account's plan; null/absent: only the plan's apply. */
	limits?: EndpointLimits | null;
	/** Custom answer to accepted requests; null/absent answers the default 202 JSON. */
	acceptResponse?: AcceptResponse | null;
	/**
	 * Asana preset: true while the endpoint waits for Asana's `X-Hook-Secret` handshake, whose secret
	 * it then stores (once; docs/providers/asana.md). Set on creation without a secret and by a secret
	 * rotation without a given secret; absent otherwise.
	 */
	awaitingHandshakeSecret?: boolean;
	createdAt: string;
	createdBy: string;
	updatedAt: string;
}

/** What list/get return: the record without secret values. */
export type EndpointView = Omit<EndpointRecord, 'secrets'> & {
	secretCount: number;
	url: string;
};

/** The event as a workflow receives it (README "The event a workflow receives"). */
export interface WebhookEvent {
	id: string;
	endpointId: string;
	accountId: string;
	receivedAt: string;
	method: string;
	/** Sub-path after `/hooks/<endpointId>`, '' when none, else starting with '/'. */
	path: string;
	query: Record<string, unknown>;
	headers: Record<string, string>;
	contentType: string;
	body: unknown;
	/** Base64 of the exact bytes received. */
	rawBody: string;
	sourceIp: string;
}
