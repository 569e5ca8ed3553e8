/**
 * Shapes of the admin API answers the console reads. Domain types come from the gateway's own
 * src/types.ts (type-only import: nothing of the server is bundled); the rest mirror
 * src/management/service.ts and src/redis/stats.ts.
 */
import type { Account, EndpointAuth, EndpointView, Plan, WebhookEvent } from '../../../src/types';

export type { Account, EndpointAuth, EndpointView, Plan, WebhookEvent };
export type { DroppedSubscriberView, EndpointSubscribers, SubscriberView } from '../../../src/management/subscribers';
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
