/**
 * Routes of the admin HTTP API: each reads the path, query and JSON body, calls one
 * ManagementService method and sends its result. Bodies are checked against their shape in
 * src/management/schemas (types, unknown fields), the one the OpenAPI document shows; every rule
 * about values lives in the service.
 */
import type { Request, Response, Router } from 'express';
import { GatewayError, messageOf, ValidationError } from '../errors';
import type { ManagementService } from '../management/service';
import {
	DeleteDeadLettersRequest,
	EndpointCreate,
	EndpointUpdate,
	parseInput,
	PlanInput,
	ReplayRequest,
	RewindRequest,
	RotateSecretRequest,
	SetAccountPlanRequest,
	TestEventRequest,
} from '../management/schemas';
import { addRequestLogRoutes } from './requestLogRoutes';
import { USAGE_RETENTION_DAYS } from '../redis/usage';

export interface AdminRouteOptions {
	/** Base URL of this gateway's ingest listener; absent: the listener the admin request came in on. */
	ingestBaseUrl?: string;
}

/** Longest the gateway waits for its own ingest path to answer a test event (ms). */
const TEST_EVENT_TIMEOUT_MS = 10_000;
/** Headers a test event may not set: framing and routing belong to the gateway. */
const RESERVED_HEADERS = new Set([
	'host',
	'content-length',
	'content-type',
	'transfer-encoding',
	'connection',
	'keep-alive',
	'upgrade',
	'expect',
	'te',
	'trailer',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,256}$/;

function hasBody(req: Request): boolean {
	const length = req.get('content-length');
	return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/** The JSON object body; `{}` when the request has none. */
function jsonObject(req: Request): Record<string, unknown> {
	const body: unknown = req.body;
	if (body === undefined) {
		if (hasBody(req))
			throw new ValidationError(
				'The request body must be JSON, sent with Content-Type: application/json',
			);
		return {};
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body))
		throw new ValidationError('The request body must be a JSON object');
	return body as Record<string, unknown>;
}

function queryString(req: Request, name: string): string | undefined {
	const value: unknown = req.query[name];
	if (value === undefined || value === '') return undefined;
	if (typeof value !== 'string')
		throw new ValidationError(`query parameter ${name} must be given once`);
	return value;
}

function queryCount(req: Request, name: string, fallback: number, max: number): number {
	const text = queryString(req, name);
	if (text === undefined) return fallback;
	const n = Number(text);
	if (!/^\d+$/.test(text) || n < 1 || n > max)
		throw new ValidationError(
			`query parameter ${name} must be a whole number from 1 to ${max} (got '${text.slice(0, 20)}')`,
		);
	return n;
}

function sendJson(res: Response, status: number, value: unknown): void {
	res.status(status).json(value);
}

function addEndpointRoutes(router: Router, management: ManagementService): void {
	router.get('/endpoints', async (req, res) => {
		sendJson(
			res,
			200,
			await management.listEndpoints({
				accountId: queryString(req, 'accountId'),
				search: queryString(req, 'search'),
			}),
		);
	});
	router.post('/endpoints', async (req, res) => {
		const { createdBy, ...input } = parseInput(EndpointCreate, jsonObject(req));
		sendJson(res, 201, await management.createEndpoint(input, createdBy ?? 'admin-api'));
	});
	router.get('/endpoints/:id', async (req, res) => {
		sendJson(res, 200, await management.getEndpoint(req.params.id));
	});
	router.patch('/endpoints/:id', async (req, res) => {
		const { id, ...patch } = parseInput(EndpointUpdate, jsonObject(req));
		if (id !== undefined && id !== req.params.id)
			throw new ValidationError("an endpoint's id cannot change");
		sendJson(res, 200, await management.updateEndpoint(req.params.id, patch));
	});
	router.delete('/endpoints/:id', async (req, res) => {
		await management.deleteEndpoint(req.params.id, { force: queryString(req, 'force') });
		res.status(204).end();
	});
	router.post('/endpoints/:id/rotate-secret', async (req, res) => {
		sendJson(
			res,
			200,
			await management.rotateSecret(
				req.params.id,
				parseInput(RotateSecretRequest, jsonObject(req)),
			),
		);
	});
	router.get('/endpoints/:id/usage', async (req, res) => {
		sendJson(res, 200, await management.endpointUsage(req.params.id));
	});
	router.get('/endpoints/:id/usage/history', async (req, res) => {
		sendJson(
			res,
			200,
			await management.endpointUsageHistory(
				req.params.id,
				queryCount(req, 'days', 35, USAGE_RETENTION_DAYS),
			),
		);
	});
	router.get('/endpoints/:id/stats', async (req, res) => {
		sendJson(
			res,
			200,
			await management.endpointStats(req.params.id, queryCount(req, 'hours', 24, 48)),
		);
	});
	router.get('/endpoints/:id/events', async (req, res) => {
		sendJson(
			res,
			200,
			await management.peekEvents(req.params.id, queryCount(req, 'count', 10, 1000)),
		);
	});
	router.get('/endpoints/:id/dead-letters', async (req, res) => {
		sendJson(
			res,
			200,
			await management.listDeadLetters(req.params.id, queryCount(req, 'count', 100, 10_000)),
		);
	});
	router.post('/endpoints/:id/dead-letters/replay', async (req, res) => {
		const { ids } = parseInput(ReplayRequest, jsonObject(req));
		sendJson(res, 200, await management.replayDeadLetters(req.params.id, ids ?? []));
	});
	router.delete('/endpoints/:id/dead-letters', async (req, res) => {
		const { ids } = parseInput(DeleteDeadLettersRequest, jsonObject(req));
		sendJson(res, 200, await management.deleteDeadLetters(req.params.id, ids));
	});
}

function addSubscriberRoutes(router: Router, management: ManagementService): void {
	router.get('/endpoints/:id/subscribers', async (req, res) => {
		sendJson(res, 200, await management.listSubscribers(req.params.id));
	});
	router.delete('/endpoints/:id/subscribers/:subscriberId', async (req, res) => {
		await management.removeSubscriber(req.params.id, req.params.subscriberId);
		res.status(204).end();
	});
	router.post('/endpoints/:id/subscribers/:subscriberId/rewind', async (req, res) => {
		const { eventId, time } = parseInput(RewindRequest, jsonObject(req));
		sendJson(
			res,
			200,
			await management.rewindSubscriber(req.params.id, req.params.subscriberId, { eventId, time }),
		);
	});
}

/** Extra headers of a test event: an object of header name → string, lower-cased names. */
function testEventHeaders(value: unknown): Record<string, string> {
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value))
		throw new ValidationError('headers must be an object of header name to string value');
	const out: Record<string, string> = {};
	for (const [rawName, headerValue] of Object.entries(value)) {
		const name = rawName.toLowerCase();
		if (!HEADER_NAME.test(name))
			throw new ValidationError(`'${rawName.slice(0, 50)}' is not a valid header name`);
		if (RESERVED_HEADERS.has(name))
			throw new ValidationError(`header '${name}' is set by the gateway`);
		if (typeof headerValue !== 'string' || /[\r\n\0]/.test(headerValue))
			throw new ValidationError(`header '${name}' must be a string on one line`);
		out[name] = headerValue;
	}
	return out;
}

/** The listener this request arrived on, as a URL (the admin API shares the ingest port). */
function listenerUrl(req: Request): string {
	const raw = req.socket.localAddress ?? '127.0.0.1';
	const address = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice(7) : raw;
	return `http://${address.includes(':') ? `[${address}]` : address}:${req.socket.localPort}`;
}

/**
 * `POST /endpoints/:id/test-event`: signs a JSON body with the endpoint's current secret and
 * sends it through the gateway's own ingest path over HTTP, so it meets every check a real
 * sender's request meets (auth, limits, dedupe) and is counted and buffered like one. Answers
 * `{status, body}` of the ingest answer; the secret and the signed headers stay on the server.
 */
function addTestEventRoute(
	router: Router,
	management: ManagementService,
	options: AdminRouteOptions,
): void {
	router.post('/endpoints/:id/test-event', async (req, res) => {
		const input = parseInput(TestEventRequest, jsonObject(req));
		const payload = input.body ?? {
			test: true,
			source: 'webhook-gateway test event',
			sentAt: new Date().toISOString(),
		};
		const extra = testEventHeaders(input.headers);
		const rawBody = Buffer.from(JSON.stringify(payload), 'utf8');
		const signed = await management.testEventHeaders(req.params.id, rawBody);
		const url = `${options.ingestBaseUrl ?? listenerUrl(req)}/hooks/${encodeURIComponent(req.params.id)}`;
		let answer: globalThis.Response;
		try {
			answer = await fetch(url, {
				method: 'POST',
				headers: {
					'user-agent': 'webhook-gateway-test-event',
					...extra,
					...signed,
					'content-type': 'application/json',
				},
				body: rawBody,
				redirect: 'manual',
				signal: AbortSignal.timeout(TEST_EVENT_TIMEOUT_MS),
			});
		} catch (error) {
			throw new GatewayError(
				502,
				'internal_error',
				`The gateway could not reach its own ingest path (${url}): ${messageOf(error)}`,
			);
		}
		const text = await answer.text();
		let body: unknown = text;
		try {
			body = text === '' ? null : JSON.parse(text);
		} catch {
			// Not JSON (e.g. a handshake's plain text): returned as the text it is.
		}
		sendJson(res, 200, { status: answer.status, body });
	});
}

function addPlanRoutes(router: Router, management: ManagementService): void {
	router.get('/plans', async (_req, res) => {
		sendJson(res, 200, await management.listPlans());
	});
	router.get('/plans/:id', async (req, res) => {
		sendJson(res, 200, await management.getPlan(req.params.id));
	});
	router.put('/plans/:id', async (req, res) => {
		const body = parseInput(PlanInput, jsonObject(req));
		if (body.id !== undefined && body.id !== req.params.id)
			throw new ValidationError(
				`id in the body ('${String(body.id).slice(0, 64)}') differs from the path`,
			);
		sendJson(res, 200, await management.upsertPlan({ ...body, id: req.params.id }));
	});
	router.delete('/plans/:id', async (req, res) => {
		await management.deletePlan(req.params.id);
		res.status(204).end();
	});
}

function addAccountRoutes(router: Router, management: ManagementService): void {
	router.get('/accounts', async (_req, res) => {
		sendJson(res, 200, await management.listAccounts());
	});
	router.get('/accounts/:id', async (req, res) => {
		sendJson(res, 200, await management.getAccount(req.params.id));
	});
	router.get('/accounts/:id/usage/history', async (req, res) => {
		sendJson(
			res,
			200,
			await management.accountUsageHistory(
				req.params.id,
				queryCount(req, 'days', 35, USAGE_RETENTION_DAYS),
			),
		);
	});
	router.put('/accounts/:id/plan', async (req, res) => {
		const { planId } = parseInput(SetAccountPlanRequest, jsonObject(req));
		sendJson(res, 200, await management.setAccountPlan(req.params.id, planId));
	});
}

/** Adds every admin route to `router` (already behind auth and the JSON body parser). */
export function addAdminRoutes(
	router: Router,
	management: ManagementService,
	options: AdminRouteOptions = {},
): void {
	addEndpointRoutes(router, management);
	addSubscriberRoutes(router, management);
	addTestEventRoute(router, management, options);
	addPlanRoutes(router, management);
	addAccountRoutes(router, management);
	addRequestLogRoutes(router, management);
}
