/**
 * `verifyRequest`: the one entry point the gateway calls for each incoming request. Applies the
 * IP allow-list first, then the endpoint's scheme against its active secrets (README "Authentication (per endpoint)").
 */
import type { EndpointRecord } from '../types';
import { verifyPreset } from './verifyPreset';
import { ipAllowed } from './ipAllowlist';
import { OK, fail, type AuthRequest, type AuthResult } from './request';
import { activeSecrets } from './secrets';
import { verifyBasic, verifyHeaderToken } from './tokens';

/**
 * Whether the request is authentic for the endpoint at `nowMs` (ms since the epoch). A
 * non-empty allow-list must contain the source address, and the auth scheme must pass with one
 * of the secrets active at `nowMs`. Never throws; on failure `reason` is a short code safe to
 * log (the gateway answers 403 whatever it is).
 */
export function verifyRequest(
	endpoint: Pick<EndpointRecord, 'auth' | 'secrets' | 'ipAllowlist'>,
	req: AuthRequest,
	nowMs: number,
): AuthResult {
	const allowlist = endpoint.ipAllowlist ?? [];
	if (allowlist.length > 0 && !ipAllowed(allowlist, req.sourceIp ?? ''))
		return fail('ip_not_allowed');
	const auth = endpoint.auth;
	if (auth.type === 'none') return OK;
	const secrets = activeSecrets(endpoint.secrets ?? [], nowMs);
	if (secrets.length === 0) return fail('no_active_secret');
	switch (auth.type) {
		case 'header':
			return verifyHeaderToken(auth, secrets, req);
		case 'basic':
			return verifyBasic(auth, secrets, req);
		case 'hmac':
			return verifyPreset(auth, secrets, req, nowMs);
		default:
			return fail('unsupported_auth');
	}
}
