/**
 * Management service edge cases reached by untyped callers (node parameters, the admin API), and
 * a failed listen that must not leave Redis connections behind (the embedded gateway in n8n).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../src/errors';
import { ManagementService } from '../../src/management/service';
import { createStores, redisClientOf, type Stores } from '../../src/redis';
import { REPO_ROOT, startTestGateway, uniquePrefix } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

describe('management edge cases', () => {
	let redis: RedisServer;
	let stores: Stores;
	let m: ManagementService;

	before(async () => {
		redis = await startRedis();
		stores = createStores({ url: redis.url, offlineQueue: true }, uniquePrefix());
		m = new ManagementService(stores, {
			publicUrl: 'http://gw.example',
			defaultPlan: 'forever-free',
			defaultBufferCapacity: 100,
		});
	});
	after(async () => {
		await stores?.close();
		await redis?.stop();
	});

	it('"false" from an untyped caller disables; other values are refused', async () => {
		const { endpoint } = await m.createEndpoint(
			{ auth: { type: 'none' }, id: 'ep-bool', enabled: 'false' as unknown as boolean },
			't',
		);
		assert.equal(endpoint.enabled, false);
		assert.equal(
			(await m.updateEndpoint('ep-bool', { enabled: 'true' as unknown as boolean })).endpoint
				.enabled,
			true,
		);
		await assert.rejects(
			m.updateEndpoint('ep-bool', { enabled: 'yes' as unknown as boolean }),
			ValidationError,
		);
	});

	it('dead-letter ids are validated before they reach Redis; counts are whole numbers', async () => {
		await m.createEndpoint({ auth: { type: 'none' }, id: 'ep-dl' }, 't');
		await assert.rejects(m.deleteDeadLetters('ep-dl', ['bogus']), /not a dead-letter id/);
		await assert.rejects(m.replayDeadLetters('ep-dl', ['1-x']), /not a dead-letter id/);
		assert.deepEqual(await m.listDeadLetters('ep-dl', 2.5), []);
		assert.deepEqual(await m.peekEvents('ep-dl', 2.5), []);
	});

	it('endpoint URLs use the public base URL; new accounts get the default plan', async () => {
		const { endpoint } = await m.createEndpoint(
			{ auth: { type: 'none' }, id: 'ep-url', accountId: 'new-acct' },
			't',
		);
		assert.equal(endpoint.url, 'http://gw.example/hooks/ep-url');
		assert.equal((await m.getAccount('new-acct')).plan.id, 'forever-free');
	});

	it('a gateway whose port is taken fails to start and leaves nothing running', async () => {
		const gw = await startTestGateway({ url: redis.url });
		try {
			const script = `
				const { startGateway } = require('./src/gateway/server');
				const { loadConfig } = require('./src/config');
				const { silentLogger } = require('./src/logger');
				const config = { ...loadConfig({ WEBHOOK_GATEWAY_REDIS_URL: '${redis.url}' }), host: '127.0.0.1', port: ${gw.port} };
				startGateway(config, { logger: silentLogger }).then(
					() => { console.log('started'); },
					(e) => { console.log('failed:' + e.code); },
				);`;
			const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
				cwd: REPO_ROOT,
				encoding: 'utf8',
				timeout: 20_000,
			});
			assert.match(run.stdout, /failed:EADDRINUSE/);
			assert.equal(
				run.signal,
				null,
				'the process exited by itself (no open Redis connection or timer kept it alive)',
			);
			assert.equal(run.status, 0);
		} finally {
			await gw.close();
		}
	});
});

describe('dead-letter replay by id', () => {
	let redis: RedisServer;
	let stores: Stores;
	let m: ManagementService;
	const ref = { id: 'ep-replay', accountId: 'acct' };

	before(async () => {
		redis = await startRedis();
		stores = createStores({ url: redis.url, offlineQueue: true }, uniquePrefix());
		m = new ManagementService(stores, {
			publicUrl: 'http://gw',
			defaultPlan: 'unlimited',
			defaultBufferCapacity: 100,
		});
		await m.createEndpoint({ auth: { type: 'none' }, id: ref.id, accountId: ref.accountId }, 't');
	});
	after(async () => {
		await stores?.close();
		await redis?.stop();
	});

	it('replays each named letter once, even when named twice or beside an unknown id', async () => {
		await stores.buffer.subscribe(ref, 'sub', 'new');
		await redisClientOf(stores).xadd(
			`${stores.prefix}{a:acct}:stream:${ref.id}`,
			'*',
			'm',
			'POST',
			'p',
			'',
			'q',
			'',
			'h',
			'{}',
			'ip',
			'127.0.0.1',
			'b',
			'{}',
		);
		const [entry] = await stores.buffer.read(ref, 'sub', 10);
		assert.deepEqual(await stores.buffer.nack(ref, 'sub', [entry.ref], 1, 'boom'), [entry.ref]);
		const [letter] = await m.listDeadLetters(ref.id);
		const result = await m.replayDeadLetters(ref.id, [letter.id, letter.id, '1-0']);
		assert.deepEqual(result, { replayed: [letter.id], skipped: ['1-0'] });
		const again = await stores.buffer.read(ref, 'sub', 10);
		assert.equal(again.length, 1, 'delivered once');
		assert.equal(again[0].eventId, entry.eventId);
	});
});
