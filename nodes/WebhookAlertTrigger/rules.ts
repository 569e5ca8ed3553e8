/**
 * Turns the node's "Rules" parameter into the rules src/alerts evaluates, refusing what cannot
 * work with a message the user can act on.
 */
import type { AlertRule } from '../../src/alerts/rules';

interface RuleValues {
	rule?: string;
	endpointId?: string;
	accountId?: string;
	threshold?: number;
	measure?: string;
	percent?: number;
	minutes?: number;
	perMinute?: number;
}

function number(value: unknown, name: string, min: number): number {
	const n = Number(value);
	if (!Number.isFinite(n) || n < min) throw new Error(`"${name}" must be a number of at least ${min} (got ${JSON.stringify(value)})`);
	return n;
}

const optional = (text: unknown) => (typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined);

/** @throws Error naming the field when a value cannot work */
export function rulesOf(parameter: unknown): AlertRule[] {
	const list = ((parameter as { rule?: RuleValues[] } | undefined)?.rule ?? []) as RuleValues[];
	if (list.length === 0) throw new Error('no rule is set; add at least one under "Rules"');
	return list.map((v): AlertRule => {
		const endpointId = optional(v.endpointId);
		switch (v.rule) {
			case 'deadLetters':
				return { kind: 'deadLetters', endpointId, threshold: number(v.threshold ?? 0, 'Dead Letters Above', 0) };
			case 'bufferFill':
				return { kind: 'bufferFill', endpointId, measure: v.measure === 'bytes' ? 'bytes' : 'events', percent: number(v.percent ?? 80, 'Percent Above', 0) };
			case 'dailyUsage':
				return { kind: 'dailyUsage', accountId: optional(v.accountId), percent: number(v.percent ?? 80, 'Percent Above', 0) };
			case 'silence':
				return { kind: 'silence', endpointId, minutes: number(v.minutes ?? 60, 'Silent Minutes', 1) };
			case 'rejections':
				return { kind: 'rejections', endpointId, perMinute: number(v.perMinute ?? 10, 'Rejections per Minute Above', 0) };
			case 'redisCheck':
				return { kind: 'redisCheck' };
			default:
				throw new Error(`unknown rule '${String(v.rule)}'`);
		}
	});
}
