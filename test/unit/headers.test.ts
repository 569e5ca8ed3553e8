/** storedHeaders and mediaType: what is kept of a request's headers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mediaType, storedHeaders } from '../../src/parsing/headers';

describe('storedHeaders', () => {
	it('drops the credential headers given, in any case, and hop-by-hop headers; keeps host', () => {
		const stored = storedHeaders(
			{
				host: 'hooks.example.com',
				Authorization: 'Bearer secret',
				'x-api-key': 'secret too',
				connection: 'keep-alive',
				'keep-alive': 'timeout=5',
				'proxy-authorization': 'Basic abc',
				te: 'trailers',
				trailer: 'expires',
				'transfer-encoding': 'chunked',
				upgrade: 'websocket',
				'content-type': 'application/json',
				'x-github-event': 'push',
			},
			['authorization', 'X-API-Key'],
		);
		assert.deepEqual(stored, {
			'content-type': 'application/json',
			host: 'hooks.example.com',
			'x-github-event': 'push',
		});
	});

	it('lower-cases names, joins repeated values with ", " and sorts by name', () => {
		const stored = storedHeaders(
			{
				'X-Zeta': 'z',
				'set-cookie': ['a=1', 'b=2'],
				Accept: 'text/html',
				accept: 'application/json',
				'x-empty': '',
				'x-missing': undefined,
			},
			[],
		);
		assert.deepEqual(Object.entries(stored), [
			['accept', 'text/html, application/json'],
			['set-cookie', 'a=1, b=2'],
			['x-empty', ''],
			['x-zeta', 'z'],
		]);
		assert.equal(Object.getPrototypeOf(stored), Object.prototype);
	});

	it('keeps a header named __proto__ as data', () => {
		const raw: Record<string, string> = {};
		Object.defineProperty(raw, '__proto__', { value: 'x', enumerable: true });
		const stored = storedHeaders(raw, []);
		assert.equal(Object.getPrototypeOf(stored), Object.prototype);
		assert.equal(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value, 'x');
	});
});

describe('mediaType', () => {
	it('strips parameters, trims and lower-cases', () => {
		assert.equal(mediaType('Application/JSON; charset=UTF-8'), 'application/json');
		assert.equal(mediaType(' text/plain '), 'text/plain');
		assert.equal(mediaType('multipart/form-data; boundary=abc'), 'multipart/form-data');
	});

	it('is empty when absent', () => {
		assert.equal(mediaType(undefined), '');
		assert.equal(mediaType(''), '');
		assert.equal(mediaType('; charset=utf-8'), '');
	});
});
