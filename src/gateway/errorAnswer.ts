/**
 * The one place that turns an error of unknown kind into the GatewayError a client is answered
 * with, for ingest, the admin API, the console and the app's last-resort handler alike:
 *   - a GatewayError stays as it is;
 *   - a Redis or client failure (src/redis/storeErrors.ts) → 503 store_unavailable + Retry-After,
 *     counted by reason in /metrics and logged once per burst (a failing Redis fails every request:
 *     one line each would bury the log);
 *   - a client-fault error from express or its parsers (they carry a 4xx `status`) → 400/413/415;
 *   - anything else → 500 internal_error, logged with its stack (never shown to the client).
 */
import { GatewayError, messageOf, StoreUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { classifyStoreError, type StoreErrorReason } from '../redis';

/** Where an error happened, for the log line. */
export interface ErrorContext {
	surface: 'ingest' | 'admin' | 'console' | 'gateway';
	method?: string;
	path?: string;
	endpoint?: string;
}

export type ErrorTranslator = (error: unknown, context: ErrorContext) => GatewayError;

/** At most one summary line per this many ms while a burst of store errors lasts. */
export const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Logs store errors once per burst: the first error at once, then at most one summary line per
 * interval with how many more failed, by reason; a quiet interval ends the burst.
 */
export class StoreErrorLog {
	private timer: NodeJS.Timeout | undefined;
	private suppressed = new Map<StoreErrorReason, number>();

	constructor(
		private readonly logger: Logger,
		private readonly intervalMs = STORE_ERROR_LOG_INTERVAL_MS,
	) {}

	report(reason: StoreErrorReason, error: unknown, context: ErrorContext): void {
		if (this.timer) {
			this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
			return;
		}
		this.logger.warn(
			'Redis failed a request; answering 503 store_unavailable (further failures are summed up every 10 s)',
			{
				reason,
				error: messageOf(error),
				...context,
			},
		);
		this.schedule();
	}

	private schedule(): void {
		this.timer = setTimeout(() => this.flush(), this.intervalMs);
		this.timer.unref();
	}

	private flush(): void {
		this.timer = undefined;
		if (this.suppressed.size === 0) return;
		const byReason = Object.fromEntries(this.suppressed);
		const count = [...this.suppressed.values()].reduce((a, b) => a + b, 0);
		this.suppressed.clear();
		this.logger.warn(
			`Redis failed ${count} more request(s) in the last ${Math.round(this.intervalMs / 1000)} s; answered 503 store_unavailable`,
			{ count, byReason },
		);
		this.schedule();
	}

	/** Stops the timer (the gateway is closing); what was not summed up yet is dropped. */
	close(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.suppressed.clear();
	}
}

/** Body-parser and express errors carry `type` and/or a 4xx `status`: the client's fault. */
function clientFault(error: unknown): GatewayError | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const { type, status, limit } = error as { type?: unknown; status?: unknown; limit?: unknown };
	if (type === 'entity.parse.failed')
		return new GatewayError('invalid_request', 'The request body is not valid JSON');
	if (type === 'entity.too.large') {
		return new GatewayError(
			'payload_too_large',
			typeof limit === 'number' ? `The request body is larger than ${limit} bytes` : undefined,
		);
	}
	if (status === 415)
		return new GatewayError(
			'invalid_request',
			`The request body could not be read (${String(type ?? 'unsupported media type')})`,
			{ status: 415 },
		);
	if (typeof status === 'number' && status >= 400 && status < 500) {
		return new GatewayError(
			'invalid_request',
			type === undefined
				? 'The request could not be understood (malformed URL or headers)'
				: `The request body could not be read (${String(type)})`,
		);
	}
	return undefined;
}

/**
 * Makes the translator of one gateway. @param countStoreError called once per store error with
 * its reason (the /metrics counter).
 */
export function createErrorTranslator(
	logger: Logger,
	countStoreError: (reason: StoreErrorReason) => void = () => undefined,
): ErrorTranslator & { close(): void } {
	const storeLog = new StoreErrorLog(logger);
	const translate = (error: unknown, context: ErrorContext): GatewayError => {
		if (error instanceof StoreUnavailableError) {
			countStoreError(error.reason as StoreErrorReason);
			storeLog.report(error.reason as StoreErrorReason, error.cause ?? error, context);
			return error;
		}
		if (error instanceof GatewayError) return error;
		const reason = classifyStoreError(error);
		if (reason !== undefined) {
			countStoreError(reason);
			storeLog.report(reason, error, context);
			return new StoreUnavailableError(error, reason);
		}
		const fault = clientFault(error);
		if (fault) return fault;
		logger.error('request failed with an unexpected error', {
			...context,
			error: messageOf(error),
			stack: error instanceof Error ? error.stack : undefined,
		});
		return new GatewayError('internal_error', 'Internal error; see the gateway log');
	};
	return Object.assign(translate, { close: () => storeLog.close() });
}
