/**
 * Who may read `/metrics`: its labels name every endpoint, and an endpoint id must never be
 * learnt without a credential (docs/security.md). A scrape carries `Authorization: Bearer <t>`
 * where t is the admin token, WEBHOOK_GATEWAY_METRICS_TOKEN, or a scoped token with the
 * `metrics` scope; anything else is 401 with the same answer.
 */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../auth/constantTime';
import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from '../errors';

export interface MetricsAuthOptions {
	/** The admin token ('' = not configured). */
	adminToken: string;
	/** WEBHOOK_GATEWAY_METRICS_TOKEN ('' = not configured). */
	metricsToken: string;
	/** Whether a presented token is a scoped token holding `scope` (scoped tokens, when available). */
	hasScope?: (token: string, scope: 'metrics') => Promise<boolean>;
	/** Throws (429) when the client may not try now (too many failed authentications). */
	check?: (req: Request) => Promise<void>;
	/** Told of every refused scrape (counting and rate limiting failed authentications). */
	onFailure?: (req: Request) => void;
}

function sha256(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
	return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
}

/**
 * Whether `token` equals one of `expected` (sha256 digests), compared in constant time against
 * every candidate, so neither which one matched nor a prefix shows in the timing.
 */
export function matchesAny(token: string, expected: readonly Buffer[]): boolean {
	const given = sha256(token);
	let ok = false;
	for (const digest of expected) ok = bytesEqual(given, digest) || ok;
	return ok;
}

/** Express middleware guarding `/metrics`. */
export function metricsAuth(options: MetricsAuthOptions) {
	const expected = [options.adminToken, options.metricsToken].filter((t) => t !== '').map(sha256);
	return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
		try {
			await options.check?.(req);
		} catch (error) {
			return next(error);
		}
		const token = bearerToken(req.get('authorization'));
		const refuse = () => {
			options.onFailure?.(req);
			res.setHeader('WWW-Authenticate', 'Bearer realm="webhook-gateway metrics"');
			next(
				new GatewayError(
					'unauthorized',
					'Metrics need Authorization: Bearer <admin, metrics or metrics-scope token>',
					{ status: 401 },
				),
			);
		};
		if (token === undefined) return refuse();
		if (matchesAny(token, expected)) return next();
		if (!options.hasScope) return refuse();
		options.hasScope(token, 'metrics').then(
			(ok) => (ok ? next() : refuse()),
			(error: unknown) => next(error),
		);
	};
}
