import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDefaultPlan, ConfigError, loadConfig, parseDuration, parseSize } from '../../src/config';

describe('configuration from the environment', () => {
	it('has the documented defaults', () => {
		const c = loadConfig({});
		assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
		assert.equal(c.port, 5680);
		assert.equal(c.host, '0.0.0.0');
		assert.equal(c.publicUrl, 'http://127.0.0.1:5680');
		assert.equal(c.adminToken, '');
		assert.equal(c.keyPrefix, 'wgw:');
		assert.equal(c.maxBodyBytes, 1024 * 1024);
		assert.equal(c.defaultPlan, 'forever-free');
		assert.equal(c.trustProxy, false);
		assert.equal(c.subscriberRetentionMs, 7 * 86_400_000);
	});

	it('reads every variable', () => {
		const c = loadConfig({
			WEBHOOK_GATEWAY_REDIS_URL: 'rediss://u:p@redis.internal:6380/2',
			WEBHOOK_GATEWAY_PORT: '8080',
			WEBHOOK_GATEWAY_HOST: '127.0.0.1',
			WEBHOOK_GATEWAY_PUBLIC_URL: 'https://hooks.example.com/',
			WEBHOOK_GATEWAY_ADMIN_TOKEN: 'a-long-admin-token-0123456789abcdef',
			WEBHOOK_GATEWAY_KEY_PREFIX: 'prod:',
			WEBHOOK_GATEWAY_MAX_BODY: '512kb',
			WEBHOOK_GATEWAY_DEFAULT_PLAN: 'advanced',
			WEBHOOK_GATEWAY_TRUST_PROXY: '1',
		});
		assert.equal(c.port, 8080);
		assert.equal(c.publicUrl, 'https://hooks.example.com');
		assert.equal(c.maxBodyBytes, 512 * 1024);
		assert.equal(c.trustProxy, 1);
		assert.equal(c.keyPrefix, 'prod:');
	});

	for (const [name, value] of [
		['WEBHOOK_GATEWAY_PORT', 'abc'],
		['WEBHOOK_GATEWAY_PORT', '70000'],
		['WEBHOOK_GATEWAY_REDIS_URL', 'http://x'],
		['WEBHOOK_GATEWAY_PUBLIC_URL', 'not a url'],
		['WEBHOOK_GATEWAY_ADMIN_TOKEN', 'short'],
		['WEBHOOK_GATEWAY_KEY_PREFIX', 'has{brace}'],
		['WEBHOOK_GATEWAY_MAX_BODY', 'lots'],
		['WEBHOOK_GATEWAY_DEFAULT_PLAN', 'Not Valid'],
		// The README's example token, and anything under 32 characters.
		['WEBHOOK_GATEWAY_ADMIN_TOKEN', 'change-me-to-a-long-random-token'],
		['WEBHOOK_GATEWAY_ADMIN_TOKEN', 'x'.repeat(31)],
		// A trust-proxy list proxy-addr cannot compile.
		['WEBHOOK_GATEWAY_TRUST_PROXY', '10.0.0.0/99'],
		['WEBHOOK_GATEWAY_TRUST_PROXY', 'my-proxy'],
		// Capacities, caps and timings out of range.
		['WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS', '0'],
		['WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS', '-5'],
		['WEBHOOK_GATEWAY_MAX_BODY', '0'],
		['WEBHOOK_GATEWAY_MAX_BODY', '1gb'],
		['WEBHOOK_GATEWAY_REDIS_TIMEOUT', '0'],
		['WEBHOOK_GATEWAY_REDIS_TIMEOUT', '10m'],
		['WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION', '1s'],
		['WEBHOOK_GATEWAY_EVENT_RETENTION', '5s'],
		['WEBHOOK_GATEWAY_REGISTRY_CACHE', '2h'],
		['WEBHOOK_GATEWAY_ALLOW_EVICTION', 'yes'],
	] as const) {
		it(`a bad ${name} (${value}) stops with a message naming it`, () => {
			assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name));
		});
	}

	it('accepts trust-proxy lists, named ranges, 32-character tokens and 0 for the optional durations', () => {
		assert.equal(loadConfig({ WEBHOOK_GATEWAY_TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy, 'loopback, 10.0.0.0/8, fd00::/8');
		assert.equal(loadConfig({ WEBHOOK_GATEWAY_ADMIN_TOKEN: 'x'.repeat(32) }).adminToken.length, 32);
		assert.equal(loadConfig({ WEBHOOK_GATEWAY_EVENT_RETENTION: '0', WEBHOOK_GATEWAY_REGISTRY_CACHE: '0' }).eventRetentionMs, 0);
		assert.equal(loadConfig({ WEBHOOK_GATEWAY_ALLOW_EVICTION: 'true' }).allowEviction, true);
		assert.equal(loadConfig({}).allowEviction, false);
	});

	it('the admin port must differ from the ingest port', () => {
		assert.throws(
			() => loadConfig({ WEBHOOK_GATEWAY_PORT: '8080', WEBHOOK_GATEWAY_ADMIN_PORT: '8080' }),
			(e: unknown) => e instanceof ConfigError && e.message.includes('WEBHOOK_GATEWAY_ADMIN_PORT'),
		);
	});

	it('a default plan is checked against the built-in plans, then the stored ones', async () => {
		await checkDefaultPlan('advanced', async () => false);
		await checkDefaultPlan('custom', async (id) => id === 'custom');
		await assert.rejects(checkDefaultPlan('no-such-plan', async () => false), (e: unknown) => e instanceof ConfigError && /WEBHOOK_GATEWAY_DEFAULT_PLAN/.test(e.message));
	});

	it('parses sizes and durations', () => {
		assert.equal(parseSize('1mb'), 1048576);
		assert.equal(parseSize('10'), 10);
		assert.equal(parseSize('x'), undefined);
		assert.equal(parseDuration('7d'), 604_800_000);
		assert.equal(parseDuration('500ms'), 500);
		assert.equal(parseDuration('1.5s'), 1500);
	});
});
