import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseDuration, parseSize } from '../../src/config';

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
	] as const) {
		it(`a bad ${name} (${value}) stops with a message naming it`, () => {
			assert.throws(() => loadConfig({ [name]: value }), (e: unknown) => e instanceof ConfigError && e.message.includes(name));
		});
	}

	it('parses sizes and durations', () => {
		assert.equal(parseSize('1mb'), 1048576);
		assert.equal(parseSize('10'), 10);
		assert.equal(parseSize('x'), undefined);
		assert.equal(parseDuration('7d'), 604_800_000);
		assert.equal(parseDuration('500ms'), 500);
		assert.equal(parseDuration('1.5s'), 1500);
	});
});
