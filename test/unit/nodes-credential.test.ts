/**
 * The credential's values → gateway settings, and the credential test's plain-words diagnosis
 * (against local sockets that refuse, stall or reset; the real-Redis cases run in the e2e tests).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { testGatewayConnection } from '../../nodes/shared/credentialTest';
import {
	configFromCredential,
	legacyServeWarning,
	redisTarget,
	servesEndpoints,
	settingsFromCredential,
	warnLegacyServeFields,
} from '../../nodes/shared/credentials';
import { describeRedisFailure } from '../../nodes/shared/errors';
import { freePort } from '../harness/ports';

describe('credential values', () => {
	it('host/port fields become a redis URL', () => {
		const config = configFromCredential(
			{
				connectionType: 'fields',
				host: 'redis.local',
				port: 6380,
				password: 'p@ss',
				database: 2,
				keyPrefix: 'x:',
			},
			{},
		);
		assert.equal(config.redisUrl, 'redis://:p%40ss@redis.local:6380/2');
		assert.equal(config.keyPrefix, 'x:');
		assert.equal(redisTarget(config), 'redis.local:6380');
	});

	it('the public base URL, else the listen address from the environment, decides the endpoint URLs', () => {
		const env = {
			WEBHOOK_GATEWAY_N8N_SERVE: 'true',
			WEBHOOK_GATEWAY_N8N_HOST: '127.0.0.1',
			WEBHOOK_GATEWAY_N8N_PORT: '7000',
		};
		const config = configFromCredential(
			{ connectionType: 'url', redisUrl: 'rediss://h:1', publicUrl: 'https://hooks.example.com/' },
			env,
		);
		assert.equal(config.publicUrl, 'https://hooks.example.com');
		assert.equal(config.port, 7000);
		assert.equal(config.host, '127.0.0.1');
		assert.equal(
			configFromCredential(
				{ connectionType: 'url', redisUrl: 'redis://h:1' },
				{ WEBHOOK_GATEWAY_N8N_PORT: '7001' },
			).publicUrl,
			'http://127.0.0.1:7001',
		);
	});

	it("an old credential's serve, listen host and listen port are ignored: the environment decides", () => {
		const legacy = {
			connectionType: 'url',
			redisUrl: 'redis://h:1',
			serve: true,
			serveHost: '0.0.0.0',
			servePort: 7100,
		};
		const config = configFromCredential(legacy, {});
		assert.equal(config.host, '127.0.0.1', "loopback by default, not the credential's 0.0.0.0");
		assert.equal(config.port, 5680, "the default port, not the credential's");
		assert.equal(servesEndpoints({}), false, 'no port without WEBHOOK_GATEWAY_N8N_SERVE');
		assert.equal(servesEndpoints({ WEBHOOK_GATEWAY_N8N_SERVE: 'true' }), true);
		assert.equal('serve' in settingsFromCredential(legacy), false);
	});

	it('an old credential whose serve values differ from the environment gets a warning naming the variables, once per process', () => {
		const legacy = { serve: true, serveHost: '0.0.0.0', servePort: 7100 };
		const warning = legacyServeWarning(legacy, {});
		assert.match(warning ?? '', /ignored: this n8n opens no port for them/);
		assert.match(
			warning ?? '',
			/WEBHOOK_GATEWAY_N8N_SERVE=true, WEBHOOK_GATEWAY_N8N_HOST=0\.0\.0\.0, WEBHOOK_GATEWAY_N8N_PORT=7100/,
		);
		const agreeing = {
			WEBHOOK_GATEWAY_N8N_SERVE: 'true',
			WEBHOOK_GATEWAY_N8N_HOST: '0.0.0.0',
			WEBHOOK_GATEWAY_N8N_PORT: '7100',
		};
		assert.equal(
			legacyServeWarning(legacy, agreeing),
			undefined,
			'nothing to say when the environment does what the credential asked',
		);
		assert.equal(
			legacyServeWarning({ serve: false }, {}),
			undefined,
			'serve off and no port: the same',
		);
		assert.match(
			legacyServeWarning({ serve: false }, { WEBHOOK_GATEWAY_N8N_SERVE: 'true' }) ?? '',
			/unset WEBHOOK_GATEWAY_N8N_SERVE/,
		);
		assert.equal(
			legacyServeWarning({ connectionType: 'url' }, {}),
			undefined,
			'a new credential has no such fields',
		);
		assert.equal(
			legacyServeWarning({ serve: '', serveHost: '', servePort: '' }, {}),
			undefined,
			'... or their hidden defaults',
		);
		const lines: string[] = [];
		const logger = {
			debug() {},
			info() {},
			error() {},
			warn: (message: string) => lines.push(message),
		};
		const once = { serve: true, servePort: 7101 };
		warnLegacyServeFields(once, logger, {});
		warnLegacyServeFields(once, logger, {});
		assert.equal(lines.length, 1, 'one warning however many triggers use the credential');
	});

	it('says which field is wrong', () => {
		assert.throws(
			() => configFromCredential({ connectionType: 'url', redisUrl: 'http://x' }, {}),
			/Redis URL must start with redis:\/\//,
		);
		assert.throws(() => settingsFromCredential({ keyPrefix: '{x}' }), /Key Prefix/);
		assert.throws(
			() => settingsFromCredential({ port: 70000 }),
			/Port must be a whole number from 1 to 65535/,
		);
		assert.throws(
			() => settingsFromCredential({ publicUrl: 'hooks.example.com' }),
			/Public Base URL must start with http/,
		);
		assert.throws(() => settingsFromCredential({ clusterNodes: 'a:1, b' }), /Cluster Seed Nodes/);
	});
});

describe('credential test diagnosis', () => {
	const servers: net.Server[] = [];
	after(() => servers.forEach((s) => s.close()));

	it('classifies Redis errors in plain words', () => {
		const t = '10.0.0.1:6379';
		assert.match(
			describeRedisFailure(
				Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6379'), { code: 'ECONNREFUSED' }),
				t,
				5,
			),
			/^Connection refused at 10\.0\.0\.1:6379/,
		);
		assert.match(
			describeRedisFailure(
				new Error('WRONGPASS invalid username-password pair or user is disabled.'),
				t,
				5,
			),
			/^Authentication failed .*WRONGPASS/,
		);
		assert.match(
			describeRedisFailure(new Error('NOAUTH Authentication required.'), t, 5),
			/^Authentication failed .*NOAUTH/,
		);
		assert.match(
			describeRedisFailure(new Error('timed out after 5000 ms'), t, 5),
			/^Timed out after 5 s/,
		);
		assert.match(
			describeRedisFailure(
				Object.assign(new Error('self-signed certificate'), {
					code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
				}),
				t,
				5,
			),
			/^TLS error/,
		);
		assert.match(
			describeRedisFailure(
				Object.assign(new Error('getaddrinfo ENOTFOUND nohost'), { code: 'ENOTFOUND' }),
				t,
				5,
			),
			/^Host not found/,
		);
	});

	it('connection refused', async () => {
		const port = await freePort();
		const result = await testGatewayConnection(
			configFromCredential({ host: '127.0.0.1', port }, {}),
			2000,
		);
		assert.equal(result.status, 'Error');
		assert.match(result.message, new RegExp(`^Connection refused at 127\\.0\\.0\\.1:${port}`));
	});

	it('a server that never answers times out within the limit', async () => {
		const server = net.createServer(() => undefined); // accepts, says nothing
		servers.push(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		const t0 = Date.now();
		const result = await testGatewayConnection(
			configFromCredential({ host: '127.0.0.1', port }, {}),
			1000,
		);
		assert.ok(Date.now() - t0 < 2500, `answered within the limit (${Date.now() - t0} ms)`);
		assert.equal(result.status, 'Error');
		assert.match(result.message, /^Timed out after 1 s connecting to Redis at 127\.0\.0\.1:\d+/);
	});

	it('TLS to a server that does not speak TLS is a TLS (or reset) problem, not a hang', async () => {
		const server = net.createServer((socket) =>
			socket.once('data', () => socket.end('-ERR not tls\r\n')),
		);
		servers.push(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const port = (server.address() as net.AddressInfo).port;
		const result = await testGatewayConnection(
			configFromCredential({ host: '127.0.0.1', port, tls: true }, {}),
			2000,
		);
		assert.equal(result.status, 'Error');
		assert.match(result.message, /TLS|closed by the other side|Timed out/);
	});
});
