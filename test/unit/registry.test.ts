import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/errors';
import { rateLimitHeaders } from '../../src/gateway/limitHeaders';
import { RegistryCache } from '../../src/registry/cache';
import {
	randomEndpointId,
	validateDedupe,
	validateEndpointId,
	validateMethods,
} from '../../src/registry/endpoints';
import { BUILT_IN_PLANS, validatePlan } from '../../src/registry/plans';
import type { EndpointRecord, Plan } from '../../src/types';

describe('plans', () => {
	it('the five built-in plans are exactly the seed table', () => {
		assert.deepEqual(
			BUILT_IN_PLANS.map((p) => [p.id, p.name, p.rate, p.burst, p.daily]),
			[
				['free-trial', 'Free Trial', 1, 1, 50],
				['forever-free', 'Forever Free', 1, 1, 50],
				['advanced', 'Advanced', 5, 5, 250],
				['business', 'Business', 5, 5, 300],
				['unlimited', 'Unlimited (self-hosted)', null, null, null],
			],
		);
	});
	it('custom plans: burst defaults from the rate, "none" means no limit, bad values name the field', () => {
		assert.deepEqual(validatePlan({ id: 'p1', rate: 2.5 }), {
			id: 'p1',
			name: 'p1',
			rate: 2.5,
			burst: 3,
			daily: null,
			builtIn: false,
		});
		assert.equal(validatePlan({ id: 'p2', rate: 'none', burst: null, daily: '100' }).daily, 100);
		assert.throws(() => validatePlan({ id: 'p3', rate: -1 }), /rate must be/);
		assert.throws(
			() => validatePlan({ id: 'p4', rate: 1, burst: 1.5 }),
			/burst must be a whole number/,
		);
		assert.throws(() => validatePlan({ id: 'p5', burst: 3 }), /burst needs a rate/);
		assert.throws(() => validatePlan({ id: 'advanced', rate: 100 }), /built-in/);
		assert.throws(() => validatePlan({ id: 'Bad Id' }), ValidationError);
	});
});

describe('endpoint input', () => {
	it('random ids are 24 characters of [a-z0-9] and differ', () => {
		const a = randomEndpointId();
		assert.match(a, /^[a-z0-9]{24}$/);
		assert.notEqual(a, randomEndpointId());
		assert.equal(validateEndpointId(a), a);
	});
	it('rejects odd ids and methods with clear messages', () => {
		for (const bad of ['../x', 'a', 'UPPER', 'x'.repeat(65), 'é-unicode', ''])
			assert.throws(() => validateEndpointId(bad), /endpoint id must be/);
		assert.deepEqual(validateMethods('post, put'), ['POST', 'PUT']);
		assert.throws(() => validateMethods(['FOO']), /FOO/);
	});
	it('dedupe defaults to the preset delivery id and can be switched off', () => {
		assert.deepEqual(validateDedupe(undefined, { type: 'hmac', preset: 'github' }).source, {
			type: 'header',
			name: 'x-github-delivery',
		});
		assert.deepEqual(validateDedupe(undefined, { type: 'hmac', preset: 'stripe' }).source, {
			type: 'bodyPath',
			path: 'id',
		});
		assert.deepEqual(
			validateDedupe({ source: { type: 'none' } }, { type: 'hmac', preset: 'github' }).source,
			{ type: 'none' },
		);
		assert.throws(() => validateDedupe({ windowSeconds: 0 }, { type: 'none' }), /windowSeconds/);
	});
});

describe('RateLimit headers', () => {
	const advanced = BUILT_IN_PLANS.find((p) => p.id === 'advanced') as Plan;
	it('describe burst/rate and daily policies and what is left', () => {
		assert.deepEqual(
			rateLimitHeaders(advanced, {
				burstRemaining: 4,
				burstResetMs: 200,
				dailyRemaining: 249,
				secondsToMidnight: 3600,
			}),
			{
				'RateLimit-Policy': '"burst";q=5;w=1, "daily";q=250;w=86400',
				RateLimit: '"burst";r=4;t=1, "daily";r=249;t=3600',
			},
		);
	});
	it('are absent for a plan without limits', () => {
		assert.deepEqual(
			rateLimitHeaders(BUILT_IN_PLANS[4], {
				burstRemaining: -1,
				burstResetMs: 0,
				dailyRemaining: -1,
				secondsToMidnight: 1,
			}),
			{},
		);
	});
});

describe('RegistryCache', () => {
	const record = (id: string) => ({ id, accountId: 'a' }) as EndpointRecord;
	it('serves from memory until the TTL, shares concurrent misses, and drops on invalidation', async () => {
		let now = 0;
		let loads = 0;
		const cache = new RegistryCache(
			{
				loadEndpoint: async (id) => {
					loads++;
					return record(id);
				},
				loadPlanOfAccount: async () => BUILT_IN_PLANS[0],
			},
			1000,
			() => now,
		);
		await Promise.all([cache.endpoint('x'), cache.endpoint('x'), cache.endpoint('x')]);
		assert.equal(loads, 1);
		now = 999;
		await cache.endpoint('x');
		assert.equal(loads, 1);
		now = 1001;
		await cache.endpoint('x');
		assert.equal(loads, 2);
		cache.invalidate({ kind: 'endpoint', id: 'x' });
		await cache.endpoint('x');
		assert.equal(loads, 3);
	});
	it('does not keep a failed load', async () => {
		let fail = true;
		const cache = new RegistryCache(
			{
				loadEndpoint: async (id) => {
					if (fail) throw new Error('redis down');
					return record(id);
				},
				loadPlanOfAccount: async () => BUILT_IN_PLANS[0],
			},
			60_000,
		);
		await assert.rejects(cache.endpoint('y'));
		fail = false;
		assert.equal((await cache.endpoint('y'))?.id, 'y');
	});
});
