/**
 * The request path's only Redis call: runs acceptEvent (decide + store in one round trip) and
 * maps its result codes to a typed outcome.
 */
import { createHash } from 'node:crypto';
import type { ScriptedRedis } from './client';
import { endpointKeys } from './keys';

export interface AcceptInput {
	endpointId: string;
	accountId: string;
	/** Idempotency value of the request, or undefined when dedupe is off / the value is absent. */
	dedupeValue?: string;
	dedupeWindowMs: number;
	/** Requests per second; null = no rate/burst limit. */
	rate: number | null;
	burst: number | null;
	daily: number | null;
	capacity: number;
	/** Most bytes the endpoint's buffered events may hold (stored size: body, headers, path, query...). */
	capacityBytes: number;
	method: string;
	path: string;
	query: string;
	headersJson: string;
	sourceIp: string;
	body: Buffer;
}

export type AcceptOutcome =
	| { kind: 'accepted'; eventId: string; burstRemaining: number; burstResetMs: number; dailyRemaining: number; secondsToMidnight: number }
	| { kind: 'duplicate'; eventId: string }
	| { kind: 'rate_limited'; retryAfterMs: number; burstResetMs: number; dailyRemaining: number; secondsToMidnight: number }
	| { kind: 'daily_limit_exceeded'; secondsToMidnight: number; burstRemaining: number; burstResetMs: number }
	| { kind: 'buffer_full'; length: number; bytes: number };

export class AcceptStore {
	constructor(
		private readonly redis: ScriptedRedis,
		private readonly prefix: string,
	) {}

	async accept(input: AcceptInput): Promise<AcceptOutcome> {
		const keys = endpointKeys(this.prefix, input.accountId, input.endpointId);
		const dedupeKey =
			input.dedupeValue === undefined
				? keys.stream
				: keys.dedupePrefix + createHash('sha256').update(input.dedupeValue).digest('base64url');
		const limited = input.rate !== null && input.rate > 0;
		const r = (await this.redis.acceptEvent(
			keys.stream,
			dedupeKey,
			keys.limiter,
			keys.usage,
			keys.bytes,
			input.endpointId,
			input.dedupeValue === undefined ? '0' : '1',
			input.dedupeWindowMs,
			limited ? String(input.rate) : '0',
			limited ? String(input.burst ?? Math.max(1, Math.ceil(input.rate as number))) : '0',
			input.daily ?? 0,
			input.capacity,
			input.method,
			input.path,
			input.query,
			input.headersJson,
			input.sourceIp,
			input.body,
			input.capacityBytes,
		)) as (string | number)[];
		const n = (i: number) => Number(r[i]);
		switch (n(0)) {
			case 0:
				return { kind: 'accepted', eventId: String(r[1]), burstRemaining: n(2), burstResetMs: n(3), dailyRemaining: n(4), secondsToMidnight: n(5) };
			case 1:
				return { kind: 'duplicate', eventId: String(r[1]) };
			case 2:
				return { kind: 'rate_limited', retryAfterMs: n(1), burstResetMs: n(2), dailyRemaining: n(3), secondsToMidnight: n(4) };
			case 3:
				return { kind: 'daily_limit_exceeded', secondsToMidnight: n(1), burstRemaining: n(2), burstResetMs: n(3) };
			case 4:
				return { kind: 'buffer_full', length: n(1), bytes: n(2) };
			default:
				throw new Error(`acceptEvent returned an unknown code: ${String(r[0])}`);
		}
	}
}
