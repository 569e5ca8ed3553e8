/**
 * Admin API routes of the request log (docs/request-log.md): a filtered, paged list per endpoint,
 * one entry's detail with its event's delivery state, and the shared log of unknown ids (admin
 * scope: it belongs to no account).
 */
import type { Request, Router } from 'express';
import { ValidationError } from '../errors';
import type { ManagementService } from '../management/service';
import type { RequestQueryText } from '../management/requestLog';

const FILTERS = ['status', 'code', 'from', 'to', 'q', 'limit', 'cursor'] as const;

function queryFilters(req: Request): RequestQueryText {
	const out: Record<string, string> = {};
	for (const name of FILTERS) {
		const value: unknown = req.query[name];
		if (value === undefined || value === '') continue;
		if (typeof value !== 'string')
			throw new ValidationError(`query parameter ${name} must be given once`);
		out[name] = value;
	}
	return out;
}

export function addRequestLogRoutes(router: Router, management: ManagementService): void {
	router.get('/endpoints/:id/requests', async (req, res) => {
		res.json(await management.listRequests(req.params.id as string, queryFilters(req)));
	});
	router.get('/endpoints/:id/requests/:requestId', async (req, res) => {
		res.json(await management.getRequest(req.params.id as string, req.params.requestId as string));
	});
	router.get('/requests/unknown', async (req, res) => {
		res.json(await management.listUnknownRequests(queryFilters(req)));
	});
}
