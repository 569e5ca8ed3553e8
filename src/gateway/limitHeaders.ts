/**
 * IETF RateLimit-Policy / RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, structured
 * field syntax) for the burst/rate and daily policies. With an endpoint's own limits inside the
 * account's plan, each dimension describes the tighter of the two (the one with less left), under
 * the same policy names, so a sender's parser needs no change.
 */
import type { EndpointLimits } from '../types';

export interface LimitState {
	burstRemaining: number;
	burstResetMs: number;
	dailyRemaining: number;
	secondsToMidnight: number;
}

/** The limits of one policy (a plan or an endpoint's own); null = that dimension is off. */
export type LimitPolicy = EndpointLimits;

interface Dimension {
	quota: number;
	windowSeconds: number;
	remaining: number;
	resetSeconds: number;
}

function burstOf(policy: LimitPolicy | null | undefined, state: LimitState): Dimension | undefined {
	if (!policy || policy.rate === null || policy.burst === null) return undefined;
	// The bucket refills completely in burst/rate seconds.
	const windowSeconds = Math.max(1, Math.ceil(policy.burst / policy.rate));
	return {
		quota: policy.burst,
		windowSeconds,
		remaining: Math.max(0, state.burstRemaining),
		resetSeconds: Math.max(0, Math.ceil(state.burstResetMs / 1000)),
	};
}

function dailyOf(policy: LimitPolicy | null | undefined, state: LimitState): Dimension | undefined {
	if (!policy || policy.daily === null) return undefined;
	return {
		quota: policy.daily,
		windowSeconds: 86_400,
		remaining: Math.max(0, state.dailyRemaining),
		resetSeconds: Math.max(0, state.secondsToMidnight),
	};
}

/** The dimension that runs out first: less remaining, then the smaller quota. */
function tighter(a: Dimension | undefined, b: Dimension | undefined): Dimension | undefined {
	if (!a || !b) return a ?? b;
	if (a.remaining !== b.remaining) return a.remaining < b.remaining ? a : b;
	return a.quota <= b.quota ? a : b;
}

function headersOf(
	burst: Dimension | undefined,
	daily: Dimension | undefined,
): Record<string, string> {
	const policies: string[] = [];
	const current: string[] = [];
	for (const [name, d] of [
		['burst', burst],
		['daily', daily],
	] as const) {
		if (!d) continue;
		policies.push(`"${name}";q=${d.quota};w=${d.windowSeconds}`);
		current.push(`"${name}";r=${d.remaining};t=${d.resetSeconds}`);
	}
	if (policies.length === 0) return {};
	return { 'RateLimit-Policy': policies.join(', '), RateLimit: current.join(', ') };
}

/** Headers describing the plan's limits and what is left; empty for a plan without limits. */
export function rateLimitHeaders(plan: LimitPolicy, state: LimitState): Record<string, string> {
	return headersOf(burstOf(plan, state), dailyOf(plan, state));
}

/**
 * Headers for a request under the account's plan and the endpoint's own limits: per dimension
 * (burst, daily) the policy with less left. Empty when neither limits anything.
 */
export function combinedLimitHeaders(
	plan: LimitPolicy,
	endpoint: LimitPolicy | null | undefined,
	states: { account: LimitState; endpoint: LimitState },
): Record<string, string> {
	return headersOf(
		tighter(burstOf(plan, states.account), burstOf(endpoint, states.endpoint)),
		tighter(dailyOf(plan, states.account), dailyOf(endpoint, states.endpoint)),
	);
}
