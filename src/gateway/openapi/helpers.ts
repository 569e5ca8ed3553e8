/**
 * Small builders for the OpenAPI document (openapi.ts): schema references, JSON responses, the
 * error responses every operation shares, path parameters and operations. Plain data only, so
 * the document needs no OpenAPI library at run time.
 */

/** A JSON Schema 2020-12 object (the OpenAPI 3.1 base dialect). */
export type Schema = Record<string, unknown>;
export type Responses = Record<string, unknown>;

/** `$ref` to a schema in components.schemas. */
export function ref(name: string): Schema {
	return { $ref: `#/components/schemas/${name}` };
}

export function arrayOf(items: Schema, extra: Schema = {}): Schema {
	return { type: 'array', items, ...extra };
}

/**
 * A closed object: every listed property, `required` those not in `optional`, and no others.
 * Response schemas are closed so the conformance test notices a field the document lacks.
 */
export function object(
	properties: Record<string, Schema>,
	options: { optional?: string[]; description?: string; open?: boolean } = {},
): Schema {
	const required = Object.keys(properties).filter((name) => !options.optional?.includes(name));
	return {
		type: 'object',
		...(options.description ? { description: options.description } : {}),
		properties,
		...(required.length > 0 ? { required } : {}),
		...(options.open ? {} : { additionalProperties: false }),
	};
}

/** A 2xx answer with a JSON body. */
export function json(schema: Schema, description: string): Schema {
	return { description, content: { 'application/json': { schema } } };
}

/** A JSON request body. */
export function jsonBody(
	schema: Schema,
	options: { required?: boolean; description?: string } = {},
): Schema {
	return {
		required: options.required ?? false,
		...(options.description ? { description: options.description } : {}),
		content: { 'application/json': { schema } },
	};
}

/** Error statuses of the admin API and the shared response (components.responses) for each. */
export const ERROR_RESPONSES = {
	400: 'BadRequest',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'NotFound',
	409: 'Conflict',
	413: 'PayloadTooLarge',
	415: 'UnsupportedMediaType',
	500: 'InternalError',
	502: 'BadGateway',
	503: 'StoreUnavailable',
} as const;
export type ErrorStatus = keyof typeof ERROR_RESPONSES;

/** Error responses of one operation; 401, 500 and 503 (auth, bugs, Redis down) apply to all. */
export function errorResponses(...statuses: ErrorStatus[]): Responses {
	const all = new Set<ErrorStatus>([...statuses, 401, 500, 503]);
	const out: Responses = {};
	for (const status of [...all].sort((a, b) => a - b))
		out[String(status)] = { $ref: `#/components/responses/${ERROR_RESPONSES[status]}` };
	return out;
}

/** Statuses every change (a method other than GET) can answer: 403 is a console session without the CSRF header. */
export const CHANGE_ERRORS: ErrorStatus[] = [403];
/** Statuses every change with a JSON request body can answer besides its own. */
export const BODY_ERRORS: ErrorStatus[] = [400, 403, 413, 415];

/** `$ref` to a parameter in components.parameters. */
export function param(name: string): Schema {
	return { $ref: `#/components/parameters/${name}` };
}

/** A whole-number query parameter such as `?count=`. */
export function countQuery(
	name: string,
	description: string,
	fallback: number,
	max: number,
): Schema {
	return {
		name,
		in: 'query',
		required: false,
		description,
		schema: { type: 'integer', minimum: 1, maximum: max, default: fallback },
	};
}

export interface OperationSpec {
	operationId: string;
	tag: string;
	summary: string;
	description?: string;
	parameters?: Schema[];
	requestBody?: Schema;
	responses: Responses;
}

/** One operation object. */
export function operation(spec: OperationSpec): Schema {
	return {
		operationId: spec.operationId,
		tags: [spec.tag],
		summary: spec.summary,
		...(spec.description ? { description: spec.description } : {}),
		...(spec.parameters ? { parameters: spec.parameters } : {}),
		...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
		responses: spec.responses,
	};
}
