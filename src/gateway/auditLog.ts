/**
 * The audit log on the admin API: every successful change (any method but GET/HEAD/OPTIONS with a
 * status below 400) is appended to the log in Redis with who made it (the admin token or a console
 * session, told apart by a short hash of the session cookie, never the cookie itself), what
 * (method and path; bodies, and so secrets, never), and when. `GET /audit` reads it.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from '../logger';
import type { AuditEntry } from '../redis';
import { messageOf } from '../errors';

/** Where audit entries go and come from (src/redis/audit.ts). */
export interface AuditLog {
	append(entry: AuditEntry): Promise<void>;
	list(count: number): Promise<AuditEntry[]>;
}

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_COUNT = 1000;

/** Who a console session is in the log: 8 characters of a hash of its cookie value. */
export function consoleSessionName(cookieValue: string): string {
	return `console session ${createHash('sha256').update(cookieValue, 'utf8').digest('hex').slice(0, 8)}`;
}

/** Middleware (after authentication) recording successful changes; a failed write is logged, not thrown. */
export function recordChanges(audit: AuditLog, logger: Logger) {
	return (req: Request, res: Response, next: NextFunction): void => {
		if (!READ_ONLY.has(req.method)) {
			res.once('finish', () => {
				if (res.statusCode >= 400) return;
				const who = typeof res.locals.adminWho === 'string' ? res.locals.adminWho : 'admin token';
				// The query is left out, except `force`: a forced delete stopped running triggers.
				const forced = req.method === 'DELETE' && req.query.force === 'true' ? '?force=true' : '';
				const entry: AuditEntry = { at: new Date().toISOString(), who, action: `${req.method} ${req.originalUrl.split('?')[0]}${forced}`, status: res.statusCode };
				audit.append(entry).catch((error: unknown) => logger.error('audit log write failed', { ...entry, error: messageOf(error) }));
			});
		}
		next();
	};
}

/** `GET /audit?count=N`: the newest N entries (default 100, at most 1000), newest first. */
export function addAuditRoute(router: Router, audit: AuditLog): void {
	router.get('/audit', async (req: Request, res: Response) => {
		const n = Math.floor(Number(req.query.count ?? 100));
		res.json(await audit.list(Number.isFinite(n) ? Math.min(Math.max(1, n), MAX_COUNT) : 100));
	});
}
