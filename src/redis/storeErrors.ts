/**
 * Which Redis failures mean "the store cannot serve this request right now" and why. The gateway
 * answers every one of them with 503 store_unavailable (never 500), counts them by reason in
 * /metrics and logs them once per burst; anything not listed here (a script bug, a wrong type) is a
 * real internal error. Covers ioredis's own errors and Redis's error replies (`ReplyError`).
 */

/** Why the store failed a request. */
export type StoreErrorReason =
	| 'connection'
	| 'timeout'
	| 'oom'
	| 'readonly'
	| 'loading'
	| 'masterdown'
	| 'busy'
	| 'noscript'
	| 'misconf'
	| 'cluster';

export const STORE_ERROR_REASONS: readonly StoreErrorReason[] = [
	'connection',
	'timeout',
	'oom',
	'readonly',
	'loading',
	'masterdown',
	'busy',
	'noscript',
	'misconf',
	'cluster',
];

/**
 * Redis error-reply prefixes (the first word of the reply) by reason. Inside a Lua script Redis
 * 7 keeps the prefix of the command's error and appends the script's location, so the same
 * prefixes hold for script calls.
 */
const REPLY_PREFIXES: Record<string, StoreErrorReason> = {
	OOM: 'oom',
	READONLY: 'readonly',
	LOADING: 'loading',
	MASTERDOWN: 'masterdown',
	BUSY: 'busy',
	NOSCRIPT: 'noscript',
	// RDB snapshots failing with stop-writes-on-bgsave-error yes: writes are refused.
	MISCONF: 'misconf',
	NOREPLICAS: 'masterdown',
	CLUSTERDOWN: 'cluster',
	TRYAGAIN: 'cluster',
	MOVED: 'cluster',
	ASK: 'cluster',
};

const CONNECTION_RE =
	/Connection is closed|Stream isn't writeable|enableOfflineQueue|ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|socket hang up|Reached the max retries per request limit/i;
const REPLY_CODE_RE = new RegExp(`(?:^|: )(${Object.keys(REPLY_PREFIXES).join('|')})\\b`);
const CLUSTER_RE =
	/Failed to refresh slots cache|Too many Cluster redirections|Cluster isn't ready|None of startup nodes is available/i;

/**
 * The reason a Redis or client error made a request fail, or undefined when `error` is not a
 * store failure (then it is a bug or bad input, handled elsewhere).
 */
export function classifyStoreError(error: unknown): StoreErrorReason | undefined {
	if (!(error instanceof Error)) return undefined;
	const name = error.name;
	const message = error.message;
	if (name === 'MaxRetriesPerRequestError') return 'connection';
	if (name === 'ClusterAllFailedError') return 'cluster';
	if (/^Command timed out|ETIMEDOUT/i.test(message)) return 'timeout';
	if (CLUSTER_RE.test(message)) return 'cluster';
	if (CONNECTION_RE.test(message)) return 'connection';
	// An error reply: its first word is Redis's error code. A script's error may read
	// "ERR Error running script ...: <CODE> ...": the code after ": " counts too.
	const code = REPLY_CODE_RE.exec(message)?.[1];
	if (code !== undefined) return REPLY_PREFIXES[code];
	// A command that failed because the connection went away mid-flight.
	if (name === 'AbortError') return 'connection';
	return undefined;
}

/**
 * True for errors that mean "Redis is not reachable right now" (vs. refusing a command while up):
 * the CLI and nodes then say "cannot reach Redis at ...".
 */
export function isConnectionError(error: unknown): boolean {
	const reason = classifyStoreError(error);
	return (
		reason === 'connection' ||
		reason === 'timeout' ||
		reason === 'loading' ||
		reason === 'masterdown' ||
		reason === 'cluster'
	);
}
