/** Auth settings: validation and defaults, credential headers, default dedupe, secret lifecycle. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
	activeSecrets,
	credentialHeaders,
	defaultDedupe,
	generateSecret,
	rotateSecrets,
	validateAuth,
} from '../../src/auth';
import { ValidationError } from '../../src/errors';
import type { EndpointAuth, HmacPreset } from '../../src/types';
import { NOW_MS, secret } from './authFixtures';

const hmacAuth = (preset: HmacPreset, extra: object = {}): EndpointAuth =>
	({ type: 'hmac', preset, ...extra }) as EndpointAuth;

function rejects(input: unknown, message: RegExp): void {
	assert.throws(
		() => validateAuth(input),
		(err: unknown) =>
			err instanceof ValidationError && err.status === 400 && message.test(err.message),
		JSON.stringify(input),
	);
}

describe('validateAuth', () => {
	test('fills defaults and lower-cases header names', () => {
		assert.deepEqual(validateAuth({ type: 'none' }), { type: 'none' });
		assert.deepEqual(validateAuth({ type: 'header' }), {
			type: 'header',
			headerName: 'authorization',
			prefix: 'Bearer ',
		});
		assert.deepEqual(validateAuth({ type: 'header', headerName: ' X-Api-Key ' }), {
			type: 'header',
			headerName: 'x-api-key',
			prefix: '',
		});
		assert.deepEqual(
			validateAuth({ type: 'header', headerName: 'Authorization', prefix: 'Token ' }),
			{
				type: 'header',
				headerName: 'authorization',
				prefix: 'Token ',
			},
		);
		assert.deepEqual(validateAuth({ type: 'basic', username: 'bob' }), {
			type: 'basic',
			username: 'bob',
		});
		assert.deepEqual(validateAuth({ type: 'hmac', preset: 'github' }), {
			type: 'hmac',
			preset: 'github',
		});
		assert.deepEqual(validateAuth({ type: 'hmac', preset: 'shopify' }), {
			type: 'hmac',
			preset: 'shopify',
		});
		for (const preset of ['stripe', 'slack', 'standardWebhooks']) {
			assert.deepEqual(validateAuth({ type: 'hmac', preset }), {
				type: 'hmac',
				preset,
				toleranceSeconds: 300,
			});
		}
		assert.deepEqual(validateAuth({ type: 'hmac', preset: 'slack', toleranceSeconds: 86_400 }), {
			type: 'hmac',
			preset: 'slack',
			toleranceSeconds: 86_400,
		});
		assert.deepEqual(validateAuth({ type: 'hmac', preset: 'generic', header: 'X-Signature' }), {
			type: 'hmac',
			preset: 'generic',
			header: 'x-signature',
			algorithm: 'sha256',
			encoding: 'hex',
			prefix: '',
		});
		assert.deepEqual(
			validateAuth({
				type: 'hmac',
				preset: 'generic',
				header: 'x-sig',
				algorithm: 'SHA512',
				encoding: 'base64',
				prefix: 'sha512=',
			}),
			{
				type: 'hmac',
				preset: 'generic',
				header: 'x-sig',
				algorithm: 'sha512',
				encoding: 'base64',
				prefix: 'sha512=',
			},
		);
	});

	test('drops fields the chosen type does not use', () => {
		assert.deepEqual(
			validateAuth({ type: 'hmac', preset: 'github', header: 'x-other', toleranceSeconds: 10 }),
			{ type: 'hmac', preset: 'github' },
		);
		assert.deepEqual(validateAuth({ type: 'none', username: 'x' }), { type: 'none' });
	});

	test('names the bad field', () => {
		rejects(null, /auth must be an object/);
		rejects('none', /auth must be an object/);
		rejects({}, /auth\.type is required: one of none, header, basic, hmac/);
		rejects(
			{ type: 'oauth' },
			/auth\.type must be one of none, header, basic, hmac \(got 'oauth'\)/,
		);
		rejects({ type: 'hmac' }, /auth\.preset is required/);
		rejects(
			{ type: 'hmac', preset: 'gitlub' },
			/auth\.preset must be one of .*github.*stripe.*zoom.* \(got 'gitlub'\)/,
		);
		rejects({ type: 'hmac', preset: 'generic' }, /auth\.header is required/);
		rejects(
			{ type: 'hmac', preset: 'generic', header: 'bad header' },
			/auth\.header 'bad header' is not a valid HTTP header name/,
		);
		rejects(
			{ type: 'hmac', preset: 'generic', header: 'x-sig', algorithm: 'md5' },
			/auth\.algorithm must be one of sha1, sha256, sha512 \(got 'md5'\)/,
		);
		rejects(
			{ type: 'hmac', preset: 'generic', header: 'x-sig', encoding: 'base32' },
			/auth\.encoding must be one of hex, base64/,
		);
		rejects(
			{ type: 'hmac', preset: 'generic', header: 'x-sig', prefix: 'a\nb' },
			/auth\.prefix must be printable ASCII/,
		);
		for (const toleranceSeconds of [0, -1, 1.5, 86_401, '300', Number.NaN]) {
			rejects(
				{ type: 'hmac', preset: 'stripe', toleranceSeconds },
				/auth\.toleranceSeconds must be a positive whole number of seconds, at most 86400/,
			);
		}
		rejects({ type: 'basic' }, /auth\.username is required for basic auth/);
		rejects({ type: 'basic', username: '' }, /auth\.username is required/);
		rejects({ type: 'basic', username: 'a:b' }, /auth\.username must be .* without ':'/);
		rejects({ type: 'header', headerName: '' }, /auth\.headerName is required/);
		rejects(
			{ type: 'header', headerName: 'x:y' },
			/auth\.headerName 'x:y' is not a valid HTTP header name/,
		);
		rejects(
			{ type: 'header', headerNme: 'x-api-key' },
			/auth\.headerNme is not a known auth field/,
		);
	});
});

describe('credentialHeaders', () => {
	test('lists the headers carrying credentials, lower-case', () => {
		assert.deepEqual(credentialHeaders({ type: 'none' }), []);
		assert.deepEqual(credentialHeaders({ type: 'header', headerName: 'X-Api-Key', prefix: '' }), [
			'x-api-key',
		]);
		assert.deepEqual(credentialHeaders({ type: 'basic', username: 'u' }), ['authorization']);
		assert.deepEqual(credentialHeaders(hmacAuth('github')), [
			'x-hub-signature-256',
			'x-hub-signature',
		]);
		assert.deepEqual(credentialHeaders(hmacAuth('stripe')), ['stripe-signature']);
		assert.deepEqual(credentialHeaders(hmacAuth('shopify')), ['x-shopify-hmac-sha256']);
		assert.deepEqual(credentialHeaders(hmacAuth('slack')), ['x-slack-signature']);
		assert.deepEqual(credentialHeaders(hmacAuth('standardWebhooks')), ['webhook-signature']);
		assert.deepEqual(credentialHeaders(hmacAuth('generic', { header: 'X-Sig' })), ['x-sig']);
	});
});

describe('defaultDedupe', () => {
	test('uses the provider delivery id where there is one', () => {
		assert.deepEqual(defaultDedupe(hmacAuth('github')), {
			type: 'header',
			name: 'x-github-delivery',
		});
		assert.deepEqual(defaultDedupe(hmacAuth('shopify')), {
			type: 'header',
			name: 'x-shopify-webhook-id',
		});
		assert.deepEqual(defaultDedupe(hmacAuth('standardWebhooks')), {
			type: 'header',
			name: 'webhook-id',
		});
		assert.deepEqual(defaultDedupe(hmacAuth('stripe')), { type: 'bodyPath', path: 'id' });
		for (const auth of [
			hmacAuth('slack'),
			hmacAuth('generic', { header: 'x' }),
			{ type: 'none' } as const,
			{ type: 'basic', username: 'u' } as const,
		]) {
			assert.deepEqual(defaultDedupe(auth), { type: 'none' });
		}
	});
});

describe('activeSecrets', () => {
	test('keeps secrets without expiry or expiring later, in order', () => {
		const secrets = [
			secret('current'),
			secret('grace', NOW_MS + 1),
			secret('expired', NOW_MS),
			secret('old', NOW_MS - 1),
		];
		assert.deepEqual(activeSecrets(secrets, NOW_MS), ['current', 'grace']);
		assert.deepEqual(
			activeSecrets([{ value: 'bad', createdAt: '', expiresAt: 'someday' }], NOW_MS),
			[],
		);
		assert.deepEqual(activeSecrets([], NOW_MS), []);
	});
});

describe('rotateSecrets', () => {
	const iso = (ms: number) => new Date(ms).toISOString();

	test('puts the new secret first and gives the previous one the grace period', () => {
		const rotated = rotateSecrets([secret('old')], 'new', NOW_MS, 3600);
		assert.deepEqual(rotated, [
			{ value: 'new', createdAt: iso(NOW_MS) },
			{ ...secret('old'), expiresAt: iso(NOW_MS + 3_600_000) },
		]);
		assert.deepEqual(activeSecrets(rotated, NOW_MS + 3_599_999), ['new', 'old']);
		assert.deepEqual(activeSecrets(rotated, NOW_MS + 3_600_000), ['new']);
	});

	test('grace 0 drops every old secret', () => {
		assert.deepEqual(
			rotateSecrets([secret('old'), secret('older', NOW_MS + 10_000)], 'new', NOW_MS, 0),
			[{ value: 'new', createdAt: iso(NOW_MS) }],
		);
	});

	test('drops expired secrets and never extends one still in grace', () => {
		const secrets = [secret('b'), secret('a', NOW_MS + 60_000), secret('gone', NOW_MS - 1)];
		const rotated = rotateSecrets(secrets, 'c', NOW_MS, 3600);
		assert.deepEqual(
			rotated.map((s) => [s.value, s.expiresAt]),
			[
				['c', undefined],
				['b', iso(NOW_MS + 3_600_000)],
				['a', iso(NOW_MS + 60_000)],
			],
		);
		const shorter = rotateSecrets(secrets, 'c', NOW_MS, 10);
		assert.deepEqual(
			shorter.map((s) => s.expiresAt),
			[undefined, iso(NOW_MS + 10_000), iso(NOW_MS + 10_000)],
		);
	});

	test('rejects an empty secret or a bad grace', () => {
		assert.throws(() => rotateSecrets([], '', NOW_MS, 10), ValidationError);
		assert.throws(() => rotateSecrets([], 'x', NOW_MS, -1), ValidationError);
		assert.throws(() => rotateSecrets([], 'x', NOW_MS, 1.5), ValidationError);
	});
});

describe('generateSecret', () => {
	test('32 random bytes, in the format of each scheme', () => {
		for (const auth of [
			{ type: 'header', headerName: 'authorization', prefix: 'Bearer ' } as const,
			hmacAuth('github'),
			hmacAuth('slack'),
		]) {
			const value = generateSecret(auth);
			assert.match(value, /^[A-Za-z0-9_-]{43}$/);
			assert.equal(Buffer.from(value, 'base64url').length, 32);
		}
		assert.match(generateSecret(hmacAuth('stripe')), /^whsec_[A-Za-z0-9_-]{43}$/);
		const standard = generateSecret(hmacAuth('standardWebhooks'));
		assert.match(standard, /^whsec_[A-Za-z0-9+/]{43}=$/);
		assert.equal(Buffer.from(standard.slice(6), 'base64').length, 32);
		assert.notEqual(generateSecret(hmacAuth('github')), generateSecret(hmacAuth('github')));
	});
});
