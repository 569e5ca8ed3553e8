/**
 * Verification of the two shared-secret schemes: a token in a header (e.g. `Authorization:
 * Bearer …`, `X-Api-Key: …`) and HTTP Basic auth (RFC 7617) whose password is the secret.
 */
import type { EndpointAuth } from '../types';
import { secretsEqual } from './constantTime';
import { OK, fail, headerValues, stripPrefix, type AuthRequest, type AuthResult } from './request';

type HeaderAuth = Extract<EndpointAuth, { type: 'header' }>;
type BasicAuth = Extract<EndpointAuth, { type: 'basic' }>;

/** Whether `presented` equals any secret; compares against all of them whatever the outcome. */
function matchesAnySecret(presented: string, secrets: string[]): boolean {
	let matched = false;
	for (const secret of secrets) {
		// compare first, then combine: every secret is compared, so timing does not tell which matched
		matched = secretsEqual(presented, secret) || matched;
	}
	return matched;
}

/**
 * Header token: some value of the header must be `prefix + secret` for an active secret. The
 * prefix is compared case-insensitively (`bearer x` passes for `Bearer `), the token exactly.
 */
export function verifyHeaderToken(
	auth: HeaderAuth,
	secrets: string[],
	req: AuthRequest,
): AuthResult {
	const values = headerValues(req.headers, auth.headerName);
	if (values.length === 0) return fail('missing_credentials');
	for (const value of values) {
		const token = stripPrefix(value, auth.prefix);
		if (token !== undefined && matchesAnySecret(token, secrets)) return OK;
	}
	return fail('invalid_credentials');
}

const BASIC = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i;

/**
 * Basic auth: `Authorization: Basic base64(username:password)`; the username must be the
 * configured one and the password an active secret.
 */
export function verifyBasic(auth: BasicAuth, secrets: string[], req: AuthRequest): AuthResult {
	const values = headerValues(req.headers, 'authorization');
	if (values.length === 0) return fail('missing_credentials');
	for (const value of values) {
		const match = BASIC.exec(value.trim());
		if (!match) continue;
		const decoded = Buffer.from(match[1], 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon < 0) continue;
		const userOk = secretsEqual(decoded.slice(0, colon), auth.username);
		const passwordOk = matchesAnySecret(decoded.slice(colon + 1), secrets);
		if (userOk && passwordOk) return OK;
	}
	return fail('invalid_credentials');
}
