/**
 * Turns the node's "Rules" parameter into the rules src/alerts evaluates, refusing what cannot
 * work with a message the user can act on.
 */
import type { AlertRule } from '../../src/alerts/rules';
import { checkNumber } from '../shared/parameters';

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

function number(value: unknown, displayName: string, min: number, fallback: number): number {
	const checked = checkNumber(
		value,
		{ displayName: `"${displayName}"`, min, fractions: 'keep' },
		fallback,
	);
	if (!checked.ok) throw new Error(checked.error);
	return checked.value;
}

const optional = (text: unknown) =>
	typeof text === 'string' && text.trim() !== '' ? text.trim() : undefined;

/** @throws Error naming the field when a value cannot work */
export function rulesOf(parameter: unknown): AlertRule[] {
	const list = ((parameter as { rule?: RuleValues[] } | undefined)?.rule ?? []) as RuleValues[];
	if (list.length === 0) throw new Error('no rule is set; add at least one under "Rules"');
	return list.map((v): AlertRule => {
		const endpointId = optional(v.endpointId);
		switch (v.rule) {
			case 'deadLetters':
				return {
					kind: 'deadLetters',
					endpointId,
					threshold: number(v.threshold, 'Dead Letters Above', 0, 0),
				};
			case 'bufferFill':
				return {
					kind: 'bufferFill',
					endpointId,
					measure: v.measure === 'bytes' ? 'bytes' : 'events',
					percent: number(v.percent, 'Percent Above', 0, 80),
				};
			case 'dailyUsage':
				return {
					kind: 'dailyUsage',
					accountId: optional(v.accountId),
					percent: number(v.percent, 'Percent Above', 0, 80),
				};
			case 'silence':
				return { kind: 'silence', endpointId, minutes: number(v.minutes, 'Silent Minutes', 1, 60) };
			case 'rejections':
				return {
					kind: 'rejections',
					endpointId,
					perMinute: number(v.perMinute, 'Rejections per Minute Above', 0, 10),
				};
			case 'redisCheck':
				return { kind: 'redisCheck' };
			default:
				throw new Error(`unknown rule '${String(v.rule)}'`);
		}
	});
}
