/**
 * The built-in plans (README "Plans and accounts") and plan validation.
 * Built-ins are fixed; operators add or change custom plans next to them.
 */
import { ValidationError } from '../errors';
import type { Plan } from '../types';

export const BUILT_IN_PLANS: readonly Plan[] = Object.freeze([
	{ id: 'free-trial', name: 'Free Trial', rate: 1, burst: 1, daily: 50, builtIn: true },
	{ id: 'forever-free', name: 'Forever Free', rate: 1, burst: 1, daily: 50, builtIn: true },
	{ id: 'advanced', name: 'Advanced', rate: 5, burst: 5, daily: 250, builtIn: true },
	{ id: 'business', name: 'Business', rate: 5, burst: 5, daily: 300, builtIn: true },
	{
		id: 'unlimited',
		name: 'Unlimited (self-hosted)',
		rate: null,
		burst: null,
		daily: null,
		builtIn: true,
	},
]);

export const PLAN_ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function builtInPlan(id: string): Plan | undefined {
	return BUILT_IN_PLANS.find((p) => p.id === id);
}

/** One limit from user input: a number > 0 (whole when `integer`), or null for none ('', 'none', null). */
export function limitValue(value: unknown, field: string, integer: boolean): number | null {
	if (value === null || value === undefined || value === '' || value === 'none') return null;
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
		throw new ValidationError(
			`${field} must be ${integer ? 'a whole number' : 'a number'} greater than 0, or null for no limit (got ${JSON.stringify(value)})`,
		);
	}
	return n;
}

/** Validates a custom plan from user input. Rate and burst are both set or both null. */
export function validatePlan(input: Record<string, unknown>): Plan {
	const id = String(input.id ?? '');
	if (!PLAN_ID_RE.test(id))
		throw new ValidationError(`plan id must match ${PLAN_ID_RE.source} (got '${id}')`);
	if (builtInPlan(id))
		throw new ValidationError(
			`'${id}' is a built-in plan and cannot be changed; create a custom plan with another id`,
		);
	const rate = limitValue(input.rate, 'rate', false);
	let burst = limitValue(input.burst, 'burst', true);
	if (rate !== null && burst === null) burst = Math.max(1, Math.ceil(rate));
	if (rate === null && burst !== null)
		throw new ValidationError(
			'burst needs a rate: set rate (requests per second) too, or set both to null',
		);
	const daily = limitValue(input.daily, 'daily', true);
	const name =
		String(input.name ?? id)
			.trim()
			.slice(0, 100) || id;
	return { id, name, rate, burst, daily, builtIn: false };
}
