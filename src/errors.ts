/**
 * Typed errors with an HTTP status and a stable machine code (PRODUCT.md §3). The gateway's one
 * error handler turns them into `{"error":{"code","message"}}`; nodes rethrow them as
 * NodeOperationError; the CLI prints the message.
 */

export type ErrorCode =
	| 'endpoint_not_found'
	| 'endpoint_disabled'
	| 'method_not_allowed'
	| 'payload_too_large'
	| 'unauthorized'
	| 'invalid_body'
	| 'rate_limited'
	| 'daily_limit_exceeded'
	| 'buffer_full'
	| 'store_unavailable'
	| 'not_found'
	| 'invalid_request'
	| 'conflict'
	| 'internal_error';

export class GatewayError extends Error {
	readonly status: number;
	readonly code: ErrorCode;
	/** Seconds for the Retry-After header (429/503). */
	readonly retryAfter?: number;
	/** Extra response headers (e.g. RateLimit). */
	readonly headers: Record<string, string>;

	constructor(
		status: number,
		code: ErrorCode,
		message: string,
		options: { retryAfter?: number; headers?: Record<string, string>; cause?: unknown } = {},
	) {
		super(message, options.cause === undefined ? undefined : { cause: options.cause });
		this.name = 'GatewayError';
		this.status = status;
		this.code = code;
		this.retryAfter = options.retryAfter === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfter));
		this.headers = options.headers ?? {};
	}

	toJSON(): { error: { code: ErrorCode; message: string } } {
		return { error: { code: this.code, message: this.message } };
	}
}

/** Bad input to a management call (admin API 400, CLI exit 1, node error). */
export class ValidationError extends GatewayError {
	constructor(message: string) {
		super(400, 'invalid_request', message);
		this.name = 'ValidationError';
	}
}

export class NotFoundError extends GatewayError {
	constructor(what: string, id: string) {
		super(404, 'not_found', `${what} '${id}' does not exist`);
		this.name = 'NotFoundError';
	}
}

export class ConflictError extends GatewayError {
	constructor(message: string) {
		super(409, 'conflict', message);
		this.name = 'ConflictError';
	}
}

/** Redis could not be reached or did not answer in time. */
export class StoreUnavailableError extends GatewayError {
	constructor(cause?: unknown) {
		super(503, 'store_unavailable', 'The event store (Redis) is unreachable; retry later', {
			retryAfter: 5,
			cause,
		});
		this.name = 'StoreUnavailableError';
	}
}
