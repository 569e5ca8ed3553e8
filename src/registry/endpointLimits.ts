/**
 * Validation of an endpoint's own limits (rate, burst, daily: the plan's names and units). They
 * live inside the account's plan: a value above the plan's is refused with the field named, since
 * it could never take effect (both apply to every request, the tighter one refuses).
 */
import { ValidationError } from '../errors';
import type { EndpointLimits, Plan } from '../types';
import { limitValue } from './plans';

function above(field: keyof EndpointLimits, value: number | null, plan: Plan, unit: string): void {
	const planValue = plan[field];
	if (value !== null && planValue !== null && value > planValue) {
		throw new ValidationError(
			`limits.${field} (${value}${unit}) is above the ${field} of the account's plan '${plan.id}' (${planValue}${unit}); an endpoint's limits must lie within its account's plan`,
		);
	}
}

/**
 * An endpoint's limits from user input (`{rate?, burst?, daily?}`; null or no limit set = none),
 * checked against the plan of its account. Without burst, a rate gets burst ceil(rate) (at least 1),
 * at most the plan's burst. @returns null when the endpoint limits nothing itself
 */
export function validateEndpointLimits(input: unknown, plan: Plan): EndpointLimits | null {
	if (input === undefined || input === null || input === '') return null;
	if (typeof input !== 'object' || Array.isArray(input))
		throw new ValidationError(
			'limits must be an object {rate, burst, daily} (each a number, or null for none), or null',
		);
	const o = input as Record<string, unknown>;
	for (const key of Object.keys(o)) {
		if (!['rate', 'burst', 'daily'].includes(key))
			throw new ValidationError(
				`limits.${key.slice(0, 50)} is not a known limit; expected rate, burst, daily`,
			);
	}
	const rate = limitValue(o.rate, 'limits.rate', false);
	let burst = limitValue(o.burst, 'limits.burst', true);
	const daily = limitValue(o.daily, 'limits.daily', true);
	if (rate === null && burst !== null)
		throw new ValidationError(
			'limits.burst needs limits.rate: set the rate (requests per second) too, or set both to null',
		);
	above('rate', rate, plan, '/s');
	above('burst', burst, plan, '');
	above('daily', daily, plan, ' per day');
	if (rate !== null && burst === null)
		burst = Math.min(Math.max(1, Math.ceil(rate)), plan.burst ?? Infinity);
	if (rate === null && daily === null) return null;
	return { rate, burst, daily };
}

/**
 * An update's limits: the given fields over the endpoint's current ones, so `{daily: 5}` keeps its
 * rate; null clears them all. Without a rate there is no burst either, unless one is given.
 */
export function mergeEndpointLimits(
	current: EndpointLimits | null | undefined,
	given: unknown,
): unknown {
	if (given === null || typeof given !== 'object' || Array.isArray(given)) return given;
	const patch = given as Record<string, unknown>;
	const merged: Record<string, unknown> = { ...(current ?? {}), ...patch };
	if ((merged.rate === null || merged.rate === undefined) && patch.burst === undefined)
		merged.burst = null;
	return merged;
}
