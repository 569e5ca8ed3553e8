/** parseBody: each content-type family, charsets, failures, prototype safety and determinism. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
	MAX_JSON_DEPTH,
	parseBody,
	type MultipartBody,
	type ParsedBody,
} from '../../src/parsing/body';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

async function parsed(contentType: string | undefined, raw: Buffer): Promise<unknown> {
	const result = await parseBody(contentType, raw);
	assert.ok(result.ok, `expected ok, got ${JSON.stringify(result)}`);
	return result.body;
}

async function rejected(contentType: string | undefined, raw: Buffer): Promise<string> {
	const result = await parseBody(contentType, raw);
	assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
	return (result as Extract<ParsedBody, { ok: false }>).message;
}

/** A multipart/form-data body built by hand, as a client would send it. */
function multipart(
	boundary: string,
	parts: Array<{ headers: string[]; content: Buffer | string }>,
): Buffer {
	const chunks: Buffer[] = [];
	for (const part of parts) {
		chunks.push(utf8(`--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n`));
		chunks.push(typeof part.content === 'string' ? utf8(part.content) : part.content);
		chunks.push(utf8('\r\n'));
	}
	chunks.push(utf8(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

describe('parseBody: empty body', () => {
	it('is null whatever the content type', async () => {
		for (const type of [
			'application/json',
			'multipart/form-data',
			'text/plain',
			'image/png',
			undefined,
		]) {
			assert.equal(await parsed(type, Buffer.alloc(0)), null);
		}
	});
});

describe('parseBody: JSON', () => {
	it('parses application/json, whatever the case and parameters', async () => {
		assert.deepEqual(await parsed('application/json', utf8('{"a":1,"b":[true,null]}')), {
			a: 1,
			b: [true, null],
		});
		assert.deepEqual(await parsed('Application/JSON; charset=UTF-8', utf8('[1,"x"]')), [1, 'x']);
		assert.equal(await parsed('application/json', utf8('"just a string"')), 'just a string');
	});

	it('parses text/json and application/*+json', async () => {
		assert.deepEqual(await parsed('text/json', utf8('{"a":1}')), { a: 1 });
		assert.deepEqual(await parsed('application/vnd.api+json', utf8('{"data":[]}')), { data: [] });
		assert.deepEqual(
			await parsed('application/cloudevents+json; charset=utf-8', utf8('{"specversion":"1.0"}')),
			{
				specversion: '1.0',
			},
		);
	});

	it('ignores a leading UTF-8 BOM', async () => {
		const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"ok":true}')]);
		assert.deepEqual(await parsed('application/json', raw), { ok: true });
	});

	it('rejects invalid JSON with a short message that does not echo a long body', async () => {
		const message = await rejected('application/json', utf8('{"a": 1, "b": }'));
		assert.match(message, /^body is not valid JSON: /);

		const long = utf8(`{"a": "${'x'.repeat(5000)}" ,,}`);
		const longMessage = await rejected('application/json', long);
		assert.match(longMessage, /^body is not valid JSON: /);
		assert.ok(longMessage.length <= 200, `message is ${longMessage.length} characters`);
	});

	it('rejects JSON that is not valid UTF-8', async () => {
		const raw = Buffer.concat([utf8('{"a":"'), Buffer.from([0xc3, 0x28]), utf8('"}')]);
		assert.equal(await rejected('application/json', raw), 'body is not valid UTF-8');
	});

	it('decodes a declared charset node knows (latin1, UTF-16LE)', async () => {
		assert.deepEqual(
			await parsed('application/json; charset=ISO-8859-1', Buffer.from('{"a":"café"}', 'latin1')),
			{
				a: 'café',
			},
		);
		const quoted = await parsed(
			'application/json; charset="latin1"',
			Buffer.from('{"a":"é"}', 'latin1'),
		);
		assert.deepEqual(quoted, { a: 'é' });
		assert.deepEqual(
			await parsed('application/json; charset=utf-16le', Buffer.from('\ufeff{"a":"ü"}', 'utf16le')),
			{
				a: 'ü',
			},
		);
	});

	it('reads a quoted parameter holding a semicolon (a split on ";" took its tail for the charset)', async () => {
		const type = 'application/json; profile="urn:x; charset=utf-16le"; charset=latin1';
		assert.deepEqual(await parsed(type, Buffer.from('{"a":"é"}', 'latin1')), { a: 'é' });
		// An unclosed quote is no charset at all (UTF-8), not the label `"utf-8` (415 before).
		assert.deepEqual(await parsed('application/json; charset="utf-8', utf8('{"a":1}')), { a: 1 });
	});

	it('still accepts malformed parameters it accepted before', async () => {
		assert.deepEqual(
			await parsed('application/json; foo; charset=latin1', Buffer.from('{"a":"é"}', 'latin1')),
			{ a: 'é' },
		);
		assert.deepEqual(await parsed('application/json;', utf8('{"a":1}')), { a: 1 });
	});

	it('rejects a charset node does not know', async () => {
		assert.equal(
			await rejected('application/json; charset=x-klingon', utf8('{}')),
			'unsupported charset x-klingon',
		);
		assert.equal(
			await rejected('text/plain; charset=x-klingon', utf8('hi')),
			'unsupported charset x-klingon',
		);
	});

	it('keeps __proto__ as data and never pollutes', async () => {
		const raw = utf8('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}}}');
		const body = (await parsed('application/json', raw)) as Record<string, unknown>;
		assert.equal(Object.getPrototypeOf(body), Object.prototype);
		assert.ok(Object.hasOwn(body, '__proto__'));
		assert.deepEqual(Object.getOwnPropertyDescriptor(body, '__proto__')?.value, { polluted: 1 });
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
	});
});

describe('parseBody: application/x-www-form-urlencoded', () => {
	const form = 'application/x-www-form-urlencoded';

	it('turns repeated names into arrays in order and keeps empty values', async () => {
		const body = await parsed(form, utf8('tag=a&empty=&tag=b&flag&tag=c'));
		assert.deepEqual(body, { tag: ['a', 'b', 'c'], empty: '', flag: '' });
		assert.equal(Object.getPrototypeOf(body), Object.prototype);
	});

	it('decodes + as space and percent-encoding, including UTF-8 and + itself', async () => {
		const body = await parsed(
			form,
			utf8('name=Jane+Doe&city=M%C3%BCnchen&sum=1%2B1&pct=100%25&bad=%zz%4'),
		);
		assert.deepEqual(body, {
			name: 'Jane Doe',
			city: 'München',
			sum: '1+1',
			pct: '100%',
			bad: '%zz%4',
		});
	});

	it('keeps bracketed names literally', async () => {
		assert.deepEqual(await parsed(form, utf8('a[b]=1&a[b]=2&c[]=3')), {
			'a[b]': ['1', '2'],
			'c[]': '3',
		});
	});

	it('rejects percent-encoded bytes that are not UTF-8', async () => {
		assert.equal(await rejected(form, utf8('a=%C3%28')), 'form body is not valid UTF-8');
		assert.equal(
			await rejected(form, Buffer.from([0x61, 0x3d, 0xff])),
			'form body is not valid UTF-8',
		);
	});

	it('honours a declared latin1 charset', async () => {
		assert.deepEqual(await parsed(`${form}; charset=iso-8859-1`, utf8('city=M%FCnchen')), {
			city: 'München',
		});
	});

	it('keeps __proto__, constructor and prototype as own data and never pollutes', async () => {
		const raw = utf8('__proto__[polluted]=1&__proto__=x&constructor=y&prototype=z');
		const body = (await parsed(form, raw)) as Record<string, unknown>;
		assert.equal(Object.getPrototypeOf(body), Object.prototype);
		assert.equal(Object.getOwnPropertyDescriptor(body, '__proto__')?.value, 'x');
		assert.equal(body['__proto__[polluted]'], '1');
		assert.equal(Object.getOwnPropertyDescriptor(body, 'constructor')?.value, 'y');
		assert.equal(body.prototype, 'z');
		assert.deepEqual(JSON.parse(JSON.stringify(body)), {
			'__proto__[polluted]': '1',
			['__proto__']: 'x',
			constructor: 'y',
			prototype: 'z',
		});
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
	});
});

describe('parseBody: multipart/form-data', () => {
	const boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
	const contentType = `multipart/form-data; boundary=${boundary}`;
	const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
	const raw = multipart(boundary, [
		{ headers: ['Content-Disposition: form-data; name="tag"'], content: 'a' },
		{ headers: ['Content-Disposition: form-data; name="title"'], content: 'Grüße\r\nline 2' },
		{
			headers: [
				'Content-Disposition: form-data; name="upload"; filename="logo.png"',
				'Content-Type: image/png',
			],
			content: png,
		},
		{ headers: ['Content-Disposition: form-data; name="tag"'], content: 'b' },
	]);

	it('returns fields (repeats as arrays) and files with base64 data', async () => {
		const body = (await parsed(contentType, raw)) as MultipartBody;
		assert.deepEqual(body, {
			fields: { tag: ['a', 'b'], title: 'Grüße\r\nline 2' },
			files: [
				{
					field: 'upload',
					filename: 'logo.png',
					contentType: 'image/png',
					size: png.length,
					data: png.toString('base64'),
				},
			],
		});
		assert.equal(Object.getPrototypeOf(body.fields), Object.prototype);
		assert.deepEqual(Buffer.from(body.files[0].data, 'base64'), png);
	});

	it('reads UTF-8 field and file names', async () => {
		const raw = multipart(boundary, [
			{ headers: ['Content-Disposition: form-data; name="größe"'], content: 'L' },
			{
				headers: ['Content-Disposition: form-data; name="doc"; filename="résumé.txt"'],
				content: 'cv',
			},
		]);
		const body = (await parsed(contentType, raw)) as MultipartBody;
		assert.deepEqual(body.fields, { größe: 'L' });
		assert.equal(body.files[0].filename, 'résumé.txt');
		assert.equal(body.files[0].contentType, 'text/plain');
	});

	it('accepts a quoted boundary and mixed-case type', async () => {
		const body = await parsed(`Multipart/Form-Data; boundary="${boundary}"`, raw);
		assert.deepEqual((body as MultipartBody).fields.tag, ['a', 'b']);
	});

	it('rejects a missing or invalid boundary', async () => {
		assert.match(await rejected('multipart/form-data', raw), /boundary/);
		assert.match(await rejected('multipart/form-data; boundary=', raw), /boundary/);
		assert.match(await rejected('multipart/form-data; boundary=bad{chars}', raw), /boundary/);
	});

	it('rejects a malformed or truncated body', async () => {
		assert.match(
			await rejected(contentType, utf8('not multipart at all')),
			/^multipart body is malformed/,
		);
		assert.match(
			await rejected(contentType, raw.subarray(0, raw.length - 30)),
			/^multipart body is malformed/,
		);
		const badHeader = utf8(`--${boundary}\r\nno colon here\r\n\r\nx\r\n--${boundary}--\r\n`);
		assert.match(await rejected(contentType, badHeader), /^multipart body is malformed/);
	});

	it('keeps __proto__ field names as own data and never pollutes', async () => {
		const polluting = multipart(boundary, [
			{ headers: ['Content-Disposition: form-data; name="__proto__"'], content: 'x' },
			{ headers: ['Content-Disposition: form-data; name="__proto__[polluted]"'], content: '1' },
			{ headers: ['Content-Disposition: form-data; name="constructor"'], content: 'y' },
		]);
		const { fields } = (await parsed(contentType, polluting)) as MultipartBody;
		assert.equal(Object.getPrototypeOf(fields), Object.prototype);
		assert.equal(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value, 'x');
		assert.equal(fields['__proto__[polluted]'], '1');
		assert.equal(Object.getOwnPropertyDescriptor(fields, 'constructor')?.value, 'y');
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
	});
});

describe('parseBody: text', () => {
	it('returns text types as strings', async () => {
		const xml = '<?xml version="1.0"?><note><to>Tove</to></note>';
		assert.equal(await parsed('text/xml', utf8(xml)), xml);
		assert.equal(await parsed('application/xml; charset=utf-8', utf8(xml)), xml);
		assert.equal(await parsed('application/atom+xml', utf8(xml)), xml);
		assert.equal(await parsed('text/plain', utf8('héllo')), 'héllo');
		assert.equal(await parsed('text/csv', utf8('a,b\n1,2\n')), 'a,b\n1,2\n');
		assert.equal(await parsed('application/javascript', utf8('let a = 1;')), 'let a = 1;');
		assert.equal(await parsed('application/graphql', utf8('{ me { id } }')), '{ me { id } }');
	});

	it('rejects text that is not valid UTF-8', async () => {
		assert.equal(
			await rejected('text/plain', Buffer.from([0x68, 0xff, 0x69])),
			'body is not valid UTF-8 text',
		);
	});

	it('decodes a latin1 charset', async () => {
		assert.equal(
			await parsed('text/plain; charset=iso-8859-1', Buffer.from('café', 'latin1')),
			'café',
		);
	});
});

describe('parseBody: binary', () => {
	it('returns other types as base64 that round-trips to the exact bytes', async () => {
		const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
		for (const type of [
			'application/octet-stream',
			'image/png',
			'application/pdf',
			'application/x-ndjson',
		]) {
			const body = await parsed(type, bytes);
			assert.equal(typeof body, 'string');
			assert.deepEqual(Buffer.from(body as string, 'base64'), bytes);
		}
	});
});

describe('parseBody: no content type', () => {
	it('reads UTF-8 JSON as JSON', async () => {
		assert.deepEqual(await parsed(undefined, utf8('{"a":[1,2]}')), { a: [1, 2] });
		assert.deepEqual(await parsed('', utf8('[true]')), [true]);
	});

	it('reads other UTF-8 as a string', async () => {
		assert.equal(await parsed(undefined, utf8('hello wörld')), 'hello wörld');
		assert.equal(await parsed(undefined, utf8('{"broken":')), '{"broken":');
	});

	it('reads bytes that are not UTF-8 as base64', async () => {
		const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
		assert.equal(await parsed(undefined, bytes), bytes.toString('base64'));
	});
});

describe('parseBody: determinism', () => {
	it('gives deep-equal results for the same bytes, ingest and delivery alike', async () => {
		const boundary = 'b0undary';
		const cases: Array<[string | undefined, Buffer]> = [
			['application/json', utf8('{"z":1,"a":{"__proto__":2},"m":[1,2,3]}')],
			['application/x-www-form-urlencoded', utf8('b=1&a=2&b=3&__proto__=4&2=x')],
			[
				`multipart/form-data; boundary=${boundary}`,
				multipart(boundary, [
					{ headers: ['Content-Disposition: form-data; name="a"'], content: '1' },
					{
						headers: ['Content-Disposition: form-data; name="f"; filename="x.bin"'],
						content: Buffer.from([0, 1, 2]),
					},
				]),
			],
			['text/plain', utf8('text')],
			['image/gif', Buffer.from([0x47, 0x49, 0x46])],
			[undefined, utf8('plain')],
			['application/json', utf8('{bad')],
		];
		for (const [type, raw] of cases) {
			const first = await parseBody(type, raw);
			const second = await parseBody(type, Buffer.from(raw));
			assert.deepEqual(second, first);
			assert.equal(JSON.stringify(second), JSON.stringify(first));
		}
	});
});

describe('parseBody: JSON nesting limit', () => {
	/** `depth` nested containers, alternating arrays and objects, around `inner`. */
	function nested(depth: number, inner = '1'): string {
		let text = inner;
		for (let i = 0; i < depth; i++) text = i % 2 === 0 ? `[${text}]` : `{"k":${text}}`;
		return text;
	}

	it('accepts 512 levels and refuses 513, naming the limit', async () => {
		assert.equal(MAX_JSON_DEPTH, 512);
		const ok = nested(512);
		assert.deepEqual(await parsed('application/json', utf8(ok)), JSON.parse(ok));
		const message = await rejected('application/json', utf8(nested(513)));
		assert.equal(message, 'JSON body nests deeper than 512 levels');
	});

	it('counts containers only: brackets inside strings and wide bodies do not add depth', async () => {
		const inString = JSON.stringify({ text: '['.repeat(2000) + '{'.repeat(2000) });
		assert.deepEqual(await parsed('application/json', utf8(inString)), JSON.parse(inString));
		const wide = JSON.stringify(Array.from({ length: 2000 }, () => [[{ a: [1] }]]));
		assert.equal(((await parsed('application/json', utf8(wide))) as unknown[]).length, 2000);
		// Deep in one branch only, after a wide first branch: still found.
		const late = `[${JSON.stringify(Array(100).fill({}))},${nested(512)}]`;
		assert.match(await rejected('application/json', utf8(late)), /deeper than 512/);
	});

	it('a "__proto__" key is walked like any other', async () => {
		const text = `{"__proto__":${nested(512)}}`;
		assert.match(await rejected('application/json', utf8(text)), /deeper than 512/);
	});

	it('without a content type, too deep JSON stays the text it also is', async () => {
		const deep = nested(513);
		assert.equal(await parsed(undefined, utf8(deep)), deep);
		const ok = nested(512);
		assert.deepEqual(await parsed(undefined, utf8(ok)), JSON.parse(ok));
	});
});
