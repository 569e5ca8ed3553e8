/**
 * The request path's only Redis call: runs acceptEvent (decide + store in one round trip, the
 * account's and the endpoint's own limits checked together) and maps its result codes to a typed
 * outcome.
 */
import { createHash } from 'node:crypto';
import type { ScriptedRedis } from './client';
import { endpointKeys } from './keys';
import { ScriptBatch } from './scriptBatch';
import { SCRIPT_CODES } from './scriptCodes';
import { encodeEventHead, type EventHead } from './streamSchema';

const CODE = SCRIPT_CODES.accept;

/** Rate/burst/daily of one policy as the script takes them; null = that dimension is off. */
export interface LimitInput {
	/** Requests per second; null = no rate/burst limit. */
	rate: number | null;
	burst: number | null;
	/** Accepted requests per UTC day; null = none. */
	daily: number | null;
}

/**
 * One request to accept: the event to store (its head as the stream entry holds it: method, path,
 * query, source address and the headers to store, names lower-case, see storedHeaders in
 * src/parsing/headers.ts; and the raw body) and the limits it is checked against.
 */
export interface AcceptInput extends LimitInput, EventHead {
	endpointId: string;
	accountId: string;
	/** Idempotency value of the request, or undefined when dedupe is off / the value is absent. */
	dedupeValue?: string;
	dedupeWindowMs: number;
	/** The endpoint's own limits inside the account's (rate, burst, daily above); absent = none. */
	endpointLimits?: LimitInput | null;
	capacity: number;
	/** Most bytes the endpoint's buffered events may hold (stored size: body, headers, path, query...). */
	capacityBytes: number;
	body: Buffer;
}

/** What is left of one policy: remaining counts are -1 when that limit is off. */
export interface PolicyState {
	burstRemaining: number;
	burstResetMs: number;
	dailyRemaining: number;
	/** Seconds until the next UTC midnight (Redis's clock), when daily counters reset. */
	secondsToMidnight: number;
}

/** Both policies' state, as the script saw them. */
export interface LimitStates {
	account: PolicyState;
	endpoint: PolicyState;
}

/** Which limit refused a request: the account plan's or the endpoint's own. */
export type LimitScope = 'account' | 'endpoint';

export type AcceptOutcome =
	| ({ kind: 'accepted'; eventId: string } & LimitStates)
	| { kind: 'duplicate'; eventId: string }
	| ({
			kind: 'rate_limited' | 'daily_limit_exceeded';
			scope: LimitScope;
			retryAfterMs: number;
	  } & LimitStates)
	| { kind: 'buffer_full'; length: number; bytes: number };

function scriptLimits(limits: LimitInput | null | undefined): [string, string, number] {
	const limited =
		limits !== null && limits !== undefined && limits.rate !== null && limits.rate > 0;
	const rate = limited ? (limits.rate as number) : 0;
	return [
		limited ? String(rate) : '0',
		limited ? String(limits.burst ?? Math.max(1, Math.ceil(rate))) : '0',
		limits?.daily ?? 0,
	];
}

export class AcceptStore {
	private readonly acceptEvent: ScriptBatch;

	constructor(
		redis: ScriptedRedis,
		private readonly prefix: string,
	) {
		this.acceptEvent = new ScriptBatch(redis, 'acceptEvent');
	}

	async accept(input: AcceptInput): Promise<AcceptOutcome> {
		const keys = endpointKeys(this.prefix, input.accountId, input.endpointId);
		const dedupeKey =
			input.dedupeValue === undefined
				? keys.stream
				: keys.dedupePrefix + createHash('sha256').update(input.dedupeValue).digest('base64url');
		const [rate, burst, daily] = scriptLimits(input);
		const [epRate, epBurst, epDaily] = scriptLimits(input.endpointLimits);
		const r = (await this.acceptEvent.call([
			keys.stream,
			dedupeKey,
			keys.limiter,
			keys.usage,
			keys.bytes,
			keys.endpointLimiter,
			input.endpointId,
			input.dedupeValue === undefined ? '0' : '1',
			input.dedupeWindowMs,
			rate,
			burst,
			daily,
			input.capacity,
			encodeEventHead(
				{
					method: input.method,
					path: input.path,
					query: input.query,
					sourceIp: input.sourceIp,
					headers: input.headers,
				},
				input.body.length,
			),
			input.body,
			input.capacityBytes,
			epRate,
			epBurst,
			epDaily,
		])) as (string | number)[];
		const n = (i: number) => Number(r[i]);
		const code = n(0);
		if (code === CODE.duplicate) return { kind: 'duplicate', eventId: String(r[1]) };
		if (code === CODE.bufferFull) return { kind: 'buffer_full', length: n(1), bytes: n(2) };
		const states: LimitStates = {
			account: {
				burstRemaining: n(3),
				burstResetMs: n(4),
				dailyRemaining: n(5),
				secondsToMidnight: n(2),
			},
			endpoint: {
				burstRemaining: n(6),
				burstResetMs: n(7),
				dailyRemaining: n(8),
				secondsToMidnight: n(2),
			},
		};
		switch (code) {
			case CODE.accepted:
				return { kind: 'accepted', eventId: String(r[1]), ...states };
			case CODE.rateLimited:
			case CODE.endpointRateLimited:
				return {
					kind: 'rate_limited',
					scope: code === CODE.rateLimited ? 'account' : 'endpoint',
					retryAfterMs: n(1),
					...states,
				};
			case CODE.dailyLimitExceeded:
			case CODE.endpointDailyLimitExceeded:
				return {
					kind: 'daily_limit_exceeded',
					scope: code === CODE.dailyLimitExceeded ? 'account' : 'endpoint',
					retryAfterMs: n(1),
					...states,
				};
			default:
				throw new Error(`acceptEvent returned an unknown code: ${String(r[0])}`);
		}
	}
}
