/** Header-token and Basic auth, with secret rotation. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyRequest } from '../../src/auth';
import type { EndpointAuth } from '../../src/types';
import { NOW_MS, endpoint, request, secret } from './authFixtures';

const basicHeader = (user: string, password: string) => ({
	authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('header token', () => {
	const bearer: EndpointAuth = { type: 'header', headerName: 'authorization', prefix: 'Bearer ' };

	test('accepts prefix + secret, the prefix in any case', () => {
		const ep = endpoint(bearer, ['tok-123']);
		for (const value of ['Bearer tok-123', 'bearer tok-123', 'BEARER tok-123']) {
			assert.deepEqual(
				verifyRequest(ep, request({ authorization: value }), NOW_MS),
				{ ok: true },
				value,
			);
		}
	});

	test('compares the token itself exactly', () => {
		const ep = endpoint(bearer, ['tok-123']);
		for (const value of [
			'tok-123',
			'Bearer TOK-123',
			'Bearer tok-1234',
			'Bearer tok-12',
			'Bearer  tok-123',
			'Bearer ',
			'Basic tok-123',
		]) {
			assert.deepEqual(
				verifyRequest(ep, request({ authorization: value }), NOW_MS),
				{ ok: false, reason: 'invalid_credentials' },
				value,
			);
		}
		assert.deepEqual(verifyRequest(ep, request({}), NOW_MS), {
			ok: false,
			reason: 'missing_credentials',
		});
	});

	test('a custom header without prefix', () => {
		const ep = endpoint({ type: 'header', headerName: 'x-api-key', prefix: '' }, ['k']);
		assert.equal(verifyRequest(ep, request({ 'x-api-key': 'k' }), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, request({ 'x-api-key': 'Bearer k' }), NOW_MS).ok, false);
		assert.equal(verifyRequest(ep, request({ authorization: 'k' }), NOW_MS).ok, false);
		// one of several values is enough
		assert.equal(verifyRequest(ep, request({ 'x-api-key': ['nope', 'k'] }), NOW_MS).ok, true);
	});

	test("a configured header name in mixed case still matches node's lower-case headers", () => {
		const ep = endpoint({ type: 'header', headerName: 'X-Api-Key', prefix: '' }, ['k']);
		assert.equal(verifyRequest(ep, request({ 'x-api-key': 'k' }), NOW_MS).ok, true);
	});

	test('rotation: the old token works within its grace and not after', () => {
		const graceEnd = NOW_MS + 60_000;
		const ep = endpoint(bearer, ['new', secret('old', graceEnd)]);
		assert.equal(verifyRequest(ep, request({ authorization: 'Bearer old' }), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, request({ authorization: 'Bearer new' }), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, request({ authorization: 'Bearer old' }), graceEnd).ok, false);
		assert.equal(verifyRequest(ep, request({ authorization: 'Bearer new' }), graceEnd).ok, true);
	});
});

describe('basic auth', () => {
	const auth: EndpointAuth = { type: 'basic', username: 'sender' };
	const ep = endpoint(auth, ['pa:ss word']);

	test('accepts the user name and an active secret as password', () => {
		assert.deepEqual(verifyRequest(ep, request(basicHeader('sender', 'pa:ss word')), NOW_MS), {
			ok: true,
		});
		const lowerScheme = {
			authorization: `basic ${Buffer.from('sender:pa:ss word').toString('base64')}`,
		};
		assert.equal(verifyRequest(ep, request(lowerScheme), NOW_MS).ok, true);
	});

	test('rejects a wrong user, a wrong password, another scheme, garbled or missing credentials', () => {
		const invalid = { ok: false, reason: 'invalid_credentials' };
		assert.deepEqual(
			verifyRequest(ep, request(basicHeader('Sender', 'pa:ss word')), NOW_MS),
			invalid,
		);
		assert.deepEqual(verifyRequest(ep, request(basicHeader('sender', 'pa:ss')), NOW_MS), invalid);
		assert.deepEqual(verifyRequest(ep, request(basicHeader('sender', '')), NOW_MS), invalid);
		assert.deepEqual(
			verifyRequest(ep, request({ authorization: 'Bearer pa:ss word' }), NOW_MS),
			invalid,
		);
		assert.deepEqual(verifyRequest(ep, request({ authorization: 'Basic %%%' }), NOW_MS), invalid);
		assert.deepEqual(
			verifyRequest(
				ep,
				request({ authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }),
				NOW_MS,
			),
			invalid,
		);
		assert.deepEqual(verifyRequest(ep, request({}), NOW_MS), {
			ok: false,
			reason: 'missing_credentials',
		});
	});

	test('rotation: the old password works within its grace and not after', () => {
		const graceEnd = NOW_MS + 1_000;
		const rotated = endpoint(auth, ['new', secret('old', graceEnd)]);
		assert.equal(verifyRequest(rotated, request(basicHeader('sender', 'old')), NOW_MS).ok, true);
		assert.equal(
			verifyRequest(rotated, request(basicHeader('sender', 'old')), graceEnd + 1).ok,
			false,
		);
		assert.equal(
			verifyRequest(rotated, request(basicHeader('sender', 'new')), graceEnd + 1).ok,
			true,
		);
	});
});

describe('no auth', () => {
	test('accepts any request, even without secrets', () => {
		assert.deepEqual(verifyRequest(endpoint({ type: 'none' }, []), request({}), NOW_MS), {
			ok: true,
		});
	});
});

describe('failure reasons', () => {
	test('are short codes that never echo what was sent', () => {
		const ep = endpoint({ type: 'header', headerName: 'authorization', prefix: 'Bearer ' }, [
			'tok-123',
		]);
		const result = verifyRequest(ep, request({ authorization: 'Bearer tok-12' }), NOW_MS);
		assert.equal(result.ok, false);
		if (!result.ok) {
			assert.match(result.reason, /^[a-z_]+$/);
			assert.ok(!result.reason.includes('tok'));
		}
	});
});
