/**
 * The headers a sender would add for a given auth, for the console's "send test event" and the
 * docs. Uses the same digests as verification, so a signed request verifies by construction.
 */
import { randomUUID } from 'node:crypto';
import type { EndpointAuth } from '../types';
import {
	bodyDigest,
	githubLegacyDigest,
	slackDigest,
	standardWebhooksDigest,
	standardWebhooksKey,
	stripeDigest,
} from './digests';
import { PRESET_HEADERS } from './presets';
import { signCatalogPreset } from './signPresets';

/** Options for {@link signRequest}. */
export interface SignOptions {
	/** Delivery / message id (GitHub, Shopify, Standard Webhooks); a random one when absent. */
	id?: string;
	/** Basic auth user name; the configured one when absent. */
	username?: string;
}

/**
 * Headers (lower-case names) that authenticate `rawBody` for `auth` with `secret` at `nowMs`
 * (ms since the epoch; timestamp schemes sign `floor(nowMs / 1000)`). For presets that send a
 * delivery id (GitHub, Shopify, Standard Webhooks) the id header is included too.
 * @throws Error for a Standard Webhooks secret that is not base64 (such a secret cannot sign)
 */
export function signRequest(
	auth: EndpointAuth,
	secret: string,
	rawBody: Buffer,
	nowMs: number,
	opts: SignOptions = {},
): Record<string, string> {
	const timestamp = String(Math.floor(nowMs / 1000));
	switch (auth.type) {
		case 'none':
			return {};
		case 'header':
			return { [auth.headerName.toLowerCase()]: `${auth.prefix}${secret}` };
		case 'basic': {
			const credentials = Buffer.from(
				`${opts.username ?? auth.username}:${secret}`,
				'utf8',
			).toString('base64');
			return { authorization: `Basic ${credentials}` };
		}
		case 'hmac':
			break;
	}
	switch (auth.preset) {
		case 'github':
			return {
				[PRESET_HEADERS.github.signature]: `sha256=${bodyDigest(secret, rawBody).toString('hex')}`,
				[PRESET_HEADERS.github.legacySignature]:
					`sha1=${githubLegacyDigest(secret, rawBody).toString('hex')}`,
				[PRESET_HEADERS.github.delivery]: opts.id ?? randomUUID(),
			};
		case 'stripe':
			return {
				[PRESET_HEADERS.stripe.signature]:
					`t=${timestamp},v1=${stripeDigest(secret, timestamp, rawBody).toString('hex')}`,
			};
		case 'shopify':
			return {
				[PRESET_HEADERS.shopify.signature]: bodyDigest(secret, rawBody).toString('base64'),
				[PRESET_HEADERS.shopify.delivery]: opts.id ?? randomUUID(),
			};
		case 'slack':
			return {
				[PRESET_HEADERS.slack.signature]:
					`v0=${slackDigest(secret, timestamp, rawBody).toString('hex')}`,
				[PRESET_HEADERS.slack.timestamp]: timestamp,
			};
		case 'standardWebhooks': {
			const key = standardWebhooksKey(secret);
			if (!key) throw new Error('a Standard Webhooks secret must be whsec_ followed by base64');
			const id = opts.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
			const signature = standardWebhooksDigest(key, id, timestamp, rawBody).toString('base64');
			return {
				[PRESET_HEADERS.standardWebhooks.id]: id,
				[PRESET_HEADERS.standardWebhooks.timestamp]: timestamp,
				[PRESET_HEADERS.standardWebhooks.signature]: `v1,${signature}`,
			};
		}
		case 'generic': {
			if (!auth.header) throw new Error('a generic HMAC auth needs a header');
			const digest = bodyDigest(secret, rawBody, auth.algorithm ?? 'sha256');
			return {
				[auth.header.toLowerCase()]: `${auth.prefix ?? ''}${digest.toString(auth.encoding ?? 'hex')}`,
			};
		}
		default:
			return signCatalogPreset(auth, secret, rawBody, nowMs, opts);
	}
}
