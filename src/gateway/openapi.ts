/**
 * The OpenAPI 3.1 description of the admin HTTP API (docs/admin-api.md), served without auth at
 * GET /api/v1/openapi.json. Plain data built from small helpers (src/gateway/openapi/): the
 * paths follow src/gateway/adminRoutes.ts; the schemas are those of src/management/schemas, which
 * also type ManagementService and check the routes' bodies. test/integration/openapi.test.ts
 * checks that the routes are the documented ones and that real answers match the document.
 */
import type { RequestHandler } from 'express';
import { packageInfo } from '../packageInfo';
import { ACCOUNT_ID_RE, ENDPOINT_ID_RE } from '../registry/endpoints';
import { PLAN_ID_RE } from '../registry/plans';
import type { ErrorCode } from '../errors';
import { ERROR_RESPONSES, type ErrorStatus, type Schema } from './openapi/helpers';
import { paths, TAGS } from './openapi/paths';
import { schemas } from './openapi/schemas';
import { CSRF_HEADER, CSRF_VALUE, SESSION_COOKIE } from './session';

const DESCRIPTION = `Manage the gateway's global webhook endpoints, their buffered events and dead letters, plans and accounts.

Every operation needs \`Authorization: Bearer <WEBHOOK_GATEWAY_ADMIN_TOKEN>\` or the console's session
cookie. Request bodies are JSON (\`Content-Type: application/json\`, at most 256 KiB); unknown fields
are rejected. Every answer carries \`Cache-Control: no-store\`; secrets appear only in the answers to
create, update and rotate-secret. Failures answer \`{"error":{"code","message"}}\`; a path or method
that does not exist answers 404 \`not_found\` (after authentication). This document is served at
\`GET /api/v1/openapi.json\` without authentication.`;

/** Meaning and code of each error response. */
const ERRORS: Record<
	ErrorStatus,
	{ code: ErrorCode; description: string; headers?: Record<string, Schema> }
> = {
	400: {
		code: 'invalid_request',
		description: 'Invalid input: not JSON, not an object, an unknown field, a wrong type or value',
	},
	401: {
		code: 'unauthorized',
		description: 'Missing or wrong bearer token, or no admin token configured',
		headers: {
			'WWW-Authenticate': {
				required: true,
				description: '`Bearer realm="webhook-gateway"`',
				schema: { type: 'string' },
			},
		},
	},
	403: {
		code: 'unauthorized',
		description: `A change made with the console session cookie without the header \`${CSRF_HEADER}: ${CSRF_VALUE}\``,
	},
	404: { code: 'not_found', description: 'The endpoint, plan or account does not exist' },
	409: {
		code: 'conflict',
		description: 'Conflicts with the current state (id taken, plan in use)',
	},
	413: { code: 'payload_too_large', description: 'The request body is larger than 256 KiB' },
	415: { code: 'invalid_request', description: 'Unsupported body charset or Content-Encoding' },
	500: {
		code: 'internal_error',
		description: 'Unexpected error; details are in the gateway log only',
	},
	502: {
		code: 'internal_error',
		description: 'The gateway could not reach its own ingest listener',
	},
	503: {
		code: 'store_unavailable',
		description: 'Redis is unreachable; retry later',
		headers: {
			'Retry-After': {
				required: true,
				description: 'Seconds to wait',
				schema: { type: 'integer', minimum: 1 },
			},
		},
	},
};

function errorResponse(status: ErrorStatus): Schema {
	const { code, description, headers } = ERRORS[status];
	const schema = {
		allOf: [{ $ref: '#/components/schemas/Error' }],
		type: 'object',
		properties: { error: { type: 'object', properties: { code: { const: code } } } },
	};
	return {
		description: `${description} (\`${code}\`)`,
		...(headers ? { headers } : {}),
		content: { 'application/json': { schema } },
	};
}

function pathId(description: string, pattern?: RegExp): Schema {
	return {
		name: 'id',
		in: 'path',
		required: true,
		description,
		schema: { type: 'string', ...(pattern ? { pattern: pattern.source } : {}) },
	};
}

function components(): Schema {
	const responses: Record<string, Schema> = {};
	for (const [status, name] of Object.entries(ERROR_RESPONSES))
		responses[name] = errorResponse(Number(status) as ErrorStatus);
	return {
		schemas: schemas(),
		responses,
		parameters: {
			EndpointId: pathId('Endpoint id', ENDPOINT_ID_RE),
			PlanId: pathId('Plan id', PLAN_ID_RE),
			AccountId: pathId('Account id', ACCOUNT_ID_RE),
			SubscriberId: {
				name: 'subscriberId',
				in: 'path',
				required: true,
				description: 'Subscriber id, `<workflowId>:<nodeId>` (URL-encode the colon or not)',
				schema: { type: 'string' },
			},
			TokenId: pathId('Scoped token id (not the token)', /^[A-Za-z0-9_-]{12}$/),
		},
		securitySchemes: {
			bearerAuth: {
				type: 'http',
				scheme: 'bearer',
				description: 'The admin token (WEBHOOK_GATEWAY_ADMIN_TOKEN, at least 32 characters)',
			},
			cookieAuth: {
				type: 'apiKey',
				in: 'cookie',
				name: SESSION_COOKIE,
				description: `The console's session (sign in at /console). Used only when the request has no Authorization header; changes must also carry \`${CSRF_HEADER}: ${CSRF_VALUE}\` (else 403).`,
			},
		},
	};
}

/**
 * The document. `publicUrl` is the gateway's public base URL (no trailing slash); '' gives the
 * relative server `/api/v1`, i.e. wherever the document was fetched from.
 */
export function openApiDocument(publicUrl: string): object {
	const { version, license } = packageInfo();
	return {
		openapi: '3.1.0',
		jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
		info: {
			title: 'Webhook Gateway admin API',
			version,
			description: DESCRIPTION,
			license: { name: license, identifier: license },
		},
		servers: [{ url: `${publicUrl.replace(/\/+$/, '')}/api/v1` }],
		security: [{ bearerAuth: [] }, { cookieAuth: [] }],
		tags: TAGS,
		paths: paths(),
		components: components(),
	};
}

/** GET handler answering the document (built once); mounted before the admin API's auth. */
export function serveOpenApi(publicUrl: string): RequestHandler {
	const document = openApiDocument(publicUrl);
	return (_req, res) => {
		res.json(document);
	};
}
