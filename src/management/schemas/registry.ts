/**
 * The one place an admin API shape is described (docs/admin-api.md): each domain module here
 * defines its inputs and outputs once with zod and registers them under their OpenAPI component
 * name. From them come the TypeScript types (`z.infer`), the request checks of the admin routes
 * (`parseInput`) and components.schemas of /api/v1/openapi.json (`componentSchemas`).
 *
 * zod 4 (the `zod/v4` entry of the installed zod 3.25) because it writes JSON Schema 2020-12 (the
 * OpenAPI 3.1 dialect) itself, registry ids becoming `$ref`s; zod 3 would need another package.
 */
import { z } from 'zod/v4';
import { ValidationError } from '../../errors';

export { z };

/** A JSON Schema 2020-12 object (the OpenAPI 3.1 base dialect). */
export type JsonSchema = Record<string, unknown>;

const adminApi = z.registry<{ id: string }>();

/** Registers `schema` as components.schemas[`name`]; other schemas using it get a `$ref`. */
export function component<T extends z.ZodType>(name: string, schema: T): T {
	adminApi.add(schema, { id: name });
	return schema;
}

/**
 * `true` when A and B hold the same values: `true satisfies SameShape<Domain, z.infer<typeof X>>`
 * makes the compiler refuse a field added to a domain type (src/types.ts) and not to its schema.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** `$ref` to a component, for annotations that name one. */
export function ref(name: string): JsonSchema {
	return { $ref: `#/components/schemas/${name}` };
}

/** An ISO 8601 time as `Date#toISOString` writes it. */
export const isoTime = () => z.string().meta({ format: 'date-time' });

/** The JSON Schema of `schema` alone (inline, no `$schema`), to annotate a field with it. */
export function jsonOf(schema: z.ZodType): JsonSchema {
	const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
		target: 'draft-2020-12',
		io: 'input',
		unrepresentable: 'any',
	}) as JsonSchema;
	return json;
}

/**
 * A field the routes pass on as it came: its value rules (and their messages, which name the
 * field) live in the service and registry validators that the CLI and the n8n node share. The
 * document still shows the full shape, `doc`: a component name or a schema.
 */
export function checkedByService(doc: string | z.ZodType, description?: string): z.ZodUnknown {
	const json = typeof doc === 'string' ? ref(doc) : jsonOf(doc);
	return z.unknown().meta({ ...json, ...(description ? { description } : {}) });
}

/** The message of a failed check: the schema's own (it names the field) or zod's after the field's path. */
function messageOf(issue: z.core.$ZodIssue, schema: z.ZodType): string {
	if (issue.code === 'unrecognized_keys') {
		const known = schema instanceof z.ZodObject ? Object.keys(schema.shape).join(', ') : '';
		return `'${String(issue.keys[0]).slice(0, 50)}' is not a known field; expected ${known}`;
	}
	const field = issue.path.length > 0 ? String(issue.path[0]) : '';
	return field === '' || issue.message.includes(field)
		? issue.message
		: `${issue.path.map(String).join('.')}: ${issue.message}`;
}

/**
 * `value` checked against `schema`, or a ValidationError (400 invalid_request). An unknown field is
 * reported first, as it most often is a typo of a known one.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const issues = result.error.issues;
	const first = issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
	throw new ValidationError(messageOf(first, schema));
}

/** components.schemas: every registered shape, `$ref`s between them. */
export function componentSchemas(): Record<string, JsonSchema> {
	const { schemas } = z.toJSONSchema(adminApi, {
		target: 'draft-2020-12',
		io: 'input',
		unrepresentable: 'any',
		uri: (id) => `#/components/schemas/${id}`,
	});
	const out: Record<string, JsonSchema> = {};
	for (const [name, schema] of Object.entries(schemas)) {
		const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
		out[name] = rest;
	}
	return out;
}
