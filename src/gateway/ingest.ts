/**
 * The ingest handler for `/hooks/<endpointId>[/sub/path]` (README "What a sender gets back"): the ten checks in
 * their order, then one Redis round trip (acceptEvent) that decides and stores.
 *
 * It runs on plain node:http in front of express (see server.ts): per request, express's router and
 * response helpers cost about as much CPU as the whole accept, and this path is the hot one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import getRawBody from 'raw-body';
import {
	credentialHeaders,
	hookSecretHandshake,
	ipAllowed,
	signedHandshake,
	unsignedHandshake,
	verifyRequest,
	type HandshakeAnswer,
	type HookSecretHandshake,
} from '../auth';
import { GatewayError } from '../errors';
import { parseBody } from '../parsing/body';
import { mediaType, storedHeaders } from '../parsing/headers';
import type { Logger } from '../logger';
import type { AcceptOutcome } from '../redis';
import type { AcceptStore } from '../redis/acceptStore';
import type { StatsStore } from '../redis/stats';
import type { RegistryCache } from '../registry/cache';
import type { HandshakeSecretStore } from '../registry/handshakeSecret';
import type { EndpointLimits, EndpointRecord, Plan } from '../types';
import { sendAcceptResponse } from './acceptAnswer';
import { clientIp, type TrustFn } from './clientIp';
import type { ErrorTranslator } from './errorAnswer';
import { combinedLimitHeaders } from './limitHeaders';
import type { GatewayMetrics } from './metrics';
import { recordAnswered, type RequestRecorder, type RequestSeen } from './requestLogHook';

export interface IngestDeps {
	cache: RegistryCache;
	accept: AcceptStore;
	stats: StatsStore;
	/** The request log (docs/request-log.md); absent: nothing recorded. */
	requestLog?: RequestRecorder;
	/** Stores secrets that arrive in a handshake (Asana); absent: such handshakes are refused. */
	handshakeSecrets?: HandshakeSecretStore;
	metrics: GatewayMetrics;
	logger: Logger;
	maxBodyBytes: number;
	defaultCapacity: number;
	/** Default byte capacity of an endpoint's buffer (stored size). */
	defaultCapacityBytes: number;
	trust: TrustFn;
	/** Turns any failure into the answer (Redis failures → 503 store_unavailable). */
	translateError: ErrorTranslator;
}

/** Where a `/hooks/...` URL points: endpoint id, decoded sub-path ('' or '/a/b') and raw query. */
export interface HookTarget {
	endpointId: string;
	subPath: string;
	query: string;
}

const HOOKS_PREFIX = '/hooks/';

/**
 * Splits a request URL under /hooks/. @returns undefined when the URL is not an ingest URL (no id),
 * and throws 400 invalid_request for a malformed percent-escape.
 */
export function matchHookUrl(url: string): HookTarget | undefined {
	if (!url.startsWith(HOOKS_PREFIX)) return undefined;
	const q = url.indexOf('?');
	const pathname = q === -1 ? url.slice(HOOKS_PREFIX.length) : url.slice(HOOKS_PREFIX.length, q);
	const slash = pathname.indexOf('/');
	const rawId = slash === -1 ? pathname : pathname.slice(0, slash);
	if (rawId === '') return undefined;
	const rest = slash === -1 ? '' : pathname.slice(slash + 1);
	try {
		return {
			endpointId: decodeURIComponent(rawId),
			subPath: rest === '' ? '' : '/' + rest.split('/').map(decodeURIComponent).join('/'),
			query: q === -1 ? '' : url.slice(q + 1),
		};
	} catch {
		throw new GatewayError(
			400,
			'invalid_request',
			'The request URL has a malformed percent-escape',
		);
	}
}

/** What ingest derives from an endpoint record: the same for every request to it. */
interface EndpointFacts {
	/** The Allow header value. */
	allow: string;
	/** Lower-case credential header names, never stored with an event. */
	credentialHeaders: ReadonlySet<string>;
}

/**
 * Facts per endpoint record. The registry cache hands out the same record object until it reloads
 * it, so a WeakMap keyed by the record is refreshed with it and never outlives it.
 */
const endpointFacts = new WeakMap<EndpointRecord, EndpointFacts>();

function factsOf(endpoint: EndpointRecord): EndpointFacts {
	let facts = endpointFacts.get(endpoint);
	if (!facts) {
		facts = {
			allow: ['OPTIONS', 'HEAD', ...endpoint.methods].join(', '),
			credentialHeaders: new Set(
				credentialHeaders(endpoint.auth).map((name) => name.toLowerCase()),
			),
		};
		endpointFacts.set(endpoint, facts);
	}
	return facts;
}

/** Seconds a sender is asked to wait when an endpoint's buffer is full. */
const BUFFER_FULL_RETRY_SECONDS = 60;

function header(req: IncomingMessage, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = header(req, 'content-length');
	if (declared !== undefined && Number(declared) > limit) {
		throw new GatewayError(
			413,
			'payload_too_large',
			`Request body is larger than the limit of ${limit} bytes`,
			{ reason: 'declared_length' },
		);
	}
	try {
		return await getRawBody(req, {
			limit,
			length: declared === undefined ? undefined : Number(declared),
		});
	} catch (error) {
		const type = (error as { type?: string }).type;
		if (type === 'entity.too.large')
			throw new GatewayError(
				413,
				'payload_too_large',
				`Request body is larger than the limit of ${limit} bytes`,
				{ reason: 'body_length' },
			);
		throw new GatewayError(400, 'invalid_body', 'The request body could not be read completely', {
			cause: error,
		});
	}
}

function dedupeValue(
	endpoint: EndpointRecord,
	req: IncomingMessage,
	body: unknown,
): string | undefined {
	const source = endpoint.dedupe.source;
	if (source.type === 'header') return header(req, source.name) || undefined;
	if (source.type === 'bodyPath') {
		let node: unknown = body;
		for (const part of source.path.split('.')) {
			if (
				node === null ||
				typeof node !== 'object' ||
				!Object.prototype.hasOwnProperty.call(node, part)
			)
				return undefined;
			node = (node as Record<string, unknown>)[part];
		}
		return typeof node === 'string' || typeof node === 'number' ? String(node) : undefined;
	}
	return undefined;
}

function outcomeError(
	outcome: Exclude<AcceptOutcome, { kind: 'accepted' | 'duplicate' }>,
	plan: Plan,
	endpoint: EndpointRecord,
): GatewayError {
	if (outcome.kind === 'buffer_full')
		return new GatewayError(503, 'buffer_full', 'The endpoint buffer is full; retry later', {
			retryAfter: BUFFER_FULL_RETRY_SECONDS,
		});
	const own = outcome.scope === 'endpoint';
	const limits = own ? (endpoint.limits as EndpointLimits) : plan;
	const whose = own ? `endpoint '${endpoint.id}'` : `plan '${plan.id}'`;
	const options = {
		retryAfter: outcome.retryAfterMs / 1000,
		headers: combinedLimitHeaders(plan, endpoint.limits, outcome),
	};
	if (outcome.kind === 'rate_limited') {
		return new GatewayError(
			own ? 'endpoint_rate_limited' : 'rate_limited',
			`Rate limit of ${whose} exceeded (${limits.rate}/s, burst ${limits.burst}); retry later`,
			options,
		);
	}
	return new GatewayError(
		own ? 'endpoint_daily_limit_exceeded' : 'daily_limit_exceeded',
		`Daily limit of ${whose} (${limits.daily} requests per UTC day) reached; it resets at 00:00 UTC`,
		options,
	);
}

/** Writes a JSON answer (Content-Length set, no chunking). */
export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...headers,
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
	});
	res.end(text);
}

/** Writes a handshake answer: JSON as is; plain text echoes the sender's input, so no browser may sniff it into HTML. */
function sendHandshake(res: ServerResponse, answer: HandshakeAnswer): void {
	if (typeof answer.body !== 'string') return sendJson(res, answer.status, answer.body);
	res.writeHead(answer.status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'X-Content-Type-Options': 'nosniff',
		'Content-Length': Buffer.byteLength(answer.body),
	});
	res.end(answer.body);
}

/** Writes a GatewayError as the JSON error body with its headers. */
export function sendError(res: ServerResponse, error: GatewayError): void {
	const headers: Record<string, string> = { ...error.headers };
	if (error.retryAfter !== undefined) headers['Retry-After'] = String(error.retryAfter);
	sendJson(res, error.status, error.toJSON(), headers);
}

/**
 * Stores the secret of Asana's handshake, or throws 403 with the reason the request log shows:
 * `handshake_secret_invalid` (empty, too short or long, repeated header), `handshake_not_awaited`
 * (the endpoint already has its handshake secret; rotating the secret re-arms it).
 * @returns the stored secret, which the answer echoes
 */
async function storeHookSecret(
	deps: IngestDeps,
	endpointId: string,
	handshake: Exclude<HookSecretHandshake, undefined>,
): Promise<string> {
	if (handshake === 'invalid')
		throw new GatewayError(403, 'unauthorized', 'Authentication failed', {
			reason: 'handshake_secret_invalid',
		});
	const stored =
		(await deps.handshakeSecrets?.storeHandshakeSecret(endpointId, handshake.secret, Date.now())) ??
		false;
	if (!stored)
		throw new GatewayError(403, 'unauthorized', 'Authentication failed', {
			reason: 'handshake_not_awaited',
		});
	// Asana sends its first event right after the handshake: this process must not verify it with the cached record.
	deps.cache.invalidate({ kind: 'endpoint', id: endpointId });
	return handshake.secret;
}

/** Handles one request whose URL `matchHookUrl` accepted. Never rejects. */
export type IngestHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	target: HookTarget,
) => Promise<void>;

export function createIngestHandler(deps: IngestDeps): IngestHandler {
	return async function ingest(req, res, target) {
		const started = process.hrtime.bigint();
		const startedMs = Date.now();
		const method = req.method ?? 'GET';
		let metricEndpoint = '';
		let accountId = '';
		let outcome = 'internal_error';
		const seen: RequestSeen = {};
		try {
			const endpoint = await deps.cache.endpoint(target.endpointId);
			if (!endpoint) throw new GatewayError(404, 'endpoint_not_found', 'No endpoint with this id');
			metricEndpoint = endpoint.id;
			accountId = endpoint.accountId;
			seen.accountId = accountId;
			if (!endpoint.enabled)
				throw new GatewayError(403, 'endpoint_disabled', 'This endpoint is disabled');
			const facts = factsOf(endpoint);
			const allow = facts.allow;
			if (method === 'HEAD' || method === 'OPTIONS') {
				outcome = method.toLowerCase();
				res.writeHead(method === 'HEAD' ? 200 : 204, { Allow: allow });
				res.end();
				return;
			}
			const hookSecret = hookSecretHandshake(endpoint, method, req.headers);
			if (hookSecret !== undefined) {
				const sourceIp = clientIp(req, deps.trust);
				seen.sourceIp = sourceIp;
				if (endpoint.ipAllowlist.length > 0 && !ipAllowed(endpoint.ipAllowlist, sourceIp)) {
					throw new GatewayError(403, 'unauthorized', 'Authentication failed', {
						reason: 'ip_not_allowed',
					});
				}
				const secret = await storeHookSecret(deps, endpoint.id, hookSecret);
				outcome = 'handshake';
				res.writeHead(200, { 'X-Hook-Secret': secret, 'Content-Length': 0 });
				res.end();
				return;
			}
			const handshake = unsignedHandshake(endpoint, method, target.query);
			if (handshake === 'forbidden')
				throw new GatewayError(403, 'unauthorized', 'Authentication failed', {
					reason: 'handshake_verify_token',
				});
			if (handshake) {
				outcome = 'handshake';
				sendHandshake(res, handshake);
				return;
			}
			if (!(endpoint.methods as string[]).includes(method)) {
				throw new GatewayError(
					405,
					'method_not_allowed',
					`Method ${method} is not allowed; use ${endpoint.methods.join(', ')}`,
					{ headers: { Allow: allow } },
				);
			}
			const rawBody = await readBody(req, deps.maxBodyBytes);
			const sourceIp = clientIp(req, deps.trust);
			Object.assign(seen, { bytes: rawBody.length, sourceIp });
			const authRequest = { method, headers: req.headers, rawBody, sourceIp, url: req.url };
			const nowMs = Date.now();
			const auth = verifyRequest(endpoint, authRequest, nowMs);
			if (!auth.ok) {
				deps.logger.debug('ingest rejected: authentication failed', {
					endpoint: endpoint.id,
					reason: auth.reason,
				});
				throw new GatewayError(403, 'unauthorized', 'Authentication failed', {
					reason: auth.reason,
				});
			}
			const contentType = header(req, 'content-type');
			const parsed = await parseBody(contentType, rawBody);
			// The parser's message may quote the body: the log keeps only the media type.
			if (!parsed.ok)
				throw new GatewayError(400, 'invalid_body', parsed.message, {
					reason: `unparsable ${(mediaType(contentType) || 'no content type').slice(0, 60)}`,
				});
			const signed = signedHandshake(endpoint, authRequest, parsed.body, nowMs);
			if (signed) {
				outcome = 'handshake';
				sendHandshake(res, signed);
				return;
			}
			const plan = await deps.cache.planOfAccount(endpoint.accountId);
			const result = await deps.accept.accept({
				endpointId: endpoint.id,
				accountId: endpoint.accountId,
				dedupeValue: (seen.deliveryId = dedupeValue(endpoint, req, parsed.body)),
				dedupeWindowMs: endpoint.dedupe.windowSeconds * 1000,
				rate: plan.rate,
				burst: plan.burst,
				daily: plan.daily,
				endpointLimits: endpoint.limits,
				capacity: endpoint.bufferCapacity ?? deps.defaultCapacity,
				capacityBytes: endpoint.bufferMaxBytes ?? deps.defaultCapacityBytes,
				method,
				path: target.subPath,
				query: target.query,
				headers: storedHeaders(req.headers, facts.credentialHeaders),
				sourceIp,
				body: rawBody,
			});
			if (result.kind === 'accepted' || result.kind === 'duplicate') seen.eventId = result.eventId;
			if (result.kind === 'accepted') {
				outcome = 'accepted';
				if (endpoint.acceptResponse)
					return sendAcceptResponse(
						res,
						endpoint.acceptResponse,
						result.eventId,
						combinedLimitHeaders(plan, endpoint.limits, result),
					);
				sendJson(
					res,
					202,
					{ status: 'accepted', eventId: result.eventId },
					combinedLimitHeaders(plan, endpoint.limits, result),
				);
				return;
			}
			if (result.kind === 'duplicate') {
				outcome = 'duplicate';
				if (endpoint.acceptResponse)
					return sendAcceptResponse(res, endpoint.acceptResponse, result.eventId);
				sendJson(res, 200, { status: 'duplicate', eventId: result.eventId });
				return;
			}
			throw outcomeError(result, plan, endpoint);
		} catch (caught) {
			const error = deps.translateError(caught, {
				surface: 'ingest',
				method,
				endpoint: metricEndpoint || target.endpointId,
			});
			outcome = error.code;
			seen.reason = error.reason;
			if (!res.headersSent) sendError(res, error);
			else res.destroy();
		} finally {
			deps.metrics.observe(
				metricEndpoint,
				outcome,
				Number(process.hrtime.bigint() - started) / 1e9,
			);
			if (accountId) deps.stats.record(accountId, metricEndpoint, outcome);
			recordAnswered(
				deps.requestLog,
				req,
				res,
				metricEndpoint || target.endpointId,
				outcome,
				seen,
				deps.trust,
				startedMs,
			);
		}
	};
}
