import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	checkDefaultPlan,
	ConfigError,
	loadConfig,
	loadN8nServeConfig,
	parseDuration,
	parseSize,
} from '../../src/config';

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
			assert.throws(
				() => loadConfig({ [name]: value }),
				(e: unknown) => e instanceof ConfigError && e.message.includes(name),
			);
		});
	}

	it('accepts trust-proxy lists, named ranges, 32-character tokens and 0 for the optional durations', () => {
		assert.equal(
			loadConfig({ WEBHOOK_GATEWAY_TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy,
			'loopback, 10.0.0.0/8, fd00::/8',
		);
		assert.equal(loadConfig({ WEBHOOK_GATEWAY_ADMIN_TOKEN: 'x'.repeat(32) }).adminToken.length, 32);
		assert.equal(
			loadConfig({ WEBHOOK_GATEWAY_EVENT_RETENTION: '0', WEBHOOK_GATEWAY_REGISTRY_CACHE: '0' })
				.eventRetentionMs,
			0,
		);
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
		await assert.rejects(
			checkDefaultPlan('no-such-plan', async () => false),
			(e: unknown) => e instanceof ConfigError && /WEBHOOK_GATEWAY_DEFAULT_PLAN/.test(e.message),
		);
	});

	it('parses sizes and durations', () => {
		assert.equal(parseSize('1mb'), 1048576);
		assert.equal(parseSize('10'), 10);
		assert.equal(parseSize('x'), undefined);
		assert.equal(parseDuration('7d'), 604_800_000);
		assert.equal(parseDuration('500ms'), 500);
		assert.equal(parseDuration('1.5s'), 1500);
	});

	it('reads sizes the bytes way, keeping the short units accepted before (1k is not 1 byte)', () => {
		assert.equal(parseSize('512kb'), 512 * 1024);
		assert.equal(parseSize('1MB'), 1024 ** 2);
		assert.equal(parseSize(' 2 gb '), 2 * 1024 ** 3);
		assert.equal(parseSize('1tb'), 1024 ** 4);
		assert.equal(parseSize('1k'), 1024);
		assert.equal(parseSize('1MiB'), 1024 ** 2);
		assert.equal(parseSize('1.5mb'), 1.5 * 1024 ** 2);
		for (const bad of ['1e3', '0x10', '-1', '1 lots', ''])
			assert.equal(parseSize(bad), undefined, bad);
	});

	it('reads durations the ms way; a plain number stays milliseconds', () => {
		assert.equal(parseDuration('10s'), 10_000);
		assert.equal(parseDuration('36d'), 36 * 86_400_000);
		assert.equal(parseDuration('2 hours'), 7_200_000);
		assert.equal(parseDuration(' 30m '), 1_800_000);
		assert.equal(parseDuration('2000'), 2000);
		assert.equal(parseDuration('1.5ms'), 1);
		for (const bad of ['-1s', '1e3', 'soon', '']) assert.equal(parseDuration(bad), undefined, bad);
	});

	it('takes sizes and durations in variables with units or as plain numbers in their old unit', () => {
		const c = loadConfig({
			WEBHOOK_GATEWAY_MAX_BODY: '2097152',
			WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '512mb',
			WEBHOOK_GATEWAY_SUBSCRIBER_RETENTION: '36d',
			WEBHOOK_GATEWAY_REDIS_TIMEOUT: '3000',
			WEBHOOK_GATEWAY_REGISTRY_CACHE: '10s',
		});
		assert.equal(c.maxBodyBytes, 2 * 1024 ** 2);
		assert.equal(c.bufferMaxBytes, 512 * 1024 ** 2);
		assert.equal(c.subscriberRetentionMs, 36 * 86_400_000);
		assert.equal(c.redisCommandTimeoutMs, 3000);
		assert.equal(c.registryCacheMs, 10_000);
	});

	it('a bad size or duration names the variable and shows accepted forms', () => {
		assert.throws(
			() => loadConfig({ WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: '1k0' }),
			(e: unknown) =>
				e instanceof ConfigError &&
				/WEBHOOK_GATEWAY_BUFFER_MAX_BYTES: expected a size such as 1048576, 512kb or 1mb, got '1k0'/.test(
					e.message,
				),
		);
		assert.throws(
			() => loadConfig({ WEBHOOK_GATEWAY_REQUEST_LOG_RETENTION: 'a week' }),
			(e: unknown) =>
				e instanceof ConfigError &&
				/WEBHOOK_GATEWAY_REQUEST_LOG_RETENTION: expected a duration such as 7d, 24h, 30m, 10s or 500ms/.test(
					e.message,
				),
		);
	});
});

describe("serving from n8n's process (the n8n admin's environment)", () => {
	it('is off by default, on loopback port 5680 when switched on', () => {
		assert.deepEqual(loadN8nServeConfig({}), { serve: false, host: '127.0.0.1', port: 5680 });
		assert.deepEqual(loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_SERVE: 'true' }), {
			serve: true,
			host: '127.0.0.1',
			port: 5680,
		});
		assert.deepEqual(
			loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_SERVE: ' ', WEBHOOK_GATEWAY_N8N_PORT: '' }),
			{ serve: false, host: '127.0.0.1', port: 5680 },
			'empty counts as unset',
		);
	});

	it("reads host and port; the standalone gateway's variables do not apply", () => {
		const env = {
			WEBHOOK_GATEWAY_N8N_SERVE: 'true',
			WEBHOOK_GATEWAY_N8N_HOST: '0.0.0.0',
			WEBHOOK_GATEWAY_N8N_PORT: '5690',
			WEBHOOK_GATEWAY_HOST: '10.0.0.1',
			WEBHOOK_GATEWAY_PORT: '9000',
		};
		assert.deepEqual(loadN8nServeConfig(env), { serve: true, host: '0.0.0.0', port: 5690 });
	});

	it('names the variable and what was expected', () => {
		assert.throws(
			() => loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_SERVE: 'yes' }),
			(e: Error) =>
				e instanceof ConfigError &&
				/WEBHOOK_GATEWAY_N8N_SERVE: expected true or false/.test(e.message),
		);
		assert.throws(
			() => loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_PORT: '70000' }),
			/WEBHOOK_GATEWAY_N8N_PORT: expected a number from 1 to 65535/,
		);
		assert.throws(
			() => loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_PORT: 'http' }),
			/WEBHOOK_GATEWAY_N8N_PORT: expected a whole number/,
		);
	});

	it("refuses n8n's own port and its task broker's when serving", () => {
		assert.throws(
			() =>
				loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_SERVE: 'true', WEBHOOK_GATEWAY_N8N_PORT: '5678' }),
			/WEBHOOK_GATEWAY_N8N_PORT: 5678 is n8n's own port \(N8N_PORT\)/,
		);
		assert.throws(
			() =>
				loadN8nServeConfig({
					WEBHOOK_GATEWAY_N8N_SERVE: 'true',
					WEBHOOK_GATEWAY_N8N_PORT: '6000',
					N8N_PORT: '6000',
				}),
			/N8N_PORT/,
		);
		assert.throws(
			() =>
				loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_SERVE: 'true', WEBHOOK_GATEWAY_N8N_PORT: '5679' }),
			/task broker \(N8N_RUNNERS_BROKER_PORT\)/,
		);
		assert.equal(
			loadN8nServeConfig({ WEBHOOK_GATEWAY_N8N_PORT: '5678' }).port,
			5678,
			'not serving: nothing listens, nothing to refuse',
		);
	});
});
