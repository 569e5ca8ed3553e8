/**
 * The admin API's OpenAPI document (src/gateway/openapi.ts) against the server: structurally valid
 * OpenAPI 3.1 whose schemas compile with Ajv (JSON Schema 2020-12); exactly the routes the admin
 * router has; and every answer of a real gateway, for every operation and several errors, valid
 * against the schema the document gives for its path, method and status.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import express, { type Router } from 'express';
import packageJson from '../../package.json';
import { PRESET_IDS } from '../../src/auth';
import { createAdminRouter } from '../../src/gateway/admin';
import { openApiDocument } from '../../src/gateway/openapi';
import {
	ConsoleSessions,
	CSRF_HEADER,
	CSRF_VALUE,
	SESSION_COOKIE,
} from '../../src/gateway/session';
import { silentLogger } from '../../src/logger';
import { ManagementService } from '../../src/management/service';
import type { TokenService } from '../../src/management/tokens';
import { createStores } from '../../src/redis';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../harness/gateway';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const PUBLIC_URL = 'https://hooks.example.com';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
/** The $id the document is registered under in Ajv, so `#/components/...` refs resolve in it. */
const DOC_ID = 'https://webhook-gateway.invalid/openapi.json';
/** Keywords of the document (and OpenAPI's schema vocabulary) Ajv should treat as annotations. */
const OPENAPI_KEYWORDS = [
	'openapi',
	'jsonSchemaDialect',
	'info',
	'servers',
	'security',
	'tags',
	'paths',
	'components',
	'webhooks',
	'externalDocs',
	'discriminator',
	'xml',
	'example',
];

const doc = openApiDocument(PUBLIC_URL) as any;

// ---- helpers over the document ----

function escapePointer(part: string): string {
	return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

function atPointer(root: any, pointer: string): any {
	assert.ok(pointer === '' || pointer.startsWith('/'), `bad pointer ${pointer}`);
	let node = root;
	for (const raw of pointer === '' ? [] : pointer.slice(1).split('/')) {
		const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
		if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
		node = node[part];
	}
	return node;
}

/** `value`, or what its `$ref` points at, and the pointer of the object returned. */
function deref(value: any, pointer: string): { value: any; pointer: string } {
	if (value && typeof value.$ref === 'string') {
		const target = value.$ref.slice(1);
		return { value: atPointer(doc, target), pointer: target };
	}
	return { value, pointer };
}

function* walk(node: unknown, pointer = ''): Generator<{ node: any; pointer: string }> {
	if (node === null || typeof node !== 'object') return;
	yield { node, pointer };
	for (const [key, child] of Object.entries(node))
		yield* walk(child, `${pointer}/${escapePointer(String(key))}`);
}

interface Operation {
	path: string;
	method: string;
	pointer: string;
	op: any;
}

function operations(): Operation[] {
	const out: Operation[] = [];
	for (const [path, item] of Object.entries<any>(doc.paths)) {
		for (const method of METHODS) {
			if (item[method])
				out.push({
					path,
					method,
					pointer: `/paths/${escapePointer(path)}/${method}`,
					op: item[method],
				});
		}
	}
	return out;
}

/** Every schema in the document: components.schemas and those inline in parameters, bodies, responses and headers. */
function schemaPointers(): string[] {
	const out = Object.keys(doc.components.schemas).map(
		(name) => `/components/schemas/${escapePointer(name)}`,
	);
	for (const { node, pointer } of walk(doc)) {
		if (pointer.startsWith('/components/schemas')) continue;
		if (
			node.schema &&
			typeof node.schema === 'object' &&
			(node.content === undefined ||
				node.in !== undefined ||
				pointer.includes('/headers/') ||
				pointer.includes('/content/'))
		) {
			out.push(`${pointer}/schema`);
		}
	}
	return [...new Set(out)];
}

function createAjv(): Ajv2020 {
	const ajv = new Ajv2020({
		strict: true,
		strictTypes: true,
		strictTuples: true,
		strictRequired: true,
		allowUnionTypes: true,
		allErrors: true,
	});
	addFormats(ajv);
	ajv.addVocabulary(OPENAPI_KEYWORDS);
	ajv.addSchema(structuredClone(doc), DOC_ID);
	return ajv;
}

const ajv = createAjv();
const validators = new Map<string, ValidateFunction>();

function validator(pointer: string): ValidateFunction {
	let validate = validators.get(pointer);
	if (!validate) {
		validate = ajv.compile({
			$ref: `${DOC_ID}#${pointer.split('/').map(encodeURIComponent).join('/')}`,
		});
		validators.set(pointer, validate);
	}
	return validate;
}

function assertValid(pointer: string, value: unknown, what: string): void {
	const validate = validator(pointer);
	if (!validate(value)) {
		assert.fail(
			`${what} does not match ${pointer}:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(value, null, 2).slice(0, 3000)}`,
		);
	}
}

// ---- 1. the document ----

describe('OpenAPI document: structure', () => {
	test('OpenAPI 3.1 with info, servers and security', () => {
		assert.match(doc.openapi, /^3\.1\.\d+$/);
		assert.equal(doc.info.title, 'Webhook Gateway admin API');
		assert.equal(doc.info.version, packageJson.version);
		assert.deepEqual(doc.servers, [{ url: `${PUBLIC_URL}/api/v1` }]);
		assert.deepEqual((openApiDocument('') as any).servers, [{ url: '/api/v1' }]);
		assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
			type: 'http',
			scheme: 'bearer',
			description: doc.components.securitySchemes.bearerAuth.description,
		});
		for (const requirement of doc.security)
			for (const name of Object.keys(requirement))
				assert.ok(doc.components.securitySchemes[name], `security scheme ${name}`);
		assert.doesNotThrow(() => JSON.parse(JSON.stringify(doc)), 'plain JSON data');
	});

	test('every $ref resolves', () => {
		let refs = 0;
		for (const { node, pointer } of walk(doc)) {
			if (typeof node.$ref !== 'string') continue;
			refs++;
			assert.match(node.$ref, /^#\//, `${pointer}: only local refs`);
			assert.notEqual(
				atPointer(doc, node.$ref.slice(1)),
				undefined,
				`${pointer}: $ref ${node.$ref} does not resolve`,
			);
		}
		for (const { node, pointer } of walk(doc)) {
			for (const target of Object.values<string>(node.discriminator?.mapping ?? {}))
				assert.notEqual(
					atPointer(doc, target.slice(1)),
					undefined,
					`${pointer}: mapping ${target}`,
				);
		}
		assert.ok(refs > 50, `${refs} refs`);
	});

	test('every operation: unique operationId, known tags, responses, path parameters', () => {
		const ids = new Set<string>();
		const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
		for (const { path, method, op } of operations()) {
			const where = `${method.toUpperCase()} ${path}`;
			assert.equal(typeof op.operationId, 'string', `${where}: operationId`);
			assert.ok(!ids.has(op.operationId), `${where}: operationId ${op.operationId} is not unique`);
			ids.add(op.operationId);
			assert.equal(typeof op.summary, 'string', `${where}: summary`);
			assert.ok(
				op.tags?.length > 0 && op.tags.every((t: string) => tags.has(t)),
				`${where}: tags ${op.tags}`,
			);
			const statuses = Object.keys(op.responses ?? {});
			assert.ok(statuses.length > 0, `${where}: responses`);
			assert.ok(
				statuses.some((s) => /^2\d\d$/.test(s)),
				`${where}: a success response`,
			);
			for (const status of statuses) {
				assert.match(status, /^[1-5]\d\d$/, `${where}: status ${status}`);
				const response = deref(op.responses[status], '').value;
				assert.equal(typeof response?.description, 'string', `${where} ${status}: description`);
			}
			for (const status of ['401', '500', '503'])
				assert.ok(op.responses[status], `${where}: ${status}`);
			if (method !== 'get')
				assert.ok(op.responses['403'], `${where}: 403 (console session without the CSRF header)`);
			if (op.requestBody) {
				assert.ok(
					op.requestBody.content?.['application/json']?.schema,
					`${where}: JSON request body`,
				);
				for (const status of ['400', '413', '415'])
					assert.ok(op.responses[status], `${where}: ${status} for its body`);
			}
			// Path parameters: exactly the template's, all required.
			const params = [...(doc.paths[path].parameters ?? []), ...(op.parameters ?? [])].map(
				(p: unknown) => deref(p, '').value,
			);
			const inPath = params.filter((p: { in: string }) => p.in === 'path');
			const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
			assert.deepEqual(
				inPath.map((p: { name: string }) => p.name).sort(),
				[...templated].sort(),
				`${where}: path parameters`,
			);
			for (const p of inPath)
				assert.equal(p.required, true, `${where}: path parameter ${p.name} is required`);
			for (const p of params)
				assert.ok(
					['path', 'query', 'header', 'cookie'].includes(p.in) && p.schema,
					`${where}: parameter ${p.name}`,
				);
		}
		assert.ok(ids.size >= 19, `${ids.size} operations`);
	});

	test('the auth preset enum is the provider catalog (25+ presets)', () => {
		const presets = doc.components.schemas.HmacAuth.properties.preset.enum as string[];
		assert.deepEqual(presets, [...PRESET_IDS].sort());
		assert.ok(presets.length >= 25 && presets.includes('zoom') && presets.includes('generic'));
	});

	test('every schema compiles with Ajv (JSON Schema 2020-12, strict)', () => {
		const pointers = schemaPointers();
		assert.ok(
			pointers.length > Object.keys(doc.components.schemas).length,
			'inline schemas are found too',
		);
		for (const pointer of pointers) {
			assert.notEqual(atPointer(doc, pointer), undefined, pointer);
			assert.doesNotThrow(() => validator(pointer), `${pointer} compiles`);
		}
	});
});

// ---- 2. routes ----

/** `METHOD /path` of every route of an express 5 router, `:param` written `{param}`. */
function routerRoutes(router: Router): string[] {
	const out: string[] = [];
	for (const layer of (router as any).stack) {
		if (layer.route) {
			const path: string = layer.route.path;
			assert.equal(typeof path, 'string', 'a route path that is not a string');
			assert.doesNotMatch(
				path,
				/[*?()]/,
				`route ${path}: wildcards and optional parts are not mapped to OpenAPI by this test`,
			);
			for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
				out.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
		} else {
			assert.ok(
				!Array.isArray(layer.handle?.stack),
				'a router nested in the admin router: extend routerRoutes to walk it',
			);
		}
	}
	return out.sort();
}

describe('OpenAPI document: routes', () => {
	test('documents exactly the routes of the admin router', () => {
		const router = createAdminRouter({
			management: {} as ManagementService,
			adminToken: ADMIN_TOKEN,
			logger: silentLogger,
			audit: { append: async () => undefined, page: async () => [] },
			tokens: {} as TokenService,
		});
		const served = routerRoutes(router);
		const documented = operations()
			.map(({ path, method }) => `${method.toUpperCase()} ${path}`)
			.sort();
		assert.ok(served.length >= 19, served.join('\n'));
		assert.deepEqual(
			served.filter((r) => !documented.includes(r)),
			[],
			'routes the document lacks',
		);
		assert.deepEqual(
			documented.filter((r) => !served.includes(r)),
			[],
			'documented routes the server does not have',
		);
	});
});

// ---- 3. answers ----

interface CallOptions {
	body?: unknown;
	rawBody?: string;
	contentType?: string;
	/** Bearer token; null sends no Authorization header. */
	token?: string | null;
	headers?: Record<string, string>;
}

interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

/** Calls the admin API and checks the answer against the document; records which operations succeeded. */
class Conformance {
	readonly succeeded = new Set<string>();
	readonly statuses = new Map<string, Set<number>>();

	findOperation(method: string, pathname: string): Operation {
		const candidates = operations().filter(
			(o) =>
				o.method === method.toLowerCase() &&
				new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname),
		);
		assert.equal(
			candidates.length,
			1,
			`${method} ${pathname}: ${candidates.length} documented operations match`,
		);
		return candidates[0];
	}

	async call(
		base: string,
		method: string,
		path: string,
		options: CallOptions = {},
	): Promise<Answer> {
		const headers: Record<string, string> = { ...options.headers };
		const token = options.token === undefined ? ADMIN_TOKEN : options.token;
		if (token !== null) headers.authorization = `Bearer ${token}`;
		const payload =
			options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
		if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
		const response = await fetch(`${base}/api/v1${path}`, { method, headers, body: payload });
		const text = await response.text();
		let json: unknown;
		try {
			json = text === '' ? undefined : JSON.parse(text);
		} catch {
			json = undefined;
		}
		const answer = { status: response.status, headers: response.headers, text, json };
		this.check(method, path, options, answer);
		return answer;
	}

	private check(method: string, path: string, options: CallOptions, answer: Answer): void {
		const pathname = new URL(path, 'http://x').pathname;
		const { op, pointer } = this.findOperation(method, pathname);
		const where = `${method} ${path} → ${answer.status}`;
		const described = op.responses[String(answer.status)];
		assert.ok(
			described,
			`${where}: status not described (${Object.keys(op.responses).join(', ')}): ${answer.text.slice(0, 500)}`,
		);
		const { value: response, pointer: responsePointer } = deref(
			described,
			`${pointer}/responses/${answer.status}`,
		);
		for (const [name, header] of Object.entries<any>(response.headers ?? {})) {
			if (header.required) assert.ok(answer.headers.has(name), `${where}: header ${name}`);
		}
		if (response.content) {
			assert.match(
				answer.headers.get('content-type') ?? '',
				/^application\/json/,
				`${where}: content type`,
			);
			assert.notEqual(answer.json, undefined, `${where}: a JSON body`);
			assertValid(`${responsePointer}/content/application~1json/schema`, answer.json, where);
		} else {
			assert.equal(answer.text, '', `${where}: no body`);
		}
		if (answer.status < 300 && options.body !== undefined && options.rawBody === undefined) {
			assert.ok(op.requestBody, `${where}: a body was sent to an operation that takes none`);
			assertValid(
				`${pointer}/requestBody/content/application~1json/schema`,
				options.body,
				`${where} request body`,
			);
		}
		if (answer.status < 300) this.succeeded.add(op.operationId);
		const seen = this.statuses.get(op.operationId) ?? new Set<number>();
		seen.add(answer.status);
		this.statuses.set(op.operationId, seen);
	}
}

describe('OpenAPI document: the answers of a real gateway match it', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const api = new Conformance();
	const call = (method: string, path: string, options?: CallOptions) =>
		api.call(gw.url, method, path, options);

	async function expectStatus(
		status: number,
		method: string,
		path: string,
		options?: CallOptions,
	): Promise<Answer> {
		const answer = await call(method, path, options);
		assert.equal(answer.status, status, `${method} ${path}: ${answer.text.slice(0, 500)}`);
		return answer;
	}

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	test('the document is served without auth, equal to openApiDocument(publicUrl)', async () => {
		const response = await fetch(`${gw.url}/api/v1/openapi.json`);
		assert.equal(response.status, 200);
		assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
		assert.deepEqual(
			await response.json(),
			JSON.parse(JSON.stringify(openApiDocument(gw.config.publicUrl))),
		);
	});

	test('endpoints: create (several auths), list, get, update, rotate, usage, stats, test event, delete', async () => {
		const created = [
			await expectStatus(201, 'POST', '/endpoints', { body: { auth: { type: 'none' } } }),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-header',
					name: 'CRM',
					accountId: 'oa-acme',
					auth: { type: 'header', headerName: 'x-api-key', prefix: '' },
					methods: ['POST', 'PUT'],
					ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-basic',
					auth: { type: 'basic', username: 'sender' },
					secret: 'basic-password-123',
					createdBy: 'ops@example.com',
					bufferCapacity: 100,
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-github',
					auth: { type: 'hmac', preset: 'github' },
					description: 'GitHub pushes',
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-stripe',
					auth: { type: 'hmac', preset: 'stripe', toleranceSeconds: 600 },
					secret: 'whsec_test_1234567890',
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-generic',
					auth: {
						type: 'hmac',
						preset: 'generic',
						header: 'x-signature',
						algorithm: 'sha512',
						encoding: 'base64',
						prefix: 'sha512=',
					},
					dedupe: { source: { type: 'bodyPath', path: 'data.id' }, windowSeconds: 3600 },
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-slack',
					auth: { type: 'hmac', preset: 'slack' },
					handshake: { mode: 'slack' },
					enabled: false,
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-hub',
					auth: { type: 'none' },
					handshake: { mode: 'hubChallenge', verifyToken: 'verify-me' },
					dedupe: { source: { type: 'header', name: 'idempotency-key' } },
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-postmark',
					auth: { type: 'hmac', preset: 'postmark', username: 'pm-hooks' },
				},
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: { id: 'oa-twitch', auth: { type: 'hmac', preset: 'twitch' } },
			}),
			await expectStatus(201, 'POST', '/endpoints', {
				body: {
					id: 'oa-zoom',
					auth: { type: 'hmac', preset: 'zoom', toleranceSeconds: 120 },
					secret: 'zoom-secret-token',
				},
			}),
		];
		assert.deepEqual(
			created.at(-2)?.json.endpoint.auth,
			{ type: 'hmac', preset: 'twitch', toleranceSeconds: 600 },
			"the preset's own tolerance",
		);
		const zoomTest = await expectStatus(200, 'POST', '/endpoints/oa-zoom/test-event', { body: {} });
		assert.equal(zoomTest.json.status, 202, 'a catalog preset signs its own test event');
		assert.equal(created[0].json.secret, undefined, 'no auth, no secret');
		assert.equal(typeof created[1].json.secret, 'string');

		assert.equal((await expectStatus(200, 'GET', '/endpoints')).json.length, created.length);
		assert.deepEqual(
			(await expectStatus(200, 'GET', '/endpoints?accountId=oa-acme&search=crm')).json.map(
				(e: { id: string }) => e.id,
			),
			['oa-header'],
		);
		await expectStatus(200, 'GET', '/endpoints/oa-generic');

		await expectStatus(200, 'PATCH', '/endpoints/oa-header', {
			body: { name: 'CRM 2', enabled: false },
		});
		const switched = await expectStatus(200, 'PATCH', '/endpoints/oa-hub', {
			body: { id: 'oa-hub', auth: { type: 'hmac', preset: 'shopify' }, bufferCapacity: null },
		});
		assert.equal(
			typeof switched.json.secret,
			'string',
			'switching to an auth that needs a secret generates one',
		);
		await expectStatus(200, 'PATCH', '/endpoints/oa-basic', {
			body: { secret: 'another-password-1' },
		});

		const rotated = await expectStatus(200, 'POST', '/endpoints/oa-github/rotate-secret', {
			body: { graceSeconds: 600 },
		});
		assert.equal(typeof rotated.json.previousValidUntil, 'string');
		assert.equal(
			(
				await expectStatus(200, 'POST', '/endpoints/oa-stripe/rotate-secret', {
					body: { secret: 'whsec_after_a_leak_1', graceSeconds: 0 },
				})
			).json.previousValidUntil,
			null,
		);
		await expectStatus(200, 'POST', '/endpoints/oa-generic/rotate-secret');

		await expectStatus(200, 'GET', '/endpoints/oa-github/usage');
		const stats = await expectStatus(200, 'GET', '/endpoints/oa-github/stats?hours=3');
		assert.equal(stats.json.hours.length, 3);
		await expectStatus(200, 'GET', '/endpoints/oa-github/stats');
		const history = await expectStatus(200, 'GET', '/endpoints/oa-github/usage/history?days=7');
		assert.equal(history.json.days.length, 7);
		await expectStatus(200, 'PATCH', '/endpoints/oa-basic', {
			body: { limits: { rate: 0.5, daily: 10 } },
		});
		const limited = await expectStatus(200, 'GET', '/endpoints/oa-basic/usage');
		assert.deepEqual(limited.json.endpointLimits, { rate: 0.5, burst: 1, daily: 10 });

		await expectStatus(200, 'PUT', '/accounts/default/plan', { body: { planId: 'unlimited' } });
		const sent = await expectStatus(200, 'POST', '/endpoints/oa-github/test-event', { body: {} });
		assert.equal(sent.json.status, 202, sent.text);
		assert.equal(sent.json.body.status, 'accepted');
		const custom = await expectStatus(200, 'POST', '/endpoints/oa-github/test-event', {
			body: {
				body: [1, 2, 3],
				headers: { 'x-github-delivery': 'delivery-1', 'x-github-event': 'ping' },
			},
		});
		assert.equal(custom.json.status, 202, custom.text);
		const refused = await expectStatus(200, 'POST', '/endpoints/oa-slack/test-event', {
			body: { body: { disabled: true } },
		});
		assert.equal(
			refused.json.status,
			403,
			'ingest refused (disabled endpoint): still 200 with its answer',
		);

		await expectStatus(204, 'DELETE', '/endpoints/oa-hub');
		await expectStatus(404, 'GET', '/endpoints/oa-hub');
	});

	test('events and dead letters: peek, list, replay (chosen and all), delete', async () => {
		await expectStatus(201, 'POST', '/endpoints', {
			body: {
				id: 'oa-events',
				auth: { type: 'none' },
				accountId: 'oa-busy',
				methods: ['POST', 'GET'],
			},
		});
		await expectStatus(200, 'PUT', '/accounts/oa-busy/plan', { body: { planId: 'unlimited' } });
		const ref = { id: 'oa-events', accountId: 'oa-busy' };
		const subscriber = 'wf-1:node-1';
		await gw.gateway.stores.buffer.subscribe(ref, subscriber, 'new');

		const hooks: [string, RequestInit][] = [
			[
				'/hooks/oa-events/orders?x=1&tag=a&tag=b',
				{
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ id: 1, nested: { ok: true } }),
				},
			],
			[
				'/hooks/oa-events',
				{
					method: 'POST',
					headers: { 'content-type': 'application/x-www-form-urlencoded' },
					body: 'a=1&b=two',
				},
			],
			[
				'/hooks/oa-events',
				{ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' },
			],
			[
				'/hooks/oa-events',
				{
					method: 'POST',
					headers: { 'content-type': 'application/octet-stream' },
					body: Buffer.from([0, 1, 2, 255]),
				},
			],
			['/hooks/oa-events?only=query', { method: 'GET' }],
		];
		for (const [path, init] of hooks) {
			const response = await gw.request(path, init);
			assert.equal(response.status, 202, `${path}: ${await response.text()}`);
		}

		const events = await expectStatus(200, 'GET', '/endpoints/oa-events/events?count=10');
		assert.equal(events.json.length, hooks.length);
		assert.deepEqual(events.json[hooks.length - 1].query, { x: '1', tag: ['a', 'b'] });
		await expectStatus(200, 'GET', '/endpoints/oa-events/events');

		const batch = await gw.gateway.stores.buffer.read(ref, subscriber, 10);
		assert.equal(batch.length, hooks.length);
		const dead = await gw.gateway.stores.buffer.nack(
			ref,
			subscriber,
			batch.map((e) => e.ref),
			1,
			'HTTP 500 from the workflow',
		);
		assert.equal(dead.length, hooks.length);

		await expectStatus(200, 'GET', '/endpoints/oa-events/usage');
		const letters = await expectStatus(200, 'GET', '/endpoints/oa-events/dead-letters?count=100');
		assert.equal(letters.json.length, hooks.length);
		await expectStatus(200, 'GET', '/endpoints/oa-events/dead-letters');
		const ids: string[] = letters.json.map((l: { id: string }) => l.id);

		const chosen = await expectStatus(200, 'POST', '/endpoints/oa-events/dead-letters/replay', {
			body: { ids: [ids[0]] },
		});
		assert.deepEqual(chosen.json, { replayed: [ids[0]], skipped: [] });
		assert.deepEqual(
			(
				await expectStatus(200, 'POST', '/endpoints/oa-events/dead-letters/replay', {
					body: { ids: ['1-0'] },
				})
			).json,
			{ replayed: [], skipped: ['1-0'] },
		);
		assert.deepEqual(
			(
				await expectStatus(200, 'DELETE', '/endpoints/oa-events/dead-letters', {
					body: { ids: [ids[1]] },
				})
			).json,
			{ deleted: 1 },
		);
		const rest = await expectStatus(200, 'POST', '/endpoints/oa-events/dead-letters/replay', {
			body: {},
		});
		assert.deepEqual([...rest.json.replayed].sort(), ids.slice(2).sort());
		await expectStatus(200, 'POST', '/endpoints/oa-events/dead-letters/replay');
		assert.deepEqual(
			(await expectStatus(200, 'GET', '/endpoints/oa-events/dead-letters')).json,
			[],
		);

		// Subscribers: list, rewind (by id and by time; too old is a 400), remove; delete refused (409) then forced.
		const listed = await expectStatus(200, 'GET', '/endpoints/oa-events/subscribers');
		assert.equal(listed.json.subscribers[0].id, subscriber);
		await expectStatus(200, 'POST', `/endpoints/oa-events/subscribers/${subscriber}/rewind`, {
			body: { eventId: events.json[0].id },
		});
		await expectStatus(200, 'POST', `/endpoints/oa-events/subscribers/${subscriber}/rewind`, {
			body: { time: events.json[hooks.length - 1].receivedAt },
		});
		await expectStatus(400, 'POST', `/endpoints/oa-events/subscribers/${subscriber}/rewind`, {
			body: { time: '2001-01-01T00:00:00Z' },
		});
		await expectStatus(409, 'DELETE', '/endpoints/oa-events');
		await expectStatus(
			204,
			'DELETE',
			`/endpoints/oa-events/subscribers/${encodeURIComponent(subscriber)}`,
		);
		await expectStatus(404, 'DELETE', `/endpoints/oa-events/subscribers/${subscriber}`);
		assert.equal(
			(await expectStatus(200, 'GET', '/endpoints/oa-events/subscribers')).json.dropped[0].reason,
			'removed',
		);
		await gw.gateway.stores.buffer.subscribe(ref, subscriber, 'new');

		// The request log is written about once a second.
		const logDeadline = Date.now() + 5000;
		for (;;) {
			const page = await expectStatus(
				200,
				'GET',
				'/endpoints/oa-events/requests?code=accepted&limit=5',
			);
			if (page.json.requests.length > 0) {
				await expectStatus(200, 'GET', `/endpoints/oa-events/requests/${page.json.requests[0].id}`);
				break;
			}
			assert.ok(Date.now() < logDeadline, `the request log stayed empty: ${page.text}`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
		await expectStatus(200, 'GET', '/requests/unknown');
		await expectStatus(400, 'GET', '/endpoints/oa-events/requests?status=abc');
		await expectStatus(404, 'GET', '/endpoints/oa-events/requests/1-0');

		// Stats are flushed about once a second.
		const deadline = Date.now() + 5000;
		for (;;) {
			const stats = await expectStatus(200, 'GET', '/endpoints/oa-events/stats?hours=1');
			if (stats.json.hours[0].counts.accepted === hooks.length) break;
			assert.ok(
				Date.now() < deadline,
				`stats never showed ${hooks.length} accepted: ${stats.text}`,
			);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	});

	test('plans and accounts', async () => {
		assert.equal((await expectStatus(200, 'GET', '/plans')).json.length, 5);
		await expectStatus(200, 'GET', '/plans/business');
		await expectStatus(200, 'GET', '/plans/unlimited');
		await expectStatus(200, 'PUT', '/plans/oa-gold', {
			body: { name: 'Gold', rate: 2.5, burst: 10, daily: 1000 },
		});
		await expectStatus(200, 'PUT', '/plans/oa-open', {
			body: { id: 'oa-open', rate: null, burst: null, daily: 100 },
		});
		await expectStatus(200, 'PUT', '/plans/oa-empty');
		await expectStatus(200, 'GET', '/plans/oa-gold');

		await expectStatus(200, 'PUT', '/accounts/oa-gold-customer/plan', {
			body: { planId: 'oa-gold' },
		});
		assert.ok((await expectStatus(200, 'GET', '/accounts')).json.length >= 3);
		const token = await expectStatus(201, 'POST', '/tokens', {
			body: { name: 'oa-reader', scopes: ['read'], accountIds: ['oa-gold-customer'] },
		});
		assert.equal((await expectStatus(200, 'GET', '/tokens')).json.length, 1);
		await expectStatus(
			204,
			'DELETE',
			`/tokens/${(token.json as { tokenInfo: { id: string } }).tokenInfo.id}`,
		);
		const audit = (await expectStatus(200, 'GET', '/audit?count=5')).json as { who: string }[];
		assert.ok(audit.length > 0 && audit.every((e) => e.who === 'admin token'));
		const detail = await expectStatus(200, 'GET', '/accounts/oa-gold-customer');
		assert.equal(detail.json.plan.id, 'oa-gold');
		await expectStatus(200, 'GET', '/accounts/default');
		const accountHistory = await expectStatus(200, 'GET', '/accounts/default/usage/history');
		assert.equal(accountHistory.json.days.length, 35);

		await expectStatus(409, 'DELETE', '/plans/oa-gold');
		await expectStatus(204, 'DELETE', '/plans/oa-open');
		await expectStatus(204, 'DELETE', '/plans/oa-empty');
	});

	test('errors: 401, 400, 403, 404, 409, 413, 415', async () => {
		await expectStatus(401, 'GET', '/endpoints', { token: null });
		await expectStatus(401, 'POST', '/endpoints', { token: 'wrong-token-0123456789', body: {} });
		await expectStatus(401, 'DELETE', '/plans/business', { token: null });

		await expectStatus(400, 'POST', '/endpoints', { rawBody: '{"id": "x",' });
		await expectStatus(400, 'POST', '/endpoints', {
			rawBody: 'id=x',
			contentType: 'application/x-www-form-urlencoded',
		});
		await expectStatus(400, 'POST', '/endpoints', { body: { auth: { type: 'hmac' } } });
		await expectStatus(400, 'PATCH', '/endpoints/oa-header', { body: { nmae: 'typo' } });
		await expectStatus(400, 'PATCH', '/endpoints/oa-header', { body: { accountId: 'other' } });
		await expectStatus(400, 'POST', '/endpoints/oa-header/rotate-secret', {
			body: { graceSeconds: '60' },
		});
		await expectStatus(201, 'POST', '/endpoints', {
			body: { id: 'oa-open-ep', auth: { type: 'none' } },
		});
		await expectStatus(400, 'POST', '/endpoints/oa-open-ep/rotate-secret', { body: {} });
		await expectStatus(400, 'GET', '/endpoints?search=a&search=b');
		await expectStatus(400, 'GET', '/endpoints/oa-header/stats?hours=49');
		await expectStatus(400, 'GET', '/endpoints/oa-header/events?count=abc');
		await expectStatus(400, 'GET', '/endpoints/oa-header/dead-letters?count=0');
		await expectStatus(400, 'POST', '/endpoints/oa-header/dead-letters/replay', {
			body: { ids: ['not-an-id'] },
		});
		await expectStatus(400, 'DELETE', '/endpoints/oa-header/dead-letters', { body: { ids: [] } });
		await expectStatus(400, 'POST', '/endpoints/oa-header/test-event', { body: { body: 'text' } });
		await expectStatus(400, 'PUT', '/plans/business', { body: { daily: 1 } });
		await expectStatus(400, 'PUT', '/plans/oa-bad', { body: { rate: -1 } });
		await expectStatus(400, 'DELETE', '/plans/business');
		await expectStatus(400, 'GET', '/accounts/-bad-');
		await expectStatus(400, 'GET', '/accounts/default/usage/history?days=37');
		await expectStatus(400, 'PUT', '/accounts/oa-acme/plan', { body: {} });

		// A console session may read; its changes need the CSRF header.
		const cookie = `${SESSION_COOKIE}=${await new ConsoleSessions(gw.gateway.stores.sessions, ADMIN_TOKEN).create()}`;
		await expectStatus(200, 'GET', '/plans', { token: null, headers: { cookie } });
		await expectStatus(403, 'PUT', '/plans/oa-cookie', {
			token: null,
			headers: { cookie },
			body: {},
		});
		await expectStatus(403, 'DELETE', '/endpoints/oa-open-ep', {
			token: null,
			headers: { cookie },
		});
		await expectStatus(200, 'PUT', '/plans/oa-cookie', {
			token: null,
			headers: { cookie, [CSRF_HEADER]: CSRF_VALUE },
			body: {},
		});

		for (const path of [
			'/endpoints/oa-nope',
			'/endpoints/oa-nope/usage',
			'/endpoints/oa-nope/stats',
			'/endpoints/oa-nope/events',
			'/endpoints/oa-nope/dead-letters',
			'/plans/nope',
			'/accounts/nobody',
		]) {
			await expectStatus(404, 'GET', path);
		}
		await expectStatus(404, 'PATCH', '/endpoints/oa-nope', { body: { name: 'x' } });
		await expectStatus(404, 'DELETE', '/endpoints/oa-nope');
		await expectStatus(404, 'POST', '/endpoints/oa-nope/rotate-secret', { body: {} });
		await expectStatus(404, 'POST', '/endpoints/oa-nope/test-event', { body: {} });
		await expectStatus(404, 'POST', '/endpoints/oa-nope/dead-letters/replay', { body: {} });
		await expectStatus(404, 'DELETE', '/endpoints/oa-nope/dead-letters', {
			body: { ids: ['1-0'] },
		});
		await expectStatus(404, 'DELETE', '/plans/nope');
		await expectStatus(404, 'PUT', '/accounts/oa-acme/plan', { body: { planId: 'nope' } });

		await expectStatus(409, 'POST', '/endpoints', { body: { id: 'oa-open-ep' } });

		await expectStatus(413, 'POST', '/endpoints', {
			rawBody: JSON.stringify({ name: 'x'.repeat(300_000) }),
		});
		await expectStatus(415, 'POST', '/endpoints', {
			rawBody: '{}',
			contentType: 'application/json; charset=latin1',
		});
	});

	test('every operation answered successfully at least once', () => {
		const all = operations().map(({ op }) => op.operationId as string);
		assert.deepEqual(
			all.filter((id) => !api.succeeded.has(id)),
			[],
			'operations never called with success',
		);
	});
});

describe('OpenAPI document: 500 and 503', () => {
	/** The admin router alone in front of `management`, on a free loopback port. */
	async function adminOnly(
		management: ManagementService,
	): Promise<{ base: string; close(): Promise<void> }> {
		const app = express();
		app.use(
			'/api/v1',
			createAdminRouter({ management, adminToken: ADMIN_TOKEN, logger: silentLogger }),
		);
		const server = app.listen(0, '127.0.0.1');
		await once(server, 'listening');
		return {
			base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
			close: () => new Promise<void>((resolve) => server.close(() => resolve())),
		};
	}

	test('503 store_unavailable with Retry-After when Redis is unreachable; 500 internal_error', async () => {
		const api = new Conformance();
		const stores = createStores(
			{
				url: `redis://127.0.0.1:${await freePort()}`,
				commandTimeoutMs: 1000,
				name: 'openapi-test',
			},
			'openapi-test:',
		);
		const down = await adminOnly(
			new ManagementService(stores, {
				publicUrl: PUBLIC_URL,
				defaultPlan: 'forever-free',
				defaultBufferCapacity: 10,
			}),
		);
		const failing = await adminOnly({
			listPlans: async () => {
				throw new Error('boom');
			},
		} as unknown as ManagementService);
		try {
			for (const [method, path] of [
				['GET', '/endpoints'],
				['GET', '/endpoints/some-id/usage'],
				['GET', '/accounts'],
			]) {
				assert.equal((await api.call(down.base, method, path)).status, 503);
			}
			assert.equal((await api.call(failing.base, 'GET', '/plans')).status, 500);
		} finally {
			await down.close();
			await failing.close();
			stores.disconnect();
		}
	});
});

describe('OpenAPI document on the admin port', () => {
	test('served there too, without auth, with a relative server URL', async () => {
		const redis = await startRedis();
		const gw = await startTestGateway({ url: redis.url }, { adminPort: await freePort() });
		try {
			assert.ok(gw.adminUrl);
			const response = await fetch(`${gw.adminUrl}/api/v1/openapi.json`);
			assert.equal(response.status, 200);
			const served = (await response.json()) as any;
			assert.deepEqual(served.servers, [{ url: '/api/v1' }]);
			assert.deepEqual(served.paths, JSON.parse(JSON.stringify(doc.paths)));
		} finally {
			await gw.close();
			await redis.stop();
		}
	});
});
