/**
 * One verifier per catalog preset (the Record type makes a preset without one a type error).
 * Presets that sign only the body share one table; the others live with their kind of scheme.
 */
import type { HmacAlgorithm, HmacPreset, SignatureEncoding } from '../types';
import { verifyHmac, verifyBodySignature, verifyStandardWebhooks, type HmacAuth } from './hmac';
import { DEFAULT_TOLERANCE_SECONDS, PRESET_HEADERS } from './presets';
import { verifyDiscord, verifySendgrid } from './publicKey';
import type { AuthRequest, AuthResult } from './request';
import {
	verifyCalendly,
	verifyMailgun,
	verifyPaddle,
	verifyTwitch,
	verifyZoom,
} from './timestamped';
import { verifyBasic, verifyHeaderToken } from './tokens';
import { verifyHubspot, verifySquare, verifyTwilio } from './urlSigned';

/** How a body-only preset writes its signature: header, text before it, encoding, algorithm. */
export interface BodySignature {
	header: string;
	prefix: string;
	encoding: SignatureEncoding;
	algorithm: HmacAlgorithm;
}

/** Presets whose signature is an HMAC of the raw body alone. */
export const BODY_SIGNATURES: Partial<Record<HmacPreset, BodySignature>> = {
	asana: { header: 'x-hook-signature', prefix: '', encoding: 'hex', algorithm: 'sha256' },
	bitbucket: { header: 'x-hub-signature', prefix: 'sha256=', encoding: 'hex', algorithm: 'sha256' },
	dropbox: { header: 'x-dropbox-signature', prefix: '', encoding: 'hex', algorithm: 'sha256' },
	intercom: { header: 'x-hub-signature', prefix: 'sha1=', encoding: 'hex', algorithm: 'sha1' },
	jira: { header: 'x-hub-signature', prefix: 'sha256=', encoding: 'hex', algorithm: 'sha256' },
	linear: { header: 'linear-signature', prefix: '', encoding: 'hex', algorithm: 'sha256' },
	meta: { header: 'x-hub-signature-256', prefix: 'sha256=', encoding: 'hex', algorithm: 'sha256' },
	sentry: { header: 'sentry-hook-signature', prefix: '', encoding: 'hex', algorithm: 'sha256' },
	typeform: {
		header: 'typeform-signature',
		prefix: 'sha256=',
		encoding: 'base64',
		algorithm: 'sha256',
	},
	vercel: { header: 'x-vercel-signature', prefix: '', encoding: 'hex', algorithm: 'sha1' },
	woocommerce: {
		header: 'x-wc-webhook-signature',
		prefix: '',
		encoding: 'base64',
		algorithm: 'sha256',
	},
};

/** Verifies one request for an auth of this preset with the active secrets (or public keys). */
type PresetVerifier = (
	auth: HmacAuth,
	secrets: string[],
	req: AuthRequest,
	nowMs: number,
	tolerance: number,
) => AuthResult;

const bodySigned: PresetVerifier = (auth, secrets, req) => {
	const s = BODY_SIGNATURES[auth.preset];
	return s
		? verifyBodySignature(req, secrets, s.header, s.prefix, s.encoding, s.algorithm)
		: { ok: false, reason: 'unsupported_auth' };
};
const original: PresetVerifier = (auth, secrets, req, nowMs) =>
	verifyHmac(auth, secrets, req, nowMs);
const svix: PresetVerifier = (_auth, secrets, req, nowMs, tolerance) =>
	verifyStandardWebhooks(req, secrets, nowMs, tolerance, PRESET_HEADERS.svix);

const VERIFIERS: Record<HmacPreset, PresetVerifier> = {
	asana: bodySigned,
	bitbucket: bodySigned,
	calendly: (_a, s, r, n, t) => verifyCalendly(r, s, n, t),
	clerk: svix,
	discord: (_a, s, r, n, t) => verifyDiscord(r, s, n, t),
	dropbox: bodySigned,
	generic: original,
	github: original,
	gitlab: (_a, s, r) =>
		verifyHeaderToken({ type: 'header', headerName: 'x-gitlab-token', prefix: '' }, s, r),
	hubspot: (_a, s, r, n, t) => verifyHubspot(r, s, n, t),
	intercom: bodySigned,
	jira: bodySigned,
	linear: bodySigned,
	mailgun: (_a, s, r, n, t) => verifyMailgun(r, s, n, t),
	meta: bodySigned,
	paddle: (_a, s, r, n, t) => verifyPaddle(r, s, n, t),
	postmark: (a, s, r) => verifyBasic({ type: 'basic', username: a.username ?? 'postmark' }, s, r),
	resend: svix,
	sendgrid: (_a, s, r, n, t) => verifySendgrid(r, s, n, t),
	sentry: bodySigned,
	shopify: original,
	slack: original,
	square: (_a, s, r) => verifySquare(r, s),
	standardWebhooks: original,
	stripe: original,
	twilio: (_a, s, r) => verifyTwilio(r, s),
	twitch: (_a, s, r, n, t) => verifyTwitch(r, s, n, t),
	typeform: bodySigned,
	vercel: bodySigned,
	woocommerce: bodySigned,
	zoom: (_a, s, r, n, t) => verifyZoom(r, s, n, t),
};

/**
 * Verifies a request for a preset auth against the endpoint's active secrets.
 * @param nowMs current time in ms since the epoch (timestamp tolerance)
 */
export function verifyPreset(
	auth: HmacAuth,
	secrets: string[],
	req: AuthRequest,
	nowMs: number,
): AuthResult {
	const verifier = Object.prototype.hasOwnProperty.call(VERIFIERS, auth.preset)
		? VERIFIERS[auth.preset]
		: undefined;
	if (!verifier) return { ok: false, reason: 'unsupported_auth' };
	return verifier(auth, secrets, req, nowMs, auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS);
}
