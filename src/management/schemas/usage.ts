/**
 * Shapes of what the admin API reports about traffic: an endpoint's usage today against its
 * limits and buffer, requests per hour, and daily history of endpoints and accounts.
 */
import { accountId, count, EndpointLimits, endpointId, Plan } from './plan';
import type { HourStats as StoredHourStats } from '../../redis/stats';
import type { DayUsage as StoredDayUsage } from '../../redis/usage';
import { component, isoTime, z, type SameShape } from './registry';

export const DayUsage = component(
	'DayUsage',
	z.strictObject({
		date: z.string().meta({ format: 'date' }).describe('The UTC day'),
		accepted: count().describe('Accepted (stored) requests: what daily limits count'),
		rejected: count().describe('Requests answered with an error (403, 413, 429, 503 ...)'),
		duplicate: count().describe('Repeats answered 200 duplicate'),
	}),
);
export const EndpointUsageHistory = component(
	'EndpointUsageHistory',
	z.strictObject({ endpointId: endpointId(), accountId: accountId(), days: z.array(DayUsage) }),
);
export const AccountUsageHistory = component(
	'AccountUsageHistory',
	z.strictObject({
		accountId: accountId(),
		days: z.array(DayUsage),
		endpoints: z.array(z.strictObject({ endpointId: endpointId(), days: z.array(DayUsage) })),
	}),
);

/** An endpoint's usage today: its limits and the plan's, its buffer and its subscribers. */
export const EndpointUsage = component(
	'Usage',
	z.strictObject({
		endpointId: endpointId(),
		accountId: accountId(),
		plan: Plan,
		acceptedToday: count().describe('Requests this endpoint accepted today (UTC)'),
		accountAcceptedToday: count().describe(
			"The account's accepted requests today over all its endpoints",
		),
		dailyLimit: z.number().int().nullable(),
		dailyRemaining: count().nullable(),
		endpointLimits: EndpointLimits.nullable().describe(
			"The endpoint's own limits; null: only the plan's apply",
		),
		endpointDailyRemaining: count()
			.nullable()
			.describe("What is left of the endpoint's own daily limit today; null without one"),
		resetsInSeconds: count().describe('Until the daily counters reset (UTC midnight)'),
		/** Events and bytes buffered and the capacities that end in 503 buffer_full. */
		buffer: z.strictObject({
			length: count(),
			capacity: z.number().int().min(1).describe('Most events; more get 503 buffer_full'),
			bytes: count().describe('Stored size of the buffered events (body, headers, path, query)'),
			maxBytes: z.number().int().min(1).describe('Most bytes; more get 503 buffer_full'),
			oldestReceivedAt: isoTime().nullable(),
		}),
		/** No subscriber: nothing reads or trims the buffer, it fills up to its capacity. */
		subscribers: z.array(
			z.strictObject({
				id: z.string().describe('workflow id : node id'),
				waiting: count().describe('Not yet acknowledged (new + pending)'),
				pending: count().describe('Delivered, not acknowledged'),
				lastSeen: isoTime(),
			}),
		),
		deadLetters: count(),
		deadLetterMax: count().describe(
			'Cap on dead letters (0 = none); at the cap, failing events stay pending instead',
		),
	}),
);
export type EndpointUsage = z.infer<typeof EndpointUsage>;

/** Requests of one endpoint in one hour, by outcome. */
export const HourStats = z.strictObject({
	hour: isoTime().describe('Start of the hour'),
	counts: z
		.record(z.string(), count())
		.describe(
			'Requests by outcome: accepted, duplicate, handshake, head, options, or the error code (unauthorized, rate_limited ...)',
		),
});
export type HourStats = z.infer<typeof HourStats>;
export const EndpointStats = component(
	'Stats',
	z.strictObject({ endpointId: endpointId(), hours: z.array(HourStats) }),
);

// The stored shapes (src/types.ts, src/redis) are these; a field added to one side only does not compile.
true satisfies SameShape<StoredDayUsage, z.infer<typeof DayUsage>>;
true satisfies SameShape<StoredHourStats, HourStats>;
