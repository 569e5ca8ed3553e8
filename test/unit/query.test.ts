/** parseQuery: the same rules as form bodies, for GET webhooks' query strings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseQuery } from '../../src/parsing/query';

describe('parseQuery', () => {
	it('returns an empty plain object for an empty query', () => {
		const query = parseQuery('');
		assert.deepEqual(query, {});
		assert.equal(Object.getPrototypeOf(query), Object.prototype);
		assert.deepEqual(parseQuery('?'), {});
		assert.deepEqual(parseQuery('&&'), {});
	});

	it('turns repeated names into arrays in order and keeps empty values', () => {
		assert.deepEqual(parseQuery('id=1&id=2&empty=&flag&id=3'), {
			id: ['1', '2', '3'],
			empty: '',
			flag: '',
		});
	});

	it('decodes + as space and percent-encoding', () => {
		assert.deepEqual(parseQuery('q=hello+world&city=M%C3%BCnchen&plus=a%2Bb&eq=a=b&raw=%zz'), {
			q: 'hello world',
			city: 'München',
			plus: 'a+b',
			eq: 'a=b',
			raw: '%zz',
		});
	});

	it('reads provider handshakes as senders send them', () => {
		assert.deepEqual(
			parseQuery('hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock'),
			{
				'hub.mode': 'subscribe',
				'hub.challenge': '1158201444',
				'hub.verify_token': 'meatyhamhock',
			},
		);
	});

	it('tolerates one leading "?"', () => {
		assert.deepEqual(parseQuery('?a=1'), { a: '1' });
	});

	it('keeps bracketed names literally', () => {
		assert.deepEqual(parseQuery('filter[status]=open&ids[]=1&ids[]=2'), {
			'filter[status]': 'open',
			'ids[]': ['1', '2'],
		});
	});

	it('replaces bytes that are not UTF-8 instead of failing', () => {
		assert.deepEqual(parseQuery('a=%FF'), { a: '\ufffd' });
	});

	it('keeps __proto__, constructor and prototype as own data and never pollutes', () => {
		const search = '__proto__[polluted]=1&__proto__=x&constructor=y&prototype=z&__proto__=w';
		const query = parseQuery(search) as Record<string, unknown>;
		assert.equal(Object.getPrototypeOf(query), Object.prototype);
		assert.deepEqual(Object.getOwnPropertyDescriptor(query, '__proto__')?.value, ['x', 'w']);
		assert.equal(query['__proto__[polluted]'], '1');
		assert.equal(Object.getOwnPropertyDescriptor(query, 'constructor')?.value, 'y');
		assert.equal(query.prototype, 'z');
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
	});

	it('is deterministic', () => {
		const search = 'b=1&a=2&b=3&2=x&__proto__=4';
		assert.deepEqual(parseQuery(search), parseQuery(search));
		assert.equal(JSON.stringify(parseQuery(search)), JSON.stringify(parseQuery(search)));
	});
});
