/** IP allow-list: CIDR matching (IPv4, IPv6, IPv4-mapped), combination with a scheme, validation. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { validateIpAllowlist, verifyRequest } from '../../src/auth';
import { ValidationError } from '../../src/errors';
import { NOW_MS, endpoint, request } from './authFixtures';

const none = { type: 'none' } as const;
const from = (ip: string) => request({}, '', ip);

describe('IP allow-list', () => {
	test('IPv4 CIDR', () => {
		const ep = endpoint(none, [], ['10.0.0.0/8', '192.168.1.7']);
		assert.equal(verifyRequest(ep, from('10.200.3.4'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, from('192.168.1.7'), NOW_MS).ok, true);
		assert.deepEqual(verifyRequest(ep, from('192.168.1.8'), NOW_MS), {
			ok: false,
			reason: 'ip_not_allowed',
		});
		assert.deepEqual(verifyRequest(ep, from('11.0.0.1'), NOW_MS), {
			ok: false,
			reason: 'ip_not_allowed',
		});
	});

	test('IPv6 CIDR', () => {
		const ep = endpoint(none, [], ['2001:db8::/32']);
		assert.equal(verifyRequest(ep, from('2001:db8:abcd::1'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, from('2001:DB8::FFFF'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, from('2001:db9::1'), NOW_MS).ok, false);
		assert.equal(verifyRequest(ep, from('10.0.0.1'), NOW_MS).ok, false);
	});

	test('an IPv4-mapped IPv6 source matches IPv4 entries', () => {
		const ep = endpoint(none, [], ['10.0.0.0/8']);
		assert.equal(verifyRequest(ep, from('::ffff:10.1.2.3'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, from('::FFFF:10.1.2.3'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, from('::ffff:11.1.2.3'), NOW_MS).ok, false);
	});

	test('a plain IPv4 source matches an IPv4-mapped entry', () => {
		const ep = endpoint(none, [], ['::ffff:10.0.0.0/104']);
		assert.equal(verifyRequest(ep, from('10.9.9.9'), NOW_MS).ok, true);
		assert.equal(verifyRequest(ep, from('11.9.9.9'), NOW_MS).ok, false);
	});

	test('an unparsable source address is refused; an empty list allows all', () => {
		assert.equal(
			verifyRequest(endpoint(none, [], ['0.0.0.0/0']), from('unknown'), NOW_MS).ok,
			false,
		);
		assert.equal(verifyRequest(endpoint(none, [], ['0.0.0.0/0']), from(''), NOW_MS).ok, false);
		assert.equal(verifyRequest(endpoint(none, [], []), from('unknown'), NOW_MS).ok, true);
	});

	test('combines with HMAC: both must pass', () => {
		const body = '{"a":1}';
		const signature = {
			'x-hub-signature-256': `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`,
		};
		const ep = endpoint({ type: 'hmac', preset: 'github' }, ['k'], ['10.0.0.0/8', '2001:db8::/32']);
		assert.deepEqual(verifyRequest(ep, request(signature, body, '10.0.0.1'), NOW_MS), { ok: true });
		assert.deepEqual(verifyRequest(ep, request(signature, body, '::ffff:10.0.0.1'), NOW_MS), {
			ok: true,
		});
		assert.deepEqual(verifyRequest(ep, request(signature, body, '2001:db8::5'), NOW_MS), {
			ok: true,
		});
		assert.deepEqual(verifyRequest(ep, request(signature, body, '172.16.0.1'), NOW_MS), {
			ok: false,
			reason: 'ip_not_allowed',
		});
		assert.deepEqual(verifyRequest(ep, request(signature, '{"a":2}', '10.0.0.1'), NOW_MS), {
			ok: false,
			reason: 'invalid_signature',
		});
	});
});

describe('validateIpAllowlist', () => {
	test('accepts addresses and CIDRs of both families, trimmed and without duplicates', () => {
		const input = [
			' 10.0.0.0/8 ',
			'203.0.113.7',
			'2001:db8::/32',
			'::1',
			'::ffff:10.0.0.0/104',
			'0.0.0.0/0',
			'10.0.0.0/8',
		];
		assert.deepEqual(validateIpAllowlist(input), [
			'10.0.0.0/8',
			'203.0.113.7',
			'2001:db8::/32',
			'::1',
			'::ffff:10.0.0.0/104',
			'0.0.0.0/0',
		]);
		assert.deepEqual(validateIpAllowlist([]), []);
		assert.deepEqual(validateIpAllowlist(undefined), []);
	});

	test('names the bad entry', () => {
		const cases: Array<[unknown, RegExp]> = [
			[['10.0.0.0/8', '10.0.0.0/33'], /ipAllowlist\[1\] '10\.0\.0\.0\/33'/],
			[['300.1.1.1'], /ipAllowlist\[0\] '300\.1\.1\.1'/],
			[['2001:db8::/129'], /ipAllowlist\[0\] '2001:db8::\/129'/],
			[['example.com'], /'example\.com' is not an IPv4\/IPv6 address or CIDR/],
			[['10.0.0.0/'], /ipAllowlist\[0\]/],
			[['10.0.0.0/8/8'], /ipAllowlist\[0\]/],
			[[''], /ipAllowlist\[0\]/],
			[[42], /ipAllowlist\[0\] number/],
			['10.0.0.0/8', /must be an array/],
		];
		for (const [input, message] of cases) {
			assert.throws(
				() => validateIpAllowlist(input),
				(err: unknown) => err instanceof ValidationError && message.test(err.message),
				String(input),
			);
		}
	});
});
