/**
 * Event filters of the trigger nodes (docs/filters.md): conditions on a buffered event's headers,
 * JSON body, method and sub-path, checked on the delivery side right after the read, so that
 * events a workflow does not want never start an execution. Pure: a spec is validated and
 * compiled once per activation, then `matches` runs per event. No regular expressions: patterns
 * are `*`/`?` globs matched in O(text × pattern) time, so no pattern can make a read hang.
 */
import { ValidationError } from '../errors';
import type { WebhookEvent } from '../types';

/** A header condition; the name is case-insensitive (headers are stored lower-case). */
export interface HeaderCondition {
	kind: 'header';
	name: string;
	/** equals / contains compare case-sensitively; glob: `*` any run of characters, `?` one. */
	op: 'equals' | 'contains' | 'glob' | 'exists';
	value?: string;
}

/** A condition on a value in the JSON body, by a dotted path (`a.b`, `items[0].id`, `items.*.id`). */
export interface BodyCondition {
	kind: 'body';
	path: string;
	/** in: equals one of `values`; glob: matches one of the `values` patterns. */
	op: 'equals' | 'in' | 'glob' | 'exists';
	value?: string;
	values?: string[];
}

/** The request method is one of `values` (case-insensitive). */
export interface MethodCondition {
	kind: 'method';
	values: string[];
}

/** The sub-path after the endpoint's URL ('' when none, else starting with '/') matches one of the globs. */
export interface PathCondition {
	kind: 'path';
	patterns: string[];
}

/** Nested conditions, e.g. a preset's shortcut ANDed with the user's "any of" list. */
export interface GroupCondition {
	kind: 'group';
	combine: 'all' | 'any';
	conditions: FilterCondition[];
}

export type FilterCondition =
	| HeaderCondition
	| BodyCondition
	| MethodCondition
	| PathCondition
	| GroupCondition;

/** What a trigger node stores: its conditions and how they combine. */
export interface FilterSpec {
	combine: 'all' | 'any';
	conditions: FilterCondition[];
}

/** A compiled filter. */
export interface EventFilter {
	/** The spec it was compiled from (validated). */
	readonly spec: FilterSpec;
	matches(event: FilterInput): boolean;
	/** Why the event does not match (the first failing condition, for people); undefined when it matches. */
	explain(event: FilterInput): string | undefined;
}

/** The parts of an event a filter reads. */
export type FilterInput = Pick<WebhookEvent, 'method' | 'path' | 'headers' | 'body'>;

/** Longest pattern or compared value accepted, characters: bounds the matching work per event. */
export const FILTER_VALUE_MAX = 1000;
/** Most conditions in one filter (all groups together). */
export const FILTER_CONDITIONS_MAX = 100;

/**
 * True when `text` matches `pattern`: `*` any run of characters (also none, also '/'), `?` exactly
 * one character, everything else literally. Greedy with one backtrack point (the last `*`): at
 * most text × pattern steps, whatever the input.
 */
export function globMatch(pattern: string, text: string): boolean {
	let p = 0;
	let t = 0;
	let star = -1;
	let resume = 0;
	while (t < text.length) {
		if (
			p < pattern.length &&
			(pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === text[t]))
		) {
			p++;
			t++;
		} else if (p < pattern.length && pattern[p] === '*') {
			star = p++;
			resume = t;
		} else if (star >= 0) {
			p = star + 1;
			t = ++resume;
		} else {
			return false;
		}
	}
	while (p < pattern.length && pattern[p] === '*') p++;
	return p === pattern.length;
}

/** Splits `a.b[0].c` / `a.b.0.c` / `a.*.c` into segments; throws on an empty segment. */
export function parsePath(path: string): string[] {
	const segments = path
		.trim()
		.replace(/\[(\d+|\*)\]/g, '.$1')
		.split('.');
	if (segments.length === 0 || segments.some((s) => s === ''))
		throw new ValidationError(
			`'${path}' is not a body path (use dots between keys, e.g. pull_request.base.ref or items[0].id)`,
		);
	return segments;
}

/** The values at `segments` in `root`; `*` and arrays on the way fan out, arrays at the end are expanded. */
function valuesAt(root: unknown, segments: string[]): unknown[] {
	let current: unknown[] = [root];
	for (const segment of segments) {
		const next: unknown[] = [];
		for (const value of current) {
			if (value === null || typeof value !== 'object') continue;
			if (segment === '*') next.push(...(Array.isArray(value) ? value : Object.values(value)));
			else if (Array.isArray(value) && /^\d+$/.test(segment)) {
				if (Number(segment) < value.length) next.push(value[Number(segment)]);
			} else if (Array.isArray(value)) {
				// `labels.name` on an array of objects: the key of each element.
				for (const item of value)
					if (
						item !== null &&
						typeof item === 'object' &&
						!Array.isArray(item) &&
						Object.hasOwn(item, segment)
					)
						next.push((item as Record<string, unknown>)[segment]);
			} else if (Object.hasOwn(value, segment))
				next.push((value as Record<string, unknown>)[segment]);
		}
		current = next;
	}
	return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** How a scalar compares with the text of a condition: strings as they are, numbers, booleans and null by their JSON text. */
function scalarText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === null) return 'null';
	return undefined;
}

type Check = (event: FilterInput) => boolean;
type Compiled = { check: Check; describe: string };

function text(value: unknown, what: string): string {
	if (typeof value !== 'string') throw new ValidationError(`${what} needs a value`);
	if (value.length > FILTER_VALUE_MAX)
		throw new ValidationError(`${what}: values are limited to ${FILTER_VALUE_MAX} characters`);
	return value;
}

function list(values: unknown, what: string): string[] {
	if (!Array.isArray(values) || values.length === 0)
		throw new ValidationError(`${what} needs at least one value`);
	return values.map((v) => text(v, what));
}

function compileHeader(c: HeaderCondition): Compiled {
	const name = text(c.name, 'a header condition').trim().toLowerCase();
	if (!name) throw new ValidationError('a header condition needs a header name');
	const what = `header '${name}'`;
	if (c.op === 'exists')
		return { check: (e) => e.headers[name] !== undefined, describe: `${what} is present` };
	const value = text(c.value, `${what} ${c.op}`);
	const test: Record<Exclude<HeaderCondition['op'], 'exists'>, (v: string) => boolean> = {
		equals: (v) => v === value,
		contains: (v) => v.includes(value),
		glob: (v) => globMatch(value, v),
	};
	const op = test[c.op as keyof typeof test];
	if (!op)
		throw new ValidationError(
			`unknown header operation '${String(c.op)}' (equals, contains, glob, exists)`,
		);
	return {
		check: (e) => e.headers[name] !== undefined && op(e.headers[name]),
		describe: `${what} ${c.op} '${value}'`,
	};
}

function compileBody(c: BodyCondition): Compiled {
	const path = text(c.path, 'a body condition');
	const segments = parsePath(path);
	const what = `body ${path}`;
	const at = (e: FilterInput) => valuesAt(e.body, segments);
	if (c.op === 'exists')
		return { check: (e) => at(e).some((v) => v !== undefined), describe: `${what} exists` };
	if (c.op === 'equals') {
		const value = text(c.value, `${what} equals`);
		return {
			check: (e) => at(e).some((v) => scalarText(v) === value),
			describe: `${what} equals '${value}'`,
		};
	}
	const values = list(
		c.values ?? (c.value === undefined ? undefined : [c.value]),
		`${what} ${c.op}`,
	);
	if (c.op === 'in') {
		const set = new Set(values);
		return {
			check: (e) => at(e).some((v) => set.has(scalarText(v) as string)),
			describe: `${what} is one of ${values.join(', ')}`,
		};
	}
	if (c.op === 'glob')
		return {
			check: (e) =>
				at(e).some((v) => {
					const s = scalarText(v);
					return s !== undefined && values.some((p) => globMatch(p, s));
				}),
			describe: `${what} matches ${values.join(', ')}`,
		};
	throw new ValidationError(`unknown body operation '${String(c.op)}' (equals, in, glob, exists)`);
}

function compileCondition(c: FilterCondition, budget: { left: number }): Compiled {
	if (--budget.left < 0)
		throw new ValidationError(`a filter may hold at most ${FILTER_CONDITIONS_MAX} conditions`);
	switch (c?.kind) {
		case 'header':
			return compileHeader(c);
		case 'body':
			return compileBody(c);
		case 'method': {
			const methods = new Set(
				list(c.values, 'a method condition').map((m) => m.trim().toUpperCase()),
			);
			return {
				check: (e) => methods.has(e.method.toUpperCase()),
				describe: `method is ${[...methods].join(' or ')}`,
			};
		}
		case 'path': {
			const patterns = list(c.patterns, 'a sub-path condition');
			return {
				check: (e) => patterns.some((p) => globMatch(p, e.path)),
				describe: `sub-path matches ${patterns.join(', ')}`,
			};
		}
		case 'group':
			return compileGroup(c.combine, c.conditions, budget);
		default:
			throw new ValidationError(
				`unknown filter condition '${String((c as { kind?: unknown })?.kind)}' (header, body, method, path, group)`,
			);
	}
}

function compileGroup(
	combine: unknown,
	conditions: unknown,
	budget: { left: number },
): Compiled & { explain(e: FilterInput): string | undefined } {
	if (combine !== 'all' && combine !== 'any')
		throw new ValidationError(`conditions combine with 'all' or 'any', not '${String(combine)}'`);
	if (!Array.isArray(conditions)) throw new ValidationError('a filter needs a list of conditions');
	const parts = (conditions as FilterCondition[]).map((c) => compileCondition(c, budget));
	const check: Check =
		combine === 'all'
			? (e) => parts.every((p) => p.check(e))
			: (e) => parts.length === 0 || parts.some((p) => p.check(e));
	const describe =
		parts.length === 1
			? parts[0].describe
			: `${combine} of (${parts.map((p) => p.describe).join('; ')})`;
	return {
		check,
		describe,
		explain: (e) => {
			if (check(e)) return undefined;
			if (combine === 'any')
				return `none of these holds: ${parts.map((p) => p.describe).join('; ')}`;
			return `${parts.find((p) => !p.check(e))?.describe ?? describe} does not hold`;
		},
	};
}

/**
 * Validates and compiles a filter. An empty condition list matches every event.
 * @throws ValidationError naming the condition that is wrong
 */
export function compileFilter(spec: FilterSpec): EventFilter {
	const group = compileGroup(spec?.combine, spec?.conditions, { left: FILTER_CONDITIONS_MAX });
	return { spec, matches: group.check, explain: group.explain };
}

/** True when a spec holds no condition at all (then no filter is needed). */
export function isEmptyFilter(spec: FilterSpec): boolean {
	return spec.conditions.every((c) => c.kind === 'group' && isEmptyFilter(c));
}
