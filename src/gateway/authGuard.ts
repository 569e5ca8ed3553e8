/**
 * Slows and records guessing of the admin token (docs/security.md): every failed authentication
 * on the admin API, the console sign-in and /metrics is logged (address and where, never what
 * was presented), counted in `webhook_gateway_auth_failures_total`, and counted per client
 * address in Redis, so all gateways share the count. An address with `limit` failures
 * (WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT, default 10) in its window gets 429 with Retry-After on
 * every authentication attempt, right or wrong, until the window ends.
 */
import type { Request } from 'express';
import { GatewayError, messageOf } from '../errors';
import type { Logger } from '../logger';
import type { AuthFailureStore } from '../redis/authFailures';

/** Length of the window (ms): one minute from the first failure. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

export type AuthSurface = 'admin' | 'console' | 'metrics';

export class AuthGuard {
	constructor(
		private readonly store: AuthFailureStore,
		private readonly logger: Logger,
		private readonly count: (surface: AuthSurface) => void,
		private readonly limit: number,
	) {}

	/** The address the request came from (express's req.ip honours WEBHOOK_GATEWAY_TRUST_PROXY). */
	private client(req: Request): string {
		return req.ip ?? req.socket.remoteAddress ?? 'unknown';
	}

	/** @throws GatewayError 429 rate_limited when the address is over the limit */
	async check(req: Request): Promise<void> {
		const { failures, remainingMs } = await this.store.current(this.client(req));
		if (failures >= this.limit) {
			throw new GatewayError(
				'rate_limited',
				'Too many failed authentications from this address; retry later',
				{ retryAfter: Math.max(1, remainingMs / 1000) },
			);
		}
	}

	/** Records a failed authentication. Never throws: a Redis error is logged, the answer stays 401. */
	async failed(req: Request, surface: AuthSurface): Promise<void> {
		const client = this.client(req);
		this.count(surface);
		try {
			const failures = await this.store.record(client, AUTH_FAILURE_WINDOW_MS);
			this.logger.warn('failed authentication', {
				surface,
				client,
				method: req.method,
				path: req.originalUrl,
				failuresInWindow: failures,
			});
		} catch (error) {
			this.logger.warn('failed authentication (not counted: Redis error)', {
				surface,
				client,
				path: req.originalUrl,
				error: messageOf(error),
			});
		}
	}
}
