/**
 * Typed errors with an HTTP status and a stable machine code (docs/admin-api.md, README "What a
 * sender gets back"), and the error catalogue that binds each code to its status and default
 * message once (like fastify's lib/errors.js). The gateway's handlers turn them into
 * `{"error":{"code","message"}}` (src/gateway/errorAnswer.ts turns any other error into one);
 * nodes rethrow them as NodeOperationError; the CLI prints the message.
 */

export interface CatalogueEntry {
	/** The status the code is answered with. */
	status: number;
	/**
	 * Other statuses the same wire code is answered with, where the public contract fixed one code
	 * for two situations (e.g. `unauthorized`: 403 on ingest, 401 on the admin API).
	 */
	alsoStatus?: readonly number[];
	/** Message used when the thrower gives none. */
	message: string;
	/** Seconds for Retry-After when the thrower gives none. */
	retryAfter?: number;
}

/** Every error code the gateway answers with: status, variants and default message. */
export const ERROR_CATALOGUE = {
	invalid_body: {
		status: 400,
		message: 'The request body could not be parsed for its content type',
	},
	invalid_request: {
		status: 400,
		alsoStatus: [415],
		message: 'The request could not be understood',
	},
	unauthorized: { status: 403, alsoStatus: [401], message: 'Authentication failed' },
	endpoint_disabled: { status: 403, message: 'This endpoint is disabled' },
	endpoint_not_found: { status: 404, message: 'No endpoint with this id' },
	not_found: { status: 404, message: 'Not found' },
	method_not_allowed: { status: 405, message: 'Method not allowed' },
	conflict: { status: 409, message: 'Conflicts with the current state' },
	payload_too_large: { status: 413, message: 'The request body is too large' },
	rate_limited: { status: 429, message: 'Rate limit exceeded; retry later' },
	daily_limit_exceeded: { status: 429, message: 'Daily limit reached; it resets at 00:00 UTC' },
	endpoint_rate_limited: {
		status: 429,
		message: "The endpoint's own rate limit was exceeded; retry later",
	},
	endpoint_daily_limit_exceeded: {
		status: 429,
		message: "The endpoint's own daily limit was reached; it resets at 00:00 UTC",
	},
	internal_error: { status: 500, alsoStatus: [502], message: 'Internal error' },
	buffer_full: { status: 503, message: 'The endpoint buffer is full; retry later', retryAfter: 60 },
	store_unavailable: {
		status: 503,
		message: 'The event store (Redis) is unavailable; retry later',
		retryAfter: 5,
	},
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface GatewayErrorOptions {
	/** Seconds for the Retry-After header (429/503); default from the catalogue. */
	retryAfter?: number;
	/** Extra response headers (e.g. RateLimit). */
	headers?: Record<string, string>;
	cause?: unknown;
	/** One of the catalogue's `alsoStatus` variants of this code; default: its `status`. */
	status?: number;
	/**
	 * Which check failed, finer than the code (e.g. `stale_timestamp` for `unauthorized`): recorded
	 * in the request log, never sent to the caller. Must hold no secret, signature or body content.
	 */
	reason?: string;
}

function statusOf(code: ErrorCode, requested: number | undefined): number {
	const entry: CatalogueEntry = ERROR_CATALOGUE[code];
	if (requested === undefined || requested === entry.status) return entry.status;
	if (entry.alsoStatus?.includes(requested)) return requested;
	// A programming error: the catalogue is the one place that says which status a code has.
	throw new TypeError(
		`error code '${code}' is not answered with status ${requested} (see ERROR_CATALOGUE)`,
	);
}

export class GatewayError extends Error {
	readonly status: number;
	readonly code: ErrorCode;
	/** Seconds for the Retry-After header (429/503), whole and at least 1. */
	readonly retryAfter?: number;
	/** Extra response headers (e.g. RateLimit). */
	readonly headers: Record<string, string>;
	/** Which check failed (see GatewayErrorOptions.reason); not part of the answer. */
	readonly reason?: string;

	/**
	 * `new GatewayError(code, message?, options?)`: the status comes from ERROR_CATALOGUE.
	 * The older form `new GatewayError(status, code, message, options?)` is still accepted; its
	 * status must be one the catalogue lists for the code.
	 */
	constructor(code: ErrorCode, message?: string, options?: GatewayErrorOptions);
	constructor(status: number, code: ErrorCode, message: string, options?: GatewayErrorOptions);
	constructor(
		first: ErrorCode | number,
		second?: string,
		third?: string | GatewayErrorOptions,
		fourth?: GatewayErrorOptions,
	) {
		const legacy = typeof first === 'number';
		const code = (legacy ? second : first) as ErrorCode;
		const message = (legacy ? third : second) as string | undefined;
		const options = ((legacy ? fourth : third) ?? {}) as GatewayErrorOptions;
		const entry: CatalogueEntry = ERROR_CATALOGUE[code];
		super(
			message ?? entry.message,
			options.cause === undefined ? undefined : { cause: options.cause },
		);
		this.name = 'GatewayError';
		this.status = statusOf(code, legacy ? first : options.status);
		this.code = code;
		const retryAfter = options.retryAfter ?? entry.retryAfter;
		this.retryAfter = retryAfter === undefined ? undefined : Math.max(1, Math.ceil(retryAfter));
		this.headers = options.headers ?? {};
		if (options.reason !== undefined) this.reason = options.reason;
	}

	toJSON(): { error: { code: ErrorCode; message: string } } {
		return { error: { code: this.code, message: this.message } };
	}
}

/** Bad input to a management call (admin API 400, CLI exit 1, node error). */
export class ValidationError extends GatewayError {
	constructor(message: string) {
		super('invalid_request', message);
		this.name = 'ValidationError';
	}
}

export class NotFoundError extends GatewayError {
	constructor(what: string, id: string) {
		super('not_found', `${what} '${id}' does not exist`);
		this.name = 'NotFoundError';
	}
}

export class ConflictError extends GatewayError {
	constructor(message: string) {
		super('conflict', message);
		this.name = 'ConflictError';
	}
}

/**
 * Redis failed or did not answer in time (unreachable, out of memory, read-only, loading,
 * cluster failures, timeouts): the request may be retried later.
 */
export class StoreUnavailableError extends GatewayError {
	/** Why, as classified by src/redis/storeErrors.ts (e.g. 'connection', 'oom'); for logs and metrics. */
	readonly reason: string;

	constructor(cause?: unknown, reason = 'connection') {
		super(
			'store_unavailable',
			reason === 'connection' || reason === 'timeout'
				? 'The event store (Redis) is unreachable; retry later'
				: 'The event store (Redis) cannot serve this request right now; retry later',
			{ cause },
		);
		this.name = 'StoreUnavailableError';
		this.reason = reason;
	}
}

/** The message of anything thrown: an Error's message, else the value as a string. */
export function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
