/**
 * Gateway configuration from the environment (PRODUCT.md §8). Every variable is validated once at
 * start-up; a bad value stops start-up with a message naming the variable.
 */
import { z } from 'zod';

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
}

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|k|mb|mib|m|gb|gib|g)?$/i;

/** Parses "1048576", "512kb", "1mb", "1MiB" into bytes (powers of 1024). */
export function parseSize(value: string): number | undefined {
	const match = SIZE_RE.exec(value.trim());
	if (!match) return undefined;
	const unit = (match[2] ?? 'b').toLowerCase()[0];
	const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
	return Math.floor(Number(match[1]) * factor);
}

/** Parses "7d", "24h", "30m", "45s", "500ms" or a plain number of milliseconds. */
export function parseDuration(value: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(value.trim());
	if (!match) return undefined;
	const unit = (match[2] ?? 'ms').toLowerCase();
	const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
	return Math.floor(Number(match[1]) * factor);
}

const size = z.string().transform((v, ctx) => {
	const n = parseSize(v);
	if (n === undefined || n < 1) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a size such as 1048576, 512kb or 1mb, got '${v}'` });
		return z.NEVER;
	}
	return n;
});
const duration = z.string().transform((v, ctx) => {
	const n = parseDuration(v);
	if (n === undefined) {
		ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a duration such as 7d, 24h, 30m, 10s or 500ms, got '${v}'` });
		return z.NEVER;
	}
	return n;
});
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
		.refine((v) => v === '' || v.length >= 16, 'expected at least 16 characters (or empty to switch the admin API off)')
		.default(''),
	WEBHOOK_GATEWAY_ADMIN_PORT: intString(0, 65535).default('0'),
	WEBHOOK_GATEWAY_KEY_PREFIX: z
		.string()
		.regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'expected up to 64 characters from A-Z a-z 0-9 : _ . - (no braces)')
		.default('wgw:'),
	WEBHOOK_GATEWAY_MAX_BODY: size.default('1mb'),
	WEBHOOK_GATEWAY_DEFAULT_PLAN: z
		.string()
		.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a plan id such as forever-free')
		.default('forever-free'),
	WEBHOOK_GATEWAY_TRUST_PROXY: z.string().default('false'),
	WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS: intString(1, 1_000_000_000).default('1000000'),
	WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION: duration.default('7d'),
	WEBHOOK_GATEWAY_EVENT_RETENTION: duration.default('0'),
	WEBHOOK_GATEWAY_REDIS_TIMEOUT: duration.default('2000'),
	WEBHOOK_GATEWAY_REGISTRY_CACHE: duration.default('5s'),
	WEBHOOK_GATEWAY_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
	// Security (docs/security.md).
	WEBHOOK_GATEWAY_METRICS_TOKEN: z
		.string()
		.refine((v) => v === '' || v.length >= 32, 'expected at least 32 characters (or empty: only the admin token reads /metrics)')
		.default(''),
	WEBHOOK_GATEWAY_METRICS_SAMPLE_INTERVAL: duration.default('10s'),
	WEBHOOK_GATEWAY_ENCRYPTION_KEY: z
		.string()
		.refine((v) => v === '' || v.length >= 32, 'expected at least 32 characters (e.g. openssl rand -base64 32)')
		.default(''),
	WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS: z
		.string()
		.refine((v) => v.split(',').every((k) => k.trim().length >= 32), 'expected comma-separated keys of at least 32 characters each')
		.optional(),
	WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT: intString(1, 1_000_000).default('10'),
});

export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'ConfigError';
	}
}

function parseTrustProxy(value: string): boolean | number | string {
	const v = value.trim().toLowerCase();
	if (v === 'true') return true;
	if (v === 'false' || v === '') return false;
	if (/^\d+$/.test(v)) return Number(v);
	return value.trim();
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
	const port = c.WEBHOOK_GATEWAY_PORT;
	const publicHost = c.WEBHOOK_GATEWAY_HOST === '0.0.0.0' || c.WEBHOOK_GATEWAY_HOST === '::' ? '127.0.0.1' : c.WEBHOOK_GATEWAY_HOST;
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
		trustProxy: parseTrustProxy(c.WEBHOOK_GATEWAY_TRUST_PROXY),
		bufferMaxEvents: c.WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS,
		subscriberRetentionMs: c.WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION,
		eventRetentionMs: c.WEBHOOK_GATEWAY_EVENT_RETENTION,
		redisCommandTimeoutMs: c.WEBHOOK_GATEWAY_REDIS_TIMEOUT,
		registryCacheMs: c.WEBHOOK_GATEWAY_REGISTRY_CACHE,
		logLevel: c.WEBHOOK_GATEWAY_LOG_LEVEL,
		metricsToken: c.WEBHOOK_GATEWAY_METRICS_TOKEN,
		metricsSampleMs: c.WEBHOOK_GATEWAY_METRICS_SAMPLE_INTERVAL,
		encryptionKey: c.WEBHOOK_GATEWAY_ENCRYPTION_KEY,
		authFailureLimit: c.WEBHOOK_GATEWAY_AUTH_FAILURE_LIMIT,
		previousEncryptionKeys: c.WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS ? c.WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS.split(',').map((k) => k.trim()) : [],
	};
}
