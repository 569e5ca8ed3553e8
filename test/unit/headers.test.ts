/** storedHeaders, mediaType and parseContentType: what is kept of a request's headers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mediaType, parseContentType, storedHeaders } from '../../src/parsing/headers';

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

	it('merges lists and strings of one name in arrival order, an empty list as "", never changing its input', () => {
		const cookies = ['a=1', 'b=2'];
		const raw = {
			'X-List': ['1', '2'],
			'x-list': '3',
			'X-LIST': ['4'],
			'x-none': [] as string[],
			'Set-Cookie': cookies,
			'set-cookie': ['c=3'],
		};
		const copy = structuredClone(raw);
		assert.deepEqual(storedHeaders(raw, []), {
			'set-cookie': 'a=1, b=2, c=3',
			'x-list': '1, 2, 3, 4',
			'x-none': '',
		});
		assert.deepEqual(raw, copy);
		assert.deepEqual(cookies, ['a=1', 'b=2']);
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

describe('parseContentType', () => {
	it('reads quoted parameters, with the semicolons and escapes inside them', () => {
		assert.deepEqual(parseContentType('application/json; charset="utf-8"'), {
			type: 'application/json',
			parameters: { charset: 'utf-8' },
		});
		const parts = parseContentType(
			'text/plain; note="a; charset=utf-16le \\"x\\""; charset=latin1',
		);
		assert.equal(parts.parameters.note, 'a; charset=utf-16le "x"');
		assert.equal(parts.parameters.charset, 'latin1');
	});

	it('lower-cases the type and parameter names, keeps values as sent', () => {
		assert.deepEqual(parseContentType('Text/Plain; CharSet=ISO-8859-1'), {
			type: 'text/plain',
			parameters: { charset: 'ISO-8859-1' },
		});
	});

	it('is empty when absent', () => {
		assert.deepEqual(parseContentType(undefined), { type: '', parameters: {} });
		assert.deepEqual(parseContentType(''), { type: '', parameters: {} });
	});

	it('still reads malformed values the way a split on ";" did', () => {
		// Each of these was accepted before; the type and the well-formed parameters stay readable.
		assert.deepEqual(parseContentType('text/plain; foo; charset=latin1'), {
			type: 'text/plain',
			parameters: { charset: 'latin1' },
		});
		assert.equal(parseContentType('application/json;').type, 'application/json');
		assert.equal(parseContentType('json').type, 'json');
		assert.deepEqual(parseContentType('text/plain; charset="utf-8').parameters, {});
		assert.equal(parseContentType('text/plain ;; charset = latin1 ').parameters.charset, 'latin1');
	});
});
