/**
 * Shapes of the admin API answers the console reads. Domain types come from the gateway's own
 * src/types.ts (type-only import: nothing of the server is bundled); the rest mirror
 * src/management/service.ts and src/redis/stats.ts.
 */
import type { Account, EndpointAuth, EndpointLimits, EndpointView, Plan, WebhookEvent } from '../../../src/types';

export type { Account, EndpointAuth, EndpointLimits, EndpointView, Plan, WebhookEvent };
import type { DayUsage } from '../../../src/redis/usage';
import type { AccountEndpointUsage } from '../../../src/management/service';

export type { AccountEndpointUsage, DayUsage };
export type { DroppedSubscriberView, EndpointSubscribers, SubscriberView } from '../../../src/management/subscribers';
export type { LoggedRequest, RequestPage } from '../../../src/redis/requestLog';
export type { SubscriberDelivery } from '../../../src/redis/eventDelivery';
export type { RequestDetail } from '../../../src/management/requestLog';
export type { ScopedToken, TokenScope } from '../../../src/management/tokens';
export type { ListedAuditEntry } from '../../../src/redis/audit';

export interface EndpointUsage {
	endpointId: string;
	accountId: string;
	plan: Plan;
	acceptedToday: number;
	accountAcceptedToday: number;
	dailyLimit: number | null;
	dailyRemaining: number | null;
	/** The endpoint's own limits (null: only the plan's) and what is left of its own daily limit. */
	endpointLimits: EndpointLimits | null;
	endpointDailyRemaining: number | null;
	resetsInSeconds: number;
	buffer: { length: number; capacity: number; bytes: number; maxBytes: number; oldestReceivedAt: string | null };
	subscribers: { id: string; waiting: number; pending: number; lastSeen: string }[];
	deadLetters: number;
	deadLetterMax: number;
}

export interface HourStats {
	/** Start of the hour, ISO 8601. */
	hour: string;
	/** Outcome → count: accepted, duplicate, unauthorized, rate_limited, ... */
	counts: Record<string, number>;
}

export interface DeadLetter {
	id: string;
	subscriberId: string;
	attempts: number;
	error: string;
	deadAt: string;
	event: WebhookEvent;
}

/** What create, update and rotate answer: the secret only when one was made or given. */
export interface EndpointWithSecret {
	endpoint: EndpointView;
	secret?: string;
}

export interface TestEventAnswer {
	status: number;
	body: unknown;
}

/** An account as `GET /accounts/:id` answers: its usage today next to each endpoint's. */
export interface AccountDetail extends Account {
	plan: Plan;
	acceptedToday: number;
	dailyRemaining: number | null;
	endpoints: string[];
	endpointUsage: AccountEndpointUsage[];
}
