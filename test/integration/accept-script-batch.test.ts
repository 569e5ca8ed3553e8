/**
 * The request path's acceptEvent call as the gateway encodes and batches it (src/redis/scriptBatch.ts),
 * against a real redis-server: the bytes stored are the bytes sent (any byte value, multi-byte
 * header text), a batch of concurrent calls gets one answer each in order, a Redis that lost its
 * scripts (SCRIPT FLUSH, a fresh server) is answered by loading the script again without storing
 * anything twice, and a Redis that is gone fails each call with an error the gateway maps to 503.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AcceptStore, type AcceptInput } from '../../src/redis/acceptStore';
import { createRedis, definedScript, waitReady, type ScriptedRedis } from '../../src/redis/client';
import { endpointKeys } from '../../src/redis/keys';
import { encodeEvalsha } from '../../src/redis/scriptBatch';
import { classifyStoreError } from '../../src/redis/storeErrors';
import { decodeEntry, REF, refOf } from '../../src/redis/streamSchema';
import { uniquePrefix } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

function input(endpointId: string, body: Buffer, extra: Partial<AcceptInput> = {}): AcceptInput {
	return {
		endpointId,
		accountId: 'batch',
		dedupeWindowMs: 0,
		rate: null,
		burst: null,
		daily: null,
		capacity: 100_000,
		capacityBytes: 100 * 1024 * 1024,
		method: 'POST',
		path: '/sub/päth',
		query: 'a=1&b=ü',
		sourceIp: '127.0.0.1',
		headers: { 'content-type': 'application/octet-stream', 'x-name': 'Zoë – “quoted”\\n' },
		body,
		...extra,
	};
}

describe('acceptEvent, encoded and batched by the gateway', () => {
	let redis: RedisServer;
	let client: ScriptedRedis;
	let store: AcceptStore;
	let prefix: string;

	before(async () => {
		redis = await startRedis();
		prefix = uniquePrefix();
		client = createRedis({ url: redis.url, name: 'batch-test', commandTimeoutMs: 2000 });
		store = new AcceptStore(client, prefix);
		await waitReady(client, 5000);
	});
	after(async () => {
		client?.disconnect();
		await redis?.stop();
	});

	async function stored(endpointId: string) {
		const stream = endpointKeys(prefix, 'batch', endpointId).stream;
		const entries = (await client.xrangeBuffer(stream, '-', '+')) as [Buffer, Buffer[]][];
		return entries.map(([id, fields]) => decodeEntry(refOf(REF.stream, id.toString()), fields));
	}

	it('encodes RESP exactly: lengths in bytes, numbers as text, a Buffer copied as is', () => {
		const wire = encodeEvalsha('abc', 2, [
			'k1',
			'kk2',
			5,
			'héllo',
			Buffer.from([0, 13, 10, 255]),
			'x',
		]);
		const expected = Buffer.concat([
			Buffer.from('*9\r\n$7\r\nevalsha\r\n$3\r\nabc\r\n$1\r\n2\r\n$2\r\nk1\r\n$3\r\nkk2\r\n'),
			Buffer.from('$1\r\n5\r\n$6\r\nhéllo\r\n$4\r\n'),
			Buffer.from([0, 13, 10, 255]),
			Buffer.from('\r\n$1\r\nx\r\n'),
		]);
		assert.deepEqual(wire, expected);
	});

	it('stores every byte of the body and the head as sent', async () => {
		const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
		const result = await store.accept(input('bytes', body));
		assert.equal(result.kind, 'accepted');
		const [entry] = await stored('bytes');
		assert.ok(entry.body.equals(body), 'body bytes');
		assert.equal(entry.path, '/sub/päth');
		assert.equal(entry.query, 'a=1&b=ü');
		assert.equal(entry.headers['x-name'], 'Zoë – “quoted”\\n');
		assert.equal(result.kind === 'accepted' && result.eventId, entry.eventId);
	});

	it('300 calls in one turn: one answer each, matching its own request, all stored once', async () => {
		const bodies = Array.from({ length: 300 }, (_, i) => Buffer.from(JSON.stringify({ i })));
		const before = await scriptCalls(client);
		const results = await Promise.all(bodies.map((b) => store.accept(input('many', b))));
		// All by sha (the script is loaded by the first test), none sent as text again.
		const calls = await scriptCalls(client);
		assert.equal(calls.evalsha - before.evalsha, 300);
		assert.equal(calls.eval, before.eval);
		assert.ok(results.every((r) => r.kind === 'accepted'));
		const entries = await stored('many');
		assert.equal(entries.length, 300);
		// Answers come back in the order asked: call i's event id is the i-th entry's id, body i.
		entries.forEach((entry, i) => {
			assert.equal(JSON.parse(entry.body.toString()).i, i);
			const r = results[i];
			assert.equal(r.kind === 'accepted' && r.eventId, entry.eventId);
		});
	});

	it('after SCRIPT FLUSH: the script is loaded again, each event stored exactly once', async () => {
		await client.script('FLUSH');
		const results = await Promise.all(
			[1, 2, 3].map((n) => store.accept(input('flushed', Buffer.from(`{"n":${n}}`)))),
		);
		assert.deepEqual(
			results.map((r) => r.kind),
			['accepted', 'accepted', 'accepted'],
		);
		assert.equal((await stored('flushed')).length, 3);
		// Loaded again under the sha the batch names it by, which is ioredis's own for it.
		const { sha } = definedScript('acceptEvent');
		assert.equal(sha, scriptShaOfAccept(client));
		const [loaded] = (await client.script('EXISTS', sha)) as number[];
		assert.equal(loaded, 1);
	});

	it('a duplicate inside one batch is answered duplicate, with the first one’s id', async () => {
		const dedupe = { dedupeValue: 'delivery-1', dedupeWindowMs: 60_000 };
		const [a, b] = await Promise.all([
			store.accept(input('dedupe', Buffer.from('{}'), dedupe)),
			store.accept(input('dedupe', Buffer.from('{}'), dedupe)),
		]);
		assert.equal(a.kind, 'accepted');
		assert.equal(b.kind, 'duplicate');
		assert.equal(a.kind === 'accepted' && a.eventId, b.kind === 'duplicate' && b.eventId);
		assert.equal((await stored('dedupe')).length, 1);
	});

	it('Redis gone: every call of the batch fails with a store error (503), nothing hangs', async () => {
		await redis.kill();
		try {
			const outcomes = await Promise.allSettled(
				[1, 2].map(() => store.accept(input('gone', Buffer.from('{}')))),
			);
			for (const o of outcomes) {
				assert.equal(o.status, 'rejected');
				assert.equal(classifyStoreError((o as PromiseRejectedResult).reason), 'connection');
			}
		} finally {
			await redis.start();
		}
	});
});

/** EVAL and EVALSHA calls Redis has run (INFO commandstats). */
async function scriptCalls(client: ScriptedRedis): Promise<{ eval: number; evalsha: number }> {
	const info = await client.info('commandstats');
	const calls = (name: string) =>
		Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
	return { eval: calls('eval'), evalsha: calls('evalsha') };
}

/** The sha ioredis registered acceptEvent under (defineCommand's script set). */
function scriptShaOfAccept(client: ScriptedRedis): string {
	const scripts = (client as unknown as { scriptsSet: Record<string, { sha: string }> }).scriptsSet;
	return scripts.acceptEvent.sha;
}
