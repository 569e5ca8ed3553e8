/**
 * One way to read node and credential parameters: numbers with bounds, booleans, choices and
 * collections. n8n's editor enforces a property's minValue/maxValue, but expressions, imported
 * workflow JSON and the public API do not, so every value is checked again here and a bad one is
 * refused with the parameter's display name instead of being replaced by a silent default.
 * Bounds, defaults and choices come from the node's own property descriptions, so they are written
 * once.
 */
import {
	NodeOperationError,
	type INode,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

/** Advice for a parameter with a wrong value; `parent` is the display name of its collection, if any. */
function invalidParameterDescription(parent: string | undefined): string {
	return `Change this parameter${parent ? ` (under “${parent}”)` : ''}, or the expression that sets it, then activate the workflow again.`;
}

/** A value, or what is wrong with it in words a user can act on. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * What to do with a fraction: refuse it, round it down (what the triggers always did with their
 * counts), or keep it (minutes, percentages).
 */
export type Fractions = 'reject' | 'floor' | 'keep';

/** How {@link checkNumber} validates a number. */
export interface NumberSpec {
	/** The parameter's name as the node or credential shows it. */
	displayName: string;
	/** Smallest valid value (inclusive); none when omitted. */
	min?: number;
	/** Largest valid value (inclusive); none when omitted. */
	max?: number;
	/** Default 'reject'. */
	fractions?: Fractions;
}

/** Unset values take the default: n8n leaves a cleared field as '' and an absent option undefined. */
const isUnset = (value: unknown) => value === undefined || value === null || value === '';

function rangeText(spec: NumberSpec): string {
	const kind = spec.fractions === 'keep' ? 'a number' : 'a whole number';
	if (spec.min !== undefined && spec.max !== undefined)
		return `${kind} from ${spec.min} to ${spec.max}`;
	if (spec.min !== undefined) return `${kind} of at least ${spec.min}`;
	if (spec.max !== undefined) return `${kind} of at most ${spec.max}`;
	return kind;
}

/**
 * A number (or numeric text, as expressions give) within the spec's bounds; `fallback` when unset.
 * Booleans, objects and text that is not a number are refused.
 */
export function checkNumber<F extends number | undefined>(
	value: unknown,
	spec: NumberSpec,
	fallback: F,
): Checked<number | F> {
	if (isUnset(value)) return { ok: true, value: fallback };
	const read =
		typeof value === 'number'
			? value
			: typeof value === 'string' && value.trim() !== ''
				? Number(value)
				: Number.NaN;
	const fractions = spec.fractions ?? 'reject';
	const n = fractions === 'floor' ? Math.floor(read) : read;
	const valid =
		Number.isFinite(n) &&
		(spec.min === undefined || n >= spec.min) &&
		(spec.max === undefined || n <= spec.max) &&
		(fractions !== 'reject' || Number.isInteger(n));
	return valid
		? { ok: true, value: n }
		: {
				ok: false,
				error: `${spec.displayName} must be ${rangeText(spec)} (got ${JSON.stringify(value)})`,
			};
}

/** true or false; `fallback` when unset. Text such as "yes" is refused rather than read as false. */
export function checkBoolean(
	value: unknown,
	displayName: string,
	fallback: boolean,
): Checked<boolean> {
	if (isUnset(value)) return { ok: true, value: fallback };
	if (typeof value === 'boolean') return { ok: true, value };
	return {
		ok: false,
		error: `${displayName} must be true or false (got ${JSON.stringify(value)})`,
	};
}

/** One of `values`; `fallback` when unset. */
export function checkOption<T extends string>(
	value: unknown,
	displayName: string,
	values: readonly T[],
	fallback: T,
): Checked<T> {
	if (isUnset(value)) return { ok: true, value: fallback };
	if (typeof value === 'string' && (values as readonly string[]).includes(value))
		return { ok: true, value: value as T };
	return {
		ok: false,
		error: `${displayName} must be one of ${values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value)})`,
	};
}

/** The part of n8n's trigger and poll contexts a {@link ParameterReader} uses. */
export interface ParameterSource {
	getNode(): INode;
	getNodeParameter(name: string, fallback: unknown): unknown;
}

/**
 * Reads a node's parameters by path (`maxConcurrency`, or `options.maxAttempts` inside a
 * collection), taking display name, default, bounds and choices from the node's properties.
 * Every read throws NodeOperationError naming the parameter when the value cannot work.
 */
export class ParameterReader {
	constructor(
		private readonly source: ParameterSource,
		private readonly properties: readonly INodeProperties[],
	) {}

	/** A number parameter; counts are rounded down unless `fractions` says otherwise. */
	number(path: string, fractions: Fractions = 'floor'): number {
		const { property, value } = this.lookUp(path);
		const spec = {
			displayName: property.displayName,
			min: property.typeOptions?.minValue,
			max: property.typeOptions?.maxValue,
			fractions,
		};
		return this.valid(path, checkNumber(value, spec, property.default as number));
	}

	/** A boolean parameter. */
	boolean(path: string): boolean {
		const { property, value } = this.lookUp(path);
		return this.valid(path, checkBoolean(value, property.displayName, property.default === true));
	}

	/** An options parameter: one of the values its description lists. */
	option<T extends string>(path: string): T {
		const { property, value } = this.lookUp(path);
		const values = ((property.options ?? []) as INodePropertyOptions[]).map((o) =>
			String(o.value),
		) as T[];
		return this.valid(
			path,
			checkOption(value, property.displayName, values, property.default as T),
		);
	}

	private valid<T>(path: string, checked: Checked<T>): T {
		if (checked.ok) return checked.value;
		const [top] = path.split('.');
		const parent = path.includes('.')
			? this.properties.find((p) => p.name === top)?.displayName
			: undefined;
		throw new NodeOperationError(this.source.getNode(), checked.error, {
			description: invalidParameterDescription(parent),
		});
	}

	private lookUp(path: string): { property: INodeProperties; value: unknown } {
		const [top, child] = path.split('.');
		const parent = this.properties.find((p) => p.name === top);
		if (child === undefined) {
			if (!parent) throw new Error(`no parameter '${path}' in this node's description`);
			return { property: parent, value: this.source.getNodeParameter(top, parent.default) };
		}
		const property = (parent?.options as INodeProperties[] | undefined)?.find(
			(p) => p.name === child,
		);
		if (!parent || !property) throw new Error(`no parameter '${path}' in this node's description`);
		const collection = this.source.getNodeParameter(top, {});
		if (collection === null || typeof collection !== 'object' || Array.isArray(collection)) {
			this.valid(top, {
				ok: false,
				error: `${parent.displayName} must be a collection of options (got ${JSON.stringify(collection)})`,
			});
		}
		return { property, value: (collection as Record<string, unknown>)[child] };
	}
}
