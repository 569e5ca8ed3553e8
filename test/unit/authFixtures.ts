/** Shared fixtures for the auth unit tests: a fixed clock, request and endpoint builders. */
import type { AuthRequest } from '../../src/auth';
import type { EndpointAuth, EndpointRecord, EndpointSecret } from '../../src/types';

/** The fake clock: 2025-01-15T12:00:00Z. */
export const NOW_MS = Date.UTC(2025, 0, 15, 12, 0, 0);
export const NOW_S = NOW_MS / 1000;

export function request(
	headers: AuthRequest['headers'],
	body: string | Buffer = '{"hello":"world"}',
	sourceIp = '203.0.113.5',
): AuthRequest {
	return {
		method: 'POST',
		headers,
		rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
		sourceIp,
	};
}

export function secret(value: string, expiresAt?: number): EndpointSecret {
	return {
		value,
		createdAt: new Date(NOW_MS - 86_400_000).toISOString(),
		...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt).toISOString() }),
	};
}

export function endpoint(
	auth: EndpointAuth,
	secrets: Array<string | EndpointSecret> = ['s3cr3t'],
	ipAllowlist: string[] = [],
): Pick<EndpointRecord, 'auth' | 'secrets' | 'ipAllowlist'> {
	return {
		auth,
		secrets: secrets.map((s) => (typeof s === 'string' ? secret(s) : s)),
		ipAllowlist,
	};
}
