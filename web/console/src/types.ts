/**
 * Shapes of the admin API answers the console reads, imported type-only from the gateway (nothing
 * of the server, nor zod, is bundled): domain types from src/types.ts, answers from the admin
 * API's schemas in src/management/schemas, the ones its OpenAPI document shows.
 */
export type {
	Account,
	EndpointAuth,
	EndpointLimits,
	EndpointView,
	Plan,
	WebhookEvent,
} from '../../../src/types';
export type { DayUsage } from '../../../src/redis/usage';
export type { AccountDetail, AccountEndpointUsage } from '../../../src/management/schemas/plan';
export type { EndpointUsage, HourStats } from '../../../src/management/schemas/usage';
export type { DeadLetter } from '../../../src/management/schemas/events';
export type {
	EndpointWithSecret,
	TestEventResult as TestEventAnswer,
} from '../../../src/management/schemas/endpoint';
export type {
	DroppedSubscriberView,
	EndpointSubscribers,
	SubscriberView,
} from '../../../src/management/subscribers';
export type { LoggedRequest, RequestPage } from '../../../src/redis/requestLog';
export type { SubscriberDelivery } from '../../../src/redis/eventDelivery';
export type { RequestDetail } from '../../../src/management/requestLog';
export type { ScopedToken, TokenScope } from '../../../src/management/tokens';
export type { ListedAuditEntry } from '../../../src/redis/audit';
