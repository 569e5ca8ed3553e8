/** signRequest round-trips through verifyRequest for every scheme and preset. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateSecret, signRequest, validateAuth, verifyRequest } from '../../src/auth';
import type { EndpointAuth } from '../../src/types';
import { NOW_MS, NOW_S, endpoint, request } from './authFixtures';

const BODY = Buffer.from('{"id":"evt_123","type":"test","note":"héllo"}');

const AUTHS: Array<[string, EndpointAuth]> = [
	['header token', validateAuth({ type: 'header' })],
	['custom header token', validateAuth({ type: 'header', headerName: 'X-Api-Key' })],
	['basic', validateAuth({ type: 'basic', username: 'sender' })],
	['github', validateAuth({ type: 'hmac', preset: 'github' })],
	['stripe', validateAuth({ type: 'hmac', preset: 'stripe' })],
	['shopify', validateAuth({ type: 'hmac', preset: 'shopify' })],
	['slack', validateAuth({ type: 'hmac', preset: 'slack' })],
	['standardWebhooks', validateAuth({ type: 'hmac', preset: 'standardWebhooks' })],
	[
		'generic sha1 hex',
		validateAuth({
			type: 'hmac',
			preset: 'generic',
			header: 'X-Sig',
			algorithm: 'sha1',
			prefix: 'sha1=',
		}),
	],
	[
		'generic sha512 base64',
		validateAuth({
			type: 'hmac',
			preset: 'generic',
			header: 'x-sig',
			algorithm: 'sha512',
			encoding: 'base64',
		}),
	],
];

describe('signRequest', () => {
	for (const [name, auth] of AUTHS) {
		test(`${name}: signed requests verify, tampered or foreign ones do not`, () => {
			const key = generateSecret(auth);
			const headers = signRequest(auth, key, BODY, NOW_MS);
			for (const header of Object.keys(headers)) assert.equal(header, header.toLowerCase());
			const ep = endpoint(auth, [key]);
			assert.deepEqual(verifyRequest(ep, request(headers, BODY), NOW_MS), { ok: true });
			const otherKey = signRequest(auth, generateSecret(auth), BODY, NOW_MS);
			assert.equal(verifyRequest(ep, request(otherKey, BODY), NOW_MS).ok, false);
			if (auth.type === 'hmac') {
				assert.equal(verifyRequest(ep, request(headers, Buffer.from('{}')), NOW_MS).ok, false);
			}
		});
	}

	test('timestamp presets sign the current second and go stale after the tolerance', () => {
		for (const preset of ['stripe', 'slack', 'standardWebhooks'] as const) {
			const auth = validateAuth({ type: 'hmac', preset });
			const key = generateSecret(auth);
			const headers = signRequest(auth, key, BODY, NOW_MS + 999);
			assert.ok(
				Object.values(headers).some((v) => v.includes(String(NOW_S))),
				preset,
			);
			assert.equal(
				verifyRequest(endpoint(auth, [key]), request(headers, BODY), NOW_MS + 301_000).ok,
				false,
				preset,
			);
		}
	});

	test('uses the given id and user name', () => {
		const sw = validateAuth({ type: 'hmac', preset: 'standardWebhooks' });
		assert.equal(
			signRequest(sw, generateSecret(sw), BODY, NOW_MS, { id: 'msg_42' })['webhook-id'],
			'msg_42',
		);
		const gh = validateAuth({ type: 'hmac', preset: 'github' });
		assert.equal(signRequest(gh, 'k', BODY, NOW_MS, { id: 'd-1' })['x-github-delivery'], 'd-1');
		const basic = validateAuth({ type: 'basic', username: 'sender' });
		const headers = signRequest(basic, 'pw', BODY, NOW_MS, { username: 'other' });
		assert.equal(headers.authorization, `Basic ${Buffer.from('other:pw').toString('base64')}`);
		assert.deepEqual(signRequest({ type: 'none' }, '', BODY, NOW_MS), {});
	});

	test('works with a Stripe-issued style secret', () => {
		const auth = validateAuth({ type: 'hmac', preset: 'stripe' });
		const key = 'whsec_abc123DEF456';
		assert.equal(
			verifyRequest(
				endpoint(auth, [key]),
				request(signRequest(auth, key, BODY, NOW_MS), BODY),
				NOW_MS,
			).ok,
			true,
		);
	});
});
