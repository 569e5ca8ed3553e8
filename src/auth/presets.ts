/**
 * What each auth scheme and preset implies beyond verification: the headers that carry
 * credentials (stripped from stored events), the provider's delivery id used for duplicates
 * (docs/providers/README.md), and the defaults `validateAuth` fills in. Per-preset facts come
 * from the catalog (catalog.ts); this module answers for any auth object.
 */
import type {
	DedupeSource,
	EndpointAuth,
	HmacAlgorithm,
	HmacPreset,
	SignatureEncoding,
} from '../types';
import { presetInfo } from './catalog';

/** Timestamp tolerance when none is configured: 5 minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Largest accepted timestamp tolerance: one day. */
export const MAX_TOLERANCE_SECONDS = 86_400;

/** Algorithms and encodings the generic preset accepts. */
export const HMAC_ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
export const SIGNATURE_ENCODINGS: readonly SignatureEncoding[] = ['hex', 'base64'];

/** Fixed header names of the first presets (lower-case), used by their verifiers and signers. */
export const PRESET_HEADERS = {
	github: {
		signature: 'x-hub-signature-256',
		legacySignature: 'x-hub-signature',
		delivery: 'x-github-delivery',
	},
	stripe: { signature: 'stripe-signature' },
	shopify: { signature: 'x-shopify-hmac-sha256', delivery: 'x-shopify-webhook-id' },
	slack: { signature: 'x-slack-signature', timestamp: 'x-slack-request-timestamp' },
	standardWebhooks: {
		signature: 'webhook-signature',
		timestamp: 'webhook-timestamp',
		id: 'webhook-id',
	},
	svix: { signature: 'svix-signature', timestamp: 'svix-timestamp', id: 'svix-id' },
} as const;

/** Whether the preset signs a timestamp and so honours `toleranceSeconds`. */
export function isTimestampPreset(preset: HmacPreset): boolean {
	return presetInfo(preset)?.timestamp ?? false;
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
			if (auth.preset === 'generic') return auth.header ? [auth.header.toLowerCase()] : [];
			return [...(presetInfo(auth.preset)?.credentialHeaders ?? [])];
	}
	return [];
}

/**
 * The idempotency source a new endpoint gets for this auth: the provider's delivery id for
 * presets that send one, else none. The user may change it afterwards.
 */
export function defaultDedupe(auth: EndpointAuth): DedupeSource {
	if (auth.type !== 'hmac') return { type: 'none' };
	return presetInfo(auth.preset)?.dedupe ?? { type: 'none' };
}
