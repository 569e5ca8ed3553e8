/**
 * Endpoint secrets: which are active at a given time, rotation with a grace period for the old
 * one (README "Authentication (per endpoint)"), and generation of new secrets in the format each scheme expects.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors';
import type { EndpointAuth, EndpointSecret } from '../types';

/** Random bytes in a generated secret (256 bits). */
const SECRET_BYTES = 32;

/** Whether the secret still authenticates at `nowMs`; an unreadable expiry counts as expired. */
function isActive(secret: EndpointSecret, nowMs: number): boolean {
	if (secret.expiresAt === undefined) return true;
	const expires = Date.parse(secret.expiresAt);
	return Number.isFinite(expires) && expires > nowMs;
}

/**
 * Values of the secrets that authenticate at `nowMs` (ms since the epoch): those without
 * `expiresAt` or expiring later. Order kept, newest first.
 */
export function activeSecrets(secrets: EndpointSecret[], nowMs: number): string[] {
	return secrets.filter((s) => isActive(s, nowMs)).map((s) => s.value);
}

/**
 * The secret list after rotating to `newValue` at `nowMs`: the new secret first, without expiry;
 * the previous current one(s) expire `graceSeconds` from now (0 drops them); already expired
 * ones are dropped. A grace never extends an older secret: each keeps the earlier of its own
 * expiry and now + grace, so rotating with grace 0 (e.g. after a leak) leaves only the new one.
 * @param graceSeconds how long the old secret stays valid, a non-negative integer
 * @throws ValidationError on an empty new value or a bad grace
 */
export function rotateSecrets(
	secrets: EndpointSecret[],
	newValue: string,
	nowMs: number,
	graceSeconds: number,
): EndpointSecret[] {
	if (typeof newValue !== 'string' || newValue === '')
		throw new ValidationError('the new secret must not be empty');
	if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0) {
		throw new ValidationError('graceSeconds must be a non-negative integer');
	}
	return [
		{ value: newValue, createdAt: new Date(nowMs).toISOString() },
		...expireSecrets(secrets, nowMs, graceSeconds),
	];
}

/**
 * The active secrets of the list, each expiring at the latest `graceSeconds` after `nowMs` (0 drops
 * them all): what remains of the old secrets after a rotation, or after an Asana endpoint is re-armed
 * for a new handshake (its new secret arrives later, see `withHandshakeSecret`).
 * @param graceSeconds a non-negative integer (validated by the caller)
 */
export function expireSecrets(
	secrets: EndpointSecret[],
	nowMs: number,
	graceSeconds: number,
): EndpointSecret[] {
	if (graceSeconds === 0) return [];
	const graceEndMs = nowMs + graceSeconds * 1000;
	const kept: EndpointSecret[] = [];
	for (const secret of secrets) {
		if (!isActive(secret, nowMs)) continue;
		const ownEndMs = secret.expiresAt === undefined ? Infinity : Date.parse(secret.expiresAt);
		kept.push({ ...secret, expiresAt: new Date(Math.min(ownEndMs, graceEndMs)).toISOString() });
	}
	return kept;
}

/**
 * The secret list after a handshake delivered `value` at `nowMs`: the new secret first, without
 * expiry, then the still active old ones as the re-arming left them (their grace already set).
 */
export function withHandshakeSecret(
	secrets: EndpointSecret[],
	value: string,
	nowMs: number,
): EndpointSecret[] {
	return [
		{ value, createdAt: new Date(nowMs).toISOString() },
		...secrets.filter((s) => isActive(s, nowMs)),
	];
}

/**
 * A new random secret for this auth: 32 random bytes as base64url, with Stripe's `whsec_`
 * prefix for stripe, and for Standard Webhooks and Svix senders `whsec_` + standard base64 as
 * the spec defines.
 */
export function generateSecret(auth: EndpointAuth): string {
	const bytes = randomBytes(SECRET_BYTES);
	const svixLike = ['standardWebhooks', 'clerk', 'resend'];
	if (auth.type === 'hmac' && svixLike.includes(auth.preset))
		return `whsec_${bytes.toString('base64')}`;
	if (auth.type === 'hmac' && auth.preset === 'stripe')
		return `whsec_${bytes.toString('base64url')}`;
	return bytes.toString('base64url');
}
