/**
 * Bad input over real HTTP against a real gateway and Redis (docs/reliability.md, "Bad input and
 * slow clients"): malformed JSON, wrong content types, oversized bodies and headers, invalid
 * UTF-8, prototype-pollution keys, odd endpoint ids, header injection over a raw socket, and
 * payloads that look like code. Every answer is a documented status with the JSON error body, or
 * one of node's own protocol answers (400, 417, 431: no body, connection closed); never a 500.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { WebhookEvent } from '../../src/types';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';

/** The gateway's body limit in these tests: small, so oversized bodies stay cheap. */
const LIMIT = 64 * 1024;
const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const ACCOUNT = 'acct-bad-input';

interface Answer {
	status: number;
	headers: Record<string, string>;
	text: string;
}

/** One request through node's http client (no URL normalisation, full control of the path). */
function send(
	port: number,
	options: {
		method?: string;
		path: string;
		headers?: Record<string, string | string[]>;
		body?: string | Buffer;
	},
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		// An explicit Content-Length: node's client would send a DELETE body unframed.
		const length =
			options.body === undefined
				? {}
				: { 'content-length': String(Buffer.byteLength(options.body)) };
		const req = http.request(
			{
				host: '127.0.0.1',
				port,
				method: options.method ?? 'POST',
				path: options.path,
				headers: { ...length, ...options.headers },
				agent: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers as Record<string, string>,
						text: Buffer.concat(chunks).toString('utf8'),
					}),
				);
			},
		);
		req.on('error', reject);
		req.end(options.body);
	});
}

interface RawAnswer {
	/** Status of the first response, undefined when the server sent nothing. */
	status?: number;
	headers: Record<string, string>;
	body: string;
	/** Whether the server closed the connection (rather than our timeout ending the wait). */
	closedByServer: boolean;
}

/**
 * Writes raw bytes on a fresh TCP connection and reads the first response. Resolves once that
 * response is complete (Content-Length or an empty chunked body), or the server closes, or
 * `waitMs` passed; the socket is then destroyed.
 */
function rawExchange(port: number, bytes: string | Buffer, waitMs = 2000): Promise<RawAnswer> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let data = Buffer.alloc(0);
		let done = false;
		const finish = (closedByServer: boolean) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			socket.destroy();
			const text = data.toString('latin1');
			const end = text.indexOf('\r\n\r\n');
			const head = end === -1 ? text : text.slice(0, end);
			const [statusLine, ...lines] = head.split('\r\n');
			const headers: Record<string, string> = {};
			for (const line of lines) {
				const colon = line.indexOf(':');
				if (colon > 0)
					headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
			}
			const match = /^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '');
			resolve({
				status: match ? Number(match[1]) : undefined,
				headers,
				body: end === -1 ? '' : text.slice(end + 4),
				closedByServer,
			});
		};
		const complete = () => {
			const text = data.toString('latin1');
			const end = text.indexOf('\r\n\r\n');
			if (end === -1) return false;
			const head = text.slice(0, end).toLowerCase();
			// A closing answer is complete when the server closes: that close is what we check.
			if (head.includes('connection: close')) return false;
			const length = /\r\ncontent-length: *(\d+)/.exec(head);
			if (length) return data.length - (end + 4) >= Number(length[1]);
			if (head.includes('transfer-encoding: chunked')) return text.endsWith('0\r\n\r\n');
			return true;
		};
		const timer = setTimeout(() => finish(false), waitMs);
		socket.on('data', (chunk: Buffer) => {
			data = Buffer.concat([data, chunk]);
			if (complete()) finish(false);
		});
		socket.on('error', () => finish(true));
		socket.on('close', () => finish(true));
		socket.write(bytes);
	});
}

function parseJson(text: string): any {
	try {
		return JSON.parse(text);
	} catch {
		assert.fail(`expected a JSON body, got ${JSON.stringify(text.slice(0, 200))}`);
	}
}

/** The answer is `status` with exactly the documented error body `{"error":{"code","message"}}`. */
function assertJsonError(
	answer: { status: number; headers: Record<string, string>; text: string },
	status: number,
	codes: string | string[],
	context = '',
): void {
	const allowed = Array.isArray(codes) ? codes : [codes];
	assert.equal(
		answer.status,
		status,
		`${context}: status ${answer.status}, body ${answer.text.slice(0, 200)}`,
	);
	assert.match(answer.headers['content-type'] ?? '', /^application\/json/, context);
	const body = parseJson(answer.text);
	assert.deepEqual(Object.keys(body), ['error'], context);
	assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], context);
	assert.ok(
		allowed.includes(body.error.code),
		`${context}: code ${body.error.code} not in ${allowed.join(', ')}`,
	);
	assert.equal(typeof body.error.message, 'string');
	assert.ok(
		body.error.message.length <= 200,
		`${context}: message too long (${body.error.message.length})`,
	);
}

/** A node-level protocol answer: the status, no body, and the connection closed. */
function assertProtocolError(answer: RawAnswer, status: number, context: string): void {
	assert.equal(
		answer.status,
		status,
		`${context}: got ${answer.status} ${answer.body.slice(0, 100)}`,
	);
	assert.equal(answer.headers.connection, 'close', context);
	assert.ok(answer.closedByServer, `${context}: the server should close the connection`);
}

function rawRequest(head: string, body: string | Buffer = ''): Buffer {
	const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
	return Buffer.concat([
		Buffer.from(`${head}\r\nContent-Length: ${bytes.length}\r\n\r\n`, 'latin1'),
		bytes,
	]);
}

describe('bad input', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	const mgmt = () => gw.gateway.management;
	const peek = (id: string, count = 100): Promise<WebhookEvent[]> => mgmt().peekEvents(id, count);
	const endpoint = async (id: string, extra: Record<string, unknown> = {}): Promise<string> => {
		await mgmt().createEndpoint(
			{ auth: { type: 'none' }, id, accountId: ACCOUNT, methods: ALL_METHODS, ...extra },
			'test',
		);
		return id;
	};
	/** The gateway answers health checks and stores a normal request: it was not harmed. */
	const assertStillServing = async (id: string) => {
		assert.equal((await gw.request('/healthz')).status, 200);
		const ok = await gw.request(`/hooks/${id}`, {
			method: 'POST',
			body: '{"normal":true}',
			headers: { 'content-type': 'application/json' },
		});
		assert.equal(ok.status, 202);
		const [event] = await peek(id, 1);
		assert.deepEqual(event.body, { normal: true });
		return event;
	};

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url }, { maxBodyBytes: LIMIT });
		await mgmt().setAccountPlan(ACCOUNT, 'unlimited');
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	describe('malformed JSON', () => {
		it('→ 400 invalid_body with a short message, nothing stored', async () => {
			const id = await endpoint('bad-json');
			const bodies = [
				'{"a":',
				"{'a':1}",
				'{"a":1,}',
				'NaN',
				'[1,2',
				'{"a":1}garbage',
				'{"a":1}{"b":2}',
				'undefined',
				'\u0000',
				'{"a":"\u0001"}',
				'01',
				'"unterminated',
				'{"a":1e}',
				'{"a":' + '"x",'.repeat(10_000),
			];
			for (const type of [
				'application/json',
				'application/vnd.github+json',
				'text/json; charset=utf-8',
			]) {
				for (const body of bodies) {
					const answer = await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': type },
						body,
					});
					assertJsonError(
						answer,
						400,
						'invalid_body',
						`${type} ${JSON.stringify(body.slice(0, 30))}`,
					);
				}
			}
			assert.equal((await peek(id)).length, 0);
		});

		it('a JSON body nested deeper than 512 levels → 400 invalid_body (it would break every reader of the event)', async () => {
			const id = await endpoint('bad-deep');
			const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
			assertJsonError(
				await send(gw.port, {
					path: `/hooks/${id}`,
					headers: { 'content-type': 'application/json' },
					body: deep(10_000),
				}),
				400,
				'invalid_body',
				'depth 10000',
			);
			assertJsonError(
				await send(gw.port, {
					path: `/hooks/${id}`,
					headers: { 'content-type': 'application/json' },
					body: deep(513),
				}),
				400,
				'invalid_body',
				'depth 513',
			);
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': 'application/json' },
						body: deep(512),
					})
				).status,
				202,
			);
			// Without a content type the same bytes are kept as text (sniffing never fails).
			assert.equal(
				(await send(gw.port, { path: `/hooks/${id}`, body: Buffer.from(deep(2000)) })).status,
				202,
			);
			const events = await peek(id);
			assert.equal(events.length, 2);
			assert.equal(events[0].body, deep(2000));
			// Every stored event can still be read through the admin API (JSON.stringify would overflow).
			const listed = await gw.admin('GET', `/endpoints/${id}/events`);
			assert.equal(listed.status, 200);
			assert.equal(listed.body.length, 2);
		});
	});

	describe('wrong or missing content types', () => {
		it('JSON sent as text/plain is stored as the string it is', async () => {
			const id = await endpoint('bad-ct-text');
			const json = '{"looks":"like json","n":1}';
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': 'text/plain' },
						body: json,
					})
				).status,
				202,
			);
			const [event] = await peek(id, 1);
			assert.equal(event.body, json);
			assert.equal(event.contentType, 'text/plain');
			assert.equal(Buffer.from(event.rawBody, 'base64').toString('utf8'), json);
		});

		it('a JSON content type with a form body → 400 invalid_body; a form content type with a JSON body is a form', async () => {
			const id = await endpoint('bad-ct-form');
			assertJsonError(
				await send(gw.port, {
					path: `/hooks/${id}`,
					headers: { 'content-type': 'application/json' },
					body: 'a=1&b=2',
				}),
				400,
				'invalid_body',
			);
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': 'application/x-www-form-urlencoded' },
						body: '{"a":1}',
					})
				).status,
				202,
			);
			const events = await peek(id);
			assert.equal(events.length, 1);
			assert.deepEqual({ ...(events[0].body as object) }, { '{"a":1}': '' });
		});

		it('no content type: JSON if it parses, else text if UTF-8, else base64', async () => {
			const id = await endpoint('bad-ct-none');
			const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
			for (const body of [Buffer.from('{"a":[1]}'), Buffer.from('plain words'), binary]) {
				assert.equal((await send(gw.port, { path: `/hooks/${id}`, body })).status, 202);
			}
			const [bin, text, json] = await peek(id, 3);
			assert.deepEqual(json.body, { a: [1] });
			assert.equal(text.body, 'plain words');
			assert.equal(bin.body, binary.toString('base64'));
			assert.equal(bin.rawBody, binary.toString('base64'));
		});

		it('odd, unknown or broken content types never give a 500', async () => {
			const id = await endpoint('bad-ct-odd');
			const cases: Array<[string, number]> = [
				['application/x-custom', 202],
				['image/png', 202],
				[';;;', 202],
				['application/', 202],
				['/json', 202],
				['application/json; charset=x-no-such-charset', 400],
				['text/plain; charset=utf-7', 400],
				['multipart/form-data', 400],
				['multipart/form-data; boundary=', 400],
				['multipart/form-data; boundary=abc', 400],
				['application/json; charset=utf-16le', 202],
			];
			for (const [type, expected] of cases) {
				const body = type.includes('utf-16le')
					? Buffer.from('{"a":1}', 'utf16le')
					: Buffer.from('{"a":1}');
				const answer = await send(gw.port, {
					path: `/hooks/${id}`,
					headers: { 'content-type': type },
					body,
				});
				if (expected === 202) assert.equal(answer.status, 202, `${type}: ${answer.text}`);
				else assertJsonError(answer, 400, 'invalid_body', type);
			}
		});
	});

	describe('oversized bodies', () => {
		it('a body of exactly the limit is accepted', async () => {
			const id = await endpoint('bad-size-ok');
			const answer = await send(gw.port, {
				path: `/hooks/${id}`,
				headers: { 'content-type': 'application/octet-stream' },
				body: Buffer.alloc(LIMIT, 7),
			});
			assert.equal(answer.status, 202);
			assert.equal(Buffer.from((await peek(id, 1))[0].rawBody, 'base64').length, LIMIT);
		});

		it('a declared body over the limit → 413 payload_too_large, nothing stored', async () => {
			const id = await endpoint('bad-size-declared');
			assertJsonError(
				await send(gw.port, {
					path: `/hooks/${id}`,
					headers: { 'content-type': 'text/plain' },
					body: 'x'.repeat(LIMIT + 1),
				}),
				413,
				'payload_too_large',
			);
			// A huge Content-Length is refused at once, without waiting for the body.
			const started = Date.now();
			const raw = await rawExchange(
				gw.port,
				`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 10737418240\r\n\r\nabc`,
			);
			assert.equal(raw.status, 413);
			assert.equal(parseJson(raw.body).error.code, 'payload_too_large');
			assert.ok(Date.now() - started < 1500, 'answered without waiting for 10 GiB');
			assert.equal((await peek(id)).length, 0);
		});

		it('a chunked body that grows past the limit → 413, nothing stored; one at the limit is accepted', async () => {
			const id = await endpoint('bad-size-chunked');
			const chunked = (total: number) =>
				new ReadableStream<Uint8Array>({
					start(controller) {
						for (let sent = 0; sent < total; sent += 4096)
							controller.enqueue(new Uint8Array(Math.min(4096, total - sent)).fill(0x61));
						controller.close();
					},
				});
			const over = await gw.request(`/hooks/${id}`, {
				method: 'POST',
				body: chunked(LIMIT + 4096),
				headers: { 'content-type': 'text/plain' },
				duplex: 'half',
			} as RequestInit);
			assert.equal(over.status, 413);
			assert.equal(parseJson(await over.text()).error.code, 'payload_too_large');
			assert.equal((await peek(id)).length, 0);
			const at = await gw.request(`/hooks/${id}`, {
				method: 'POST',
				body: chunked(LIMIT),
				headers: { 'content-type': 'text/plain' },
				duplex: 'half',
			} as RequestInit);
			assert.equal(at.status, 202);
			assert.equal((await peek(id)).length, 1);
			await assertStillServing(id);
		});
	});

	describe('huge and repeated headers', () => {
		it('headers over 16 KiB → node answers 431 and closes; nothing stored; the gateway stays up', async () => {
			const id = await endpoint('bad-headers-big');
			const one = await rawExchange(
				gw.port,
				rawRequest(
					`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}`,
					'{}',
				),
			);
			assertProtocolError(one, 431, 'one 17 KiB header');
			assert.equal(one.body, '');
			const many = Array.from({ length: 600 }, (_, i) => `X-Many-${i}: ${'b'.repeat(30)}`).join(
				'\r\n',
			);
			assertProtocolError(
				await rawExchange(
					gw.port,
					rawRequest(`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\n${many}`, '{}'),
				),
				431,
				'600 headers, 24 KiB',
			);
			// The same through node's own client.
			const viaClient = await send(gw.port, {
				path: `/hooks/${id}`,
				headers: { 'x-big': 'c'.repeat(20_000) },
				body: '{}',
			});
			assert.equal(viaClient.status, 431);
			// Just under the limit is fine.
			assert.equal(
				(
					await rawExchange(
						gw.port,
						rawRequest(
							`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(16 * 1024 - 200)}`,
							'{}',
						),
					)
				).status,
				202,
			);
			assert.equal((await peek(id)).length, 1);
			await assertStillServing(id);
		});

		it('a repeated header is stored once, its values joined in order; beyond node’s header-count cap the rest are dropped', async () => {
			const id = await endpoint('bad-headers-repeat');
			const values = Array.from({ length: 500 }, (_, i) => `v${i}`);
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': 'application/json', 'x-rep': values },
						body: '{}',
					})
				).status,
				202,
			);
			const [event] = await peek(id, 1);
			assert.equal(event.headers['x-rep'], values.join(', '));
			// 2,500 header lines within 16 KiB: node keeps the first ones and drops the rest silently.
			const lines = Array.from({ length: 2500 }, (_, i) => `x-n: ${i % 10}`).join('\r\n');
			const raw = await rawExchange(
				gw.port,
				`POST /hooks/${id} HTTP/1.1\r\nContent-Length: 2\r\nHost: x\r\n${lines}\r\n\r\n{}`,
			);
			assert.equal(raw.status, 202);
			const [capped] = await peek(id, 1);
			const kept = capped.headers['x-n'].split(', ');
			assert.ok(kept.length > 0 && kept.length < 2500, `kept ${kept.length}`);
			assert.deepEqual(
				kept,
				Array.from({ length: kept.length }, (_, i) => String(i % 10)),
			);
		});
	});

	describe('invalid UTF-8', () => {
		const invalid = {
			'a lone 0xFF': Buffer.from([0xff]),
			'an overlong slash (C0 AF)': Buffer.from([0xc0, 0xaf]),
			'a UTF-16 surrogate (ED A0 80)': Buffer.from([0xed, 0xa0, 0x80]),
			'a truncated sequence (E2 82)': Buffer.from([0xe2, 0x82]),
		};
		const wrap = (before: string, bytes: Buffer, after: string) =>
			Buffer.concat([Buffer.from(before), bytes, Buffer.from(after)]);

		it('in JSON, text and form bodies → 400 invalid_body, nothing stored', async () => {
			const id = await endpoint('bad-utf8');
			for (const [label, bytes] of Object.entries(invalid)) {
				const cases: Array<[string, Buffer]> = [
					['application/json', wrap('{"a":"', bytes, '"}')],
					['text/plain', wrap('hello ', bytes, ' world')],
					['application/xml', wrap('<a>', bytes, '</a>')],
					['application/x-www-form-urlencoded', wrap('a=', bytes, '')],
					[
						'application/x-www-form-urlencoded',
						Buffer.from(`a=${[...bytes].map((b) => '%' + b.toString(16).toUpperCase()).join('')}`),
					],
				];
				for (const [type, body] of cases)
					assertJsonError(
						await send(gw.port, { path: `/hooks/${id}`, headers: { 'content-type': type }, body }),
						400,
						'invalid_body',
						`${type} with ${label}`,
					);
			}
			assert.equal((await peek(id)).length, 0);
		});

		it('as application/octet-stream → 202, the raw bytes kept exactly', async () => {
			const id = await endpoint('bad-utf8-binary');
			const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
			const body = Buffer.concat([every, ...Object.values(invalid), every.reverse()]);
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': 'application/octet-stream' },
						body,
					})
				).status,
				202,
			);
			const [event] = await peek(id, 1);
			assert.ok(Buffer.from(event.rawBody, 'base64').equals(body));
			assert.equal(event.body, body.toString('base64'));
		});

		it('in the query string → 202, replaced by U+FFFD (the raw URL cannot be refused after the fact)', async () => {
			const id = await endpoint('bad-utf8-query');
			assert.equal(
				(await send(gw.port, { method: 'GET', path: `/hooks/${id}?a=%FF&b=%C0%AF` })).status,
				202,
			);
			const [event] = await peek(id, 1);
			assert.deepEqual({ ...event.query }, { a: '\ufffd', b: '\ufffd\ufffd' });
		});
	});

	describe('prototype pollution keys', () => {
		const own = (value: unknown, key: string) => Object.getOwnPropertyDescriptor(value, key)?.value;

		it('__proto__, constructor and prototype in JSON, forms, multipart and the query are stored verbatim and pollute nothing', async () => {
			const id = await endpoint('bad-proto');
			const json =
				'{"__proto__":{"polluted":"json"},"constructor":{"prototype":{"polluted":"json"}},"prototype":{"polluted":"json"}}';
			const query =
				'?__proto__[polluted]=q&__proto__.polluted=q&constructor[prototype][polluted]=q&__proto__=q&prototype=q';
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}${query}`,
						headers: { 'content-type': 'application/json' },
						body: json,
					})
				).status,
				202,
			);
			const form =
				'__proto__[polluted]=form&__proto__=form&constructor[prototype][polluted]=form&constructor=form&prototype=form';
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': 'application/x-www-form-urlencoded' },
						body: form,
					})
				).status,
				202,
			);
			const boundary = 'xYzZY';
			const multipart =
				['__proto__', 'constructor', 'prototype']
					.map(
						(name) =>
							`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\nmultipart\r\n`,
					)
					.join('') + `--${boundary}--\r\n`;
			assert.equal(
				(
					await send(gw.port, {
						path: `/hooks/${id}`,
						headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
						body: multipart,
					})
				).status,
				202,
			);
			// Header names too: `constructor` and `prototype` are stored; node's parser itself drops a header named `__proto__`.
			const raw = await rawExchange(
				gw.port,
				rawRequest(
					`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\n__proto__: header\r\nconstructor: header\r\nprototype: header`,
				),
			);
			assert.equal(raw.status, 202);

			const [headerEvent, multipartEvent, formEvent, jsonEvent] = await peek(id, 4);
			assert.deepEqual(own(jsonEvent.body, '__proto__'), { polluted: 'json' });
			assert.deepEqual(own(jsonEvent.body, 'constructor'), { prototype: { polluted: 'json' } });
			assert.deepEqual(own(jsonEvent.body, 'prototype'), { polluted: 'json' });
			assert.equal(Object.getPrototypeOf(jsonEvent.body), Object.prototype);
			assert.equal(Buffer.from(jsonEvent.rawBody, 'base64').toString(), json);
			assert.equal(own(jsonEvent.query, '__proto__[polluted]'), 'q');
			assert.equal(own(jsonEvent.query, '__proto__'), 'q');
			assert.equal(own(jsonEvent.query, 'constructor[prototype][polluted]'), 'q');
			assert.equal(own(formEvent.body, '__proto__'), 'form');
			assert.equal(own(formEvent.body, '__proto__[polluted]'), 'form');
			assert.equal(own(formEvent.body, 'constructor'), 'form');
			assert.equal(own(formEvent.body, 'prototype'), 'form');
			const fields = (multipartEvent.body as { fields: Record<string, unknown> }).fields;
			for (const name of ['__proto__', 'constructor', 'prototype'])
				assert.equal(own(fields, name), 'multipart');
			assert.equal(own(headerEvent.headers, 'constructor'), 'header');
			assert.equal(own(headerEvent.headers, 'prototype'), 'header');
			assert.equal(Object.getPrototypeOf(headerEvent.headers), Object.prototype);

			// The admin API shows the keys as sent.
			const listed = await fetch(`${gw.url}/api/v1/endpoints/${id}/events?count=10`, {
				headers: { authorization: `Bearer ${gw.config.adminToken}` },
			});
			assert.match(await listed.text(), /"__proto__":\{"polluted":"json"\}/);

			// Nothing polluted in this process, nor in the gateway (it runs in this process).
			assert.equal(({} as Record<string, unknown>).polluted, undefined);
			assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
			assert.equal((Object as unknown as Record<string, unknown>).polluted, undefined);
			const normal = await assertStillServing(id);
			assert.equal((normal.body as Record<string, unknown>).polluted, undefined);
			assert.equal((normal.headers as Record<string, unknown>).polluted, undefined);
		});

		it('duplicate detection by body path only follows own properties', async () => {
			const inherited = await endpoint('bad-proto-dedupe', {
				dedupe: { source: { type: 'bodyPath', path: 'constructor.name' } },
			});
			// `({}).constructor.name` is "Object": an inherited value must not make every `{}` a duplicate.
			for (let i = 0; i < 2; i++)
				assert.equal(
					(
						await send(gw.port, {
							path: `/hooks/${inherited}`,
							headers: { 'content-type': 'application/json' },
							body: '{}',
						})
					).status,
					202,
				);
			const ownKey = await endpoint('bad-proto-dedupe2', {
				dedupe: { source: { type: 'bodyPath', path: '__proto__.id' } },
			});
			const body = '{"__proto__":{"id":"evt-1"}}';
			const first = await send(gw.port, {
				path: `/hooks/${ownKey}`,
				headers: { 'content-type': 'application/json' },
				body,
			});
			assert.equal(first.status, 202);
			const second = await send(gw.port, {
				path: `/hooks/${ownKey}`,
				headers: { 'content-type': 'application/json' },
				body,
			});
			assert.equal(second.status, 200);
			assert.deepEqual(parseJson(second.text), {
				status: 'duplicate',
				eventId: parseJson(first.text).eventId,
			});
		});
	});

	describe('odd endpoint ids and paths', () => {
		it('→ 404 endpoint_not_found or not_found with the JSON body, never a 500', async () => {
			await endpoint('bad-ids');
			const paths = [
				'/hooks/..%2F..%2Fetc',
				'/hooks/..%2f..%2fetc%2fpasswd',
				'/hooks/%2e%2e',
				'/hooks/..',
				'/hooks/../hooks/bad-ids-nope',
				'/hooks/%00',
				'/hooks/bad-ids%00',
				'/hooks/%E2%9C%93',
				'/hooks/%F0%9F%92%A9',
				'/hooks/%C3%BC',
				'/hooks/%20',
				'/hooks/.',
				`/hooks/${'x'.repeat(5000)}`,
				'/hooks/',
				'/hooks',
				'/hooks//bad-ids',
				'//hooks/bad-ids',
				'/hooks\\bad-ids',
				'/HOOKS/bad-ids-upper',
				'/hooks/BAD-IDS',
				'/hooks/bad-ids;x=1',
				'/hooks/*',
				'/',
				'/api',
			];
			for (const method of ['POST', 'GET', 'DELETE', 'PROPFIND']) {
				for (const path of paths) {
					const answer = await send(gw.port, {
						method,
						path,
						headers: { 'content-type': 'application/json' },
						body: method === 'GET' ? undefined : '{}',
					});
					assertJsonError(
						answer,
						404,
						['endpoint_not_found', 'not_found'],
						`${method} ${path.slice(0, 60)}`,
					);
				}
			}
			// A sub-path is the endpoint's own business: traversal-looking sub-paths are stored as sent.
			const sub = await send(gw.port, {
				path: '/hooks/bad-ids/..%2F..%2Fetc/passwd',
				headers: { 'content-type': 'application/json' },
				body: '{}',
			});
			assert.equal(sub.status, 202);
			assert.equal((await peek('bad-ids', 1))[0].path, '/../../etc/passwd');
		});

		// express's router rejects a malformed percent-escape with a URIError carrying status 400; the
		// gateway must answer it as the client's error.
		it('a malformed percent-escape in the path → a 4xx JSON error, not 500', async () => {
			await endpoint('bad-escapes');
			for (const path of [
				'/hooks/%',
				'/hooks/%E0%A4%A',
				'/hooks/%C0',
				'/hooks/%FF',
				'/hooks/%ED%A0%80',
				'/hooks/bad-escapes/%ZZ',
				'/hooks/bad-escapes/%',
			]) {
				const answer = await send(gw.port, {
					path,
					headers: { 'content-type': 'application/json' },
					body: '{}',
				});
				assert.ok(
					answer.status === 400 || answer.status === 404,
					`${path}: ${answer.status} ${answer.text}`,
				);
				assertJsonError(
					answer,
					answer.status,
					['invalid_request', 'not_found', 'endpoint_not_found'],
					path,
				);
			}
			assert.equal((await peek('bad-escapes')).length, 0);
		});
	});

	describe('header injection and protocol violations over a raw socket', () => {
		it('CR/LF/NUL in header values, obs-fold, smuggling shapes and bad framing → node answers 400 and closes; nothing stored; the gateway stays up', async () => {
			const id = await endpoint('bad-raw');
			const post = `POST /hooks/${id} HTTP/1.1\r\nHost: x`;
			const cases: Array<[string, Buffer]> = [
				['bare CR in a header value', rawRequest(`${post}\r\nX-A: a\rInjected: yes`, '{}')],
				['bare LF in a header value', rawRequest(`${post}\r\nX-A: a\nInjected: yes`, '{}')],
				['NUL in a header value', rawRequest(`${post}\r\nX-A: a\u0000b`, '{}')],
				['obs-fold continuation line', rawRequest(`${post}\r\nX-A: a\r\n b`, '{}')],
				['space before the colon', rawRequest(`${post}\r\nX-A : a`, '{}')],
				['space inside a header name', rawRequest(`${post}\r\nX A: a`, '{}')],
				['a header line without colon', rawRequest(`${post}\r\nNoColonHere`, '{}')],
				[
					'a space in the request target',
					rawRequest(`POST /hooks/${id} x HTTP/1.1\r\nHost: x`, '{}'),
				],
				[
					'a control byte in the request target',
					rawRequest(`POST /hooks/${id}/\u0001 HTTP/1.1\r\nHost: x`, '{}'),
				],
				[
					'Content-Length and Transfer-Encoding together',
					Buffer.from(
						`${post}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nPOST /hooks/${id} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`,
					),
				],
				[
					'two different Content-Lengths',
					Buffer.from(`${post}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x`),
				],
				['a negative Content-Length', Buffer.from(`${post}\r\nContent-Length: -1\r\n\r\n`)],
				['a non-numeric Content-Length', Buffer.from(`${post}\r\nContent-Length: 1e3\r\n\r\n{}`)],
				[
					'an overflowing Content-Length',
					Buffer.from(`${post}\r\nContent-Length: 99999999999999999999999\r\n\r\n`),
				],
				[
					'a bad chunk size',
					Buffer.from(`${post}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`),
				],
				[
					'an unknown transfer-coding only',
					Buffer.from(`${post}\r\nTransfer-Encoding: gzip\r\n\r\n{}`),
				],
				[
					'bare LF line endings',
					Buffer.from(`POST /hooks/${id} HTTP/1.1\nHost: x\nContent-Length: 2\n\n{}`),
				],
				['a lower-case method', rawRequest(`post /hooks/${id} HTTP/1.1\r\nHost: x`, '{}')],
				['an unknown method', rawRequest(`FOO /hooks/${id} HTTP/1.1\r\nHost: x`, '{}')],
				['HTTP/3.1', rawRequest(`POST /hooks/${id} HTTP/3.1\r\nHost: x`, '{}')],
				['no Host header', rawRequest(`POST /hooks/${id} HTTP/1.1`, '{}')],
				[
					'garbage',
					Buffer.from(
						'\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 not http\r\n\r\n',
						'latin1',
					),
				],
			];
			for (const [label, bytes] of cases) {
				const answer = await rawExchange(gw.port, bytes);
				assertProtocolError(answer, 400, label);
				assert.equal(answer.headers['injected'], undefined, label);
			}
			assert.equal((await peek(id)).length, 0);
			await assertStillServing(id);
		});

		it('CRLF in the request target makes a version-less request line: one request whose headers are the rest, never two requests', async () => {
			const id = await endpoint('bad-raw-target');
			const answer = await rawExchange(
				gw.port,
				rawRequest(`POST /hooks/${id}?x=1\r\nInjected: 1 HTTP/1.1\r\nHost: x`, '{}'),
			);
			assert.equal(answer.status, 202);
			const events = await peek(id);
			assert.equal(events.length, 1);
			assert.deepEqual({ ...events[0].query }, { x: '1' });
			assert.equal(events[0].headers.injected, '1 HTTP/1.1');
		});

		it('an Expect other than 100-continue → node answers 417; 100-continue works', async () => {
			const id = await endpoint('bad-expect');
			assert.equal(
				(
					await rawExchange(
						gw.port,
						rawRequest(`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\nExpect: bogus`, '{}'),
					)
				).status,
				417,
			);
			assert.equal((await peek(id)).length, 0);
			const continued = await rawExchange(
				gw.port,
				Buffer.from(
					`POST /hooks/${id} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}`,
				),
				1000,
			);
			assert.equal(continued.status, 100);
		});

		it('a handshake echo cannot split the response: input goes to the text body only', async () => {
			const id = await endpoint('bad-hub', { handshake: 'hubChallenge' });
			const answer = await send(gw.port, {
				method: 'GET',
				path: `/hooks/${id}?hub.challenge=abc%0D%0ASet-Cookie:%20pwned=1%0D%0A%0D%0A<script>x</script>`,
			});
			assert.equal(answer.status, 200);
			assert.equal(answer.headers['set-cookie'], undefined);
			assert.equal(answer.text, 'abc\r\nSet-Cookie: pwned=1\r\n\r\n<script>x</script>');
			assert.match(answer.headers['content-type'] ?? '', /^text\/plain/);
			assert.equal(answer.headers['x-content-type-options'], 'nosniff');
		});
	});

	describe('payloads that look like code', () => {
		const code = [
			'<script>alert(document.cookie)</script>',
			"'; DROP TABLE events; --",
			'{{ $json }} {{ $env.WEBHOOK_GATEWAY_ADMIN_TOKEN }}',
			'${process.exit()}',
			'`${require("child_process").execSync("id")}`',
			"redis.call('FLUSHALL')",
			'*1\r\n$8\r\nFLUSHALL\r\n',
			'../../../../etc/passwd',
			'%s%s%s%n',
			'\u202e\u0000\ufeff',
		];

		it('are stored verbatim and returned byte-identical in rawBody; nothing is evaluated', async () => {
			const id = await endpoint('bad-code');
			const text = code.join('\n');
			const json = JSON.stringify({ items: code, [code[2]]: code[3] });
			const form = code.map((c, i) => `k${i}=${encodeURIComponent(c)}`).join('&');
			const query = '?' + code.map((c, i) => `q${i}=${encodeURIComponent(c)}`).join('&');
			const sent: Array<[string, string]> = [
				['text/plain', text],
				['application/json', json],
				['application/x-www-form-urlencoded', form],
				['text/html', text],
			];
			for (const [type, body] of sent) {
				const answer = await send(gw.port, {
					path: `/hooks/${id}/sub${query}`,
					headers: { 'content-type': type, 'x-template': '{{ $json }} ${process.exit()}' },
					body,
				});
				assert.equal(answer.status, 202);
				// The answer reflects nothing that was sent.
				assert.deepEqual(Object.keys(parseJson(answer.text)).sort(), ['eventId', 'status']);
			}
			const events = (await peek(id, 10)).reverse();
			assert.equal(events.length, sent.length);
			for (const [i, [, body]] of sent.entries()) {
				assert.ok(
					Buffer.from(events[i].rawBody, 'base64').equals(Buffer.from(body)),
					`rawBody of ${sent[i][0]}`,
				);
				assert.equal(events[i].headers['x-template'], '{{ $json }} ${process.exit()}');
				for (const [j, c] of code.entries())
					assert.equal((events[i].query as Record<string, string>)[`q${j}`], c);
			}
			assert.equal(events[0].body, text);
			assert.deepEqual(events[1].body, JSON.parse(json));
			for (const [j, c] of code.entries())
				assert.equal((events[2].body as Record<string, string>)[`k${j}`], c);
			assert.equal(events[3].body, text);
			// Redis was not told to FLUSHALL: earlier endpoints and events are all still there.
			assert.ok((await mgmt().getEndpoint('bad-json')).id);
			assert.equal((await peek('bad-utf8-binary')).length, 1);
			await assertStillServing(id);
		});
	});
});
