/**
 * The endpoint console (docs/console.md), mounted by the gateway at `/console`: serves the built
 * pages (web/console → dist/console) and signs a browser in and out. Signing in trades the admin
 * token for an http-only session cookie (session.ts), so the token never sits in the page, in
 * browser storage or in a URL; the pages then call the admin API with that cookie.
 */
import { createHash } from 'node:crypto';
import { bytesEqual } from '../auth/constantTime';
import fs from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { GatewayError } from '../errors';
import { silentLogger } from '../logger';
import type { AuthGuard } from './authGuard';
import { createErrorTranslator, type ErrorTranslator } from './errorAnswer';
import { sendError } from './ingest';
import {
	type ConsoleSessions,
	CSRF_HEADER,
	CSRF_VALUE,
	readCookie,
	SESSION_COOKIE,
	SESSION_MAX_AGE_SECONDS,
} from './session';

export interface ConsoleRouterOptions {
	/** The admin token; '' leaves the console signed out with a message saying how to enable it. */
	adminToken: string;
	/** Server-side sessions (session.ts). */
	sessions: ConsoleSessions;
	/** Rate limits and records failed sign-ins (authGuard.ts). */
	guard?: AuthGuard;
	/**
	 * The admin API, mounted again at `/console/api/v1` for the pages: the session cookie is
	 * scoped to `/console`, so the browser sends it there and nowhere else (not to `/hooks/`).
	 */
	adminApi?: Router;
	/** Folder holding the built console (index.html + assets/); see {@link defaultConsoleDir}. */
	staticDir?: string;
	/** The gateway's error translator (errorAnswer.ts); by default one that logs nothing. */
	translateError?: ErrorTranslator;
}

/**
 * Where `vite build` puts the console: `dist/console` at the package root, found from both the
 * compiled file (dist/src/gateway) and the TypeScript source (src/gateway, under tsx in tests).
 */
export function defaultConsoleDir(): string {
	const candidates = [
		path.resolve(__dirname, '..', '..', 'console'),
		path.resolve(__dirname, '..', '..', 'dist', 'console'),
	];
	return (
		candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ??
		candidates[candidates.length - 1]
	);
}

/**
 * Only this origin's own files may run or load; the pages may not be framed (clickjacking) and
 * send no Referer. The build has no inline script or style, so no 'unsafe-inline' is needed.
 */
const SECURITY_HEADERS: Record<string, string> = {
	'Content-Security-Policy':
		"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	'X-Frame-Options': 'DENY',
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer',
	'Cross-Origin-Opener-Policy': 'same-origin',
};

/**
 * Attributes of the session cookie. `Path=/console`: the browser sends it to the console and the
 * API under it only, never to `/hooks/` where it would land in stored events (ingest strips it
 * too). `Secure`: browsers keep it over HTTPS and on localhost only.
 */
const COOKIE_ATTRIBUTES = 'Path=/console; HttpOnly; Secure; SameSite=Strict';
/** Clears a cookie of an older version, which was scoped to `Path=/`. */
const CLEAR_LEGACY_COOKIE = `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict`;

function sha256(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

/** The session routes change state: they need the console's header like every cookie-authenticated change. */
function requireConsoleHeader(req: Request, _res: Response, next: NextFunction): void {
	if (req.get(CSRF_HEADER) !== CSRF_VALUE) {
		next(
			new GatewayError(
				403,
				'unauthorized',
				`This request must carry the header X-Requested-With: ${CSRF_VALUE}`,
			),
		);
		return;
	}
	next();
}

function notConfigured(): GatewayError {
	return new GatewayError(
		401,
		'unauthorized',
		'The console is disabled: set WEBHOOK_GATEWAY_ADMIN_TOKEN (at least 32 characters) on the gateway to enable it',
	);
}

const NOT_BUILT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Webhook Gateway console</title></head>
<body><h1>Webhook Gateway console</h1><p>The console has not been built. Run <code>npm run build</code> in the package, then reload.</p></body></html>`;

/**
 * The router for `/console`: `GET /` the page, `/assets/*` its files, and `/session`
 * (`GET` state, `POST {token}` sign in, `DELETE` sign out).
 */
export function createConsoleRouter(options: ConsoleRouterOptions): Router {
	const { adminToken, sessions } = options;
	const staticDir = options.staticDir ?? defaultConsoleDir();
	const translateError = options.translateError ?? createErrorTranslator(silentLogger);
	const expected = adminToken === '' ? undefined : sha256(adminToken);
	const router = express.Router();

	router.use((_req: Request, res: Response, next: NextFunction) => {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
		next();
	});

	router.get('/', (_req: Request, res: Response) => {
		const index = path.join(staticDir, 'index.html');
		res.setHeader('Cache-Control', 'no-cache');
		if (!fs.existsSync(index)) {
			res.status(503).type('html').send(NOT_BUILT_PAGE);
			return;
		}
		// Relative to `root`: n8n installs packages below ~/.n8n, and send() refuses an absolute path
		// that contains a dot-folder.
		res.sendFile('index.html', { root: staticDir });
	});

	router.use(
		'/assets',
		express.static(path.join(staticDir, 'assets'), {
			index: false,
			redirect: false,
			// File names carry a content hash: a changed file has a new name.
			setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
		}),
	);

	router.use('/session', (_req: Request, res: Response, next: NextFunction) => {
		res.setHeader('Cache-Control', 'no-store');
		next();
	});

	router.get('/session', async (req: Request, res: Response) => {
		const signedIn =
			expected !== undefined &&
			(await sessions.verify(readCookie(req.get('cookie'), SESSION_COOKIE)));
		res.json({ configured: expected !== undefined, signedIn });
	});

	router.post(
		'/session',
		requireConsoleHeader,
		express.json({ limit: '4kb' }),
		async (req: Request, res: Response) => {
			if (!expected) throw notConfigured();
			await options.guard?.check(req);
			const token: unknown = (req.body as { token?: unknown } | undefined)?.token;
			// Hashing first makes the comparison independent of the token's length and content.
			if (typeof token !== 'string' || !bytesEqual(sha256(token), expected)) {
				await options.guard?.failed(req, 'console');
				throw new GatewayError(401, 'unauthorized', 'Wrong admin token');
			}
			const expiresAt = new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000).toISOString();
			const session = await sessions.create();
			res.setHeader('Set-Cookie', [
				`${SESSION_COOKIE}=${session}; Max-Age=${SESSION_MAX_AGE_SECONDS}; ${COOKIE_ATTRIBUTES}`,
				CLEAR_LEGACY_COOKIE,
			]);
			res.json({ signedIn: true, expiresAt });
		},
	);

	router.delete('/session', requireConsoleHeader, async (req: Request, res: Response) => {
		// Ended in Redis, so a copy of the cookie kept elsewhere stops working too.
		await sessions.revoke(readCookie(req.get('cookie'), SESSION_COOKIE));
		res.setHeader('Set-Cookie', [
			`${SESSION_COOKIE}=; Max-Age=0; ${COOKIE_ATTRIBUTES}`,
			CLEAR_LEGACY_COOKIE,
		]);
		res.status(204).end();
	});

	if (options.adminApi) router.use('/api/v1', options.adminApi);

	router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
		if (res.headersSent) {
			next(error);
			return;
		}
		const type =
			typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
		if (type === 'entity.parse.failed' || type === 'entity.too.large') {
			sendError(
				res,
				new GatewayError(400, 'invalid_request', 'Send {"token": "<admin token>"} as JSON'),
			);
			return;
		}
		sendError(
			res,
			translateError(error, { surface: 'console', method: req.method, path: req.originalUrl }),
		);
	});
	return router;
}
