/**
 * The provider catalog: every auth preset with what a user and every layer needs to know about
 * it (scheme, headers, default duplicate detection, timestamp tolerance, handshake, where the
 * secret comes from, a setup hint, its docs page). The admin API's enum, the CLI's `--auth`, the
 * console's auth form and the Webhook Endpoint node derive their lists from here.
 *
 * Pure data with type-only imports: the console bundles it for the browser.
 */
import type { DedupeSource, HmacPreset } from '../types';

/** How a preset proves the sender: HMAC with a shared secret, a bare token, basic auth, or a public-key signature. */
export type PresetScheme = 'hmac' | 'token' | 'basic' | 'ed25519' | 'ecdsa';

/** One preset of the catalog. */
export interface PresetInfo {
	id: HmacPreset;
	/** Display name, e.g. "GitHub". */
	name: string;
	/** `--auth <cliName>` in the CLI. */
	cliName: string;
	scheme: PresetScheme;
	/** What the gateway checks, in the provider's own header names. */
	signature: string;
	/** Lower-case names of the headers that carry credentials; removed before an event is stored. */
	credentialHeaders: readonly string[];
	/** The provider's delivery or event id, used for duplicates unless the user changes it. */
	dedupe: DedupeSource;
	/** Whether the signature covers a timestamp, so `toleranceSeconds` (default 300 s) applies. */
	timestamp: boolean;
	/** The provider's own recommended tolerance in seconds, when it differs from 300. */
	defaultToleranceSeconds?: number;
	/** The handshake the gateway answers for this preset, if the provider has one. */
	handshake?: string;
	/**
	 * `gateway`: paste the endpoint's generated secret into the provider. `provider`: the provider
	 * issues the secret (or public key); set it as the endpoint's secret.
	 */
	secretSource: 'gateway' | 'provider';
	/** Which secret to use, in the provider's words. */
	secretHint: string;
	/** Where to paste the URL in the provider's UI: shown by the console and the docs. */
	setupHint: string;
	/** Page under docs/providers/. */
	docs: string;
}

const NONE: DedupeSource = { type: 'none' };
const header = (name: string): DedupeSource => ({ type: 'header', name });
const body = (path: string): DedupeSource => ({ type: 'bodyPath', path });

/** Every preset, keyed by id (a missing one fails the type check). */
export const PRESET_CATALOG: Readonly<Record<HmacPreset, PresetInfo>> = {
	asana: {
		id: 'asana',
		name: 'Asana',
		cliName: 'asana',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Hook-Signature: <hex HMAC-SHA256 of the body>',
		credentialHeaders: ['x-hook-signature', 'x-hook-secret'],
		dedupe: NONE,
		timestamp: false,
		handshake:
			'the first POST carries X-Hook-Secret: answered 200 echoing it, and stored as the endpoint secret (once, while the endpoint waits for it)',
		secretHint: 'none to copy: the gateway keeps the X-Hook-Secret Asana sends in its handshake',
		setupHint:
			"Create the webhook with Asana's API, POST /webhooks: target = the endpoint URL, resource = the project or task gid; the gateway answers the handshake itself.",
		docs: 'asana.md',
	},
	bitbucket: {
		id: 'bitbucket',
		name: 'Bitbucket',
		cliName: 'bitbucket',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature: 'X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>',
		credentialHeaders: ['x-hub-signature'],
		dedupe: header('x-request-uuid'),
		timestamp: false,
		secretHint: 'the webhook Secret you type in Bitbucket',
		setupHint:
			'Repository settings → Webhooks → Add webhook: URL = the endpoint URL, Secret = the endpoint secret.',
		docs: 'bitbucket.md',
	},
	calendly: {
		id: 'calendly',
		name: 'Calendly',
		cliName: 'calendly',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature: 'Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">',
		credentialHeaders: ['calendly-webhook-signature'],
		dedupe: NONE,
		timestamp: true,
		secretHint: 'the signing_key you send when creating the webhook subscription',
		setupHint:
			'Create the subscription with POST /webhook_subscriptions: url = the endpoint URL, signing_key = the endpoint secret.',
		docs: 'calendly.md',
	},
	clerk: {
		id: 'clerk',
		name: 'Clerk (Svix)',
		cliName: 'clerk',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'svix-signature: v1,<base64 HMAC-SHA256 of "svix-id.svix-timestamp.body">',
		credentialHeaders: ['svix-signature'],
		dedupe: header('svix-id'),
		timestamp: true,
		secretHint: 'the endpoint Signing Secret (whsec_…) Clerk shows',
		setupHint:
			'Clerk Dashboard → Webhooks → Add Endpoint: Endpoint URL = the endpoint URL; then set the endpoint secret to its Signing Secret (whsec_…).',
		docs: 'clerk.md',
	},
	discord: {
		id: 'discord',
		name: 'Discord',
		cliName: 'discord',
		scheme: 'ed25519',
		secretSource: 'provider',
		signature:
			'X-Signature-Ed25519: <hex Ed25519 signature of timestamp + body>, X-Signature-Timestamp',
		credentialHeaders: ['x-signature-ed25519'],
		dedupe: NONE,
		timestamp: true,
		handshake: 'PING (type 1) answered {"type":1}; webhook-event PING (type 0) answered 204',
		secretHint: 'the application Public Key (hex) from the Developer Portal',
		setupHint:
			'Developer Portal → your application → General Information: Interactions Endpoint URL (or Webhooks → Endpoint URL) = the endpoint URL; set the endpoint secret to the Public Key.',
		docs: 'discord.md',
	},
	dropbox: {
		id: 'dropbox',
		name: 'Dropbox',
		cliName: 'dropbox',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Dropbox-Signature: <hex HMAC-SHA256 of the body>',
		credentialHeaders: ['x-dropbox-signature'],
		dedupe: NONE,
		timestamp: false,
		handshake: 'GET ?challenge=… echoed as text/plain',
		secretHint: 'the app secret from the App Console',
		setupHint:
			'App Console → your app → Webhooks: Webhook URI = the endpoint URL (allow GET and POST); set the endpoint secret to the App secret.',
		docs: 'dropbox.md',
	},
	generic: {
		id: 'generic',
		name: 'Generic HMAC',
		cliName: 'generic',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature:
			'a header you name: HMAC (sha1/sha256/sha512, hex/base64, optional prefix) of the body',
		credentialHeaders: [],
		dedupe: NONE,
		timestamp: false,
		secretHint: 'the secret the sender signs with',
		setupHint:
			'Paste the endpoint URL and secret into the sender; name its signature header, algorithm, encoding and prefix.',
		docs: 'generic-hmac.md',
	},
	github: {
		id: 'github',
		name: 'GitHub',
		cliName: 'github',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature: 'X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>',
		credentialHeaders: ['x-hub-signature-256', 'x-hub-signature'],
		dedupe: header('x-github-delivery'),
		timestamp: false,
		secretHint: 'the webhook Secret you type in GitHub',
		setupHint:
			'Repository or organization Settings → Webhooks → Add webhook: Payload URL = the endpoint URL, Content type application/json, Secret = the endpoint secret.',
		docs: 'github.md',
	},
	gitlab: {
		id: 'gitlab',
		name: 'GitLab',
		cliName: 'gitlab',
		scheme: 'token',
		secretSource: 'gateway',
		signature: 'X-Gitlab-Token: <secret token>',
		credentialHeaders: ['x-gitlab-token'],
		dedupe: header('x-gitlab-event-uuid'),
		timestamp: false,
		secretHint: 'the Secret token you type in GitLab',
		setupHint:
			'Project or group Settings → Webhooks → Add new webhook: URL = the endpoint URL, Secret token = the endpoint secret.',
		docs: 'gitlab.md',
	},
	hubspot: {
		id: 'hubspot',
		name: 'HubSpot',
		cliName: 'hubspot',
		scheme: 'hmac',
		secretSource: 'provider',
		signature:
			'X-HubSpot-Signature-v3: <base64 HMAC-SHA256 of method + URL + body + X-HubSpot-Request-Timestamp (ms)>',
		credentialHeaders: ['x-hubspot-signature-v3', 'x-hubspot-signature'],
		dedupe: NONE,
		timestamp: true,
		secretHint: "the app's Client secret",
		setupHint:
			"HubSpot developer account → your app → Webhooks: Target URL = the endpoint URL; set the endpoint secret to the app's Client secret.",
		docs: 'hubspot.md',
	},
	intercom: {
		id: 'intercom',
		name: 'Intercom',
		cliName: 'intercom',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Hub-Signature: sha1=<hex HMAC-SHA1 of the body>',
		credentialHeaders: ['x-hub-signature'],
		dedupe: body('id'),
		timestamp: false,
		secretHint: "the app's Client secret (Developer Hub → Basic information)",
		setupHint:
			"Developer Hub → your app → Webhooks: Endpoint URL = the endpoint URL; set the endpoint secret to the app's Client secret.",
		docs: 'intercom.md',
	},
	jira: {
		id: 'jira',
		name: 'Jira / Atlassian',
		cliName: 'jira',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature: 'X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>',
		credentialHeaders: ['x-hub-signature'],
		dedupe: header('x-atlassian-webhook-identifier'),
		timestamp: false,
		secretHint: 'the webhook Secret you type in Jira',
		setupHint:
			'Jira settings → System → WebHooks → Create a WebHook: URL = the endpoint URL, Secret = the endpoint secret.',
		docs: 'jira.md',
	},
	linear: {
		id: 'linear',
		name: 'Linear',
		cliName: 'linear',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'Linear-Signature: <hex HMAC-SHA256 of the body>',
		credentialHeaders: ['linear-signature'],
		dedupe: header('linear-delivery'),
		timestamp: false,
		secretHint: 'the signing secret Linear shows for the webhook',
		setupHint:
			"Linear Settings → API → Webhooks → New webhook: URL = the endpoint URL; set the endpoint secret to the webhook's signing secret.",
		docs: 'linear.md',
	},
	mailgun: {
		id: 'mailgun',
		name: 'Mailgun',
		cliName: 'mailgun',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'body signature.{timestamp, token, signature}: hex HMAC-SHA256 of timestamp + token',
		credentialHeaders: [],
		dedupe: body('event-data.id'),
		timestamp: true,
		secretHint: 'the HTTP webhook signing key (Sending → Webhooks)',
		setupHint:
			'Mailgun → Sending → Webhooks → Add webhook: URL = the endpoint URL; set the endpoint secret to the HTTP webhook signing key.',
		docs: 'mailgun.md',
	},
	meta: {
		id: 'meta',
		name: 'Meta (WhatsApp, Instagram, Messenger)',
		cliName: 'meta',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>',
		credentialHeaders: ['x-hub-signature-256', 'x-hub-signature'],
		dedupe: NONE,
		timestamp: false,
		handshake:
			'GET hub.mode=subscribe&hub.challenge=… echoed (hub.verify_token checked when the endpoint has one)',
		secretHint: 'the App secret (App settings → Basic)',
		setupHint:
			'Meta App Dashboard → Webhooks (or WhatsApp → Configuration): Callback URL = the endpoint URL, Verify token = the endpoint handshake verify token; set the endpoint secret to the App secret.',
		docs: 'meta.md',
	},
	paddle: {
		id: 'paddle',
		name: 'Paddle Billing',
		cliName: 'paddle',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'Paddle-Signature: ts=<unix s>;h1=<hex HMAC-SHA256 of "ts:body">',
		credentialHeaders: ['paddle-signature'],
		dedupe: body('event_id'),
		timestamp: true,
		secretHint: 'the notification destination Secret key (pdl_ntfset_…)',
		setupHint:
			'Paddle → Developer tools → Notifications → New destination: URL = the endpoint URL; set the endpoint secret to its Secret key.',
		docs: 'paddle.md',
	},
	postmark: {
		id: 'postmark',
		name: 'Postmark',
		cliName: 'postmark',
		scheme: 'basic',
		secretSource: 'gateway',
		signature: 'Authorization: Basic <user:secret> from the URL https://user:secret@host/…',
		credentialHeaders: ['authorization'],
		dedupe: NONE,
		timestamp: false,
		secretHint: 'the password part of the webhook URL (basic auth)',
		setupHint:
			'Postmark → Server → Webhooks → Add webhook: URL = https://<user>:<endpoint secret>@<host>/hooks/<id>, or the Basic auth credentials fields.',
		docs: 'postmark.md',
	},
	resend: {
		id: 'resend',
		name: 'Resend (Svix)',
		cliName: 'resend',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'svix-signature: v1,<base64 HMAC-SHA256 of "svix-id.svix-timestamp.body">',
		credentialHeaders: ['svix-signature'],
		dedupe: header('svix-id'),
		timestamp: true,
		secretHint: 'the webhook Signing secret (whsec_…)',
		setupHint:
			'Resend → Webhooks → Add Endpoint: Endpoint URL = the endpoint URL; set the endpoint secret to its Signing secret (whsec_…).',
		docs: 'resend.md',
	},
	sendgrid: {
		id: 'sendgrid',
		name: 'SendGrid Event Webhook',
		cliName: 'sendgrid',
		scheme: 'ecdsa',
		secretSource: 'provider',
		signature:
			'X-Twilio-Email-Event-Webhook-Signature: <base64 ECDSA P-256 signature of timestamp + body>, -Timestamp',
		credentialHeaders: ['x-twilio-email-event-webhook-signature'],
		dedupe: NONE,
		timestamp: true,
		secretHint:
			'the Verification Key (base64 public key) shown after enabling Signed Event Webhook',
		setupHint:
			'SendGrid → Settings → Mail Settings → Event Webhooks: HTTP Post URL = the endpoint URL, enable Signed Event Webhook; set the endpoint secret to the Verification Key.',
		docs: 'sendgrid.md',
	},
	sentry: {
		id: 'sentry',
		name: 'Sentry',
		cliName: 'sentry',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'Sentry-Hook-Signature: <hex HMAC-SHA256 of the body>',
		credentialHeaders: ['sentry-hook-signature'],
		dedupe: header('request-id'),
		timestamp: false,
		secretHint: "the integration's Client Secret",
		setupHint:
			'Sentry → Settings → Developer Settings → your integration: Webhook URL = the endpoint URL; set the endpoint secret to its Client Secret.',
		docs: 'sentry.md',
	},
	shopify: {
		id: 'shopify',
		name: 'Shopify',
		cliName: 'shopify',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>',
		credentialHeaders: ['x-shopify-hmac-sha256'],
		dedupe: header('x-shopify-webhook-id'),
		timestamp: false,
		secretHint:
			"the app's client secret, or the store's webhook signing key (Settings → Notifications → Webhooks)",
		setupHint:
			"Shopify admin → Settings → Notifications → Webhooks → Create webhook (or the app's subscriptions): URL = the endpoint URL; set the endpoint secret to the signing key.",
		docs: 'shopify.md',
	},
	slack: {
		id: 'slack',
		name: 'Slack',
		cliName: 'slack',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:ts:body">, X-Slack-Request-Timestamp',
		credentialHeaders: ['x-slack-signature'],
		dedupe: NONE,
		timestamp: true,
		handshake: 'url_verification answered {"challenge":…} (signed)',
		secretHint: "the app's Signing Secret (Basic Information)",
		setupHint:
			'api.slack.com/apps → your app → Event Subscriptions: Request URL = the endpoint URL; set the endpoint secret to the Signing Secret.',
		docs: 'slack.md',
	},
	square: {
		id: 'square',
		name: 'Square',
		cliName: 'square',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'x-square-hmacsha256-signature: <base64 HMAC-SHA256 of notification URL + body>',
		credentialHeaders: ['x-square-hmacsha256-signature', 'x-square-signature'],
		dedupe: body('event_id'),
		timestamp: false,
		secretHint: 'the subscription Signature key',
		setupHint:
			'Square Developer Console → your app → Webhooks → Subscriptions → Add: URL = the endpoint URL exactly; set the endpoint secret to the Signature key.',
		docs: 'square.md',
	},
	standardWebhooks: {
		id: 'standardWebhooks',
		name: 'Standard Webhooks',
		cliName: 'standard-webhooks',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'webhook-signature: v1,<base64 HMAC-SHA256 of "webhook-id.webhook-timestamp.body">',
		credentialHeaders: ['webhook-signature'],
		dedupe: header('webhook-id'),
		timestamp: true,
		secretHint: 'the whsec_… secret the sender shows',
		setupHint:
			"Paste the endpoint URL into the sender's webhook settings; set the endpoint secret to its whsec_… secret.",
		docs: 'standard-webhooks.md',
	},
	stripe: {
		id: 'stripe',
		name: 'Stripe',
		cliName: 'stripe',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">',
		credentialHeaders: ['stripe-signature'],
		dedupe: body('id'),
		timestamp: true,
		secretHint: 'the endpoint Signing secret (whsec_…)',
		setupHint:
			'Stripe Dashboard → Developers → Webhooks → Add endpoint: Endpoint URL = the endpoint URL; set the endpoint secret to its Signing secret (whsec_…).',
		docs: 'stripe.md',
	},
	twilio: {
		id: 'twilio',
		name: 'Twilio',
		cliName: 'twilio',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'X-Twilio-Signature: <base64 HMAC-SHA1 of URL + sorted POST parameters>',
		credentialHeaders: ['x-twilio-signature'],
		dedupe: header('i-twilio-idempotency-token'),
		timestamp: false,
		secretHint: 'the account Auth Token',
		setupHint:
			'Twilio Console → Phone Numbers → your number (or Messaging Service): "A message comes in" / "A call comes in" webhook = the endpoint URL, HTTP POST; set the endpoint secret to the Auth Token.',
		docs: 'twilio.md',
	},
	twitch: {
		id: 'twitch',
		name: 'Twitch EventSub',
		cliName: 'twitch',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature:
			'Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256 of id + timestamp + body>',
		credentialHeaders: ['twitch-eventsub-message-signature'],
		dedupe: header('twitch-eventsub-message-id'),
		timestamp: true,
		defaultToleranceSeconds: 600,
		handshake: 'webhook_callback_verification answered with the challenge as text/plain (signed)',
		secretHint: 'the transport secret you send when creating the subscription',
		setupHint:
			'Create the subscription with POST /eventsub/subscriptions: transport.callback = the endpoint URL, transport.secret = the endpoint secret.',
		docs: 'twitch.md',
	},
	typeform: {
		id: 'typeform',
		name: 'Typeform',
		cliName: 'typeform',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature: 'Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>',
		credentialHeaders: ['typeform-signature'],
		dedupe: body('event_id'),
		timestamp: false,
		secretHint: 'the webhook Secret you type in Typeform',
		setupHint:
			'Typeform → your form → Connect → Webhooks → Add a webhook: URL = the endpoint URL; Edit → Secret = the endpoint secret.',
		docs: 'typeform.md',
	},
	vercel: {
		id: 'vercel',
		name: 'Vercel',
		cliName: 'vercel',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'x-vercel-signature: <hex HMAC-SHA1 of the body>',
		credentialHeaders: ['x-vercel-signature'],
		dedupe: body('id'),
		timestamp: false,
		secretHint: 'the webhook secret Vercel shows once when the webhook is created',
		setupHint:
			'Vercel → Team Settings → Webhooks → Create: Endpoint = the endpoint URL; set the endpoint secret to the secret Vercel shows.',
		docs: 'vercel.md',
	},
	woocommerce: {
		id: 'woocommerce',
		name: 'WooCommerce',
		cliName: 'woocommerce',
		scheme: 'hmac',
		secretSource: 'gateway',
		signature: 'X-WC-Webhook-Signature: <base64 HMAC-SHA256 of the body>',
		credentialHeaders: ['x-wc-webhook-signature'],
		dedupe: header('x-wc-webhook-delivery-id'),
		timestamp: false,
		secretHint: 'the webhook Secret you type in WooCommerce',
		setupHint:
			'WooCommerce → Settings → Advanced → Webhooks → Add webhook: Delivery URL = the endpoint URL, Secret = the endpoint secret.',
		docs: 'woocommerce.md',
	},
	zoom: {
		id: 'zoom',
		name: 'Zoom',
		cliName: 'zoom',
		scheme: 'hmac',
		secretSource: 'provider',
		signature: 'x-zm-signature: v0=<hex HMAC-SHA256 of "v0:ts:body">, x-zm-request-timestamp',
		credentialHeaders: ['x-zm-signature'],
		dedupe: NONE,
		timestamp: true,
		handshake: 'endpoint.url_validation answered {plainToken, encryptedToken} (signed)',
		secretHint: "the app's Secret Token (Features → Access)",
		setupHint:
			'Zoom App Marketplace → your app → Features → Access → Event Subscriptions: Event notification endpoint URL = the endpoint URL, then Validate; set the endpoint secret to the Secret Token first.',
		docs: 'zoom.md',
	},
};

/** Every preset, sorted by display name (for lists in the console, CLI help and the node). */
export const PRESETS: readonly PresetInfo[] = Object.values(PRESET_CATALOG).sort((a, b) =>
	a.name.localeCompare(b.name),
);

/** Every preset id (the admin API's enum). */
export const PRESET_IDS: readonly HmacPreset[] = PRESETS.map((p) => p.id);

/** The preset with this id, or undefined. */
export function presetInfo(id: string): PresetInfo | undefined {
	return Object.prototype.hasOwnProperty.call(PRESET_CATALOG, id)
		? PRESET_CATALOG[id as HmacPreset]
		: undefined;
}
