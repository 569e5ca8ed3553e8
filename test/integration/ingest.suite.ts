/**
 * The ingest contract (README "What a sender gets back"), run against a real Redis: every row of the checks table,
 * the stored event's fields, body types, HEAD/OPTIONS, handshakes, duplicates and "rejects consume
 * no quota". Shared by the standalone and the cluster test files.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type RedisTarget, type TestGateway } from '../harness/gateway';

function githubSign(secret: string, body: string): string {
	return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

async function json(res: Response): Promise<any> {
	return JSON.parse(await res.text());
}

export function ingestSuite(
	label: string,
	start: () => Promise<{ target: RedisTarget; stop(): Promise<void> }>,
): void {
	describe(`ingest contract (${label})`, () => {
		let backend: { target: RedisTarget; stop(): Promise<void> };
		let gw: TestGateway;
		const mgmt = () => gw.gateway.management;

		before(async () => {
			backend = await start();
			gw = await startTestGateway(backend.target, { maxBodyBytes: 1024 });
			await mgmt().upsertPlan({ id: 'test-unlimited-daily3', rate: null, burst: null, daily: 3 });
			await mgmt().setAccountPlan('acct-open', 'unlimited');
			await mgmt().setAccountPlan('acct-daily', 'test-unlimited-daily3');
			await mgmt().setAccountPlan('acct-trial', 'free-trial');
		});
		after(async () => {
			await gw?.close();
			await backend?.stop();
		});

		it('1: unknown endpoint → 404 endpoint_not_found with the JSON error body', async () => {
			const res = await gw.request('/hooks/does-not-exist', { method: 'POST', body: '{}' });
			assert.equal(res.status, 404);
			assert.deepEqual(await json(res), {
				error: { code: 'endpoint_not_found', message: 'No endpoint with this id' },
			});
		});

		it('2: disabled endpoint → 403 endpoint_disabled', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-disabled', accountId: 'acct-open', enabled: false },
				'test',
			);
			const res = await gw.request('/hooks/ep-disabled', { method: 'POST', body: '{}' });
			assert.equal(res.status, 403);
			assert.equal((await json(res)).error.code, 'endpoint_disabled');
		});

		it('3: method not allowed → 405 with Allow', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-post', accountId: 'acct-open', methods: ['POST'] },
				'test',
			);
			const res = await gw.request('/hooks/ep-post', { method: 'PUT', body: '{}' });
			assert.equal(res.status, 405);
			assert.equal((await json(res)).error.code, 'method_not_allowed');
			assert.match(res.headers.get('allow') ?? '', /POST/);
		});

		it('4: body over the limit → 413 payload_too_large (declared and chunked)', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-size', accountId: 'acct-open' },
				'test',
			);
			const big = 'x'.repeat(2048);
			const declared = await gw.request('/hooks/ep-size', {
				method: 'POST',
				body: big,
				headers: { 'content-type': 'text/plain' },
			});
			assert.equal(declared.status, 413);
			assert.equal((await json(declared)).error.code, 'payload_too_large');
			const stream = new ReadableStream({
				start(controller) {
					for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(600)));
					controller.close();
				},
			});
			const chunked = await gw.request('/hooks/ep-size', {
				method: 'POST',
				body: stream,
				headers: { 'content-type': 'text/plain' },
				duplex: 'half',
			} as RequestInit);
			assert.equal(chunked.status, 413);
			assert.equal((await mgmt().peekEvents('ep-size')).length, 0);
		});

		it('5: failed authentication → 403 unauthorized, saying no more than needed', async () => {
			const { secret } = await mgmt().createEndpoint(
				{ id: 'ep-gh', accountId: 'acct-open', auth: { type: 'hmac', preset: 'github' } },
				'test',
			);
			const body = '{"ref":"main"}';
			const tampered = await gw.request('/hooks/ep-gh', {
				method: 'POST',
				body: body + ' ',
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': githubSign(secret!, body),
				},
			});
			assert.equal(tampered.status, 403);
			assert.deepEqual(await json(tampered), {
				error: { code: 'unauthorized', message: 'Authentication failed' },
			});
			const ok = await gw.request('/hooks/ep-gh', {
				method: 'POST',
				body,
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': githubSign(secret!, body),
				},
			});
			assert.equal(ok.status, 202);
		});

		it('5 before 6: an unsigned malformed body is 403, a signed malformed body is 400 invalid_body', async () => {
			const { secret } = await mgmt().createEndpoint(
				{ id: 'ep-gh2', accountId: 'acct-open', auth: { type: 'hmac', preset: 'github' } },
				'test',
			);
			const bad = '{"ref":';
			const unsigned = await gw.request('/hooks/ep-gh2', {
				method: 'POST',
				body: bad,
				headers: { 'content-type': 'application/json' },
			});
			assert.equal(unsigned.status, 403);
			const signed = await gw.request('/hooks/ep-gh2', {
				method: 'POST',
				body: bad,
				headers: {
					'content-type': 'application/json',
					'x-hub-signature-256': githubSign(secret!, bad),
				},
			});
			assert.equal(signed.status, 400);
			assert.equal((await json(signed)).error.code, 'invalid_body');
		});

		it('7: a repeated delivery id → 200 duplicate with the first event id, stored once, no quota used', async () => {
			const { secret } = await mgmt().createEndpoint(
				{ id: 'ep-dup', accountId: 'acct-daily', auth: { type: 'hmac', preset: 'github' } },
				'test',
			);
			const body = '{"n":1}';
			const headers = {
				'content-type': 'application/json',
				'x-hub-signature-256': githubSign(secret!, body),
				'x-github-delivery': 'delivery-1',
			};
			const first = await gw.request('/hooks/ep-dup', { method: 'POST', body, headers });
			assert.equal(first.status, 202);
			const firstId = (await json(first)).eventId;
			for (let i = 0; i < 3; i++) {
				const again = await gw.request('/hooks/ep-dup', { method: 'POST', body, headers });
				assert.equal(again.status, 200);
				assert.deepEqual(await json(again), { status: 'duplicate', eventId: firstId });
			}
			assert.equal((await mgmt().peekEvents('ep-dup')).length, 1);
			const usage = await mgmt().endpointUsage('ep-dup');
			assert.equal(usage.acceptedToday, 1);
		});

		it('8: the seed Free Trial plan rejects a second request in the same second → 429 rate_limited', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-trial', accountId: 'acct-trial' },
				'test',
			);
			const a = await gw.request('/hooks/ep-trial', {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json' },
			});
			const b = await gw.request('/hooks/ep-trial', {
				method: 'POST',
				body: '{}',
				headers: { 'content-type': 'application/json' },
			});
			assert.equal(a.status, 202);
			assert.match(
				a.headers.get('ratelimit-policy') ?? '',
				/"burst";q=1;w=1, "daily";q=50;w=86400/,
			);
			assert.match(a.headers.get('ratelimit') ?? '', /"burst";r=0;t=\d+, "daily";r=49;t=\d+/);
			assert.equal(b.status, 429);
			assert.equal((await json(b)).error.code, 'rate_limited');
			assert.ok(Number(b.headers.get('retry-after')) >= 1);
			assert.ok(b.headers.get('ratelimit-policy'));
			assert.ok(b.headers.get('ratelimit'));
		});

		it('9: daily limit → exactly N accepted, then 429 daily_limit_exceeded with Retry-After to UTC midnight; rejects consume no quota', async () => {
			await mgmt().createEndpoint(
				{
					id: 'ep-daily',
					accountId: 'acct-daily',
					auth: { type: 'header', headerName: 'x-token', prefix: '' },
					secret: 'token-123456',
				},
				'test',
			);
			// ep-dup of the same account already used 1 of 3 today; rejected requests must not count.
			const bad = await gw.request('/hooks/ep-daily', {
				method: 'POST',
				body: '{}',
				headers: { 'x-token': 'wrong-token' },
			});
			assert.equal(bad.status, 403);
			const invalid = await gw.request('/hooks/ep-daily', {
				method: 'POST',
				body: '{',
				headers: { 'x-token': 'token-123456', 'content-type': 'application/json' },
			});
			assert.equal(invalid.status, 400);
			const statuses: number[] = [];
			for (let i = 0; i < 4; i++) {
				const r = await gw.request('/hooks/ep-daily', {
					method: 'POST',
					body: `{"i":${i}}`,
					headers: { 'x-token': 'token-123456', 'content-type': 'application/json' },
				});
				statuses.push(r.status);
				if (r.status === 429) {
					assert.equal((await json(r)).error.code, 'daily_limit_exceeded');
					const retry = Number(r.headers.get('retry-after'));
					const now = new Date();
					const toMidnight =
						(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) -
							now.getTime()) /
						1000;
					assert.ok(Math.abs(retry - toMidnight) <= 5, `Retry-After ${retry} vs ${toMidnight}`);
				}
			}
			assert.deepEqual(statuses, [202, 202, 429, 429]);
			assert.equal((await mgmt().endpointUsage('ep-daily')).accountAcceptedToday, 3);
		});

		it("9b: an endpoint's own daily limit inside the plan → 429 endpoint_daily_limit_exceeded; the account's other endpoints go on (one slot in a cluster)", async () => {
			await mgmt().setAccountPlan('acct-own', 'test-unlimited-daily3');
			await mgmt().createEndpoint(
				{
					id: 'ep-own-limited',
					accountId: 'acct-own',
					auth: { type: 'none' },
					limits: { daily: 1 },
				},
				'test',
			);
			await mgmt().createEndpoint(
				{ id: 'ep-own-free', accountId: 'acct-own', auth: { type: 'none' } },
				'test',
			);
			const post = (ep: string) =>
				gw.request(`/hooks/${ep}`, {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				});
			assert.equal((await post('ep-own-limited')).status, 202);
			const refused = await post('ep-own-limited');
			assert.equal(refused.status, 429);
			assert.equal((await json(refused)).error.code, 'endpoint_daily_limit_exceeded');
			assert.deepEqual(
				[(await post('ep-own-free')).status, (await post('ep-own-free')).status],
				[202, 202],
			);
			assert.equal((await mgmt().endpointUsage('ep-own-free')).accountAcceptedToday, 3);
		});

		it('10: buffer at capacity → 503 buffer_full with Retry-After; nothing more stored', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-cap', accountId: 'acct-open', bufferCapacity: 2 },
				'test',
			);
			const statuses: number[] = [];
			for (let i = 0; i < 3; i++) {
				const r = await gw.request('/hooks/ep-cap', {
					method: 'POST',
					body: '{}',
					headers: { 'content-type': 'application/json' },
				});
				statuses.push(r.status);
				if (r.status === 503) {
					assert.equal((await json(r)).error.code, 'buffer_full');
					assert.ok(Number(r.headers.get('retry-after')) >= 1);
				}
			}
			assert.deepEqual(statuses, [202, 202, 503]);
			assert.equal((await mgmt().peekEvents('ep-cap')).length, 2);
		});

		it('202: the stored event has every field of the contract; credential headers removed', async () => {
			await mgmt().createEndpoint(
				{
					id: 'ep-fields',
					accountId: 'acct-open',
					methods: ['POST', 'GET', 'PUT', 'PATCH', 'DELETE'],
					auth: { type: 'header', headerName: 'authorization', prefix: 'Bearer ' },
					secret: 'sekret-token-1',
				},
				'test',
			);
			const body = '{"hello":"world","n":[1,2]}';
			const res = await gw.request('/hooks/ep-fields/sub/path?x=1&y=a&y=b', {
				method: 'PUT',
				body,
				headers: {
					'content-type': 'application/json',
					authorization: 'Bearer sekret-token-1',
					'X-Custom': 'Yes',
				},
			});
			assert.equal(res.status, 202);
			const { status, eventId } = await json(res);
			assert.equal(status, 'accepted');
			const [event] = await mgmt().peekEvents('ep-fields', 1);
			assert.equal(event.id, eventId);
			assert.equal(event.endpointId, 'ep-fields');
			assert.equal(event.accountId, 'acct-open');
			assert.ok(Math.abs(Date.parse(event.receivedAt) - Date.now()) < 10_000);
			assert.equal(event.method, 'PUT');
			assert.equal(event.path, '/sub/path');
			assert.deepEqual(event.query, { x: '1', y: ['a', 'b'] });
			assert.equal(event.headers['x-custom'], 'Yes');
			assert.equal(event.headers.authorization, undefined, 'credential header must not be stored');
			assert.equal(event.contentType, 'application/json');
			assert.deepEqual(event.body, { hello: 'world', n: [1, 2] });
			assert.equal(Buffer.from(event.rawBody, 'base64').toString(), body);
			assert.match(event.sourceIp, /127\.0\.0\.1/);
		});

		it('GET carries its payload in the query; form, text and binary bodies are kept', async () => {
			await mgmt().createEndpoint(
				{
					auth: { type: 'none' },
					id: 'ep-types',
					accountId: 'acct-open',
					methods: ['GET', 'POST'],
				},
				'test',
			);
			assert.equal(
				(await gw.request('/hooks/ep-types?event=ping&id=7', { method: 'GET' })).status,
				202,
			);
			assert.equal(
				(
					await gw.request('/hooks/ep-types', {
						method: 'POST',
						body: 'a=1&a=2&b=x+y',
						headers: { 'content-type': 'application/x-www-form-urlencoded' },
					})
				).status,
				202,
			);
			assert.equal(
				(
					await gw.request('/hooks/ep-types', {
						method: 'POST',
						body: 'plain text',
						headers: { 'content-type': 'text/plain' },
					})
				).status,
				202,
			);
			const bytes = Buffer.from([0, 1, 2, 255, 254]);
			assert.equal(
				(
					await gw.request('/hooks/ep-types', {
						method: 'POST',
						body: bytes,
						headers: { 'content-type': 'application/octet-stream' },
					})
				).status,
				202,
			);
			const events = (await mgmt().peekEvents('ep-types', 10)).reverse();
			assert.deepEqual(events[0].query, { event: 'ping', id: '7' });
			assert.equal(events[0].method, 'GET');
			assert.deepEqual(events[1].body, { a: ['1', '2'], b: 'x y' });
			assert.equal(events[2].body, 'plain text');
			assert.equal(events[3].body, bytes.toString('base64'));
			assert.equal(events[3].rawBody, bytes.toString('base64'));
		});

		it('HEAD and OPTIONS answer without storing', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-head', accountId: 'acct-open' },
				'test',
			);
			assert.equal((await gw.request('/hooks/ep-head', { method: 'HEAD' })).status, 200);
			const options = await gw.request('/hooks/ep-head', { method: 'OPTIONS' });
			assert.equal(options.status, 204);
			assert.match(options.headers.get('allow') ?? '', /POST/);
			assert.equal((await mgmt().peekEvents('ep-head')).length, 0);
		});

		it('handshakes: Slack url_verification, hub.challenge and validationToken are echoed, not stored', async () => {
			await mgmt().createEndpoint(
				{ auth: { type: 'none' }, id: 'ep-slack', accountId: 'acct-open', handshake: 'slack' },
				'test',
			);
			const slack = await gw.request('/hooks/ep-slack', {
				method: 'POST',
				body: '{"type":"url_verification","challenge":"abc123"}',
				headers: { 'content-type': 'application/json' },
			});
			assert.equal(slack.status, 200);
			assert.deepEqual(await json(slack), { challenge: 'abc123' });
			await mgmt().createEndpoint(
				{
					auth: { type: 'none' },
					id: 'ep-hub',
					accountId: 'acct-open',
					handshake: { mode: 'hubChallenge', verifyToken: 'vt-1' },
				},
				'test',
			);
			const hub = await gw.request(
				'/hooks/ep-hub?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=vt-1',
				{ method: 'GET' },
			);
			assert.equal(hub.status, 200);
			assert.equal(await hub.text(), '1158201444');
			const hubBad = await gw.request(
				'/hooks/ep-hub?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope',
				{ method: 'GET' },
			);
			assert.equal(hubBad.status, 403);
			await mgmt().createEndpoint(
				{
					auth: { type: 'none' },
					id: 'ep-graph',
					accountId: 'acct-open',
					handshake: 'validationToken',
				},
				'test',
			);
			const graph = await gw.request('/hooks/ep-graph?validationToken=Validation%3A%20Testing', {
				method: 'POST',
			});
			assert.equal(graph.status, 200);
			assert.equal(await graph.text(), 'Validation: Testing');
			for (const id of ['ep-slack', 'ep-hub', 'ep-graph'])
				assert.equal((await mgmt().peekEvents(id)).length, 0);
		});

		it('changes apply at once on every gateway: disabling and rotating take effect immediately', async () => {
			await mgmt().createEndpoint(
				{
					id: 'ep-live',
					accountId: 'acct-open',
					auth: { type: 'header', headerName: 'x-key', prefix: '' },
					secret: 'first-secret-1',
				},
				'test',
			);
			const send = (key: string) =>
				gw.request('/hooks/ep-live', { method: 'POST', body: '{}', headers: { 'x-key': key } });
			assert.equal((await send('first-secret-1')).status, 202);
			await mgmt().rotateSecret('ep-live', { secret: 'second-secret-2', graceSeconds: 0 });
			await new Promise((r) => setTimeout(r, 100));
			assert.equal((await send('first-secret-1')).status, 403);
			assert.equal((await send('second-secret-2')).status, 202);
			await mgmt().updateEndpoint('ep-live', { enabled: false });
			await new Promise((r) => setTimeout(r, 100));
			assert.equal((await send('second-secret-2')).status, 403);
		});
	});
}
