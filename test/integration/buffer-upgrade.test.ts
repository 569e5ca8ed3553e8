/**
 * Events buffered by the version before the one-field stream entry (fields m, p, q, h, ip, b) stay
 * readable, deliverable, dead-letterable and replayable after an upgrade, beside new entries, and
 * the stored-bytes counter stays exact across both formats. Real Redis, real HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisClientOf } from '../../src/redis';
import { endpointKeys } from '../../src/redis/keys';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

const ACCOUNT = 'acct-upgrade';

describe('buffer upgrade: entries of the previous layout (standalone Redis)', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const buffer = () => gw.gateway.stores.buffer;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan(ACCOUNT, 'unlimited');
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	it('an old entry written with raw XADD is delivered with every field, then dead-lettered, replayed and acknowledged; the byte counter ends at 0', async () => {
		const ref = { id: 'upgraded', accountId: ACCOUNT };
		await gw.gateway.management.createEndpoint(
			{ id: ref.id, accountId: ACCOUNT, auth: { type: 'none' } },
			'test',
		);
		await buffer().subscribe(ref, 'wf:up', 'new');
		const keys = endpointKeys(gw.gateway.stores.prefix, ACCOUNT, ref.id);
		// Exactly what acceptEvent of the previous version wrote, and how it counted the stored size.
		const old = [
			'm',
			'PUT',
			'p',
			'sub/path',
			'q',
			'a=1',
			'h',
			'{"content-type":"application/json","x-old":"yes"}',
			'ip',
			'198.51.100.4',
			'b',
			'{"old":true}',
		];
		const oldId = (await redisClientOf(gw.gateway.stores).xadd(keys.stream, '*', ...old)) as string;
		await redisClientOf(gw.gateway.stores).incrby(
			keys.bytes,
			old.filter((_, i) => i % 2 === 1).reduce((n, v) => n + Buffer.byteLength(v), 0),
		);
		const res = await gw.request(`/hooks/${ref.id}/new?b=2`, {
			method: 'POST',
			body: '{"new":true}',
			headers: { 'content-type': 'application/json', 'x-new': 'yes' },
		});
		assert.equal(res.status, 202);

		const [first, second] = await buffer().read(ref, 'wf:up', 10);
		assert.deepEqual(
			{
				ref: first.ref,
				eventId: first.eventId,
				method: first.method,
				path: first.path,
				query: first.query,
				ip: first.sourceIp,
				headers: first.headers,
				body: first.body.toString(),
			},
			{
				ref: `s:${oldId}`,
				eventId: oldId,
				method: 'PUT',
				path: 'sub/path',
				query: 'a=1',
				ip: '198.51.100.4',
				headers: { 'content-type': 'application/json', 'x-old': 'yes' },
				body: '{"old":true}',
			},
		);
		assert.deepEqual(
			[
				second.method,
				second.path,
				second.query,
				second.headers['x-new'],
				second.headers['content-length'],
				second.body.toString(),
			],
			['POST', '/new', 'b=2', 'yes', '12', '{"new":true}'],
		);

		assert.deepEqual(
			await buffer().nack(ref, 'wf:up', [first.ref], 1, 'boom'),
			[first.ref],
			'the old entry becomes a dead letter',
		);
		const [letter] = await buffer().deadLetters(ref);
		assert.deepEqual(
			[
				letter.entry.eventId,
				letter.entry.method,
				letter.entry.headers['x-old'],
				letter.entry.body.toString(),
			],
			[oldId, 'PUT', 'yes', '{"old":true}'],
		);
		assert.deepEqual((await buffer().replay(ref, [letter.id])).replayed, [letter.id]);
		await buffer().ack(ref, 'wf:up', [second.ref]);
		const [again] = await buffer().read(ref, 'wf:up', 10);
		assert.deepEqual(
			[
				again.ref.slice(0, 2),
				again.eventId,
				again.method,
				again.path,
				again.headers,
				again.body.toString(),
			],
			['r:', oldId, 'PUT', 'sub/path', first.headers, '{"old":true}'],
		);
		assert.equal((await buffer().ack(ref, 'wf:up', [again.ref])).acked, 1);
		assert.equal((await buffer().depth(ref)).length, 0);
		assert.equal(
			await buffer().storedBytes(ref),
			0,
			'both formats are subtracted exactly as they were counted',
		);
	});
});
