/**
 * The request shape the auth module verifies, its result, and the header helpers every scheme
 * shares. Kept apart from `index.ts` so scheme files can import it without a cycle.
 */

/** What `verifyRequest` needs from an incoming HTTP request. */
export interface AuthRequest {
	method: string;
	/** Lower-case header names, as node's IncomingMessage.headers. */
	headers: Record<string, string | string[] | undefined>;
	/** The exact bytes received; signatures are computed over these. */
	rawBody: Buffer;
	/** IPv4, IPv6 or IPv4-mapped IPv6 (`::ffff:1.2.3.4`). */
	sourceIp: string;
	/** Path and query as received (`/hooks/id?x=1`); schemes that sign the URL need it. */
	url?: string;
}

/**
 * Outcome of a verification. `reason` is a short stable code for logs and metrics (one of
 * {@link AuthFailureReason}); it never contains a secret or a signature.
 */
export type AuthResult = { ok: true } | { ok: false; reason: string };

/** Every `reason` `verifyRequest` can return. */
export type AuthFailureReason =
	| 'ip_not_allowed'
	| 'no_active_secret'
	| 'missing_credentials'
	| 'invalid_credentials'
	| 'missing_signature'
	| 'missing_message_id'
	| 'invalid_signature'
	| 'missing_timestamp'
	| 'invalid_timestamp'
	| 'stale_timestamp'
	| 'missing_url'
	| 'invalid_public_key'
	| 'unsupported_auth';

/** The one success value (frozen: it is shared). */
export const OK: AuthResult = Object.freeze({ ok: true });

/** A failed result with a reason code. */
export function fail(reason: AuthFailureReason): AuthResult {
	return { ok: false, reason };
}

/**
 * Upper bound on candidate values taken from one header, so a request with thousands of
 * comma-separated entries cannot make us compute thousands of comparisons.
 */
const MAX_CANDIDATES = 16;

/** Every value of a header (arrays flattened), in order; `[]` when absent. */
export function headerValues(headers: AuthRequest['headers'], name: string): string[] {
	const raw = headers[name.toLowerCase()];
	const list = Array.isArray(raw) ? raw : [raw];
	return list.filter((v): v is string => typeof v === 'string').slice(0, MAX_CANDIDATES);
}

/**
 * Values of a signature header, also split on commas: node joins repeated headers with ", ",
 * and hex/base64 signatures never contain a comma. Empty parts are dropped.
 */
export function signatureValues(headers: AuthRequest['headers'], name: string): string[] {
	const out: string[] = [];
	for (const value of headerValues(headers, name)) {
		for (const part of value.split(',')) {
			const trimmed = part.trim();
			if (trimmed !== '') out.push(trimmed);
		}
	}
	return out.slice(0, MAX_CANDIDATES);
}

/**
 * If `value` starts with `prefix` (ASCII case-insensitive), the rest; otherwise undefined. The
 * prefix is public configuration, not a secret, so an ordinary compare is fine here.
 */
export function stripPrefix(value: string, prefix: string): string | undefined {
	if (prefix === '') return value;
	if (value.length < prefix.length) return undefined;
	if (value.slice(0, prefix.length).toLowerCase() !== prefix.toLowerCase()) return undefined;
	return value.slice(prefix.length);
}
