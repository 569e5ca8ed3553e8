/**
 * IETF RateLimit-Policy / RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, structured
 * field syntax) for the account's burst/rate and daily policies.
 */
import type { Plan } from '../types';

export interface LimitState {
	burstRemaining: number;
	burstResetMs: number;
	dailyRemaining: number;
	secondsToMidnight: number;
}

/** Headers describing the plan's limits and what is left; empty for a plan without limits. */
export function rateLimitHeaders(plan: Plan, state: LimitState): Record<string, string> {
	const policies: string[] = [];
	const current: string[] = [];
	if (plan.rate !== null && plan.burst !== null) {
		// The bucket refills completely in burst/rate seconds.
		policies.push(`"burst";q=${plan.burst};w=${Math.max(1, Math.ceil(plan.burst / plan.rate))}`);
		current.push(`"burst";r=${Math.max(0, state.burstRemaining)};t=${Math.max(0, Math.ceil(state.burstResetMs / 1000))}`);
	}
	if (plan.daily !== null) {
		policies.push(`"daily";q=${plan.daily};w=86400`);
		current.push(`"daily";r=${Math.max(0, state.dailyRemaining)};t=${Math.max(0, state.secondsToMidnight)}`);
	}
	if (policies.length === 0) return {};
	return { 'RateLimit-Policy': policies.join(', '), RateLimit: current.join(', ') };
}
