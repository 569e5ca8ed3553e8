/**
 * Gateway configuration from the environment (README "Configuration"). Every variable is
 * validated once at start-up; a value that cannot work (out of range, a trust-proxy list that does
 * not parse, the README's example admin token) stops start-up with a message naming the variable.
 * What needs Redis to check (a custom default plan) is checked right after connecting
 * (gateway/server.ts).
 */
import bytes from 'bytes';
import ms from 'ms';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { BUILT_IN_PLANS, builtInPlan } from './registry/plans';
import { messageOf } from './errors';

export interface GatewayConfig {
	redisUrl: string;
	/** Extra cluster seed nodes ("host:port"); when non-empty Redis is used as a cluster. */
	redisClusterNodes: string[];
	port: number;
	host: string;
	/** Base URL the world uses to reach `/hooks/...`, without a trailing slash. */
	publicUrl: string;
	/** Empty: the admin API answers 401 to everyone. */
	adminToken: string;
	/** Serve the admin API and console on this port instead of the ingest port; 0 = same port. */
	adminPort: number;
	keyPrefix: string;
	/** Largest accepted request body in bytes. */
	maxBodyBytes: number;
	defaultPlan: string;
	/** express "trust proxy" setting. */
	trustProxy: boolean | number | string;
	/** Default max events waiting per endpoint buffer. */
	bufferMaxEvents: number;
	/** Subscribers unseen this long are dropped (ms). */
	subscriberRetentionMs: number;
	/** Events older than this are trimmed even when unacknowledged (ms); 0 keeps them until acknowledged. */
	eventRetentionMs: number;
	/** How long a Redis command may take before the request gets 503 store_unavailable (ms). */
	redisCommandTimeoutMs: number;
	/** How long endpoint/plan records are cached in the gateway (ms); changes also invalidate at once. */
	registryCacheMs: number;
	logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
	/** Accept a Redis whose maxmemory-policy evicts keys: warned, but /readyz stays ready. */
	allowEviction: boolean;
	/** Default most bytes (stored size) waiting per endpoint buffer. */
	bufferMaxBytes: number;
	/** Most dead letters per endpoint; beyond it failing events stay pending. */
	deadLetterMax: number;
	/** Bearer token that may read /metrics (besides the admin token); '' = none. */
	metricsToken: string;
	/** How long a scrape reuses the per-endpoint buffer readings of the previous one (ms). */
	metricsSampleMs: number;
	/** Key text endpoint secrets are encrypted with (>= 32 characters); '' stores them in plaintext. */
	encryptionKey: string;
	/** Earlier key texts, still accepted for reading while `secrets re-encrypt` moves records to the current key. */
	previousEncryptionKeys: string[];
	/** Failed authentications a client address may make per minute before it gets 429 (all gateways together). */
	authFailureLimit: number;
	/** Request log entries kept per endpoint (docs/request-log.md); 0 switches the log off. */
	requestLogMax: number;
	/** Request log entries older than this are trimmed (ms). */
	requestLogRetentionMs: number;
	/** How long request log entries wait in memory before one pipeline writes them (ms). */
	requestLogFlushMs: number;
}

/**
 * A size as the `bytes` package writes it (powers of 1024: b, kb, mb, gb, tb), plus the shorter
 * k/m/g and kib/mib/gib this gateway always accepted. The shape is checked here first because
 * `bytes.parse` falls back to parseFloat and would read "1k" or "1mib" as 1 byte.
 */
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g|tb)?$/i;

/** Parses "1048576", "512kb", "1mb", "1MiB" into bytes (powers of 1024); a plain number is bytes. */
export function parseSize(value: string): number | undefined {
	const match = SIZE_RE.exec(value.trim());
	if (!match) return undefined;
	const unit = (match[2] ?? 'b').toLowerCase();
	const parsed = bytes.parse(`${match[1]}${unit === 'b' ? 'b' : `${unit[0]}b`}`);
	return parsed === null ? undefined : parsed;
}

/**
 * Parses a duration as the `ms` package reads it ("7d", "36d", "24h", "30m", "10s", "500ms",
 * "2 hours") into whole milliseconds; a plain number is milliseconds. Negative values and the
 * empty string are undefined.
 */
export function parseDuration(value: string): number | undefined {
	const text = value.trim();
	if (text === '') return undefined;
	const parsed = ms(text as ms.StringValue);
	return parsed === undefined || !Number.isFinite(parsed) || parsed < 0
		? undefined
		: Math.floor(parsed);
}

/** A size from 1 byte to `max` bytes; `maxText` names the limit in the message. */
const sizeUpTo = (max: number, maxText: string, why: string) =>
	z.string().transform((v, ctx) => {
		const n = parseSize(v);
		if (n === undefined || n < 1) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: `expected a size such as 1048576, 512kb or 1mb, got '${v}'`,
			});
			return z.NEVER;
		}
		if (n > max) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: `expected at most ${maxText} (${why}), got '${v}'`,
			});
			return z.NEVER;
		}
		return n;
	});

/** A duration from `min` to `max` ms (0 also allowed when `zeroOk`: "off"). */
const duration = (min: number, max: number, zeroOk = false) =>
	z.string().transform((v, ctx) => {
		const n = parseDuration(v);
		if (n === undefined) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: `expected a duration such as 7d, 24h, 30m, 10s or 500ms, got '${v}'`,
			});
			return z.NEVER;
		}
		if ((n < min || n > max) && !(zeroOk && n === 0)) {
			ctx.addIssue({
				code: z.ZodIssueCode.custom,
				message: `expected ${zeroOk ? '0 (off) or ' : ''}from ${formatMs(min)} to ${formatMs(max)}, got '${v}'`,
			});
			return z.NEVER;
		}
		return n;
	});

function formatMs(ms: number): string {
	for (const [unit, size] of [
		['d', 86_400_000],
		['h', 3_600_000],
		['m', 60_000],
		['s', 1000],
	] as const)
		if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
	return `${ms}ms`;
}

/** The README's example admin token: whoever copies the example must not end up with it. */
export const EXAMPLE_ADMIN_TOKEN = 'change-me-to-a-long-random-token';
/** Shortest admin token accepted (characters): guessing must be out of reach. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;
/** Largest request body the gateway can be set to accept: each event is one Redis stream entry. */
const MAX_BODY_LIMIT = 64 * 1024 ** 2;
const MAX_BUFFER_BYTES_LIMIT = 1024 ** 4;
const intString = (min: number, max: number) =>
	z
		.string()
		.regex(/^\d+$/, 'expected a whole number')
		.transform(Number)
		.refine((n) => n >= min && n <= max, `expected a number from ${min} to ${max}`);
const url = z
	.string()
	.refine((v) => {
		try {
			const u = new URL(v);
			return u.protocol === 'http:' || u.protocol === 'https:';
		} catch {
			return false;
		}
	}, 'expected an http(s) URL such as https://hooks.example.com')
	.transform((v) => v.replace(/\/+$/, ''));

const schema = z.object({
	WEBHOOK_GATEWAY_REDIS_URL: z
		.string()
		.regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
		.default('redis://127.0.0.1:6379'),
	WEBHOOK_GATEWAY_REDIS_CLUSTER_NODES: z
		.string()
		.regex(/^\s*[^\s:,]+:\d+(\s*,\s*[^\s:,]+:\d+)*\s*$/, 'expected host:port[,host:port...]')
		.optional(),
	WEBHOOK_GATEWAY_PORT: intString(1, 65535).default('5680'),
	WEBHOOK_GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
	WEBHOOK_GATEWAY_PUBLIC_URL: url.optional(),
	WEBHOOK_GATEWAY_ADMIN_TOKEN: z
		.string()
		.refine(
			(v) => v !== EXAMPLE_ADMIN_TOKEN,
			'this is the example token from the README; generate your own, e.g. with: openssl rand -hex 32',
		)
		.refine(
			(v) => v === '' || v.length >= MIN_ADMIN_TOKEN_LENGTH,
			`expected at least ${MIN_ADMIN_TOKEN_LENGTH} characters, e.g. from: openssl rand -hex 32 (or empty to switch the admin API off)`,
		)
		.default(''),
	WEBHOOK_GATEWAY_ADMIN_PORT: intString(0, 65535).default('0'),
	WEBHOOK_GATEWAY_KEY_PREFIX: z
		.string()
		.regex(
			/^[A-Za-z0-9:_.-]{0,64}$/,
			'expected up to 64 characters from A-Z a-z 0-9 : _ . - (no braces)',
		)
		.default('wgw:'),
	WEBHOOK_GATEWAY_MAX_BODY: sizeUpTo(
		MAX_BODY_LIMIT,
		'64mb',
		'every event is kept in Redis',
	).default('1mb'),
	WEBHOOK_GATEWAY_DEFAULT_PLAN: z
		.string()
		.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a plan id such as forever-free')
		.default('forever-free'),
	WEBHOOK_GATEWAY_TRUST_PROXY: z.string().default('false'),
	WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS: intString(1, 1_000_000_000).default('100000'),
	WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION: duration(60_000, 365 * 86_400_000).default('7d'),
	WEBHOOK_GATEWAY_EVENT_RETENTION: duration(60_000, 365 * 86_400_000, true).default('0'),
	// 0 would wait forever on a stalled Redis: requests would hang instead of getting a 503.
	WEBHOOK_GATEWAY_REDIS_TIMEOUT: duration(50, 60_000).default('2000'),
	WEBHOOK_GATEWAY_REGISTRY_CACHE: duration(0, 3_600_000, true).default('5s'),
	WEBHOOK_GATEWAY_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
	WEBHOOK_GATEWAY_ALLOW_EVICTION: z
		.enum(['true', 'false'], { message: 'expected true or false' })
		.default('false'),
	// Capacities (docs/reliability.md, "What fills up"): sized so one endpoint cannot fill a Redis.
	WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: sizeUpTo(
		MAX_BUFFER_BYTES_LIMIT,
		'1024gb',
		'a Redis cannot hold more',
	).default('256mb'),
	WEBHOOK_GATEWAY_DEAD_LETTER_MAX: intString(1, 100_000_000).default('10000'),
	// Security (docs/security.md).
	WEBHOOK_GATEWAY_METRICS_TOKEN: z
		.string()
		.refine(
			(v) => v === '' || v.length >= 32,
			'expected at least 32 characters (or empty: only the admin token reads /metrics)',
		)
		.default(''),
	WEBHOOK_GATEWAY_METRICS_SAMPLE_INTERVAL: duration(100, 3_600_000, true).default('10s'),
	WEBHOOK_GATEWAY_ENCRYPTION_KEY: z
		.string()
		.refine(
			(v) => v === '' || v.length >= 32,
			'expected at least 32 characters (e.g. openssl rand -base64 32)',
		)
		.default(''),
	WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS: z
		.string()
		.refine(
			(v) => v.split(',').every((k) => k.trim().length >= 32),
			'expected comma-separated keys of at least 32 characters each',
		)
		.optional(),
	WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT: intString(1, 1_000_000).default('10'),
	// Request log (docs/request-log.md): bounded per endpoint by count and age.
	WEBHOOK_GATEWAY_REQUEST_LOG_MAX: intString(0, 1_000_000).default('1000'),
	WEBHOOK_GATEWAY_REQUEST_LOG_RETENTION: duration(60_000, 90 * 86_400_000).default('7d'),
	WEBHOOK_GATEWAY_REQUEST_LOG_FLUSH_INTERVAL: duration(100, 60_000).default('1s'),
});

/**
 * Whether an n8n process opens a port of its own for the endpoints, and where: the n8n admin's
 * decision (environment of the n8n process), never a credential's, which any n8n user can create.
 * The standalone gateway's WEBHOOK_GATEWAY_HOST / WEBHOOK_GATEWAY_PORT do not apply inside n8n.
 */
export interface N8nServeConfig {
	/** Whether the first active trigger in this n8n process starts the embedded gateway. */
	serve: boolean;
	/** Listen address; loopback unless the admin opens it on purpose. */
	host: string;
	/** TCP port. */
	port: number;
}

/** Default port of the gateway embedded in n8n: the standalone gateway's default too. */
export const N8N_SERVE_DEFAULT_PORT = 5680;

const n8nServeSchema = z.object({
	WEBHOOK_GATEWAY_N8N_SERVE: z
		.enum(['true', 'false'], { message: 'expected true or false' })
		.default('false'),
	// Loopback by default: a port reachable from outside is something the admin decides (and proxies).
	WEBHOOK_GATEWAY_N8N_HOST: z.string().min(1).default('127.0.0.1'),
	WEBHOOK_GATEWAY_N8N_PORT: intString(1, 65535).default(String(N8N_SERVE_DEFAULT_PORT)),
});

/**
 * Reads WEBHOOK_GATEWAY_N8N_SERVE / _HOST / _PORT from an n8n process's environment. Empty strings
 * count as unset. The port must differ from n8n's own (N8N_PORT, default 5678) and its task broker
 * (N8N_RUNNERS_BROKER_PORT, default 5679): either would fail to listen at the first activation.
 * @throws ConfigError naming every bad variable and what was expected.
 */
export function loadN8nServeConfig(env: NodeJS.ProcessEnv = process.env): N8nServeConfig {
	const input: Record<string, string> = {};
	for (const key of Object.keys(n8nServeSchema.shape)) {
		const value = env[key];
		if (value !== undefined && value.trim() !== '') input[key] = value.trim();
	}
	const parsed = n8nServeSchema.safeParse(input);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
		throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
	}
	const c = parsed.data;
	const serve = c.WEBHOOK_GATEWAY_N8N_SERVE === 'true';
	if (serve) {
		for (const [name, fallback, what] of [
			['N8N_PORT', '5678', "n8n's own port"],
			['N8N_RUNNERS_BROKER_PORT', '5679', "n8n's task broker"],
		] as const) {
			const taken = Number(env[name] || fallback);
			if (taken === c.WEBHOOK_GATEWAY_N8N_PORT) {
				throw new ConfigError(
					`Invalid configuration:\n  WEBHOOK_GATEWAY_N8N_PORT: ${taken} is ${what} (${name}); pick another port, e.g. ${N8N_SERVE_DEFAULT_PORT}`,
				);
			}
		}
	}
	return { serve, host: c.WEBHOOK_GATEWAY_N8N_HOST, port: c.WEBHOOK_GATEWAY_N8N_PORT };
}

/**
 * Whether `planId` can be the default plan: a built-in plan, or a custom plan `customPlanExists`
 * finds in Redis. @throws ConfigError naming WEBHOOK_GATEWAY_DEFAULT_PLAN otherwise.
 */
export async function checkDefaultPlan(
	planId: string,
	customPlanExists: (id: string) => Promise<boolean>,
): Promise<void> {
	if (builtInPlan(planId) || (await customPlanExists(planId))) return;
	throw new ConfigError(
		`Invalid configuration:\n  WEBHOOK_GATEWAY_DEFAULT_PLAN: plan '${planId}' does not exist; use a built-in plan (${BUILT_IN_PLANS.map((p) => p.id).join(', ')}) or create the custom plan first (webhook-gateway plans upsert)`,
	);
}

export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

/**
 * express's trust-proxy setting: true, false, a hop count, or addresses/CIDRs/names (loopback,
 * linklocal, uniquelocal). A list is compiled here once, so a typo stops start-up instead of
 * failing every request later. @returns the setting, or the problem when it does not parse.
 */
function parseTrustProxy(
	value: string,
): { value: boolean | number | string } | { problem: string } {
	const v = value.trim().toLowerCase();
	if (v === 'true') return { value: true };
	if (v === 'false' || v === '') return { value: false };
	if (/^\d+$/.test(v)) return { value: Number(v) };
	try {
		proxyaddr.compile(
			value
				.split(',')
				.map((x) => x.trim())
				.filter(Boolean),
		);
	} catch (error) {
		return {
			problem: `expected true, false, a hop count or a comma-separated list of addresses/CIDRs (or loopback, linklocal, uniquelocal): ${messageOf(error)}`,
		};
	}
	return { value: value.trim() };
}

/**
 * Reads and validates the WEBHOOK_GATEWAY_* variables. Empty strings count as unset.
 * @throws ConfigError naming every bad variable and what was expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
	const input: Record<string, string> = {};
	for (const key of Object.keys(schema.shape)) {
		const value = env[key];
		if (value !== undefined && value !== '') input[key] = value;
	}
	const parsed = schema.safeParse(input);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
		throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
	}
	const c = parsed.data;
	const problems: string[] = [];
	const trustProxy = parseTrustProxy(c.WEBHOOK_GATEWAY_TRUST_PROXY);
	if ('problem' in trustProxy) problems.push(`WEBHOOK_GATEWAY_TRUST_PROXY: ${trustProxy.problem}`);
	if (
		c.WEBHOOK_GATEWAY_ADMIN_PORT !== 0 &&
		c.WEBHOOK_GATEWAY_ADMIN_PORT === c.WEBHOOK_GATEWAY_PORT
	) {
		problems.push(
			`WEBHOOK_GATEWAY_ADMIN_PORT: must differ from WEBHOOK_GATEWAY_PORT (${c.WEBHOOK_GATEWAY_PORT}); use 0 to serve the admin API on the ingest port`,
		);
	}
	if (c.WEBHOOK_GATEWAY_BUFFER_MAX_BYTES < c.WEBHOOK_GATEWAY_MAX_BODY) {
		problems.push(
			`WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: expected at least WEBHOOK_GATEWAY_MAX_BODY (${c.WEBHOOK_GATEWAY_MAX_BODY} bytes), or no request of the largest size could ever be buffered`,
		);
	}
	if (problems.length > 0)
		throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
	const port = c.WEBHOOK_GATEWAY_PORT;
	const publicHost =
		c.WEBHOOK_GATEWAY_HOST === '0.0.0.0' || c.WEBHOOK_GATEWAY_HOST === '::'
			? '127.0.0.1'
			: c.WEBHOOK_GATEWAY_HOST;
	return {
		redisUrl: c.WEBHOOK_GATEWAY_REDIS_URL,
		redisClusterNodes: c.WEBHOOK_GATEWAY_REDIS_CLUSTER_NODES
			? c.WEBHOOK_GATEWAY_REDIS_CLUSTER_NODES.split(',').map((s) => s.trim())
			: [],
		port,
		host: c.WEBHOOK_GATEWAY_HOST,
		publicUrl: c.WEBHOOK_GATEWAY_PUBLIC_URL ?? `http://${publicHost}:${port}`,
		adminToken: c.WEBHOOK_GATEWAY_ADMIN_TOKEN,
		adminPort: c.WEBHOOK_GATEWAY_ADMIN_PORT,
		keyPrefix: c.WEBHOOK_GATEWAY_KEY_PREFIX,
		maxBodyBytes: c.WEBHOOK_GATEWAY_MAX_BODY,
		defaultPlan: c.WEBHOOK_GATEWAY_DEFAULT_PLAN,
		trustProxy: 'value' in trustProxy ? trustProxy.value : false,
		bufferMaxEvents: c.WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS,
		subscriberRetentionMs: c.WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION,
		eventRetentionMs: c.WEBHOOK_GATEWAY_EVENT_RETENTION,
		redisCommandTimeoutMs: c.WEBHOOK_GATEWAY_REDIS_TIMEOUT,
		registryCacheMs: c.WEBHOOK_GATEWAY_REGISTRY_CACHE,
		logLevel: c.WEBHOOK_GATEWAY_LOG_LEVEL,
		allowEviction: c.WEBHOOK_GATEWAY_ALLOW_EVICTION === 'true',
		bufferMaxBytes: c.WEBHOOK_GATEWAY_BUFFER_MAX_BYTES,
		deadLetterMax: c.WEBHOOK_GATEWAY_DEAD_LETTER_MAX,
		metricsToken: c.WEBHOOK_GATEWAY_METRICS_TOKEN,
		metricsSampleMs: c.WEBHOOK_GATEWAY_METRICS_SAMPLE_INTERVAL,
		encryptionKey: c.WEBHOOK_GATEWAY_ENCRYPTION_KEY,
		authFailureLimit: c.WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT,
		previousEncryptionKeys: c.WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS
			? c.WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS.split(',').map((k) => k.trim())
			: [],
		requestLogMax: c.WEBHOOK_GATEWAY_REQUEST_LOG_MAX,
		requestLogRetentionMs: c.WEBHOOK_GATEWAY_REQUEST_LOG_RETENTION,
		requestLogFlushMs: c.WEBHOOK_GATEWAY_REQUEST_LOG_FLUSH_INTERVAL,
	};
}

/** The request log's bounds and flush interval, in the shape createStores takes. */
export function requestLogOptionsOf(
	config: Pick<GatewayConfig, 'requestLogMax' | 'requestLogRetentionMs' | 'requestLogFlushMs'>,
): { maxEntries: number; retentionMs: number; flushMs: number } {
	return {
		maxEntries: config.requestLogMax,
		retentionMs: config.requestLogRetentionMs,
		flushMs: config.requestLogFlushMs,
	};
}
