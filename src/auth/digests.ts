/**
 * The exact bytes each provider signs, as each documents it. Shared by verification (`hmac.ts`)
 * and by `signRequest`, so the two cannot drift apart; the unit tests sign independently.
 */
import { createHmac } from 'node:crypto';
import type { HmacAlgorithm } from '../types';

/** GitHub `X-Hub-Signature-256`, Shopify and generic: HMAC of the raw body alone. */
export function bodyDigest(
	secret: string,
	rawBody: Buffer,
	algorithm: HmacAlgorithm = 'sha256',
): Buffer {
	return createHmac(algorithm, secret).update(rawBody).digest();
}

/** GitHub's legacy `X-Hub-Signature`: HMAC-SHA1 of the raw body. */
export function githubLegacyDigest(secret: string, rawBody: Buffer): Buffer {
	return createHmac('sha1', secret).update(rawBody).digest();
}

/** Stripe `v1`: HMAC-SHA256 keyed with the whole `whsec_…` string over `<t>.<rawBody>`. */
export function stripeDigest(secret: string, timestamp: string, rawBody: Buffer): Buffer {
	return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** Slack `v0`: HMAC-SHA256 over `v0:<timestamp>:<rawBody>`. */
export function slackDigest(secret: string, timestamp: string, rawBody: Buffer): Buffer {
	return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest();
}

/**
 * Standard Webhooks key: the base64 part of the secret after the `whsec_` prefix, decoded.
 * Undefined when nothing decodes (such a secret can never verify anything).
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
	const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
	const key = Buffer.from(encoded, 'base64');
	return key.length > 0 ? key : undefined;
}

/**
 * Standard Webhooks `v1`: HMAC-SHA256 over `<msgId>.<timestamp>.<rawBody>`. The id is a header
 * value, which node decodes as latin1; encoding it back as latin1 signs the bytes on the wire.
 */
export function standardWebhooksDigest(
	key: Buffer,
	msgId: string,
	timestamp: string,
	rawBody: Buffer,
): Buffer {
	return createHmac('sha256', key)
		.update(`${msgId}.${timestamp}.`, 'latin1')
		.update(rawBody)
		.digest();
}
