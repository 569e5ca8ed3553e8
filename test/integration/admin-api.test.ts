/**
 * The admin HTTP API over real HTTP against a real redis-server: bearer auth, endpoints (secrets
 * only in create/rotate/update answers), plans, accounts, events, dead letters and error shapes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createAdminRouter } from '../../src/gateway/admin';
import type { Logger } from '../../src/logger';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { freePort } from '../harness/ports';
import { startRedis, type RedisServer } from '../harness/redis';

const TOKEN = 'admin-token-0123456789abcdef';

interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any;
}

interface AdminApi {
	call(
		method: string,
		path: string,
		options?: {
			body?: unknown;
			rawBody?: string;
			token?: string | null;
			authorization?: string;
			contentType?: string;
		},
	): Promise<Answer>;
	logged: { level: string; message: string; fields?: Record<string, unknown> }[];
	close(): Promise<void>;
}

let redis: RedisServer;
before(async () => {
	redis = await startRedis();
});
after(async () => {
	await redis?.stop();
});

function recordingLogger(into: AdminApi['logged']): Logger {
	const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
		void into.push({ level, message, fields });
	return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** An express app with only the admin router at /api/v1, on its own key prefix. */
async function startAdmin(
	options: { adminToken?: string; redisUrl?: string; management?: ManagementService } = {},
): Promise<AdminApi> {
	const prefix = `admin-test-${randomUUID().slice(0, 8)}:`;
	let stores: Stores | undefined;
	let management = options.management;
	if (!management) {
		stores = createStores(
			{ url: options.redisUrl ?? redis.url, commandTimeoutMs: 2000, name: 'admin-test' },
			prefix,
		);
		// Like the gateway, no offline queue: wait for the connection (except when testing an outage).
		if (!options.redisUrl) await stores.waitReady(5000);
		management = new ManagementService(stores, {
			publicUrl: 'https://hooks.example.com',
			defaultPlan: 'forever-free',
			defaultBufferCapacity: 5000,
		});
	}
	const logged: AdminApi['logged'] = [];
	const app = express();
	app.use(
		'/api/v1',
		createAdminRouter({
			management,
			adminToken: options.adminToken ?? TOKEN,
			logger: recordingLogger(logged),
		}),
	);
	const server = app.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
	return {
		logged,
		async call(method, path, { body, rawBody, token = TOKEN, authorization, contentType } = {}) {
			const headers: Record<string, string> = {};
			if (authorization !== undefined) headers.authorization = authorization;
			else if (token !== null) headers.authorization = `Bearer ${token}`;
			const payload = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
			if (payload !== undefined) headers['content-type'] = contentType ?? 'application/json';
			const response = await fetch(`${base}${path}`, { method, headers, body: payload });
			const text = await response.text();
			let json: unknown;
			try {
				json = text === '' ? undefined : JSON.parse(text);
			} catch {
				json = undefined;
			}
			return { status: response.status, headers: response.headers, text, json };
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			if (stores) {
				stores.disconnect();
			}
		},
	};
}

function assertError(answer: Answer, status: number, code: string, messagePart?: RegExp): void {
	assert.equal(answer.status, status, answer.text);
	assert.equal(answer.json?.error?.code, code, answer.text);
	assert.equal(typeof answer.json.error.message, 'string');
	if (messagePart) assert.match(answer.json.error.message, messagePart);
}

describe('admin API authentication', () => {
	test('401 without a token, with a wrong token and with a malformed header', async () => {
		const api = await startAdmin();
		try {
			for (const token of [null, 'wrong-token-0123456789abcdef', '', `${TOKEN}x`]) {
				const answer = await api.call('GET', '/endpoints', { token });
				assertError(answer, 401, 'unauthorized');
				assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="webhook-gateway"');
			}
			for (const authorization of [`Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
				assertError(await api.call('GET', '/endpoints', { authorization }), 401, 'unauthorized');
			}
			assert.equal(
				(await api.call('GET', '/endpoints', { authorization: `bearer ${TOKEN}` })).status,
				200,
				'the scheme is case-insensitive',
			);
			// unknown routes are behind auth too
			assertError(await api.call('GET', '/no-such-route', { token: null }), 401, 'unauthorized');
			assert.equal((await api.call('GET', '/endpoints')).status, 200);
		} finally {
			await api.close();
		}
	});

	test('401 for everyone when no token is configured, naming WEBHOOK_GATEWAY_ADMIN_TOKEN', async () => {
		const api = await startAdmin({ adminToken: '' });
		try {
			for (const token of [null, '', TOKEN]) {
				const answer = await api.call('GET', '/plans', { token });
				assertError(answer, 401, 'unauthorized', /WEBHOOK_GATEWAY_ADMIN_TOKEN/);
				assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="webhook-gateway"');
			}
		} finally {
			await api.close();
		}
	});
});

describe('admin API endpoints', () => {
	test('create returns the secret once; get and list never contain it', async () => {
		const api = await startAdmin();
		try {
			const created = await api.call('POST', '/endpoints', {
				body: { id: 'github-main', name: 'GitHub', auth: { type: 'hmac', preset: 'github' } },
			});
			assert.equal(created.status, 201, created.text);
			const secret: string = created.json.secret;
			assert.equal(typeof secret, 'string');
			assert.ok(secret.length >= 16);
			assert.equal(created.json.endpoint.id, 'github-main');
			assert.equal(created.json.endpoint.url, 'https://hooks.example.com/hooks/github-main');
			assert.equal(created.json.endpoint.createdBy, 'admin-api');
			assert.deepEqual(created.json.endpoint.dedupe.source, {
				type: 'header',
				name: 'x-github-delivery',
			});
			assert.equal(created.json.endpoint.secrets, undefined);
			assert.equal(created.headers.get('cache-control'), 'no-store');

			const got = await api.call('GET', '/endpoints/github-main');
			assert.equal(got.status, 200);
			assert.equal(got.json.secretCount, 1);
			assert.ok(!got.text.includes(secret), 'GET must not contain the secret');
			assert.equal(got.json.secret, undefined);
			assert.equal(got.json.secrets, undefined);

			const list = await api.call('GET', '/endpoints');
			assert.equal(list.status, 200);
			assert.deepEqual(
				list.json.map((e: { id: string }) => e.id),
				['github-main'],
			);
			assert.ok(!list.text.includes(secret), 'list must not contain the secret');

			// a chosen secret and createdBy from the body
			const chosen = await api.call('POST', '/endpoints', {
				body: {
					id: 'stripe-1',
					auth: { type: 'hmac', preset: 'stripe' },
					secret: 'whsec_test_1234567890',
					accountId: 'acme',
					createdBy: 'ops@example.com',
				},
			});
			assert.equal(chosen.status, 201, chosen.text);
			assert.equal(chosen.json.secret, 'whsec_test_1234567890');
			assert.equal(chosen.json.endpoint.createdBy, 'ops@example.com');
			const filtered = await api.call('GET', '/endpoints?accountId=acme');
			assert.deepEqual(
				filtered.json.map((e: { id: string }) => e.id),
				['stripe-1'],
			);
			const searched = await api.call('GET', '/endpoints?search=GITHUB');
			assert.deepEqual(
				searched.json.map((e: { id: string }) => e.id),
				['github-main'],
			);
			assert.ok(!(await api.call('GET', '/endpoints')).text.includes('whsec_test_1234567890'));

			// without auth an endpoint gets a generated header token, and a random id
			const byDefault = await api.call('POST', '/endpoints', { body: {} });
			assert.equal(byDefault.status, 201, byDefault.text);
			assert.deepEqual(byDefault.json.endpoint.auth, {
				type: 'header',
				headerName: 'authorization',
				prefix: 'Bearer ',
			});
			assert.equal(typeof byDefault.json.secret, 'string');
			assert.match(byDefault.json.endpoint.id, /^[a-z0-9]{24}$/);
			// only an endpoint asked to be open has no secret at all
			const open = await api.call('POST', '/endpoints', { body: { auth: { type: 'none' } } });
			assert.equal(open.status, 201, open.text);
			assert.equal(open.json.secret, undefined);

			assertError(
				await api.call('POST', '/endpoints', { body: { id: 'github-main' } }),
				409,
				'conflict',
			);

			// changes are audited, secrets never logged
			assert.ok(
				api.logged.some(
					(l) =>
						l.message === 'admin API change' &&
						l.fields?.path === '/api/v1/endpoints' &&
						l.fields?.status === 201,
				),
			);
			assert.ok(!JSON.stringify(api.logged).includes(secret));
		} finally {
			await api.close();
		}
	});

	test('update, disable, rotate secret and usage', async () => {
		const api = await startAdmin();
		try {
			const created = await api.call('POST', '/endpoints', {
				body: { id: 'crm', auth: { type: 'header', headerName: 'x-api-key' } },
			});
			assert.equal(created.status, 201, created.text);
			const firstSecret: string = created.json.secret;

			const updated = await api.call('PATCH', '/endpoints/crm', {
				body: { name: 'CRM', methods: ['POST', 'put'], ipAllowlist: ['10.0.0.0/8'] },
			});
			assert.equal(updated.status, 200, updated.text);
			assert.equal(updated.json.endpoint.name, 'CRM');
			assert.deepEqual(updated.json.endpoint.methods, ['POST', 'PUT']);
			assert.deepEqual(updated.json.endpoint.ipAllowlist, ['10.0.0.0/8']);
			assert.equal(
				updated.json.secret,
				undefined,
				'an update that keeps the secret does not show it',
			);
			assert.ok(!updated.text.includes(firstSecret));

			const withSecret = await api.call('PATCH', '/endpoints/crm', {
				body: { secret: 'a-new-secret-value' },
			});
			assert.equal(withSecret.status, 200, withSecret.text);
			assert.equal(withSecret.json.secret, 'a-new-secret-value');

			const disabled = await api.call('PATCH', '/endpoints/crm', { body: { enabled: false } });
			assert.equal(disabled.json.endpoint.enabled, false);
			assert.equal((await api.call('GET', '/endpoints/crm')).json.enabled, false);
			assertError(
				await api.call('PATCH', '/endpoints/crm', { body: { enabled: 'no' } }),
				400,
				'invalid_request',
				/enabled/,
			);
			assertError(
				await api.call('PATCH', '/endpoints/crm', { body: { methods: ['FOO'] } }),
				400,
				'invalid_request',
				/FOO/,
			);
			assertError(
				await api.call('PATCH', '/endpoints/crm', { body: { accountId: 'other' } }),
				400,
				'invalid_request',
				/account/,
			);
			assertError(
				await api.call('PATCH', '/endpoints/crm', { body: { nmae: 'typo' } }),
				400,
				'invalid_request',
				/nmae/,
			);

			const rotated = await api.call('POST', '/endpoints/crm/rotate-secret', {
				body: { graceSeconds: 3600 },
			});
			assert.equal(rotated.status, 200, rotated.text);
			assert.equal(typeof rotated.json.secret, 'string');
			assert.notEqual(rotated.json.secret, 'a-new-secret-value');
			assert.ok(rotated.json.previousValidUntil, 'the old secret has a grace period');
			const until = Date.parse(rotated.json.previousValidUntil);
			assert.ok(
				Math.abs(until - (Date.now() + 3_600_000)) < 60_000,
				rotated.json.previousValidUntil,
			);
			assert.equal(rotated.json.endpoint.secretCount, 2);
			const afterRotate = await api.call('GET', '/endpoints/crm');
			assert.ok(!afterRotate.text.includes(rotated.json.secret));
			assert.ok(!afterRotate.text.includes('a-new-secret-value'));

			const revoked = await api.call('POST', '/endpoints/crm/rotate-secret', {
				body: { graceSeconds: 0, secret: 'after-a-leak-123' },
			});
			assert.equal(revoked.json.secret, 'after-a-leak-123');
			assert.equal(revoked.json.previousValidUntil, null);
			assert.equal(revoked.json.endpoint.secretCount, 1);
			assertError(
				await api.call('POST', '/endpoints/crm/rotate-secret', { body: { graceSeconds: '60' } }),
				400,
				'invalid_request',
				/graceSeconds/,
			);

			const usage = await api.call('GET', '/endpoints/crm/usage');
			assert.equal(usage.status, 200, usage.text);
			assert.equal(usage.json.endpointId, 'crm');
			assert.equal(usage.json.plan.id, 'forever-free');
			assert.equal(usage.json.acceptedToday, 0);
			assert.equal(usage.json.dailyLimit, 50);
			assert.equal(usage.json.dailyRemaining, 50);
			assert.deepEqual(usage.json.buffer, {
				length: 0,
				capacity: 5000,
				bytes: 0,
				maxBytes: 256 * 1024 * 1024,
				oldestReceivedAt: null,
			});
			assert.deepEqual(usage.json.subscribers, []);
			assert.equal(usage.json.deadLetters, 0);

			const deleted = await api.call('DELETE', '/endpoints/crm');
			assert.equal(deleted.status, 204);
			assert.equal(deleted.text, '');
			assertError(await api.call('GET', '/endpoints/crm'), 404, 'not_found', /crm/);
		} finally {
			await api.close();
		}
	});

	test('events and dead letters of a new endpoint are empty', async () => {
		const api = await startAdmin();
		try {
			assert.equal((await api.call('POST', '/endpoints', { body: { id: 'quiet' } })).status, 201);
			const peek = await api.call('GET', '/endpoints/quiet/events?count=5');
			assert.equal(peek.status, 200, peek.text);
			assert.deepEqual(peek.json, []);
			const dead = await api.call('GET', '/endpoints/quiet/dead-letters');
			assert.equal(dead.status, 200, dead.text);
			assert.deepEqual(dead.json, []);
			const replay = await api.call('POST', '/endpoints/quiet/dead-letters/replay', { body: {} });
			assert.deepEqual(replay.json, { replayed: [], skipped: [] });
			assertError(
				await api.call('GET', '/endpoints/quiet/events?count=abc'),
				400,
				'invalid_request',
				/count/,
			);
			assertError(
				await api.call('DELETE', '/endpoints/quiet/dead-letters', { body: {} }),
				400,
				'invalid_request',
				/ids/,
			);
			assertError(
				await api.call('POST', '/endpoints/quiet/dead-letters/replay', { body: { ids: [1] } }),
				400,
				'invalid_request',
				/ids/,
			);
			assertError(await api.call('GET', '/endpoints/nope/events'), 404, 'not_found');
		} finally {
			await api.close();
		}
	});
});

describe('admin API plans and accounts', () => {
	test('the five built-in plans, exactly', async () => {
		const api = await startAdmin();
		try {
			const plans = await api.call('GET', '/plans');
			assert.equal(plans.status, 200);
			assert.deepEqual(plans.json, [
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
			assert.equal((await api.call('GET', '/plans/business')).json.daily, 300);
			assertError(await api.call('GET', '/plans/nope'), 404, 'not_found');
		} finally {
			await api.close();
		}
	});

	test('custom plans, validation, account plans and deleting a plan in use', async () => {
		const api = await startAdmin();
		try {
			const gold = await api.call('PUT', '/plans/gold', {
				body: { name: 'Gold', rate: 10, burst: 20, daily: 1000 },
			});
			assert.equal(gold.status, 200, gold.text);
			assert.deepEqual(gold.json, {
				id: 'gold',
				name: 'Gold',
				rate: 10,
				burst: 20,
				daily: 1000,
				builtIn: false,
			});
			assert.deepEqual(
				(await api.call('GET', '/plans')).json.map((p: { id: string }) => p.id).slice(5),
				['gold'],
			);

			assertError(
				await api.call('PUT', '/plans/bad', { body: { rate: -1 } }),
				400,
				'invalid_request',
				/rate/,
			);
			assertError(
				await api.call('PUT', '/plans/bad', { body: { rate: 1, daily: 2.5 } }),
				400,
				'invalid_request',
				/daily/,
			);
			assertError(
				await api.call('PUT', '/plans/business', { body: { daily: 1000 } }),
				400,
				'invalid_request',
				/built-in/,
			);
			assertError(await api.call('DELETE', '/plans/business'), 400, 'invalid_request', /built-in/);
			assertError(
				await api.call('PUT', '/plans/gold', { body: { id: 'silver' } }),
				400,
				'invalid_request',
				/id/,
			);

			const account = await api.call('PUT', '/accounts/acme/plan', { body: { planId: 'gold' } });
			assert.equal(account.status, 200, account.text);
			assert.equal(account.json.id, 'acme');
			assert.equal(account.json.planId, 'gold');
			const got = await api.call('GET', '/accounts/acme');
			assert.equal(got.json.plan.id, 'gold');
			assert.equal(got.json.dailyRemaining, 1000);
			assert.deepEqual(
				(await api.call('GET', '/accounts')).json.map((a: { id: string }) => a.id),
				['acme'],
			);
			assertError(
				await api.call('PUT', '/accounts/acme/plan', { body: { planId: 'nope' } }),
				404,
				'not_found',
				/nope/,
			);
			assertError(
				await api.call('PUT', '/accounts/acme/plan', { body: {} }),
				400,
				'invalid_request',
				/planId/,
			);
			assertError(await api.call('GET', '/accounts/nobody'), 404, 'not_found');

			assertError(await api.call('DELETE', '/plans/gold'), 409, 'conflict', /acme/);
			assert.equal(
				(await api.call('PUT', '/accounts/acme/plan', { body: { planId: 'advanced' } })).status,
				200,
			);
			assert.equal((await api.call('DELETE', '/plans/gold')).status, 204);
			assertError(await api.call('GET', '/plans/gold'), 404, 'not_found');
		} finally {
			await api.close();
		}
	});
});

describe('admin API errors', () => {
	test('malformed JSON, wrong body types, unknown routes and unknown endpoints', async () => {
		const api = await startAdmin();
		try {
			assertError(
				await api.call('POST', '/endpoints', { rawBody: '{"id": "x",' }),
				400,
				'invalid_request',
				/JSON/,
			);
			assertError(
				await api.call('POST', '/endpoints', { body: ['not', 'an', 'object'] }),
				400,
				'invalid_request',
				/object/,
			);
			assertError(
				await api.call('POST', '/endpoints', {
					rawBody: 'id=x',
					contentType: 'application/x-www-form-urlencoded',
				}),
				400,
				'invalid_request',
				/application\/json/,
			);
			assertError(
				await api.call('POST', '/endpoints', {
					rawBody: JSON.stringify({ name: 'x'.repeat(300_000) }),
				}),
				413,
				'payload_too_large',
			);
			assertError(
				await api.call('GET', '/endpoints/does-not-exist'),
				404,
				'not_found',
				/does-not-exist/,
			);
			assertError(await api.call('DELETE', '/endpoints/does-not-exist'), 404, 'not_found');
			assertError(await api.call('GET', '/no-such-route'), 404, 'not_found');
			assertError(await api.call('POST', '/plans'), 404, 'not_found');
		} finally {
			await api.close();
		}
	});

	test('unexpected errors are 500 internal_error without details; they are logged', async () => {
		const failing = {
			listPlans: async () => {
				throw new Error('boom: something internal at /srv/secret/path.ts:12');
			},
		} as unknown as ManagementService;
		const api = await startAdmin({ management: failing });
		try {
			const answer = await api.call('GET', '/plans');
			assertError(answer, 500, 'internal_error');
			assert.ok(!answer.text.includes('boom'));
			assert.ok(!answer.text.includes('/srv/secret'));
			assert.ok(
				api.logged.some((l) => l.level === 'error' && String(l.fields?.error).includes('boom')),
			);
		} finally {
			await api.close();
		}
	});

	test('503 store_unavailable with Retry-After when Redis is unreachable', async () => {
		const api = await startAdmin({ redisUrl: `redis://127.0.0.1:${await freePort()}` });
		try {
			const answer = await api.call('GET', '/endpoints');
			assertError(answer, 503, 'store_unavailable');
			assert.ok(Number(answer.headers.get('retry-after')) >= 1);
		} finally {
			await api.close();
		}
	});
});
