/**
 * Fuzz of the ingest path (docs/reliability.md, "Bad input and slow clients"): at least 10,000
 * random requests (seeded; FUZZ_SEED=<n> replays the same requests) against a spawned
 * `webhook-gateway serve` process (needs `npm run build`), through a pool of keep-alive
 * connections plus some raw sockets carrying mangled bytes. Random methods (odd ones too), paths
 * (endpoints of every auth type, junk ids), headers, content types, bodies (random bytes,
 * truncated and deep JSON, huge numbers, forms, multipart, oversized, chunked) and signatures
 * (valid, stale, for another body, garbage).
 *
 * Asserts: the process never crashes and still answers /healthz; no 500; every status is in the
 * documented set; every JSON error has a documented code for its status; memory stays steady
 * (VmRSS of the gateway process after a warm-up vs. at the end). Prints the seed and the figures.
 * Env: FUZZ_SEED (replay), FUZZ_REQUESTS (default 10000).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '../../src/auth';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import type { EndpointAuth } from '../../src/types';
import { spawnGateway, uniquePrefix, type GatewayProcess } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const SEED = process.env.FUZZ_SEED
	? Number(process.env.FUZZ_SEED) >>> 0
	: randomBytes(4).readUInt32BE(0);
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const WARM_UP = Math.min(2_000, Math.floor(TOTAL / 5));
const CONNECTIONS = 24;
const MAX_BODY = 64 * 1024;
const TIME_BUDGET_MS = 90_000;
const MAX_RSS_GROWTH_MB = 50;
/** Lets the test read the gateway's heap from /metrics. */
const METRICS_TOKEN = `fuzz-metrics-${randomBytes(16).toString('hex')}`;
/** Also generate malformed percent-escapes in paths (`/hooks/%ZZ`, `/hooks/%FF`): they must get a 400. */
const INCLUDE_MALFORMED_ESCAPES = true;

/** Every status the gateway may answer an ingest-side request with (docs/reliability.md); 401: /metrics without a token. */
const DOCUMENTED_STATUSES = new Set([200, 202, 204, 400, 401, 403, 404, 405, 413, 429, 431, 503]);
/** The JSON error codes each error status may carry. */
const CODES_BY_STATUS: Record<number, string[]> = {
	400: ['invalid_body', 'invalid_request'],
	401: ['unauthorized'],
	403: ['endpoint_disabled', 'unauthorized'],
	404: ['endpoint_not_found', 'not_found'],
	405: ['method_not_allowed'],
	413: ['payload_too_large'],
	429: ['rate_limited', 'daily_limit_exceeded'],
	503: ['buffer_full', 'store_unavailable'],
};

// ---------------------------------------------------------------- seeded randomness

/** mulberry32: small, fast, good enough to spread fuzz cases; deterministic per seed. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

class Random {
	constructor(readonly next: () => number) {}
	int(n: number): number {
		return Math.floor(this.next() * n);
	}
	range(min: number, max: number): number {
		return min + this.int(max - min + 1);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(list: readonly T[]): T {
		return list[this.int(list.length)];
	}
	bytes(n: number): Buffer {
		const out = Buffer.alloc(n);
		for (let i = 0; i < n; i++) out[i] = this.int(256);
		return out;
	}
	/** Printable ASCII, sometimes with Latin-1 (valid in header values). */
	headerValue(max: number): string {
		let s = '';
		const n = this.int(max + 1);
		for (let i = 0; i < n; i++)
			s += String.fromCharCode(this.chance(0.05) ? this.range(0xa0, 0xff) : this.range(0x20, 0x7e));
		return s.trim();
	}
	/** Text with the awkward parts of Unicode: escapes, controls, astral characters, RTL marks. */
	text(max: number): string {
		const pool = [
			'a',
			'Z',
			'0',
			' ',
			'"',
			'\\',
			'/',
			'\n',
			'\t',
			'\u0000',
			'\u001f',
			'é',
			'ü',
			'€',
			'\u2028',
			'\u202e',
			'\ufeff',
			'😀',
			'𝄞',
			'{',
			'}',
			'[',
			']',
			':',
			',',
			'&',
			'=',
			'%',
			'+',
			'<',
			'>',
			"'",
			'$',
			'{{',
		];
		let s = '';
		const n = this.int(max + 1);
		for (let i = 0; i < n; i++) s += this.pick(pool);
		return s;
	}
}

// ---------------------------------------------------------------- the endpoints under test

interface FuzzEndpoint {
	id: string;
	auth: EndpointAuth;
	secret?: string;
}

const ALL = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ENDPOINTS: Array<{ id: string; accountId?: string; input: Record<string, unknown> }> = [
	{ id: 'fz-none', input: { methods: ALL } },
	{ id: 'fz-header', input: { auth: { type: 'header', headerName: 'x-api-key' }, methods: ALL } },
	{ id: 'fz-bearer', input: { auth: { type: 'header' } } },
	{ id: 'fz-basic', input: { auth: { type: 'basic', username: 'fuzz' } } },
	{ id: 'fz-github', input: { auth: { type: 'hmac', preset: 'github' } } },
	{ id: 'fz-stripe', input: { auth: { type: 'hmac', preset: 'stripe' } } },
	{ id: 'fz-shopify', input: { auth: { type: 'hmac', preset: 'shopify' } } },
	{ id: 'fz-slack', input: { auth: { type: 'hmac', preset: 'slack' }, handshake: 'slack' } },
	{ id: 'fz-stdwh', input: { auth: { type: 'hmac', preset: 'standardWebhooks' } } },
	{
		id: 'fz-generic',
		input: {
			auth: {
				type: 'hmac',
				preset: 'generic',
				header: 'x-sig',
				algorithm: 'sha512',
				encoding: 'base64',
				prefix: 'sha512=',
			},
		},
	},
	{ id: 'fz-ip', input: { ipAllowlist: ['10.0.0.0/8'] } },
	{ id: 'fz-disabled', input: { enabled: false } },
	{ id: 'fz-get', input: { methods: ['GET'] } },
	{
		id: 'fz-dedupe',
		input: { dedupe: { source: { type: 'header', name: 'idempotency-key' } }, methods: ALL },
	},
	{ id: 'fz-dedupe-body', input: { dedupe: { source: { type: 'bodyPath', path: 'data.id' } } } },
	{ id: 'fz-cap', input: { bufferCapacity: 5 } },
	{
		id: 'fz-hub',
		input: {
			handshake: { mode: 'hubChallenge', verifyToken: 'fuzz-verify' },
			methods: ['GET', 'POST'],
		},
	},
	{ id: 'fz-graph', input: { handshake: 'validationToken' } },
	{ id: 'fz-limited', accountId: 'fz-acct-limited', input: { methods: ALL } },
];

// ---------------------------------------------------------------- request generation

interface Spec {
	n: number;
	transport: 'http' | 'raw';
	method: string;
	path: string;
	endpoint?: FuzzEndpoint;
	headers: Array<[string, string]>;
	body: Buffer | undefined;
	chunked: boolean;
	sign: 'valid' | 'stale' | 'other-body' | 'wrong-secret' | 'garbage' | 'none';
	/** Raw transport: how the bytes get mangled. */
	mangle: 'none' | 'flip' | 'inject' | 'truncate' | 'garbage';
	mangleSeed: number;
}

const ODD_METHODS = [
	'PROPFIND',
	'PROPPATCH',
	'MKCOL',
	'COPY',
	'MOVE',
	'LOCK',
	'UNLOCK',
	'SEARCH',
	'REPORT',
	'PURGE',
	'TRACE',
	'M-SEARCH',
	'NOTIFY',
	'SUBSCRIBE',
	'UNSUBSCRIBE',
	'LINK',
	'UNLINK',
	'MKCALENDAR',
	'QUERY',
	'ACL',
	'BIND',
	'REBIND',
	'UNBIND',
	'MERGE',
	'CHECKOUT',
	'MKACTIVITY',
	'SOURCE',
];
const CONTENT_TYPES = [
	'application/json',
	'application/json; charset=utf-8',
	'Application/JSON',
	'application/vnd.api+json',
	'text/json',
	'text/plain',
	'text/plain; charset=iso-8859-1',
	'text/html',
	'application/xml',
	'application/x-www-form-urlencoded',
	'multipart/form-data; boundary=fuzzBoundary',
	'multipart/form-data',
	'application/octet-stream',
	'image/png',
	'application/json; charset=nope',
	'application/json; charset=utf-16le',
	';;',
	'',
	'x',
	'application/',
];

function percentEncoded(rnd: Random, max: number): string {
	return encodeURIComponent(rnd.text(max)).replace(
		/[!'()*]/g,
		(c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
	);
}

function junkId(rnd: Random): string {
	switch (rnd.int(9)) {
		case 0:
			return '';
		case 1:
			return percentEncoded(rnd, 20);
		case 2:
			return 'x'.repeat(rnd.pick([64, 65, 300, 5000]));
		case 3:
			return rnd.pick([
				'..%2F..%2Fetc%2Fpasswd',
				'%2e%2e',
				'..',
				'.',
				'%00',
				'fz-none%00',
				'%E2%9C%93',
				'%F0%9F%92%A9',
				'FZ-NONE',
				'fz-none%20',
				'*',
				';',
				'fz-none;x',
			]);
		case 4:
			return `fz-${rnd.headerValue(10).replace(/[^a-z0-9-]/g, '')}`;
		case 5:
			return INCLUDE_MALFORMED_ESCAPES
				? rnd.pick(['%', '%Z', '%E0%A4%A', '%C0', 'a%2'])
				: percentEncoded(rnd, 5);
		default:
			return rnd.bytes(rnd.range(1, 12)).toString('hex');
	}
}

function queryString(rnd: Random): string {
	if (rnd.chance(0.6)) return '';
	const parts: string[] = [];
	const n = rnd.range(1, 6);
	for (let i = 0; i < n; i++) {
		const key = rnd.pick([
			'a',
			'event',
			'__proto__',
			'constructor[prototype][x]',
			'hub.challenge',
			'hub.verify_token',
			'hub.mode',
			'validationToken',
			'x[]',
			percentEncoded(rnd, 8),
		]);
		parts.push(
			rnd.chance(0.2)
				? key
				: `${key}=${key === 'hub.verify_token' && rnd.chance(0.5) ? 'fuzz-verify' : percentEncoded(rnd, 12)}`,
		);
	}
	if (rnd.chance(0.1)) parts.push('%FF=%C0%AF');
	return '?' + parts.join(rnd.chance(0.9) ? '&' : ';');
}

function randomPath(
	rnd: Random,
	endpoints: FuzzEndpoint[],
): { path: string; endpoint?: FuzzEndpoint } {
	const roll = rnd.next();
	if (roll < 0.72) {
		const endpoint = rnd.pick(endpoints);
		const sub = rnd.chance(0.15)
			? '/' + Array.from({ length: rnd.range(1, 4) }, () => percentEncoded(rnd, 6) || 'x').join('/')
			: '';
		return { path: `/hooks/${endpoint.id}${sub}${queryString(rnd)}`, endpoint };
	}
	if (roll < 0.95) {
		const slashes = rnd.chance(0.1) ? '//' : '/';
		return { path: `/hooks${slashes}${junkId(rnd)}${queryString(rnd)}` };
	}
	return {
		path:
			rnd.pick([
				'/',
				'/healthz',
				'/readyz',
				'/hooks',
				'/hooks/',
				'/HOOKS/fz-none',
				'/favicon.ico',
				'/.env',
				'/hooks\\fz-none',
				'/metrics',
			]) + queryString(rnd),
	};
}

/** JSON text built by hand so that it can hold what JSON.stringify never writes (1e400, -0, 30-digit integers). */
function jsonText(rnd: Random, depth: number): string {
	const scalar = () => {
		switch (rnd.int(8)) {
			case 0:
				return 'null';
			case 1:
				return rnd.pick(['true', 'false']);
			case 2:
				return rnd.pick([
					'1e400',
					'-1e400',
					'1e-400',
					'-0',
					'123456789012345678901234567890',
					'9007199254740993',
					'0.1',
					'-2.5E+3',
					'0',
				]);
			case 3:
				return String(rnd.int(1_000_000));
			default:
				return JSON.stringify(rnd.text(20));
		}
	};
	if (depth <= 0 || rnd.chance(0.35)) return scalar();
	const n = rnd.int(6);
	if (rnd.chance(0.5))
		return '[' + Array.from({ length: n }, () => jsonText(rnd, depth - 1)).join(',') + ']';
	const key = () =>
		JSON.stringify(
			rnd.chance(0.15)
				? rnd.pick(['__proto__', 'constructor', 'prototype', 'id', 'data', 'type', 'challenge'])
				: rnd.text(8),
		);
	return (
		'{' + Array.from({ length: n }, () => `${key()}:${jsonText(rnd, depth - 1)}`).join(',') + '}'
	);
}

type BodyKind =
	| 'json'
	| 'json-truncated'
	| 'json-deep'
	| 'json-numbers'
	| 'json-id'
	| 'slack-challenge'
	| 'bytes'
	| 'text'
	| 'form'
	| 'multipart'
	| 'oversize'
	| 'empty';

function randomBody(rnd: Random): { kind: BodyKind; body: Buffer } {
	const kind = rnd.pick<BodyKind>([
		'json',
		'json',
		'json',
		'json-truncated',
		'json-deep',
		'json-numbers',
		'json-id',
		'slack-challenge',
		'bytes',
		'bytes',
		'text',
		'form',
		'multipart',
		'empty',
		'empty',
	]);
	const text = (s: string) => ({ kind, body: Buffer.from(s, 'utf8') });
	switch (kind) {
		case 'json':
			return text(jsonText(rnd, rnd.range(1, 6)));
		case 'json-truncated': {
			const full = jsonText(rnd, 5);
			return text(full.slice(0, rnd.int(full.length)));
		}
		case 'json-deep': {
			const depth = rnd.pick([50, 511, 512, 513, 2000, 10_000]);
			return text(
				rnd.chance(0.5)
					? '['.repeat(depth) + ']'.repeat(depth)
					: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
			);
		}
		case 'json-numbers':
			return text(
				'{"big":1e400,"neg":-1e400,"tiny":1e-400,"negzero":-0,"int":123456789012345678901234567890,"unsafe":9007199254740993}',
			);
		case 'json-id':
			return text(
				JSON.stringify({
					id: `evt_${rnd.int(20)}`,
					data: { id: `obj_${rnd.int(20)}` },
					type: 'fuzz',
				}),
			);
		case 'slack-challenge':
			return text(
				JSON.stringify({ type: 'url_verification', challenge: rnd.text(10), token: 'x' }),
			);
		case 'bytes':
			return { kind, body: rnd.bytes(rnd.int(4096)) };
		case 'text':
			return text(rnd.text(500));
		case 'form': {
			const pairs = Array.from(
				{ length: rnd.range(1, 8) },
				() => `${percentEncoded(rnd, 6)}=${rnd.chance(0.1) ? '%FF%FE' : percentEncoded(rnd, 10)}`,
			);
			return text(pairs.join('&'));
		}
		case 'multipart': {
			const parts = Array.from({ length: rnd.range(0, 3) }, (_, i) =>
				rnd.chance(0.5)
					? `--fuzzBoundary\r\nContent-Disposition: form-data; name="${rnd.pick(['a', '__proto__', 'f' + i])}"\r\n\r\n${rnd.text(20)}\r\n`
					: `--fuzzBoundary\r\nContent-Disposition: form-data; name="file${i}"; filename="${rnd.pick(['a.txt', '../../etc/passwd', 'x"y.bin'])}"\r\nContent-Type: application/octet-stream\r\n\r\n${rnd.bytes(rnd.int(200)).toString('latin1')}\r\n`,
			);
			const full = Buffer.from(parts.join('') + '--fuzzBoundary--\r\n', 'latin1');
			return { kind, body: rnd.chance(0.2) ? full.subarray(0, rnd.int(full.length)) : full };
		}
		case 'oversize':
			return { kind, body: rnd.bytes(rnd.range(MAX_BODY + 1, MAX_BODY + 40_000)) };
		case 'empty':
			return { kind, body: Buffer.alloc(0) };
	}
}

function contentTypeFor(rnd: Random, kind: BodyKind): string | undefined {
	if (rnd.chance(0.1)) return undefined;
	if (rnd.chance(0.35)) return rnd.pick(CONTENT_TYPES);
	if (kind.startsWith('json') || kind === 'slack-challenge')
		return rnd.pick([
			'application/json',
			'application/json; charset=utf-8',
			'application/cloudevents+json',
		]);
	if (kind === 'form') return 'application/x-www-form-urlencoded';
	if (kind === 'multipart') return 'multipart/form-data; boundary=fuzzBoundary';
	if (kind === 'text')
		return rnd.pick(['text/plain', 'text/plain; charset=utf-8', 'application/xml']);
	return rnd.pick(['application/octet-stream', 'image/png', 'application/x-custom']);
}

function generate(rnd: Random, n: number, endpoints: FuzzEndpoint[]): Spec {
	const roll = rnd.next();
	const method =
		roll < 0.42
			? 'POST'
			: roll < 0.55
				? 'GET'
				: roll < 0.6
					? 'PUT'
					: roll < 0.65
						? 'PATCH'
						: roll < 0.7
							? 'DELETE'
							: roll < 0.76
								? 'HEAD'
								: roll < 0.81
									? 'OPTIONS'
									: rnd.pick(ODD_METHODS);
	const { path, endpoint } = randomPath(rnd, endpoints);
	const wantsBody = method !== 'GET' && method !== 'HEAD' ? rnd.chance(0.9) : rnd.chance(0.1);
	const { kind, body } = wantsBody
		? rnd.chance(0.012)
			? {
					kind: 'oversize' as BodyKind,
					body: rnd.bytes(rnd.range(MAX_BODY + 1, MAX_BODY + 40_000)),
				}
			: randomBody(rnd)
		: { kind: 'empty' as BodyKind, body: undefined };
	const headers: Array<[string, string]> = [];
	const type = contentTypeFor(rnd, kind);
	if (type !== undefined && (body !== undefined || rnd.chance(0.3)))
		headers.push(['content-type', type]);
	const extra = rnd.int(6);
	for (let i = 0; i < extra; i++) {
		const name = rnd.pick([
			'x-fuzz',
			'x-fuzz-' + rnd.int(50),
			'user-agent',
			'accept',
			'cookie',
			'idempotency-key',
			'x-github-delivery',
			'x-shopify-webhook-id',
			'webhook-id',
			'x-forwarded-for',
			'forwarded',
			'content-encoding',
			'authorization',
			'x-api-key',
			'x-hub-signature-256',
			'__proto__',
			'constructor',
			'x-template',
		]);
		const value =
			name === 'idempotency-key' || name === 'x-github-delivery'
				? `d-${rnd.int(30)}`
				: name === 'x-forwarded-for'
					? `10.${rnd.int(256)}.${rnd.int(256)}.${rnd.int(256)}`
					: name === 'content-encoding'
						? rnd.pick(['gzip', 'br', 'identity', 'x'])
						: rnd.headerValue(rnd.chance(0.02) ? 4000 : 60);
		headers.push([name, value]);
	}
	if (rnd.chance(0.004)) headers.push(['x-huge', 'h'.repeat(rnd.range(16 * 1024, 40 * 1024))]);
	const sign = endpoint?.secret
		? rnd.pick<Spec['sign']>([
				'valid',
				'valid',
				'valid',
				'stale',
				'other-body',
				'wrong-secret',
				'garbage',
				'none',
			])
		: rnd.chance(0.1)
			? 'garbage'
			: 'none';
	const transport = rnd.chance(0.03) ? 'raw' : 'http';
	return {
		n,
		transport,
		method,
		path,
		endpoint,
		headers,
		body,
		chunked: body !== undefined && body.length > 0 && transport === 'http' && rnd.chance(0.1),
		sign,
		mangle:
			transport === 'raw'
				? rnd.pick(['none', 'flip', 'flip', 'inject', 'truncate', 'garbage'])
				: 'none',
		mangleSeed: rnd.int(2 ** 31),
	};
}

/** The signature headers for a spec, computed when it is sent (timestamps are checked against now). */
function authHeaders(spec: Spec, rnd: Random): Array<[string, string]> {
	const endpoint = spec.endpoint;
	const body = spec.body ?? Buffer.alloc(0);
	if (spec.sign === 'garbage') {
		return [
			[
				rnd.pick([
					'authorization',
					'x-api-key',
					'x-hub-signature-256',
					'stripe-signature',
					'x-shopify-hmac-sha256',
					'x-slack-signature',
					'webhook-signature',
					'x-sig',
				]),
				rnd.pick(['Bearer ', 'Basic ', 'sha256=', 't=1,v1=', 'v0=', 'v1,', '']) +
					rnd.headerValue(80),
			],
		];
	}
	if (!endpoint?.secret || spec.sign === 'none') return [];
	const now = spec.sign === 'stale' ? Date.now() - 3_600_000 : Date.now();
	const secret =
		spec.sign === 'wrong-secret' ? endpoint.secret.slice(0, -2) + 'zz' : endpoint.secret;
	const signed = spec.sign === 'other-body' ? Buffer.concat([body, Buffer.from(' ')]) : body;
	return Object.entries(
		signRequest(endpoint.auth, secret, signed, now, { id: `msg_${rnd.int(40)}` }),
	);
}

// ---------------------------------------------------------------- sending

interface Outcome {
	status?: number;
	contentType?: string;
	body: string;
	retryAfter?: string;
	error?: string;
}

function sendHttp(
	agent: http.Agent,
	port: number,
	spec: Spec,
	headers: Array<[string, string]>,
): Promise<Outcome> {
	return new Promise((resolve) => {
		// A raw header array (repeats and odd names kept as given); node then adds no Host itself.
		const flat: string[] = ['host', `127.0.0.1:${port}`];
		for (const [k, v] of headers) flat.push(k, v);
		if (spec.body !== undefined) {
			if (spec.chunked) flat.push('transfer-encoding', 'chunked');
			else flat.push('content-length', String(spec.body.length));
		}
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				method: spec.method,
				path: spec.path,
				agent,
				headers: flat as unknown as http.OutgoingHttpHeaders,
				timeout: 20_000,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode,
						contentType: res.headers['content-type'],
						body: Buffer.concat(chunks).toString('utf8'),
						retryAfter: res.headers['retry-after'],
					}),
				);
				res.on('error', (e) => resolve({ body: '', error: e.message }));
			},
		);
		req.on('timeout', () => req.destroy(new Error('client timeout: no answer in 20 s')));
		req.on('error', (e) =>
			resolve({ body: '', error: (e as NodeJS.ErrnoException).code ?? e.message }),
		);
		if (spec.body !== undefined && spec.chunked) {
			const cut = Math.floor(spec.body.length / 2);
			req.write(spec.body.subarray(0, cut));
			req.end(spec.body.subarray(cut));
		} else {
			req.end(spec.body);
		}
	});
}

/** Bytes up to the first CR or LF: what node reads as the request line. */
function requestLine(bytes: Buffer): Buffer {
	const cr = bytes.indexOf(0x0d);
	const lf = bytes.indexOf(0x0a);
	const ends = [cr, lf].filter((i) => i !== -1);
	return ends.length === 0 ? bytes : bytes.subarray(0, Math.min(...ends));
}

/** Whether the request target has an escape the router cannot decode (`%ZZ`, or `%FF`: not UTF-8). */
function hasMalformedEscape(line: Buffer): boolean {
	const target = line.toString('latin1').split(' ')[1] ?? '';
	try {
		decodeURIComponent(target.split('?')[0]);
		return false;
	} catch {
		return true;
	}
}

function rawBytes(spec: Spec, headers: Array<[string, string]>): Buffer {
	const body = spec.body ?? Buffer.alloc(0);
	const head =
		[
			`${spec.method} ${spec.path} HTTP/1.1`,
			'Host: 127.0.0.1',
			'Connection: close',
			...headers.map(([k, v]) => `${k}: ${v}`),
			`Content-Length: ${body.length}`,
		].join('\r\n') + '\r\n\r\n';
	const bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
	const rnd = new Random(prng(spec.mangleSeed));
	const headLength = Buffer.byteLength(head, 'latin1');
	const mangled = Buffer.from(bytes);
	switch (spec.mangle) {
		case 'none':
			return bytes;
		case 'flip':
			for (let i = 0, n = rnd.range(1, 4); i < n; i++) mangled[rnd.int(headLength)] = rnd.int(256);
			break;
		case 'inject':
			mangled[rnd.int(headLength - 4)] = rnd.pick([0x0d, 0x0a, 0x00, 0x20, 0x3a]);
			break;
		case 'truncate':
			return bytes.subarray(0, rnd.int(headLength));
		case 'garbage':
			return rnd.bytes(rnd.range(1, 300));
	}
	// Keep the request line free of malformed escapes while that bug is open (see above).
	if (!INCLUDE_MALFORMED_ESCAPES && hasMalformedEscape(requestLine(mangled))) return bytes;
	return mangled;
}

/** Raw socket: write, read the first answer; 'no answer' when the server closes or 1.5 s pass. */
function sendRaw(
	port: number,
	bytes: Buffer,
): Promise<Outcome & { closedWithoutAnswer?: boolean; waited?: boolean }> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let data = Buffer.alloc(0);
		let settled = false;
		const finish = (how: 'close' | 'timeout') => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			socket.destroy();
			const text = data.toString('latin1');
			const end = text.indexOf('\r\n\r\n');
			const status = /^HTTP\/1\.1 (\d{3}) /.exec(text);
			if (!status) {
				resolve({ body: '', closedWithoutAnswer: how === 'close', waited: how === 'timeout' });
				return;
			}
			const head = end === -1 ? text : text.slice(0, end);
			const contentType = /\r\ncontent-type: *([^\r]*)/i.exec(head)?.[1];
			resolve({
				status: Number(status[1]),
				contentType,
				body: end === -1 ? '' : Buffer.from(text.slice(end + 4), 'latin1').toString('utf8'),
				retryAfter: /\r\nretry-after: *([^\r]*)/i.exec(head)?.[1],
			});
		};
		const timer = setTimeout(() => finish('timeout'), 1500);
		socket.on('data', (c: Buffer) => (data = Buffer.concat([data, c])));
		socket.on('error', () => finish('close'));
		socket.on('close', () => finish('close'));
		socket.write(bytes);
	});
}

// ---------------------------------------------------------------- the run

function rssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
	return kb / 1024;
}

/** V8 heap in use (MB) as the gateway reports it in /metrics (prom-client's default metrics). */
async function heapUsedMb(baseUrl: string): Promise<number> {
	const text = await (
		await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
	).text();
	return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]) / 1024 / 1024;
}

interface Tally {
	statuses: Map<number, number>;
	codes: Map<string, number>;
	violations: string[];
	clientErrors: Map<string, number>;
	rawNoAnswer: number;
	rawWaited: number;
	http500: number;
	/** 202s per endpoint: shows that signed requests of every scheme got through. */
	acceptedBy: Map<string, number>;
}

function check(spec: Spec, outcome: Outcome, tally: Tally, hugeHeader: boolean): void {
	const where = () =>
		`#${spec.n} ${spec.transport} ${spec.method} ${spec.path.slice(0, 80)} (${spec.mangle})`;
	if (outcome.status === undefined) {
		if (outcome.error) {
			tally.clientErrors.set(outcome.error, (tally.clientErrors.get(outcome.error) ?? 0) + 1);
			// A connection error is only expected when node drops an over-long header block.
			if (!hugeHeader) tally.violations.push(`${where()}: connection error ${outcome.error}`);
		}
		return;
	}
	const status = outcome.status;
	tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
	if (status === 500) tally.http500++;
	if (status === 202 && spec.endpoint)
		tally.acceptedBy.set(spec.endpoint.id, (tally.acceptedBy.get(spec.endpoint.id) ?? 0) + 1);
	if (!DOCUMENTED_STATUSES.has(status))
		tally.violations.push(
			`${where()}: undocumented status ${status} ${outcome.body.slice(0, 120)}`,
		);
	if ((status === 429 || status === 503) && !(Number(outcome.retryAfter) >= 1))
		tally.violations.push(`${where()}: ${status} without Retry-After`);
	if (status < 300 || spec.method === 'HEAD') return;
	if (!/^application\/json/.test(outcome.contentType ?? '')) {
		// Only node's own protocol answers (400 for broken bytes, 431 for huge headers) have no JSON body.
		const nodeLevel = status === 431 || (status === 400 && spec.transport === 'raw');
		// (node sends them empty; the one for a missing Host header as an empty chunked body).
		if (!nodeLevel || !(outcome.body === '' || outcome.body === '0\r\n\r\n'))
			tally.violations.push(
				`${where()}: ${status} without a JSON error body: ${JSON.stringify(outcome.body.slice(0, 120))}`,
			);
		return;
	}
	let code: unknown;
	try {
		code = (JSON.parse(outcome.body) as { error?: { code?: unknown } }).error?.code;
	} catch {
		tally.violations.push(`${where()}: ${status} with a body that is not JSON`);
		return;
	}
	tally.codes.set(
		`${status} ${String(code)}`,
		(tally.codes.get(`${status} ${String(code)}`) ?? 0) + 1,
	);
	if (!(CODES_BY_STATUS[status] ?? []).includes(String(code)))
		tally.violations.push(`${where()}: ${status} with undocumented code ${String(code)}`);
}

describe(`ingest fuzz (seed ${SEED})`, () => {
	let redis: RedisServer;
	let stores: Stores;
	let gw: GatewayProcess;
	const endpoints: FuzzEndpoint[] = [];

	before(async () => {
		redis = await startRedis();
		const prefix = uniquePrefix();
		stores = createStores({ url: redis.url, offlineQueue: true }, prefix);
		const management = new ManagementService(stores, {
			publicUrl: 'http://127.0.0.1',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 1_000_000,
		});
		await management.setAccountPlan('fz-acct', 'unlimited');
		await management.setAccountPlan('fz-acct-limited', 'advanced');
		for (const e of ENDPOINTS) {
			const { endpoint, secret } = await management.createEndpoint(
				{ auth: { type: 'none' }, id: e.id, accountId: e.accountId ?? 'fz-acct', ...e.input },
				'fuzz',
			);
			endpoints.push({ id: endpoint.id, auth: endpoint.auth, secret });
		}
		gw = await spawnGateway({
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
			WEBHOOK_GATEWAY_MAX_BODY: String(MAX_BODY),
			WEBHOOK_GATEWAY_LOG_LEVEL: 'error',
			WEBHOOK_GATEWAY_METRICS_TOKEN: METRICS_TOKEN,
			WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT: '1000000',
		});
	});
	after(async () => {
		await gw?.stop();
		await stores?.close();
		await redis?.stop();
	});

	it(
		`${TOTAL} random requests: no crash, no 500, only documented statuses and codes, steady memory`,
		{ timeout: TIME_BUDGET_MS + 30_000 },
		async () => {
			console.log(
				`fuzz seed: ${SEED} (replay: FUZZ_SEED=${SEED} node --import tsx --test test/integration/fuzz.test.ts)`,
			);
			const rnd = new Random(prng(SEED));
			// Generated up front and in order, so a seed always gives the same requests whatever the timing.
			const specs = Array.from({ length: TOTAL }, (_, n) => generate(rnd, n, endpoints));
			const tally: Tally = {
				statuses: new Map(),
				codes: new Map(),
				violations: [],
				clientErrors: new Map(),
				rawNoAnswer: 0,
				rawWaited: 0,
				http500: 0,
				acceptedBy: new Map(),
			};
			const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
			const pid = gw.child.pid!;
			const started = Date.now();
			let next = 0;
			const runUntil = async (end: number) => {
				await Promise.all(
					Array.from({ length: CONNECTIONS }, async (_, w) => {
						const signer = new Random(prng(SEED ^ (w + 1)));
						while (next < end && Date.now() - started < TIME_BUDGET_MS) {
							const spec = specs[next++];
							const headers = [...spec.headers, ...authHeaders(spec, signer)];
							const huge = headers.some(([, v]) => v.length >= 16 * 1024);
							if (spec.transport === 'raw') {
								const outcome = await sendRaw(gw.port, rawBytes(spec, headers));
								if (outcome.closedWithoutAnswer) tally.rawNoAnswer++;
								if (outcome.waited) tally.rawWaited++;
								check(spec, outcome, tally, true);
							} else {
								check(spec, await sendHttp(agent, gw.port, spec, headers), tally, huge);
							}
						}
					}),
				);
			};

			await runUntil(WARM_UP);
			await new Promise((r) => setTimeout(r, 500));
			const rssAfterWarmUp = rssMb(pid);
			const heapAfterWarmUp = await heapUsedMb(gw.url);
			let peak = rssAfterWarmUp;
			const sampler = setInterval(() => {
				try {
					peak = Math.max(peak, rssMb(pid));
				} catch {
					// the process is gone: asserted below
				}
			}, 250);
			await runUntil(TOTAL);
			clearInterval(sampler);
			await new Promise((r) => setTimeout(r, 500));
			const elapsed = Date.now() - started;
			agent.destroy();
			const rssAtEnd = rssMb(pid);
			const heapAtEnd = await heapUsedMb(gw.url);

			const sorted = (m: Map<string | number, number>) =>
				[...m.entries()]
					.sort((a, b) => String(a[0]).localeCompare(String(b[0])))
					.map(([k, v]) => `${k}: ${v}`)
					.join(', ');
			console.log(
				`fuzz: ${next} requests in ${(elapsed / 1000).toFixed(1)} s (${Math.round(next / (elapsed / 1000))} req/s), ${specs.filter((s) => s.transport === 'raw').length} over raw sockets`,
			);
			console.log(`fuzz statuses: ${sorted(tally.statuses)}`);
			console.log(`fuzz error codes: ${sorted(tally.codes)}`);
			console.log(`fuzz 202 by endpoint: ${sorted(tally.acceptedBy)}`);
			console.log(
				`fuzz raw sockets without an answer: ${tally.rawNoAnswer} closed by the server, ${tally.rawWaited} still waiting for more bytes after 1.5 s; client errors: ${sorted(tally.clientErrors) || 'none'}`,
			);
			console.log(
				`fuzz gateway VmRSS: ${rssAfterWarmUp.toFixed(1)} MB after ${WARM_UP} warm-up requests, ${rssAtEnd.toFixed(1)} MB at the end (growth ${(rssAtEnd - rssAfterWarmUp).toFixed(1)} MB, peak ${peak.toFixed(1)} MB); V8 heap used ${heapAfterWarmUp.toFixed(1)} → ${heapAtEnd.toFixed(1)} MB`,
			);

			assert.equal(
				next,
				TOTAL,
				`only ${next} of ${TOTAL} requests were sent within ${TIME_BUDGET_MS / 1000} s`,
			);
			assert.ok(elapsed < TIME_BUDGET_MS);
			assert.equal(gw.child.exitCode, null, `the gateway exited:\n${gw.output()}`);
			assert.equal(gw.child.signalCode, null);
			const health = await fetch(`${gw.url}/healthz`);
			assert.equal(health.status, 200);
			const ok = await fetch(`${gw.url}/hooks/fz-none`, {
				method: 'POST',
				body: '{"after":"fuzz"}',
				headers: { 'content-type': 'application/json' },
			});
			assert.equal(ok.status, 202);
			assert.equal(
				tally.http500,
				0,
				`500 answers: ${tally.violations
					.filter((v) => v.includes(' 500'))
					.slice(0, 10)
					.join('\n')}`,
			);
			assert.deepEqual(tally.violations.slice(0, 20), [], `${tally.violations.length} violations`);
			assert.ok(
				rssAtEnd - rssAfterWarmUp < MAX_RSS_GROWTH_MB,
				`VmRSS grew by ${(rssAtEnd - rssAfterWarmUp).toFixed(1)} MB`,
			);
			for (const id of [
				'fz-header',
				'fz-bearer',
				'fz-basic',
				'fz-github',
				'fz-stripe',
				'fz-shopify',
				'fz-slack',
				'fz-stdwh',
				'fz-generic',
			]) {
				assert.ok(
					(tally.acceptedBy.get(id) ?? 0) > 0,
					`no signed request to ${id} was accepted: the fuzzer never got past its authentication`,
				);
			}
			assert.doesNotMatch(gw.output(), /"level":"error"/, 'the gateway logged an error');
		},
	);
});
