/**
 * The audit log on the admin API: every successful change (any method but GET/HEAD/OPTIONS with a
 * status below 400) is appended to the log in Redis with who made it (the admin token or a console
 * session, told apart by a short hash of the session cookie, never the cookie itself), what
 * (method and path; bodies, and so secrets, never), which account and endpoint, and when.
 * `GET /audit` reads it, filtered and paged.
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response, Router } from 'express';
import { ValidationError } from '../errors';
import type { Logger } from '../logger';
import { matchesAudit, type AuditEntry, type AuditFilter, type ListedAuditEntry } from '../redis';
import { messageOf } from '../errors';

/** Where audit entries go and come from (src/redis/audit.ts). */
export interface AuditLog {
	append(entry: AuditEntry): Promise<void>;
	page(
		count: number,
		options?: { before?: string; keep?: (entry: AuditEntry) => boolean },
	): Promise<ListedAuditEntry[]>;
}

/** The account of an endpoint, or undefined when it does not exist. */
export type AccountOfEndpoint = (endpointId: string) => Promise<string | undefined>;

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_COUNT = 1000;
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** Who a console session is in the log: 8 characters of a hash of its cookie value. */
export function consoleSessionName(cookieValue: string): string {
	return `console session ${createHash('sha256').update(cookieValue, 'utf8').digest('hex').slice(0, 8)}`;
}

/** The endpoint and account a change names in its path (`/endpoints/:id/...`, `/accounts/:id/...`). */
function targetOf(path: string): { endpointId?: string; accountId?: string } {
	const [, first, id] = path.split('/');
	if (!id) return {};
	const decoded = decodeURIComponent(id);
	if (first === 'endpoints') return { endpointId: decoded };
	return first === 'accounts' ? { accountId: decoded } : {};
}

/** The account in a change's JSON answer (an endpoint's, as create, update and rotate answer). */
function accountInAnswer(body: unknown): string | undefined {
	const endpoint = (body as { endpoint?: { id?: unknown; accountId?: unknown } } | undefined)
		?.endpoint;
	return typeof endpoint?.accountId === 'string' ? endpoint.accountId : undefined;
}

/**
 * Middleware (after authentication) recording successful changes with the account and endpoint
 * they concern; a failed write is logged, not thrown. `accountOf` finds the account of an
 * endpoint before the change (a deleted endpoint has none afterwards).
 */
export function recordChanges(audit: AuditLog, logger: Logger, accountOf?: AccountOfEndpoint) {
	return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
		if (READ_ONLY.has(req.method)) return next();
		const target = targetOf(req.path);
		// A missing endpoint is answered 404 by the route itself (and not recorded), so the
		// lookup's failure needs no answer of its own.
		const accountBefore =
			target.endpointId && accountOf
				? await accountOf(target.endpointId).catch(() => undefined)
				: undefined;
		let answered: unknown;
		const send = res.json.bind(res);
		res.json = (body: unknown) => {
			answered = body;
			return send(body);
		};
		res.once('finish', () => {
			if (res.statusCode >= 400) return;
			const who = typeof res.locals.adminWho === 'string' ? res.locals.adminWho : 'admin token';
			// The query is left out, except `force`: a forced delete stopped running triggers.
			const forced = req.method === 'DELETE' && req.query.force === 'true' ? '?force=true' : '';
			const created = (answered as { endpoint?: { id?: unknown } } | undefined)?.endpoint?.id;
			const entry: AuditEntry = {
				at: new Date().toISOString(),
				who,
				action: `${req.method} ${req.originalUrl.split('?')[0]}${forced}`,
				status: res.statusCode,
				accountId: target.accountId ?? accountBefore ?? accountInAnswer(answered),
				endpointId: target.endpointId ?? (typeof created === 'string' ? created : undefined),
			};
			audit
				.append(entry)
				.catch((error: unknown) =>
					logger.error('audit log write failed', { ...entry, error: messageOf(error) }),
				);
		});
		next();
	};
}

/** A non-empty text query parameter (first value), trimmed. */
function textParam(req: Request, name: string): string | undefined {
	const raw = req.query[name];
	const value = (Array.isArray(raw) ? raw[0] : raw) as unknown;
	return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;
}

/**
 * `GET /audit?count=N&before=<id>&actor=&action=&account=`: the newest N matching entries (default
 * 100, at most 1000), newest first, each with its `id`; the next page is `before=<last id>`.
 */
export function addAuditRoute(router: Router, audit: AuditLog): void {
	router.get('/audit', async (req: Request, res: Response) => {
		const n = Math.floor(Number(req.query.count ?? 100));
		const count = Number.isFinite(n) ? Math.min(Math.max(1, n), MAX_COUNT) : 100;
		const before = textParam(req, 'before');
		if (before !== undefined && !STREAM_ID.test(before))
			throw new ValidationError('before must be the id of an audit entry (e.g. 1733300000000-0)');
		const filter: AuditFilter = {
			actor: textParam(req, 'actor'),
			action: textParam(req, 'action'),
			account: textParam(req, 'account'),
		};
		const filtered =
			filter.actor !== undefined || filter.action !== undefined || filter.account !== undefined;
		res.json(
			await audit.page(count, {
				before,
				keep: filtered ? (entry) => matchesAudit(entry, filter) : undefined,
			}),
		);
	});
}
