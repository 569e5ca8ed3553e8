/** endpointKeys: built once per prefix, account and endpoint, shared frozen, bounded, always right. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { endpointKeys } from '../../src/redis/keys';

describe('endpointKeys', () => {
	it('names every key of one endpoint under its account tag', () => {
		const keys = endpointKeys('wgw:', 'acme', 'orders');
		assert.equal(keys.stream, 'wgw:{a:acme}:stream:orders');
		assert.equal(keys.limiter, 'wgw:{a:acme}:limiter');
		assert.equal(keys.endpointLimiter, 'wgw:{a:acme}:limiter:orders');
		assert.equal(keys.dedupePrefix, 'wgw:{a:acme}:dedupe:orders:');
		for (const key of Object.values(keys)) assert.ok(key.startsWith('wgw:{a:acme}:'), key);
	});

	it('the same frozen object for the same arguments; another for any other argument', () => {
		const a = endpointKeys('p1:', 'acct', 'ep');
		assert.equal(endpointKeys('p1:', 'acct', 'ep'), a);
		assert.ok(Object.isFrozen(a));
		assert.equal(Reflect.set(a, 'stream', 'changed'), false, 'a shared object nobody can change');
		assert.equal(a.stream, 'p1:{a:acct}:stream:ep');
		assert.notEqual(endpointKeys('p2:', 'acct', 'ep'), a);
		assert.equal(endpointKeys('p2:', 'acct', 'ep').stream, 'p2:{a:acct}:stream:ep');
		assert.equal(endpointKeys('p1:', 'acct2', 'ep').stream, 'p1:{a:acct2}:stream:ep');
		assert.equal(endpointKeys('p1:', 'acct', 'ep2').stream, 'p1:{a:acct}:stream:ep2');
	});

	it('past its bound (10,000 endpoints) it starts again and stays right', () => {
		for (let i = 0; i < 25_000; i++) {
			const keys = endpointKeys('bound:', `a${i % 7}`, `ep-${i}`);
			assert.equal(keys.bytes, `bound:{a:a${i % 7}}:bytes:ep-${i}`);
		}
		const again = endpointKeys('bound:', 'a3', 'ep-3');
		assert.equal(again, endpointKeys('bound:', 'a3', 'ep-3'));
		assert.equal(again.stream, 'bound:{a:a3}:stream:ep-3');
	});
});
