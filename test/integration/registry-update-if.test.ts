/**
 * The registry's compare-and-set update (`updateEndpointIf`, used to store Asana's handshake
 * secret) against a real redis-server: a write by another client between its read and its swap
 * makes it ask again on the fresh record instead of giving up, and what `change` decides on that
 * record (e.g. a second handshake: decline) is what happens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStores, redisClientOf, type Stores } from '../../src/redis';
import { registryKeys } from '../../src/redis/keys';
import type { EndpointRecord } from '../../src/types';
import { uniquePrefix } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

function record(id: string, name: string): EndpointRecord {
	const now = new Date().toISOString();
	return {
		id,
		name,
		description: '',
		accountId: 'default',
		auth: { type: 'none' },
		secrets: [],
		ipAllowlist: [],
		dedupe: { type: 'none' },
		handshake: { type: 'none' },
		methods: ['POST'],
		enabled: true,
		createdAt: now,
		createdBy: 'test',
		updatedAt: now,
	} as unknown as EndpointRecord;
}

describe('registry updateEndpointIf', () => {
	let redis: RedisServer;
	let stores: Stores;
	let prefix: string;

	before(async () => {
		redis = await startRedis();
		prefix = uniquePrefix();
		stores = createStores({ url: redis.url, name: 'update-if' }, prefix);
		await stores.waitReady(5000);
	});
	after(async () => {
		await stores?.close();
		await redis?.stop();
	});

	it('a concurrent write before the swap: asked again on the fresh record, and applied', async () => {
		assert.ok(await stores.registry.createEndpoint(record('raced', 'first')));
		const seen: string[] = [];
		const result = await stores.registry.updateEndpointIf('raced', (current) => {
			seen.push(current.name);
			// Another writer changes the record after this read (only the first time).
			if (seen.length === 1) {
				void redisClientOf(stores).hset(
					registryKeys(prefix).endpoints,
					'raced',
					JSON.stringify(record('raced', 'edited meanwhile')),
				);
			}
			return { ...current, description: 'changed' };
		});
		assert.deepEqual(
			seen,
			['first', 'edited meanwhile'],
			'change was asked again on the new record',
		);
		assert.equal(result?.name, 'edited meanwhile');
		assert.equal(result?.description, 'changed');
		const stored = JSON.parse(
			(await redisClientOf(stores).hget(registryKeys(prefix).endpoints, 'raced')) as string,
		) as EndpointRecord;
		assert.equal(stored.description, 'changed');
		assert.equal(stored.name, 'edited meanwhile', 'the other write is kept');
	});

	it('a declined change on the fresh record leaves it as the other writer left it', async () => {
		assert.ok(await stores.registry.createEndpoint(record('declined', 'first')));
		let calls = 0;
		const result = await stores.registry.updateEndpointIf('declined', (current) => {
			calls++;
			if (calls === 1) {
				void redisClientOf(stores).hset(
					registryKeys(prefix).endpoints,
					'declined',
					JSON.stringify({ ...record('declined', 'taken'), description: 'first handshake' }),
				);
				return { ...current, description: 'second handshake' };
			}
			return current.description === 'first handshake' ? undefined : current;
		});
		assert.equal(result, undefined);
		assert.equal(calls, 2);
		const stored = JSON.parse(
			(await redisClientOf(stores).hget(registryKeys(prefix).endpoints, 'declined')) as string,
		) as EndpointRecord;
		assert.equal(stored.description, 'first handshake');
	});
});
