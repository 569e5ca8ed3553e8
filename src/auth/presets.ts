/**
 * What each auth scheme and HMAC preset implies beyond verification: the headers that carry
 * credentials (stripped from stored events), the provider's delivery id used for duplicates
 * (PRODUCT.md §5), and the defaults `validateAuth` fills in.
 */
import type { DedupeSource, EndpointAuth, HmacAlgorithm, HmacPreset, SignatureEncoding } from '../types';

/** Timestamp tolerance when none is configured: 5 minutes (PRODUCT.md §4). */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Largest accepted timestamp tolerance: one day. */
export const MAX_TOLERANCE_SECONDS = 86_400;

/** Algorithms and encodings the generic preset accepts. */
export const HMAC_ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
export const SIGNATURE_ENCODINGS: readonly SignatureEncoding[] = ['hex', 'base64'];

/** Presets whose signature covers a timestamp, so stale requests are rejected. */
export const TIMESTAMP_PRESETS: readonly HmacPreset[] = ['stripe', 'slack', 'standardWebhooks'];

/** Fixed header names of the provider presets (lower-case). */
export const PRESET_HEADERS = {
	github: { signature: 'x-hub-signature-256', legacySignature: 'x-hub-signature', delivery: 'x-github-delivery' },
	stripe: { signature: 'stripe-signature' },
	shopify: { signature: 'x-shopify-hmac-sha256', delivery: 'x-shopify-webhook-id' },
	slack: { signature: 'x-slack-signature', timestamp: 'x-slack-request-timestamp' },
	standardWebhooks: { signature: 'webhook-signature', timestamp: 'webhook-timestamp', id: 'webhook-id' },
} as const;

/** Whether the preset signs a timestamp and so honours `toleranceSeconds`. */
export function isTimestampPreset(preset: HmacPreset): boolean {
	return TIMESTAMP_PRESETS.includes(preset);
}

/**
 * Lower-case names of the headers that carry credentials or signatures for this auth; the
 * gateway removes them before an event is stored or handed to a workflow.
 */
export function credentialHeaders(auth: EndpointAuth): string[] {
	switch (auth.type) {
		case 'none':
			return [];
		case 'header':
			return [auth.headerName.toLowerCase()];
		case 'basic':
			return ['authorization'];
		case 'hmac':
			switch (auth.preset) {
				case 'github':
					return [PRESET_HEADERS.github.signature, PRESET_HEADERS.github.legacySignature];
				case 'stripe':
					return [PRESET_HEADERS.stripe.signature];
				case 'shopify':
					return [PRESET_HEADERS.shopify.signature];
				case 'slack':
					return [PRESET_HEADERS.slack.signature];
				case 'standardWebhooks':
					return [PRESET_HEADERS.standardWebhooks.signature];
				case 'generic':
					return auth.header ? [auth.header.toLowerCase()] : [];
			}
	}
	return [];
}

/**
 * The idempotency source a new endpoint gets for this auth: the provider's delivery id for
 * presets that send one, else none. The user may change it afterwards.
 */
export function defaultDedupe(auth: EndpointAuth): DedupeSource {
	if (auth.type !== 'hmac') return { type: 'none' };
	switch (auth.preset) {
		case 'github':
			return { type: 'header', name: PRESET_HEADERS.github.delivery };
		case 'shopify':
			return { type: 'header', name: PRESET_HEADERS.shopify.delivery };
		case 'standardWebhooks':
			return { type: 'header', name: PRESET_HEADERS.standardWebhooks.id };
		case 'stripe':
			return { type: 'bodyPath', path: 'id' };
		default:
			return { type: 'none' };
	}
}
