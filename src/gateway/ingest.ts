/**
 * The ingest handler for `/hooks/<endpointId>[/sub/path]` (PRODUCT.md §3): the ten checks in
 * their order, then one Redis round trip (acceptEvent) that decides and stores.
 */
import type { Request, Response } from 'express';
import getRawBody from 'raw-body';
import { credentialHeaders, verifyRequest } from '../auth';
import { GatewayError, StoreUnavailableError } from '../errors';
import { parseBody } from '../events/body';
import { storedHeaders } from '../events/headers';
import { parseQuery } from '../events/query';
import type { Logger } from '../logger';
import { isConnectionError, type AcceptOutcome } from '../redis';
import type { AcceptStore } from '../redis/acceptStore';
import type { StatsStore } from '../redis/stats';
import type { RegistryCache } from '../registry/cache';
import type { EndpointRecord, Plan } from '../types';
import { rateLimitHeaders } from './limitHeaders';
import type { GatewayMetrics } from './metrics';

export interface IngestDeps {
	cache: RegistryCache;
	accept: AcceptStore;
	stats: StatsStore;
	metrics: GatewayMetrics;
	logger: Logger;
	maxBodyBytes: number;
	defaultCapacity: number;
}

/** Seconds a sender is asked to wait when an endpoint's buffer is full. */
const BUFFER_FULL_RETRY_SECONDS = 60;

function header(req: Request, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

function sourceIpOf(req: Request): string {
	const ip = req.ip ?? req.socket.remoteAddress ?? '';
	return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

async function readBody(req: Request, limit: number): Promise<Buffer> {
	const declared = header(req, 'content-length');
	if (declared !== undefined && Number(declared) > limit) {
		throw new GatewayError(413, 'payload_too_large', `Request body is larger than the limit of ${limit} bytes`);
	}
	try {
		return await getRawBody(req, { limit, length: declared === undefined ? undefined : Number(declared) });
	} catch (error) {
		const type = (error as { type?: string }).type;
		if (type === 'entity.too.large') throw new GatewayError(413, 'payload_too_large', `Request body is larger than the limit of ${limit} bytes`);
		throw new GatewayError(400, 'invalid_body', 'The request body could not be read completely', { cause: error });
	}
}

function dedupeValue(endpoint: EndpointRecord, req: Request, body: unknown): string | undefined {
	const source = endpoint.dedupe.source;
	if (source.type === 'header') return header(req, source.name) || undefined;
	if (source.type === 'bodyPath') {
		let node: unknown = body;
		for (const part of source.path.split('.')) {
			if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
			node = (node as Record<string, unknown>)[part];
		}
		return typeof node === 'string' || typeof node === 'number' ? String(node) : undefined;
	}
	return undefined;
}

/** Provider handshakes that do not carry the endpoint's signature (answered before auth). */
function unsignedHandshake(endpoint: EndpointRecord, req: Request): { status: number; body: string } | undefined {
	const hs = endpoint.handshake;
	if (hs.mode === 'hubChallenge' && req.method === 'GET') {
		const q = parseQuery(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
		const challenge = q['hub.challenge'];
		if (typeof challenge !== 'string') return undefined;
		const token = q['hub.verify_token'];
		if (hs.verifyToken && token !== hs.verifyToken) throw new GatewayError(403, 'unauthorized', 'Authentication failed');
		return { status: 200, body: challenge };
	}
	if (hs.mode === 'validationToken') {
		const q = parseQuery(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
		const token = q.validationToken;
		if (typeof token === 'string') return { status: 200, body: token };
	}
	return undefined;
}

function outcomeError(outcome: Exclude<AcceptOutcome, { kind: 'accepted' | 'duplicate' }>, plan: Plan): GatewayError {
	switch (outcome.kind) {
		case 'rate_limited':
			return new GatewayError(429, 'rate_limited', `Rate limit of plan '${plan.id}' exceeded (${plan.rate}/s, burst ${plan.burst}); retry later`, {
				retryAfter: outcome.retryAfterMs / 1000,
				headers: rateLimitHeaders(plan, { burstRemaining: 0, burstResetMs: outcome.burstResetMs, dailyRemaining: outcome.dailyRemaining, secondsToMidnight: outcome.secondsToMidnight }),
			});
		case 'daily_limit_exceeded':
			return new GatewayError(429, 'daily_limit_exceeded', `Daily limit of plan '${plan.id}' (${plan.daily} requests per UTC day) reached; it resets at 00:00 UTC`, {
				retryAfter: outcome.secondsToMidnight,
				headers: rateLimitHeaders(plan, { burstRemaining: outcome.burstRemaining, burstResetMs: outcome.burstResetMs, dailyRemaining: 0, secondsToMidnight: outcome.secondsToMidnight }),
			});
		case 'buffer_full':
			return new GatewayError(503, 'buffer_full', 'The endpoint buffer is full; retry later', { retryAfter: BUFFER_FULL_RETRY_SECONDS });
	}
}

/** Writes a GatewayError as the JSON error body with its headers. */
export function sendError(res: Response, error: GatewayError): void {
	for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
	if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
	res.status(error.status).json(error.toJSON());
}

export function createIngestHandler(deps: IngestDeps) {
	return async function ingest(req: Request, res: Response): Promise<void> {
		const started = process.hrtime.bigint();
		const endpointId = String(req.params.endpointId ?? '');
		let metricEndpoint = '';
		let accountId = '';
		let outcome = 'internal_error';
		try {
			const endpoint = await deps.cache.endpoint(endpointId);
			if (!endpoint) throw new GatewayError(404, 'endpoint_not_found', 'No endpoint with this id');
			metricEndpoint = endpoint.id;
			accountId = endpoint.accountId;
			if (!endpoint.enabled) throw new GatewayError(403, 'endpoint_disabled', 'This endpoint is disabled');
			if (req.method === 'HEAD' || req.method === 'OPTIONS') {
				outcome = req.method.toLowerCase();
				res.setHeader('Allow', ['OPTIONS', 'HEAD', ...endpoint.methods].join(', '));
				res.status(req.method === 'HEAD' ? 200 : 204).end();
				return;
			}
			const handshake = unsignedHandshake(endpoint, req);
			if (handshake) {
				outcome = 'handshake';
				res.status(handshake.status).type('text/plain').send(handshake.body);
				return;
			}
			if (!(endpoint.methods as string[]).includes(req.method)) {
				res.setHeader('Allow', ['OPTIONS', 'HEAD', ...endpoint.methods].join(', '));
				throw new GatewayError(405, 'method_not_allowed', `Method ${req.method} is not allowed; use ${endpoint.methods.join(', ')}`);
			}
			const rawBody = await readBody(req, deps.maxBodyBytes);
			const sourceIp = sourceIpOf(req);
			const auth = verifyRequest(endpoint, { method: req.method, headers: req.headers, rawBody, sourceIp }, Date.now());
			if (!auth.ok) {
				deps.logger.debug('ingest rejected: authentication failed', { endpoint: endpoint.id, reason: auth.reason });
				throw new GatewayError(403, 'unauthorized', 'Authentication failed');
			}
			const contentType = header(req, 'content-type');
			const parsed = await parseBody(contentType, rawBody);
			if (!parsed.ok) throw new GatewayError(400, 'invalid_body', parsed.message);
			if (endpoint.handshake.mode === 'slack') {
				const body = parsed.body as { type?: unknown; challenge?: unknown } | null;
				if (body && typeof body === 'object' && body.type === 'url_verification' && typeof body.challenge === 'string') {
					outcome = 'handshake';
					res.status(200).json({ challenge: body.challenge });
					return;
				}
			}
			const plan = await deps.cache.planOfAccount(endpoint.accountId);
			const rawUrl = req.originalUrl;
			const q = rawUrl.indexOf('?');
			const result = await deps.accept.accept({
				endpointId: endpoint.id,
				accountId: endpoint.accountId,
				dedupeValue: dedupeValue(endpoint, req, parsed.body),
				dedupeWindowMs: endpoint.dedupe.windowSeconds * 1000,
				rate: plan.rate,
				burst: plan.burst,
				daily: plan.daily,
				capacity: endpoint.bufferCapacity ?? deps.defaultCapacity,
				method: req.method,
				path: String(req.params.subPath ? '/' + (req.params.subPath as unknown as string[]).join('/') : ''),
				query: q >= 0 ? rawUrl.slice(q + 1) : '',
				headersJson: JSON.stringify(storedHeaders(req.headers, credentialHeaders(endpoint.auth))),
				sourceIp,
				body: rawBody,
			});
			if (result.kind === 'accepted') {
				outcome = 'accepted';
				for (const [n, v] of Object.entries(rateLimitHeaders(plan, result))) res.setHeader(n, v);
				res.status(202).json({ status: 'accepted', eventId: result.eventId });
				return;
			}
			if (result.kind === 'duplicate') {
				outcome = 'duplicate';
				res.status(200).json({ status: 'duplicate', eventId: result.eventId });
				return;
			}
			throw outcomeError(result, plan);
		} catch (caught) {
			let error: GatewayError;
			if (caught instanceof GatewayError) error = caught;
			else if (isConnectionError(caught)) error = new StoreUnavailableError(caught);
			else {
				deps.logger.error('ingest failed', { endpoint: metricEndpoint, error: caught instanceof Error ? caught.message : String(caught) });
				error = new GatewayError(500, 'internal_error', 'Internal error');
			}
			outcome = error.code;
			if (!res.headersSent) sendError(res, error);
		} finally {
			deps.metrics.observe(metricEndpoint, outcome, Number(process.hrtime.bigint() - started) / 1e9);
			if (accountId) deps.stats.record(accountId, metricEndpoint, outcome);
		}
	};
}
