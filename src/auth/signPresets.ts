/**
 * Signing for the catalog presets beyond the first six, as each provider signs (used by the
 * console's "send test event"; the unit tests sign independently). Presets that sign the URL or
 * the body's own fields, or use the provider's private key, cannot be signed here.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { EndpointAuth } from '../types';
import { presetInfo } from './catalog';
import { bodyDigest, standardWebhooksDigest, standardWebhooksKey } from './digests';
import { PRESET_HEADERS } from './presets';
import { BODY_SIGNATURES } from './verifyPreset';

type HmacAuth = Extract<EndpointAuth, { type: 'hmac' }>;
/** The id and user name to use (see `SignOptions` in sign.ts). */
type SignOptions = { id?: string; username?: string };

/** The preset's delivery-id header with a fresh (or the given) id, when it dedupes by a header. */
function deliveryHeader(auth: HmacAuth, opts: SignOptions): Record<string, string> {
	const dedupe = presetInfo(auth.preset)?.dedupe;
	return dedupe?.type === 'header' ? { [dedupe.name]: opts.id ?? randomUUID() } : {};
}

function hex(secret: string, text: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(text).update(rawBody).digest('hex');
}

/**
 * Headers (lower-case) that authenticate `rawBody` for a catalog preset at `nowMs`.
 * @throws Error for presets the gateway cannot sign (URL-signed, body-field or public-key schemes)
 */
export function signCatalogPreset(
	auth: HmacAuth,
	secret: string,
	rawBody: Buffer,
	nowMs: number,
	opts: SignOptions,
): Record<string, string> {
	const timestamp = String(Math.floor(nowMs / 1000));
	const body = BODY_SIGNATURES[auth.preset];
	if (body) {
		const signature = bodyDigest(secret, rawBody, body.algorithm).toString(body.encoding);
		return { [body.header]: `${body.prefix}${signature}`, ...deliveryHeader(auth, opts) };
	}
	switch (auth.preset) {
		case 'gitlab':
			return { 'x-gitlab-token': secret, ...deliveryHeader(auth, opts) };
		case 'postmark': {
			const credentials = Buffer.from(
				`${opts.username ?? auth.username ?? 'postmark'}:${secret}`,
				'utf8',
			).toString('base64');
			return { authorization: `Basic ${credentials}` };
		}
		case 'clerk':
		case 'resend': {
			const key = standardWebhooksKey(secret);
			if (!key) throw new Error('a Svix secret must be whsec_ followed by base64');
			const id = opts.id ?? `msg_${randomUUID().replace(/-/g, '')}`;
			const names = PRESET_HEADERS.svix;
			const signature = standardWebhooksDigest(key, id, timestamp, rawBody).toString('base64');
			return { [names.id]: id, [names.timestamp]: timestamp, [names.signature]: `v1,${signature}` };
		}
		case 'zoom':
			return {
				'x-zm-request-timestamp': timestamp,
				'x-zm-signature': `v0=${hex(secret, `v0:${timestamp}:`, rawBody)}`,
			};
		case 'paddle':
			return { 'paddle-signature': `ts=${timestamp};h1=${hex(secret, `${timestamp}:`, rawBody)}` };
		case 'calendly':
			return {
				'calendly-webhook-signature': `t=${timestamp},v1=${hex(secret, `${timestamp}.`, rawBody)}`,
			};
		case 'twitch': {
			const id = opts.id ?? randomUUID();
			const at = new Date(Math.floor(nowMs / 1000) * 1000).toISOString();
			return {
				'twitch-eventsub-message-id': id,
				'twitch-eventsub-message-timestamp': at,
				'twitch-eventsub-message-type': 'notification',
				'twitch-eventsub-message-signature': `sha256=${hex(secret, id + at, rawBody)}`,
			};
		}
		default:
			throw new Error(
				`the ${presetInfo(auth.preset)?.name ?? auth.preset} preset signs the URL, fields of the body or with the provider's private key; send a real event from the provider instead`,
			);
	}
}
