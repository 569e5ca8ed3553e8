/**
 * Verification of HMAC-signed requests for every preset (docs/providers/), each exactly as its
 * provider documents it. Every active secret is tried, so a rotated-out secret keeps working
 * through its grace period. Garbled input yields a failure, never an exception.
 */
import type { EndpointAuth, HmacAlgorithm, SignatureEncoding } from '../types';
import { bytesEqual, decodeSignature } from './constantTime';
import {
	bodyDigest,
	slackDigest,
	standardWebhooksDigest,
	standardWebhooksKey,
	stripeDigest,
} from './digests';
import {
	DEFAULT_TOLERANCE_SECONDS,
	HMAC_ALGORITHMS,
	PRESET_HEADERS,
	SIGNATURE_ENCODINGS,
} from './presets';
import {
	OK,
	fail,
	headerValues,
	signatureValues,
	stripPrefix,
	type AuthFailureReason,
	type AuthRequest,
	type AuthResult,
} from './request';

export type HmacAuth = Extract<EndpointAuth, { type: 'hmac' }>;

/** Whether any presented signature equals the digest of any secret. */
export function anyMatch(
	presented: Buffer[],
	secrets: string[],
	digestFor: (secret: string) => Buffer | undefined,
): boolean {
	for (const secret of secrets) {
		const expected = digestFor(secret);
		if (expected === undefined) continue;
		for (const signature of presented) {
			if (bytesEqual(signature, expected)) return true;
		}
	}
	return false;
}

/** Values of a header with `prefix` removed and decoded; garbled ones are left out. */
export function decodedSignatures(
	values: string[],
	prefix: string,
	encoding: SignatureEncoding,
): Buffer[] {
	const out: Buffer[] = [];
	for (const value of values) {
		const stripped = stripPrefix(value, prefix);
		const decoded = stripped === undefined ? undefined : decodeSignature(stripped.trim(), encoding);
		if (decoded !== undefined) out.push(decoded);
	}
	return out;
}

const UNIX_SECONDS = /^\d{1,12}$/;

/** Why a unix-seconds timestamp header is unacceptable, or undefined when it is fresh. */
export function timestampProblem(
	text: string,
	nowMs: number,
	toleranceSeconds: number,
): AuthFailureReason | undefined {
	if (!UNIX_SECONDS.test(text)) return 'invalid_timestamp';
	return Math.abs(nowMs / 1000 - Number(text)) > toleranceSeconds ? 'stale_timestamp' : undefined;
}

/** Verifies one body-only signature header (GitHub, Shopify, generic and the body-signed presets). */
export function verifyBodySignature(
	req: AuthRequest,
	secrets: string[],
	header: string,
	prefix: string,
	encoding: SignatureEncoding,
	algorithm: HmacAlgorithm,
): AuthResult {
	// A prefix with a comma (unusual) would be cut by splitting repeated headers on commas.
	const values = prefix.includes(',')
		? headerValues(req.headers, header)
		: signatureValues(req.headers, header);
	if (values.length === 0) return fail('missing_signature');
	const presented = decodedSignatures(values, prefix, encoding);
	const matched = anyMatch(presented, secrets, (secret) =>
		bodyDigest(secret, req.rawBody, algorithm),
	);
	return matched ? OK : fail('invalid_signature');
}

/** Stripe: `t=<unix s>,v1=<hex>[,v1=<hex>][,v0=…]`; any v1 may match. */
function verifyStripe(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const headers = headerValues(req.headers, PRESET_HEADERS.stripe.signature);
	if (headers.length === 0) return fail('missing_signature');
	let firstProblem: AuthFailureReason | undefined;
	for (const header of headers) {
		let timestamp: string | undefined;
		const v1: string[] = [];
		for (const item of header.split(',')) {
			const eq = item.indexOf('=');
			if (eq < 0) continue;
			const key = item.slice(0, eq).trim();
			const value = item.slice(eq + 1).trim();
			if (key === 't')
				timestamp = value; // Stripe's own library keeps the last t
			else if (key === 'v1' && v1.length < 16) v1.push(value);
		}
		if (timestamp === undefined) {
			firstProblem ??= 'missing_timestamp';
			continue;
		}
		const problem = timestampProblem(timestamp, nowMs, tolerance);
		if (problem !== undefined) {
			firstProblem ??= problem;
			continue;
		}
		const t = timestamp;
		const presented = decodedSignatures(v1, '', 'hex');
		if (anyMatch(presented, secrets, (secret) => stripeDigest(secret, t, req.rawBody))) return OK;
		firstProblem ??= 'invalid_signature';
	}
	return fail(firstProblem ?? 'invalid_signature');
}

/** Slack: `X-Slack-Signature: v0=<hex>` over `v0:<ts>:<body>` with `X-Slack-Request-Timestamp`. */
function verifySlack(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
): AuthResult {
	const signatures = signatureValues(req.headers, PRESET_HEADERS.slack.signature);
	if (signatures.length === 0) return fail('missing_signature');
	const timestamps = headerValues(req.headers, PRESET_HEADERS.slack.timestamp).map((t) => t.trim());
	if (timestamps.length === 0) return fail('missing_timestamp');
	const presented = decodedSignatures(signatures, 'v0=', 'hex');
	let firstProblem: AuthFailureReason | undefined;
	for (const timestamp of timestamps) {
		const problem = timestampProblem(timestamp, nowMs, tolerance);
		if (problem !== undefined) {
			firstProblem ??= problem;
			continue;
		}
		if (anyMatch(presented, secrets, (secret) => slackDigest(secret, timestamp, req.rawBody)))
			return OK;
		firstProblem ??= 'invalid_signature';
	}
	return fail(firstProblem ?? 'invalid_signature');
}

/** Header names of a Standard Webhooks sender: `webhook-*`, or `svix-*` for Svix-based senders. */
export type StandardWebhooksHeaders = { signature: string; timestamp: string; id: string };

/** Standard Webhooks signature list: space-separated `v1,<base64>`; other versions ignored. */
function standardWebhooksSignatures(
	req: AuthRequest,
	names: StandardWebhooksHeaders,
): { any: boolean; v1: Buffer[] } {
	const v1: Buffer[] = [];
	let any = false;
	for (const header of headerValues(req.headers, names.signature)) {
		for (const token of header.split(/\s+/)) {
			// node joins repeated headers with ", ", which leaves a trailing comma on a token
			const entry = token.replace(/,$/, '');
			if (entry === '') continue;
			any = true;
			const comma = entry.indexOf(',');
			if (comma < 0 || entry.slice(0, comma) !== 'v1' || v1.length >= 16) continue;
			const decoded = decodeSignature(entry.slice(comma + 1), 'base64');
			if (decoded !== undefined) v1.push(decoded);
		}
	}
	return { any, v1 };
}

/** Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` (or the `svix-*` names). */
export function verifyStandardWebhooks(
	req: AuthRequest,
	secrets: string[],
	nowMs: number,
	tolerance: number,
	names: StandardWebhooksHeaders = PRESET_HEADERS.standardWebhooks,
): AuthResult {
	const signatures = standardWebhooksSignatures(req, names);
	if (!signatures.any) return fail('missing_signature');
	const ids = headerValues(req.headers, names.id);
	if (ids.length === 0) return fail('missing_message_id');
	const timestamps = headerValues(req.headers, names.timestamp).map((t) => t.trim());
	if (timestamps.length === 0) return fail('missing_timestamp');
	let firstProblem: AuthFailureReason | undefined;
	for (const timestamp of timestamps) {
		const problem = timestampProblem(timestamp, nowMs, tolerance);
		if (problem !== undefined) {
			firstProblem ??= problem;
			continue;
		}
		for (const id of ids) {
			const matched = anyMatch(signatures.v1, secrets, (secret) => {
				const key = standardWebhooksKey(secret);
				return key && standardWebhooksDigest(key, id, timestamp, req.rawBody);
			});
			if (matched) return OK;
		}
		firstProblem ??= 'invalid_signature';
	}
	return fail(firstProblem ?? 'invalid_signature');
}

/**
 * Verifies an HMAC-signed request against the endpoint's active secrets.
 * @param secrets active secret values, newest first (see `activeSecrets`)
 * @param nowMs current time in milliseconds since the epoch (for timestamp tolerance)
 */
export function verifyHmac(
	auth: HmacAuth,
	secrets: string[],
	req: AuthRequest,
	nowMs: number,
): AuthResult {
	const tolerance = auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
	switch (auth.preset) {
		case 'github':
			return verifyBodySignature(
				req,
				secrets,
				PRESET_HEADERS.github.signature,
				'sha256=',
				'hex',
				'sha256',
			);
		case 'shopify':
			return verifyBodySignature(
				req,
				secrets,
				PRESET_HEADERS.shopify.signature,
				'',
				'base64',
				'sha256',
			);
		case 'generic': {
			const algorithm = auth.algorithm ?? 'sha256';
			const encoding = auth.encoding ?? 'hex';
			// A record that skipped validateAuth must fail closed, not make createHmac throw.
			if (
				!auth.header ||
				!HMAC_ALGORITHMS.includes(algorithm) ||
				!SIGNATURE_ENCODINGS.includes(encoding)
			) {
				return fail('unsupported_auth');
			}
			return verifyBodySignature(req, secrets, auth.header, auth.prefix ?? '', encoding, algorithm);
		}
		case 'stripe':
			return verifyStripe(req, secrets, nowMs, tolerance);
		case 'slack':
			return verifySlack(req, secrets, nowMs, tolerance);
		case 'standardWebhooks':
			return verifyStandardWebhooks(req, secrets, nowMs, tolerance);
		default:
			return fail('unsupported_auth');
	}
}
