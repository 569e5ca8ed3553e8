/**
 * The admin HTTP API (docs/admin-api.md), mounted by the gateway at `/api/v1`: bearer-token or
 * console-session auth, JSON bodies, and one error handler that turns every failure into
 * `{"error":{"code","message"}}`. The routes themselves (adminRoutes.ts) only translate HTTP to
 * ManagementService calls.
 */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../auth/constantTime';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';
import type { ManagementService } from '../management/service';
import { addAdminRoutes } from './adminRoutes';
import type { AuthGuard } from './authGuard';
import { addAuditRoute, consoleSessionName, recordChanges, type AuditLog } from './auditLog';
import { createErrorTranslator, type ErrorTranslator } from './errorAnswer';
import {
	type ConsoleSessions,
	CSRF_HEADER,
	CSRF_VALUE,
	readCookie,
	SESSION_COOKIE,
} from './session';
import { addTokenRoutes, enforceTokenScopes } from './tokenScopes';
import type { TokenService } from '../management/tokens';

export interface AdminRouterOptions {
	management: ManagementService;
	/** The bearer token clients must present; '' answers 401 to everyone. */
	adminToken: string;
	/** Console sessions (a cookie instead of the bearer token); without them only bearer tokens. */
	sessions?: ConsoleSessions;
	/** Rate limits and records failed authentications (authGuard.ts). */
	guard?: AuthGuard;
	/** The audit log of changes (auditLog.ts); without it changes are only logged. */
	audit?: AuditLog;
	/** Scoped admin tokens (tokenScopes.ts); without them only the admin token and sessions. */
	tokens?: TokenService;
	logger: Logger;
	/**
	 * Base URL of this gateway's ingest listener, for `POST /endpoints/:id/test-event`. When
	 * absent, the listener that received the admin request is used (the admin API on the ingest port).
	 */
	ingestBaseUrl?: string;
	/** The gateway's error translator (errorAnswer.ts); by default one of its own on `logger`. */
	translateError?: ErrorTranslator;
}

/** Largest accepted JSON body: management requests are small. */
const BODY_LIMIT = '256kb';
const REALM = 'Bearer realm="webhook-gateway"';

function sha256(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admits a request that carries `Authorization: Bearer <token>` (compared in time independent of
 * the token's content and length) or, without an Authorization header, a valid console session
 * cookie. A cookie is sent by the browser on its own, so a cookie-authenticated change must also
 * carry `X-Requested-With: webhook-gateway-console`: another site can make a browser send the
 * cookie (were SameSite ever bypassed) but cannot add that header without a CORS preflight, which
 * this API never grants. A bearer token is never sent implicitly, so it needs no such header.
 */
function adminAuth(
	adminToken: string,
	sessions: ConsoleSessions | undefined,
	guard: AuthGuard | undefined,
	tokens: TokenService | undefined,
) {
	const expected = adminToken === '' ? undefined : sha256(adminToken);
	return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
		try {
			await guard?.check(req);
		} catch (error) {
			next(error);
			return;
		}
		if (!expected) {
			next(
				new GatewayError(
					'unauthorized',
					'The admin API is disabled: set WEBHOOK_GATEWAY_ADMIN_TOKEN (at least 32 characters) to enable it',
					{ status: 401 },
				),
			);
			return;
		}
		const authorization = req.get('authorization');
		if (authorization === undefined) {
			const session = readCookie(req.get('cookie'), SESSION_COOKIE);
			if (session !== undefined && sessions !== undefined && (await sessions.verify(session))) {
				if (!SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== CSRF_VALUE) {
					next(
						new GatewayError(
							'unauthorized',
							`Changes made with the console session must carry the header X-Requested-With: ${CSRF_VALUE}`,
						),
					);
					return;
				}
				res.locals.adminAuth = 'console';
				res.locals.adminWho = consoleSessionName(session);
				next();
				return;
			}
		}
		const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
		const scoped =
			match && !bytesEqual(sha256(match[1]), expected) && tokens
				? await tokens.verify(match[1])
				: undefined;
		if (scoped) {
			res.locals.adminAuth = 'token';
			res.locals.adminWho = `token ${scoped.name} (${scoped.id})`;
			res.locals.scopedToken = scoped;
			next();
			return;
		}
		if (!match || !bytesEqual(sha256(match[1]), expected)) {
			await guard?.failed(req, 'admin');
			next(
				new GatewayError(
					'unauthorized',
					'Missing or invalid bearer token (Authorization: Bearer <admin token>) or console session',
					{ status: 401 },
				),
			);
			return;
		}
		res.locals.adminAuth = 'bearer';
		next();
	};
}

/** The URL of the ingest listener on `host`:`port` as seen from this process (wildcards → loopback). */
export function localIngestUrl(host: string, port: number): string {
	const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
	return `http://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

/**
 * The admin API router. Every route needs `Authorization: Bearer <adminToken>` or a console
 * session (see adminAuth); bodies are JSON (at most 256 KiB); answers are JSON, 201 for creates
 * and 204 for deletes.
 */
export function createAdminRouter(options: AdminRouterOptions): Router {
	const { management, adminToken, sessions, guard, audit, tokens, logger, ingestBaseUrl } = options;
	const translateError = options.translateError ?? createErrorTranslator(logger);
	const router = express.Router();
	router.use((_req: Request, res: Response, next: NextFunction) => {
		// Answers may hold secrets: no cache may keep them.
		res.setHeader('Cache-Control', 'no-store');
		next();
	});
	router.use(adminAuth(adminToken, sessions, guard, tokens));
	router.use((req: Request, res: Response, next: NextFunction) => {
		// An audit line for every authenticated change (bodies, and so secrets, are never logged).
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			res.once('finish', () =>
				logger.info('admin API change', {
					method: req.method,
					path: req.originalUrl,
					status: res.statusCode,
					via: res.locals.adminAuth,
				}),
			);
		}
		next();
	});
	if (audit)
		router.use(
			recordChanges(audit, logger, async (id) => (await management.getEndpoint(id)).accountId),
		);
	router.use(express.json({ limit: BODY_LIMIT }));
	router.use(enforceTokenScopes(management));
	if (audit) addAuditRoute(router, audit);
	if (tokens) addTokenRoutes(router, tokens);
	addAdminRoutes(router, management, { ingestBaseUrl });
	router.use((req: Request, _res: Response, next: NextFunction) => {
		next(new GatewayError('not_found', `No admin route ${req.method} ${req.baseUrl}${req.path}`));
	});
	router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
		const gatewayError = translateError(error, {
			surface: 'admin',
			method: req.method,
			path: req.originalUrl,
		});
		if (res.headersSent) {
			res.end();
			return;
		}
		for (const [name, value] of Object.entries(gatewayError.headers)) res.setHeader(name, value);
		if (gatewayError.retryAfter !== undefined)
			res.setHeader('Retry-After', String(gatewayError.retryAfter));
		if (gatewayError.status === 401) res.setHeader('WWW-Authenticate', REALM);
		res.status(gatewayError.status).json(gatewayError.toJSON());
	});
	return router;
}
