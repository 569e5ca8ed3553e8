/**
 * Console sessions: the value of the `wgw_session` cookie, signed with the admin token. Stateless
 * on purpose: every gateway that shares the admin token accepts a session any of them issued
 * (several gateways behind one load balancer), and changing the admin token ends every session.
 *
 * Value: `v1.<expiry, ms since the epoch, base 36>.<random id, base64url>.<HMAC-SHA256, base64url>`,
 * the HMAC keyed by the admin token over a label and the first three parts.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'wgw_session';
/** How long a session lasts (seconds): one working day. */
export const SESSION_MAX_AGE_SECONDS = 8 * 3600;
/**
 * Header (and value) every cookie-authenticated change must carry. A cross-site form cannot set
 * a header, and a cross-site fetch that sets one needs a CORS preflight this gateway never grants,
 * so the header proves the request comes from the console's own pages (CSRF defence, on top of
 * the cookie's SameSite=Strict).
 */
export const CSRF_HEADER = 'x-requested-with';
export const CSRF_VALUE = 'webhook-gateway-console';

const VERSION = 'v1';
/** Separates this use of the admin token as an HMAC key from any other. */
const LABEL = 'webhook-gateway console session\n';
const ID_BYTES = 16;

function mac(adminToken: string, payload: string): Buffer {
	return createHmac('sha256', adminToken).update(LABEL + payload, 'utf8').digest();
}

/**
 * A new session cookie value, valid for {@link SESSION_MAX_AGE_SECONDS} from `nowMs`.
 * @param adminToken the configured admin token (non-empty)
 * @param nowMs ms since the epoch
 */
export function createSession(adminToken: string, nowMs: number): string {
	const expiresAtMs = nowMs + SESSION_MAX_AGE_SECONDS * 1000;
	const payload = `${VERSION}.${expiresAtMs.toString(36)}.${randomBytes(ID_BYTES).toString('base64url')}`;
	return `${payload}.${mac(adminToken, payload).toString('base64url')}`;
}

/**
 * Whether `value` is a session this admin token issued that has not expired at `nowMs`. False
 * for anything malformed, and always false when no admin token is configured. The signature is
 * compared in constant time.
 */
export function verifySession(adminToken: string, value: string, nowMs: number): boolean {
	if (adminToken === '' || value.length > 200) return false;
	const parts = value.split('.');
	if (parts.length !== 4 || parts[0] !== VERSION || !/^[0-9a-z]{1,12}$/.test(parts[1])) return false;
	const expiresAtMs = parseInt(parts[1], 36);
	// A session never lasts longer than the maximum age, even one signed with a clock far ahead.
	if (!(expiresAtMs > nowMs) || expiresAtMs > nowMs + SESSION_MAX_AGE_SECONDS * 1000 + 60_000) return false;
	// Compared as text, so that only the canonical encoding of the signature is accepted.
	const given = Buffer.from(parts[3], 'utf8');
	const expected = Buffer.from(mac(adminToken, parts.slice(0, 3).join('.')).toString('base64url'), 'utf8');
	return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The value of cookie `name` in a `Cookie` request header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const pair of header.split(';')) {
		const eq = pair.indexOf('=');
		if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
	}
	return undefined;
}
