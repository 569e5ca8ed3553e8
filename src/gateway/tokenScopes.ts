/**
 * Scoped admin tokens on the admin API: the `/tokens` routes, and what a request authenticated
 * with a scoped token may do (docs/admin-api.md). The admin token and console sessions are not
 * limited here. A token limited to accounts sees other accounts' endpoints as absent (404), so
 * it cannot even learn their ids.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import { GatewayError } from '../errors';
import type { ManagementService } from '../management/service';
import type { ScopedToken, TokenScope, TokenService } from '../management/tokens';

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

function lacks(scope: string): GatewayError {
	return new GatewayError(403, 'unauthorized', `This token lacks the scope needed here (${scope})`);
}

/** The scope a request needs: `admin` for plans, accounts' plans, tokens, the audit log and unknown-id requests. */
function neededScope(req: Request): TokenScope {
	const path = req.path;
	if (path.startsWith('/tokens') || path.startsWith('/audit') || path.startsWith('/requests'))
		return 'admin';
	if (READ_ONLY.has(req.method)) return 'read';
	if (path.startsWith('/endpoints')) return 'manage';
	return 'admin';
}

function allows(token: ScopedToken, needed: TokenScope): boolean {
	if (token.scopes.includes('admin')) return true;
	if (needed === 'read') return token.scopes.includes('read') || token.scopes.includes('manage');
	return token.scopes.includes(needed);
}

/** Keeps only the items of a JSON array answer that `keep` accepts. */
function filterJsonArray(res: Response, keep: (item: Record<string, unknown>) => boolean): void {
	const send = res.json.bind(res);
	res.json = (body: unknown) =>
		send(Array.isArray(body) ? body.filter((item) => keep(item as Record<string, unknown>)) : body);
}

/** Middleware after authentication: scope and account checks for scoped tokens. */
export function enforceTokenScopes(management: ManagementService) {
	return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
		const token = res.locals.scopedToken as ScopedToken | undefined;
		if (!token) return next();
		const needed = neededScope(req);
		if (!allows(token, needed)) return next(lacks(needed));
		const accounts = token.accountIds;
		if (accounts === null) return next();
		if (needed === 'admin' && !req.path.startsWith('/accounts'))
			return next(lacks('admin without an account limit'));
		try {
			const [, first, id] = req.path.split('/');
			if (first === 'endpoints' && id) {
				const endpoint = await management.getEndpoint(decodeURIComponent(id));
				if (!accounts.includes(endpoint.accountId))
					throw new GatewayError(
						404,
						'not_found',
						`endpoint '${decodeURIComponent(id)}' does not exist`,
					);
			} else if (first === 'endpoints' && req.method === 'POST') {
				const accountId = (req.body as { accountId?: unknown } | undefined)?.accountId ?? 'default';
				if (typeof accountId !== 'string' || !accounts.includes(accountId))
					throw lacks(`an endpoint of account '${String(accountId)}'`);
			} else if (first === 'endpoints') {
				filterJsonArray(res, (e) => accounts.includes(String(e.accountId)));
			} else if (first === 'accounts' && id) {
				if (!accounts.includes(decodeURIComponent(id)))
					throw new GatewayError(
						404,
						'not_found',
						`account '${decodeURIComponent(id)}' does not exist`,
					);
			} else if (first === 'accounts') {
				filterJsonArray(res, (a) => accounts.includes(String(a.id)));
			}
			next();
		} catch (error) {
			next(error);
		}
	};
}

/** `POST /tokens {name, scopes, accountIds?}` (201, the token shown once), `GET /tokens`, `DELETE /tokens/:id`. */
export function addTokenRoutes(router: Router, tokens: TokenService): void {
	router.post('/tokens', async (req: Request, res: Response) => {
		const who = typeof res.locals.adminWho === 'string' ? res.locals.adminWho : 'admin token';
		res.status(201).json(await tokens.create((req.body ?? {}) as Record<string, unknown>, who));
	});
	router.get('/tokens', async (_req: Request, res: Response) => {
		res.json(await tokens.list());
	});
	router.delete('/tokens/:id', async (req: Request, res: Response) => {
		await tokens.revoke(String(req.params.id));
		res.status(204).end();
	});
}
