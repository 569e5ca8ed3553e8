/**
 * The stream schema and the script codes (src/redis/streamSchema.ts, scriptCodes.ts): the one-field
 * entry round-trips every part of an event, and no Lua script drifts from the names and codes the
 * loader defines for it (a literal field or group name, an undefined constant, a code its contract
 * block does not list).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SCRIPT_CODES, luaCodeConstants } from '../../src/redis/scriptCodes';
import {
	FIELDS,
	LUA_SCHEMA,
	decodeEntry,
	encodeEventHead,
	luaPreamble,
	replayFields,
	storedSize,
	type EventHead,
} from '../../src/redis/streamSchema';

const SCRIPTS = path.join(__dirname, '..', '..', 'src', 'redis', 'scripts');

function stored(head: EventHead, body: Buffer, id = '1700000000000-0') {
	const value = Buffer.concat([Buffer.from(encodeEventHead(head, body.length)), body]);
	return { value, entry: decodeEntry(`s:${id}`, [Buffer.from(FIELDS.event), value]) };
}

describe('stream entry (one field)', () => {
	const head: EventHead = {
		method: 'POST',
		path: 'a/b',
		query: 'x=1&y=2',
		sourceIp: '203.0.113.7',
		headers: {
			'content-length': '5',
			'content-type': 'application/json',
			'x-github-event': 'push',
		},
	};

	it('decodes what it encodes: method, path, query, ip, headers in order, body bytes', () => {
		const body = Buffer.from([0x7b, 0x0a, 0x00, 0xff, 0x7d]);
		const { value, entry } = stored(head, body);
		assert.deepEqual(
			{ ...entry, headers: Object.entries(entry.headers) },
			{
				ref: 's:1700000000000-0',
				eventId: '1700000000000-0',
				receivedAtMs: 1700000000000,
				method: 'POST',
				path: 'a/b',
				query: 'x=1&y=2',
				sourceIp: '203.0.113.7',
				headers: Object.entries(head.headers),
				body,
			},
		);
		assert.equal(
			storedSize({ ...head, body }),
			value.length,
			'the stored size is the field value length',
		);
		assert.ok(
			!value.includes('content-length'),
			'a content-length equal to the body length is not stored',
		);
	});

	it('keeps a content-length that differs from the body, newlines and backslashes, and a header named __proto__', () => {
		const odd: EventHead = {
			method: 'PUT',
			path: 'p\\q\nr',
			query: '',
			sourceIp: '',
			headers: Object.defineProperty({ 'content-length': '99', 'x-a': 'v\\n1\n2' }, '__proto__', {
				value: 'p',
				enumerable: true,
			}) as Record<string, string>,
		};
		const { entry } = stored(odd, Buffer.from('abc'));
		assert.equal(entry.path, 'p\\q\nr');
		assert.deepEqual(Object.entries(entry.headers), Object.entries(odd.headers));
		assert.equal(Object.getPrototypeOf(entry.headers), Object.prototype);
	});

	it("decodes entries of the earlier six-field layout and replayed entries keep the sender's event id", () => {
		const legacy = [
			'm',
			'GET',
			'p',
			'x',
			'q',
			'a=1',
			'h',
			'{"content-type":"text/plain"}',
			'ip',
			'10.0.0.1',
			'b',
			'hello',
		].map((s) => Buffer.from(s));
		const old = decodeEntry('s:5-1', legacy);
		assert.deepEqual(
			{
				method: old.method,
				path: old.path,
				query: old.query,
				headers: old.headers,
				ip: old.sourceIp,
				body: old.body.toString(),
				eventId: old.eventId,
			},
			{
				method: 'GET',
				path: 'x',
				query: 'a=1',
				headers: { 'content-type': 'text/plain' },
				ip: '10.0.0.1',
				body: 'hello',
				eventId: '5-1',
			},
		);
		const replayed = decodeEntry(
			'r:9-0',
			replayFields(old).map((f) => Buffer.from(f)),
		);
		assert.deepEqual({ ...replayed, ref: old.ref, receivedAtMs: old.receivedAtMs }, old);
		assert.equal(replayed.eventId, '5-1');
	});
});

describe('Lua scripts use the schema and the codes by name', () => {
	const files = fs.readdirSync(SCRIPTS).filter((f) => f.endsWith('.lua'));
	const preamble = luaPreamble();
	const defined = new Set(
		/^local ([^=]+)=/
			.exec(preamble)![1]
			.split(',')
			.map((s) => s.trim()),
	);
	const schemaValues = new Set(Object.values(LUA_SCHEMA));
	const contract = (lua: string) => /--\[\[([\s\S]*?)\]\]/.exec(lua)?.[1] ?? '';
	const code = (lua: string) => lua.replace(/--\[\[[\s\S]*?\]\]/, '').replace(/--[^\n]*/g, '');

	it('the preamble is one line that defines every schema name and code', () => {
		assert.equal(preamble.split('\n').length, 2);
		for (const name of [
			...Object.keys(LUA_SCHEMA),
			...luaCodeConstants(SCRIPT_CODES).map(([n]) => n),
		])
			assert.ok(defined.has(name), name);
	});

	for (const file of files) {
		it(`${file}: no literal stream field / group / ref name, no undefined constant`, () => {
			const lua = code(fs.readFileSync(path.join(SCRIPTS, file), 'utf8'));
			const literals = [...lua.matchAll(/'([^'\\]*)'/g)].map((m) => m[1]);
			assert.deepEqual(
				literals.filter((l) => schemaValues.has(l)),
				[],
				'use the preamble names (streamSchema.ts)',
			);
			// Upper-case identifiers outside strings: KEYS, ARGV or a preamble constant.
			const outsideStrings = lua.replace(/'[^'\\]*'/g, "''");
			const constants = [...outsideStrings.matchAll(/\b([A-Z][A-Z0-9_]+)\b/g)]
				.map((m) => m[1])
				.filter((n) => n !== 'KEYS' && n !== 'ARGV');
			assert.deepEqual(
				[...new Set(constants.filter((n) => !defined.has(n)))],
				[],
				'every constant comes from the preamble',
			);
		});
	}

	const returning: Record<keyof typeof SCRIPT_CODES, string[]> = {
		accept: ['acceptEvent-6.lua'],
		lease: ['takeLease-1.lua', 'releaseLease-1.lua'],
		replace: ['replaceField-1.lua'],
		trim: ['trimEvents-2.lua'],
		read: ['readEvents-4.lua'],
	};
	for (const [group, scripts] of Object.entries(returning)) {
		it(`${scripts.join(', ')}: the contract block names every ${group} code, the code returns them by name`, () => {
			const names = luaCodeConstants({
				[group]: SCRIPT_CODES[group as keyof typeof SCRIPT_CODES],
			}).map(([n]) => n);
			for (const script of scripts) {
				const lua = fs.readFileSync(path.join(SCRIPTS, script), 'utf8');
				const block = contract(lua);
				const body = code(lua);
				for (const name of names) {
					assert.ok(block.includes(name), `${script}'s contract block lists ${name}`);
				}
				assert.ok(
					names.some((n) => body.includes(n)),
					`${script} returns named codes`,
				);
				if (group !== 'trim')
					assert.doesNotMatch(
						body,
						/return \{?\s*[0-9]/,
						`${script} returns no bare number as a code`,
					);
			}
		});
	}
});
