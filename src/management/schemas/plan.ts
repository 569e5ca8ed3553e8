/**
 * Shapes of plans, accounts and an endpoint's own limits in the admin API (docs/limits.md).
 * Plan and limit values are checked by src/registry/plans.ts and endpointLimits.ts.
 */
import { ACCOUNT_ID_RE, ENDPOINT_ID_RE } from '../../registry/endpoints';
import { PLAN_ID_RE } from '../../registry/plans';
import type {
	Account as AccountRecord,
	EndpointLimits as EndpointLimitsRecord,
	Plan as PlanRecord,
} from '../../types';
import { checkedByService, component, isoTime, z, type SameShape } from './registry';

export const endpointId = () =>
	z
		.string()
		.regex(ENDPOINT_ID_RE)
		.describe('3-64 characters from a-z, 0-9, `-` and `_`, starting with a letter or digit');
export const accountId = () =>
	z.string().regex(ACCOUNT_ID_RE).describe('1-64 characters from A-Z, a-z, 0-9, `.`, `-` and `_`');
export const planId = () => z.string().regex(PLAN_ID_RE);
/** A count of requests or events (≥ 0). */
export const count = () => z.number().int().min(0);

const limit = (description: string, integer: boolean) =>
	(integer ? z.number().int() : z.number()).positive().nullable().describe(description);
const limits = {
	rate: limit('Accepted requests per second (may be fractional); null: none', false),
	burst: limit('Requests that may arrive at one instant; null: none', true),
	daily: limit('Accepted requests per UTC day; null: none', true),
};

export const Plan = component(
	'Plan',
	z.strictObject({
		id: planId(),
		name: z.string().max(100),
		...limits,
		builtIn: z.boolean().describe('Built-in plans cannot be changed or deleted'),
	}),
);
export const PlanInput = component(
	'PlanInput',
	z
		.strictObject({
			id: checkedByService(planId(), "Optional; must equal the path's id").optional(),
			name: checkedByService(
				z.string().nullable(),
				'Default: the id; cut at 100 characters',
			).optional(),
			rate: checkedByService(limits.rate).optional(),
			burst: checkedByService(limits.burst).optional(),
			daily: checkedByService(limits.daily).optional(),
		})
		.describe('Omitted limits mean none; burst defaults to ceil(rate) and needs a rate'),
);
const accountFields = { id: accountId(), planId: planId(), createdAt: isoTime() };
export const Account = component('Account', z.strictObject(accountFields));
export const EndpointLimits = component(
	'EndpointLimits',
	z
		.strictObject(limits)
		.describe(
			"An endpoint's own limits inside its account's plan: both apply, the tighter refuses (429 endpoint_rate_limited / endpoint_daily_limit_exceeded)",
		),
);
export const EndpointLimitsInput = component(
	'EndpointLimitsInput',
	z
		.strictObject({
			rate: limits.rate.optional(),
			burst: limits.burst.optional(),
			daily: limits.daily.optional(),
		})
		.describe(
			"Omitted limits mean none; each at most the plan's; burst defaults to ceil(rate) (at most the plan's burst) and needs a rate",
		),
);

// The stored shapes (src/types.ts, src/redis) are these; a field added to one side only does not compile.
true satisfies SameShape<PlanRecord, z.infer<typeof Plan>>;
true satisfies SameShape<AccountRecord, z.infer<typeof Account>>;
true satisfies SameShape<EndpointLimitsRecord, z.infer<typeof EndpointLimits>>;

/** One endpoint's line in an account's usage: today's accepted requests against its own limits. */
export const AccountEndpointUsage = z.strictObject({
	endpointId: endpointId(),
	acceptedToday: count(),
	limits: EndpointLimits.nullable().describe(
		"Its own limits; null when only the account's plan applies",
	),
	dailyRemaining: count()
		.nullable()
		.describe("Left of the endpoint's own daily limit; null without one"),
});
export type AccountEndpointUsage = z.infer<typeof AccountEndpointUsage>;

/** An account as `GET /accounts/:id` answers: its usage today next to each endpoint's. */
export const AccountDetail = component(
	'AccountDetail',
	z.strictObject({
		...accountFields,
		plan: Plan,
		acceptedToday: count(),
		dailyRemaining: count().nullable(),
		endpoints: z.array(endpointId()).describe('Ids of its endpoints'),
		endpointUsage: z
			.array(AccountEndpointUsage)
			.describe("Each endpoint's accepted requests today next to the account's"),
	}),
);
export type AccountDetail = z.infer<typeof AccountDetail>;

export const SetAccountPlanRequest = component(
	'SetAccountPlanRequest',
	z.strictObject({
		planId: z
			.string({
				error: (issue) =>
					issue.input === undefined || issue.input === null
						? 'planId is required: the id of the plan for this account'
						: 'planId must be a string',
			})
			.min(1, { error: 'planId is required: the id of the plan for this account' })
			.meta({ pattern: PLAN_ID_RE.source }),
	}),
);
