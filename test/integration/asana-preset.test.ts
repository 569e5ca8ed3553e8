/**
 * The Asana preset over real HTTP against a real gateway and Redis (docs/providers/asana.md).
 *
 * As Asana documents it (developers.asana.com/reference/createwebhook, "Establish a webhook", and
 * developers.asana.com/docs/webhooks-guide, "Security"): when a webhook is created, Asana POSTs to
 * the target with an `X-Hook-Secret` header and expects `200 OK` or `204 No Content` with the same
 * `X-Hook-Secret` header back; every later event carries `X-Hook-Signature`, the hex HMAC-SHA256 of
 * the request body keyed with that secret. The handshake value below is the one of Asana's own
 * example (64 hex digits). The gateway stores that secret sealed like every endpoint secret, and only
 * while the endpoint waits for it, once.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { redisClientOf } from '../../src/redis';
import type { LoggedRequest, RequestPage, ScriptedRedis } from '../../src/redis';
import { startTestGateway, uniquePrefix, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

/** The X-Hook-Secret of Asana's example handshake. */
const ASANA_EXAMPLE_SECRET = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';
const ENCRYPTION_KEY = `asana-test-encryption-key-${randomBytes(16).toString('hex')}`;
const ACCOUNT = 'acct-asana';

const signature = (secret: string, body: string) =>
	createHmac('sha256', secret).update(body).digest('hex');
const eventBody = (n: number) =>
	JSON.stringify({
		events: [
			{
				action: 'changed',
				resource: { gid: String(1200 + n), resource_type: 'task' },
				user: { gid: '42' },
				created_at: new Date().toISOString(),
			},
		],
	});

/** Waits until `check` returns a value (the request log is written off the request path). */
async function until<T>(
	what: string,
	check: () => Promise<T | undefined>,
	timeoutMs = 10_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** Every key under the prefix with its value, as one text (strings, hashes, streams, lists, sets, sorted sets). */
async function dumpRedis(redis: ScriptedRedis, prefix: string): Promise<string> {
	const parts: string[] = [];
	let cursor = '0';
	do {
		const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
		cursor = next;
		for (const key of keys) {
			const type = await redis.type(key);
			let value: unknown = `<${type}>`;
			if (type === 'string') value = await redis.get(key);
			else if (type === 'hash') value = await redis.hgetall(key);
			else if (type === 'stream') value = await redis.xrange(key, '-', '+');
			else if (type === 'list') value = await redis.lrange(key, 0, -1);
			else if (type === 'set') value = await redis.smembers(key);
			else if (type === 'zset') value = await redis.zrange(key, 0, -1);
			parts.push(key, JSON.stringify(value));
		}
	} while (cursor !== '0');
	return parts.join('\n');
}

describe('asana preset over HTTP', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const prefix = uniquePrefix();
	const mgmt = () => gw.gateway.management;
	const handshake = (id: string, secret: string) =>
		gw.request(`/hooks/${id}`, { method: 'POST', headers: { 'x-hook-secret': secret } });
	const event = (id: string, body: string, secret: string) =>
		gw.request(`/hooks/${id}`, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', 'x-hook-signature': signature(secret, body) },
		});
	const create = async (id: string) =>
		(
			await mgmt().createEndpoint(
				{ id, accountId: ACCOUNT, auth: { type: 'hmac', preset: 'asana' } },
				'test',
			)
		).endpoint;
	const logged = (id: string, n: number) =>
		until(`${n} log entries of ${id}`, async () => {
			const res = await gw.admin('GET', `/endpoints/${id}/requests?limit=100`);
			const page = res.body as RequestPage;
			return page.requests.length >= n ? (page.requests as LoggedRequest[]) : undefined;
		});

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway(
			{ url: redis.url },
			{
				keyPrefix: prefix,
				encryptionKey: ENCRYPTION_KEY,
				defaultPlan: 'unlimited',
				requestLogFlushMs: 100,
			},
		);
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('a new endpoint waits for the handshake; it stores the secret and echoes the header; signed events are accepted, wrong ones 403', async () => {
		const created = await create('asana-1');
		assert.equal(created.awaitingHandshakeSecret, true);
		assert.equal(created.secretCount, 0);
		assert.deepEqual(created.dedupe.source, { type: 'none' }, 'Asana events carry no per-event id');
		assert.equal('toleranceSeconds' in created.auth, false, 'Asana signs no timestamp');
		const body = eventBody(1);
		assert.equal(
			(await event('asana-1', body, ASANA_EXAMPLE_SECRET)).status,
			403,
			'no secret before the handshake',
		);

		const res = await handshake('asana-1', ASANA_EXAMPLE_SECRET);
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('x-hook-secret'), ASANA_EXAMPLE_SECRET);
		assert.equal(await res.text(), '');
		const view = await mgmt().getEndpoint('asana-1');
		assert.equal(view.awaitingHandshakeSecret, undefined);
		assert.equal(view.secretCount, 1);
		assert.equal(
			(await mgmt().peekEvents('asana-1', 10)).length,
			0,
			'the handshake is not an event',
		);

		const accepted = await event('asana-1', body, ASANA_EXAMPLE_SECRET);
		assert.equal(accepted.status, 202, await accepted.clone().text());
		const wrong = await event('asana-1', body, 'not-the-asana-secret-0000');
		assert.equal(wrong.status, 403);
		const tampered = await gw.request('/hooks/asana-1', {
			method: 'POST',
			body: body + ' ',
			headers: {
				'content-type': 'application/json',
				'x-hook-signature': signature(ASANA_EXAMPLE_SECRET, body),
			},
		});
		assert.equal(tampered.status, 403);
		const [stored] = await mgmt().peekEvents('asana-1', 1);
		assert.deepEqual(stored.body, JSON.parse(body));
		assert.equal(
			stored.headers['x-hook-signature'],
			undefined,
			'the signature header is not stored',
		);
	});

	it('a second handshake is refused (403, reason in the request log) and does not replace the secret', async () => {
		const stranger = randomBytes(32).toString('hex');
		const res = await handshake('asana-1', stranger);
		assert.equal(res.status, 403);
		assert.equal(res.headers.get('x-hook-secret'), null);
		assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'unauthorized');
		assert.equal(
			(await event('asana-1', eventBody(2), stranger)).status,
			403,
			"the stranger's secret does not sign",
		);
		assert.equal(
			(await event('asana-1', eventBody(3), ASANA_EXAMPLE_SECRET)).status,
			202,
			"Asana's secret still does",
		);
		const entries = await until('the refused handshake in the log', async () =>
			(await logged('asana-1', 1)).find((r) => r.reason === 'handshake_not_awaited'),
		);
		assert.equal(entries.status, 403);
		assert.equal(entries.code, 'unauthorized');
		const malformed = await handshake('asana-1', 'short');
		assert.equal(malformed.status, 403);
	});

	it('of two handshakes at once only one is stored', async () => {
		await create('asana-race');
		const secrets = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
		const answers = await Promise.all(secrets.map((s) => handshake('asana-race', s)));
		assert.deepEqual(answers.map((a) => a.status).sort(), [200, 403]);
		const winner = secrets[answers.findIndex((a) => a.status === 200)];
		const loser = secrets.find((s) => s !== winner) as string;
		assert.equal((await event('asana-race', eventBody(4), winner)).status, 202);
		assert.equal((await event('asana-race', eventBody(5), loser)).status, 403);
	});

	it('rotating the secret re-arms the endpoint for one new handshake; the old secret keeps its grace period', async () => {
		const rotated = await mgmt().rotateSecret('asana-1', { graceSeconds: 3600 });
		assert.equal(rotated.secret, undefined, 'nothing to show: the secret comes from Asana');
		assert.equal(rotated.endpoint.awaitingHandshakeSecret, true);
		const next = randomBytes(32).toString('hex');
		assert.equal((await handshake('asana-1', next)).status, 200);
		assert.equal((await event('asana-1', eventBody(6), next)).status, 202);
		assert.equal(
			(await event('asana-1', eventBody(7), ASANA_EXAMPLE_SECRET)).status,
			202,
			'the old secret during its grace period',
		);
		assert.equal(
			(await handshake('asana-1', randomBytes(32).toString('hex'))).status,
			403,
			'armed once',
		);

		await mgmt().rotateSecret('asana-1', { graceSeconds: 0 });
		assert.equal(
			(await event('asana-1', eventBody(8), next)).status,
			403,
			'grace 0 revokes the old secrets at once',
		);
	});

	it("the endpoint's IP allow-list applies to the handshake too", async () => {
		await mgmt().createEndpoint(
			{
				id: 'asana-ips',
				accountId: ACCOUNT,
				auth: { type: 'hmac', preset: 'asana' },
				ipAllowlist: ['203.0.113.0/24'],
			},
			'test',
		);
		assert.equal((await handshake('asana-ips', randomBytes(32).toString('hex'))).status, 403);
		assert.equal(
			(await mgmt().getEndpoint('asana-ips')).awaitingHandshakeSecret,
			true,
			'still waiting for Asana',
		);
		const entry = await until('the refused handshake in the log', async () =>
			(await logged('asana-ips', 1)).find((r) => r.reason === 'ip_not_allowed'),
		);
		assert.equal(entry.status, 403);
	});

	it('no handshake secret is in Redis in plaintext', async () => {
		const dump = await dumpRedis(redisClientOf(gw.gateway.stores), prefix);
		assert.ok(
			dump.includes('asana-1') && dump.includes('wgw-enc:v1:'),
			'the scan sees the sealed registry',
		);
		assert.ok(!dump.includes(ASANA_EXAMPLE_SECRET), 'the handshake secret in plaintext');
	});
});
