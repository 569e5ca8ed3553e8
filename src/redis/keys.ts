/**
 * Every Redis key of the package is built here, and only here.
 *
 * Cluster layout: the registry (endpoints, accounts, plans) lives under one hash tag
 * `{registry}`; everything one accept touches (stream, dedupe keys, limiter, daily counters) and
 * everything delivery touches for that endpoint lives under the owning account's tag `{a:<id>}`,
 * so the accept script and the buffer scripts run on a single cluster slot.
 */

export interface RegistryKeys {
	endpoints: string;
	accounts: string;
	plans: string;
	/** Pub/sub channel announcing registry changes, for gateway caches. */
	changes: string;
}

export interface EndpointKeys {
	/** Stream of accepted events. */
	stream: string;
	/** Prefix of dedupe keys: `<dedupePrefix><sha256 of the idempotency value>`. */
	dedupePrefix: string;
	/** GCRA state (theoretical arrival time) of the account. */
	limiter: string;
	/** GCRA state of this endpoint's own limits (inside the account's), same slot as `limiter`. */
	endpointLimiter: string;
	/** Hash of daily counters of the account: `d:<day>` total, `e:<day>:<endpointId>` per endpoint. */
	usage: string;
	/**
	 * Hash of daily request outcomes other than accepted, for the usage history:
	 * `a:<day>:<outcome>` for the account, `e:<day>:<endpointId>:<outcome>` per endpoint.
	 */
	history: string;
	/** Hash subscriberId → JSON metadata (createdAt, lastSeen, workflow and node names). */
	subscribers: string;
	/** Hash subscriberId → JSON record of a dropped subscriber (when, why, where it stopped). */
	droppedSubscribers: string;
	/** Stream of dead letters of this endpoint (all subscribers). */
	deadLetters: string;
	/** Hash `<hour>:<outcome>` → requests, for the console's charts. */
	stats: string;
	/** Integer: bytes the stream's entries hold (sum of their field values); kept by the scripts. */
	bytes: string;
	/** Stream: the request log (one entry per answered request), capped by count and age. */
	requests: string;
	/** Hash subscriberId → events its trigger's filter left out (acknowledged without an execution). */
	filtered: string;
}

export interface SubscriberKeys {
	/** Hash eventId → failed attempts. */
	attempts: string;
	/** Stream of replayed dead letters waiting for this subscriber. */
	replay: string;
	/** Lease so that one reader at a time releases for this subscriber. */
	lease: string;
}

export function accountTag(accountId: string): string {
	return `{a:${accountId}}`;
}

export function registryKeys(prefix: string): RegistryKeys {
	const base = `${prefix}{registry}`;
	return {
		endpoints: `${base}:endpoints`,
		accounts: `${base}:accounts`,
		plans: `${base}:plans`,
		changes: `${prefix}registry-changes`,
	};
}

/**
 * Endpoint keys already built, by prefix, account and endpoint (maps, so a lookup builds no
 * string): the request path asks for them several times per request (accept, statistics).
 * Bounded: emptied when it holds MAX_BUILT_ENDPOINT_KEYS endpoints.
 */
const builtEndpointKeys = new Map<string, Map<string, Map<string, Readonly<EndpointKeys>>>>();
let builtEndpointKeyCount = 0;
const MAX_BUILT_ENDPOINT_KEYS = 10_000;

/** The keys of one endpoint; the same frozen object for the same arguments while it is kept. */
export function endpointKeys(
	prefix: string,
	accountId: string,
	endpointId: string,
): Readonly<EndpointKeys> {
	let accounts = builtEndpointKeys.get(prefix);
	if (accounts === undefined) builtEndpointKeys.set(prefix, (accounts = new Map()));
	let endpoints = accounts.get(accountId);
	if (endpoints === undefined) accounts.set(accountId, (endpoints = new Map()));
	let keys = endpoints.get(endpointId);
	if (keys === undefined) {
		if (builtEndpointKeyCount >= MAX_BUILT_ENDPOINT_KEYS) {
			builtEndpointKeys.clear();
			builtEndpointKeyCount = 0;
			return endpointKeys(prefix, accountId, endpointId);
		}
		keys = Object.freeze(buildEndpointKeys(prefix, accountId, endpointId));
		endpoints.set(endpointId, keys);
		builtEndpointKeyCount++;
	}
	return keys;
}

function buildEndpointKeys(prefix: string, accountId: string, endpointId: string): EndpointKeys {
	const base = `${prefix}${accountTag(accountId)}`;
	return {
		stream: `${base}:stream:${endpointId}`,
		dedupePrefix: `${base}:dedupe:${endpointId}:`,
		limiter: `${base}:limiter`,
		endpointLimiter: `${base}:limiter:${endpointId}`,
		usage: `${base}:usage`,
		history: `${base}:history`,
		subscribers: `${base}:subs:${endpointId}`,
		droppedSubscribers: `${base}:subs-dropped:${endpointId}`,
		deadLetters: `${base}:dead:${endpointId}`,
		stats: `${base}:stats:${endpointId}`,
		bytes: `${base}:bytes:${endpointId}`,
		requests: `${base}:requests:${endpointId}`,
		filtered: `${base}:filtered:${endpointId}`,
	};
}

export function subscriberKeys(
	prefix: string,
	accountId: string,
	endpointId: string,
	subscriberId: string,
): SubscriberKeys {
	const base = `${prefix}${accountTag(accountId)}:sub:${endpointId}:${subscriberId}`;
	return {
		attempts: `${base}:attempts`,
		replay: `${base}:replay`,
		lease: `${base}:lease`,
	};
}

/** Keys of the gateway's own security state, under one hash tag `{security}`. */
export interface SecurityKeys {
	/** Random server secret (base64url) that keys console session ids and token fingerprints. */
	serverSecret: string;
	/** Prefix of console session records: `<sessionPrefix><HMAC of the session id>`, with a TTL. */
	sessionPrefix: string;
	/** Prefix of failed-authentication counters: `<authFailurePrefix><client address>`, with a TTL. */
	authFailurePrefix: string;
	/** Hash token id → JSON of a scoped admin token (its secret only as a keyed hash). */
	tokens: string;
	/** Capped stream of management changes (the audit log). */
	audit: string;
}

export function securityKeys(prefix: string): SecurityKeys {
	const base = `${prefix}{security}`;
	return {
		serverSecret: `${base}:server-secret`,
		sessionPrefix: `${base}:session:`,
		authFailurePrefix: `${base}:auth-failures:`,
		tokens: `${base}:tokens`,
		audit: `${base}:audit`,
	};
}

/**
 * The request log of ids that name no endpoint (404s), one capped stream for all of them under
 * the tag `{requests}`: per-id keys would let a sender who sprays random ids create keys at will.
 */
export function unknownRequestLogKey(prefix: string): string {
	return `${prefix}{requests}:unknown`;
}

/** Keys of one Alert Trigger node's state, under one hash tag `{alerts}`. */
export interface AlertKeys {
	/** Hash episode key → JSON of the open episode (claimed with HSETNX, closed with HDEL). */
	episodes: string;
	/** Hash endpoint id → JSON of the last reading of its rejection counters (for rates per minute). */
	samples: string;
}

/** @param triggerId `<workflow id>:<node id>` of the Alert Trigger node */
export function alertKeys(prefix: string, triggerId: string): AlertKeys {
	const base = `${prefix}{alerts}`;
	return { episodes: `${base}:episodes:${triggerId}`, samples: `${base}:samples:${triggerId}` };
}
