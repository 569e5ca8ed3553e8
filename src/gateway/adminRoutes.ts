/**
 * Routes of the admin HTTP API: each reads the path, query and JSON body, calls one
 * ManagementService method and sends its result. Input is checked only for shape (types,
 * unknown fields); every rule about values lives in the service.
 */
import type { Request, Response, Router } from 'express';
import { GatewayError, messageOf, ValidationError } from '../errors';
import type { EndpointInput, ManagementService } from '../management/service';
import { addRequestLogRoutes } from './requestLogRoutes';
import { USAGE_RETENTION_DAYS } from '../redis/usage';

/** Fields an endpoint create/update body may carry (EndpointInput). */
const ENDPOINT_FIELDS = ['name', 'description', 'accountId', 'auth', 'secret', 'ipAllowlist', 'dedupe', 'handshake', 'methods', 'enabled', 'bufferCapacity', 'bufferMaxBytes', 'limits', 'acceptResponse'];
const PLAN_FIELDS = ['id', 'name', 'rate', 'burst', 'daily'];

export interface AdminRouteOptions {
	/** Base URL of this gateway's ingest listener; absent: the listener the admin request came in on. */
	ingestBaseUrl?: string;
}

/** Longest the gateway waits for its own ingest path to answer a test event (ms). */
const TEST_EVENT_TIMEOUT_MS = 10_000;
/** Headers a test event may not set: framing and routing belong to the gateway. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,256}$/;

function hasBody(req: Request): boolean {
	const length = req.get('content-length');
	return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
}

/** The JSON object body; `{}` when the request has none. */
function jsonObject(req: Request): Record<string, unknown> {
	const body: unknown = req.body;
	if (body === undefined) {
		if (hasBody(req)) throw new ValidationError('The request body must be JSON, sent with Content-Type: application/json');
		return {};
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('The request body must be a JSON object');
	return body as Record<string, unknown>;
}

function onlyFields(body: Record<string, unknown>, allowed: string[]): void {
	for (const key of Object.keys(body)) {
		if (!allowed.includes(key)) throw new ValidationError(`'${key.slice(0, 50)}' is not a known field; expected ${allowed.join(', ')}`);
	}
}

function optionalString(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new ValidationError(`${field} must be a string`);
	return value;
}

function stringArray(value: unknown, field: string): string[] {
	if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ValidationError(`${field} must be an array of strings`);
	return value as string[];
}

function queryString(req: Request, name: string): string | undefined {
	const value: unknown = req.query[name];
	if (value === undefined || value === '') return undefined;
	if (typeof value !== 'string') throw new ValidationError(`query parameter ${name} must be given once`);
	return value;
}

function queryCount(req: Request, name: string, fallback: number, max: number): number {
	const text = queryString(req, name);
	if (text === undefined) return fallback;
	const n = Number(text);
	if (!/^\d+$/.test(text) || n < 1 || n > max) throw new ValidationError(`query parameter ${name} must be a whole number from 1 to ${max} (got '${text.slice(0, 20)}')`);
	return n;
}

function endpointInput(body: Record<string, unknown>, allowed: string[]): EndpointInput {
	onlyFields(body, allowed);
	if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw new ValidationError('enabled must be true or false');
	return {
		...body,
		name: optionalString(body.name, 'name'),
		description: optionalString(body.description, 'description'),
		accountId: optionalString(body.accountId, 'accountId'),
		secret: optionalString(body.secret, 'secret'),
		enabled: body.enabled as boolean | undefined,
	};
}

function sendJson(res: Response, status: number, value: unknown): void {
	res.status(status).json(value);
}

function addEndpointRoutes(router: Router, management: ManagementService): void {
	router.get('/endpoints', async (req, res) => {
		sendJson(res, 200, await management.listEndpoints({ accountId: queryString(req, 'accountId'), search: queryString(req, 'search') }));
	});
	router.post('/endpoints', async (req, res) => {
		const { id, createdBy, ...fields } = jsonObject(req);
		const input = { ...endpointInput(fields, ENDPOINT_FIELDS), id: optionalString(id, 'id') };
		sendJson(res, 201, await management.createEndpoint(input, optionalString(createdBy, 'createdBy') ?? 'admin-api'));
	});
	router.get('/endpoints/:id', async (req, res) => {
		sendJson(res, 200, await management.getEndpoint(req.params.id));
	});
	router.patch('/endpoints/:id', async (req, res) => {
		const body = jsonObject(req);
		if (body.id !== undefined && body.id !== req.params.id) throw new ValidationError("an endpoint's id cannot change");
		const { id: _id, ...patch } = body;
		sendJson(res, 200, await management.updateEndpoint(req.params.id, endpointInput(patch, ENDPOINT_FIELDS)));
	});
	router.delete('/endpoints/:id', async (req, res) => {
		await management.deleteEndpoint(req.params.id, { force: queryString(req, 'force') });
		res.status(204).end();
	});
	router.post('/endpoints/:id/rotate-secret', async (req, res) => {
		const body = jsonObject(req);
		onlyFields(body, ['secret', 'graceSeconds']);
		if (body.graceSeconds !== undefined && typeof body.graceSeconds !== 'number') throw new ValidationError('graceSeconds must be a number of seconds');
		const options = { secret: optionalString(body.secret, 'secret'), graceSeconds: body.graceSeconds as number | undefined };
		sendJson(res, 200, await management.rotateSecret(req.params.id, options));
	});
	router.get('/endpoints/:id/usage', async (req, res) => {
		sendJson(res, 200, await management.endpointUsage(req.params.id));
	});
	router.get('/endpoints/:id/usage/history', async (req, res) => {
		sendJson(res, 200, await management.endpointUsageHistory(req.params.id, queryCount(req, 'days', 35, USAGE_RETENTION_DAYS)));
	});
	router.get('/endpoints/:id/stats', async (req, res) => {
		sendJson(res, 200, await management.endpointStats(req.params.id, queryCount(req, 'hours', 24, 48)));
	});
	router.get('/endpoints/:id/events', async (req, res) => {
		sendJson(res, 200, await management.peekEvents(req.params.id, queryCount(req, 'count', 10, 1000)));
	});
	router.get('/endpoints/:id/dead-letters', async (req, res) => {
		sendJson(res, 200, await management.listDeadLetters(req.params.id, queryCount(req, 'count', 100, 10_000)));
	});
	router.post('/endpoints/:id/dead-letters/replay', async (req, res) => {
		const body = jsonObject(req);
		onlyFields(body, ['ids']);
		const ids = body.ids === undefined ? [] : stringArray(body.ids, 'ids');
		sendJson(res, 200, await management.replayDeadLetters(req.params.id, ids));
	});
	router.delete('/endpoints/:id/dead-letters', async (req, res) => {
		const body = jsonObject(req);
		onlyFields(body, ['ids']);
		const ids = stringArray(body.ids, 'ids');
		if (ids.length === 0) throw new ValidationError('ids must name at least one dead letter');
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
		const body = jsonObject(req);
		onlyFields(body, ['eventId', 'time']);
		sendJson(res, 200, await management.rewindSubscriber(req.params.id, req.params.subscriberId, { eventId: body.eventId, time: body.time }));
	});
}

/** Extra headers of a test event: an object of header name → string, lower-cased names. */
function testEventHeaders(value: unknown): Record<string, string> {
	if (value === undefined || value === null) return {};
	if (typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('headers must be an object of header name to string value');
	const out: Record<string, string> = {};
	for (const [rawName, headerValue] of Object.entries(value)) {
		const name = rawName.toLowerCase();
		if (!HEADER_NAME.test(name)) throw new ValidationError(`'${rawName.slice(0, 50)}' is not a valid header name`);
		if (RESERVED_HEADERS.has(name)) throw new ValidationError(`header '${name}' is set by the gateway`);
		if (typeof headerValue !== 'string' || /[\r\n\0]/.test(headerValue)) throw new ValidationError(`header '${name}' must be a string on one line`);
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
function addTestEventRoute(router: Router, management: ManagementService, options: AdminRouteOptions): void {
	router.post('/endpoints/:id/test-event', async (req, res) => {
		const input = jsonObject(req);
		onlyFields(input, ['body', 'headers']);
		const payload = input.body ?? { test: true, source: 'webhook-gateway test event', sentAt: new Date().toISOString() };
		if (typeof payload !== 'object' || payload === null) throw new ValidationError('body must be a JSON object or array');
		const extra = testEventHeaders(input.headers);
		const rawBody = Buffer.from(JSON.stringify(payload), 'utf8');
		const signed = await management.testEventHeaders(req.params.id, rawBody);
		const url = `${options.ingestBaseUrl ?? listenerUrl(req)}/hooks/${encodeURIComponent(req.params.id)}`;
		let answer: globalThis.Response;
		try {
			answer = await fetch(url, {
				method: 'POST',
				headers: { 'user-agent': 'webhook-gateway-test-event', ...extra, ...signed, 'content-type': 'application/json' },
				body: rawBody,
				redirect: 'manual',
				signal: AbortSignal.timeout(TEST_EVENT_TIMEOUT_MS),
			});
		} catch (error) {
			throw new GatewayError(502, 'internal_error', `The gateway could not reach its own ingest path (${url}): ${messageOf(error)}`);
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
		const body = jsonObject(req);
		onlyFields(body, PLAN_FIELDS);
		if (body.id !== undefined && body.id !== req.params.id) throw new ValidationError(`id in the body ('${String(body.id).slice(0, 64)}') differs from the path`);
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
		sendJson(res, 200, await management.accountUsageHistory(req.params.id, queryCount(req, 'days', 35, USAGE_RETENTION_DAYS)));
	});
	router.put('/accounts/:id/plan', async (req, res) => {
		const body = jsonObject(req);
		onlyFields(body, ['planId']);
		const planId = optionalString(body.planId, 'planId');
		if (!planId) throw new ValidationError('planId is required: the id of the plan for this account');
		sendJson(res, 200, await management.setAccountPlan(req.params.id, planId));
	});
}

/** Adds every admin route to `router` (already behind auth and the JSON body parser). */
export function addAdminRoutes(router: Router, management: ManagementService, options: AdminRouteOptions = {}): void {
	addEndpointRoutes(router, management);
	addSubscriberRoutes(router, management);
	addTestEventRoute(router, management, options);
	addPlanRoutes(router, management);
	addAccountRoutes(router, management);
	addRequestLogRoutes(router, management);
}
