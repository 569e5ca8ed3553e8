/**
 * Endpoint secrets encrypted at rest (docs/security.md, "Redis reader"): with
 * WEBHOOK_GATEWAY_ENCRYPTION_KEY set, a scan of every Redis key and value finds no secret of any
 * auth type in plaintext, signed requests still verify, and `webhook-gateway secrets re-encrypt`
 * moves every record to a new key (plaintext records of a gateway without a key too).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '../../src/auth';
import type { ScriptedRedis } from '../../src/redis';
import { SecretBox } from '../../src/security/secretBox';
import type { EndpointAuth, EndpointRecord } from '../../src/types';
import { REPO_ROOT, startTestGateway, uniquePrefix, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';
import { redisClientOf } from '../../src/redis';

const KEY_1 = `first-encryption-key-${randomBytes(16).toString('hex')}`;
const KEY_2 = `second-encryption-key-${randomBytes(16).toString('hex')}`;

const AUTHS: Record<string, Record<string, unknown>> = {
	'rest-header': { type: 'header', headerName: 'x-api-key' },
	'rest-bearer': { type: 'header' },
	'rest-basic': { type: 'basic', username: 'sender' },
	'rest-github': { type: 'hmac', preset: 'github' },
	'rest-stripe': { type: 'hmac', preset: 'stripe' },
	'rest-shopify': { type: 'hmac', preset: 'shopify' },
	'rest-slack': { type: 'hmac', preset: 'slack' },
	'rest-stdwh': { type: 'hmac', preset: 'standardWebhooks' },
	'rest-generic': {
		type: 'hmac',
		preset: 'generic',
		header: 'x-signature',
		algorithm: 'sha512',
		encoding: 'base64',
	},
};

/** Every key under the prefix with its value read according to its type, as one text. */
async function dumpRedis(redis: ScriptedRedis, prefix: string): Promise<string> {
	const parts: string[] = [];
	let cursor = '0';
	do {
		const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
		cursor = next;
		for (const key of keys) {
			const type = await redis.type(key);
			let value: unknown;
			if (type === 'string') value = await redis.get(key);
			else if (type === 'hash') value = await redis.hgetall(key);
			else if (type === 'stream') value = await redis.xrange(key, '-', '+');
			else if (type === 'list') value = await redis.lrange(key, 0, -1);
			else if (type === 'set') value = await redis.smembers(key);
			else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
			else value = `<${type}>`;
			parts.push(key, JSON.stringify(value));
		}
	} while (cursor !== '0');
	return parts.join('\n');
}

function cli(
	args: string[],
	env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
	const childEnv: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env))
		if (!k.startsWith('WEBHOOK_GATEWAY_')) childEnv[k] = v;
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/run.ts'), ...args],
			{ cwd: REPO_ROOT, env: { ...childEnv, ...env }, timeout: 60_000 },
			(error, stdout, stderr) => {
				resolve({
					code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
					stdout,
					stderr,
				});
			},
		);
	});
}

describe('endpoint secrets at rest', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const prefix = uniquePrefix();
	const secrets: Record<string, string> = {};
	/** The auth of each endpoint as the gateway normalised it (defaults filled in). */
	const auths: Record<string, EndpointAuth> = {};
	const verifyToken = `hub-verify-${randomBytes(12).toString('hex')}`;

	/** A request signed (or carrying the token) exactly as the endpoint's sender would. */
	const send = (g: TestGateway, id: string, secret = secrets[id]) => {
		const body = Buffer.from(
			JSON.stringify({ id: `evt_${randomBytes(6).toString('hex')}`, hello: id }),
		);
		const headers = signRequest(auths[id], secret, body, Date.now());
		return g.request(`/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', ...headers },
		});
	};
	const storedRecords = async (): Promise<EndpointRecord[]> =>
		Object.values(
			await redisClientOf(gw.gateway.stores).hgetall(`${prefix}{registry}:endpoints`),
		).map((v) => JSON.parse(v) as EndpointRecord);

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url }, { keyPrefix: prefix, encryptionKey: KEY_1 });
		await gw.gateway.management.setAccountPlan('acct-rest', 'unlimited');
		for (const [id, auth] of Object.entries(AUTHS)) {
			// Half with a chosen secret, half generated: both must be sealed.
			const given =
				id.length % 2 === 0 ? `chosen-${id}-${randomBytes(12).toString('hex')}` : undefined;
			const created = await gw.gateway.management.createEndpoint(
				{ id, accountId: 'acct-rest', auth, secret: given },
				'test',
			);
			assert.ok(created.secret);
			secrets[id] = created.secret;
			auths[id] = created.endpoint.auth;
		}
		await gw.gateway.management.createEndpoint(
			{
				id: 'rest-hub',
				accountId: 'acct-rest',
				auth: { type: 'none' },
				handshake: { mode: 'hubChallenge', verifyToken },
			},
			'test',
		);
		// A rotation keeps the previous secret as well: both are sealed.
		const rotated = await gw.gateway.management.rotateSecret('rest-github', { graceSeconds: 3600 });
		secrets['rest-github-old'] = secrets['rest-github'];
		assert.ok(rotated.secret, 'a GitHub rotation returns the new secret');
		secrets['rest-github'] = rotated.secret;
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('a scan of every key and value finds no secret of any auth type, nor the verify token, in plaintext', async () => {
		for (const id of Object.keys(AUTHS)) assert.equal((await send(gw, id)).status, 202, id);
		const dump = await dumpRedis(redisClientOf(gw.gateway.stores), prefix);
		assert.ok(
			dump.includes('rest-basic') && dump.includes('wgw-enc:v1:'),
			'the scan sees the registry',
		);
		for (const [id, secret] of Object.entries(secrets))
			assert.ok(!dump.includes(secret), `secret of ${id} in plaintext`);
		assert.ok(!dump.includes(verifyToken), 'verify token in plaintext');
		assert.ok(!dump.includes(KEY_1), 'the key itself');
	});

	it('signed requests verify and wrong ones do not; the old secret works during its grace period', async () => {
		for (const id of Object.keys(AUTHS)) {
			assert.equal((await send(gw, id)).status, 202, id);
			assert.equal(
				(await send(gw, id, `wrong-${secrets[id]}`)).status,
				403,
				`${id} with a wrong secret`,
			);
		}
		assert.equal((await send(gw, 'rest-github', secrets['rest-github-old'])).status, 202);
		const hub = await gw.request(
			`/hooks/rest-hub?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=${verifyToken}`,
		);
		assert.equal(hub.status, 200);
		assert.equal(await hub.text(), 'abc');
	});

	it('a gateway without the key does not use sealed secrets (answers no 2xx)', async () => {
		const keyless = await startTestGateway({ url: redis.url }, { keyPrefix: prefix });
		try {
			assert.notEqual((await send(keyless, 'rest-header')).status, 202);
		} finally {
			await keyless.close();
		}
	});

	it('`secrets re-encrypt` moves every record to a new key, plaintext records of a keyless gateway included', async () => {
		const keyless = await startTestGateway({ url: redis.url }, { keyPrefix: prefix });
		let plainSecret: string;
		try {
			plainSecret =
				(
					await keyless.gateway.management.createEndpoint(
						{ id: 'rest-plain', accountId: 'acct-rest', auth: { type: 'header' } },
						'test',
					)
				).secret ?? '';
		} finally {
			await keyless.close();
		}
		assert.ok(
			(await dumpRedis(redisClientOf(gw.gateway.stores), prefix)).includes(plainSecret),
			'stored in plaintext without a key',
		);

		const env = {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
			WEBHOOK_GATEWAY_ENCRYPTION_KEY: KEY_2,
			WEBHOOK_GATEWAY_PREVIOUS_ENCRYPTION_KEYS: KEY_1,
		};
		const run = await cli(['secrets', 're-encrypt', '--json'], env);
		assert.equal(run.code, 0, run.stderr);
		assert.deepEqual(JSON.parse(run.stdout), {
			resealed: Object.keys(AUTHS).length + 2,
			unchanged: 0,
		});
		const again = await cli(['secrets', 're-encrypt', '--json'], env);
		assert.deepEqual(JSON.parse(again.stdout), {
			resealed: 0,
			unchanged: Object.keys(AUTHS).length + 2,
		});

		const keyIds = new Set(
			(await storedRecords())
				.flatMap((r) => [
					...r.secrets.map((s) => s.value),
					...(r.handshake.verifyToken ? [r.handshake.verifyToken] : []),
				])
				.map((v) => SecretBox.keyIdOf(v)),
		);
		assert.deepEqual(
			[...keyIds],
			[new SecretBox(KEY_2).keyId],
			'every value sealed with the new key',
		);
		const dump = await dumpRedis(redisClientOf(gw.gateway.stores), prefix);
		for (const secret of [...Object.values(secrets), plainSecret, verifyToken])
			assert.ok(!dump.includes(secret));

		// A gateway with only the new key verifies everything; one with only the old key cannot.
		const renewed = await startTestGateway(
			{ url: redis.url },
			{ keyPrefix: prefix, encryptionKey: KEY_2 },
		);
		const stale = await startTestGateway(
			{ url: redis.url },
			{ keyPrefix: prefix, encryptionKey: KEY_1 },
		);
		try {
			for (const id of Object.keys(AUTHS)) assert.equal((await send(renewed, id)).status, 202, id);
			assert.equal(
				(
					await renewed.request('/hooks/rest-plain', {
						method: 'POST',
						body: '{}',
						headers: { 'content-type': 'application/json', authorization: `Bearer ${plainSecret}` },
					})
				).status,
				202,
			);
			assert.notEqual((await send(stale, 'rest-header')).status, 202);
		} finally {
			await Promise.all([renewed.close(), stale.close()]);
		}
	});

	it('without a key, re-encrypt refuses with a message naming the variable', async () => {
		const run = await cli(['secrets', 're-encrypt'], {
			WEBHOOK_GATEWAY_REDIS_URL: redis.url,
			WEBHOOK_GATEWAY_KEY_PREFIX: prefix,
		});
		assert.equal(run.code, 1);
		assert.match(run.stderr, /WEBHOOK_GATEWAY_ENCRYPTION_KEY/);
	});
});
